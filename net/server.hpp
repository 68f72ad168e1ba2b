#pragma once
// The asynchronous, multi-threaded Boost.Beast HTTP/1.1 server shared by the emulator and the proxy.
// One session object per connection (read, call the handler, write, repeat for keep-alive), a fresh
// parser per message with header and body limits, per-operation timeouts. Malformed requests get an
// Alibaba-style 400 and the connection closes; every other client keeps being served.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "core/error.hpp"
#include "net/http.hpp"

namespace popcheck::net {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;  // 0: the system chooses; read it back with Server::port()
  int threads = 2;
  size_t header_limit = 16 * 1024;
  size_t body_limit = 8 * 1024 * 1024;
  std::chrono::seconds read_timeout{30};  // a client that sends nothing for this long is dropped
};

class Server {
 public:
  Server(ServerOptions options, std::shared_ptr<Handler> handler);
  ~Server();  // stops and joins
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and starts the worker threads. Errors: "net.bind" naming host:port and the reason.
  Expected<void> start();
  uint16_t port() const;
  // Stops accepting, closes connections, joins the threads. Idempotent.
  void stop();
  // Blocks until stop() is called from another thread or a signal handler.
  void wait();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace popcheck::net
