#include "core/compile/docs.hpp"

#include <algorithm>
#include <cstring>
#include <exception>

#include <pugixml.hpp>

#include "core/compile/constraints.hpp"
#include "core/compile/markdown.hpp"
#include "core/input_limits.hpp"
#include "core/support/text.hpp"
#include "core/support/url_encode.hpp"

namespace popcheck::core {

namespace {

using std::string_view;
constexpr size_t npos = string_view::npos;

// Real reference pages are below 100 KB; a page above this is not a page, and refusing it up front keeps
// every later pass bounded.
constexpr size_t kMaxDocumentBytes = size_t(8) << 20;

// Drops an "HTTP/1.1 200 OK" preamble and the header lines after it ("Content-Type:application/xml").
string_view strip_http_preamble(string_view s) {
  s = text::trim(s);
  if (!s.starts_with("HTTP/")) return s;
  size_t nl = s.find('\n');
  if (nl == npos) return {};
  s = s.substr(nl + 1);
  // Header lines run until a blank line or until the body visibly starts.
  for (;;) {
    size_t e = s.find('\n');
    string_view line = text::trim(s.substr(0, e));
    if (line.empty()) {
      if (e == npos) return {};
      s = s.substr(e + 1);
      continue;
    }
    if (line.front() == '{' || line.front() == '<' || line.front() == '[' || line.front() == '"')
      return text::trim(s);
    size_t colon = line.find(':');
    bool header = colon != npos && colon > 0 &&
                  std::all_of(line.begin(), line.begin() + static_cast<long>(colon),
                              [](char c) { return text::is_alnum(c) || c == '-'; });
    if (!header || e == npos) return text::trim(s);
    s = s.substr(e + 1);
  }
}

// The tolerant key scanner: strings at brace depth 1 followed by ':'; a brace-less body is depth 1.
std::vector<std::string> scan_top_keys(string_view s) {
  std::vector<std::string> keys;
  int depth = (!s.empty() && s.front() == '{') ? 0 : 1;
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c == '{') {
      ++depth;
      ++i;
    } else if (c == '}') {
      --depth;
      ++i;
    } else if (c == '"') {
      size_t b = i + 1, j = b;
      while (j < s.size() && s[j] != '"' && s[j] != '\n') {
        if (s[j] == '\\' && j + 1 < s.size()) ++j;
        ++j;
      }
      if (j >= s.size() || s[j] == '\n') {
        i = j;
        continue;
      }
      size_t k = j + 1;
      while (k < s.size() && (s[k] == ' ' || s[k] == '\t')) ++k;
      if (depth == 1 && k < s.size() && s[k] == ':') keys.emplace_back(s.substr(b, j - b));
      i = j + 1;
    } else {
      ++i;
    }
  }
  return keys;
}

bool is_cjk_lead(unsigned char c) { return c >= 0xE4 && c <= 0xE9; }

std::string detect_language(string_view s) {
  size_t cjk = 0, letters = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (is_cjk_lead(c)) {
      ++cjk;
      i += 2;
    } else if (text::is_alpha(s[i])) {
      ++letters;
    }
  }
  // A Chinese page is mostly CJK text with English identifiers; an English page may quote a few
  // Chinese names. One CJK character per twenty ASCII letters separates the two in the corpus.
  return cjk * 20 > letters ? "zh" : "en";
}

Expected<Contract> read_checked(string_view text, const std::string& file,
                                const ReadOptions& options) {
  if (text.size() > kMaxDocumentBytes)
    return fail("doc.too_large",
                "the document is " + std::to_string(text.size()) +
                    " bytes; a reference page is at most " + std::to_string(kMaxDocumentBytes) +
                    " bytes",
                file);
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  if (text::trim(text).empty()) return fail("doc.empty", "the document is empty", file);
  if (const void* nul = std::memchr(text.data(), '\0', text.size())) {
    size_t off = static_cast<size_t>(static_cast<const char*>(nul) - text.data());
    return fail("doc.binary", "the document holds binary data (a NUL byte), not text", file,
                text::line_of(text, off));
  }
  size_t controls = 0;
  for (char c : text)
    if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f')
      ++controls;
  if (controls * 100 > text.size())
    return fail("doc.binary", "the document holds binary data (control characters), not text",
                file);
  if (auto bad = text::find_invalid_utf8(text)) {
    size_t nl = *bad == 0 ? npos : text.rfind('\n', *bad - 1);
    size_t column = *bad - (nl == npos ? 0 : nl + 1) + 1;
    return fail("doc.utf8",
                "invalid UTF-8 at byte " + std::to_string(*bad) + " (column " +
                    std::to_string(column) + " of the line)",
                file, text::line_of(text, *bad));
  }
  Expected<Contract> c = doc::looks_like_plaintext(text) ? doc::read_plaintext(text, file, options)
                                                         : doc::read_markdown(text, file, options);
  if (c) {
    c->source.file = file;
    c->source.language = detect_language(text);
  }
  return c;
}

}  // namespace

