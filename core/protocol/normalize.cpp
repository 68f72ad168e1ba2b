#include "core/protocol/normalize.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <forward_list>
#include <tuple>
#include <utility>

#include <boost/container/small_vector.hpp>

#include "core/protocol/sign.hpp"
#include "core/support/text.hpp"

namespace popcheck::core {

namespace {

using text::iequals;
using text::to_upper;

void upper_in_place(std::string& s) {
  for (char& c : s) c = text::ascii_upper(c);
}

// One "name=value" pair of a match key, both sides encoded so that a '&' or '=' inside a value
// cannot make two keys collide.
void append_key_pair(std::string& out, std::string_view name, std::string_view value) {
  if (!out.empty()) out += '&';
  percent_encode_append(out, name);
  out += '=';
  percent_encode_append(out, value);
}

bool has_param(const Params& params, std::string_view name) {
  return std::any_of(params.begin(), params.end(), [&](const auto& p) { return p.first == name; });
}

// The parameters that change with every request or with the credentials, never with the call itself
// (docs/protocol.md section 0). Format is not here: it selects the response format and so
// identifies a call; it is normalised instead.
constexpr std::array<std::string_view, 9> kVolatileParams = {
    "Signature",   "SignatureNonce", "Timestamp",       "AccessKeyId",     "SecurityToken",
    "BearerToken", "SignatureType",  "SignatureMethod", "SignatureVersion"};

// kVolatileParams by length: the (at most two) entries a name of that length can be, so that
// is_volatile_param compares a name with one or two entries rather than scanning the list.
constexpr size_t kMaxVolatileLength = 16;
constexpr auto kVolatileByLength = [] {
  std::array<std::array<int8_t, 2>, kMaxVolatileLength + 1> table{};
  for (auto& slots : table) slots = {-1, -1};
  for (size_t i = 0; i < kVolatileParams.size(); ++i) {
    const size_t n = kVolatileParams[i].size();
    if (n > kMaxVolatileLength) throw "raise kMaxVolatileLength";
    if (n < 8) throw "is_volatile_param compares 8 to 16 bytes: a shorter name needs memcmp";
    auto& slots = table[n];
    if (slots[1] != -1) throw "three volatile names of one length: widen the table";
    slots[slots[0] == -1 ? 0 : 1] = static_cast<int8_t>(i);
  }
  return table;
}();

constexpr std::array<std::string_view, 21> kVolatileHeaders = {
    // V3 signing and credentials.
    "authorization", "x-acs-date", "x-acs-signature-nonce", "x-acs-security-token",
    "x-acs-accesskey-id", "x-acs-content-sha256", "x-acs-bearer-token", "x-acs-signature-method",
    "x-acs-signature-version",
    // Retries add these to the same call.
    "x-acs-retry-attempts", "x-acs-retry-delay",
    // The client and the connection, not the call.
    "user-agent", "x-sdk-client", "x-acs-credentials-provider", "host", "content-length",
    "connection", "keep-alive", "accept-encoding", "transfer-encoding", "date"};

// Whether two texts of one length n (8 <= n <= 16) are equal, as two overlapping 8-byte words
// each: the volatile names are 9 to 16 bytes long, and a call to memcmp per parameter of every
// replayed request was a tenth of the match key's cost.
bool equal_8_to_16(const char* a, const char* b, size_t n) {
  uint64_t a0, b0, a1, b1;
  std::memcpy(&a0, a, 8);
  std::memcpy(&b0, b, 8);
  std::memcpy(&a1, a + n - 8, 8);
  std::memcpy(&b1, b + n - 8, 8);
  return ((a0 ^ b0) | (a1 ^ b1)) == 0;
}

}  // namespace

Params parse_query_string(std::string_view text) {
  // '+' means a space here as in form bodies: every SDK writes a literal '+' as %2B, and a browser
  // form or curl --data-urlencode writes a space as '+', so decoding '+' as space is never wrong
  // for the clients that exist.
  Params out;
  out.reserve(static_cast<size_t>(std::count(text.begin(), text.end(), '&')) + 1);
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find('&', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view pair = text.substr(pos, end - pos);
    if (!pair.empty()) {
      const size_t eq = pair.find('=');
      if (eq == std::string_view::npos) {
        out.emplace_back(percent_decode(pair), std::string());
      } else {
        out.emplace_back(percent_decode(pair.substr(0, eq)), percent_decode(pair.substr(eq + 1)));
      }
    }
    pos = end + 1;
  }
  return out;
}

const std::string* find_param(const Params& params, std::string_view name) {
  auto it =
      std::find_if(params.begin(), params.end(), [&](const auto& p) { return p.first == name; });
  return it == params.end() ? nullptr : &it->second;
}

std::string* find_param(Params& params, std::string_view name) {
  return const_cast<std::string*>(find_param(std::as_const(params), name));
}

std::string first_value(const Params& params, std::string_view name) {
  const std::string* v = find_param(params, name);
  return v == nullptr ? std::string() : *v;
}

bool is_form_content_type(std::string_view content_type) {
  // "application/x-www-form-urlencoded", optionally followed by parameters such as ";
  // charset=UTF-8"; media types are case-insensitive.
  std::string_view media = content_type.substr(0, content_type.find(';'));
  return iequals(text::trim_ascii(media), "application/x-www-form-urlencoded");
}

Params merge_params(const HttpRequestView& request) {
  std::string_view target = request.target;
  if (const size_t hash = target.find('#'); hash != std::string_view::npos) {
    target = target.substr(0, hash);
  }
  Params params;
  if (const size_t q = target.find('?'); q != std::string_view::npos) {
    params = parse_query_string(target.substr(q + 1));
  }
  static const Headers kNoHeaders;
  const Headers& headers = request.headers != nullptr ? *request.headers : kNoHeaders;
  if (!request.body.empty() && is_form_content_type(header_value(headers, "content-type"))) {
    Params form = parse_query_string(request.body);
    params.insert(params.end(), std::make_move_iterator(form.begin()),
                  std::make_move_iterator(form.end()));
  }
  // V3 carries Action and Version only in headers; V1 SDKs send them in both places.
  const std::pair<std::string_view, std::string_view> from_headers[] = {
      {"Action", "x-acs-action"}, {"Version", "x-acs-version"}};
  for (const auto& [param, header] : from_headers) {
    if (has_param(params, param)) continue;
    std::string value = header_value(headers, header);
    if (!value.empty()) params.emplace_back(std::string(param), std::move(value));
  }
  return params;
}

bool is_volatile_param(std::string_view name) {
  // This runs on every parameter of every replayed request.
  if (name.size() > kMaxVolatileLength) return false;
  for (const int8_t i : kVolatileByLength[name.size()]) {
    if (i < 0) return false;
    if (equal_8_to_16(kVolatileParams[static_cast<uint8_t>(i)].data(), name.data(), name.size()))
      return true;
  }
  return false;
}

std::map<std::string, std::string> match_params(const Params& merged, const MatchOptions& options) {
  std::map<std::string, std::string> out;
  for (const auto& [name, value] : merged) {
    if (is_volatile_param(name) || options.extra_ignored.contains(name)) continue;
    // The first value of a repeated name wins, as with a servlet's getParameter: that is the value
    // a server acts on, so two requests that differ only in later duplicates behave the same.
    auto [it, inserted] = out.try_emplace(name, value);
    if (inserted && name == "Format") it->second = to_upper(value);
  }
  if (!options.default_format.empty() && !out.contains("Format") &&
      !options.extra_ignored.contains("Format")) {
    out.emplace("Format", options.default_format);
  }
  return out;
}

namespace {

// Whether `s` is the literal `lit` (a comparison of constant length, which the compiler inlines).
template <size_t N>
bool is(std::string_view s, const char (&lit)[N]) {
  return s.size() == N - 1 && std::memcmp(s.data(), lit, N - 1) == 0;
}

// Parameter names in byte order, and equal names. Names mostly differ in their first byte, so it
// is compared first: sorting a request's parameters then seldom calls memcmp.
bool name_less(std::string_view a, std::string_view b) {
  if (!a.empty() && !b.empty() && a[0] != b[0])
    return static_cast<unsigned char>(a[0]) < static_cast<unsigned char>(b[0]);
  return a < b;
}
bool name_equal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && (a.empty() || a[0] == b[0]) && a == b;
}

// One parameter that identifies a call, as it lies in the request: the name decoded (in place when
// it has no escapes), the value still encoded unless `decode` is false.
struct MatchItem {
  std::string_view name;
  std::string_view value;
  bool decode;  // value is raw query text that percent_decode would change
};
using MatchItems = boost::container::small_vector<MatchItem, 16>;

// Where the next '%' or '+' of a text lies, found by memchr as a scan moves forward, so that
// whether a name or value needs decoding is one comparison rather than a loop over its bytes.
class Escapes {
 public:
  explicit Escapes(std::string_view text)
      : text_(text), percent_(find('%', 0)), plus_(find('+', 0)) {}
  // Whether [begin, end) of the text holds a '%' or '+'; begin never decreases between calls.
  bool within(size_t begin, size_t end) {
    if (percent_ < begin) percent_ = find('%', begin);
    if (plus_ < begin) plus_ = find('+', begin);
    return std::min(percent_, plus_) < end;
  }

