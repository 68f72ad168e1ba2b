#include "proxy/fixture.hpp"

#include "core/files.hpp"
#include "core/protocol/sign.hpp"
#include "core/text.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <map>

namespace popcheck::proxy {

using core::ojson;

namespace {

using core::iequals;

using core::to_lower;

// Name/value pairs as a JSON object when every name is distinct (the readable common case), else as an
// array of [name, value] pairs so that repeated names survive.
ojson pairs_to_json(const Params& pairs) {
  std::set<std::string_view> names;
  bool distinct = true;
  for (const auto& [k, v] : pairs) distinct = names.insert(k).second && distinct;
  if (distinct) {
    ojson out = ojson::object();
    for (const auto& [k, v] : pairs) out[k] = v;
    return out;
  }
  ojson out = ojson::array();
  for (const auto& [k, v] : pairs) out.push_back(ojson::array({k, v}));
  return out;
}

Expected<Params> pairs_from_json(const ojson& j, const std::string& what, const std::string& file) {
  Params out;
  if (j.is_null()) return out;
  if (j.is_object()) {
    for (const auto& [k, v] : j.items()) {
      if (!v.is_string()) return fail("fixture.schema", what + "." + k + " must be a string", file);
      out.emplace_back(k, v.get<std::string>());
    }
    return out;
  }
  if (!j.is_array())
    return fail("fixture.schema", what + " must be an object or an array of [name, value]", file);
  for (const auto& pair : j) {
    if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string() || !pair[1].is_string())
      return fail("fixture.schema", what + " must hold [name, value] strings", file);
    out.emplace_back(pair[0].get<std::string>(), pair[1].get<std::string>());
  }
  return out;
}

// Writes a body under `prefix` keys: JSON bodies as JSON (plus the exact text when re-serialising
// would not reproduce it byte for byte), valid UTF-8 as a string, anything else as base64.
void body_to_json(ojson& out, const std::string& body, bool try_json) {
  if (try_json && !body.empty()) {
    try {
      ojson parsed = ojson::parse(body);
      if (parsed.is_object() || parsed.is_array()) {
        out["body_format"] = "json";
        std::string compact = parsed.dump(-1, ' ', false, ojson::error_handler_t::strict);
        out["body"] = std::move(parsed);
        // Spacing, escapes or number spelling differ from nlohmann's output: keep the exact bytes too.
        if (compact != body) out["body_text"] = body;
        return;
      }
    } catch (const ojson::exception&) {
      // Not JSON: stored as text below.
    }
  }
  if (is_valid_utf8(body)) {
    out["body_format"] = "text";
    out["body"] = body;
  } else {
    out["body_format"] = "base64";
    out["body"] = core::base64_encode(body);
  }
}

Expected<std::string> body_from_json(const ojson& j, const std::string& file) {
  std::string format = j.value("body_format", "text");
  if (!j.contains("body")) return std::string();
  const ojson& body = j["body"];
  if (format == "json") {
    if (j.contains("body_text")) {
      if (!j["body_text"].is_string()) return fail("fixture.schema", "body_text must be a string", file);
      return j["body_text"].get<std::string>();
    }
    return body.dump(-1, ' ', false, ojson::error_handler_t::strict);
  }
  if (!body.is_string()) return fail("fixture.schema", "body must be a string for " + format, file);
  if (format == "text") return body.get<std::string>();
  if (format == "base64") {
    auto decoded = core::base64_decode(body.get<std::string>());
    if (!decoded) return fail("fixture.base64", "body_base64 is not valid base64", file);
    return std::move(*decoded);
  }
  return fail("fixture.schema", "unknown body_format '" + format + "'", file);
}

// One step of a redaction path: a key (or "*" for every key / element) and optional [index] / [*].
struct PathStep {
  std::string key;   // empty: no key step (a bare "[*]")
  bool any_key = false;
  std::vector<std::string> indexes;  // "*" or digits, applied after the key
};

std::vector<PathStep> parse_path(std::string_view path) {
  if (path.starts_with("$")) path.remove_prefix(1);
  if (path.starts_with(".")) path.remove_prefix(1);
  std::vector<PathStep> steps;
  size_t i = 0;
  while (i < path.size()) {
    size_t end = path.find('.', i);
    if (end == std::string_view::npos) end = path.size();
    std::string_view part = path.substr(i, end - i);
    PathStep step;
    size_t bracket = part.find('[');
    std::string_view key = part.substr(0, bracket);
    step.key = std::string(key);
    step.any_key = key == "*";
    while (bracket != std::string_view::npos) {
      size_t close = part.find(']', bracket);
      if (close == std::string_view::npos) break;
      step.indexes.emplace_back(part.substr(bracket + 1, close - bracket - 1));
      bracket = part.find('[', close);
    }
    steps.push_back(std::move(step));
    i = end + 1;
  }
  return steps;
}

bool remove_at(ojson& node, const std::vector<PathStep>& steps, size_t at);

// Applies the index part of step `at` to `node` (already selected by the key), then continues.
bool remove_indexes(ojson& node, const std::vector<PathStep>& steps, size_t at, size_t index_at) {
  const PathStep& step = steps[at];
  if (index_at == step.indexes.size()) return remove_at(node, steps, at + 1);
  if (!node.is_array()) return false;
  const std::string& index = step.indexes[index_at];
  bool last = at + 1 == steps.size() && index_at + 1 == step.indexes.size();
  if (index == "*") {
    if (last) {
      bool any = !node.empty();
      node = ojson::array();
      return any;
    }
    bool any = false;
    for (auto& element : node) any = remove_indexes(element, steps, at, index_at + 1) || any;
    return any;
  }
  if (index.empty() || !std::all_of(index.begin(), index.end(), ::isdigit)) return false;
  size_t n = std::stoul(index);
  if (n >= node.size()) return false;
  if (last) {
    node.erase(n);
    return true;
  }
  return remove_indexes(node[n], steps, at, index_at + 1);
}

bool remove_at(ojson& node, const std::vector<PathStep>& steps, size_t at) {
  if (at >= steps.size()) return false;
  const PathStep& step = steps[at];
  bool last_key = at + 1 == steps.size() && step.indexes.empty();
  if (step.key.empty()) return remove_indexes(node, steps, at, 0);
  if (step.any_key) {
    if (node.is_object()) {
      if (last_key) {
        bool any = !node.empty();
        node = ojson::object();
        return any;
      }
      bool any = false;
      for (auto& [k, child] : node.items()) any = remove_indexes(child, steps, at, 0) || any;
      return any;
    }
    if (node.is_array()) {
      if (last_key) {
        bool any = !node.empty();
        node = ojson::array();
        return any;
      }
      bool any = false;
      for (auto& child : node) any = remove_indexes(child, steps, at, 0) || any;
      return any;
    }
    return false;
  }
  if (node.is_array()) {
    // A key step on an array applies to each element: "Items.Secret" reaches every item's Secret.
    bool any = false;
    for (auto& child : node) any = remove_at(child, steps, at) || any;
    return any;
  }
  if (!node.is_object() || !node.contains(step.key)) return false;
  if (last_key) {
    node.erase(step.key);
    return true;
  }
  return remove_indexes(node[step.key], steps, at, 0);
}

std::string pad_hex(uint64_t v) {
  std::array<char, 17> buf{};
  std::snprintf(buf.data(), buf.size(), "%016llx", static_cast<unsigned long long>(v));
  return std::string(buf.data(), 8);
}

}  // namespace

