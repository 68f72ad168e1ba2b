#include "runner/client.hpp"

#include <httplib.h>

#include "core/support/text.hpp"

namespace popcheck::runner {

namespace {

Error describe(httplib::Error e, const Endpoint& endpoint) {
  std::string where = endpoint.origin();
  switch (e) {
    case httplib::Error::Connection:
    case httplib::Error::BindIPAddress:
      return {"net.connect",
              "cannot connect to " + where + " (connection refused or host unreachable)"};
    case httplib::Error::ConnectionTimeout:
      return {"net.timeout", "connecting to " + where + " timed out"};
    case httplib::Error::SSLConnection:
      return {"net.tls", "TLS handshake with " + where + " failed (is it an https endpoint?)"};
    case httplib::Error::SSLLoadingCerts:
      return {"net.tls", "could not load the CA certificates for " + where + " (check --ca-file)"};
    case httplib::Error::SSLServerVerification:
      return {"net.tls",
              "the TLS certificate of " + where +
                  " could not be verified (use --ca-file, or --insecure to skip the check)"};
    case httplib::Error::Read:
      return {"net.read",
              "no complete answer from " + where + " (connection closed or read timed out)"};
    case httplib::Error::Write:
      return {"net.write", "sending the request to " + where + " failed"};
    default:
      return {"net.error", "request to " + where + " failed: " + httplib::to_string(e)};
  }
}

bool detail_is_hop_by_hop(const std::string& name) {
  return core::text::iequals(name, "connection") || core::text::iequals(name, "keep-alive");
}

template <class Rep, class Period>
std::pair<time_t, time_t> split(std::chrono::duration<Rep, Period> d) {
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(d).count();
  return {static_cast<time_t>(us / 1000000), static_cast<time_t>(us % 1000000)};
}

}  // namespace

HttpClient::HttpClient(Endpoint endpoint, ClientOptions options)
    : endpoint_(std::move(endpoint)), options_(std::move(options)) {
  client_ = std::make_unique<httplib::Client>(endpoint_.origin());
  auto [cs, cus] = split(options_.connect_timeout);
  client_->set_connection_timeout(cs, cus);
  auto [rs, rus] = split(options_.read_timeout);
  client_->set_read_timeout(rs, rus);
  client_->set_write_timeout(rs, rus);
  client_->set_keep_alive(true);
  // Small requests and answers: without TCP_NODELAY each exchange can wait out a delayed ACK.
  client_->set_tcp_nodelay(true);
  // The target is already percent-encoded exactly as it was signed; re-encoding would change it.
  client_->set_url_encode(false);
  client_->set_follow_location(false);
  if (endpoint_.scheme == "https") {
    if (!options_.ca_file.empty()) client_->set_ca_cert_path(options_.ca_file);
    client_->enable_server_certificate_verification(!options_.insecure);
  }
}

HttpClient::~HttpClient() = default;

Expected<HttpAnswer> HttpClient::send(const OutgoingRequest& request) {
  httplib::Request req;
  req.method = request.method;
  req.path = request.target;
  for (const auto& [k, v] : request.headers) req.headers.emplace(k, v);
  req.body = request.body;
  auto result = client_->send(req);
  if (!result) {
    // The connection may be half-dead after a failure; the next call starts afresh.
    client_->stop();
    return std::unexpected(describe(result.error(), endpoint_));
  }
  HttpAnswer answer;
  answer.status = result->status;
  for (const auto& [k, v] : result->headers) {
    // Hop-by-hop headers manage this connection (RFC 9110 7.6.1); they are not part of the API
    // answer and vary with connection reuse, which would make reports depend on scheduling.
    if (detail_is_hop_by_hop(k)) continue;
    answer.headers.emplace_back(k, v);
  }
  answer.body = result->body;
  return answer;
}

}  // namespace popcheck::runner
