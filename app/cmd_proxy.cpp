// `popcheck proxy`: the record/replay proxy on the shared Beast server, stopped cleanly by SIGINT
// or SIGTERM. With --fault it injects latency, errors, resets and truncations; with --contracts it
// validates every exchange and writes a JUnit report when it stops.
#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "app/admin.hpp"
#include "app/commands.hpp"
#include "app/stop_signals.hpp"
#include "core/files.hpp"
#include "core/protocol/credentials.hpp"
#include "net/server.hpp"
#include "proxy/faults.hpp"
#include "proxy/proxy.hpp"
#include "proxy/validate.hpp"
#include "reports/reports.hpp"

namespace popcheck::app {

namespace {

struct ProxyArgs {
  std::string mode = "replay";
  std::string upstream;
  std::string fixtures;
  std::string listen = "127.0.0.1:18081";
  std::vector<std::string> ignore_params;
  std::vector<std::string> redact_paths;
  std::string profile;
  std::string ca_file;
  bool insecure = false;
  double timeout = 30;
  int threads = 2;
  int forward_threads = 16;
  std::vector<std::string> faults;
  uint64_t fault_seed = 0;
  bool fault_seed_given = false;
  std::vector<std::string> contracts;
  std::string contracts_report = "popcheck-proxy-junit.xml";
  std::string admin_token;
  bool fail_on_unused = false;
};

// "HOST:PORT", "[::1]:PORT" or ":PORT".
Expected<std::pair<std::string, uint16_t>> parse_listen(const std::string& text) {
  size_t colon = text.rfind(':');
  if (colon == std::string::npos)
    return fail("usage", "--listen '" + text + "' must be HOST:PORT (port 0 picks a free port)");
  std::string host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  if (host.empty()) host = "127.0.0.1";
  std::string port_text = text.substr(colon + 1);
  char* end = nullptr;
  long port = std::strtol(port_text.c_str(), &end, 10);
  if (port_text.empty() || *end != '\0' || port < 0 || port > 65535)
    return fail("usage", "--listen '" + text + "' has an invalid port");
  return std::pair{host, static_cast<uint16_t>(port)};
}

int run_proxy(const ProxyArgs& args) {
  auto mode = proxy::parse_mode(args.mode);
  if (!mode) {
    std::cerr << "popcheck proxy: unknown --mode '" << args.mode
              << "' (record, replay, auto or passthrough)\n";
    return 2;
  }
  auto listen = parse_listen(args.listen);
  if (!listen) {
    std::cerr << "popcheck proxy: " << listen.error().message << "\n";
    return 2;
  }
  if (args.timeout <= 0) {
    std::cerr << "popcheck proxy: --timeout must be positive\n";
    return 2;
  }
  proxy::ProxyOptions options;
  options.mode = *mode;
  options.fixtures = args.fixtures;
  options.ignore_params = args.ignore_params;
  options.redact_paths = args.redact_paths;
  options.upstream.url = args.upstream;
  options.upstream.ca_file = args.ca_file;
  options.upstream.insecure = args.insecure;
  options.upstream.environment_proxy = true;
  options.upstream.timeout = std::chrono::milliseconds(static_cast<long long>(args.timeout * 1000));
  options.forward_threads = static_cast<size_t>(std::max(1, args.forward_threads));
  // Held credentials are used only when asked for (--profile) or offered (the environment); the
  // proxy never reaches for a config file's default profile on its own.
  if (!args.profile.empty() || std::getenv(std::string(core::kEnvAccessKeyId).c_str())) {
    auto creds = core::load_credentials(args.profile);
    if (!creds) {
      std::cerr << "popcheck proxy: " << creds.error().to_string() << "\n";
      return 2;
    }
    options.credentials = creds->credentials;
    std::cerr << "popcheck proxy: re-signing forwarded requests with the credentials from "
              << creds->source << "\n";
  }

  // Faults: a seed makes the decisions repeatable; without one a fresh seed is drawn and printed,
  // so that a run that showed something can be repeated.
  options.faults.seed = args.fault_seed_given ? args.fault_seed : std::random_device{}();
  for (const auto& spec : args.faults) {
    auto rule = proxy::parse_fault(spec);
    if (!rule) {
      std::cerr << "popcheck proxy: --fault " << rule.error().message << "\n";
      return 2;
    }
    options.faults.rules.push_back(std::move(*rule));
  }
  for (const auto& rule : options.faults.rules)
    std::cerr << "popcheck proxy: injecting " << proxy::fault_to_spec(rule) << "\n";
  if (!options.faults.rules.empty())
    std::cerr << "popcheck proxy: fault seed " << options.faults.seed << "\n";

  // The validating proxy.
  auto log_mutex = std::make_shared<std::mutex>();
  if (!args.contracts.empty()) {
    std::vector<Error> skipped;
    auto validator = proxy::Validator::load(args.contracts, skipped, options.credentials);
    for (const auto& e : skipped)
      std::cerr << "popcheck proxy: skipped contract " << e.to_string() << "\n";
    if (!validator) {
      std::cerr << "popcheck proxy: --contracts: " << validator.error().to_string() << "\n";
      return 2;
    }
    options.validator = std::shared_ptr<proxy::Validator>(std::move(*validator));
    options.log = [log_mutex](const std::string& line) {
      std::lock_guard lock(*log_mutex);
      std::cerr << "popcheck proxy: " << line << "\n";
    };
  }

  // Before any thread starts (the forwarding pool included), so that no other thread receives them.
  StopSignals stop_signals;

  options.admin = admin_guard_for(listen->first, args.admin_token, "popcheck-proxy",
                                  "popcheck proxy", std::cerr);

  proxy::LoadReport report;
  auto handler = proxy::ProxyHandler::create(options, report);
  if (!handler) {
    std::cerr << "popcheck proxy: " << handler.error().to_string() << "\n";
    return 2;
  }
  for (const auto& e : report.errors)
    std::cerr << "popcheck proxy: skipped fixture " << e.to_string() << "\n";
  if (!report.index.empty() && report.parsed > 0)
    std::cerr << "popcheck proxy: parsed " << report.parsed << " new or changed fixture file(s); "
              << report.index << " (" << options.fixtures << "/.popcheck-index)\n";
  else if (!report.index.empty() && report.index != "index up to date")
    std::cerr << "popcheck proxy: " << report.index << "\n";
  if (report.stale_removed)
    std::cerr << "popcheck proxy: removed " << report.stale_removed
              << " temporary file(s) of an interrupted recording from " << options.fixtures << "\n";

  net::ServerOptions server_options;
  server_options.host = listen->first;
  server_options.port = listen->second;
  server_options.threads = std::max(1, args.threads);
  net::Server server(server_options, *handler);
  if (auto started = server.start(); !started) {
    std::cerr << "popcheck proxy: " << started.error().to_string() << "\n";
    return 2;
  }
  std::string host =
      listen->first.find(':') != std::string::npos ? "[" + listen->first + "]" : listen->first;
  std::cout << "popcheck proxy listening on http://" << host << ":" << server.port() << " (mode "
            << proxy::mode_name(*mode) << ", " << report.loaded << " fixtures"
            << (report.errors.empty() ? ""
                                      : ", " + std::to_string(report.errors.size()) + " unreadable")
            << (args.upstream.empty() ? "" : ", upstream " + args.upstream) << ")" << std::endl;

  stop_signals.serve_until_stopped([&server] { server.wait(); }, [&server] { server.stop(); });
  auto s = (*handler)->stats();
  std::cerr << "popcheck proxy: stopped (hits " << s.hits << ", misses " << s.misses
            << ", recorded " << s.recorded << ", forwarded " << s.forwarded << ", errors "
            << s.errors << ")\n";
  // Fixtures no request was answered with: stale recordings, or calls the client stopped making.
  // Only the flag needs their names; a replay-mode stop says how many.
  int status = 0;
  const proxy::FixtureStore& store = (*handler)->store();
  if (args.fail_on_unused) {
    if (const auto unused = store.unused(); !unused.empty()) {
      std::cerr << "popcheck proxy: " << unused.size()
                << " fixture(s) of the folder were never replayed:\n";
      constexpr size_t kListed = 20;
      for (size_t i = 0; i < std::min(unused.size(), kListed); ++i)
        std::cerr << "  " << unused[i] << "\n";
      if (unused.size() > kListed)
        std::cerr << "  ... and " << unused.size() - kListed
                  << " more (GET /__popcheck/unused lists them while the proxy runs)\n";
      status = 1;
    }
  } else if ((*handler)->mode() == proxy::Mode::replay) {
    if (const size_t n = store.unused_count(); n > 0)
      std::cerr << "popcheck proxy: " << n << " fixture(s) of the folder were never replayed "
                << "(--fail-on-unused lists them and fails)\n";
  }
  if (options.validator) {
    // The endpoint of the report is what the clients talked to: the proxy, and behind it the
    // upstream or the fixtures.
    std::string endpoint =
        "http://" + host + ":" + std::to_string(server.port()) +
        (args.upstream.empty() ? " (replay of " + args.fixtures + ")" : " -> " + args.upstream);
    std::string junit = reports::render_junit(options.validator->report(endpoint));
    if (auto written = core::write_file_atomic(args.contracts_report, junit); !written) {
      std::cerr << "popcheck proxy: the JUnit report could not be written: "
                << written.error().to_string() << "\n";
      return 2;
    }
    size_t violating = options.validator->violating();
    std::cerr << "popcheck proxy: validated " << options.validator->observed() << " exchanges, "
              << violating << " with violations; JUnit report: " << args.contracts_report << "\n";
    // Like a test run: some exchange failed its contract.
    if (violating > 0) return 1;
  }
  return status;
}

}  // namespace

void add_proxy_command(CLI::App& root, int& exit_code) {
  auto args = std::make_shared<ProxyArgs>();
  auto* cmd = root.add_subcommand(
      "proxy",
      "Record real exchanges into fixtures and replay them offline.\n"
      "Point an SDK's endpoint at the proxy. Modes: record (forward and save every exchange), "
      "replay\n"
      "(answer from fixtures only; a miss is a 404 Popcheck.Replay.NoMatch naming the nearest\n"
      "recording), auto (replay what exists, record the rest), passthrough (forward only).\n"
      "Requests match on their decoded parameters (query, form body, x-acs-action/version), "
      "whatever\n"
      "their shape (GET, POST form, V3), without signatures, nonces, timestamps or credentials.\n"
      "Admin endpoints: GET /__popcheck/health, /__popcheck/stats, /__popcheck/misses,\n"
      "/__popcheck/unused (fixtures no request was answered with);\n"
      "GET/PUT /__popcheck/mode ({\"mode\":\"replay\"}); POST /__popcheck/reload;\n"
      "GET/PUT/DELETE /__popcheck/faults ({\"seed\":N,\"rules\":[...]});\n"
      "GET /__popcheck/violations (with --contracts).\n"
      "Admin requests from another origin are refused; PUT/POST/DELETE need Content-Type:\n"
      "application/json or an X-Popcheck-Admin: 1 header; beyond loopback every admin request\n"
      "needs the admin token (Authorization: Bearer TOKEN).\n"
      "Faults (--fault, repeatable; applied in every mode before replay or forwarding):\n"
      "  latency:MS | latency:MIN-MAX            delay the answer (ms; 'ms'/'s' suffixes)\n"
      "  error:CODE[,status=N][,retry-after=MS][,message=TEXT]\n"
      "                                          answer an Alibaba-style error instead; known "
      "codes:\n"
      "                                          Throttling.User, Throttling, Throttling.Api "
      "(400),\n"
      "                                          InternalError (500), ServiceUnavailable (503)\n"
      "  reset                                   close the connection with a TCP reset\n"
      "  truncate[,bytes=N]                      send part of the answer, then close\n"
      "  with, for any kind: action=A[|B], p=0..1 (default 1), count=N (at most N times).\n"
      "  e.g. --fault 'error:Throttling.User,action=DescribeRegions,p=0.5,count=2,retry-after=20'\n"
      "With --contracts every exchange is checked against the contracts; violations are logged "
      "and\n"
      "written as JUnit when the proxy stops (exit status 1 when there were violations).\n"
      "With credentials (ALIBABA_CLOUD_ACCESS_KEY_ID/SECRET[/SECURITY_TOKEN] or --profile) every\n"
      "forwarded request is re-signed (V1 and V3), so clients can use dummy keys. Without them,\n"
      "requests are forwarded as signed; the Host header is rewritten to the upstream's except "
      "for\n"
      "V3, which signs it.");
  cmd->add_option("--mode", args->mode, "record, replay, auto or passthrough")
      ->capture_default_str();
  cmd->add_option(
      "--upstream", args->upstream,
      "http:// or https:// URL of the real endpoint or emulator (not needed for replay); reached "
      "through the proxy HTTPS_PROXY or HTTP_PROXY names unless NO_PROXY covers it");
  cmd->add_option("--fixtures", args->fixtures, "fixtures folder (<product>/<Action>/*.json)")
      ->required();
  cmd->add_option("--listen", args->listen, "HOST:PORT to listen on (port 0: any free port)")
      ->capture_default_str();
  cmd->add_option("--ignore-param", args->ignore_params,
                  "parameter left out of matching, e.g. ClientToken (repeatable)");
  cmd->add_option("--redact-response-path", args->redact_paths,
                  "JSON path removed from recorded responses, e.g. $.AccessKeySecret or "
                  "Credentials.* (repeatable)");
  cmd->add_option("--profile", args->profile,
                  "aliyun CLI profile holding the credentials used to re-sign forwarded requests");
  cmd->add_option("--ca-file", args->ca_file, "extra CA certificates (PEM) for an https upstream");
  cmd->add_flag("--insecure", args->insecure,
                "do not verify the upstream's TLS certificate (testing only)");
  cmd->add_option("--timeout", args->timeout, "upstream timeout per step, in seconds")
      ->capture_default_str();
  cmd->add_option("--threads", args->threads, "server threads")->capture_default_str();
  cmd->add_option("--forward-threads", args->forward_threads, "concurrent upstream requests")
      ->capture_default_str();
  cmd->add_option("--fault", args->faults,
                  "inject a fault: latency:MS[-MAX], error:CODE, reset or truncate, with\n"
                  "action=, p=, count=, status=, message=, retry-after=, bytes= (repeatable)");
  auto* seed = cmd->add_option("--fault-seed", args->fault_seed,
                               "seed of the fault decisions (default: random, printed at start)");
  cmd->add_option("--contracts", args->contracts,
                  "folder of contracts (popcheck compile output) to validate every exchange "
                  "against (repeatable)");
  cmd->add_option("--contracts-report", args->contracts_report,
                  "JUnit report of the validation, written when the proxy stops")
      ->capture_default_str();
  cmd->add_flag("--fail-on-unused", args->fail_on_unused,
                "when the proxy stops, list the fixtures of the folder that no request was "
                "answered with (GET /__popcheck/unused while it runs) and exit 1 if there are any");
  add_admin_token_option(cmd, args->admin_token, kServerAdminTokenHelp);
  cmd->callback([args, seed, &exit_code] {
    args->fault_seed_given = seed->count() > 0;
    exit_code = run_proxy(*args);
  });
}

}  // namespace popcheck::app
