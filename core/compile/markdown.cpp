// The markdown reader. It follows the reading rules of docs/readers.md: sections split on
// headings outside code fences; a table starts at a delimiter row; a row runs until the accumulated text
// ends with '|' and holds ncols+1 unescaped pipes outside fenced code; rows with too many cells are
// folded back by the column whose reading leaves the typed columns valid; column roles come from the
// header labels.
#include "core/compile/markdown.hpp"

#include <algorithm>
#include <array>

#include "core/compile/tables.hpp"
#include "core/support/text.hpp"

namespace popcheck::core::doc {

namespace {

using std::string_view;
constexpr size_t npos = string_view::npos;

// ---------------------------------------------------------------------------------------------------
// Sections.

enum class Kind { Other, Request, Response, Examples, Errors };

struct Section {
  int level = 0;  // 0 for the text before the first heading
  std::string title;
  Kind kind = Kind::Other;
  size_t heading = 0;         // line index of the heading
  size_t begin = 0, end = 0;  // body lines [begin, end)
};

// The heading level of a line (outside fences), 0 when it is not a heading.
int heading_level(string_view line) {
  size_t i = 0;
  while (i < line.size() && i < 3 && line[i] == ' ') ++i;
  size_t b = i;
  while (i < line.size() && line[i] == '#') ++i;
  size_t n = i - b;
  if (n == 0 || n > 6) return 0;
  if (i < line.size() && line[i] != ' ' && line[i] != '\t') return 0;
  return static_cast<int>(n);
}

// Heading text without the #'s and the trailing "{#anchor .class}" block.
std::string heading_text(string_view line) {
  size_t i = line.find('#');
  while (i < line.size() && line[i] == '#') ++i;
  string_view t = text::trim(line.substr(i));
  if (size_t brace = t.rfind('{'); brace != npos && t.ends_with("}"))
    t = text::trim(t.substr(0, brace));
  while (t.ends_with("#")) t = text::trim(t.substr(0, t.size() - 1));
  return text::normalize_cell(t);
}

bool contains(string_view hay, string_view needle) { return hay.find(needle) != npos; }
using text::icontains;

Kind classify_heading(string_view title) {
  std::string t = text::to_lower(text::trim(title));
  while (!t.empty() && (t.back() == ':' || t.back() == ' ')) t.pop_back();
  if (t.ends_with("：")) t.resize(t.size() - 3);
  if (contains(t, "请求参数") || contains(t, "输入参数") || contains(t, "request parameter") ||
      contains(t, "request param"))
    return Kind::Request;
  if (contains(t, "返回参数") || contains(t, "返回数据") || contains(t, "返回值") ||
      contains(t, "响应参数") || contains(t, "返回结果") || contains(t, "输出参数") ||
      contains(t, "response parameter") || contains(t, "return parameter") ||
      contains(t, "response param") || contains(t, "response data") ||
      contains(t, "response element") || contains(t, "出参"))
    return Kind::Response;
  // "错误信息" (error messages) heads the error list of older pages; "错误信息示例" is an example.
  if ((contains(t, "错误信息") || contains(t, "error message")) && !contains(t, "示例") &&
      !contains(t, "example"))
    return Kind::Errors;
  if (contains(t, "错误码") || contains(t, "错误代码") || contains(t, "error code") ||
      t == "errors" || t == "error")
    return Kind::Errors;
  if (contains(t, "示例") || contains(t, "example") || contains(t, "sample")) return Kind::Examples;
  return Kind::Other;
}

std::vector<Section> split_sections(const std::vector<string_view>& lines) {
  std::vector<Section> out;
  Section cur;
  cur.begin = 0;
  bool in_fence = false;
  // The kind a sub-heading inherits: the innermost classified heading above it.
  std::vector<std::pair<int, Kind>> open;
  for (size_t i = 0; i < lines.size(); ++i) {
    string_view line = lines[i];
    if (!in_fence) {
      if (int level = heading_level(line)) {
        cur.end = i;
        out.push_back(std::move(cur));
        cur = Section{};
        cur.level = level;
        cur.title = heading_text(line);
        cur.heading = i;
        cur.begin = i + 1;
        while (!open.empty() && open.back().first >= level) open.pop_back();
        Kind k = classify_heading(cur.title);
        if (k == Kind::Other && !open.empty()) k = open.back().second;
        if (k != Kind::Other) open.emplace_back(level, k);
        cur.kind = k;
        continue;
      }
    }
    if (fence_marks(line) % 2 == 1) in_fence = !in_fence;
  }
  cur.end = lines.size();
  out.push_back(std::move(cur));
  return out;
}

// Response rows above which "## XxxSet" sections are appended rather than nested.
constexpr size_t kMaxNestedRows = 4096;

// ---------------------------------------------------------------------------------------------------
// Examples.

ExampleContext label_context(string_view line, ExampleContext current) {
  if (contains(line, "异常") || contains(line, "错误返回") || contains(line, "错误示例") ||
      contains(line, "失败返回") || icontains(line, "error"))
    return ExampleContext::Error;
  if (contains(line, "正常返回") || contains(line, "返回示例") || contains(line, "成功") ||
      icontains(line, "success") || icontains(line, "response example") ||
      icontains(line, "response sample") || icontains(line, "sample response") ||
      contains(line, "请求示例") || icontains(line, "request example"))
    return ExampleContext::Success;
  return current;
}

constexpr size_t kMaxLabelBytes = 80;

void read_examples(const std::vector<string_view>& lines, const Section& s, Examples& ex,
                   std::vector<std::string>& warnings) {
  ExampleContext context = label_context(s.title, ExampleContext::Any);
  for (size_t i = s.begin; i < s.end; ++i) {
    string_view t = text::trim(lines[i]);
    if (t.starts_with("```") || t.starts_with("~~~")) {
      string_view fence = t.substr(0, 3);
      string_view info = text::trim(t.substr(3));
      std::string body;
      size_t k = i + 1;
      for (; k < s.end; ++k) {
        string_view lt = text::trim(lines[k]);
        if (lt.starts_with(fence)) break;
        body.append(lines[k]);
        body += '\n';
      }
      add_example(ex, info, body, context, warnings);
      i = k;
      continue;
    }
    // Labels are short lines ("**异常返回示例**", "Error response example"); a paragraph of prose that
    // happens to mention an error does not switch the context.
    if (!t.empty() && !t.starts_with("|") && t.size() <= kMaxLabelBytes)
      context = label_context(t, context);
  }
}

// The error rows of an error table. The mislabelled ESS tables (error_columns_suspect in
// oracle.json): the API's message sits in the column right after the code. When that column is
// labelled description and the message label is elsewhere (or absent), the labels are swapped and
// the content decides: the message is the column after the code, the description the other prose
// column.
void read_error_table(const Table& t, Contract& c) {
  int http = t.col(Role::Http), code = t.col(Role::Code), msg = t.col(Role::Message),
      desc = t.col(Role::Description);
  if (desc >= 0 && desc == code + 1 && msg != code + 1) {
    int other = msg;
    if (other < 0)
      for (size_t k = 0; k < t.roles.size(); ++k)
        if (t.roles[k] == Role::None) {
          other = static_cast<int>(k);
          break;
        }
    msg = desc;
    desc = other;
    c.warnings.push_back("line " + std::to_string(t.line + 1) +
                         ": the error table's labels look swapped; the message is read from "
                         "the column after the code");
  }
  for (const Row& row : t.rows) {
    ErrorRow e;
    e.http_raw = cell(row, http);
    if (text::all_digits(e.http_raw) && e.http_raw.size() <= 6) e.http = std::stoi(e.http_raw);
    e.code = cell(row, code);
    e.message = cell(row, msg);
    e.description = cell(row, desc);
    c.errors.push_back(std::move(e));
  }
}

// A table row standing for the common parameters ("<公共请求参数>", "<Common request parameters>",
// "<公共返回参数>"): a pointer to another page, not a parameter or a field.
bool points_to_common(const std::string& name) {
  return name.size() > 2 && name.front() == '<' && name.back() == '>';
}

std::vector<ResponseRow> response_rows(const Table& t) {
  int name = t.col(Role::Name), type = t.col(Role::Type), example = t.col(Role::Example),
      desc = t.col(Role::Description);
  std::vector<ResponseRow> rows;
  for (const Row& row : t.rows) {
    if (points_to_common(cell(row, name))) continue;
    ResponseRow rr;
    auto [n, depth] = strip_depth(cell(row, name));
    rr.name = std::move(n);
    rr.depth = depth;
    rr.raw_type = cell(row, type);
    rr.example = cell(row, example);
    rr.description = block(row, desc);
    rows.push_back(std::move(rr));
  }
  return rows;
}

// A "## XxxSet" section describes the members of the response field whose type refers to it
// ("Array of [XxxSet](#anchor)") or, failing that, of the field of that name. A section no field
// owns is appended as a field of its own when `orphans` is true; otherwise nothing is added and the
// result is false.
bool nest_set_section(std::vector<ResponseRow>& response, const std::string& title,
                      std::vector<ResponseRow> rows, bool orphans) {
  auto refers = [&](const ResponseRow& r) {
    size_t p = r.raw_type.find(title);
    if (p == std::string::npos) return false;
    size_t e = p + title.size();
    bool left = p == 0 || !text::is_alnum(r.raw_type[p - 1]);
    bool right = e == r.raw_type.size() || !text::is_alnum(r.raw_type[e]);
    return left && right;
  };
  size_t at = response.size();
  int base = 0;
  size_t owner = response.size();
  // Real pages have a few dozen response rows; beyond kMaxNestedRows a Set section is simply
  // appended, which keeps a pathological page linear.
  if (response.size() <= kMaxNestedRows) {
    for (size_t k = 0; k < response.size() && owner == response.size(); ++k)
      if (refers(response[k])) owner = k;
    for (size_t k = 0; k < response.size() && owner == response.size(); ++k)
      if (response[k].name == title) owner = k;
  }
  if (owner < response.size()) {
    base = response[owner].depth + 1;
    at = owner + 1;
    while (at < response.size() && response[at].depth > response[owner].depth) ++at;
  } else {
    if (!orphans) return false;
    response.push_back(ResponseRow{title, "", "", "", 0});
    at = response.size();
    base = 1;
  }
  for (auto& rr : rows) rr.depth += base;
  response.insert(response.begin() + static_cast<long>(at), rows.begin(), rows.end());
  return true;
}

// The name in a sub-section title "KeyMetadata parameters", "KeyMetadata 参数" or "KeyMetadata参数"
// (KMS's pages: the members of the response field KeyMetadata); empty for any other title.
std::string parameters_of(string_view title) {
  std::string t(text::trim(title));
  bool cut = false;
  for (string_view suffix : {" parameters", " Parameters", " parameter", " Parameter", "参数"})
    if (!cut && t.size() > suffix.size() && t.ends_with(suffix)) {
      t = std::string(text::trim(string_view(t).substr(0, t.size() - suffix.size())));
      cut = true;
    }
  bool name = cut && !t.empty() && text::is_alpha(t.front()) &&
              std::all_of(t.begin(), t.end(),
                          [](char c) { return text::is_alnum(c) || c == '_' || c == '.'; });
  return name ? t : std::string();
}

// The text just above a table: its lines since the previous table (or the section start), at most
// the last kLabelLines of them, after the section title when the section is not the request's own.
constexpr size_t kLabelLines = 3;
std::string label_above(const std::vector<string_view>& lines, size_t from, size_t to) {
  std::vector<string_view> kept;
  for (size_t i = from; i < to && i < lines.size(); ++i) {
    string_view t = text::trim(lines[i]);
    if (!t.empty() && !t.starts_with("|")) kept.push_back(t);
  }
  if (kept.size() > kLabelLines) kept.erase(kept.begin(), kept.end() - kLabelLines);
  std::string out;
  for (string_view k : kept) (out += text::unescape_markdown(k)) += '\n';
  return out;
}

const char* kind_name(Kind k) {
  switch (k) {
    case Kind::Request:
      return "request parameters";
    case Kind::Response:
      return "response parameters";
    case Kind::Errors:
      return "error codes";
    case Kind::Examples:
      return "examples";
    default:
      return "other";
  }
}

// Reads one page section by section; see docs/readers.md for the rules.
class PageReader {
 public:
  PageReader(const std::vector<string_view>& lines, const std::string& file, Contract& c,
             ActionSources& sources)
      : lines_(lines), file_(file), c_(c), sources_(sources) {}

