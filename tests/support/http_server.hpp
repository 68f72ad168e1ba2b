#pragma once
// A cpp-httplib server on 127.0.0.1, port 0, serving in its own thread for the life of the object:
// the fake APIs of the unit tests. Header-only (cpp-httplib is), so only the test binaries that use
// it compile it; they link PkgConfig::HTTPLIB.
#include <httplib.h>

#include <functional>
#include <string>
#include <thread>

namespace popcheck::test_support {

class LoopbackServer {
 public:
  using Handler = std::function<void(const httplib::Request&, httplib::Response&)>;

  // Serves GET and POST on every path with `handler`.
  explicit LoopbackServer(Handler handler) {
    server_.Get("/.*", handler);
    server_.Post("/.*", handler);
    server_.set_tcp_nodelay(true);
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~LoopbackServer() {
    // stop() only affects a server that has entered its accept loop; a test may finish before the
    // thread gets there.
    while (!server_.is_running()) std::this_thread::yield();
    server_.stop();
    thread_.join();
  }
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

}  // namespace popcheck::test_support
