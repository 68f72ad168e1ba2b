#pragma once
// One SDK adapter process (docs/adapters.md): spawned without a shell, one JSON line per request on
// its stdin, one JSON line back on its stdout; its stderr is its log. The restart policy and what
// the lines hold are runner/sdk.hpp's.
#include <chrono>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/error.hpp"

namespace popcheck::runner {

// One running adapter process. Not thread-safe: one exchange at a time.
class AdapterProcess {
 public:
  // Spawns argv with `env` added to the environment and waits for the hello line. Errors:
  // "sdk.spawn" (could not start), "sdk.hello" (no hello in time, a malformed one, a "fatal" one,
  // or an unsupported protocol), each naming the adapter.
  static Expected<std::unique_ptr<AdapterProcess>> start(
      const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
      std::chrono::milliseconds hello_timeout, const std::string& log_file = {});
  ~AdapterProcess();
  AdapterProcess(const AdapterProcess&) = delete;
  AdapterProcess& operator=(const AdapterProcess&) = delete;

  const nlohmann::json& hello() const { return hello_; }
  std::string describe() const;  // "pop-core (@alicloud/pop-core@1.8.0)"

  // Writes one request line and reads one answer line. Errors: "sdk.died" (the adapter exited or
  // closed its stdout), "sdk.timeout" (no answer in time), "sdk.malformed" (a line that is not a
  // JSON object or answers another id). After any of these the process is no longer usable.
  Expected<nlohmann::json> exchange(const nlohmann::json& request,
                                    std::chrono::milliseconds timeout);
  bool alive() const { return pid_ > 0 && !broken_; }
  // Closes stdin so the adapter can finish, waits a moment, then terminates it. Idempotent.
  void stop();

 private:
  AdapterProcess() = default;
  Expected<std::string> read_line(std::chrono::milliseconds timeout);
  void kill_now();

  int pid_ = -1;
  int in_fd_ = -1;   // the adapter's stdin (our end of a socket pair: writes never raise SIGPIPE)
  int out_fd_ = -1;  // the adapter's stdout
  bool broken_ = false;
  std::string buffer_;
  std::string name_;
  nlohmann::json hello_;
};

}  // namespace popcheck::runner