Expected<Contract> read_document(std::string_view text, const std::string& file,
                                 const ReadOptions& options) {
  // No exception may escape a reader: a library throwing on odd input becomes an error value.
  try {
    return read_checked(text, file, options);
  } catch (const std::exception& e) {
    return fail("doc.internal", std::string("the reader failed: ") + e.what(), file);
  } catch (...) {
    return fail("doc.internal", "the reader failed", file);
  }
}

std::vector<std::string> json_top_keys(std::string_view example) {
  string_view body = strip_http_preamble(example);
  if (auto j = parse_ordered_json(body, "example")) {
    std::vector<std::string> keys;
    if (j->is_object())
      for (auto it = j->begin(); it != j->end(); ++it) keys.push_back(it.key());
    return keys;
  }
  return scan_top_keys(body);
}

namespace doc {

bool action_shaped(string_view s) {
  if (s.size() < 2 || s[0] < 'A' || s[0] > 'Z') return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return text::is_alnum(c); });
}

std::optional<std::string> action_from_description(string_view d) {
  for (string_view marker :
       {"取值：", "取值为：", "取值为", "取值:", "Set the value to", "set the value to",
        "Value:", "value:", "Value：", "Valid value:", "value is", "Value is", "值为"}) {
    size_t p = d.find(marker);
    while (p != npos) {
      size_t i = p + marker.size();
      while (i < d.size() && (text::is_space(d[i]) || d[i] == '`' || d[i] == '*')) ++i;
      size_t b = i;
      while (i < d.size() && text::is_alnum(d[i])) ++i;
      string_view tok = d.substr(b, i - b);
      if (action_shaped(tok)) return std::string(tok);
      p = d.find(marker, p + marker.size());
    }
  }
  return std::nullopt;
}

namespace {

bool info_says(string_view info, string_view what) { return text::ifind(info, what) != npos; }

bool is_request_body(string_view info, string_view body) {
  if (info_says(info, "request_demo")) return true;
  if (body.find("Action=") != npos) return true;
  for (string_view p : {"http://", "https://", "http(s)://", "`http(s)://`", "GET ", "POST "})
    if (body.starts_with(p)) return true;
  return false;
}

// The name of the XML root element, skipping a declaration and comments; spaces after '<' tolerated.
std::string xml_root(string_view s) {
  size_t i = 0;
  for (;;) {
    i = s.find('<', i);
    if (i == npos) return {};
    if (s.substr(i).starts_with("<?") || s.substr(i).starts_with("<!")) {
      size_t e = s.find('>', i);
      if (e == npos) return {};
      i = e + 1;
      continue;
    }
    ++i;
    while (i < s.size() && text::is_space(s[i])) ++i;
    size_t b = i;
    while (i < s.size() && !text::is_space(s[i]) && s[i] != '>' && s[i] != '/') ++i;
    return std::string(s.substr(b, i - b));
  }
}

}  // namespace