bool is_credential_param(std::string_view name) {
  static constexpr std::array<std::string_view, 6> kNames = {
      "AccessKeyId", "Signature", "SignatureNonce", "SecurityToken", "BearerToken", "Timestamp"};
  return std::any_of(kNames.begin(), kNames.end(), [&](std::string_view n) { return iequals(n, name); });
}

bool is_unrecorded_header(std::string_view name) {
  static constexpr std::array<std::string_view, 22> kNames = {
      "authorization",        "x-acs-security-token", "x-acs-accesskey-id", "x-acs-signature-nonce",
      "x-acs-date",           "x-acs-content-sha256", "x-acs-bearer-token", "cookie",
      "proxy-authorization",  "host",                 "content-length",     "connection",
      "keep-alive",           "transfer-encoding",    "user-agent",         "x-sdk-client",
      "date",                 "x-acs-retry-attempts", "x-acs-retry-delay",  "te",
      "x-acs-credentials-provider", "upgrade"};
  return std::any_of(kNames.begin(), kNames.end(), [&](std::string_view n) { return iequals(n, name); });
}

std::string exchange_to_text(const Exchange& e) {
  ojson j;
  j["popcheck_fixture"] = 1;
  j["product"] = e.product;
  j["action"] = e.action;
  ojson req;
  req["method"] = e.request.method;
  req["path"] = e.request.path;
  req["params"] = pairs_to_json(e.request.params);
  req["headers"] = pairs_to_json(e.request.headers);
  if (!e.request.body.empty()) body_to_json(req, e.request.body, true);
  j["request"] = std::move(req);
  ojson res;
  res["status"] = e.response.status;
  res["content_type"] = e.response.content_type;
  res["headers"] = pairs_to_json(e.response.headers);
  body_to_json(res, e.response.body, true);
  j["response"] = std::move(res);
  ojson prov;
  prov["recorded_at"] = e.provenance.recorded_at;
  prov["upstream"] = e.provenance.upstream;
  prov["api_version"] = e.provenance.api_version;
  prov["duration_ms"] = e.provenance.duration_ms;
  prov["popcheck_version"] = e.provenance.popcheck_version;
  j["provenance"] = std::move(prov);
  return j.dump(2, ' ', false, ojson::error_handler_t::strict) + "\n";
}

