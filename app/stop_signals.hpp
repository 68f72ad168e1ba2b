#pragma once
// How the long-running commands (popcheck emulate, popcheck proxy) stop: SIGINT or SIGTERM, taken
// with sigwait in ordinary code rather than in a signal handler, so that stopping the server,
// writing reports and printing the summary happen as in any other code.
#include <functional>
#include <string_view>

#include <signal.h>

namespace popcheck::app {

class StopSignals {
 public:
  // Restores the default disposition of SIGINT and SIGTERM and blocks both in the calling thread.
  // Construct it before any thread starts: threads inherit the mask, so no server thread ever
  // receives them. The default disposition matters because a shell starts background jobs with
  // SIGINT ignored, and an ignored signal is discarded before sigwait could see it.
  StopSignals();

  // Blocks until SIGINT or SIGTERM arrives; returns its name ("SIGINT" or "SIGTERM").
  std::string_view wait() const;

  // Runs `wait_server` (blocks until the server stops) while a thread waits for a signal and then
  // calls `stop_server`. Returns the signal's name, or "" when the server stopped for another
  // reason (the waiting thread is then woken and joined).
  std::string_view serve_until_stopped(const std::function<void()>& wait_server,
                                       const std::function<void()>& stop_server) const;

 private:
  sigset_t signals_;
};

}  // namespace popcheck::app
