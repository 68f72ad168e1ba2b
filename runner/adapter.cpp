#include "runner/adapter.hpp"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <csignal>

#include <cerrno>
#include <cstring>
#include <thread>

#include "core/input_limits.hpp"

namespace popcheck::runner {

namespace {
using json = nlohmann::json;
using Clock = std::chrono::steady_clock;
}  // namespace

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
    if (!env.contains(std::string(name))) envs.emplace_back(kv);
  }
  for (const auto& [k, v] : env) envs.push_back(k + "=" + v);
  std::vector<char*> envp;
  envp.reserve(envs.size() + 1);
  for (auto& s : envs) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> args = argv;
  std::vector<char*> argp;
  argp.reserve(args.size() + 1);
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
  auto hello = core::parse_json(*line, "hello line")
                   .value_or(nlohmann::json(nlohmann::json::value_t::discarded));
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
  auto j = core::parse_json(*answer, "answer line")
               .value_or(nlohmann::json(nlohmann::json::value_t::discarded));
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

}  // namespace popcheck::runner
