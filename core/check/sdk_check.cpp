#include "core/check/sdk_check.hpp"

#include "core/check/check.hpp"
#include "core/support/text.hpp"

namespace popcheck::core {

namespace {

using json = nlohmann::json;

Expected<std::string> opt_string(const json& obj, const char* key, const char* where) {
  if (!obj.contains(key) || obj[key].is_null()) return std::string();
  const json& v = obj[key];
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number()) return v.dump();
  return fail("sdk.malformed",
              std::string(where) + "." + key + " must be a string or null, not " + v.type_name());
}

Expected<std::optional<int>> opt_status(const json& obj, const char* key, const char* where) {
  if (!obj.contains(key) || obj[key].is_null()) return std::optional<int>();
  const json& v = obj[key];
  if (v.is_number_integer()) return std::optional<int>(v.get<int>());
  if (v.is_string()) {
    try {
      return std::optional<int>(std::stoi(v.get<std::string>()));
    } catch (const std::exception&) {
    }
  }
  return fail("sdk.malformed",
              std::string(where) + "." + key + " must be an integer HTTP status, not " + v.dump());
}

std::string format_of(const core::Case& c) {
  return core::text::iequals(c.request.format, "XML") ? "XML" : "JSON";
}

std::string status_text(const core::Expect& e) {
  if (e.status_max > e.status) {
    if (e.status % 100 == 0 && e.status_max == e.status + 99)
      return std::to_string(e.status / 100) + "xx";
    return std::to_string(e.status) + ".." + std::to_string(e.status_max);
  }
  return std::to_string(e.status);
}

std::string describe_error(const SdkError& e) {
  std::string s = e.name.empty() ? "Error" : e.name;
  if (!e.code.empty()) s += " (code " + e.code + ")";
  if (!e.message.empty()) s += ": " + e.message;
  return s;
}

// A service error carries the answer: a code, and a status or the body it came from.
bool is_service_error(const SdkError& e) {
  return !is_parse_failure(e) && (e.status.has_value() || !e.data.is_null());
}

// The status the SDK exposes for this answer, if any.
std::optional<int> exposed_status(const SdkAnswer& a) {
  if (a.http_status) return a.http_status;
  if (a.error && a.error->status) return a.error->status;
  return std::nullopt;
}

CheckResult outcome_check(const core::Case& c, const SdkAnswer& a) {
  const bool want_error = expects_error(c.expect);
  const std::string fmt = format_of(c);
  CheckResult r{"sdk-outcome", true, "", "", ""};
  auto status = exposed_status(a);
  std::string http = status ? "HTTP " + std::to_string(*status) : "HTTP " + status_text(c.expect);
  if (want_error) {
    r.expected = "an SDK error carrying the service's error (HTTP " + status_text(c.expect) +
                 (c.expect.code ? ", Code " + *c.expect.code : std::string()) + ")";
    if (a.success) {
      r.passed = false;
      r.actual = "SDK returned success for an " + http + " response";
      return r;
    }
    if (a.error && is_parse_failure(*a.error)) {
      r.passed = false;
      r.actual = "SDK failed to parse the " + fmt + " error body: " + describe_error(*a.error);
      return r;
    }
    if (!a.error) {
      r.passed = false;
      r.actual = "SDK returned neither a body nor an error";
      return r;
    }
    if (!is_service_error(*a.error)) {
      r.passed = false;
      r.actual = "SDK failed without the service's answer: " + describe_error(*a.error);
      return r;
    }
    r.actual = "SDK threw " + describe_error(*a.error);
    return r;
  }
  r.expected = "a parsed " + fmt + " body returned as a success";
  if (a.success) {
    r.actual = "SDK returned success";
    return r;
  }
  r.passed = false;
  if (a.error && is_parse_failure(*a.error))
    r.actual = "SDK failed to parse the " + fmt + " success body: " + describe_error(*a.error);
  else if (a.error)
    r.actual = "SDK threw for an " + http + " response: " + describe_error(*a.error);
  else
    r.actual = "SDK returned neither a body nor an error";
  return r;
}

const std::string* body_string(const json& body, const char* key) {
  if (!body.is_object()) return nullptr;
  auto it = body.find(key);
  if (it == body.end() || !it->is_string()) return nullptr;
  return it->get_ptr<const std::string*>();
}

}  // namespace

bool is_parse_failure(const SdkError& e) {
  return e.name == "SyntaxError" || (e.code.empty() && !e.status.has_value() && e.data.is_null() &&
                                     e.message.find("JSON") != std::string::npos);
}