void add_example(Examples& ex, string_view info, string_view raw, ExampleContext context,
                 std::vector<std::string>& warnings) {
  string_view body = text::trim(raw);
  // Some pages open a body with a comment line naming its format ("//json response").
  while (body.starts_with("//") && body.find("Action=") > body.find('\n'))
    body = text::trim(body.substr(std::min(body.size(), body.find('\n'))));
  if (body.empty()) return;
  if (context != ExampleContext::Error && is_request_body(info, body)) {
    ex.requests.push_back(ExampleBlock{"url", std::string(body), true});
    if (ex.requests.size() == 1) ex.request_params = decode_request_params(body);
    return;
  }
  string_view payload = strip_http_preamble(body);
  if (payload.empty()) return;
  if (payload.front() == '<') {
    pugi::xml_document xml;
    bool valid = load_xml(xml, payload, "example").has_value();
    ExampleBlock b{"xml", std::string(body), valid};
    if (context == ExampleContext::Error || xml_root(payload) == "Error") {
      ex.errors.push_back(std::move(b));
    } else if (!ex.xml) {
      if (!valid) warnings.emplace_back("the XML success example is not well-formed XML");
      ex.xml = std::move(b);
    }
    return;
  }
  bool json_like = payload.front() == '{' || payload.front() == '[' || payload.front() == '"';
  bool is_json_info = info_says(info, "json");
  if (!json_like && !is_json_info) return;
  bool valid = parse_ordered_json(payload, "example").has_value();
  ExampleBlock b{"json", std::string(body), valid};
  std::vector<std::string> keys = json_top_keys(payload);
  auto has = [&](string_view k) { return std::find(keys.begin(), keys.end(), k) != keys.end(); };
  if (context == ExampleContext::Error || (has("HostId") && has("Code") && has("Message"))) {
    ex.errors.push_back(std::move(b));
  } else if (!ex.json) {
    if (!valid)
      warnings.emplace_back(
          "the JSON success example is not valid JSON; its keys were read tolerantly");
    ex.json = std::move(b);
  }
}

namespace {

bool is_param_name(string_view k) {
  if (k.empty() || k.front() == '<') return false;
  return std::all_of(k.begin(), k.end(), [](char c) {
    return text::is_alnum(c) || c == '.' || c == '_' || c == '-' || c == '%' || c == '[' ||
           c == ']';
  });
}

}  // namespace

Params decode_request_params(string_view body) {
  // The example is a URL broken over lines ("...?Action=X\n&A=1\n&<公共请求参数>"); the lines are joined
  // before the query is split. An HTTP request line ("GET /?Action=X HTTP/1.1") keeps only its target.
  std::string joined;
  for (string_view line : text::split_lines(body)) {
    string_view t = text::trim(line);
    if (t.empty()) continue;
    for (string_view m : {"GET ", "POST "})
      if (t.starts_with(m)) t = text::trim(t.substr(m.size()));
    if (size_t h = t.find(" HTTP/"); h != npos) t = t.substr(0, h);
    joined += t;
  }
  string_view q = joined;
  if (size_t p = q.find('?'); p != npos) q = q.substr(p + 1);
  Params out;
  size_t start = 0;
  while (start <= q.size()) {
    size_t amp = q.find('&', start);
    string_view item = text::trim(q.substr(start, amp == npos ? npos : amp - start));
    size_t eq = item.find('=');
    if (eq != npos) {
      string_view k = text::trim(item.substr(0, eq));
      if (is_param_name(k))
        // A '+' in a documented example is a plus sign, not an encoded space.
        out.emplace_back(percent_decode(k, false),
                         percent_decode(text::trim(item.substr(eq + 1)), false));
    }
    if (amp == npos) break;
    start = amp + 1;
  }
  return out;
}

std::string request_host(string_view body) {
  size_t p = body.find("://");
  if (p == npos) return {};
  size_t b = p + 3, e = b;
  while (e < body.size() && (text::is_alnum(body[e]) || body[e] == '.' || body[e] == '-')) ++e;
  return std::string(body.substr(b, e - b));
}

ValueType normalize_response_type(string_view raw) { return response_type_of(classify_type(raw)); }

