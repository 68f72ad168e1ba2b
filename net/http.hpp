#pragma once
// The HTTP values the Beast server hands to handlers (core/http.hpp's request and response with what
// only a server knows), and the handler interface. The server never branches on what a handler does
// (emulator, proxy backends, admin endpoints): it parses, calls, writes.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/http.hpp"

namespace popcheck::net {

using core::header_value;  // case-insensitive lookup
using core::Headers;

// A received request: the target is the path and query as received, the headers in received order
// with their names as received.
struct HttpRequest : core::Request {
  std::string remote;  // "127.0.0.1:53122"
  int version = 11;    // 10 or 11
};

// A response to write: headers such as Content-Type; the server adds Content-Length and Connection
// when missing.
struct HttpResponse : core::Response {
  // When set, the bytes sent instead of `body`: an immutable body shared with its owner (a replay
  // fixture, say), so that answering never copies it. Code that reads or rewrites a response body
  // should go through content() or clear this first.
  std::shared_ptr<const std::string> shared_body;

  // The body as it will be sent.
  const std::string& content() const { return shared_body ? *shared_body : body; }
  // When set, the header fields sent instead of `headers`, shared with their owner in the same
  // way (a replay fixture's): answering copies none of them, and a connection that sends the
  // same shared fields again reuses the header block it serialised for them without comparing
  // them. Code that reads or rewrites a response's fields should go through fields() or clear
  // this first.
  std::shared_ptr<const Headers> shared_headers;
  // The header fields as they will be sent.
  const Headers& fields() const { return shared_headers ? *shared_headers : headers; }

  // Fault injection, applied by the server when writing. Ordinary handlers leave these alone.
  std::chrono::milliseconds delay{0};  // wait before writing
  enum class Abort { none, reset, truncate } abort = Abort::none;
  size_t truncate_at =
      0;  // with Abort::truncate: bytes of the serialised response written before closing
  bool close = false;  // close the connection after this response
};

// Called once per response. May be called from any thread, once, now or later.
using Respond = std::function<void(HttpResponse)>;

class Handler {
 public:
  virtual ~Handler() = default;
  // Must not throw. Must call respond exactly once.
  virtual void handle(HttpRequest request, Respond respond) = 0;
};

// A handler made of a function that answers at once.
class FunctionHandler : public Handler {
 public:
  explicit FunctionHandler(std::function<HttpResponse(const HttpRequest&)> fn)
      : fn_(std::move(fn)) {}
  void handle(HttpRequest request, Respond respond) override { respond(fn_(request)); }

 private:
  std::function<HttpResponse(const HttpRequest&)> fn_;
};

// A JSON answer (the admin endpoints' of the emulator and the proxy): Content-Type
// application/json;charset=utf-8, the body dumped with `indent` spaces (-1: on one line), invalid
// UTF-8 in a string replaced by U+FFFD rather than thrown on.
HttpResponse json_response(int status, const nlohmann::ordered_json& body, int indent = -1);

// An Alibaba-style error body (JSON or XML) with a fresh RequestId. Used by the server for requests it
// cannot parse and by handlers for their own errors.
struct ApiError {
  int status = 400;
  std::string code;
  std::string message;
  std::string host_id = "popcheck";
  std::string recommend;  // empty: a troubleshoot URL is derived from the code
};
HttpResponse make_error_response(const ApiError& error, bool xml = false);
// A fresh RequestId in the cloud's format (uppercase UUID).
std::string new_request_id();

}  // namespace popcheck::net
