#pragma once
// The runner's HTTP client: cpp-httplib, one connection (kept alive) per worker. It sends exactly
// one request per call; retries are the caller's business because a retry must be re-signed (a new
// nonce and time), as the SDKs do.
#include <chrono>
#include <memory>
#include <string>

#include "core/error.hpp"
#include "core/http.hpp"

namespace httplib {
class Client;
}

namespace popcheck::runner {

struct ClientOptions {
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds read_timeout{10000};
  std::string ca_file;    // extra CA bundle (PEM); empty: the system's CAs
  bool insecure = false;  // skip TLS certificate verification
};

class HttpClient {
 public:
  HttpClient(core::Url endpoint, ClientOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // One exchange. Any HTTP answer (whatever its status) is a value; only a failure to get one is an
  // Error, with code "net.connect", "net.tls", "net.timeout", "net.read" or "net.write" and a
  // message that names the endpoint.
  Expected<core::Response> send(const core::Request& request);

  const core::Url& endpoint() const { return endpoint_; }

 private:
  core::Url endpoint_;
  ClientOptions options_;
  std::unique_ptr<httplib::Client> client_;
};

}  // namespace popcheck::runner
