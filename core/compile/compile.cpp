#include "core/compile/compile.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <tuple>

#include "core/compile/casegen.hpp"
#include "core/compile/compile_pages.hpp"
#include "core/compile/docs.hpp"
#include "core/compile/metadata.hpp"
#include "core/files.hpp"
#include "core/input_limits.hpp"
#include "core/support/text.hpp"

namespace popcheck::core {

namespace {

std::string lower(std::string_view s) { return text::to_lower(s); }

void count(CompileSummary& s, const CatalogueEntry& e) {
  ++s.actions;
  ++s.products[e.contract.product];
  s.params += e.contract.params.size();
  s.error_rows += e.contract.errors.size();
  for (const auto& k : e.cases) {
    ++s.cases[std::string(to_string(k.kind))];
    if (!k.needs.empty()) ++s.cases_with_needs;
    if (std::any_of(k.needs.begin(), k.needs.end(),
                    [](const Need& n) { return n.resource == "fault"; }))
      ++s.fault_cases;
  }
}

namespace fs = std::filesystem;

Error io_error(const std::string& code, const std::string& what, const std::string& path) {
  return Error{code, what + ": " + std::strerror(errno), path, 0};
}

// Writes entries as DIR/<product lowercase>/<Action>.json (the layout and bytes of
// write_catalogue_entry) with the same guarantees as write_file_atomic, batched: each entry goes to
// a temporary file as soon as it is compiled (so that a whole catalogue is never held in memory),
// finish() makes them all durable with one syncfs(), then renames each over its target and syncs
// the folders. A reader never sees a half-written file and an old file is replaced only by a
// complete new one, but the full metadata catalogue costs one flush instead of 800 fsync calls
// (the difference between 0.3 s and 4 s here). Files whose content is unchanged are left alone so
// that an unchanged document leaves no trace, not even a new modification time.
class EntryWriter {
 public:
  explicit EntryWriter(std::string out_dir) : out_dir_(std::move(out_dir)) {}
  EntryWriter(const EntryWriter&) = delete;
  EntryWriter& operator=(const EntryWriter&) = delete;
  ~EntryWriter() {
    for (const auto& p : pending_) ::unlink(p.tmp.c_str());
  }

  std::vector<Error>& errors() { return errors_; }

  // `content` is the file's bytes (catalogue_bytes).
  // `relative` is the file's place in the catalogue (Compiled::file), `content` its bytes.
  void add(const std::string& relative, const std::string& content) {
    fs::path target = fs::path(out_dir_) / relative;
    if (auto old = read_file(target.string(), content.size() + 1); old && *old == content) return;
    std::error_code ec;
    if (!dirs_.contains(target.parent_path().string())) {
      fs::create_directories(target.parent_path(), ec);
      if (ec) {
        errors_.push_back(Error{"io.mkdir", "cannot create folder: " + ec.message(),
                                target.parent_path().string(), 0});
        return;
      }
    }
    std::string tmp = (target.parent_path() /
                       ("." + target.filename().string() + ".tmp-" + std::to_string(rng_())))
                          .string();
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
      errors_.push_back(io_error("io.write", "cannot create", tmp));
      return;
    }
    const char* p = content.data();
    size_t left = content.size();
    bool ok = true;
    while (left > 0) {
      ssize_t n = ::write(fd, p, left);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        errors_.push_back(io_error("io.write", "write failed", target.string()));
        ok = false;
        break;
      }
      p += n;
      left -= static_cast<size_t>(n);
    }
    if (::close(fd) != 0 && ok) {
      errors_.push_back(io_error("io.write", "close failed", target.string()));
      ok = false;
    }
    if (!ok) {
      ::unlink(tmp.c_str());
      return;
    }
    pending_.push_back({tmp, target.string()});
    dirs_.insert(target.parent_path().string());
  }

  // Flushes and renames everything added; returns how many files were created or changed.
  size_t finish() {
    size_t written = 0;
    if (pending_.empty()) return written;
    // One flush for every file written above, before any of them replaces a target.
    int dfd = ::open(pending_.front().tmp.c_str(), O_RDONLY | O_CLOEXEC);
    bool synced = dfd >= 0 && ::syncfs(dfd) == 0;
    if (dfd >= 0) ::close(dfd);
    if (!synced) {
      errors_.push_back(io_error("io.write", "flush failed", out_dir_));
      return written;  // the destructor removes the temporary files
    }
    for (const auto& p : pending_) {
      if (::rename(p.tmp.c_str(), p.target.c_str()) != 0) {
        errors_.push_back(io_error("io.write", "rename failed", p.target));
        ::unlink(p.tmp.c_str());
        continue;
      }
      ++written;
    }
    pending_.clear();
    for (const auto& d : dirs_) {
      int fd = ::open(d.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
      }
    }
    return written;
  }

