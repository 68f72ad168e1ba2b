// The markdown reader. It follows the reading rules of docs/readers.md: sections split on
// headings outside code fences; a table starts at a delimiter row; a row runs until the accumulated text
// ends with '|' and holds ncols+1 unescaped pipes outside fenced code; rows with too many cells are
// folded back by the column whose reading leaves the typed columns valid; column roles come from the
// header labels.
#include "core/compile/markdown.hpp"

#include <algorithm>
#include <array>

#include "core/compile/text.hpp"

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
  size_t heading = 0;     // line index of the heading
  size_t begin = 0, end = 0;  // body lines [begin, end)
};

// Number of "```" marks on a line: an odd number toggles the fence state.
int fence_marks(string_view line) {
  int n = 0;
  for (size_t p = line.find("```"); p != npos; p = line.find("```", p + 3)) ++n;
  return n;
}

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
  if (size_t brace = t.rfind('{'); brace != npos && t.ends_with("}")) t = text::trim(t.substr(0, brace));
  while (t.ends_with("#")) t = text::trim(t.substr(0, t.size() - 1));
  return text::normalize_cell(t);
}

bool contains(string_view hay, string_view needle) { return hay.find(needle) != npos; }
bool icontains(string_view hay, string_view needle) { return text::ifind(hay, needle) != npos; }

