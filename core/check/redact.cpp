#include "core/check/redact.hpp"

#include "core/protocol/credentials.hpp"
#include "core/protocol/sign.hpp"
#include "core/text.hpp"

#include <algorithm>
#include <cctype>

namespace popcheck::check {

namespace {

using core::iequals;

}  // namespace

// One list of secret names for the whole project: core::is_secret_name (core/protocol/credentials).
bool is_secret_param(std::string_view name) { return core::is_secret_name(name); }

bool is_secret_header(std::string_view name) { return core::is_secret_name(name); }

std::string redact_query(std::string_view query) {
  std::string out;
  size_t pos = 0;
  while (pos <= query.size()) {
    size_t amp = query.find('&', pos);
    if (amp == std::string_view::npos) amp = query.size();
    std::string_view pair = query.substr(pos, amp - pos);
    size_t eq = pair.find('=');
    std::string_view name = pair.substr(0, eq);
    if (eq != std::string_view::npos && is_secret_param(core::percent_decode(name))) {
      out.append(name);
      out += '=';
      out += kRedacted;
    } else {
      out.append(pair);
    }
    if (amp < query.size()) out += '&';
    pos = amp + 1;
  }
  return out;
}

std::string redact_url(std::string_view url) {
  size_t q = url.find('?');
  if (q == std::string_view::npos) return std::string(url);
  size_t hash = url.find('#', q);
  std::string out(url.substr(0, q + 1));
  out += redact_query(url.substr(q + 1, hash == std::string_view::npos ? hash : hash - q - 1));
  if (hash != std::string_view::npos) out.append(url.substr(hash));
  return out;
}

core::Headers redact_headers(const core::Headers& headers) {
  core::Headers out = headers;
  for (auto& [name, value] : out)
    if (is_secret_header(name)) value = std::string(kRedacted);
  return out;
}

RecordedRequest redact(RecordedRequest request) {
  request.url = redact_url(request.url);
  std::string type;
  for (const auto& [name, value] : request.headers)
    if (iequals(name, "content-type")) type = value;
  std::transform(type.begin(), type.end(), type.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  if (type.find("application/x-www-form-urlencoded") != std::string::npos)
    request.body = redact_query(request.body);
  request.headers = redact_headers(request.headers);
  return request;
}

std::string scrub(std::string text, std::string_view secret) {
  // Short values would match innocent text; credentials are never that short.
  if (secret.size() < 4) return text;
  for (const std::string& needle : {std::string(secret), core::percent_encode(secret)}) {
    size_t pos = 0;
    while ((pos = text.find(needle, pos)) != std::string::npos) {
      text.replace(pos, needle.size(), kRedacted);
      pos += kRedacted.size();
    }
  }
  return text;
}

}  // namespace popcheck::check
