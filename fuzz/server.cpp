// Fuzz target: the HTTP server's request handling (net/server.hpp). The real server runs in this
// process on 127.0.0.1 (port 0, read back) with one worker; each input is written as the bytes of one
// connection, the sending side is shut down, and the reply is read to the end. The handler
// normalises the request as the proxy and the emulator do (merge_params) and echoes a header, so the
// response writer sees client-chosen bytes too. Whatever the bytes, a non-empty input gets an HTTP
// response (the handler's, or the server's 400/413/431 for what Beast rejects) and the server keeps
// serving the next connection.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

#include "fuzz/check.hpp"
#include "net/server.hpp"

using namespace popcheck;

namespace {

net::Server& server() {
  static const std::unique_ptr<net::Server> instance = [] {
    net::ServerOptions options;
    options.threads = 1;
    options.header_limit = 2048;  // small limits so that the fuzzer reaches them
    options.body_limit = 4096;
    auto handler = std::make_shared<net::FunctionHandler>([](const net::HttpRequest& request) {
      const core::Params params =
          core::merge_params({request.method, request.target, &request.headers, request.body});
      net::HttpResponse response;
      response.headers = {{"Content-Type", "text/plain"},
                          {"x-echo", net::header_value(request.headers, "x-acs-action")}};
      response.body = std::to_string(params.size()) + " parameters\n";
      return response;
    });
    auto s = std::make_unique<net::Server>(options, handler);
    auto started = s->start();
    popcheck::fuzz::require(started.has_value(), "the server starts on 127.0.0.1");
    return s;
  }();
  return *instance;
}

// connect(2) that survives signals: libFuzzer's -timeout alarm interrupts system calls every second.
// An interrupted connect goes on in the background; its outcome is read once the socket is writable.
bool connect_to(int fd, const sockaddr_in& address) {
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0) return true;
  if (errno != EINTR) return false;
  pollfd p{fd, POLLOUT, 0};
  while (::poll(&p, 1, -1) < 0) {
    if (errno != EINTR) return false;
  }
  int error = 0;
  socklen_t length = sizeof error;
  if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0) return false;
  errno = error;
  return error == 0;
}

// One connection: writes `data`, shuts down sending, reads until the server closes.
std::string exchange(uint16_t port, const uint8_t* data, size_t size) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  popcheck::fuzz::require(fd >= 0, "socket()");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (!connect_to(fd, address)) {
    std::fprintf(stderr, "connect: %s\n", std::strerror(errno));
    popcheck::fuzz::require(false, "the server accepts a connection");
  }
  size_t sent = 0;
  while (sent < size) {
    const ssize_t n = ::send(fd, data + sent, size - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // the server closed early after answering a broken request
    sent += static_cast<size_t>(n);
  }
  ::shutdown(fd, SHUT_WR);
  std::string reply;
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    reply.append(buffer, static_cast<size_t>(n));
  }
  // The client closes first (its FIN came first), so its side would keep the port in TIME_WAIT: a
  // minute of that for every input runs out of ephemeral ports. Linger 0 releases it at once.
  const linger abort_close{1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort_close, sizeof abort_close);
  ::close(fd);
  return reply;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string reply = exchange(server().port(), data, size);
  if (size > 0 && !reply.empty()) {
    popcheck::fuzz::require(reply.starts_with("HTTP/1.1 ") || reply.starts_with("HTTP/1.0 "),
                            "the server answers with an HTTP status line");
  }
  return 0;
}