Kind classify_heading(string_view title) {
  std::string t = text::to_lower(text::trim(title));
  while (!t.empty() && (t.back() == ':' || t.back() == ' ')) t.pop_back();
  if (t.ends_with("：")) t.resize(t.size() - 3);
  if (contains(t, "请求参数") || contains(t, "输入参数") || contains(t, "request parameter") ||
      contains(t, "request param"))
    return Kind::Request;
  if (contains(t, "返回参数") || contains(t, "返回数据") || contains(t, "返回值") ||
      contains(t, "response parameter") || contains(t, "return parameter") ||
      contains(t, "response param") || contains(t, "response data") || contains(t, "出参"))
    return Kind::Response;
  if (contains(t, "错误码") || contains(t, "错误代码") || contains(t, "error code") || t == "errors" ||
      t == "error")
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

// ---------------------------------------------------------------------------------------------------
// Tables.

enum class Role { None, Name, Type, Required, Example, Description, Http, Code, Message, Position };

Role role_of(string_view label) {
  std::string l = text::to_lower(text::normalize_cell(label));
  while (!l.empty() && (l.back() == '?' || l.back() == ':' || l.back() == ' ')) l.pop_back();
  for (string_view suffix : {"？", "："})
    if (l.ends_with(suffix)) l.resize(l.size() - suffix.size());
  if (l.starts_with("http")) return Role::Http;
  if (l == "名称" || l == "name" || l == "parameter" || l == "参数" || l == "参数名" ||
      l == "参数名称" || l == "parameter name" || l == "field")
    return Role::Name;
  if (l == "类型" || l == "type" || l == "数据类型" || l == "data type") return Role::Type;
  if (l == "是否必选" || l == "是否必需" || l == "是否必须" || l == "是否必填" || l == "必选" ||
      l == "必填" || l == "required")
    return Role::Required;
  if (l == "示例值" || l == "示例" || l == "example" || l == "example value" || l == "sample value")
    return Role::Example;
  if (l == "描述" || l == "说明" || l == "description" || l == "meaning" || l == "note" ||
      l == "备注" || l == "notes")
    return Role::Description;
  if (l == "错误码" || l == "错误代码" || l == "error code" || l == "error codes" ||
      l == "code" || l == "errorcode")
    return Role::Code;
  if (l == "错误信息" || l == "error message" || l == "error messages" ||
      l == "error information" || l == "message" || l == "错误消息" || l == "错误提示")
    return Role::Message;
  if (l == "位置" || l == "position") return Role::Position;
  return Role::None;
}

struct Row {
  size_t line = 0;  // 0-based line of the row's first line
  std::vector<std::string> cells;  // raw cell text, exactly one per column
};

struct Table {
  size_t line = 0;  // 0-based line of the delimiter row
  std::vector<std::string> header;  // normalised labels
  std::vector<Role> roles;
  std::vector<Row> rows;

  int col(Role r) const {
    for (size_t i = 0; i < roles.size(); ++i)
      if (roles[i] == r) return static_cast<int>(i);
    return -1;
  }
  bool is_params() const { return col(Role::Name) >= 0 && (col(Role::Type) >= 0 || col(Role::Required) >= 0); }
  bool is_errors() const { return col(Role::Code) >= 0; }
};

bool is_delimiter_row(string_view line) {
  string_view t = text::trim(line);
  if (t.empty() || t.find('|') == npos || t.find('-') == npos) return false;
  return std::all_of(t.begin(), t.end(),
                     [](char c) { return c == '|' || c == '-' || c == ':' || c == ' ' || c == '\t'; });
}

size_t delimiter_columns(string_view line) {
  size_t n = 0;
  string_view t = text::trim(line);
  size_t start = 0;
  while (start <= t.size()) {
    size_t p = t.find('|', start);
    string_view seg = t.substr(start, p == npos ? npos : p - start);
    if (seg.find('-') != npos) ++n;
    if (p == npos) break;
    start = p + 1;
  }
  return n;
}

// Pipe counting and splitting both skip escaped pipes and pipes inside fenced code in a cell.
struct Scan {
  bool in_fence = false;
  size_t pipes = 0;
};

void scan_line(string_view line, Scan& st) {
  for (size_t i = 0; i < line.size();) {
    if (line[i] == '`' && line.compare(i, 3, "```") == 0) {
      st.in_fence = !st.in_fence;
      i += 3;
    } else if (line[i] == '\\' && i + 1 < line.size()) {
      i += 2;
    } else {
      if (line[i] == '|' && !st.in_fence) ++st.pipes;
      ++i;
    }
  }
}

std::vector<std::string> split_row(string_view row) {
  std::vector<std::string> cells;
  std::string cur;
  bool in_fence = false;
  for (size_t i = 0; i < row.size();) {
    if (row[i] == '`' && row.compare(i, 3, "```") == 0) {
      in_fence = !in_fence;
      cur.append("```");
      i += 3;
    } else if (row[i] == '\\' && i + 1 < row.size()) {
      cur += row[i];
      cur += row[i + 1];
      i += 2;
    } else if (row[i] == '|' && !in_fence) {
      cells.push_back(std::move(cur));
      cur.clear();
      ++i;
    } else {
      cur += row[i++];
    }
  }
  cells.push_back(std::move(cur));
  string_view t = text::trim(row);
  // The text before the first pipe and after the last one is outside the table.
  if (t.starts_with("|") && !cells.empty()) cells.erase(cells.begin());
  if (t.ends_with("|") && !cells.empty()) cells.pop_back();
  return cells;
}

string_view rtrim(string_view s) {
  while (!s.empty() && text::is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::optional<bool> read_required(const std::string& v) {
  std::string l = text::to_lower(v);
  // "Yes." and "是。" occur; the sentence stop carries no meaning.
  while (l.ends_with(".")) l.pop_back();
  if (l.ends_with("。")) l.resize(l.size() - 3);
  if (l == "是" || l == "yes" || l == "true" || l == "必选" || l == "required") return true;
  if (l == "否" || l == "no" || l == "false" || l == "可选" || l == "optional") return false;
  return std::nullopt;
}

// Whether a normalised cell looks like what its column holds; used to fold rows with extra pipes.
bool typed_valid(Role role, const std::string& raw) {
  std::string v = text::normalize_cell(raw);
  switch (role) {
    case Role::Http:
      return v.size() == 3 && text::all_digits(v);
    case Role::Required:
      return read_required(v).has_value();
    case Role::Type:
      return !v.empty() && v.size() <= 40 &&
             std::all_of(v.begin(), v.end(), [](char c) { return text::is_alnum(c) || c == ' '; });
    case Role::Code:
      return !v.empty() && std::all_of(v.begin(), v.end(), [](char c) {
        return text::is_alnum(c) || c == '.' || c == '_' || c == '-' || c == ' ';
      }) && std::count(v.begin(), v.end(), ' ') <= 1;
    case Role::Name:
      return !v.empty() && v.find(' ') == std::string::npos;
    default:
      return true;
  }
}

constexpr size_t kMaxFoldColumns = 16;
// A header above its delimiter row spans at most this many non-blank lines (one per cell).
constexpr size_t kMaxHeaderLines = 64;
// A short one-line row's extension looks this many lines ahead at most; real multi-line cells are
// far shorter, and the bound keeps a page of short rows linear.
constexpr size_t kMaxExtensionLines = 4096;
// Response rows above which "## XxxSet" sections are appended rather than nested.
constexpr size_t kMaxNestedRows = 4096;

// Folds a row with too many cells back to `ncols`: each column in turn takes the extra pipes, and the
// reading with the most valid typed columns wins; ties go to a description or message column (prose
// is where a stray pipe lives), then to the leftmost.
std::vector<std::string> fold_cells(std::vector<std::string> cells, const std::vector<Role>& roles) {
  size_t ncols = roles.size();
  if (cells.size() <= ncols) {
    cells.resize(ncols);
    return cells;
  }
  size_t extra = cells.size() - ncols;
  // Real tables have a handful of columns; a pathological header gets the plain reading (extra cells
  // joined into the last column) so that folding never costs more than a few passes over the row.
  if (ncols > kMaxFoldColumns) {
    for (size_t k = ncols; k < cells.size(); ++k) cells[ncols - 1] += "|" + cells[k];
    cells.resize(ncols);
    return cells;
  }
  std::vector<std::string> best;
  int best_score = -1;
  for (size_t c = 0; c < ncols; ++c) {
    std::vector<std::string> merged(cells.begin(), cells.begin() + static_cast<long>(c));
    std::string joined = cells[c];
    for (size_t k = 1; k <= extra; ++k) joined += "|" + cells[c + k];
    merged.push_back(std::move(joined));
    merged.insert(merged.end(), cells.begin() + static_cast<long>(c + extra + 1), cells.end());
    int score = 0;
    for (size_t k = 0; k < ncols; ++k) score += typed_valid(roles[k], merged[k]) ? 4 : 0;
    if (roles[c] == Role::Description) score += 2;
    if (roles[c] == Role::Message) score += 1;
    if (score > best_score) {
      best_score = score;
      best = std::move(merged);
    }
  }
  return best;
}

// Reads every table in lines [begin, end). A row that never closes is a truncated table.
Expected<std::vector<Table>> read_tables(const std::vector<string_view>& lines, size_t begin,
                                         size_t end, const std::string& file) {
  std::vector<Table> tables;
  bool in_fence = false;
  for (size_t i = begin; i < end; ++i) {
    if (in_fence || !is_delimiter_row(lines[i])) {
      if (fence_marks(lines[i]) % 2 == 1) in_fence = !in_fence;
      continue;
    }
    size_t ncols = delimiter_columns(lines[i]);
    if (ncols == 0) continue;
    // The header: lines above the delimiter back to the one that completes ncols+1 pipes (a header
    // may be written one cell per line, with blank lines between).
    size_t top = i, pipes = 0, seen = 0;
    for (size_t j = i; j-- > begin;) {
      string_view t = text::trim(lines[j]);
      if (t.empty()) continue;
      if (++seen > kMaxHeaderLines) break;
      if (!t.starts_with("|") && !(top == i && t.find('|') != npos)) break;
      Scan sc;
      scan_line(lines[j], sc);
      pipes += sc.pipes;
      top = j;
      if (pipes >= ncols + 1 || !t.starts_with("|")) break;
    }
    if (top == i) continue;
    std::string header_text;
    for (size_t j = top; j < i; ++j) {
      header_text.append(lines[j]);
      header_text += '\n';
    }
    Table table;
    table.line = i;
    for (auto& h : split_row(header_text)) table.header.push_back(text::normalize_cell(h));
    table.header.resize(ncols);
    for (const auto& h : table.header) table.roles.push_back(role_of(h));

    size_t r = i + 1;
    while (r < end) {
      string_view t = text::trim(lines[r]);
      if (!t.starts_with("|")) break;
      if (is_delimiter_row(lines[r])) break;
      size_t start = r;
      std::string acc(lines[r]);
      Scan sc;
      scan_line(lines[r], sc);
      auto complete = [&] {
        return !sc.in_fence && sc.pipes >= ncols + 1 && rtrim(acc).ends_with("|");
      };
      ++r;
      if (!complete()) {
        bool short_one_line = !sc.in_fence && rtrim(acc).ends_with("|");
        // A short one-line row is extended only if that does not swallow the next row.
        bool next_is_row = false;
        if (short_one_line) {
          size_t k = r;
          while (k < end && text::trim(lines[k]).empty()) ++k;
          string_view nt = k < end ? text::trim(lines[k]) : string_view();
          next_is_row = k >= end || (nt.starts_with("|") && nt != "|");
        }
        if (!(short_one_line && next_is_row)) {
          std::string trial = acc;
          Scan tsc = sc;
          size_t k = r;
          bool done = false;
          size_t limit = short_one_line ? std::min(end, r + kMaxExtensionLines) : end;
          while (k < limit && !done) {
            // A short row never takes in a line that starts another row (or a table header).
            string_view lt = text::trim(lines[k]);
            if (short_one_line && !tsc.in_fence && lt.starts_with("|") && lt != "|") break;
            trial += '\n';
            trial.append(lines[k]);
            scan_line(lines[k], tsc);
            ++k;
            done = !tsc.in_fence && tsc.pipes >= ncols + 1 && rtrim(trial).ends_with("|");
          }
          if (done) {
            acc = std::move(trial);
            r = k;
          } else if (!short_one_line) {
            return fail("doc.truncated_table",
                        "a table row starting here never ends: no closing '|' for " +
                            std::to_string(ncols) + " columns before the end of the section",
                        file, static_cast<int>(start + 1));
          }
        }
      }
      Row row;
      row.line = start;
      row.cells = fold_cells(split_row(acc), table.roles);
      bool all_empty = std::all_of(row.cells.begin(), row.cells.end(),
                                   [](const std::string& c) { return text::trim(c).empty(); });
      if (!all_empty) table.rows.push_back(std::move(row));
    }
    tables.push_back(std::move(table));
    i = r - 1;
  }
  return tables;
}

std::string cell(const Row& row, int col) {
  if (col < 0 || static_cast<size_t>(col) >= row.cells.size()) return {};
  return text::normalize_cell(row.cells[static_cast<size_t>(col)]);
}

std::string block(const Row& row, int col) {
  if (col < 0 || static_cast<size_t>(col) >= row.cells.size()) return {};
  return text::normalize_block(row.cells[static_cast<size_t>(col)]);
}

// "└└Name" -> ("Name", 2).
std::pair<std::string, int> strip_depth(std::string name) {
  int depth = 0;
  static constexpr string_view kMark = "└";
  for (;;) {
    std::string_view t = text::trim(name);
    if (t.starts_with(kMark)) {
      ++depth;
      name = std::string(t.substr(kMark.size()));
    } else {
      name = std::string(t);
      break;
    }
  }
  return {name, depth};
}

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

  size_t table_count = 0;
  int request_tables = 0;
  bool seen_response = false;
  std::vector<ResponseRow> response;

  for (const auto& s : sections) {
    if (s.kind == Kind::Examples) {
      read_examples(lines, s, c.examples, c.warnings);
      continue;
    }
    auto tables = read_tables(lines, s.begin, s.end, file);
    if (!tables) return std::unexpected(tables.error());
    table_count += tables->size();
    if (s.kind == Kind::Response) seen_response = true;

    for (const Table& t : *tables) {
      if (s.kind == Kind::Request && t.is_params()) {
        int name = t.col(Role::Name), type = t.col(Role::Type), req = t.col(Role::Required),
            example = t.col(Role::Example), desc = t.col(Role::Description),
            pos = t.col(Role::Position);
        for (const Row& row : t.rows) {
          Param p;
          auto [n, depth] = strip_depth(cell(row, name));
          p.name = std::move(n);
          p.depth = depth;
          p.type = cell(row, type);
          std::string raw_required = cell(row, req);
          if (auto r = read_required(raw_required)) {
            p.required = *r;
          } else if (req >= 0) {
            c.warnings.push_back("line " + std::to_string(row.line + 1) + ": parameter '" + p.name +
                                 "' has an unreadable required cell '" + raw_required + "'");
          }
          p.example = cell(row, example);
          p.description = block(row, desc);
          p.position = cell(row, pos);
          p.table = request_tables;
          if (request_tables == 0 && p.name == "Action" && !sources.action_param) {
            if (action_shaped(p.example))
              sources.action_param = p.example;
            else if (auto a = action_from_description(p.description))
              sources.action_param = *a;
          }
          c.params.push_back(std::move(p));
        }
        ++request_tables;
      } else if (s.kind == Kind::Errors && t.is_errors()) {
        int http = t.col(Role::Http), code = t.col(Role::Code), msg = t.col(Role::Message),
            desc = t.col(Role::Description);
        // The mislabelled ESS tables (error_columns_suspect in oracle.json): the API's message sits in
        // the column right after the code. When that column is labelled description and the message
        // label is elsewhere (or absent), the labels are swapped and the content decides: the message
        // is the column after the code, the description the other prose column.
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
      } else if (t.col(Role::Name) >= 0 && t.col(Role::Type) >= 0 &&
                 (s.kind == Kind::Response ||
                  (s.kind == Kind::Other && seen_response && action_shaped(s.title) &&
                   s.title != c.title))) {
        int name = t.col(Role::Name), type = t.col(Role::Type), example = t.col(Role::Example),
            desc = t.col(Role::Description);
        std::vector<ResponseRow> rows;
        for (const Row& row : t.rows) {
          ResponseRow rr;
          auto [n, depth] = strip_depth(cell(row, name));
          rr.name = std::move(n);
          rr.depth = depth;
          rr.raw_type = cell(row, type);
          rr.example = cell(row, example);
          rr.description = block(row, desc);
          rows.push_back(std::move(rr));
        }
        if (s.kind == Kind::Response) {
          response.insert(response.end(), rows.begin(), rows.end());
        } else {
          // A "## XxxSet" section describes the members of the response field whose type refers to it
          // ("Array of [XxxSet](#anchor)") or, failing that, of the field of that name.
          auto refers = [&](const ResponseRow& r) {
            size_t p = r.raw_type.find(s.title);
            if (p == std::string::npos) return false;
            size_t e = p + s.title.size();
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
              if (response[k].name == s.title) owner = k;
          }
          if (owner < response.size()) {
            base = response[owner].depth + 1;
            at = owner + 1;
            while (at < response.size() && response[at].depth > response[owner].depth) ++at;
          } else {
            response.push_back(ResponseRow{s.title, "", "", "", 0});
            at = response.size();
            base = 1;
          }
          for (auto& rr : rows) rr.depth += base;
          response.insert(response.begin() + static_cast<long>(at), rows.begin(), rows.end());
        }
      }
    }
  }

  if (table_count == 0)
    return fail("doc.no_tables", "the page has no tables: no parameter or error table was found",
                file);

  c.response = build_response_tree(response);
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
