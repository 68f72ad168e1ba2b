#include "proxy/proxy.hpp"

#include "core/support/text.hpp"

namespace popcheck::proxy {

std::string_view mode_name(Mode mode) {
  switch (mode) {
    case Mode::record:
      return "record";
    case Mode::replay:
      return "replay";
    case Mode::auto_:
      return "auto";
    case Mode::passthrough:
      return "passthrough";
  }
  return "replay";
}

std::optional<Mode> parse_mode(std::string_view text) {
  for (Mode m : {Mode::record, Mode::replay, Mode::auto_, Mode::passthrough})
    if (core::text::iequals(text, mode_name(m))) return m;
  return std::nullopt;
}

ProxyContext::ProxyContext(ProxyOptions o)
    : options(std::move(o)),
      store(options.fixtures,
            core::MatchOptions{{options.ignore_params.begin(), options.ignore_params.end()}}),
      mode(options.mode),
      faults(options.faults),
      miss_log(options.miss_log) {}

Expected<void> ProxyContext::set_mode(Mode m) {
  if (m != Mode::replay && !upstream)
    return fail("proxy.usage", std::string("mode ") + std::string(mode_name(m)) +
                                   " forwards requests and the proxy has no upstream");
  mode.store(m);
  return {};
}

ProxyStats ProxyContext::stats() const {
  return {hits.load(), misses.load(), recorded.load(), forwarded.load(), errors.load()};
}

std::string ProxyContext::host_id(const MatchMap& match) const {
  std::string host = upstream ? upstream->url().host : std::string();
  if (host.ends_with(".aliyuncs.com")) return host;
  std::string product = product_for({}, match_param(match, "Version"));
  if (!product.empty() && !product.starts_with("version-")) return product + ".aliyuncs.com";
  return "popcheck-proxy";
}

core::RequestKey& Call::key() {
  if (!key_) key_ = context_.store.key_of_request(view());
  return *key_;
}

MatchMap& Call::match() {
  if (!match_) match_ = context_.store.match_of_request(view());
  return *match_;
}

ProxyHandler::ProxyHandler(ProxyOptions options) : context_(std::move(options)) {}

ProxyHandler::~ProxyHandler() {
  // Workers refer to the context; they finish before any member goes away.
  context_.join_pool();
}

Expected<std::shared_ptr<ProxyHandler>> ProxyHandler::create(ProxyOptions options,
                                                             LoadReport& report) {
  if (options.fixtures.empty()) return fail("proxy.usage", "a fixtures folder is required");
  std::shared_ptr<ProxyHandler> handler(new ProxyHandler(std::move(options)));
  ProxyContext& c = handler->context_;
  if (!c.options.upstream.url.empty()) {
    auto up = make_upstream(c.options.upstream);
    if (!up) return std::unexpected(up.error());
    c.upstream = std::move(*up);
  } else if (c.options.mode != Mode::replay) {
    return fail("proxy.usage", std::string("mode ") + std::string(mode_name(c.options.mode)) +
                                   " forwards requests and needs --upstream");
  }
  c.start_pool(std::max<size_t>(1, c.options.forward_threads));
  // No recording of this process is in flight yet: a temporary file now is a killed one's leftover.
  report = c.store.load(LoadMode::indexed, /*remove_temporaries=*/true);
  return handler;
}

void ProxyHandler::handle(net::HttpRequest request, net::Respond respond) {
  Call call(request, std::move(respond), context_);
  try {
    for (Filter* filter : chain_)
      if (filter->on_request(call)) return;
  } catch (const std::exception& e) {
    context_.errors.fetch_add(1);
    call.respond(
        api_error(500, "Popcheck.Proxy.InternalError", std::string("proxy error: ") + e.what()));
  }
}

}  // namespace popcheck::proxy