ResponseNode build_response_tree(const std::vector<ResponseRow>& rows) {
  // Parent indices first (the nearest earlier row that is shallower), then the tree bottom-up, so that
  // no pointer into a growing vector is ever held.
  std::vector<int> parent(rows.size(), -1);
  std::vector<int> stack;  // indices of the open rows, depths strictly increasing
  for (size_t i = 0; i < rows.size(); ++i) {
    while (!stack.empty() && rows[static_cast<size_t>(stack.back())].depth >= rows[i].depth)
      stack.pop_back();
    parent[i] = stack.empty() ? -1 : stack.back();
    stack.push_back(static_cast<int>(i));
  }
  std::vector<ResponseNode> nodes(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    nodes[i].name = rows[i].name;
    nodes[i].raw_type = rows[i].raw_type;
    nodes[i].type = normalize_response_type(rows[i].raw_type);
    nodes[i].description = rows[i].description;
    nodes[i].example = rows[i].example;
  }
  ResponseNode root;
  root.type = ValueType::object;
  std::vector<std::vector<size_t>> children(rows.size());
  std::vector<size_t> top;
  for (size_t i = 0; i < rows.size(); ++i)
    (parent[i] < 0 ? top : children[static_cast<size_t>(parent[i])]).push_back(i);
  // Children always come after their parent, so a reverse pass completes each subtree first.
  for (size_t i = rows.size(); i-- > 0;)
    for (size_t c : children[i]) nodes[i].children.push_back(std::move(nodes[c]));
  for (size_t i : top) root.children.push_back(std::move(nodes[i]));
  return root;
}

namespace {

// The alphanumeric token after `marker` in `s` ("product=Ecs&api=..." -> "Ecs").
std::string token_after(string_view s, string_view marker, bool allow_dash) {
  size_t p = s.find(marker);
  while (p != npos) {
    size_t b = p + marker.size(), e = b;
    while (e < s.size() && (text::is_alnum(s[e]) || (allow_dash && s[e] == '-'))) ++e;
    if (e > b) return std::string(s.substr(b, e - b));
    p = s.find(marker, b);
  }
  return {};
}

std::string product_from_host(string_view host) {
  size_t e = 0;
  while (e < host.size() && text::is_alnum(host[e])) ++e;
  std::string p = text::to_lower(host.substr(0, e));
  if (p.empty() || host.find("aliyuncs.com") == npos) return {};
  p[0] = static_cast<char>(p[0] - 'a' + 'A');
  return p;
}

}  // namespace

Expected<void> finish_contract(Contract& c, const ActionSources& s, string_view hints,
                               const ReadOptions& options) {
  // The oracle's rule: an action-shaped title wins, then the Action row, then the request example.
  if (s.title)
    c.action = *s.title;
  else if (s.action_param)
    c.action = *s.action_param;
  else if (s.request_example)
    c.action = *s.request_example;
  if (c.action.empty())
    return fail("doc.no_action",
                "no action name: the title is not an action, there is no Action row and no request "
                "example",
                c.source.file);
  std::vector<std::string> seen;
  for (const auto* v : {&s.title, &s.action_param, &s.request_example})
    if (*v && std::find(seen.begin(), seen.end(), **v) == seen.end()) seen.push_back(**v);
  if (seen.size() > 1) {
    std::string w = "the page names the action differently: title '" + s.title.value_or("") +
                    "', Action row '" + s.action_param.value_or("") + "', request example '" +
                    s.request_example.value_or("") + "'; using '" + c.action + "'";
    c.warnings.push_back(std::move(w));
  }

  std::string host;
  for (const auto& r : c.examples.requests) {
    host = request_host(r.body);
    if (!host.empty()) break;
  }
  if (c.endpoint.empty()) c.endpoint = host;

  // Product codes may hold a dash (product=waf-openapi, ahas-openapi, cms-export).
  std::string product = token_after(hints, "product=", true);
  if (product.empty()) {
    std::string anchor = token_after(hints, "{#doc_api_", false);
    if (!anchor.empty()) product = anchor;
  }
  if (product.empty()) product = product_from_host(host);
  if (!options.product.empty()) product = options.product;
  if (c.product.empty()) c.product = product;

  std::string version = token_after(hints, "version=", true);
  if (version.size() != 10) version.clear();
  if (version.empty())
    for (const auto& [k, v] : c.examples.request_params)
      if (k == "Version") version = v;
  if (!options.version.empty()) version = options.version;
  if (c.version.empty()) c.version = version;

  for (auto& p : c.params) {
    extract_constraints(p);
    for (auto& f : p.fields) extract_constraints(f);
  }
  return {};
}

}  // namespace doc

}  // namespace popcheck::core
