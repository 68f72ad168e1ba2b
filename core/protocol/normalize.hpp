#pragma once
// Request normalisation (docs/protocol.md section 0): the same API call reaches a server as a
// GET with a query, a POST with a form body, a POST with everything in the query, or a V3 POST
// whose Action and Version travel in x-acs-* headers. These functions turn any of them into one
// decoded parameter map.
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <boost/container/small_vector.hpp>

#include "core/http.hpp"
#include "core/model.hpp"

namespace popcheck::core {

struct HttpRequestView {
  std::string_view method;
  std::string_view target;  // "/?a=b" (path and query)
  const Headers* headers = nullptr;
  std::string_view body;
};

// Every parameter of the request, decoded: the query, then the form body when the Content-Type is
// application/x-www-form-urlencoded, then Action and Version from x-acs-action / x-acs-version when
// missing. Order is preserved; a later duplicate of a name is kept as well.
Params merge_params(const HttpRequestView& request);

// The value of the first parameter named `name` (names compare exactly), or nullptr: the one lookup
// of a parameter list for every layer.
const std::string* find_param(const Params& params, std::string_view name);
std::string* find_param(Params& params, std::string_view name);
// The same value as a copy, "" when there is no such parameter.
std::string first_value(const Params& params, std::string_view name);

// "a=1&b=%20+x" -> {a,1},{b,"  x"}: pairs split on '&', names and values percent-decoded with '+'
// as space, a pair without '=' giving an empty value, empty pairs skipped. Order and duplicates are
// kept.
Params parse_query_string(std::string_view text);

// Whether a Content-Type value is application/x-www-form-urlencoded, any case, any parameters
// ("; charset=UTF-8").
bool is_form_content_type(std::string_view content_type);

struct MatchOptions {
  std::set<std::string, std::less<>> extra_ignored;  // e.g. "ClientToken"
  // The Format a request without one is matched as. V3 SDK calls send no Format and get JSON, while
  // pop-core sends "JSON" and the tea V1 path "json": all three are one call. Empty: leave absent.
  std::string default_format = "JSON";
};

// Whether a parameter name is one of the volatile or credential parameters below (exact case).
bool is_volatile_param(std::string_view name);

// The parameters that identify a call: merge_params without the volatile and credential parameters
// (Signature, SignatureNonce, Timestamp, AccessKeyId, SecurityToken, BearerToken, SignatureType,
// SignatureMethod, SignatureVersion), with Format upper-cased (options.default_format when absent);
// sorted by name. When a name repeats, the first value wins (what a server acts on).
std::map<std::string, std::string> match_params(const Params& merged,
                                                const MatchOptions& options = {});

// match_params(merge_params(request), options), computed in one pass over the request: the values
// of volatile and ignored parameters are never decoded and no merged list is built. The replay path
// runs this on every request.
std::map<std::string, std::string> request_match_params(const HttpRequestView& request,
                                                        const MatchOptions& options = {});

// match_key(request_match_params(request, options)) without building the map, with its hash and
// the two values the replay path reads before it needs anything else: Action and Format
// (upper-cased, or the default), empty when absent. The key's bytes are written into a buffer
// inside the object (no allocation for keys up to 256 bytes, which covers every SDK call seen),
// so that a replayed hit costs one pass over the request, one hash and one comparison with the
// recorded key (the index looks keys up by match_key_hash; FixtureStore).
class RequestKey {
 public:
  std::string_view key() const { return {key_.data(), key_.size()}; }
  size_t hash() const { return hash_; }  // match_key_hash(key())
  std::string_view action() const { return part(action_); }
  std::string_view format() const { return part(format_); }

 private:
  friend RequestKey request_match_key(const HttpRequestView&, const MatchOptions&);
  // A decoded value: `size` bytes at `offset` of the key when its encoded form is itself, else
  // `own` (a value with reserved characters).
  struct Part {
    uint32_t offset = 0, size = 0;
    bool owned = false;
    std::string own;
  };
  std::string_view part(const Part& p) const {
    return p.owned ? std::string_view(p.own) : key().substr(p.offset, p.size);
  }
  boost::container::small_vector<char, 256> key_;
  size_t hash_ = 0;
  Part action_, format_;
};
RequestKey request_match_key(const HttpRequestView& request, const MatchOptions& options = {});

// The hash of a match key under which an index finds it (RequestKey::hash of a request with that
// key).
inline size_t match_key_hash(std::string_view key) { return std::hash<std::string_view>{}(key); }

// Whether a header never identifies a call (Authorization, x-acs-date, user-agent, host, ...).
bool is_volatile_header(std::string_view name);

// A stable string for a parameter map: "k=v&k=v" in sorted order (used as a hash key).
std::string match_key(const std::map<std::string, std::string>& params);

}  // namespace popcheck::core
