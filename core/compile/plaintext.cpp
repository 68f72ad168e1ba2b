// The plain-text reader: a reference page copied from the web site as text (seed 001, VPC
// TagResources). The tables have lost their cell borders, so rows are recognised by their shape:
//
// - Request parameters, after a "Parameter Type Required Example Description" header: a row line is
//   `Name Type Yes|No [Example]` (the name an identifier, the type a known type word, the flag yes/no),
//   and the paragraphs after it, up to the next row line or section title, are its description.
// - Response parameters, after "Parameter Type Example Description": `Name Type [Example]` lines.
// - Error codes, after "HttpCode Error code Error message Description": `HTTP Code Message Description`
//   on one line. The code is one token. The message/description boundary is not marked, so it is found
//   by these rules, in order:
//     1. the description opens with a phrase this family uses for descriptions ("The error message
//        returned because ...", "The error code returned when ...", "This error is returned ...");
//     2. a Chinese description follows an English message: the boundary is the first CJK character;
//     3. otherwise the message is the first sentence (up to ". " before a capital letter) and the
//        description the rest; a single sentence is all message.
// - Sample responses: a "XML format" / "JSON format" label, then the body (an "HTTP/1.1 200 OK"
//   preamble is dropped by the example classifier).
#include <algorithm>
#include <array>

#include "core/compile/markdown.hpp"
#include "core/support/text.hpp"

namespace popcheck::core::doc {

namespace {

using std::string_view;
constexpr size_t npos = string_view::npos;

enum class Kind { Other, Request, Response, Requests, Responses, ErrorResponses, Errors };

Kind section_title(string_view line) {
  std::string t = text::to_lower(text::trim(line));
  if (t == "request parameters" || t == "请求参数") return Kind::Request;
  if (t == "response parameters" || t == "返回参数" || t == "返回数据") return Kind::Response;
  if (t == "sample requests" || t == "sample request" || t == "request example" || t == "请求示例")
    return Kind::Requests;
  if (t == "sample success responses" || t == "sample success response" ||
      t == "sample responses" || t == "response example" || t == "正常返回示例" || t == "返回示例")
    return Kind::Responses;
  if (t == "sample error responses" || t == "sample error response" || t == "异常返回示例" ||
      t == "error response example")
    return Kind::ErrorResponses;
  if (t == "error codes" || t == "错误码") return Kind::Errors;
  if (t == "usage notes" || t == "description" || t == "debugging" || t == "接口说明" ||
      t == "调试" || t == "examples" || t == "示例")
    return Kind::Other;
  return static_cast<Kind>(-1);
}

bool is_section_title(string_view line) { return section_title(line) != static_cast<Kind>(-1); }

std::vector<string_view> words(string_view s) {
  std::vector<string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && text::is_space(s[i])) ++i;
    size_t b = i;
    while (i < s.size() && !text::is_space(s[i])) ++i;
    if (i > b) out.push_back(s.substr(b, i - b));
  }
  return out;
}

bool is_param_name(string_view w) {
  if (w.empty() || !text::is_alpha(w[0])) return false;
  return std::all_of(w.begin(), w.end(),
                     [](char c) { return text::is_alnum(c) || c == '.' || c == '_' || c == '-'; });
}

constexpr size_t kMaxExampleWords = 3;

bool is_sentence_word(string_view w) {
  static constexpr std::array<string_view, 16> words = {
      "The", "This", "That", "A",    "An",    "If",      "When", "For",
      "You", "It",   "Each", "Only", "Valid", "Default", "Note", "Set"};
  return std::find(words.begin(), words.end(), w) != words.end();
}

// The type at w[i]: one word, or "Array of X" over three. Returns the type and the next index.
std::optional<std::pair<std::string, size_t>> read_type(const std::vector<string_view>& w,
                                                        size_t i) {
  if (i >= w.size() || !is_type_name(w[i])) return std::nullopt;
  if (i + 2 < w.size() && w[i + 1] == "of" && is_param_name(w[i + 2]))
    return std::pair{std::string(w[i]) + " of " + std::string(w[i + 2]), i + 3};
  return std::pair{std::string(w[i]), i + 1};
}

std::optional<bool> yes_no(string_view w) {
  std::string l = text::to_lower(w);
  if (l == "yes" || l == "是" || l == "true") return true;
  if (l == "no" || l == "否" || l == "false") return false;
  return std::nullopt;
}

