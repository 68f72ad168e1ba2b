#pragma once
// Running cases through a real SDK: the runner starts an adapter process (docs/adapters.md,
// runner/adapter.hpp), sends one JSON line per case and reads one back, then checks what the SDK
// surfaced (core/check/sdk_check.hpp). The cases go through the runner's one case loop with the SDK
// as its transport (runner/transport.hpp).
#include <chrono>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/check/result.hpp"
#include "core/error.hpp"
#include "runner/adapter.hpp"
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

// The SDK transport: an adapter started with `sdk`, restarted once per run (AdapterDriver). Error
// "sdk.*" when the adapter cannot start.
Expected<std::unique_ptr<Transport>> make_sdk_transport(const RunOptions& options,
                                                        const SdkOptions& sdk);

// The runner's case loop (run_cases_over) with the SDK transport on one worker: cases one at a time,
// scenarios in step order. Each case's request in the report is the line sent (without
// credentials), its response what the SDK surfaced, its checks those of sdk_check.hpp. An Error
// (exit status 2) when the adapter cannot start or fails after its one restart.
Expected<core::RunReport> run_cases_with_sdk(const std::vector<CaseItem>& cases,
                                             const RunOptions& options, const Target& target,
                                             const SdkOptions& sdk, const Progress& progress = {});

}  // namespace popcheck::runner
