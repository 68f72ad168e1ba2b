// `popcheck run`: execute catalogue cases against an endpoint (or the embedded emulator), check
// every answer against its contract, write JUnit and JSON reports. A thin shell around runner:: and
// reports::.
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/admin.hpp"
#include "app/commands.hpp"
#include "core/compile/compile.hpp"
#include "core/files.hpp"
#include "core/http.hpp"
#include "core/model.hpp"
#include "core/protocol/credentials.hpp"
#include "core/support/text.hpp"
#include "emulator/emulator.hpp"
#include "net/client.hpp"
#include "reports/coverage.hpp"
#include "reports/reports.hpp"
#include "runner/metadata_fetch.hpp"
#include "runner/runner.hpp"
#include "runner/sdk.hpp"

namespace popcheck::app {

namespace {

struct RunFlags {
  std::string endpoint;
  std::vector<std::string> cases;     // empty: the data folder's cases/
  std::vector<std::string> metadata;  // more metadata for the embedded emulator
  std::string data_dir;
  std::vector<std::string> products, actions, kinds, ids;
  std::string shard;
  int jobs = 1;
  std::vector<std::string> vars;
  std::vector<std::string> var_files;
  std::string profile;
  std::string signature = "v1";
  std::string style;
  double timeout = 10;
  int retries = 2;
  std::string admin_token;
  std::string ca_file;
  bool insecure = false;
  std::string report_dir = "reports";
  bool quiet = false;
  std::string sdk;                       // --sdk ADAPTER (docs/adapters.md)
  std::vector<std::string> sdk_options;  // --sdk-option K=V
};

int usage(const std::string& message) {
  std::cerr << "popcheck run: " << message << "\n";
  return 2;
}

int usage(const Error& e) { return usage(e.to_string()); }

std::string failed_names(const core::CaseResult& r) {
  std::string out;
  for (const auto* f : r.failures()) out += (out.empty() ? "" : ", ") + f->check;
  return out;
}

// Console output while cases complete: a progress bar on a terminal, plain lines otherwise.
class Console {
 public:
  Console(bool quiet) : quiet_(quiet), tty_(isatty(STDOUT_FILENO) == 1) {}

  void on_case(size_t done, size_t total, const core::CaseResult& r) {
    if (quiet_) return;
    using core::CaseStatus;
    counts_[static_cast<int>(r.status)]++;
    std::string line;
    switch (r.status) {
      case CaseStatus::passed:
        line = tty_ ? "" : "PASS  " + r.id;
        break;
      case CaseStatus::failed:
        line = "FAIL  " + r.id + " (" + failed_names(r) + ")";
        break;
      case CaseStatus::skipped:
        line = tty_ ? "" : "SKIP  " + r.id + ": " + r.skip_reason;
        break;
      case CaseStatus::error:
        line = "ERROR " + r.id + ": " + r.error;
        break;
    }
    if (!tty_) {
      std::cout << line << "\n";
      return;
    }
    // Erase the bar, print what deserves a line of its own, redraw the bar.
    std::cout << "\r\033[K";
    if (!line.empty()) std::cout << line << "\n";
    const int width = 30;
    int filled = total ? static_cast<int>(done * width / total) : width;
    std::cout << "[" << std::string(static_cast<size_t>(filled), '#')
              << std::string(static_cast<size_t>(width - filled), '.') << "] " << done << "/"
              << total << "  passed " << counts_[0] << "  failed " << counts_[1] << "  skipped "
              << counts_[2];
    if (counts_[3]) std::cout << "  errors " << counts_[3];
    if (done == total) std::cout << "\n";
    std::cout << std::flush;
  }

