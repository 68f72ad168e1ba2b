// `popcheck report diff|merge|html`: reports made from the results.json files that runs leave
// behind. Thin shells: read files, call the pure functions of reports/, write files, choose the
// exit status.
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/commands.hpp"
#include "core/files.hpp"
#include "core/model.hpp"
#include "reports/coverage.hpp"
#include "reports/diff.hpp"
#include "reports/html.hpp"
#include "reports/merge.hpp"
#include "reports/reports.hpp"
#include "reports/results_io.hpp"

namespace popcheck::app {

namespace {

struct DiffArgs {
  std::string baseline, current, markdown, junit;
  std::vector<std::string> cases;
  size_t max_rows = 500;
};

struct MergeArgs {
  std::vector<std::string> inputs;
  std::string out;
  std::vector<std::string> cases;
};

struct HtmlArgs {
  std::string input, out, title = "popcheck report";
  std::vector<std::string> cases;
};

int report_error(const char* command, const Error& e) {
  std::cerr << "popcheck report " << command << ": " << e.to_string() << "\n";
  return 2;
}

int run_diff(const DiffArgs& a) {
  auto baseline = reports::read_results(a.baseline);
  if (!baseline) return report_error("diff", baseline.error());
  auto current = reports::read_results(a.current);
  if (!current) return report_error("diff", current.error());
  reports::Diff d = reports::diff_reports(baseline->report, current->report);
  std::string markdown = reports::render_diff_markdown(d, a.baseline, a.current, a.max_rows);
  // Coverage of the current run: from the catalogue when given, else as embedded in the file.
  if (!a.cases.empty()) {
    core::LoadedCatalogue catalogue = core::load_catalogue(a.cases);
    for (const auto& e : catalogue.errors) report_error("diff", e);
    if (!catalogue.errors.empty() || catalogue.entries.empty()) {
      std::cerr << "popcheck report diff: --cases: the catalogue could not be read\n";
      return 2;
    }
    markdown += "\n" + reports::render_coverage_markdown(reports::to_json(
                           reports::compute_coverage(current->report, catalogue.entries)));
  } else if (const auto& coverage = current->coverage) {
    markdown += "\n" + reports::render_coverage_markdown(*coverage);
  }
  if (a.markdown.empty() || a.markdown == "-") {
    std::cout << markdown;
  } else if (auto w = core::write_file_atomic(a.markdown, markdown); !w) {
    return report_error("diff", w.error());
  }
  if (!a.junit.empty())
    if (auto w = core::write_file_atomic(a.junit, reports::render_diff_junit(d, current->report));
        !w)
      return report_error("diff", w.error());
  // With the Markdown in a file, one line on stderr says what happened (stdout stays clean for
  // pipes).
  if (!a.markdown.empty() && a.markdown != "-")
    std::cerr << "popcheck report diff: " << d.new_failures.size() << " new failures, "
              << d.reason_changed.size() << " changed reasons, " << d.still_failing.size()
              << " still failing, " << d.fixed.size() << " fixed, " << d.added.size() << " added, "
              << d.removed.size() << " removed\n";
  return reports::regressed(d) ? 1 : 0;
}

int run_merge(const MergeArgs& a) {
  std::vector<reports::ShardInput> inputs;
  for (const auto& path : a.inputs) {
    auto r = reports::read_results(path);
    if (!r) return report_error("merge", r.error());
    inputs.push_back({path, std::move(r->report)});
  }
  auto merged = reports::merge_reports(inputs);
  if (!merged) return report_error("merge", merged.error());
  // Each shard measured coverage over its own part; the merged run's coverage is measured again over
  // the catalogue, which gives what the single run would have written.
  std::optional<core::ojson> coverage;
  if (!a.cases.empty()) {
    core::LoadedCatalogue catalogue = core::load_catalogue(a.cases);
    for (const auto& e : catalogue.errors) report_error("merge", e);
    if (!catalogue.errors.empty() || catalogue.entries.empty()) {
      std::cerr << "popcheck report merge: --cases: the catalogue could not be read\n";
      return 2;
    }
    coverage = reports::to_json(reports::compute_coverage(*merged, catalogue.entries));
  }
  if (auto w = reports::write_reports(*merged, a.out, coverage ? &*coverage : nullptr); !w)
    return report_error("merge", w.error());
  core::Summary s = core::summarize(*merged);
  std::cout << "merged " << inputs.size() << " results files into " << a.out << ": " << s.total
            << " cases, " << s.passed << " passed, " << s.failed << " failed, " << s.errors
            << " errors, " << s.skipped << " skipped\n";
  return s.failed + s.errors > 0 ? 1 : 0;
}

int run_html(const HtmlArgs& a) {
  auto loaded = reports::read_results(a.input);
  if (!loaded) return report_error("html", loaded.error());
  core::ojson coverage;
  if (!a.cases.empty()) {
    core::LoadedCatalogue catalogue = core::load_catalogue(a.cases);
    if (!catalogue.errors.empty()) {
      for (const auto& e : catalogue.errors) report_error("html", e);
      std::cerr << "popcheck report html: the catalogue given with --cases could not be read\n";
      return 2;
    }
    if (catalogue.entries.empty()) {
      std::cerr << "popcheck report html: --cases: no catalogue file found in the given paths\n";
      return 2;
    }
    coverage = reports::to_json(reports::compute_coverage(loaded->report, catalogue.entries));
  } else if (const auto& recorded = loaded->coverage) {
    coverage = *recorded;
  } else {
    // Without the catalogue the run alone still tells which examples ran and what was skipped.
    coverage = reports::to_json(reports::compute_coverage(loaded->report, {}));
  }
  reports::HtmlOptions options{a.title, a.input};
  std::string html = reports::render_html(loaded->report, &coverage, options);
  if (auto w = core::write_file_atomic(a.out, html); !w) return report_error("html", w.error());
  core::Summary s = core::summarize(loaded->report);
  std::cout << "wrote " << a.out << " (" << s.total << " cases, " << html.size() << " bytes)\n";
  return 0;
}

}  // namespace

void add_report_command(CLI::App& root, int& exit_code) {
  auto* cmd = root.add_subcommand(
      "report", "Reports made from results.json files: regression diff, shard merge, HTML.");
  cmd->require_subcommand(1);
  cmd->footer(
      "Every subcommand reads the results.json that `popcheck run --report-dir DIR` writes.\n"
      "Exit status: see each subcommand; 2 always means bad input or a usage error.");

  auto diff = std::make_shared<DiffArgs>();
  auto* d = cmd->add_subcommand(
      "diff", "Compare a run with a baseline run: what broke, what was fixed, what still fails.");
  d->footer(
      "Categories (each case is in at most one):\n"
      "  new failures      failing now (failed or error), passed or skipped in the baseline\n"
      "  reason changed    failing in both, but the failed checks' names, expected or actual\n"
      "                    values differ (RequestIds, times, hex ids, loopback ports and "
      "durations\n"
      "                    are masked first, so they never count as a change)\n"
      "  still failing     failing in both for the same reason\n"
      "  fixed             failing in the baseline, passed now\n"
      "  newly skipped     run in the baseline, skipped now\n"
      "  added / removed   only in the current run / only in the baseline\n"
      "\n"
      "The Markdown goes to stdout unless --markdown FILE is given (for GitHub Actions:\n"
      "--markdown \"$GITHUB_STEP_SUMMARY\"). --junit FILE writes one failing testcase per\n"
      "regression (new failure or changed reason), grouped by product and action.\n"
      "With --cases (or coverage embedded in CURRENT) the Markdown ends with the current run's\n"
      "coverage: documented error codes and examples exercised, and the least covered actions.\n"
      "\n"
      "Exit status: 1 when something regressed (a new failure or a changed reason), 0 otherwise\n"
      "(added failing cases are listed but are not regressions), 2 on unreadable input.\n"
      "\n"
      "Example:\n"
      "  popcheck report diff baseline/results.json reports/results.json --junit regressions.xml");
  d->add_option("BASELINE", diff->baseline, "results.json of the reference run")
      ->required()
      ->type_name("FILE");
  d->add_option("CURRENT", diff->current, "results.json of the run to judge")
      ->required()
      ->type_name("FILE");
  d->add_option("--markdown", diff->markdown, "write the Markdown to FILE instead of stdout")
      ->type_name("FILE");
  d->add_option("--junit", diff->junit, "write the regressions as JUnit XML (ant schema)")
      ->type_name("FILE");
  d->add_option("--cases", diff->cases,
                "catalogue files or folders: adds the current run's coverage to the Markdown")
      ->type_name("PATH");
  d->add_option("--max-rows", diff->max_rows, "rows per Markdown table; the rest are counted")
      ->capture_default_str();
  d->callback([diff, &exit_code] { exit_code = run_diff(*diff); });

  auto merge = std::make_shared<MergeArgs>();
  auto* m = cmd->add_subcommand(
      "merge",
      "Join the results of `popcheck run --shard I/N` jobs into one results.json and junit.xml.");
  m->footer(
      "The output is what one unsharded run would have written: cases in the runner's order\n"
      "(sorted by id), the same summary, the same JUnit suites. The merged run's timestamp is the\n"
      "earliest shard's and its duration the sum of the shards' durations, so merging the same\n"
      "files always gives the same bytes, whatever their order on the command line.\n"
      "\n"
      "A case id present in two inputs is an error (the same shard given twice, or overlapping\n"
      "selections), and so are inputs run against different endpoints (loopback endpoints that\n"
      "differ only in the port, as with the embedded emulator, count as one).\n"
      "\n"
      "Exit status: 0 merged and every case passed or was skipped, 1 merged and some case failed\n"
      "(as the single run would have), 2 bad input.\n"
      "\n"
      "Example:\n"
      "  popcheck report merge shard-*/results.json --out reports");
  m->add_option("RESULTS", merge->inputs, "results.json of each shard")
      ->required()
      ->type_name("FILE");
  m->add_option("--out,-o", merge->out, "folder receiving results.json and junit.xml")
      ->required()
      ->type_name("DIR");
  m->add_option("--cases", merge->cases,
                "catalogue files or folders the shards ran: coverage of the merged run is measured "
                "again over them, as one unsharded run would have")
      ->type_name("PATH");
  m->callback([merge, &exit_code] { exit_code = run_merge(*merge); });

  auto html = std::make_shared<HtmlArgs>();
  auto* h = cmd->add_subcommand("html", "Write a self-contained HTML report of a run.");
  h->footer(
      "One file with inline CSS and JavaScript and no network asset: the summary, coverage, a "
      "table\n"
      "per product and action, and for each failure the checks' expected against actual values\n"
      "and the request (credentials removed) and response. Filters by status, product, action and\n"
      "id. Rows are rendered in chunks while scrolling, so whole-catalogue runs stay responsive.\n"
      "\n"
      "Coverage compares the run with the documentation when --cases gives the catalogue (per\n"
      "action: documented error codes exercised, example cases run, skips and their reasons).\n"
      "Without --cases, the coverage embedded in the results file is used if present; otherwise\n"
      "only what the run itself shows.\n"
      "\n"
      "Exit status: 0 written (whatever the run's verdicts), 2 bad input.\n"
      "\n"
      "Example:\n"
      "  popcheck report html reports/results.json -o reports/report.html --cases cases");
  h->add_option("RESULTS", html->input, "results.json of the run")->required()->type_name("FILE");
  h->add_option("--out,-o", html->out, "HTML file to write")->required()->type_name("FILE");
  h->add_option("--cases", html->cases, "catalogue files or folders, for coverage")
      ->type_name("PATH");
  h->add_option("--title", html->title, "page title")->capture_default_str();
  h->callback([html, &exit_code] { exit_code = run_html(*html); });
}

}  // namespace popcheck::app
