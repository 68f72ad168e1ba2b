#include "runner/sdk.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <thread>

#include "core/protocol/redact.hpp"
#include "core/check/sdk_check.hpp"
#include "core/input_limits.hpp"
#include "runner/client.hpp"

extern char** environ;

namespace popcheck::runner {

namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

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
// One process.

Expected<std::unique_ptr<AdapterProcess>> AdapterProcess::start(
    const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
    std::chrono::milliseconds hello_timeout, const std::string& log_file) {
  if (argv.empty()) return fail("sdk.spawn", "empty adapter command");
  std::unique_ptr<AdapterProcess> p(new AdapterProcess());
  p->name_ = argv.back();
  int in_pair[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in_pair) != 0)
    return fail("sdk.spawn", std::string("socketpair: ") + std::strerror(errno));
  int out_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) {
    close(in_pair[0]);
    close(in_pair[1]);
    return fail("sdk.spawn", std::string("pipe: ") + std::strerror(errno));
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, in_pair[1], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&fa, out_pipe[1], STDOUT_FILENO);
  if (!log_file.empty())
    posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, log_file.c_str(),
                                     O_WRONLY | O_CREAT | O_APPEND, 0644);

  // The environment: ours, with `env` replacing or adding entries.
  std::vector<std::string> envs;
  for (char** e = environ; e && *e; ++e) {
    std::string_view kv(*e);
    auto name = kv.substr(0, kv.find('='));
    if (!env.count(std::string(name))) envs.emplace_back(kv);
  }
  for (const auto& [k, v] : env) envs.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& s : envs) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> args = argv;
  std::vector<char*> argp;
  for (auto& s : args) argp.push_back(s.data());
  argp.push_back(nullptr);

  pid_t pid = -1;
  int rc = posix_spawnp(&pid, argp[0], &fa, nullptr, argp.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  close(in_pair[1]);
  close(out_pipe[1]);
  if (rc != 0) {
    close(in_pair[0]);
    close(out_pipe[0]);
    return fail("sdk.spawn", "could not start " + argv[0] + ": " + std::strerror(rc));
  }
  p->pid_ = pid;
  p->in_fd_ = in_pair[0];
  p->out_fd_ = out_pipe[0];

  auto line = p->read_line(hello_timeout);
  if (!line) {
    std::string why = line.error().code == "sdk.timeout"
                          ? "no hello line within " + std::to_string(hello_timeout.count()) + " ms"
                          : line.error().message;
    return fail("sdk.hello", "adapter " + p->name_ + " did not start: " + why);
  }
  auto hello = core::parse_json(*line, "hello line").value_or(nlohmann::json(nlohmann::json::value_t::discarded));
  if (hello.is_discarded() || !hello.is_object())
    return fail("sdk.hello",
                "adapter " + p->name_ +
                    " sent a hello line that is not a JSON object: " + line->substr(0, 200));
  if (hello.contains("fatal"))
    return fail("sdk.hello", "adapter " + p->name_ + " cannot run: " +
                                 (hello["fatal"].is_string() ? hello["fatal"].get<std::string>()
                                                             : hello["fatal"].dump()));
  if (!hello.contains("protocol") || hello["protocol"] != 1)
    return fail("sdk.hello",
                "adapter " + p->name_ + " speaks protocol " +
                    (hello.contains("protocol") ? hello["protocol"].dump() : "(none)") +
                    "; this popcheck speaks protocol 1");
  if (!hello.contains("adapter") || !hello["adapter"].is_string())
    return fail("sdk.hello",
                "adapter " + p->name_ + " sent a hello line without an \"adapter\" name");
  p->hello_ = std::move(hello);
  return p;
}

AdapterProcess::~AdapterProcess() { stop(); }

std::string AdapterProcess::describe() const {
  std::string s = hello_.value("adapter", name_);
  if (hello_.contains("sdk") && hello_["sdk"].is_string())
    s += " (" + hello_["sdk"].get<std::string>() + ")";
  return s;
}