 private:
  size_t find(char c, size_t from) const {
    const void* p = std::memchr(text_.data() + from, c, text_.size() - from);
    return p ? static_cast<size_t>(static_cast<const char*>(p) - text_.data()) : text_.size();
  }
  std::string_view text_;
  size_t percent_, plus_;  // the next of each at or after the last `begin`; text_.size(): none
};

// match_params(merge_params(request), options) as items sorted by name, without building the merged
// list: volatile and ignored values are never decoded, and nothing is copied that needs no
// decoding. Decoded names and the upper-cased Format live in `storage`.
MatchItems collect_match_items(const HttpRequestView& request, const MatchOptions& options,
                               std::forward_list<std::string>& storage) {
  MatchItems items;
  bool has_action = false, has_version = false;  // in the merged list, ignored or not
  const bool ignores = !options.extra_ignored.empty();
  // Each "name=value" pair of a query or form body, in order.
  auto take = [&](std::string_view text) {
    Escapes escapes(text);
    size_t pos = 0;
    while (pos < text.size()) {
      const char* amp =
          static_cast<const char*>(std::memchr(text.data() + pos, '&', text.size() - pos));
      const size_t end = amp ? static_cast<size_t>(amp - text.data()) : text.size();
      const size_t begin = pos;
      pos = end + 1;
      if (end == begin) continue;
      size_t eq = begin;  // names are short: a loop costs less than a call to memchr
      while (eq < end && text[eq] != '=') ++eq;
      std::string_view name = text.substr(begin, eq - begin);
      if (escapes.within(begin, eq)) name = storage.emplace_front(percent_decode(name));
      has_action = has_action || is(name, "Action");
      has_version = has_version || is(name, "Version");
      if (is_volatile_param(name) || (ignores && options.extra_ignored.contains(name))) continue;
      const std::string_view value =
          eq == end ? std::string_view() : text.substr(eq + 1, end - eq - 1);
      items.push_back({name, value, eq < end && escapes.within(eq + 1, end)});
    }
  };
  std::string_view target = request.target;
  if (const size_t hash = target.find('#'); hash != std::string_view::npos) {
    target = target.substr(0, hash);
  }
  if (const size_t q = target.find('?'); q != std::string_view::npos) take(target.substr(q + 1));
  static const Headers kNoHeaders;
  const Headers& headers = request.headers != nullptr ? *request.headers : kNoHeaders;
  if (!request.body.empty() && is_form_content_type(header_view(headers, "content-type"))) {
    take(request.body);
  }
  // V3 carries Action and Version only in headers; V1 SDKs send them in both places.
  const std::tuple<std::string_view, std::string_view, bool> from_headers[] = {
      {"Action", "x-acs-action", has_action}, {"Version", "x-acs-version", has_version}};
  for (const auto& [param, header, present] : from_headers) {
    if (present || (ignores && options.extra_ignored.contains(param))) continue;
    const std::string_view value = header_view(headers, header);
    if (!value.empty()) items.push_back({param, value, false});
  }
  // A stable insertion sort by name (a handful of items): of a repeated name, the first stays
  // first and is the one kept.
  for (size_t i = 1; i < items.size(); ++i) {
    const MatchItem item = items[i];
    size_t j = i;
    for (; j > 0 && name_less(item.name, items[j - 1].name); --j) items[j] = items[j - 1];
    items[j] = item;
  }
  items.erase(std::unique(items.begin(), items.end(),
                          [](const MatchItem& a, const MatchItem& b) {
                            return name_equal(a.name, b.name);
                          }),
              items.end());
  auto format = std::lower_bound(
      items.begin(), items.end(), std::string_view("Format"),
      [](const MatchItem& item, std::string_view name) { return name_less(item.name, name); });
  if (format != items.end() && format->name == "Format") {
    const bool upper_already =
        !format->decode && std::none_of(format->value.begin(), format->value.end(),
                                        [](char c) { return c >= 'a' && c <= 'z'; });
    if (!upper_already) {
      std::string& upper =
          storage.emplace_front(format->decode ? percent_decode(format->value) : format->value);
      upper_in_place(upper);
      format->value = upper;
      format->decode = false;
    }
  } else if (!options.default_format.empty() && !options.extra_ignored.contains("Format")) {
    items.insert(format, {"Format", options.default_format, false});
  }
  return items;
}

}  // namespace

