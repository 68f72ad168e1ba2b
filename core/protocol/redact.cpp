#include "core/protocol/redact.hpp"

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>
#include <sstream>
#include <utility>

#include "core/support/text.hpp"

namespace popcheck::core {

namespace {

// JSON nested deeper than this is redacted as text: serialising it again would recurse that deep.
constexpr size_t kMaxJsonDepth = 256;
// Known values shorter than this are not searched for: they would match ordinary text.
constexpr size_t kMinSecret = 4;

constexpr std::array<std::string_view, 16> kCredentialNames = {"AccessKeyId",
                                                               "AccessKeySecret",
                                                               "SecurityToken",
                                                               "BearerToken",
                                                               "Signature",
                                                               "Credential",
                                                               "Authorization",
                                                               "Proxy-Authorization",
                                                               "Cookie",
                                                               "Set-Cookie",
                                                               "x-acs-security-token",
                                                               "x-acs-accesskey-id",
                                                               "x-acs-bearer-token",
                                                               "access_key_id",
                                                               "access_key_secret",
                                                               "sts_token"};

// Names whose values text() masks in name=value syntaxes (Cookie and the Authorization headers
// are masked by headers(): in running text their values have no reliable end).
constexpr std::array<std::string_view, 13> kTextNames = {"Signature",
                                                         "Credential",
                                                         "AccessKeyId",
                                                         "AccessKeySecret",
                                                         "SecurityToken",
                                                         "BearerToken",
                                                         "x-acs-security-token",
                                                         "x-acs-accesskey-id",
                                                         "x-acs-bearer-token",
                                                         "access_key_id",
                                                         "access_key_secret",
                                                         "sts_token",
                                                         "Password"};

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

void replace_all(std::string& text, std::string_view needle) {
  size_t pos = 0;
  while ((pos = text.find(needle, pos)) != std::string::npos) {
    text.replace(pos, needle.size(), kRedacted);
    pos += kRedacted.size();
  }
}

// Masks the value after each whole "name=", "name: " or "\"name\": \"" occurrence (name matched
// case-insensitively). The value runs to the next character that cannot be part of a Base64, hex
// or token value in these syntaxes.
void mask_field(std::string& text, std::string_view name) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t start = text::ifind(text, name, pos);
    if (start == std::string::npos) return;
    size_t i = start + name.size();
    pos = i;
    // Whole names only: "Signature" must not match inside "SignatureNonce" or "x-signature".
    if (start > 0 && is_name_char(text[start - 1])) continue;
    if (i < text.size() && is_name_char(text[i])) continue;
    if (i < text.size() && text[i] == '"') ++i;
    while (i < text.size() && text[i] == ' ') ++i;
    if (i >= text.size() || (text[i] != '=' && text[i] != ':')) continue;
    ++i;
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    if (i < text.size() && text[i] == '"') ++i;
    size_t end = i;
    constexpr std::string_view kStop = "&,;\"'<> \t\r\n)]}";
    while (end < text.size() && kStop.find(text[end]) == std::string_view::npos) ++end;
    if (end == i || std::string_view(text).substr(i, end - i) == kRedacted) continue;
    text.replace(i, end - i, kRedacted);
    pos = i + kRedacted.size();
  }
}

// The value after "name=" in an Authorization header ("ACS3-HMAC-SHA256 Credential=ID,
// SignedHeaders=..,Signature=.."); empty when the field is absent.
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

// Replaces the value of every sensitive key of a JSON document, iteratively. False when nothing
// was replaced or the document is nested deeper than kMaxJsonDepth (then it is left alone).
bool mask_json(nlohmann::ordered_json& root, bool& too_deep) {
  bool changed = false;
  std::vector<std::pair<nlohmann::ordered_json*, size_t>> stack = {{&root, 0}};
  while (!stack.empty()) {
    auto [node, depth] = stack.back();
    stack.pop_back();
    if (depth > kMaxJsonDepth) {
      too_deep = true;
      return false;
    }
    if (node->is_object()) {
      for (auto it = node->begin(); it != node->end(); ++it) {
        if (is_sensitive_name(it.key()) && (it->is_string() || it->is_number())) {
          if (!(it->is_string() && it->get_ref<const std::string&>() == kRedacted)) {
            *it = std::string(kRedacted);
            changed = true;
          }
        } else if (it->is_structured()) {
          stack.emplace_back(&*it, depth + 1);
        }
      }
    } else if (node->is_array()) {
      for (auto& v : *node)
        if (v.is_structured()) stack.emplace_back(&v, depth + 1);
    }
  }
  return changed;
}

