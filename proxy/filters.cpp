// The filters between admin and forward: faults, validation and replay (with the miss log).
#include "core/protocol/redact.hpp"
#include "proxy/chain.hpp"
#include "proxy/limits.hpp"

namespace popcheck::proxy {

using core::ojson;

void MissLog::add(ojson entry) {
  std::lock_guard lock(mutex_);
  entries_.push_back(std::move(entry));
  while (entries_.size() > limit_) {
    entries_.pop_front();
    ++dropped_;
  }
}

ojson MissLog::json(bool clear) {
  std::lock_guard lock(mutex_);
  if (clear) {
    entries_.clear();
    dropped_ = 0;
  }
  ojson list = ojson::array();
  for (const auto& m : entries_) list.push_back(m);
  ojson j;
  j["misses"] = std::move(list);
  j["limit"] = limit_;
  j["dropped"] = dropped_;
  return j;
}

bool FaultFilter::on_request(Call& call) {
  const core::RequestKey& key = call.key();
  FaultDecision fault = context_.faults.decide(
      key.action(), key.format() == "XML", [this, &call] { return context_.host_id(call.match()); },
      !core::header_view(call.request.headers, "x-acs-retry-attempts").empty());
  if (fault.error) {
    net::HttpResponse r = std::move(*fault.error);
    fault.apply(r);
    call.respond(std::move(r));
    return true;
  }
  if (fault.wraps()) {
    call.respond = [respond = std::move(call.respond), fault](net::HttpResponse r) {
      fault.apply(r);
      respond(std::move(r));
    };
  }
  return false;
}

bool ValidationFilter::on_request(Call& call) {
  if (!context_.options.validator) return false;
  // The request is copied because the original moves on to the forwarding pool; only validating
  // proxies pay for it.
  auto seen = std::make_shared<const std::pair<net::HttpRequest, core::Params>>(
      call.request, core::merge_params(call.view()));
  call.respond = [&context = context_, seen,
                  respond = std::move(call.respond)](net::HttpResponse r) {
    try {
      std::string line;
      if (r.shared_body || r.shared_headers) {
        // The validator reads `body` and `headers`; a replayed answer shares both with its
        // fixture.
        net::HttpResponse copy = r;
        copy.body = copy.content();
        copy.headers = copy.fields();
        copy.shared_body.reset();
        copy.shared_headers.reset();
        line = context.options.validator->observe_line(seen->first, seen->second, copy);
      } else {
        line = context.options.validator->observe_line(seen->first, seen->second, r);
      }
      if (!line.empty()) {
        // The validator keeps credentials out of its results; this is a second net for the line.
        core::Redactor redactor(context.options.credentials);
        redactor.add_request_secrets(seen->second, seen->first.headers);
        line = redactor.text(line);
        if (context.options.log) context.options.log("violation " + line);
      }
    } catch (const std::exception& e) {
      // Validation is an observer: whatever goes wrong there, the client still gets its answer.
      context.errors.fetch_add(1);
      if (context.options.log) context.options.log(std::string("validation failed: ") + e.what());
    }
    respond(std::move(r));
  };
  return false;
}

bool ReplayFilter::on_request(Call& call) {
  if (call.mode != Mode::replay && call.mode != Mode::auto_) return false;
  if (auto entry = context_.store.next(call.key())) {
    context_.hits.fetch_add(1, std::memory_order_relaxed);
    net::HttpResponse r;
    r.status = entry->status;
    // Headers and body are shared with the index entry (which the pointers keep alive across a
    // reload), so a replay copies neither.
    r.shared_headers = std::shared_ptr<const Headers>(entry, &entry->headers);
    r.shared_body = std::shared_ptr<const std::string>(entry, &entry->body);
    call.respond(std::move(r));
    return true;
  }
  if (call.mode != Mode::replay) return false;
  context_.misses.fetch_add(1, std::memory_order_relaxed);
  call.respond(miss(call));
  return true;
}

net::HttpResponse ReplayFilter::miss(Call& call) {
  const MatchMap& match = call.match();
  std::string action = match_param(match, "Action");
  std::string message = "No recorded exchange matches this request (Action=" +
                        (action.empty() ? std::string("<none>") : action) + ").";
  // The entry keeps bounded copies of what the client sent: a miss log of 1000 entries stays a few
  // MiB whatever the requests carried (limits.hpp).
  ojson entry;
  entry["action"] = shorten(action);
  ojson params = ojson::object();
  size_t params_dropped = 0;
  for (const auto& [k, v] : match) {
    if (params.size() >= kMaxMissParams) {
      ++params_dropped;
      continue;
    }
    params[shorten(k)] = shorten(v);
  }
  entry["params"] = std::move(params);
  if (params_dropped > 0) entry["params_dropped"] = params_dropped;
  if (auto near = context_.store.nearest(match)) {
    message += " Nearest recording: " + near->file + " (" + near->action + ")";
    if (near->differences.empty()) {
      message += ", identical parameters.";
    } else {
      message += "; differing parameters: ";
      for (size_t i = 0; i < near->differences.size(); ++i)
        message += (i ? "; " : "") + near->differences[i];
      message += ".";
    }
    entry["nearest"] = near->file;
    ojson differences = ojson::array();
    for (size_t i = 0; i < near->differences.size() && i < kMaxMissDifferences; ++i)
      differences.push_back(shorten(near->differences[i]));
    entry["differences"] = std::move(differences);
  } else {
    message += " There are no recordings in " + context_.store.dir() + ".";
    entry["nearest"] = nullptr;
    entry["differences"] = ojson::array();
  }
  context_.miss_log.add(std::move(entry));
  return api_error(404, "Popcheck.Replay.NoMatch", message, match_param(match, "Format") == "XML");
}

}  // namespace popcheck::proxy
