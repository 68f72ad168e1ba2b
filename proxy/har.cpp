#include "proxy/har.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <boost/beast/http/status.hpp>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <system_error>

#include "core/files.hpp"
#include "core/input_limits.hpp"
#include "core/protocol/redact.hpp"
#include "core/protocol/sign.hpp"
#include "core/text.hpp"
#include "popcheck/version.hpp"

namespace popcheck::proxy {

using core::ojson;

namespace {

using core::iequals;

using core::to_lower;

// The parts of an absolute URL that popcheck needs. Not an HTTP parser: a URL is split at its
// delimiters as RFC 3986 section 3 lays them out.
struct UrlParts {
  std::string scheme;     // lowercase
  std::string authority;  // host[:port], without user information
  std::string path;       // "/" when empty
  std::string query;      // without the '?'
};

std::optional<UrlParts> split_url(std::string_view url) {
  size_t colon = url.find("://");
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  UrlParts out;
  out.scheme = to_lower(url.substr(0, colon));
  std::string_view rest = url.substr(colon + 3);
  if (size_t hash = rest.find('#'); hash != std::string_view::npos) rest = rest.substr(0, hash);
  size_t end = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, end);
  // "user:password@host": credentials in a URL never reach a fixture, and are not the host.
  if (size_t at = authority.rfind('@'); at != std::string_view::npos)
    authority = authority.substr(at + 1);
  out.authority = std::string(authority);
  rest = end == std::string_view::npos ? std::string_view() : rest.substr(end);
  size_t q = rest.find('?');
  out.path = std::string(rest.substr(0, q));
  if (out.path.empty()) out.path = "/";
  if (q != std::string_view::npos) out.query = std::string(rest.substr(q + 1));
  return out;
}

std::string encode_pairs(const core::Params& pairs) {
  std::string out;
  for (const auto& [k, v] : pairs) {
    if (!out.empty()) out += '&';
    out += core::percent_encode(k) + "=" + core::percent_encode(v);
  }
  return out;
}

ojson name_values(const core::Params& pairs) {
  ojson out = ojson::array();
  for (const auto& [k, v] : pairs) out.push_back(ojson{{"name", k}, {"value", v}});
  return out;
}

std::string status_text(int status) {
  namespace http = boost::beast::http;
  if (status < 0) return {};
  http::status s = http::int_to_status(static_cast<unsigned>(status));
  if (s == http::status::unknown) return {};
  return std::string(http::obsolete_reason(s));
}

// A body as HAR text: the bytes themselves when they are UTF-8, else base64 (HAR's "encoding").
void put_text(ojson& out, const std::string& body, const char* encoding_key) {
  if (is_valid_utf8(body)) {
    out["text"] = body;
  } else {
    out["text"] = core::base64_encode(body);
    out[encoding_key] = "base64";
  }
}

std::string started_date_time(const std::string& recorded_at) {
  std::string utc = utc_millis(recorded_at);
  return utc.empty() ? "1970-01-01T00:00:00.000Z" : utc;
}

ojson exchange_to_entry(const FixtureFile& f) {
  // A fixture recorded by an older popcheck or edited by hand is redacted again on its way out.
  Exchange e = f.exchange;
  redact_recorded(e.request, core::Redactor());
  std::string upstream = e.provenance.upstream.empty() ? "http://localhost" : e.provenance.upstream;
  while (upstream.ends_with('/')) upstream.pop_back();
  std::string path = e.request.path.empty() ? "/" : e.request.path;
  std::string method = e.request.method.empty() ? "GET" : e.request.method;
  core::Headers headers = e.request.headers;
  std::string content_type = core::header_value(headers, "content-type");
  // Where the parameters travelled is not recorded (the fixture holds them merged): a request that
  // declared a form carries them as its form body, any other in the query, both of which a server
  // (and an import) reads the same.
  bool form = e.request.body.empty() && method != "GET" && method != "HEAD" &&
              core::is_form_content_type(content_type);

  ojson request;
  request["method"] = method;
  std::string query = form ? std::string() : encode_pairs(e.request.params);
  request["url"] = upstream + path + (query.empty() ? "" : "?" + query);
  request["httpVersion"] = "HTTP/1.1";
  request["cookies"] = ojson::array();
  request["headers"] = name_values(headers);
  request["queryString"] = name_values(form ? core::Params() : e.request.params);
  long long body_size = 0;
  if (form) {
    std::string text = encode_pairs(e.request.params);
    ojson post;
    post["mimeType"] = content_type;
    post["params"] = name_values(e.request.params);
    post["text"] = text;
    body_size = static_cast<long long>(text.size());
    request["postData"] = std::move(post);
  } else if (!e.request.body.empty()) {
    ojson post;
    post["mimeType"] = content_type.empty() ? "application/octet-stream" : content_type;
    post["params"] = ojson::array();
    // postData has no "encoding" in HAR 1.2; a custom field says when the text is base64.
    put_text(post, e.request.body, "_encoding");
    body_size = static_cast<long long>(e.request.body.size());
    request["postData"] = std::move(post);
  }
  request["headersSize"] = -1;
  request["bodySize"] = body_size;

  ojson response;
  response["status"] = e.response.status;
  response["statusText"] = status_text(e.response.status);
  response["httpVersion"] = "HTTP/1.1";
  response["cookies"] = ojson::array();
  core::Headers response_headers;
  if (!e.response.content_type.empty())
    response_headers.emplace_back("Content-Type", e.response.content_type);
  for (const auto& h : e.response.headers) response_headers.push_back(h);
  response["headers"] = name_values(response_headers);
  ojson content;
  content["size"] = e.response.body.size();
  content["mimeType"] = e.response.content_type;
  put_text(content, e.response.body, "encoding");
  response["content"] = std::move(content);
  response["redirectURL"] = core::header_value(e.response.headers, "location");
  response["headersSize"] = -1;
  response["bodySize"] = e.response.body.size();

  long long duration = std::max(0LL, e.provenance.duration_ms);
  ojson entry;
  entry["startedDateTime"] = started_date_time(e.provenance.recorded_at);
  entry["time"] = duration;
  entry["request"] = std::move(request);
  entry["response"] = std::move(response);
  entry["cache"] = ojson::object();
  // Only the total is recorded; it is all waiting for the server as far as a fixture knows.
  entry["timings"] = ojson{{"send", 0}, {"wait", duration}, {"receive", 0}};
  ojson own;
  own["file"] = f.relative;
  own["product"] = e.product;
  own["action"] = e.action;
  own["provenance"] = ojson{{"recorded_at", e.provenance.recorded_at},
                            {"upstream", e.provenance.upstream},
                            {"api_version", e.provenance.api_version},
                            {"duration_ms", e.provenance.duration_ms},
                            {"popcheck_version", e.provenance.popcheck_version}};
  entry["_popcheck"] = std::move(own);
  return entry;
}

// ---- import ----

// A problem with one entry: "entries[3].response.status: missing".
struct EntryError {
  std::string where;  // "response.status"; empty for the entry itself
  std::string what;
};

std::string entry_message(size_t index, const EntryError& e) {
  return "entries[" + std::to_string(index) + "]" + (e.where.empty() ? "" : "." + e.where) + ": " +
         e.what;
}

const ojson* member(const ojson& object, const char* name) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(name);
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

std::string string_member(const ojson& object, const char* name) {
  const ojson* m = member(object, name);
  return m && m->is_string() ? m->get<std::string>() : std::string();
}

// A HAR list of {name, value} (headers, queryString, postData.params). Absent is empty.
std::optional<EntryError> read_name_values(const ojson& parent, const char* name,
                                           const std::string& where, core::Params& out) {
  const ojson* list = member(parent, name);
  if (!list) return std::nullopt;
  if (!list->is_array()) return EntryError{where, "not an array"};
  for (size_t i = 0; i < list->size(); ++i) {
    const ojson& item = (*list)[i];
    std::string at = where + "[" + std::to_string(i) + "]";
    if (!item.is_object()) return EntryError{at, "not an object"};
    const ojson* n = member(item, "name");
    if (!n) return EntryError{at + ".name", "missing"};
    if (!n->is_string()) return EntryError{at + ".name", "not a string"};
    const ojson* v = member(item, "value");
    std::string value;
    if (v && v->is_string()) {
      value = v->get<std::string>();
    } else if (v && (v->is_number() || v->is_boolean())) {
      value = v->dump();
    } else if (v) {
      return EntryError{at + ".value", "not a string"};
    }
    out.emplace_back(n->get<std::string>(), std::move(value));
  }
  return std::nullopt;
}

// Headers that describe one connection, one moment or the transfer encoding rather than the answer:
// the proxy's list, plus HTTP/2 pseudo-headers and what browsers add. HAR bodies are decoded, so a
// Content-Encoding would describe bytes the fixture does not hold.
bool is_har_transient_header(std::string_view name) {
  return name.starts_with(':') || is_transient_response_header(name) ||
         iequals(name, "content-encoding") || iequals(name, "status") || iequals(name, "alt-svc");
}

// Headers a browser adds about the page and the fetch, not about the call. Referer and Origin carry
// the console page's URL, which may hold session tokens of its own.
bool is_browser_header(std::string_view name) {
  return name.starts_with(':') || iequals(name, "referer") || iequals(name, "origin") ||
         (name.size() > 4 && iequals(name.substr(0, 4), "sec-"));
}

std::optional<EntryError> read_body(const ojson& content, const std::string& where,
                                    const char* encoding_key, std::string& body) {
  const ojson* text = member(content, "text");
  if (!text) return std::nullopt;
  if (!text->is_string()) return EntryError{where + ".text", "not a string"};
  std::string encoding = string_member(content, encoding_key);
  if (encoding.empty() || iequals(encoding, "utf-8") || iequals(encoding, "utf8")) {
    body = text->get<std::string>();
    return std::nullopt;
  }
  if (!iequals(encoding, "base64"))
    return EntryError{where + "." + encoding_key, "unsupported encoding '" + encoding + "'"};
  auto decoded = core::base64_decode(text->get<std::string>());
  if (!decoded) return EntryError{where + ".text", "not valid base64"};
  body = std::move(*decoded);
  return std::nullopt;
}

// What became of one entry.
struct EntryResult {
  std::optional<Exchange> exchange;
  std::optional<EntryError> error;  // neither: skipped, not an Alibaba RPC call
};

EntryResult entry_to_exchange(const ojson& entry, const HarImportOptions& options) {
  EntryResult result;
  auto error = [&](std::string where, std::string what) {
    result.error = EntryError{std::move(where), std::move(what)};
    return result;
  };
  if (!entry.is_object()) return error("", "not an object");
  const ojson* request = member(entry, "request");
  if (!request) return error("request", "missing");
  if (!request->is_object()) return error("request", "not an object");
  const ojson* url = member(*request, "url");
  if (!url) return error("request.url", "missing");
  if (!url->is_string()) return error("request.url", "not a string");
  std::string url_text = url->get<std::string>();
  auto parts = split_url(url_text);
  if (!parts) {
    // data:, blob:, about: and the like are what browsers record besides calls: not RPC calls.
    if (url_text.find(':') != std::string::npos && url_text.find(':') < url_text.find('/'))
      return result;
    return error("request.url", "not an absolute URL: '" + url_text + "'");
  }
  if (parts->scheme != "http" && parts->scheme != "https") return result;

  core::Headers headers;
  if (auto e = read_name_values(*request, "headers", "request.headers", headers)) {
    result.error = std::move(e);
    return result;
  }
  const ojson* post = member(*request, "postData");
  if (post && !post->is_object()) return error("request.postData", "not an object");
  std::string method;
  if (const ojson* m = member(*request, "method")) {
    if (!m->is_string()) return error("request.method", "not a string");
    method = m->get<std::string>();
  }
  if (method.empty()) method = post ? "POST" : "GET";

  // The query: from the URL, which every tool writes as sent; queryString only when the URL has
  // none (some exporters shorten URLs).
  std::string query = parts->query;
  if (query.empty()) {
    core::Params listed;
    if (auto e = read_name_values(*request, "queryString", "request.queryString", listed)) {
      result.error = std::move(e);
      return result;
    }
    query = encode_pairs(listed);
  }
  std::string body;
  if (post) {
    std::string mime = string_member(*post, "mimeType");
    if (!mime.empty() && core::header_value(headers, "content-type").empty())
      headers.emplace_back("Content-Type", mime);
    if (member(*post, "text")) {
      if (auto e = read_body(*post, "request.postData", "_encoding", body)) {
        result.error = std::move(e);
        return result;
      }
    } else {
      core::Params params;
      if (auto e = read_name_values(*post, "params", "request.postData.params", params)) {
        result.error = std::move(e);
        return result;
      }
      body = encode_pairs(params);
    }
  }
  std::string target = parts->path + (query.empty() ? "" : "?" + query);
  core::Params merged = core::merge_params(core::HttpRequestView{method, target, &headers, body});
  std::string action, version;
  for (const auto& [k, v] : merged) {
    if (k == "Action" && action.empty()) action = v;
    if (k == "Version" && version.empty()) version = v;
  }
  if (action.empty()) return result;

  const ojson* response = member(entry, "response");
  if (!response) return error("response", "missing");
  if (!response->is_object()) return error("response", "not an object");
  const ojson* status = member(*response, "status");
  if (!status) return error("response.status", "missing");
  double status_value = 0;
  if (status->is_number()) {
    status_value = status->get<double>();
  } else if (std::string t = status->is_string() ? status->get<std::string>() : std::string();
             !t.empty() && t.size() <= 3 && std::all_of(t.begin(), t.end(), ::isdigit)) {
    // Some exporters write the status as a string; the digits say the same.
    status_value = std::stoi(t);
  } else {
    return error("response.status", "not a number: " + status->dump());
  }
  if (status_value == 0) {
    // Chrome and mitmproxy say why in a custom "_error" ("net::ERR_FAILED", a connection reset).
    std::string why = string_member(*response, "_error");
    return error("response.status", "0: no response was received (" +
                                        (why.empty() ? "the request failed or was blocked" : why) +
                                        "), so there is nothing to replay");
  }
  if (status_value < 100 || status_value > 999 || std::floor(status_value) != status_value)
    return error("response.status", "not an HTTP status: " + status->dump());
  core::Headers response_headers;
  if (auto e = read_name_values(*response, "headers", "response.headers", response_headers)) {
    result.error = std::move(e);
    return result;
  }
  std::string response_body;
  std::string mime;
  if (const ojson* content = member(*response, "content")) {
    if (!content->is_object()) return error("response.content", "not an object");
    if (auto e = read_body(*content, "response.content", "encoding", response_body)) {
      result.error = std::move(e);
      return result;
    }
    mime = string_member(*content, "mimeType");
  }

  // Every credential the entry carries, removed wherever else it appears (core/protocol/redact).
  core::Redactor redactor;
  redactor.add_request_secrets(merged, headers);
  const ojson empty = ojson::object();
  const ojson* own = member(entry, "_popcheck");
  if (!own || !own->is_object()) own = &empty;
  const ojson* own_provenance = member(*own, "provenance");
  if (!own_provenance || !own_provenance->is_object()) own_provenance = &empty;

  Exchange e;
  e.action = redactor.text(action);
  e.product = string_member(*own, "product");
  if (e.product.empty()) e.product = product_for(parts->authority, version);
  e.request.method = method;
  e.request.path = parts->path;
  for (const auto& kv : merged)
    if (!is_credential_param(kv.first)) e.request.params.push_back(kv);
  for (const auto& kv : headers)
    if (!is_browser_header(kv.first) && !is_unrecorded_header(kv.first) &&
        !core::is_volatile_header(kv.first))
      e.request.headers.push_back(kv);
  if (!core::is_form_content_type(core::header_value(headers, "content-type")))
    e.request.body = body;
  redact_recorded(e.request, redactor);

  e.response.status = static_cast<int>(status_value);
  e.response.content_type = core::header_value(response_headers, "content-type");
  if (e.response.content_type.empty()) e.response.content_type = mime;
  core::Headers kept_response_headers;
  for (const auto& kv : response_headers)
    if (!iequals(kv.first, "content-type") && !is_har_transient_header(kv.first))
      kept_response_headers.push_back(kv);
  e.response.headers = redactor.headers(kept_response_headers);
  redact_json_paths(response_body, options.redact_paths);
  e.response.body = redactor.text(response_body);

  // popcheck's own export carries the fixture's recorded_at as is; other tools give startedDateTime.
  e.provenance.recorded_at = string_member(*own_provenance, "recorded_at");
  if (e.provenance.recorded_at.empty())
    e.provenance.recorded_at = utc_millis(string_member(entry, "startedDateTime"));
  e.provenance.upstream = string_member(*own_provenance, "upstream");
  if (e.provenance.upstream.empty())
    e.provenance.upstream = parts->scheme + "://" + parts->authority;
  e.provenance.api_version = version;
  if (const ojson* time = member(entry, "time"); time && time->is_number())
    e.provenance.duration_ms = std::max(0LL, std::llround(time->get<double>()));
  if (std::string v = string_member(*own_provenance, "popcheck_version"); !v.empty())
    e.provenance.popcheck_version = v;
  result.exchange = std::move(e);
  return result;
}

}  // namespace

