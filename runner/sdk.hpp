#pragma once
// Running cases through a real SDK: the runner starts an adapter process (docs/adapters.md), sends
// one JSON line per case on its stdin and reads one JSON line back on its stdout, then checks what
// the SDK surfaced (core/check/sdk_check.hpp). The adapter is spawned without a shell; its stderr
// is its log.
#include <chrono>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/check/result.hpp"
#include "core/error.hpp"
#include "runner/runner.hpp"

namespace popcheck::runner {

struct SdkOptions {
  // The adapter: a path to a script or executable, or the name of a shipped adapter ("pop-core",
  // "openapi"), which is looked up as <adapters_dir>/<name>.js.
  std::string adapter;
  std::string adapters_dir;   // where named adapters are (`popcheck`: the data folder's adapters/)
  std::string node = "node";  // interpreter for *.js adapters (looked up in PATH)
  // NODE_PATH given to the adapter, where the SDKs are installed. Empty: adapter_node_path's rule.
  std::string node_path;
  std::map<std::string, std::string>
      options;  // --sdk-option K=V, passed as the request's "options"
  std::chrono::milliseconds hello_timeout{15000};  // for the hello line after a (re)start
  std::chrono::milliseconds case_timeout{30000};   // for each answer line
  std::string log_file;  // empty: the adapter's stderr is ours; otherwise appended to this file
};

// "K=V" into options.options. Error "usage.sdk-option" names the bad text.
Expected<void> parse_sdk_option(std::string_view text, SdkOptions& options);

// The argv that starts the adapter: [node, path] for a *.js adapter, [path] for anything else.
// Error "usage.sdk" when the adapter file does not exist, or when it is a name and adapters_dir is
// empty.
Expected<std::vector<std::string>> adapter_command(const SdkOptions& options);

// Whether --sdk names a shipped adapter ("pop-core") rather than a path to a script or executable.
bool adapter_is_named(const std::string& adapter);

// NODE_PATH for the adapter started by `argv` (docs/adapters.md): options.node_path when set, else
// $POPCHECK_SDK_MODULES, else the adapter folder's node_modules, the current project's
// ./node_modules (each when it exists) and the inherited $NODE_PATH, joined by ':'.
std::string adapter_node_path(const SdkOptions& options, const std::vector<std::string>& argv);

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

// An adapter with the restart policy of docs/adapters.md: a case whose adapter dies, hangs or
// answers garbage is an error; the adapter is restarted once per run; when it fails again the run
// stops.
class AdapterDriver {
 public:
  static Expected<std::unique_ptr<AdapterDriver>> start(const SdkOptions& options);
  // The answer line, or the case's Error. A failed process is restarted before the next exchange,
  // once per run. `fatal` is set when the run must stop: the adapter failed again after its
  // restart, or the restart itself failed; the Error then says why.
  Expected<nlohmann::json> exchange(const nlohmann::json& request, bool* fatal);
  const AdapterProcess& process() const { return *process_; }
  int restarts() const { return restarts_; }
  void stop();

 private:
  std::vector<std::string> argv_;
  std::map<std::string, std::string> env_;
  SdkOptions options_;
  std::unique_ptr<AdapterProcess> process_;
  int restarts_ = 0;
};

// The request line of one case, as docs/adapters.md defines it: Action and Version move out of the
// params into "action"/"version" (the case's own values when the params lack them), Format is added
// from the case's format unless the params set it.
nlohmann::json sdk_request_line(const core::Case& c, const core::Params& substituted,
                                const RunOptions& options, const SdkOptions& sdk);

// Runs the cases through the adapter, one at a time, in the order given, with the runner's needs
// and variable rules (the emulator provisions needs when target.emulator). The report has the shape
// of run_cases' so the JUnit and JSON renderers apply unchanged: each case's request is the line
// sent (without credentials), its response what the SDK surfaced, its checks those of
// sdk_check.hpp. An Error (exit status 2) when the adapter cannot start or fails after its one
// restart.
Expected<check::RunReport> run_cases_with_sdk(const std::vector<CaseItem>& cases,
                                              const RunOptions& options, const Target& target,
                                              const SdkOptions& sdk, const Progress& progress = {});

}  // namespace popcheck::runner
