#include "proxy/upstream.hpp"

namespace popcheck::proxy {

Expected<std::unique_ptr<net::HttpClient>> make_upstream(const UpstreamOptions& options) {
  auto url = core::parse_url(options.url);
  if (!url) {
    Error e = url.error();
    e.message = "upstream " + e.message;
    return std::unexpected(e);
  }
  std::optional<net::ProxyOptions> proxy;
  if (options.environment_proxy) {
    auto named = net::proxy_from_environment(*url);
    if (!named) return std::unexpected(named.error());
    proxy = std::move(*named);
  }
  return net::HttpClient::create(std::move(*url), {.connect_timeout = options.timeout,
                                                   .read_timeout = options.timeout,
                                                   .ca_file = options.ca_file,
                                                   .insecure = options.insecure,
                                                   .pool_size = options.pool_size,
                                                   .body_limit = options.body_limit,
                                                   .proxy = std::move(proxy)});
}

}  // namespace popcheck::proxy
