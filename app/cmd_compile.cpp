// `popcheck compile`: API documentation -> case catalogue. A thin shell around core::compile_files.
#include <algorithm>
#include <atomic>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "app/commands.hpp"
#include "core/compile/compile.hpp"
#include "runner/metadata_fetch.hpp"

namespace popcheck::app {

namespace {

struct CompileArgs {
  std::vector<std::string> inputs;
  std::vector<std::string> metadata;
  std::string out;
  std::string product;
  std::string version;
  bool quiet = false;
  bool warnings = false;
};

// One worker per core (at most 8): the actions of a compile are independent (core::ParallelFor).
void parallel_for(size_t n, const std::function<void(size_t)>& body) {
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < n; i = next++) body(i);
  };
  size_t workers = std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 8);
  std::vector<std::jthread> extra;
  for (size_t w = 1; w < std::min(workers, n); ++w) extra.emplace_back(work);
  work();
}

// Inputs and --metadata may name products (Rds, Rds:2014-08-15) instead of files; without inputs,
// --product (and --version) names the metadata to compile. Fails on the first name that does not
// resolve, naming it and the fetch command that would get it.
bool resolve_names(std::vector<std::string>& args) {
  for (auto& a : args) {
    if (!runner::names_a_product(a)) continue;
    auto path = runner::resolve_metadata(a);
    if (!path) {
      std::cerr << "popcheck compile: " << path.error().to_string() << "\n";
      return false;
    }
    a = *path;
  }
  return true;
}

int run_compile(CompileArgs a) {
  if (a.inputs.empty()) {
    if (a.product.empty()) {
      std::cerr << "popcheck compile: give INPUT files, or --product NAME for fetched metadata "
                   "[usage]\n";
      return 2;
    }
    a.inputs.push_back(a.version.empty() ? a.product : a.product + ":" + a.version);
  }
  if (!resolve_names(a.inputs) || !resolve_names(a.metadata)) return 2;
  core::CompileOptions options{a.product, a.version, parallel_for};
  core::CompileResult r = core::compile_files(a.inputs, a.metadata, a.out, options);
  for (const auto& e : r.errors) std::cerr << "popcheck compile: " << e.to_string() << "\n";
  if (a.warnings)
    for (const auto& w : r.warnings) std::cerr << "popcheck compile: warning: " << w << "\n";
  else  // what a page took from the other pages decides what it compiles to: always said
    for (const auto& w : r.batch_notes) std::cerr << "popcheck compile: warning: " << w << "\n";
  if (!a.quiet) {
    std::cout << "catalogue written to " << a.out << "\n"
              << core::format_summary(r.summary) << "\n";
    if (!r.errors.empty())
      std::cout << r.errors.size() << " input(s) or output(s) failed; see the messages above\n";
  }
  return r.errors.empty() ? 0 : 2;
}

}  // namespace

void add_compile_command(CLI::App& root, int& exit_code) {
  auto args = std::make_shared<CompileArgs>();
  auto* cmd = root.add_subcommand("compile",
                                  "Compile API documentation into a case catalogue: one "
                                  "DIR/<product>/<Action>.json per action.");
  cmd->footer(
      "Inputs, in any mix (the kind is decided by content, not by name):\n"
      "  - API reference pages in markdown (Chinese or English, every table layout of the\n"
      "    Alibaba Cloud documentation repositories);\n"
      "  - the plain-text copy of an API page from the web (\"Request parameters\" ...);\n"
      "  - Alibaba's api-docs.json metadata (one product/version per file): every API in it.\n"
      "\n"
      "Each catalogue file holds the contract (params with their constraints, response tree,\n"
      "examples, error rows in document order) and its cases: two example cases (JSON, XML),\n"
      "one error case per documented error row, and negative cases for constraints that no\n"
      "error row names. See docs/catalogue.md and docs/needs.md.\n"
      "\n"
      "Product and version of a page come from the metadata (an input or --metadata) that\n"
      "lists its action; the page's example host only hints. Without such metadata they come\n"
      "from the page, else --product/--version (docs/readers.md). A page that names no\n"
      "version (or no product) then takes the one the other pages of its product in the same\n"
      "compile agree on, with a warning (compile.version_from_batch); when they name several it\n"
      "fails naming them. When a page and metadata describe the same action the page wins;\n"
      "metadata fills endpoint and what else the page leaves out.\n"
      "\n"
      "An input that cannot be read is reported with its file (and line), an API that cannot be\n"
      "compiled with product, version and action, and the others are still compiled. No\n"
      "catalogue file is over 1 MiB; a negative case whose breaking value would be over 64 KiB\n"
      "is not generated and the contract's warnings say why. Exit status: 0 everything\n"
      "compiled, 2 some input or API failed, or a usage error.\n"
      "\n"
      "Examples:\n"
      "  popcheck compile pages/*.md --metadata api-docs/*.json --out cases\n"
      "  popcheck compile page.md --product Vpc --version 2016-04-28 --out catalogue\n"
      "  popcheck compile ecs-2014-05-26.json --out build/ecs-catalogue\n"
      "  popcheck metadata fetch Rds && popcheck compile --product Rds --out cases");
  cmd->add_option("INPUT", args->inputs,
                  "API pages (markdown or plain text), api-docs.json files, or product names of "
                  "fetched metadata (Rds, Rds:2014-08-15; see popcheck metadata)")
      ->type_name("FILE|PRODUCT");
  cmd->add_option("--out,-o", args->out, "Folder to write the catalogue into (created if missing)")
      ->required()
      ->type_name("DIR");
  cmd->add_option("--product", args->product,
                  "Product of pages that do not name it, e.g. Ecs, Vpc, Ess; without INPUT, the "
                  "fetched metadata to compile");
  cmd->add_option("--version", args->version,
                  "API version of pages that do not name it, e.g. 2016-04-28");
  cmd->add_option("--metadata", args->metadata,
                  "api-docs.json used only to fill what pages leave out (product, version, "
                  "endpoint); adds no actions of its own. Takes every file up to the next option, "
                  "so put it after the inputs")
      ->type_name("FILE");
  cmd->add_flag("--quiet,-q", args->quiet, "Print nothing but errors");
  cmd->add_flag("--warnings,-w", args->warnings,
                "Also print what the readers tolerated (invalid examples, duplicated parameters)");
  cmd->callback([args, &exit_code] { exit_code = run_compile(*args); });
}

}  // namespace popcheck::app