  Expected<void> section(const Section& s) {
    if (s.kind == Kind::Examples) {
      read_examples(lines_, s, c_.examples, c_.warnings);
      return {};
    }
    auto tables = read_tables(lines_, s.begin, s.end, file_);
    if (!tables) return std::unexpected(tables.error());
    read_ += tables->size();
    if (s.kind == Kind::Response) seen_response_ = true;
    bool used = false;
    size_t prev_end = s.begin;
    for (Table& t : *tables) {
      std::string label = label_above(lines_, prev_end, t.header_line);
      prev_end = t.end;
      if (s.kind == Kind::Request && t.is_params()) {
        if (have_params_)
          fields_.push_back(
              FieldTable{std::move(t), s.title + "\n" + label, true, ++further_tables_});
        else
          params(t);
        used = true;
      } else if (s.kind == Kind::Other && have_params_ && !seen_response_ && t.is_params()) {
        fields_.push_back(FieldTable{std::move(t), s.title + "\n" + label, false, 0});
      } else if (s.kind == Kind::Errors && t.is_errors()) {
        read_error_table(t, c_);
        used = true;
      } else if (t.col(Role::Name) >= 0 && t.col(Role::Type) >= 0 && s.kind == Kind::Response) {
        // A sub-heading of the response "### KeyMetadata parameters" nests under KeyMetadata.
        std::string name = classify_heading(s.title) == Kind::Other ? parameters_of(s.title) : "";
        if (name.empty() || !nest_set_section(response_, name, response_rows(t), false))
          for (auto& r : response_rows(t)) response_.push_back(std::move(r));
        used = true;
      } else if (t.col(Role::Name) >= 0 && t.col(Role::Type) >= 0 && s.kind == Kind::Other &&
                 seen_response_ && s.title != c_.title) {
        // "## XxxSet" is nested or kept as a field of its own; "## Xxx parameters" only under a
        // field Xxx (a "Common parameters" section after the response is not one).
        if (action_shaped(s.title))
          nest_set_section(response_, s.title, response_rows(t), true);
        else if (std::string name = parameters_of(s.title); !name.empty())
          nest_set_section(response_, name, response_rows(t), false);
      }
    }
    if (!used && s.kind != Kind::Other) used = bullets(s);
    if (!used && s.kind != Kind::Other) unread_.push_back(&s);
    return {};
  }