bool mask_xml(pugi::xml_node root) {
  bool changed = false;
  std::vector<pugi::xml_node> stack = {root};
  while (!stack.empty()) {
    pugi::xml_node n = stack.back();
    stack.pop_back();
    for (auto child : n.children()) {
      if (child.type() != pugi::node_element) continue;
      bool leaf =
          !child.find_child([](pugi::xml_node c) { return c.type() == pugi::node_element; });
      if (leaf && is_sensitive_name(child.name())) {
        if (std::string_view(child.text().get()) != kRedacted) {
          child.text().set(std::string(kRedacted).c_str());
          changed = true;
        }
      } else {
        stack.push_back(child);
      }
    }
  }
  return changed;
}

// Whether a body may hold a sensitive key: a cheap test before parsing it.
bool mentions_sensitive(std::string_view body) {
  for (std::string_view word : {"passw", "secret", "token", "credential", "privatekey", "accesskey",
                                "signature", "authorization", "cookie", "sts_"})
    if (text::ifind(body, word) != std::string_view::npos) return true;
  return false;
}

// The body with sensitive JSON keys or XML leaves replaced; nullopt when it is neither or holds
// none.
std::optional<std::string> mask_structured(std::string_view body, std::string_view content_type) {
  size_t first = body.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos || !mentions_sensitive(body)) return std::nullopt;
  std::string type = text::to_lower(content_type);
  bool json = body[first] == '{' || body[first] == '[' || type.find("json") != std::string::npos;
  if (json) {
    auto j = nlohmann::ordered_json::parse(body, nullptr, false);
    if (!j.is_discarded()) {
      bool too_deep = false;
      if (mask_json(j, too_deep))
        return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
      return std::nullopt;
    }
  }
  if (body[first] == '<') {
    pugi::xml_document doc;
    if (doc.load_buffer(body.data(), body.size()) && mask_xml(doc)) {
      std::ostringstream out;
      // The declaration only when the body had one.
      unsigned flags = pugi::format_raw;
      if (!body.substr(first).starts_with("<?xml")) flags |= pugi::format_no_declaration;
      doc.save(out, "", flags);
      return out.str();
    }
  }
  return std::nullopt;
}

}  // namespace

bool is_credential_name(std::string_view name) {
  return std::any_of(kCredentialNames.begin(), kCredentialNames.end(),
                     [&](std::string_view s) { return text::iequals(s, name); });
}

bool is_sensitive_name(std::string_view name) {
  if (is_credential_name(name)) return true;
  for (std::string_view word :
       {"password", "passwd", "secret", "token", "credential", "privatekey", "accesskey"})
    if (text::ifind(name, word) != std::string_view::npos) return true;
  return false;
}