Expected<std::string> AdapterProcess::read_line(std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  for (;;) {
    if (auto nl = buffer_.find('\n'); nl != std::string::npos) {
      std::string line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.empty()) continue;  // blank lines carry nothing
      return line;
    }
    // A line longer than this is not an answer but a runaway adapter.
    if (buffer_.size() > (size_t(64) << 20)) {
      broken_ = true;
      return fail("sdk.malformed", "the adapter wrote more than 64 MiB without a newline");
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      broken_ = true;
      return fail("sdk.timeout", "no answer within " + std::to_string(timeout.count()) + " ms");
    }
    pollfd pfd{out_fd_, POLLIN, 0};
    int n = ::poll(&pfd, 1, static_cast<int>(std::min<long long>(left.count(), 1000)));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) continue;
    char buf[65536];
    ssize_t got = ::read(out_fd_, buf, sizeof buf);
    if (got < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (got <= 0) {
      broken_ = true;
      int status = 0;
      std::string how = "closed its stdout";
      // The end of its stdout usually means the adapter is exiting; give it a second to finish so
      // that the message can say how it ended.
      for (int i = 0; i < 50 && pid_ > 0; ++i) {
        pid_t r = ::waitpid(pid_, &status, WNOHANG);
        if (r == pid_) {
          pid_ = -1;
          if (WIFEXITED(status))
            how = "exited with status " + std::to_string(WEXITSTATUS(status));
          else if (WIFSIGNALED(status))
            how = "was killed by signal " + std::to_string(WTERMSIG(status));
        } else if (r < 0) {
          break;
        } else {
          std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
      }
      return fail("sdk.died", "the adapter " + how);
    }
    buffer_.append(buf, static_cast<size_t>(got));
  }
}

Expected<json> AdapterProcess::exchange(const json& request, std::chrono::milliseconds timeout) {
  if (!alive()) return fail("sdk.died", "the adapter is not running");
  std::string line = request.dump() + "\n";
  size_t off = 0;
  while (off < line.size()) {
    ssize_t n = ::send(in_fd_, line.data() + off, line.size() - off, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      broken_ = true;
      return fail("sdk.died", std::string("the adapter stopped reading its stdin (") +
                                  std::strerror(errno) + ")");
    }
    off += static_cast<size_t>(n);
  }
  auto answer = read_line(timeout);
  if (!answer) return std::unexpected(answer.error());
  auto j = core::parse_json(*answer, "answer line").value_or(nlohmann::json(nlohmann::json::value_t::discarded));
  if (j.is_discarded() || !j.is_object()) {
    broken_ = true;
    return fail("sdk.malformed", "the adapter answered with a line that is not a JSON object: " +
                                     answer->substr(0, 200));
  }
  std::string want = request.value("id", "");
  if (!j.contains("id") || !j["id"].is_string() || j["id"].get<std::string>() != want) {
    // An adapter-error about an unparsable request has a null id; anything else is out of step.
    broken_ = true;
    return fail("sdk.malformed", "the adapter answered for id " +
                                     (j.contains("id") ? j["id"].dump() : "(none)") +
                                     " while case \"" + want + "\" was waiting");
  }
  return j;
}

void AdapterProcess::kill_now() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
  }
}