ojson fixtures_to_har(const std::vector<FixtureFile>& fixtures) {
  ojson entries = ojson::array();
  for (const auto& f : fixtures) entries.push_back(exchange_to_entry(f));
  ojson log;
  log["version"] = "1.2";
  log["creator"] = ojson{{"name", "popcheck"}, {"version", std::string(kVersion)}};
  log["entries"] = std::move(entries);
  return ojson{{"log", std::move(log)}};
}

std::string fixtures_to_har_text(const std::vector<FixtureFile>& fixtures) {
  return fixtures_to_har(fixtures).dump(2, ' ', false, ojson::error_handler_t::strict) + "\n";
}

HarImport har_to_exchanges(std::string_view text, const std::string& file,
                           const HarImportOptions& options) {
  HarImport out;
  // Some Windows tools write a byte order mark before the JSON.
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  auto parsed = core::parse_ordered_json(text, file);
  if (!parsed) {
    std::string message = parsed.error().message;
    // mitmproxy writes zlib-compressed HAR for a .zhar name; a .har.gz is gzip.
    auto byte = [&](size_t i) { return i < text.size() ? static_cast<unsigned char>(text[i]) : 0; };
    if (byte(0) == 0x78 &&
        (byte(1) == 0x01 || byte(1) == 0x5E || byte(1) == 0x9C || byte(1) == 0xDA))
      message =
          "zlib-compressed (mitmproxy .zhar): decompress it first, e.g. python3 -c "
          "'import sys,zlib; sys.stdout.buffer.write(zlib.decompress(sys.stdin.buffer.read()))'"
          " < capture.zhar > capture.har";
    else if (byte(0) == 0x1F && byte(1) == 0x8B)
      message = "gzip-compressed: gunzip it first";
    std::string code = parsed.error().code == "json.parse" ? "har.json" : parsed.error().code;
    out.errors.push_back(Error{code, message, file, parsed.error().line});
    return out;
  }
  const ojson& doc = *parsed;
  const ojson* log = member(doc, "log");
  if (!log || !log->is_object()) {
    out.errors.push_back(Error{"har.schema", "not a HAR file: log: missing", file});
    return out;
  }
  const ojson* entries = member(*log, "entries");
  if (!entries || !entries->is_array()) {
    out.errors.push_back(Error{"har.schema", "not a HAR file: log.entries: missing", file});
    return out;
  }
  out.entries = entries->size();
  for (size_t i = 0; i < entries->size(); ++i) {
    EntryResult r;
    try {
      r = entry_to_exchange((*entries)[i], options);
    } catch (const std::exception& ex) {
      r.error = EntryError{"", std::string("unexpected value: ") + ex.what()};
    }
    if (r.error) {
      out.errors.push_back(Error{"har.entry", entry_message(i, *r.error), file});
    } else if (r.exchange) {
      std::string key =
          core::match_key(core::match_params(r.exchange->request.params, options.match));
      out.exchanges.push_back(HarExchange{i, std::move(*r.exchange), std::move(key)});
    } else {
      ++out.skipped;
    }
  }
  return out;
}

