#include "runner/sdk.hpp"

#include <sys/stat.h>

#include <filesystem>

#include "core/check/sdk_check.hpp"
#include "core/input_limits.hpp"
#include "core/protocol/redact.hpp"

namespace popcheck::runner {

namespace {

using json = nlohmann::json;

bool is_executable_file(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// What an adapter produced, redacted (core/protocol/redact: the run's credentials, credential
// names in any syntax, signed URLs inside pop-core's error messages). Keys are judged by
// is_credential_name only: the answer is checked against its contract afterwards, and API fields
// such as NextToken must keep their values.
json scrub_json(const json& j, const core::Redactor& redactor) {
  if (j.is_string()) return redactor.text(j.get<std::string>());
  if (j.is_object()) {
    json out = json::object();
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (core::is_credential_name(it.key()))
        out[it.key()] = std::string(core::kRedacted);
      else
        out[it.key()] = scrub_json(*it, redactor);
    }
    return out;
  }
  if (j.is_array()) {
    json out = json::array();
    for (const auto& v : j) out.push_back(scrub_json(v, redactor));
    return out;
  }
  return j;
}

}  // namespace

// -------------------------------------------------------------------------------------------------
// Options.

Expected<void> parse_sdk_option(std::string_view text, SdkOptions& options) {
  auto eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0)
    return fail("usage.sdk-option",
                "--sdk-option wants KEY=VALUE, got \"" + std::string(text) + "\"");
  options.options[std::string(text.substr(0, eq))] = std::string(text.substr(eq + 1));
  return {};
}

bool adapter_is_named(const std::string& adapter) {
  return !adapter.empty() && adapter.find('/') == std::string::npos && !is_executable_file(adapter);
}

Expected<std::vector<std::string>> adapter_command(const SdkOptions& options) {
  if (options.adapter.empty()) return fail("usage.sdk", "no adapter given (--sdk NAME or PATH)");
  std::string path = options.adapter;
  if (adapter_is_named(path)) {
    if (options.adapters_dir.empty())
      return fail("usage.sdk", "adapter \"" + options.adapter +
                                   "\" is a name but no adapters folder is known (the data "
                                   "folder's adapters/; see docs/adapters.md)");
    path = options.adapters_dir + "/" + options.adapter + (path.ends_with(".js") ? "" : ".js");
  }
  if (!is_executable_file(path))
    return fail("usage.sdk", "adapter \"" + options.adapter + "\" not found (looked for " + path +
                                 "; shipped adapters: pop-core, openapi)");
  if (path.ends_with(".js")) return std::vector<std::string>{options.node, path};
  return std::vector<std::string>{path};
}

// -------------------------------------------------------------------------------------------------
// The driver with its restart policy.

std::string adapter_node_path(const SdkOptions& options, const std::vector<std::string>& argv) {
  if (!options.node_path.empty()) return options.node_path;
  if (const char* env = std::getenv("POPCHECK_SDK_MODULES"); env && *env) return env;
  std::vector<std::string> dirs;
  std::error_code ec;
  auto add_if_folder = [&](const std::filesystem::path& dir) {
    if (std::filesystem::is_directory(dir, ec))
      dirs.push_back(std::filesystem::absolute(dir).string());
  };
  // The adapter's own folder's node_modules (npm install beside the adapters), then the current
  // project's node_modules, then whatever NODE_PATH the user already set.
  if (!argv.empty())
    add_if_folder(std::filesystem::path(argv.back()).parent_path() / "node_modules");
  add_if_folder("node_modules");
  if (const char* inherited = std::getenv("NODE_PATH"); inherited && *inherited)
    dirs.emplace_back(inherited);
  std::string out;
  for (const auto& d : dirs) out += (out.empty() ? "" : ":") + d;
  return out;
}

Expected<std::unique_ptr<AdapterDriver>> AdapterDriver::start(const SdkOptions& options) {
  auto argv = adapter_command(options);
  if (!argv) return std::unexpected(argv.error());
  std::unique_ptr<AdapterDriver> d(new AdapterDriver());
  d->argv_ = *argv;
  d->options_ = options;
  std::string node_path = adapter_node_path(options, *argv);
  if (!node_path.empty()) d->env_["NODE_PATH"] = node_path;
  auto p = AdapterProcess::start(d->argv_, d->env_, options.hello_timeout, options.log_file);
  if (!p) return std::unexpected(p.error());
  d->process_ = std::move(*p);
  return d;
}