Expected<SdkAnswer> sdk_answer_from_json(const json& line) {
  if (!line.is_object()) return fail("sdk.malformed", "the answer line is not a JSON object");
  if (!line.contains("outcome") || !line["outcome"].is_string())
    return fail("sdk.malformed", "the answer line has no \"outcome\" string");
  const std::string outcome = line["outcome"].get<std::string>();
  SdkAnswer a;
  if (outcome == "adapter-error") {
    std::string m = line.contains("message") && line["message"].is_string()
                        ? line["message"].get<std::string>()
                        : "no message";
    return fail("sdk.adapter", "the adapter could not run the case: " + m);
  }
  if (outcome != "success" && outcome != "error")
    return fail(
        "sdk.malformed",
        "\"outcome\" must be \"success\", \"error\" or \"adapter-error\", not \"" + outcome + "\"");
  if (line.contains("http") && !line["http"].is_null()) {
    const json& h = line["http"];
    if (!h.is_object()) return fail("sdk.malformed", "\"http\" must be an object or null");
    auto st = opt_status(h, "status", "http");
    if (!st) return std::unexpected(st.error());
    a.http_status = *st;
    if (h.contains("headers") && h["headers"].is_object())
      for (auto it = h["headers"].begin(); it != h["headers"].end(); ++it)
        a.http_headers.emplace_back(it.key(),
                                    it->is_string() ? it->get<std::string>() : it->dump());
  }
  if (outcome == "success") {
    a.success = true;
    a.body = line.contains("body") ? line["body"] : json();
    return a;
  }
  if (!line.contains("error") || !line["error"].is_object())
    return fail("sdk.malformed", "an \"error\" outcome needs an \"error\" object");
  const json& e = line["error"];
  SdkError err;
  for (auto [field, key] :
       {std::pair{&err.name, "name"}, std::pair{&err.code, "code"},
        std::pair{&err.message, "message"}, std::pair{&err.request_id, "request_id"}}) {
    auto v = opt_string(e, key, "error");
    if (!v) return std::unexpected(v.error());
    *field = std::move(*v);
  }
  auto st = opt_status(e, "status", "error");
  if (!st) return std::unexpected(st.error());
  err.status = *st;
  if (e.contains("data")) err.data = e["data"];
  a.error = std::move(err);
  return a;
}

std::vector<CheckResult> check_sdk(const core::Case& c, const core::Contract& contract,
                                   const SdkAnswer& a) {
  std::vector<CheckResult> out;
  const core::Expect& e = c.expect;
  const bool want_error = expects_error(e);
  CheckResult outcome = outcome_check(c, a);
  out.push_back(outcome);

  if (auto st = exposed_status(a)) {
    CheckResult s = check_status(e, *st);
    s.check = "sdk-status";
    if (!s.passed) s.actual = "the SDK exposes HTTP " + std::to_string(*st);
    out.push_back(std::move(s));
  }
  if (!outcome.passed) return out;

  if (want_error && a.error) {  // a passed outcome of an expected error always has one
    const SdkError& err = *a.error;
    // openapi-core builds its code from a template string, so a body without Code gives the text
    // "undefined": that is no code either, and the report says so in those words.
    const bool placeholder = err.code == "undefined" || err.code == "null";
    std::string got = err.code.empty() ? "SDK did not surface the error Code"
                      : placeholder ? "SDK surfaced the text \"" + err.code + "\" as the error Code"
                                    : err.code;
    if (e.code)
      out.push_back({"sdk-code", err.code == *e.code, *e.code, got, "code"});
    else
      out.push_back({"sdk-code", !err.code.empty() && !placeholder, "an error Code", got, "code"});
    if (e.message) {
      bool ok = message_matches("%s" + *e.message + "%s", err.message);
      out.push_back({"sdk-message", ok, *e.message,
                     ok ? err.message
                        : (err.message.empty() ? "SDK did not surface the error Message"
                                               : "SDK message \"" + err.message +
                                                     "\" does not carry the documented Message"),
                     "message"});
    }
    std::string rid = err.request_id;
    std::string where = "request_id";
    if (rid.empty())
      if (const std::string* v = body_string(err.data, "RequestId")) {
        rid = *v;
        where = "data.RequestId";
      }
    out.push_back({"sdk-request-id", !rid.empty(), "a RequestId on the SDK error",
                   rid.empty() ? "SDK did not surface the RequestId" : rid, where});
    return out;
  }

  const std::string* rid = body_string(a.body, "RequestId");
  out.push_back({"sdk-request-id", rid && !rid->empty(), "a RequestId in the returned body",
                 rid && !rid->empty() ? *rid : "SDK returned no RequestId", "RequestId"});

  // The shape: the returned object is what the SDK parsed, whatever the wire format was, so it is
  // judged with the JSON rules of check.hpp by handing check_exchange an equivalent JSON answer.
  core::Case as_json = c;
  as_json.request.format = "JSON";
  as_json.expect.root.clear();
  core::Response synthetic{
      e.status, {{"Content-Type", expected_content_type("JSON")}}, a.body.dump()};
  for (auto& r : check_exchange(as_json, contract, synthetic)) {
    if (r.check == "parse" && !r.passed) {
      out.push_back(
          {"sdk-shape", false, "a JSON object", "SDK returned " + r.actual.substr(0, 200), ""});
    }
    if (r.check != "shape") continue;
    r.check = "sdk-shape";
    if (!r.passed) r.actual = "SDK returned " + r.actual;
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace popcheck::core