bool is_code_word(string_view w) {
  return !w.empty() && text::is_alpha(w[0]) && std::all_of(w.begin(), w.end(), [](char c) {
    return text::is_alnum(c) || c == '.' || c == '_' || c == '-' || c == ':';
  });
}

bool is_http_word(string_view w) { return w.size() == 3 && text::all_digits(w); }

// The header lines that open each table.
bool is_param_header(string_view line) {
  auto w = words(line);
  if (w.size() < 3) return false;
  return (w[0] == "Parameter" || w[0] == "Name" || w[0] == "名称") &&
         (w[1] == "Type" || w[1] == "类型");
}

bool is_error_header(string_view line) {
  string_view t = text::trim(line);
  return (t.starts_with("HttpCode") || t.starts_with("HTTP status code") ||
          t.starts_with("Http status code")) &&
         (t.find("Error code") != npos || t.find("错误码") != npos);
}

// Rule 1's description openers. Each is a sentence start, so a space precedes it.
constexpr std::array<string_view, 7> kDescriptionOpeners = {
    "The error message returned", "The error code returned",       "The error returned",
    "This error is returned",     "The error message is returned", "This error message is returned",
    "The error is returned"};

bool is_cjk_at(string_view s, size_t i) {
  auto c = static_cast<unsigned char>(s[i]);
  return c >= 0xE3 && c <= 0xE9;
}

std::pair<std::string, std::string> split_message(string_view rest) {
  rest = text::trim(rest);
  size_t best = npos;
  for (string_view o : kDescriptionOpeners) {
    size_t p = rest.find(o);
    while (p != npos && p > 0 && rest[p - 1] != ' ') p = rest.find(o, p + 1);
    if (p != npos && p > 0) best = std::min(best, p);
  }
  if (best == npos && !rest.empty() && !is_cjk_at(rest, 0)) {
    for (size_t i = 0; i < rest.size(); ++i)
      if (is_cjk_at(rest, i)) {
        best = i;
        break;
      }
  }
  if (best == npos) {
    for (size_t i = 0; i + 2 < rest.size(); ++i)
      if (rest[i] == '.' && rest[i + 1] == ' ' && rest[i + 2] >= 'A' && rest[i + 2] <= 'Z') {
        best = i + 1;
        break;
      }
  }
  if (best == npos) return {std::string(rest), {}};
  return {std::string(text::trim(rest.substr(0, best))),
          std::string(text::trim(rest.substr(best)))};
}

std::string join_block(const std::vector<string_view>& lines) {
  std::string s;
  for (string_view l : lines) {
    s.append(l);
    s += '\n';
  }
  return text::normalize_block(s);
}

}  // namespace

bool looks_like_plaintext(string_view text) {
  // Markdown pages have '#' headings or '|' table rows; the web copy has neither, but has the section
  // titles on lines of their own and a parameter or error header line.
  bool titled = false, header = false;
  for (string_view line : text::split_lines(text)) {
    string_view t = text::trim(line);
    if (t.starts_with("#") || t.starts_with("|")) return false;
    if (section_title(t) == Kind::Request || section_title(t) == Kind::Errors) titled = true;
    if (is_param_header(t) || is_error_header(t)) header = true;
  }
  return titled && header;
}