 private:
  struct Pending {
    std::string tmp, target;
  };
  std::string out_dir_;
  std::vector<Pending> pending_;
  std::set<std::string> dirs_;
  std::mt19937_64 rng_{std::random_device{}()};
  std::vector<Error> errors_;
};

}  // namespace

bool looks_like_metadata(std::string_view text) {
  size_t i = 0;
  if (text.starts_with("\xEF\xBB\xBF")) i = 3;
  while (i < text.size() &&
         (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n'))
    ++i;
  return i < text.size() && (text[i] == '{' || text[i] == '[');
}

namespace {

// What becomes a file or folder name must be one: letters, digits, '-', '_' and '.', not starting
// with '.', at most 128 characters. Anything else (a '/' or "..", from a hostile document) would
// write outside the catalogue folder.
bool usable_name(std::string_view s) {
  return !s.empty() && s.size() <= 128 && s.front() != '.' &&
         std::all_of(s.begin(), s.end(), [](char ch) {
           return std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_' ||
                  ch == '.';
         });
}

std::string api_name(const Contract& c) {
  return (c.product.empty() ? std::string("(no product)") : c.product) + " " +
         (c.version.empty() ? std::string("(no version)") : c.version) + " " + c.action;
}

// The bytes of the catalogue file of e, as write_catalogue_entry writes them.
std::string catalogue_bytes(const CatalogueEntry& e) { return to_json(e).dump(2) + "\n"; }

// Keeps a catalogue file under kMaxCatalogueFileBytes: negative cases go first (from the last),
// then error cases, each time half of what is left of that kind, and the contract's warnings say
// how many. Returns the bytes, or nothing when the contract alone is over the bound.
std::optional<std::string> bounded_bytes(CatalogueEntry& e) {
  std::string bytes = catalogue_bytes(e);
  std::map<std::string, size_t> dropped;
  for (CaseKind kind : {CaseKind::negative, CaseKind::error}) {
    while (bytes.size() > kMaxCatalogueFileBytes) {
      size_t n = static_cast<size_t>(std::count_if(e.cases.begin(), e.cases.end(),
                                                   [&](const Case& k) { return k.kind == kind; }));
      if (n == 0) break;
      size_t drop = (n + 1) / 2;
      for (size_t i = e.cases.size(); i-- > 0 && drop > 0;)
        if (e.cases[i].kind == kind) {
          e.cases.erase(e.cases.begin() + static_cast<long>(i));
          --drop;
          ++dropped[std::string(to_string(kind))];
        }
      bytes = catalogue_bytes(e);
    }
  }
  if (bytes.size() > kMaxCatalogueFileBytes) return std::nullopt;
  for (const auto& [kind, n] : dropped)
    e.contract.warnings.push_back(std::to_string(n) + " " + kind +
                                  " case(s) left out to keep the catalogue file under 1 MiB");
  if (!dropped.empty()) bytes = catalogue_bytes(e);
  return bytes;
}

// One contract compiled: its entry and file bytes, or the error that left it out.
struct Compiled {
  CatalogueEntry entry;
  std::string file;  // relative to the catalogue folder: <product>[/<version>]/<Action>.json
  std::string bytes;
  std::optional<Error> error;
};

// One API that cannot be compiled is reported with product, version and action; every other API
// still is. Thread-safe: touches nothing but its own contract.
//
// A product compiled in one version keeps the stable layout <product>/<Action>.json and ids
// Product.Action.*; a product compiled in several versions at once (`several_versions`) gets
// <product>/<version>/<Action>.json and ids Product.Version.Action.*, so no version hides another.
Compiled compile_contract(Contract&& c, bool several_versions) {
  Compiled out;
  std::string product_dir = lower(c.product.empty() ? "unknown" : c.product);
  out.file = several_versions ? product_dir + "/" + c.version + "/" + c.action + ".json"
                              : product_dir + "/" + c.action + ".json";
  auto failed = [&](const std::string& code, const std::string& why) {
    out.error = Error{code, api_name(c) + ": " + why + "; this API is left out", c.source.file, 0};
    return std::move(out);
  };
  if (!usable_name(c.action) || !usable_name(c.product) ||
      (several_versions && !usable_name(c.version)))
    return failed("compile.name",
                  "the product, version or action name cannot be a file name (letters, digits, "
                  "'-', '_' and '.' only, at most 128 characters)");
  std::optional<std::string> bytes;
  try {
    std::vector<std::string> skipped;
    out.entry.cases = generate_cases(
        c, &skipped, several_versions ? c.product + "." + c.version + "." + c.action : "");
    out.entry.contract = c;  // a copy: c still names the API should serialising fail
    out.entry.contract.warnings.insert(out.entry.contract.warnings.end(), skipped.begin(),
                                       skipped.end());
    bytes = bounded_bytes(out.entry);
  } catch (const std::exception& ex) {
    return failed("compile.api", std::string("cannot be compiled: ") + ex.what());
  }
  if (!bytes)
    return failed("compile.too_large", "its contract alone is over 1 MiB in the catalogue format");
  out.bytes = std::move(*bytes);
  return out;
}

// Receives each compiled entry with its file's bytes, once.
using EntrySink =
    std::function<void(CatalogueEntry&&, const std::string& file, std::string&& bytes)>;

// compile_texts without the collecting: each entry goes to `sink` as soon as it is compiled.
CompileResult compile_into(const std::vector<CompileInput>& inputs, const CompileOptions& options,
                           const EntrySink& sink) {
  CompileResult out;
  std::vector<Contract> meta;   // every metadata API, in input order
  std::vector<bool> meta_emit;  // whether it becomes an entry of its own
  std::vector<Contract> pages;
  std::set<std::string> known_products;
  if (!options.product.empty()) known_products.insert(options.product);

  // Metadata files are read independently (through options.parallel_for when given), then taken
  // in input order.
  struct MetadataRead {
    std::optional<Expected<std::vector<Contract>>> apis;  // empty: not metadata
    std::vector<Error> api_errors;
  };
  std::vector<MetadataRead> reads(inputs.size());
  auto read_one = [&](size_t i) {
    const auto& in = inputs[i];
    if (looks_like_metadata(in.text) || in.path.ends_with(".json"))
      reads[i].apis = read_metadata(in.text, in.path, &reads[i].api_errors);
  };
  if (options.parallel_for) {
    options.parallel_for(inputs.size(), read_one);
  } else {
    for (size_t i = 0; i < inputs.size(); ++i) read_one(i);
  }
  for (size_t i = 0; i < inputs.size(); ++i) {
    const auto& in = inputs[i];
    if (!in.lookup_only) ++out.summary.inputs;
    if (reads[i].apis) {
      auto& r = *reads[i].apis;
      out.errors.insert(out.errors.end(), reads[i].api_errors.begin(), reads[i].api_errors.end());
      if (!r) {
        out.errors.push_back(r.error());
        if (!in.lookup_only) ++out.summary.failed_inputs;
        continue;
      }
      for (auto& c : *r) {
        known_products.insert(c.product);
        meta.push_back(std::move(c));
        meta_emit.push_back(!in.lookup_only);
      }
      continue;
    }
    auto r = read_document(in.text, in.path);
    if (!r) {
      out.errors.push_back(r.error());
      ++out.summary.failed_inputs;
      continue;
    }
    pages.push_back(std::move(*r));
  }

  // Product and version of each page (compile_pages.hpp).
  ResolvedPages resolved = resolve_pages(std::move(pages), meta, known_products, options, out);

  // One entry per product/action: pages first (in input order), then the metadata they did not
  // cover.
  // One entry per product, version and action; a product may come in several versions.
  std::map<std::tuple<std::string, std::string, std::string>, std::string> seen;  // -> source file
  std::map<std::string, std::set<std::string>> versions;  // lower-case product -> versions
  std::vector<Contract> contracts;
  auto add = [&](Contract&& c) {
    auto key = std::make_tuple(lower(c.product), c.version, c.action);
    if (auto it = seen.find(key); it != seen.end()) {
      out.warnings.push_back(c.source.file + ": " + c.product + " " + c.action +
                             " is also described by " + it->second + "; kept that one");
      return;
    }
    seen.emplace(key, c.source.file);
    versions[lower(c.product)].insert(c.version);
    contracts.push_back(std::move(c));
  };
  for (auto& c : resolved.pages) add(std::move(c));
  for (size_t i = 0; i < meta.size(); ++i)
    if (meta_emit[i] && !resolved.merged_meta.contains(i)) add(std::move(meta[i]));

  // Contracts compile independently: in windows of kWindow, each through options.parallel_for
  // when given. The previous window goes to the sink meanwhile (one more body, so that writing
  // files overlaps compiling), in contract order, so that files and messages do not depend on the
  // scheduling and memory stays bounded by two windows.
  constexpr size_t kWindow = 64;
  std::vector<bool> several;  // the contract's product comes in several versions
  several.reserve(contracts.size());
  for (const auto& c : contracts) several.push_back(versions[lower(c.product)].size() > 1);
  std::vector<Compiled> ready, window;
  auto deliver = [&] {
    for (auto& r : ready) {
      if (r.error) {
        out.errors.push_back(std::move(*r.error));
        continue;
      }
      for (const auto& w : r.entry.contract.warnings)
        out.warnings.push_back(r.entry.contract.source.file + ": " + r.entry.contract.action +
                               ": " + w);
      count(out.summary, r.entry);
      sink(std::move(r.entry), r.file, std::move(r.bytes));
    }
    ready.clear();
  };
  for (size_t start = 0; start < contracts.size(); start += kWindow) {
    size_t n = std::min(kWindow, contracts.size() - start);
    window.assign(n, Compiled{});
    auto body = [&](size_t i) {
      if (i == n)
        deliver();
      else
        window[i] = compile_contract(std::move(contracts[start + i]), several[start + i]);
    };
    if (options.parallel_for) {
      options.parallel_for(n + 1, body);
    } else {
      for (size_t i = 0; i <= n; ++i) body(i);
    }
    std::swap(ready, window);
  }
  deliver();
  out.summary.warnings = out.warnings.size();
  return out;
}

}  // namespace

CompileResult compile_texts(const std::vector<CompileInput>& inputs,
                            const CompileOptions& options) {
  std::vector<CatalogueEntry> entries;
  CompileResult out =
      compile_into(inputs, options, [&](CatalogueEntry&& e, const std::string&, std::string&&) {
        entries.push_back(std::move(e));
      });
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
    return std::tie(a.contract.product, a.contract.action) <
           std::tie(b.contract.product, b.contract.action);
  });
  out.entries = std::move(entries);
  return out;
}