Expected<Exchange> exchange_from_text(std::string_view text, const std::string& file) {
  ojson j;
  try {
    j = ojson::parse(text);
  } catch (const ojson::parse_error& e) {
    return fail("fixture.json", std::string("not valid JSON: ") + e.what(), file);
  } catch (const ojson::out_of_range& e) {
    // A number beyond a double's range ("1e999") is out_of_range, not a parse_error.
    return fail("fixture.json", std::string("not valid JSON: ") + e.what(), file);
  }
  if (!j.is_object() || !j.contains("request") || !j.contains("response") ||
      !j["request"].is_object() || !j["response"].is_object())
    return fail("fixture.schema", "not a popcheck fixture: \"request\" and \"response\" objects missing",
                file);
  try {
    Exchange e;
    e.product = j.value("product", "");
    e.action = j.value("action", "");
    const ojson& req = j["request"];
    e.request.method = req.value("method", "GET");
    e.request.path = req.value("path", "/");
    auto params = pairs_from_json(req.value("params", ojson()), "request.params", file);
    if (!params) return std::unexpected(params.error());
    e.request.params = std::move(*params);
    auto req_headers = pairs_from_json(req.value("headers", ojson()), "request.headers", file);
    if (!req_headers) return std::unexpected(req_headers.error());
    e.request.headers = std::move(*req_headers);
    if (req.contains("body")) {
      auto body = body_from_json(req, file);
      if (!body) return std::unexpected(body.error());
      e.request.body = std::move(*body);
    }
    const ojson& res = j["response"];
    if (!res.contains("status") || !res["status"].is_number_integer())
      return fail("fixture.schema", "response.status must be an integer", file);
    e.response.status = res["status"].get<int>();
    if (e.response.status < 100 || e.response.status > 999)
      return fail("fixture.schema", "response.status is out of range", file);
    e.response.content_type = res.value("content_type", "");
    auto res_headers = pairs_from_json(res.value("headers", ojson()), "response.headers", file);
    if (!res_headers) return std::unexpected(res_headers.error());
    e.response.headers = std::move(*res_headers);
    auto body = body_from_json(res, file);
    if (!body) return std::unexpected(body.error());
    e.response.body = std::move(*body);
    if (j.contains("provenance") && j["provenance"].is_object()) {
      const ojson& p = j["provenance"];
      e.provenance.recorded_at = p.value("recorded_at", "");
      e.provenance.upstream = p.value("upstream", "");
      e.provenance.api_version = p.value("api_version", "");
      e.provenance.duration_ms = p.value("duration_ms", 0LL);
      e.provenance.popcheck_version = p.value("popcheck_version", "");
    }
    return e;
  } catch (const ojson::exception& ex) {
    return fail("fixture.schema", std::string("unexpected value: ") + ex.what(), file);
  }
}

bool redact_json_paths(std::string& body, const std::vector<std::string>& paths) {
  if (paths.empty()) return false;
  ojson j;
  try {
    j = ojson::parse(body);
  } catch (const ojson::exception&) {
    return false;
  }
  bool any = false;
  for (const auto& path : paths) {
    auto steps = parse_path(path);
    if (steps.empty()) continue;
    any = remove_at(j, steps, 0) || any;
  }
  if (any) body = j.dump(-1, ' ', false, ojson::error_handler_t::replace);
  return any;
}

bool scrub_secrets(std::string& text, const std::vector<std::string>& secrets) {
  bool any = false;
  for (const auto& secret : secrets) {
    if (secret.size() < 4) continue;
    size_t pos = 0;
    while ((pos = text.find(secret, pos)) != std::string::npos) {
      text.replace(pos, secret.size(), "<redacted>");
      pos += 10;
      any = true;
    }
  }
  return any;
}

std::string short_hash(std::string_view key) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : key) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return pad_hex(h);
}

std::string product_for(std::string_view upstream_host, std::string_view version) {
  std::string host = to_lower(upstream_host);
  if (auto colon = host.find(':'); colon != std::string::npos) host.resize(colon);
  bool is_ip = !host.empty() && std::all_of(host.begin(), host.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) || c == '.';
  });
  if (!host.empty() && !is_ip && host != "localhost" && host.find('.') != std::string::npos &&
      host[0] != '[')
    return host.substr(0, host.find('.'));
  static const std::map<std::string, std::string, std::less<>> kVersions = {
      {"2014-05-26", "ecs"}, {"2016-04-28", "vpc"}, {"2014-08-28", "ess"}};
  if (auto it = kVersions.find(version); it != kVersions.end()) return it->second;
  return version.empty() ? "unknown" : "version-" + std::string(version);
}

