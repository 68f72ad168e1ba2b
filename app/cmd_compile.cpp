// `popcheck compile`: API documentation -> case catalogue. A thin shell around core::compile_files.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "app/commands.hpp"
#include "core/compile/compile.hpp"

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

int run_compile(const CompileArgs& a) {
  core::CompileOptions options{a.product, a.version};
  core::CompileResult r = core::compile_files(a.inputs, a.metadata, a.out, options);
  for (const auto& e : r.errors) std::cerr << "popcheck compile: " << e.to_string() << "\n";
  if (a.warnings)
    for (const auto& w : r.warnings) std::cerr << "popcheck compile: warning: " << w << "\n";
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
      "Product and version of a page come from the page, else --product/--version, else from\n"
      "metadata given as input or with --metadata when the action matches. When a page and\n"
      "metadata describe the same action the page wins; metadata fills version, endpoint and\n"
      "what else the page leaves out.\n"
      "\n"
      "An input that cannot be read is reported with its file (and line) and the others are still\n"
      "compiled. Exit status: 0 every input compiled, 2 some input failed or a usage error.\n"
      "\n"
      "Examples:\n"
      "  popcheck compile pages/*.md --metadata api-docs/*.json --out cases\n"
      "  popcheck compile page.md --product Vpc --version 2016-04-28 --out catalogue\n"
      "  popcheck compile ecs-2014-05-26.json --out build/ecs-catalogue");
  cmd->add_option("INPUT", args->inputs,
                  "API pages (markdown or plain text) and api-docs.json files")
      ->required()
      ->type_name("FILE");
  cmd->add_option("--out,-o", args->out, "Folder to write the catalogue into (created if missing)")
      ->required()
      ->type_name("DIR");
  cmd->add_option("--product", args->product,
                  "Product of pages that do not name it, e.g. Ecs, Vpc, Ess");
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
