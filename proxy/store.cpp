#include "proxy/store.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <system_error>
#include <thread>

#include "core/files.hpp"

namespace popcheck::proxy {

namespace fs = std::filesystem;

namespace {

struct FoundFile {
  std::string path;
  std::string folder;
  long sequence = -1;
  std::string name;
};

// A folder or file name that cannot escape the fixtures folder or hide itself.
std::string safe_component(std::string_view s) {
  std::string out;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
              c == '_' || c == '.';
    out += ok ? c : '_';
  }
  if (out.empty() || out[0] == '.') out.insert(out.begin(), '_');
  return out;
}

}  // namespace

FixtureStore::FixtureStore(std::string dir, core::MatchOptions match)
    : dir_(std::move(dir)), match_(std::move(match)) {}

std::shared_ptr<const ReplayEntry> FixtureStore::make_entry(const Exchange& e, std::string file,
                                                            MatchMap match) {
  auto entry = std::make_shared<ReplayEntry>();
  entry->file = std::move(file);
  entry->action = e.action;
  entry->match = std::move(match);
  entry->status = e.response.status;
  if (!e.response.content_type.empty())
    entry->headers.emplace_back("Content-Type", e.response.content_type);
  for (const auto& h : e.response.headers) entry->headers.push_back(h);
  entry->body = e.response.body;
  return entry;
}

LoadReport FixtureStore::load() {
  LoadReport report;
  std::vector<FoundFile> files;
  std::error_code ec;
  if (fs::exists(dir_, ec)) {
    fs::recursive_directory_iterator it(dir_, fs::directory_options::skip_permission_denied, ec);
    if (ec) report.errors.push_back(Error{"fixture.read", "cannot list folder: " + ec.message(), dir_});
    for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      const auto& p = it->path();
      std::string name = p.filename().string();
      // Temporary files of an interrupted atomic write start with a dot; they are never fixtures.
      if (name.starts_with(".")) {
        if (it->is_directory()) it.disable_recursion_pending();
        continue;
      }
      if (!it->is_regular_file(ec) || p.extension() != ".json") continue;
      files.push_back({p.string(), p.parent_path().string(), fixture_sequence(name), name});
    }
    if (ec) report.errors.push_back(Error{"fixture.read", "cannot list folder: " + ec.message(), dir_});
  }
  // Recorded order within a folder is the file number; the name breaks ties so loading is stable.
  std::sort(files.begin(), files.end(), [](const FoundFile& a, const FoundFile& b) {
    if (a.folder != b.folder) return a.folder < b.folder;
    if (a.sequence != b.sequence) return a.sequence < b.sequence;
    return a.name < b.name;
  });

  // Parsing dominates start-up with many fixtures, so it is spread over threads; the index is then
  // built in file order on this thread so that recorded order is kept.
  struct Parsed {
    std::shared_ptr<const ReplayEntry> entry;
    std::string key;
    std::optional<Error> error;
  };
  std::vector<Parsed> parsed(files.size());
  auto work = [&](size_t begin, size_t step) {
    for (size_t i = begin; i < files.size(); i += step) {
      auto text = core::read_file(files[i].path, size_t(64) << 20);
      if (!text) {
        parsed[i].error = text.error();
        continue;
      }
      auto exchange = exchange_from_text(*text, files[i].path);
      if (!exchange) {
        parsed[i].error = exchange.error();
        continue;
      }
      MatchMap match = core::match_params(exchange->request.params, match_);
      parsed[i].key = core::match_key(match);
      parsed[i].entry = make_entry(*exchange, files[i].path, std::move(match));
    }
  };
  // Twice the cores, so that reading files (a cold page cache) overlaps with parsing.
  size_t threads = std::clamp<size_t>(2 * std::thread::hardware_concurrency(), 2, 8);
  if (files.size() < 64) threads = 1;
  std::vector<std::jthread> pool;
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(work, t, threads);
  work(0, threads);
  pool.clear();  // joins

  Index index;
  std::map<std::string, long> sequences;
  size_t count = 0;
  for (size_t i = 0; i < files.size(); ++i) {
    long& next = sequences[files[i].folder];
    next = std::max(next, files[i].sequence + 1);
    if (parsed[i].error) {
      report.errors.push_back(std::move(*parsed[i].error));
      continue;
    }
    auto& bucket = index[parsed[i].key];
    if (!bucket) bucket = std::make_unique<Bucket>();
    bucket->entries.push_back(std::move(parsed[i].entry));
    ++count;
  }
  report.loaded = count;
  {
    std::unique_lock lock(mutex_);
    index_ = std::move(index);
    count_ = count;
  }
  {
    std::lock_guard lock(sequence_mutex_);
    for (const auto& [folder, next] : sequences) {
      long& mine = next_sequence_[folder];
      mine = std::max(mine, next);
    }
  }
  return report;
}