bool is_transient_response_header(std::string_view name) {
  static constexpr std::string_view kNames[] = {"content-length",    "connection", "keep-alive",
                                                "transfer-encoding", "date",       "set-cookie",
                                                "proxy-connection",  "trailer",    "upgrade"};
  return std::any_of(std::begin(kNames), std::end(kNames),
                     [&](std::string_view n) { return iequals(n, name); });
}

std::string authorization_field(std::string_view authorization, std::string_view name) {
  size_t at = 0;
  while ((at = authorization.find(name, at)) != std::string_view::npos) {
    bool whole = at == 0 || authorization[at - 1] == ' ' || authorization[at - 1] == ',';
    at += name.size();
    if (!whole || at >= authorization.size() || authorization[at] != '=') continue;
    ++at;
    size_t end = authorization.find_first_of(", ", at);
    return std::string(authorization.substr(at, end - at));
  }
  return {};
}

bool is_valid_utf8(std::string_view s) {
  try {
    (void)ojson(std::string(s)).dump(-1, ' ', false, ojson::error_handler_t::strict);
    return true;
  } catch (const ojson::exception&) {
    return false;
  }
}

long fixture_sequence(std::string_view filename) {
  long n = 0;
  size_t i = 0;
  while (i < filename.size() && i < 18 && filename[i] >= '0' && filename[i] <= '9') {
    n = n * 10 + (filename[i] - '0');
    ++i;
  }
  return i == 0 ? -1 : n;
}

namespace {

// recorded_at as a key that orders as time: "2026-11-23T15:04:05Z" and "2026-11-23T15:04:05.120Z"
// both become "2026-11-23T15:04:05.120000"-style text (older fixtures carry whole seconds).
std::string time_key(std::string_view recorded_at) {
  std::string t(recorded_at);
  if (!t.empty() && (t.back() == 'Z' || t.back() == 'z')) t.pop_back();
  size_t dot = t.find('.');
  std::string fraction = dot == std::string::npos ? "" : t.substr(dot + 1);
  if (dot != std::string::npos) t.resize(dot);
  fraction.resize(6, '0');
  return t + "." + fraction;
}

}  // namespace

FixtureListing read_fixture_folder(const std::string& dir) {
  namespace fs = std::filesystem;
  FixtureListing out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    out.errors.push_back(Error{"fixture.folder", "no such fixtures folder", dir});
    return out;
  }
  struct Found {
    FixtureFile fixture;
    std::string folder;
    std::string time;
    long sequence;
  };
  std::vector<Found> found;
  fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const fs::path& p = it->path();
    std::string name = p.filename().string();
    std::error_code file_ec;
    if (name.starts_with(".")) {
      if (it->is_directory(file_ec)) it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file(file_ec) || p.extension() != ".json") continue;
    auto text = core::read_file(p.string(), size_t(64) << 20);
    if (!text) {
      out.errors.push_back(text.error());
      continue;
    }
    auto exchange = exchange_from_text(*text, p.string());
    if (!exchange) {
      out.errors.push_back(exchange.error());
      continue;
    }
    std::string time = time_key(exchange->provenance.recorded_at);
    found.push_back({FixtureFile{p.string(), p.lexically_relative(dir).generic_string(),
                                 std::move(*exchange)},
                     p.parent_path().string(), std::move(time), fixture_sequence(name)});
  }
  if (ec) out.errors.push_back(Error{"fixture.read", "cannot list folder: " + ec.message(), dir});
  std::sort(found.begin(), found.end(), [](const Found& a, const Found& b) {
    if (a.time != b.time) return a.time < b.time;
    return a.fixture.path < b.fixture.path;
  });
  // Within a folder the sequence numbers are the proxy's own record of the order (recorded_at may
  // tie): the folder's files take the places its files occupy, in sequence order.
  std::map<std::string, std::vector<size_t>> places;
  for (size_t i = 0; i < found.size(); ++i) places[found[i].folder].push_back(i);
  std::vector<Found*> order(found.size());
  for (auto& [folder, slots] : places) {
    std::vector<Found*> files;
    for (size_t i : slots) files.push_back(&found[i]);
    std::stable_sort(files.begin(), files.end(),
                     [](const Found* a, const Found* b) { return a->sequence < b->sequence; });
    for (size_t k = 0; k < slots.size(); ++k) order[slots[k]] = files[k];
  }
  for (Found* f : order) out.fixtures.push_back(std::move(f->fixture));
  return out;
}

}  // namespace popcheck::proxy