  // After the last section: field tables attached, and what could not be read said.
  Expected<void> finish() {
    attach_fields(c_.params, first_header_, fields_, c_.warnings);
    if (read_ == 0) {
      std::string what =
          "nothing on the page could be read: no parameter or error table and no "
          "list of bold parameter names";
      if (unread_.empty()) {
        what +=
            "; no section is headed as request parameters, response parameters or error codes "
            "(请求参数 / Request parameters, 返回参数 / Response parameters, 错误码 / Error codes)";
      } else {
        what += "; sections without one:";
        for (const Section* s : unread_)
          what += " '" + s->title + "' (" + kind_name(s->kind) + ", line " +
                  std::to_string(s->heading + 1) + ")";
      }
      return fail("doc.no_tables", what, file_);
    }
    for (const Section* s : unread_)
      if (s->kind == Kind::Request && !have_params_)
        c_.warnings.push_back("line " + std::to_string(s->heading + 1) + ": the section '" +
                              s->title + "' holds no parameter table or list that could be read");
    c_.response = build_response_tree(response_);
    return {};
  }

 private:
  void params(const Table& t) {
    for (const Row& row : t.rows) {
      // A row standing for the common parameters ("<公共请求参数>", "<Common request parameters>")
      // is a pointer to another page, not a parameter.
      if (points_to_common(cell(row, t.col(Role::Name)))) continue;
      add_param(param_from_row(t, row, c_.warnings));
    }
    first_header_ = t.header;
    have_params_ = true;
  }