size_t FixtureStore::remove_stale_temporaries(std::vector<Error>& errors) {
  size_t removed = 0;
  std::error_code ec;
  if (!fs::is_directory(dir_, ec)) return 0;
  std::vector<fs::path> stale;
  fs::recursive_directory_iterator it(dir_, fs::directory_options::skip_permission_denied, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code file_ec;
    std::string name = it->path().filename().string();
    // Hidden folders (a .git) are not the writer's: it writes next to the fixture it replaces.
    if (name.starts_with(".") && it->is_directory(file_ec)) {
      it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file(file_ec) && core::is_atomic_write_temp(name)) stale.push_back(it->path());
  }
  if (ec) errors.push_back(Error{"fixture.read", "cannot list folder: " + ec.message(), dir_});
  for (const auto& p : stale) {
    std::error_code rm_ec;
    if (fs::remove(p, rm_ec))
      ++removed;
    else if (rm_ec)
      errors.push_back(Error{"fixture.cleanup", "cannot remove a stale temporary file: " +
                                                    rm_ec.message(), p.string()});
  }
  return removed;
}

std::shared_ptr<const ReplayEntry> FixtureStore::next(const std::string& key) const {
  std::shared_lock lock(mutex_);
  auto it = index_.find(key);
  if (it == index_.end()) return nullptr;
  const Bucket& bucket = *it->second;
  const size_t last = bucket.entries.size() - 1;
  // Once the cursor is past the last entry it is read rather than incremented: replay threads
  // hammering one key then share its cache line instead of bouncing it between cores on every
  // request. It stops one past the last entry, so an exchange recorded later is served next.
  if (bucket.cursor.load(std::memory_order_relaxed) > last) return bucket.entries[last];
  size_t n = bucket.cursor.fetch_add(1, std::memory_order_relaxed);
  // The cursor may run past the end under many repeats; the last entry answers from then on.
  return bucket.entries[std::min(n, last)];
}

bool FixtureStore::contains(const std::string& key) const {
  std::shared_lock lock(mutex_);
  return index_.contains(key);
}

Expected<std::string> FixtureStore::record(const Exchange& exchange, const std::string& key) {
  std::string folder = (fs::path(dir_) / safe_component(exchange.product) /
                        safe_component(exchange.action.empty() ? "_unknown" : exchange.action))
                           .string();
  long sequence = 0;
  {
    std::lock_guard lock(sequence_mutex_);
    long& next = next_sequence_[folder];
    if (next == 0) {
      // A folder not seen at load time (or created since): continue after what is already there.
      std::error_code ec;
      for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec))
        next = std::max(next, fixture_sequence(it->path().filename().string()) + 1);
    }
    sequence = next++;
  }
  char number[32];
  std::snprintf(number, sizeof number, "%06ld", sequence);
  std::string path =
      (fs::path(folder) / (std::string(number) + "-" + short_hash(key) + ".json")).string();
  std::string text;
  try {
    text = exchange_to_text(exchange);
  } catch (const std::exception& e) {
    return fail("fixture.encode", std::string("cannot encode the exchange: ") + e.what(), path);
  }
  if (auto written = core::write_file_atomic(path, text); !written)
    return std::unexpected(written.error());
  auto entry = make_entry(exchange, path, core::match_params(exchange.request.params, match_));
  std::unique_lock lock(mutex_);
  auto& bucket = index_[key];
  if (!bucket) bucket = std::make_unique<Bucket>();
  bucket->entries.push_back(std::move(entry));
  ++count_;
  return path;
}

std::optional<Nearest> FixtureStore::nearest(const MatchMap& match) const {
  auto action_of = [](const MatchMap& m) {
    auto it = m.find("Action");
    return it == m.end() ? std::string() : it->second;
  };
  std::string action = action_of(match);
  auto distance = [&](const MatchMap& a, const MatchMap& b) {
    size_t d = 0;
    auto i = a.begin();
    auto j = b.begin();
    while (i != a.end() || j != b.end()) {
      if (j == b.end() || (i != a.end() && i->first < j->first)) {
        ++d, ++i;
      } else if (i == a.end() || j->first < i->first) {
        ++d, ++j;
      } else {
        d += i->second != j->second;
        ++i, ++j;
      }
    }
    return d;
  };
  std::shared_lock lock(mutex_);
  const ReplayEntry* best = nullptr;
  std::pair<int, size_t> best_score{2, 0};
  for (const auto& [key, bucket] : index_) {
    const ReplayEntry& e = *bucket->entries.front();
    std::pair<int, size_t> score{action_of(e.match) == action ? 0 : 1, distance(match, e.match)};
    if (!best || score < best_score || (score == best_score && e.file < best->file)) {
      best = &e;
      best_score = score;
    }
  }
  if (!best) return std::nullopt;
  Nearest out{best->file, best->action, {}};
  for (const auto& [k, v] : best->match) {
    auto it = match.find(k);
    if (it == match.end())
      out.differences.push_back(k + ": recorded '" + v + "', missing from the request");
    else if (it->second != v)
      out.differences.push_back(k + ": recorded '" + v + "', request '" + it->second + "'");
  }
  for (const auto& [k, v] : match)
    if (!best->match.contains(k))
      out.differences.push_back(k + ": request '" + v + "', not in the recording");
  return out;
}

size_t FixtureStore::size() const {
  std::shared_lock lock(mutex_);
  return count_;
}

}  // namespace popcheck::proxy