Expected<Contract> read_plaintext(string_view text, const std::string& file,
                                  const ReadOptions& options) {
  std::vector<string_view> lines = text::split_lines(text);
  Contract c;
  c.source.file = file;
  c.source.format = "plaintext";
  ActionSources sources;
  for (string_view l : lines)
    if (!text::trim(l).empty()) {
      c.title = text::collapse_whitespace(l);
      break;
    }
  if (action_shaped(c.title)) sources.title = c.title;

  Kind kind = Kind::Other;
  bool in_table = false;
  std::vector<string_view> desc;  // description lines of the current row
  Param* current = nullptr;
  ResponseRow* current_resp = nullptr;
  std::vector<ResponseRow> response;
  // Sample response blocks: the label ("xml"/"json") and the lines after it.
  std::string block_info;
  std::vector<string_view> block;
  size_t tables = 0;

  auto flush_desc = [&] {
    if (current) current->description = join_block(desc);
    if (current_resp) current_resp->description = join_block(desc);
    desc.clear();
  };
  auto flush_block = [&] {
    if (!block_info.empty() || !block.empty()) {
      std::string body;
      for (string_view l : block) {
        body.append(l);
        body += '\n';
      }
      ExampleContext ctx =
          kind == Kind::ErrorResponses ? ExampleContext::Error : ExampleContext::Success;
      if (kind == Kind::Requests) ctx = ExampleContext::Any;
      add_example(c.examples, block_info, body, ctx, c.warnings);
    }
    block_info.clear();
    block.clear();
  };

  for (auto line : lines) {
    string_view t = text::trim(line);
    if (is_section_title(t)) {
      flush_desc();
      flush_block();
      current = nullptr;
      current_resp = nullptr;
      kind = section_title(t);
      in_table = false;
      continue;
    }
    switch (kind) {
      case Kind::Request:
      case Kind::Response: {
        if (!in_table) {
          if (is_param_header(t)) {
            in_table = true;
            ++tables;
          }
          continue;
        }
        auto w = words(t);
        bool row = false;
        // A row line is short: the name, the type, the flag, then at most an example of a few words.
        // A sentence of a description ("The string must ...") is longer, or starts with a word that
        // no parameter is named.
        auto type = w.size() >= 2 && is_param_name(w[0]) && !is_sentence_word(w[0])
                        ? read_type(w, 1)
                        : std::nullopt;
        size_t tail = type ? w.size() - type->second : 0;
        if (kind == Kind::Request && type && type->second < w.size() && yes_no(w[type->second]) &&
            tail <= 1 + kMaxExampleWords) {
          flush_desc();
          current_resp = nullptr;
          Param p;
          p.name = std::string(w[0]);
          p.type = type->first;
          string_view flag = w[type->second];
          p.required = *yes_no(flag);
          size_t ex = static_cast<size_t>(flag.data() - t.data()) + flag.size();
          p.example = text::collapse_whitespace(t.substr(ex));
          c.params.push_back(std::move(p));
          current = &c.params.back();
          if (current->name == "Action" && !sources.action_param && action_shaped(current->example))
            sources.action_param = current->example;
          row = true;
        } else if (kind == Kind::Response && type && tail <= kMaxExampleWords) {
          flush_desc();
          current = nullptr;
          ResponseRow r;
          r.name = std::string(w[0]);
          r.raw_type = type->first;
          string_view last = w[type->second - 1];
          size_t ex = static_cast<size_t>(last.data() - t.data()) + last.size();
          r.example = text::collapse_whitespace(t.substr(ex));
          response.push_back(std::move(r));
          current_resp = &response.back();
          row = true;
        }
        if (!row) desc.push_back(line);
        break;
      }
      case Kind::Errors: {
        if (!in_table) {
          if (is_error_header(t)) {
            in_table = true;
            ++tables;
          }
          continue;
        }
        auto w = words(t);
        if (w.size() >= 2 && is_http_word(w[0]) && is_code_word(w[1])) {
          ErrorRow e;
          e.http_raw = std::string(w[0]);
          e.http = std::stoi(e.http_raw);
          e.code = std::string(w[1]);
          size_t rest = static_cast<size_t>(w[1].data() - t.data()) + w[1].size();
          auto [msg, d] = split_message(t.substr(rest));
          e.message = std::move(msg);
          e.description = std::move(d);
          c.errors.push_back(std::move(e));
        } else if (!t.empty() && !c.errors.empty() && !t.starts_with("For a list of error codes") &&
                   !t.starts_with("访问")) {
          // A wrapped description line continues the previous row.
          auto& d = c.errors.back().description;
          if (!d.empty()) d += ' ';
          d += text::collapse_whitespace(t);
        }
        break;
      }
      case Kind::Requests:
      case Kind::Responses:
      case Kind::ErrorResponses: {
        std::string l = text::to_lower(t);
        if (l == "xml format" || l == "json format" || l == "xml 格式" || l == "json 格式" ||
            l == "xml格式" || l == "json格式") {
          flush_block();
          block_info = l.starts_with("xml") ? "xml" : "json";
          continue;
        }
        block.push_back(line);
        break;
      }
      case Kind::Other:
        break;
    }
  }
  flush_desc();
  flush_block();

  // A row line whose description never came still stands; an error table with no rows is a
  // table whose rows could not be read.
  if (tables == 0) return fail("doc.no_tables", "the page has no parameter or error table", file);
  for (const auto& p : c.params)
    if (p.name == "Action" && !sources.action_param)
      if (auto a = action_from_description(p.description)) sources.action_param = *a;
  for (const auto& [k, v] : c.examples.request_params)
    if (k == "Action" && !v.empty()) sources.request_example = v;
  c.response = build_response_tree(response);
  if (auto done = finish_contract(c, sources, text, options); !done)
    return std::unexpected(done.error());
  return c;
}

}  // namespace popcheck::core::doc
