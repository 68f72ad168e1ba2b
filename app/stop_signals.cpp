#include "app/stop_signals.hpp"

#include <pthread.h>

#include <atomic>
#include <csignal>
#include <thread>

namespace popcheck::app {

namespace {

std::string_view signal_name(int sig) { return sig == SIGINT ? "SIGINT" : "SIGTERM"; }

}  // namespace

StopSignals::StopSignals() {
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  sigemptyset(&signals_);
  sigaddset(&signals_, SIGINT);
  sigaddset(&signals_, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals_, nullptr);
}

std::string_view StopSignals::wait() const {
  int sig = 0;
  sigwait(&signals_, &sig);
  return signal_name(sig);
}

std::string_view StopSignals::serve_until_stopped(const std::function<void()>& wait_server,
                                                  const std::function<void()>& stop_server) const {
  std::atomic<bool> signalled{false};
  std::string_view name;
  std::jthread waiter([&] {
    name = wait();
    signalled = true;
    stop_server();
  });
  wait_server();
  // Wake the waiter if the server stopped for another reason; it then calls stop_server on a server
  // that has already stopped, which is harmless. SIGTERM is blocked in every thread, so it can only
  // end the waiter's sigwait, never the process.
  const bool by_signal = signalled;
  if (!by_signal)
    pthread_kill(waiter.native_handle(), SIGTERM);  // NOLINT(bugprone-bad-signal-to-kill-thread)
  waiter.join();
  return by_signal ? name : std::string_view();
}

}  // namespace popcheck::app