std::map<std::string, std::string> request_match_params(const HttpRequestView& request,
                                                        const MatchOptions& options) {
  std::forward_list<std::string> storage;
  std::map<std::string, std::string> out;
  for (const MatchItem& item : collect_match_items(request, options, storage)) {
    out.emplace_hint(out.end(), std::string(item.name),
                     item.decode ? percent_decode(item.value) : std::string(item.value));
  }
  return out;
}

RequestKey request_match_key(const HttpRequestView& request, const MatchOptions& options) {
  std::forward_list<std::string> storage;
  const MatchItems items = collect_match_items(request, options, storage);
  RequestKey out;
  // Written as match_key writes it ("k=v&k=v", both sides percent-encoded), so that a request
  // finds the entry its recording was indexed under. Room for the worst case (every byte
  // escaped) first, then cut to what was written.
  size_t room = 0;
  for (const MatchItem& item : items) room += 3 * (item.name.size() + item.value.size()) + 2;
  out.key_.resize(room, boost::container::default_init);
  char* const begin = out.key_.data();
  char* at = begin;
  std::string decoded;
  for (const MatchItem& item : items) {
    std::string_view value = item.value;
    if (item.decode) {
      decoded = percent_decode(item.value);
      value = decoded;
    }
    if (at != begin) *at++ = '&';
    at = percent_encode_to(at, item.name);
    *at++ = '=';
    char* const value_at = at;
    at = percent_encode_to(at, value);
    RequestKey::Part* part = is(item.name, "Action")   ? &out.action_
                             : is(item.name, "Format") ? &out.format_
                                                       : nullptr;
    if (part == nullptr) continue;
    if (static_cast<size_t>(at - value_at) == value.size()) {
      // Nothing was escaped: the decoded value is the bytes just written.
      part->offset = static_cast<uint32_t>(value_at - begin);
      part->size = static_cast<uint32_t>(value.size());
    } else {
      part->owned = true;
      part->own.assign(value);
    }
  }
  out.key_.resize(static_cast<size_t>(at - begin));
  out.hash_ = match_key_hash(out.key());
  return out;
}

bool is_volatile_header(std::string_view name) {
  return std::any_of(kVolatileHeaders.begin(), kVolatileHeaders.end(),
                     [&](std::string_view h) { return iequals(h, name); });
}

std::string match_key(const std::map<std::string, std::string>& params) {
  size_t size = 0;
  for (const auto& [name, value] : params) size += name.size() + value.size() + 2;
  std::string out;
  out.reserve(size + size / 4);
  for (const auto& [name, value] : params) append_key_pair(out, name, value);
  return out;
}

}  // namespace popcheck::core