  void add_param(Param p) {
    if (p.name == "Action" && !sources_.action_param) {
      if (action_shaped(p.example))
        sources_.action_param = p.example;
      else if (auto a = action_from_description(p.description))
        sources_.action_param = *a;
    }
    c_.params.push_back(std::move(p));
  }

  // The bullet-list layout of a section that holds no table of its kind.
  bool bullets(const Section& s) {
    if (s.kind == Kind::Request && have_params_) return false;
    auto items = read_bullet_items(lines_, s.begin, s.end);
    if (items.empty()) return false;
    read_ += items.size();
    for (const auto& item : items) {
      if (s.kind == Kind::Request) {
        Param p;
        p.name = item.name;
        p.type = item.get(Role::Type);
        std::string raw = item.get(Role::Required);
        if (auto r = read_required(raw)) {
          p.required = *r;
        } else if (!raw.empty()) {
          c_.warnings.push_back("line " + std::to_string(item.line + 1) + ": parameter '" + p.name +
                                "' has an unreadable required value '" + raw + "'");
        }
        p.example = item.get(Role::Example);
        p.description = item.get(Role::Description);
        p.position = item.get(Role::Position);
        add_param(std::move(p));
      } else if (s.kind == Kind::Errors) {
        ErrorRow e;
        e.code = item.name;
        e.http_raw = item.get(Role::Http);
        if (text::all_digits(e.http_raw) && e.http_raw.size() <= 6) e.http = std::stoi(e.http_raw);
        e.message = item.get(Role::Message);
        e.description = text::collapse_whitespace(item.get(Role::Description));
        c_.errors.push_back(std::move(e));
      } else if (s.kind == Kind::Response) {
        response_.push_back(ResponseRow{item.name, item.get(Role::Type),
                                        item.get(Role::Description), item.get(Role::Example), 0});
      }
    }
    if (s.kind == Kind::Request) have_params_ = true;
    return true;
  }

