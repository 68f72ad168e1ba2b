#include "core/protocol/normalize.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <tuple>

#include "core/protocol/sign.hpp"
#include "core/text.hpp"

namespace popcheck::core {

namespace {

using core::iequals;

std::string to_upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n";
  const auto first = s.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(kSpace);
  return s.substr(first, last - first + 1);
}

bool has_param(const Params& params, std::string_view name) {
  return std::any_of(params.begin(), params.end(), [&](const auto& p) { return p.first == name; });
}

// The parameters that change with every request or with the credentials, never with the call itself
// (protocol.md section 0). Format is not here: it selects the response format and so identifies a
// call; it is normalised instead.
constexpr std::array<std::string_view, 9> kVolatileParams = {
    "Signature",   "SignatureNonce", "Timestamp",       "AccessKeyId",     "SecurityToken",
    "BearerToken", "SignatureType",  "SignatureMethod", "SignatureVersion"};

// is_volatile_param passes over names by their first letter; a new entry must keep to these letters.
static_assert(std::all_of(kVolatileParams.begin(), kVolatileParams.end(), [](std::string_view n) {
  return n[0] == 'S' || n[0] == 'T' || n[0] == 'A' || n[0] == 'B';
}));

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

}  // namespace

std::string header_value(const Headers& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) return value;
  }
  return {};
}

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

bool is_form_content_type(std::string_view content_type) {
  // "application/x-www-form-urlencoded", optionally followed by parameters such as ";
  // charset=UTF-8"; media types are case-insensitive.
  std::string_view media = content_type.substr(0, content_type.find(';'));
  return iequals(trim(media), "application/x-www-form-urlencoded");
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
  // Every volatile name starts with one of these letters; most parameters are passed over on that.
  if (name.empty() || (name[0] != 'S' && name[0] != 'T' && name[0] != 'A' && name[0] != 'B'))
    return false;
  return std::find(kVolatileParams.begin(), kVolatileParams.end(), name) != kVolatileParams.end();
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

std::map<std::string, std::string> request_match_params(const HttpRequestView& request,
                                                        const MatchOptions& options) {
  std::map<std::string, std::string> out;
  bool has_action = false, has_version = false;  // in the merged list, ignored or not
  // Each "name=value" pair of a query or form body, in order, as merge_params and match_params
  // together would take it: the first value of a name wins.
  auto take = [&](std::string_view text) {
    size_t pos = 0;
    while (pos <= text.size()) {
      size_t end = text.find('&', pos);
      if (end == std::string_view::npos) end = text.size();
      const std::string_view pair = text.substr(pos, end - pos);
      pos = end + 1;
      if (pair.empty()) continue;
      const size_t eq = pair.find('=');
      std::string name = percent_decode(pair.substr(0, eq));
      has_action = has_action || name == "Action";
      has_version = has_version || name == "Version";
      if (is_volatile_param(name) || options.extra_ignored.contains(name)) continue;
      auto [it, inserted] = out.try_emplace(std::move(name));
      if (!inserted) continue;
      if (eq != std::string_view::npos) it->second = percent_decode(pair.substr(eq + 1));
      if (it->first == "Format") it->second = to_upper(it->second);
    }
  };
  std::string_view target = request.target;
  if (const size_t hash = target.find('#'); hash != std::string_view::npos) {
    target = target.substr(0, hash);
  }
  if (const size_t q = target.find('?'); q != std::string_view::npos) take(target.substr(q + 1));
  static const Headers kNoHeaders;
  const Headers& headers = request.headers != nullptr ? *request.headers : kNoHeaders;
  if (!request.body.empty() && is_form_content_type(header_value(headers, "content-type"))) {
    take(request.body);
  }
  const std::tuple<std::string_view, std::string_view, bool> from_headers[] = {
      {"Action", "x-acs-action", has_action}, {"Version", "x-acs-version", has_version}};
  for (const auto& [param, header, present] : from_headers) {
    if (present || options.extra_ignored.contains(std::string(param))) continue;
    std::string value = header_value(headers, header);
    if (!value.empty()) out.try_emplace(std::string(param), std::move(value));
  }
  if (!options.default_format.empty() && !out.contains("Format") &&
      !options.extra_ignored.contains("Format")) {
    out.emplace("Format", options.default_format);
  }
  return out;
}

bool is_volatile_header(std::string_view name) {
  return std::any_of(kVolatileHeaders.begin(), kVolatileHeaders.end(),
                     [&](std::string_view h) { return iequals(h, name); });
}

std::string match_key(const std::map<std::string, std::string>& params) {
  // Both sides are encoded so that a '&' or '=' inside a value cannot make two maps collide.
  size_t size = 0;
  for (const auto& [name, value] : params) size += name.size() + value.size() + 2;
  std::string out;
  out.reserve(size + size / 4);
  for (const auto& [name, value] : params) {
    if (!out.empty()) out += '&';
    percent_encode_append(out, name);
    out += '=';
    percent_encode_append(out, value);
  }
  return out;
}

}  // namespace popcheck::core