CompileResult compile_files(const std::vector<std::string>& inputs,
                            const std::vector<std::string>& lookup_metadata,
                            const std::string& out_dir, const CompileOptions& options) {
  std::vector<CompileInput> texts;
  std::vector<Error> read_errors;
  size_t failed = 0;
  auto read = [&](const std::string& path, bool lookup) {
    auto t = read_file(path, kMaxInputBytes);
    if (!t) {
      Error e = t.error();
      if (e.file.empty()) e.file = path;
      if (e.code == "io.too_large")
        e.message =
            "the input is larger than 16 MiB; API pages and api-docs.json files are far "
            "smaller, so this is not one";
      read_errors.push_back(std::move(e));
      if (!lookup) ++failed;
      return;
    }
    texts.push_back(CompileInput{path, std::move(*t), lookup});
  };
  for (const auto& p : lookup_metadata) read(p, true);
  for (const auto& p : inputs) read(p, false);

  EntryWriter writer(out_dir);
  CompileResult r = compile_into(
      texts, options, [&](CatalogueEntry&&, const std::string& file, std::string&& bytes) {
        writer.add(file, bytes);
      });
  r.summary.inputs += failed;
  r.summary.failed_inputs += failed;
  r.errors.insert(r.errors.begin(), read_errors.begin(), read_errors.end());
  r.summary.files_written = writer.finish();
  r.errors.insert(r.errors.end(), writer.errors().begin(), writer.errors().end());
  return r;
}

std::string format_summary(const CompileSummary& s) {
  std::string out = std::to_string(s.actions) + " actions";
  if (!s.products.empty()) {
    out += " (";
    bool first = true;
    for (const auto& [p, n] : s.products) {
      out += (first ? "" : ", ") + p + " " + std::to_string(n);
      first = false;
    }
    out += ")";
  }
  out += ", " + std::to_string(s.params) + " params, " + std::to_string(s.error_rows) +
         " error rows\ncases: ";
  size_t total = 0;
  bool first = true;
  for (const auto& [k, n] : s.cases) {
    out += (first ? "" : ", ") + std::to_string(n) + " " + k;
    total += n;
    first = false;
  }
  if (first) out += "none";
  out += " (" + std::to_string(total) + " in all; " + std::to_string(s.cases_with_needs) +
         " with needs, " + std::to_string(s.fault_cases) + " of them injected faults)\n";
  out += "inputs: " + std::to_string(s.inputs) + " read, " + std::to_string(s.failed_inputs) +
         " failed; " + std::to_string(s.warnings) + " warnings; " +
         std::to_string(s.files_written) + " files written (the others unchanged)";
  return out;
}

}  // namespace popcheck::core
