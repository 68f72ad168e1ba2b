// Pipe tables and column roles (tables.hpp). A table starts at a delimiter row, its header above it
// (possibly one cell per line); or, without a delimiter row, at a one-line header whose labels name
// known roles. A row runs until the accumulated text ends with '|' and holds ncols+1 unescaped pipes
// outside fenced code; rows with too many cells are folded back by the column whose reading leaves
// the typed columns valid.
#include "core/compile/tables.hpp"

#include <algorithm>

#include "core/support/text.hpp"

namespace popcheck::core::doc {

namespace {

using std::string_view;
constexpr size_t npos = string_view::npos;

bool one_of(const std::string& l, std::initializer_list<string_view> words) {
  return std::any_of(words.begin(), words.end(), [&](string_view w) { return l == w; });
}

}  // namespace

Role role_of(string_view label) {
  std::string l = text::to_lower(text::normalize_cell(label));
  for (;;) {
    size_t before = l.size();
    while (!l.empty() && (l.back() == '?' || l.back() == ':' || l.back() == ' ')) l.pop_back();
    for (string_view suffix : {"？", "："})
      if (l.ends_with(suffix)) l.resize(l.size() - suffix.size());
    if (l.size() == before) break;
  }
  if (l.starts_with("http") || l == "状态码" || l == "status code") return Role::Http;
  if (one_of(l, {"名称", "name", "parameter", "parameters", "参数", "参数名", "参数名称",
                 "parameter name", "field", "字段", "字段名", "字段名称", "属性", "属性名称"}))
    return Role::Name;
  if (one_of(l, {"类型", "type", "数据类型", "data type", "参数类型", "parameter type", "字段类型",
                 "值类型", "value type"}))
    return Role::Type;
  if (one_of(l,
             {"是否必选", "是否必需", "是否必须", "是否必填", "是否必要", "必选", "必填", "必要",
              "必需", "必须", "必要参数", "是否必要参数", "required", "is required", "mandatory",
              "mandatory or not", "required or not", "required or optional", "required/optional"}))
    return Role::Required;
  if (one_of(l, {"示例值", "示例", "example", "examples", "example value", "example values",
                 "sample value", "sample values", "取值示例", "参数示例", "样例", "样例值"}))
    return Role::Example;
  if (one_of(l,
             {"描述", "说明", "description", "meaning", "note", "备注", "notes", "含义", "参数说明",
              "参数描述", "详细说明", "描述信息", "字段说明", "字段描述", "remarks"}))
    return Role::Description;
  if (one_of(l,
             {"错误码", "错误代码", "错误编码", "error code", "error codes", "code", "errorcode"}))
    return Role::Code;
  if (one_of(l, {"错误信息", "error message", "error messages", "error information", "message",
                 "错误消息", "错误提示", "errormessage"}))
    return Role::Message;
  if (one_of(l, {"位置", "position", "参数位置", "location"})) return Role::Position;
  return Role::None;
}

std::optional<bool> read_required(const std::string& v) {
  std::string l = text::to_lower(text::normalize_cell(v));
  // "Yes." and "是。" occur; the sentence stop carries no meaning.
  while (l.ends_with(".")) l.pop_back();
  if (l.ends_with("。")) l.resize(l.size() - 3);
  if (one_of(l, {"是", "yes", "true", "必选", "必填", "必须", "必需", "必要", "required", "y"}))
    return true;
  if (one_of(l, {"否", "no", "false", "可选", "选填", "非必选", "非必填", "非必须", "非必需",
                 "不必须", "optional", "n"}))
    return false;
  return std::nullopt;
}

namespace {

bool is_delimiter_row(string_view line) {
  string_view t = text::trim(line);
  if (t.empty() || t.find('|') == npos || t.find('-') == npos) return false;
  return std::all_of(t.begin(), t.end(), [](char c) {
    return c == '|' || c == '-' || c == ':' || c == ' ' || c == '\t';
  });
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

// Folds a row with too many cells back to `ncols`: each column in turn takes the extra pipes, and the
// reading with the most valid typed columns wins; ties go to a description or message column (prose
// is where a stray pipe lives), then to the leftmost.
std::vector<std::string> fold_cells(std::vector<std::string> cells,
                                    const std::vector<Role>& roles) {
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

// Header labels of a table without a delimiter row: every cell a short label, at least two of them
// with a role, one of them a name or an error code. Anything less is a pipe in prose.
constexpr size_t kMaxLabelBytes = 48;

std::optional<std::vector<std::string>> bare_header(string_view line) {
  string_view t = text::trim(line);
  if (!t.starts_with("|") || !t.ends_with("|") || t.size() < 3) return std::nullopt;
  std::vector<std::string> cells;
  for (auto& c : split_row(t)) cells.push_back(text::normalize_cell(c));
  if (cells.size() < 2) return std::nullopt;
  int known = 0;
  bool anchor = false;
  for (const auto& c : cells) {
    if (c.empty() || c.size() > kMaxLabelBytes) return std::nullopt;
    Role r = role_of(c);
    if (r != Role::None) ++known;
    if (r == Role::Name || r == Role::Code) anchor = true;
  }
  if (known < 2 || !anchor) return std::nullopt;
  return cells;
}

// Two columns labelled as names ("Parameters|Parameters|Required|..."): the second, when no column
// is labelled type, is the type column.
void settle_roles(Table& table) {
  for (const auto& h : table.header) table.roles.push_back(role_of(h));
  if (table.col(Role::Type) >= 0) return;
  int first = table.col(Role::Name);
  for (size_t k = static_cast<size_t>(first) + 1; first >= 0 && k < table.roles.size(); ++k)
    if (table.roles[k] == Role::Name) {
      table.roles[k] = Role::Type;
      return;
    }
}

// Reads the rows of `table` from line r on; returns the line after the last row.
Expected<size_t> read_rows(const std::vector<string_view>& lines, size_t r, size_t end,
                           Table& table, const std::string& file) {
  size_t ncols = table.roles.size();
  while (r < end) {
    string_view t = text::trim(lines[r]);
    if (!t.starts_with("|")) break;
    if (is_delimiter_row(lines[r])) break;
    size_t start = r;
    std::string acc(lines[r]);
    Scan sc;
    scan_line(lines[r], sc);
    auto complete = [&] {
      return !sc.in_fence && sc.pipes >= ncols + 1 && text::trim_ascii(acc).ends_with("|");
    };
    ++r;
    if (!complete()) {
      bool short_one_line = !sc.in_fence && text::trim_ascii(acc).ends_with("|");
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
          done = !tsc.in_fence && tsc.pipes >= ncols + 1 && text::trim_ascii(trial).ends_with("|");
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
  table.end = r;
  return r;
}

}  // namespace

Expected<std::vector<Table>> read_tables(const std::vector<string_view>& lines, size_t begin,
                                         size_t end, const std::string& file) {
  std::vector<Table> tables;
  bool in_fence = false;
  for (size_t i = begin; i < end; ++i) {
    // A table without a delimiter row: a one-line header of known labels, rows right under it. Only
    // such a line looks past the blank lines below it, so that a run of blank lines costs its length.
    auto labels = in_fence || is_delimiter_row(lines[i]) ? std::nullopt : bare_header(lines[i]);
    if (labels) {
      size_t next = i + 1;
      while (next < end && text::trim(lines[next]).empty()) ++next;
      if (next >= end || !is_delimiter_row(lines[next])) {
        Table table;
        table.line = table.header_line = i;
        table.delimited = false;
        table.header = std::move(*labels);
        settle_roles(table);
        auto r = read_rows(lines, i + 1, end, table, file);
        if (!r) return std::unexpected(r.error());
        tables.push_back(std::move(table));
        i = *r - 1;
        continue;
      }
    }
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
      if (!t.starts_with("|") && (top != i || t.find('|') == npos)) break;
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
    table.header_line = top;
    for (auto& h : split_row(header_text)) table.header.push_back(text::normalize_cell(h));
    table.header.resize(ncols);
    settle_roles(table);
    auto r = read_rows(lines, i + 1, end, table, file);
    if (!r) return std::unexpected(r.error());
    tables.push_back(std::move(table));
    i = *r - 1;
  }
  return tables;
}

int fence_marks(string_view line) {
  int n = 0;
  for (size_t p = line.find("```"); p != npos; p = line.find("```", p + 3)) ++n;
  return n;
}

std::string cell(const Row& row, int col) {
  if (col < 0 || static_cast<size_t>(col) >= row.cells.size()) return {};
  return text::normalize_cell(row.cells[static_cast<size_t>(col)]);
}

std::string block(const Row& row, int col) {
  if (col < 0 || static_cast<size_t>(col) >= row.cells.size()) return {};
  return text::normalize_block(row.cells[static_cast<size_t>(col)]);
}

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

Param param_from_row(const Table& t, const Row& row, std::vector<std::string>& warnings) {
  int name = t.col(Role::Name), type = t.col(Role::Type), req = t.col(Role::Required),
      example = t.col(Role::Example), desc = t.col(Role::Description), pos = t.col(Role::Position);
  Param p;
  auto [n, depth] = strip_depth(cell(row, name));
  p.name = std::move(n);
  p.depth = depth;
  p.type = cell(row, type);
  std::string raw_required = cell(row, req);
  if (auto r = read_required(raw_required)) {
    p.required = *r;
  } else if (req >= 0) {
    warnings.push_back("line " + std::to_string(row.line + 1) + ": parameter '" + p.name +
                       "' has an unreadable required cell '" + raw_required + "'");
  }
  p.example = cell(row, example);
  p.description = block(row, desc);
  p.position = cell(row, pos);
  return p;
}

}  // namespace popcheck::core::doc