std::string utc_millis(std::string_view s) {
  auto digits = [&](size_t pos, size_t n, int& value) {
    if (pos + n > s.size()) return false;
    value = 0;
    for (size_t i = pos; i < pos + n; ++i) {
      if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
      value = value * 10 + (s[i] - '0');
    }
    return true;
  };
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  if (!digits(0, 4, y) || s.size() < 19 || s[4] != '-' || !digits(5, 2, mo) || s[7] != '-' ||
      !digits(8, 2, d) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !digits(11, 2, h) ||
      s[13] != ':' || !digits(14, 2, mi) || s[16] != ':' || !digits(17, 2, sec))
    return {};
  size_t i = 19;
  std::string millis;
  if (i < s.size() && (s[i] == '.' || s[i] == ',')) {
    ++i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
      if (millis.size() < 3) millis += s[i];
      ++i;
    }
  }
  millis.resize(3, '0');
  long offset = 0;  // seconds east of UTC
  if (i < s.size()) {
    if (s[i] == 'Z' || s[i] == 'z') {
      ++i;
    } else if (s[i] == '+' || s[i] == '-') {
      int oh = 0, om = 0;
      int sign = s[i] == '-' ? -1 : 1;
      if (!digits(i + 1, 2, oh)) return {};
      i += 3;
      if (i < s.size() && s[i] == ':') ++i;
      if (!digits(i, 2, om)) return {};
      i += 2;
      if (oh > 23 || om > 59) return {};
      offset = sign * (oh * 3600L + om * 60L);
    }
    if (i != s.size()) return {};
  }
  if (h > 23 || mi > 59 || sec > 60) return {};
  using namespace std::chrono;
  year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return {};
  sys_seconds t = sys_days{ymd} + hours{h} + minutes{mi} + seconds{sec} - seconds{offset};
  auto day_point = floor<days>(t);
  year_month_day out{day_point};
  hh_mm_ss<seconds> time{t - day_point};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%sZ", static_cast<int>(out.year()),
                static_cast<unsigned>(out.month()), static_cast<unsigned>(out.day()),
                static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                static_cast<int>(time.seconds().count()), millis.c_str());
  return buf;
}

size_t record_import(FixtureStore& store, HarImport& import, const std::string& file) {
  size_t written = 0;
  for (const auto& x : import.exchanges) {
    auto path = store.record(x.exchange, x.key);
    if (!path) {
      import.errors.push_back(
          Error{"har.write",
                "entries[" + std::to_string(x.index) +
                    "]: the fixture could not be written: " + path.error().to_string(),
                file});
      continue;
    }
    ++written;
  }
  return written;
}

}  // namespace popcheck::proxy
