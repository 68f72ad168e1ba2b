#pragma once
// The fixture store: every fixture file of a folder loaded into an in-memory index (hash map from match
// key to the exchanges recorded for it, in recorded order), constant-time lookup, a per-key replay
// cursor, and atomic recording of new exchanges. Thread-safe.
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/error.hpp"
#include "core/protocol/normalize.hpp"
#include "proxy/fixture.hpp"

namespace popcheck::proxy {

using MatchMap = std::map<std::string, std::string>;

// What replay needs of one exchange, kept ready to answer.
struct ReplayEntry {
  std::string file;
  std::string action;
  MatchMap match;  // for nearest-miss reports
  int status = 200;
  Headers headers;  // Content-Type first, then the recorded end-to-end headers
  std::string body;
};

struct LoadReport {
  size_t loaded = 0;
  size_t stale_removed = 0;   // temporary files of interrupted recordings removed (start-up only)
  std::vector<Error> errors;  // one per file that could not be read or parsed; the rest still load
};

struct Nearest {
  std::string file;
  std::string action;
  std::vector<std::string> differences;  // "Force: recorded 'true', request 'false'", ...
};

class FixtureStore {
 public:
  FixtureStore(std::string dir, core::MatchOptions match);

  // Reads every fixture below the folder and replaces the index. A missing folder is an empty store.
  LoadReport load();

  // Removes the temporary files a killed recording left below the folder (core::write_file_atomic's
  // ".NAME.tmp-DIGITS", nothing else) and returns how many; failures are appended to `errors`. For
  // start-up only: later, such a file may be a recording in progress.
  size_t remove_stale_temporaries(std::vector<Error>& errors);

  // The identity of a request: its match parameters and their key.
  MatchMap match_of(const Params& merged) const { return core::match_params(merged, match_); }
  MatchMap match_of_request(const core::HttpRequestView& request) const {
    return core::request_match_params(request, match_);
  }
  static std::string key_of(const MatchMap& match) { return core::match_key(match); }
  // key_of(match_of_request(request)) with the request's Action and Format, without the map.
  core::RequestKey key_of_request(const core::HttpRequestView& request) const {
    return core::request_match_key(request, match_);
  }

  // The next recorded answer for a key (recorded order, then the last one again; an exchange
  // recorded meanwhile is served next); null when none.
  std::shared_ptr<const ReplayEntry> next(const std::string& key) const;
  bool contains(const std::string& key) const;

  // Writes the exchange atomically as a new fixture file and adds it to the index. Returns the path.
  // On failure nothing is written and the index is unchanged.
  Expected<std::string> record(const Exchange& exchange, const std::string& key);

  // The recorded request closest to `match`: same Action first, then fewest differing parameters.
  std::optional<Nearest> nearest(const MatchMap& match) const;

  size_t size() const;
  const std::string& dir() const { return dir_; }

 private:
  struct Bucket {
    std::vector<std::shared_ptr<const ReplayEntry>> entries;
    mutable std::atomic<size_t> cursor{0};
  };
  using Index = std::unordered_map<std::string, std::unique_ptr<Bucket>>;

  static std::shared_ptr<const ReplayEntry> make_entry(const Exchange& e, std::string file,
                                                       MatchMap match);

  std::string dir_;
  core::MatchOptions match_;
  mutable std::shared_mutex mutex_;  // guards index_ and count_
  Index index_;
  size_t count_ = 0;
  std::mutex sequence_mutex_;          // guards next_sequence_
  std::map<std::string, long> next_sequence_;  // folder -> next file number
};

}  // namespace popcheck::proxy
