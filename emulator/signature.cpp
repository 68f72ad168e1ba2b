#include "emulator/signature.hpp"

namespace popcheck::emulator {

std::optional<ApiResult> SignatureChecker::check(const net::HttpRequest& request,
                                                 std::chrono::system_clock::time_point now) {
  core::HttpRequestView view{request.method, request.target, &request.headers, request.body};
  auto seconds = std::chrono::time_point_cast<std::chrono::seconds>(now);
  core::VerifyOutcome outcome;
  {
    // The nonce cache is the only shared state; verification itself is cheap next to a request.
    std::lock_guard lock(mutex_);
    outcome = core::verify_request(view, keys_, seconds, &nonces_);
  }
  auto error = core::verify_error(outcome);
  if (!error) return std::nullopt;
  return api_error(error->status, error->code, error->message);
}

}  // namespace popcheck::emulator