void AdapterProcess::stop() {
  if (in_fd_ >= 0) {
    ::close(in_fd_);  // end of input: a well-behaved adapter finishes and exits
    in_fd_ = -1;
  }
  if (pid_ > 0) {
    if (!broken_) {
      // Give it a moment to exit by itself, then insist.
      for (int i = 0; i < 100 && pid_ > 0; ++i) {
        int status = 0;
        pid_t r = ::waitpid(pid_, &status, WNOHANG);
        if (r == pid_ || (r < 0 && errno == ECHILD))
          pid_ = -1;
        else
          std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    }
    if (pid_ > 0) ::kill(pid_, SIGTERM);
    kill_now();
  }
  if (out_fd_ >= 0) {
    ::close(out_fd_);
    out_fd_ = -1;
  }
}

// -------------------------------------------------------------------------------------------------
// The driver with its restart policy.

std::string adapter_node_path(const SdkOptions& options, const std::vector<std::string>& argv) {
  if (!options.node_path.empty()) return options.node_path;
  if (const char* env = std::getenv("POPCHECK_SDK_MODULES"); env && *env) return env;
  std::vector<std::string> dirs;
  std::error_code ec;
  auto add_if_folder = [&](const std::filesystem::path& dir) {
    if (std::filesystem::is_directory(dir, ec)) dirs.push_back(std::filesystem::absolute(dir).string());
  };
  // The adapter's own folder's node_modules (npm install beside the adapters), then the current
  // project's node_modules, then whatever NODE_PATH the user already set.
  if (!argv.empty()) add_if_folder(std::filesystem::path(argv.back()).parent_path() / "node_modules");
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
  std::string endpoint = options.endpoint.origin();
  if (options.endpoint.path != "/") endpoint += options.endpoint.path;
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

Expected<check::RunReport> run_cases_with_sdk(const std::vector<CaseItem>& cases,
                                              const RunOptions& options, const Target& target,
                                              const SdkOptions& sdk, const Progress& progress) {
  check::RunReport report;
  report.timestamp = report_timestamp();
  report.hostname = local_hostname();
  auto started = Clock::now();
  auto driver = AdapterDriver::start(sdk);
  if (!driver) return std::unexpected(driver.error());
  report.endpoint = options.endpoint.url(options.endpoint.path) + " via SDK adapter " +
                    (*driver)->process().describe();
  HttpClient admin(options.endpoint, options.client);
  const core::Redactor redactor(options.credentials);

  // One case at a time through the adapter, scenarios in step order (runner::schedule); the report
  // still lists the cases in the order given.
  std::vector<size_t> order;
  for (const auto& unit : schedule(cases)) order.insert(order.end(), unit.begin(), unit.end());
  std::vector<check::CaseResult> results(cases.size());
  size_t finished = 0;
  for (size_t i : order) {
    const core::Case& c = cases[i].c;
    check::CaseResult r;
    r.id = c.id;
    r.product = c.product;
    r.version = c.version;
    r.action = c.action;
    r.kind = c.kind;
    r.description = c.description;
    if (c.expect.shape == "snapshot") r.parity_gaps = c.expect.skip;
    auto case_start = Clock::now();
    auto done = [&] {
      r.duration_s = std::chrono::duration<double>(Clock::now() - case_start).count();
      results[i] = std::move(r);
      if (progress) progress(++finished, cases.size(), results[i]);
    };

    Vars vars = options.vars;
    std::string skip;
    if (!c.needs.empty()) {
      if (target.emulator) {
        Provisioned p = provision_needs(admin, options, c);
        skip = p.skip_reason;
        for (auto& [k, v] : p.vars) vars[k] = v;
      } else {
        for (const auto& n : c.needs)
          if (!vars.count(n.var)) {
            skip = (n.description.empty() ? "needs " + n.resource : n.description) +
                   " (no value for ${" + n.var + "}: pass --var " + n.var + "=VALUE)";
            break;
          }
      }
    }
    std::vector<std::string> missing;
    core::Params params = substitute(c.request.params, vars, &missing);
    if (skip.empty() && !missing.empty())
      skip = "no value for ${" + missing.front() + "}: pass --var " + missing.front() + "=VALUE";
    if (!skip.empty()) {
      r.status = check::CaseStatus::skipped;
      r.skip_reason = skip;
      done();
      continue;
    }

    json line = sdk_request_line(c, params, options, sdk);
    json shown = line;
    shown.erase("credentials");
    r.sent = true;
    r.request.method = "SDK";
    r.request.url = redactor.url(line["endpoint"].get<std::string>());
    r.request.headers = {{"Content-Type", "application/x-ndjson"}};
    r.request.body = scrub_json(shown, redactor).dump();

    bool fatal = false;
    auto answer = (*driver)->exchange(line, &fatal);
    if (!answer) {
      if (fatal) {
        (*driver)->stop();
        return fail("sdk.dead", "case " + c.id + ": " + answer.error().message);
      }
      r.status = check::CaseStatus::error;
      r.error = "SDK adapter: " + answer.error().message + " [" + answer.error().code + "]";
      done();
      continue;
    }
    json clean = scrub_json(*answer, redactor);
    auto parsed = check::sdk_answer_from_json(clean);
    if (!parsed) {
      r.status = check::CaseStatus::error;
      r.error = "SDK adapter: " + parsed.error().message + " [" + parsed.error().code + "]";
      r.answered = true;
      r.response.body = clean.dump();
      done();
      continue;
    }
    r.answered = true;
    r.response.status = parsed->http_status
                            ? *parsed->http_status
                            : (parsed->error && parsed->error->status ? *parsed->error->status : 0);
    r.response.headers = parsed->http_headers;
    r.response.body = clean.dump(2);
    r.checks = check::check_sdk(c, *cases[i].contract, *parsed);
    r.status = r.failures().empty() ? check::CaseStatus::passed : check::CaseStatus::failed;
    done();
  }
  (*driver)->stop();
  report.cases = std::move(results);
  report.duration_s = std::chrono::duration<double>(Clock::now() - started).count();
  return report;
}

}  // namespace popcheck::runner