void Redactor::add_secret(std::string_view value) {
  if (value.size() < kMinSecret || value == kRedacted) return;
  std::string once = percent_encode(value);
  for (std::string form : {std::string(value), percent_encode(once), once}) {
    if (std::find(secrets_.begin(), secrets_.end(), form) == secrets_.end())
      secrets_.push_back(std::move(form));
  }
  // Longest first, so that a value containing another (a token that embeds the key id) goes whole.
  std::stable_sort(secrets_.begin(), secrets_.end(),
                   [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

void Redactor::add_credentials(const Credentials& credentials) {
  add_secret(credentials.access_key_id);
  add_secret(credentials.access_key_secret);
  add_secret(credentials.security_token);
}

void Redactor::add_request_secrets(const Params& params, const Headers& headers) {
  for (const auto& [k, v] : params)
    if (is_credential_name(k)) add_secret(v);
  for (const auto& [k, v] : headers) {
    if (text::iequals(k, "authorization")) {
      add_secret(authorization_field(v, "Credential"));
      add_secret(authorization_field(v, "Signature"));
      if (size_t space = v.find(' '); space != std::string::npos &&
                                      text::iequals(std::string_view(v).substr(0, space), "Bearer"))
        add_secret(std::string_view(v).substr(space + 1));
    } else if (text::iequals(k, "cookie")) {
      // Each cookie's value ("theme=dark; session=4f0c..."): session values are long, while short
      // ones (dark, en-US) are preferences that would match ordinary text.
      std::string_view cookies = v;
      while (!cookies.empty()) {
        size_t semi = cookies.find(';');
        std::string_view pair = cookies.substr(0, semi);
        if (size_t eq = pair.find('='); eq != std::string_view::npos && pair.size() - eq > 8)
          add_secret(pair.substr(eq + 1));
        cookies = semi == std::string_view::npos ? std::string_view() : cookies.substr(semi + 1);
      }
    } else if (is_credential_name(k)) {
      add_secret(v);
    }
  }
}

std::string Redactor::text(std::string_view text) const {
  std::string out(text);
  for (const auto& s : secrets_) replace_all(out, s);
  for (std::string_view name : kTextNames) mask_field(out, name);
  return out;
}

std::string Redactor::query(std::string_view query) const {
  std::string out;
  out.reserve(query.size());
  size_t pos = 0;
  while (pos <= query.size()) {
    size_t amp = query.find('&', pos);
    if (amp == std::string_view::npos) amp = query.size();
    std::string_view pair = query.substr(pos, amp - pos);
    size_t eq = pair.find('=');
    std::string_view name = pair.substr(0, eq);
    bool hidden = eq != std::string_view::npos &&
                  is_sensitive_name(name.find_first_of("%+") == std::string_view::npos
                                        ? std::string(name)
                                        : percent_decode(name));
    if (hidden) {
      out.append(name);
      out += '=';
      out += kRedacted;
    } else {
      out.append(pair);
    }
    if (amp < query.size()) out += '&';
    pos = amp + 1;
  }
  return text(out);
}

std::string Redactor::url(std::string_view url) const {
  size_t q = url.find('?');
  if (q == std::string_view::npos) return text(url);
  size_t hash = url.find('#', q);
  std::string out = text(url.substr(0, q + 1));
  out += query(url.substr(q + 1, hash == std::string_view::npos ? hash : hash - q - 1));
  if (hash != std::string_view::npos) out += text(url.substr(hash));
  return out;
}

Headers Redactor::headers(const Headers& headers) const {
  Headers out = headers;
  for (auto& [name, value] : out)
    value = is_sensitive_name(name) ? std::string(kRedacted) : text(value);
  return out;
}

Params Redactor::params(const Params& params) const {
  Params out = params;
  for (auto& [name, value] : out)
    value = is_credential_name(name) ? std::string(kRedacted) : text(value);
  return out;
}

std::string Redactor::body(std::string_view body, std::string_view content_type) const {
  if (body.empty()) return {};
  if (is_form_content_type(content_type)) return query(body);
  if (auto masked = mask_structured(body, content_type)) return text(*masked);
  return text(body);
}

void Redactor::request(std::string& url_text, Headers& request_headers,
                       std::string& body_text) const {
  body_text = body(body_text, header_value(request_headers, "content-type"));
  url_text = url(url_text);
  request_headers = headers(request_headers);
}

void redact_request(std::string& url, Headers& headers, std::string& body, Redactor redactor) {
  std::string_view u = url;
  size_t q = u.find('?');
  Params params;
  if (q != std::string_view::npos)
    params = parse_query_string(u.substr(q + 1, u.find('#', q) - q - 1));
  if (is_form_content_type(header_value(headers, "content-type")))
    for (auto& p : parse_query_string(body)) params.push_back(std::move(p));
  redactor.add_request_secrets(params, headers);
  redactor.request(url, headers, body);
}

}  // namespace popcheck::core