  const std::vector<string_view>& lines_;
  const std::string& file_;
  Contract& c_;
  ActionSources& sources_;
  size_t read_ = 0;  // tables and bullet items read
  bool have_params_ = false;
  int further_tables_ = 0;  // parameter tables of the request section after the first
  bool seen_response_ = false;
  std::vector<std::string> first_header_;
  std::vector<FieldTable> fields_;
  std::vector<ResponseRow> response_;
  std::vector<const Section*> unread_;  // sections of a known kind that held nothing readable
};

}  // namespace

Expected<Contract> read_markdown(string_view text, const std::string& file,
                                 const ReadOptions& options) {
  std::vector<string_view> lines = text::split_lines(text);
  std::vector<Section> sections = split_sections(lines);

  Contract c;
  c.source.file = file;
  c.source.format = "markdown";
  ActionSources sources;

  for (const auto& s : sections)
    if (s.level == 1) {
      c.title = s.title;
      if (action_shaped(c.title)) sources.title = c.title;
      break;
    }

  PageReader reader(lines, file, c, sources);
  for (const auto& s : sections)
    if (auto r = reader.section(s); !r) return std::unexpected(r.error());
  if (auto r = reader.finish(); !r) return std::unexpected(r.error());

  for (const auto& [k, v] : c.examples.request_params)
    if (k == "Action" && !v.empty()) {
      sources.request_example = v;
      break;
    }
  if (auto done = finish_contract(c, sources, text, options); !done)
    return std::unexpected(done.error());
  return c;
}

}  // namespace popcheck::core::doc