 private:
  bool quiet_;
  bool tty_;
  int counts_[4] = {0, 0, 0, 0};
};

int run(const RunFlags& f) {
  // The data folder (core/data_dir.hpp), found once and only when something needs it: the default
  // cases, the embedded emulator's metadata, a shipped adapter named by --sdk.
  std::optional<core::DataDir> data;
  bool data_failed = false;
  auto need_data = [&]() -> const core::DataDir* {
    if (!data && !data_failed) {
      data = find_data_dir("run", f.data_dir);
      data_failed = !data;
    }
    return data ? &*data : nullptr;
  };

  // 1. Flags.
  runner::RunOptions options;
  auto sig = runner::parse_signature_version(f.signature);
  if (!sig) return usage(sig.error());
  options.signature = *sig;
  if (!f.style.empty()) {
    auto style = runner::parse_style(f.style);
    if (!style) return usage(style.error());
    options.style = *style;
  }
  runner::Shard shard;
  if (!f.shard.empty()) {
    auto s = runner::parse_shard(f.shard);
    if (!s) return usage(s.error());
    shard = *s;
  }
  if (f.jobs < 1 || f.jobs > 256) return usage("-j must be between 1 and 256");
  std::vector<core::CaseKind> kinds;  // --kind, any case
  for (const auto& k : f.kinds) {
    auto kind = core::case_kind_from_string(core::text::to_lower(k));
    if (!kind)
      return usage("--kind: unknown case kind '" + k + "' (one of " +
                   std::string(core::case_kind_names()) + ")");
    kinds.push_back(*kind);
  }
  if (f.retries < 0 || f.retries > 10) return usage("--retries must be between 0 and 10");
  if (!(f.timeout > 0) || f.timeout > 3600)
    return usage("--timeout must be between 0 and 3600 seconds");
  for (const auto& file : f.var_files) {
    auto text = core::read_file(file, size_t(16) << 20);
    if (!text) return usage(text.error());
    auto vars = runner::parse_vars_text(*text, file);
    if (!vars) return usage(vars.error());
    for (auto& [k, v] : *vars) options.vars[k] = v;
  }
  for (const auto& v : f.vars)  // --var wins over --vars
    if (auto r = runner::parse_var(v, options.vars); !r) return usage(r.error());
  options.jobs = f.jobs;
  options.retries = f.retries;
  options.admin_token = f.admin_token;
  auto timeout = std::chrono::milliseconds(static_cast<long long>(f.timeout * 1000));
  options.client.read_timeout = timeout;
  options.client.connect_timeout = std::min(timeout, std::chrono::milliseconds(10000));
  options.client.ca_file = f.ca_file;
  options.client.insecure = f.insecure;

  runner::SdkOptions sdk;
  if (!f.sdk.empty()) {
    sdk.adapter = f.sdk;
    if (runner::adapter_is_named(f.sdk)) {
      const core::DataDir* d = need_data();
      if (!d) return 2;
      sdk.adapters_dir = d->adapters().string();
    }
    for (const auto& o : f.sdk_options)
      if (auto r = runner::parse_sdk_option(o, sdk); !r) return usage(r.error());
    if (auto cmd = runner::adapter_command(sdk); !cmd) return usage(cmd.error());
  } else if (!f.sdk_options.empty()) {
    return usage("--sdk-option needs --sdk");
  }

  // 2. Cases: catalogue files and folders (default: the seed catalogue, the data folder's cases/),
  // and fetched metadata named by product (Rds, Rds:2014-08-15), compiled in memory; the embedded
  // emulator then serves that metadata beside the bundled products'.
  std::vector<std::string> catalogue_paths, metadata_files;
  if (f.cases.empty()) {
    const core::DataDir* d = need_data();
    if (!d) return 2;
    catalogue_paths.push_back(d->cases().string());
  }
  for (const auto& c : f.cases) {
    if (runner::names_a_product(c)) {
      auto meta = runner::resolve_metadata(c);
      if (meta) {
        metadata_files.push_back(*meta);
        continue;
      }
      if (meta.error().code == "metadata.ambiguous") return usage(meta.error());
    }
    catalogue_paths.push_back(c);  // a path; load_catalogue names it when it does not exist
  }
  core::LoadedCatalogue catalogue = core::load_catalogue(catalogue_paths);
  if (!metadata_files.empty()) {
    std::vector<core::CompileInput> inputs;
    for (const auto& m : metadata_files) {
      auto text = core::read_file(m, core::kMaxInputBytes);
      if (!text) return usage(text.error());
      inputs.push_back({m, std::move(*text), false});
    }
    auto compiled = core::compile_texts(inputs, {});
    catalogue.errors.insert(catalogue.errors.end(), compiled.errors.begin(), compiled.errors.end());
    for (auto& e : compiled.entries) catalogue.entries.push_back(std::move(e));
  }
  for (const auto& e : catalogue.errors) std::cerr << "popcheck run: " << e.to_string() << "\n";
  if (!catalogue.errors.empty())
    return usage(std::to_string(catalogue.errors.size()) +
                 " catalogue file(s) could not be read; fix or remove them (see above)");
  size_t in_catalogue = 0;
  for (const auto& e : catalogue.entries) in_catalogue += e.cases.size();
  if (in_catalogue == 0) {
    std::string where;
    for (const auto& p : catalogue_paths) where += (where.empty() ? "" : ", ") + p;
    return usage("no cases found in " + where +
                 " (compile some with `popcheck compile DOCS... --out DIR` and pass --cases DIR)");
  }
  runner::Selection selection{f.products, f.actions, kinds, f.ids};
  if (runner::select_cases(catalogue.entries, selection).empty())
    return usage("no case matches the selection (--product/--action/--kind/--id)");
  std::vector<runner::CaseItem> cases = runner::select_cases(catalogue.entries, selection, shard);

  // More products for the embedded emulator: files, or names of fetched metadata.
  if (!f.metadata.empty() && !f.endpoint.empty())
    return usage(
        "--metadata adds products to the embedded emulator; with --endpoint there is none");
  for (const auto& m : f.metadata) {
    auto path = runner::resolve_metadata(m);
    if (!path) return usage("--metadata: " + path.error().to_string());
    metadata_files.push_back(*path);
  }

  // 3. Endpoint: the one given, or the embedded emulator.
  std::unique_ptr<emulator::EmbeddedEmulator> embedded;
  std::string endpoint_url = f.endpoint;
  if (endpoint_url.empty()) {
    const core::DataDir* d = need_data();
    if (!d) return 2;
    emulator::EmulatorOptions emulated;
    auto files = data_metadata("run", *d);
    if (!files) return 2;
    emulated.metadata_files = std::move(*files);
    emulated.metadata_files.insert(emulated.metadata_files.end(), metadata_files.begin(),
                                   metadata_files.end());
    auto emu = emulator::EmbeddedEmulator::start(emulated);
    if (!emu) return usage("could not start the embedded emulator: " + emu.error().to_string());
    embedded = std::move(*emu);
    endpoint_url = embedded->url();
  }
  auto endpoint = core::parse_url(endpoint_url);
  if (!endpoint) return usage("--endpoint: " + endpoint.error().to_string());
  options.endpoint = *endpoint;
  // Through the forward proxy the environment names (HTTPS_PROXY, HTTP_PROXY, NO_PROXY), as the SDKs
  // go; never to the embedded emulator, which runs in this process.
  if (!embedded) {
    auto proxy = net::proxy_from_environment(options.endpoint);
    if (!proxy) return usage(proxy.error().to_string());
    options.client.proxy = std::move(*proxy);
  }

  // 4. Reachability, once: an unreachable endpoint is one message, not a page of failed cases.
  auto target = runner::probe(options);
  if (!target) {
    std::cerr << "popcheck run: " << target.error().message << " [" << target.error().code << "]\n";
    return 2;
  }

  // 5. Credentials: environment or profile; a documented dummy pair for an emulator.
  auto creds = core::load_credentials(f.profile);
  if (creds) {
    options.credentials = creds->credentials;
  } else if (creds.error().code == "credentials.missing" && target->emulator) {
    options.credentials = {std::string(runner::kDummyAccessKeyId),
                           std::string(runner::kDummyAccessKeySecret), ""};
  } else {
    return usage(
        creds.error().to_string() +
        " (set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET, or --profile)");
  }

  // 6. Run.
  if (!f.quiet)
    std::cout << "running " << cases.size() << " case(s) against " << endpoint_url
              << (target->emulator ? " (popcheck emulator)" : "") << " with -j " << f.jobs << "\n";
  Console console(f.quiet);
  auto on_case = [&](size_t done, size_t total, const core::CaseResult& r) {
    console.on_case(done, total, r);
  };
  core::RunReport report;
  if (!f.sdk.empty()) {
    // Through an SDK adapter: one case at a time (-j does not apply); an adapter that cannot start
    // or fails after its one restart is an infrastructure error.
    auto r = runner::run_cases_with_sdk(cases, options, *target, sdk, on_case);
    if (!r) {
      if (embedded) embedded->stop();
      std::cerr << "popcheck run: " << r.error().message << " [" << r.error().code << "]\n";
      return 2;
    }
    report = std::move(*r);
  } else {
    report = runner::run_cases(cases, options, *target, on_case);
  }
  if (embedded) embedded->stop();

  // 7. Reports and summary.
  // Coverage is measured against the whole catalogue given, so a selection or a shard shows what it
  // left out as "not run".
  core::ojson coverage = reports::to_json(reports::compute_coverage(report, catalogue.entries));
  if (auto w = reports::write_reports(report, f.report_dir, &coverage); !w) {
    std::cerr << "popcheck run: could not write the reports: " << w.error().to_string() << "\n";
    return 2;
  }
  core::Summary s = core::summarize(report);
  char duration[32];
  std::snprintf(duration, sizeof duration, "%.2f", s.duration_s);
  std::cout << s.passed << " passed, " << s.failed << " failed, " << s.skipped << " skipped";
  if (s.errors) std::cout << ", " << s.errors << " network errors";
  if (s.parity_gaps)
    std::cout << ", " << s.parity_gaps << (s.parity_gaps == 1 ? " parity gap" : " parity gaps");
  std::cout << " (" << s.total << " cases, " << duration << " s); reports in " << f.report_dir
            << "/junit.xml and " << f.report_dir << "/results.json\n";

  int executed = s.total - s.skipped;
  if (s.errors > 0 && s.errors == executed) {
    std::string first;
    for (const auto& c : report.cases)
      if (c.status == core::CaseStatus::error) {
        first = c.error;
        break;
      }
    std::cerr << "popcheck run: every case failed on the network (" << first
              << "); treating this as an infrastructure error\n";
    return 2;
  }
  return s.failed + s.errors > 0 ? 1 : 0;
}

}  // namespace

void add_run_command(CLI::App& root, int& exit_code) {
  auto f = std::make_shared<RunFlags>();
  auto* cmd = root.add_subcommand(
      "run", "Run catalogue cases against an endpoint and check each answer against its contract.");
  cmd->add_option(
      "--endpoint", f->endpoint,
      "http:// or https:// URL of the API (real cloud, emulator, proxy). Default: start the "
      "embedded emulator and run against it");
  cmd->add_option("--cases", f->cases,
                  "Catalogue files or folders (default: the seed catalogue, the data folder's "
                  "cases/), or products of fetched metadata (Rds, Rds:2014-08-15; see popcheck "
                  "metadata), compiled in memory")
      ->expected(1, -1);
  cmd->add_option("--metadata", f->metadata,
                  "More api-docs.json files, or products of fetched metadata, for the embedded "
                  "emulator to serve beside the bundled ones (repeatable)");
  add_data_dir_option(cmd, f->data_dir);
  cmd->add_option("--product", f->products,
                  "Only these products (Ecs, Vpc, Ess; repeatable); PRODUCT:VERSION for one "
                  "version")
      ->delimiter(',');
  cmd->add_option("--action", f->actions, "Only these actions (repeatable)")->delimiter(',');
  cmd->add_option("--kind", f->kinds, "Only these case kinds: example, error, negative, recorded")
      ->delimiter(',');
  cmd->add_option("--id", f->ids,
                  "Only case ids matching this glob (repeatable): 'Ecs.RemoveTags.*'");
  cmd->add_option("--shard", f->shard,
                  "Run shard I of N (1-based, e.g. 2/4): N jobs with 1/N..N/N run every case once");
  cmd->add_option("-j,--jobs", f->jobs, "Cases run in parallel")->capture_default_str();
  cmd->add_option("--var", f->vars,
                  "NAME=VALUE for a case's ${NAME} (repeatable; wins over --vars)");
  cmd->add_option("--vars", f->var_files, "File of variables: a JSON object or NAME=VALUE lines")
      ->check(CLI::ExistingFile);
  cmd->add_option("--profile", f->profile, "Credentials profile of ~/.aliyun/config.json");
  cmd->add_option("--signature", f->signature, "v1 (HMAC-SHA1) or v3 (ACS3-HMAC-SHA256)")
      ->capture_default_str();
  cmd->add_option("--style", f->style,
                  "get, post-form or post-query (default: the case's method: GET -> get, POST -> "
                  "post-form with v1, post-query with v3)");
  cmd->add_option("--timeout", f->timeout, "Seconds to wait for an answer")->capture_default_str();
  cmd->add_option("--retries", f->retries,
                  "Extra attempts after a network failure (never after an HTTP answer)")
      ->capture_default_str();
  add_admin_token_option(cmd, f->admin_token,
                         "Admin token of an emulator listening beyond loopback (sent with its "
                         "health probe and provisioning)");
  cmd->add_option("--ca-file", f->ca_file,
                  "PEM bundle of the CAs to trust (instead of the system's)")
      ->check(CLI::ExistingFile);
  cmd->add_flag("--insecure", f->insecure, "Do not verify the endpoint's TLS certificate");
  cmd->add_option("--report-dir", f->report_dir, "Where junit.xml and results.json go")
      ->capture_default_str();
  cmd->add_flag("-q,--quiet", f->quiet, "Print only the summary line");
  cmd->add_option(
      "--sdk", f->sdk,
      "Run the cases through an SDK adapter (docs/adapters.md): pop-core, openapi, or a path");
  cmd->add_option("--sdk-option", f->sdk_options,
                  "KEY=VALUE passed to the adapter (repeatable), e.g. method=POST, signature=v2");
  cmd->footer(
      "Credentials, as Alibaba Cloud's tools take them: ALIBABA_CLOUD_ACCESS_KEY_ID,\n"
      "ALIBABA_CLOUD_ACCESS_KEY_SECRET and ALIBABA_CLOUD_SECURITY_TOKEN, or --profile NAME from\n"
      "~/.aliyun/config.json. Against a popcheck emulator with no credentials set, the dummy pair\n"
      "popcheck-dummy-key-id / popcheck-dummy-key-secret is used.\n"
      "\n"
      "An --endpoint is reached through the http:// proxy HTTPS_PROXY or HTTP_PROXY names,\n"
      "unless NO_PROXY covers its host; the embedded emulator never is.\n"
      "\n"
      "A case's needs (docs/needs.md) are provisioned by a popcheck emulator (recognised by\n"
      "GET /__popcheck/health); against anything else they come from --var/--vars, and a case\n"
      "whose needs have no value is skipped with the reason in the reports.\n"
      "\n"
      "Checks: HTTP status, Content-Type, body parses in the requested format, XML root, shape\n"
      "against the documented example or response tree, error Code, Message (with %s wildcards),\n"
      "RequestId, HostId on errors. Credentials and signatures never reach the reports.\n"
      "\n"
      "Exit status: 0 every case passed (skips allowed), 1 some case failed, 2 usage error or\n"
      "infrastructure failure (endpoint unreachable, TLS refused, every case failed on the "
      "network).");
  cmd->callback([f, &exit_code] { exit_code = run(*f); });
}

}  // namespace popcheck::app