Expected<json> AdapterDriver::exchange(const json& request, bool* fatal) {
  *fatal = false;
  if (!process_ || !process_->alive()) {
    if (restarts_ >= 1) {
      *fatal = true;
      return fail("sdk.dead", "the adapter failed again after its restart; stopping the run");
    }
    ++restarts_;
    if (process_) process_->stop();
    auto p = AdapterProcess::start(argv_, env_, options_.hello_timeout, options_.log_file);
    if (!p) {
      *fatal = true;
      return fail("sdk.dead", "the adapter could not be restarted: " + p.error().message);
    }
    process_ = std::move(*p);
  }
  auto answer = process_->exchange(request, options_.case_timeout);
  if (!answer && !process_->alive()) {
    process_->stop();  // a hung or confused adapter is killed now
    if (restarts_ >= 1) {
      *fatal = true;
      return fail("sdk.dead", answer.error().message + " [" + answer.error().code +
                                  "], after the adapter's one restart; stopping the run");
    }
  }
  return answer;
}

void AdapterDriver::stop() {
  if (process_) process_->stop();
}

// -------------------------------------------------------------------------------------------------
// Cases.

json sdk_request_line(const core::Case& c, const core::Params& substituted,
                      const RunOptions& options, const SdkOptions& sdk) {
  std::string action = c.action, version = c.version;
  bool has_format = false;
  json params = json::object();
  for (const auto& [k, v] : substituted) {
    if (k == "Action")
      action = v;
    else if (k == "Version")
      version = v;
    else {
      if (k == "Format") has_format = true;
      params[k] = v;
    }
  }
  if (!has_format) params["Format"] = c.request.format;
  json opts = json::object();
  for (const auto& [k, v] : sdk.options) opts[k] = v;
  std::string endpoint = options.endpoint.to_string();
  return json{{"id", c.id},
              {"action", action},
              {"version", version},
              {"product", c.product},
              {"params", params},
              {"format", c.request.format},
              {"method", c.request.method},
              {"endpoint", endpoint},
              {"credentials",
               {{"access_key_id", options.credentials.access_key_id},
                {"access_key_secret", options.credentials.access_key_secret},
                {"security_token", options.credentials.security_token}}},
              {"options", opts}};
}

namespace {

class SdkTransport : public Transport {
 public:
  SdkTransport(const RunOptions& options, const SdkOptions& sdk,
               std::unique_ptr<AdapterDriver> driver)
      : options_(options), sdk_(sdk), driver_(std::move(driver)), redactor_(options.credentials) {}
  ~SdkTransport() override { driver_->stop(); }

  std::string describe() const override {
    return " via SDK adapter " + driver_->process().describe();
  }

  Expected<void> exchange(const CaseItem& item, const core::Params& params,
                          core::CaseResult& r) override {
    const core::Case& c = item.c;
    json line = sdk_request_line(c, params, options_, sdk_);
    json shown = line;
    shown.erase("credentials");
    r.sent = true;
    r.request.method = "SDK";
    r.request.target = redactor_.url(line["endpoint"].get<std::string>());
    r.request.headers = {{"Content-Type", "application/x-ndjson"}};
    r.request.body = scrub_json(shown, redactor_).dump();

    bool fatal = false;
    auto answer = driver_->exchange(line, &fatal);
    if (!answer) {
      if (fatal) {
        driver_->stop();
        return fail("sdk.dead", answer.error().message);
      }
      r.status = core::CaseStatus::error;
      r.error = "SDK adapter: " + answer.error().message + " [" + answer.error().code + "]";
      return {};
    }
    json clean = scrub_json(*answer, redactor_);
    auto parsed = core::sdk_answer_from_json(clean);
    r.answered = true;
    if (!parsed) {
      r.status = core::CaseStatus::error;
      r.error = "SDK adapter: " + parsed.error().message + " [" + parsed.error().code + "]";
      r.response.body = clean.dump();
      return {};
    }
    r.response.status = parsed->http_status
                            ? *parsed->http_status
                            : (parsed->error && parsed->error->status ? *parsed->error->status : 0);
    r.response.headers = parsed->http_headers;
    r.response.body = clean.dump(2);
    r.checks = core::check_sdk(c, *item.contract, *parsed);
    r.status = r.failures().empty() ? core::CaseStatus::passed : core::CaseStatus::failed;
    return {};
  }

 private:
  const RunOptions& options_;
  const SdkOptions& sdk_;
  std::unique_ptr<AdapterDriver> driver_;
  const core::Redactor redactor_;
};

}  // namespace

Expected<std::unique_ptr<Transport>> make_sdk_transport(const RunOptions& options,
                                                        const SdkOptions& sdk) {
  auto driver = AdapterDriver::start(sdk);
  if (!driver) return std::unexpected(driver.error());
  return std::make_unique<SdkTransport>(options, sdk, std::move(*driver));
}

Expected<core::RunReport> run_cases_with_sdk(const std::vector<CaseItem>& cases,
                                             const RunOptions& options, const Target& target,
                                             const SdkOptions& sdk, const Progress& progress) {
  return run_cases_over(
      cases, options, target, [&] { return make_sdk_transport(options, sdk); }, 1, progress);
}

}  // namespace popcheck::runner
