#pragma once
// The structures of a markdown reference page below its sections: pipe tables (with or without a
// delimiter row), the column roles their header labels give, and the older layout that writes each
// parameter or error as a bold name followed by a bullet list ("**UserName**", "-   类型：String",
// "-   必须：是"). Internal to the compile module: markdown.cpp reads sections with these, and
// fields.cpp attaches the tables that describe one parameter's fields. The reading rules are in
// docs/readers.md.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "core/model.hpp"

namespace popcheck::core::doc {

enum class Role { None, Name, Type, Required, Example, Description, Http, Code, Message, Position };

// The role a header label (or a bullet's key) names: 名称/Name/Parameter -> Name, 类型/Type -> Type,
// 是否必选/必要/Required -> Required, ... None for a label of no known role.
Role role_of(std::string_view label);

// "是", "Yes", "Required", "必选", "true" -> true; "否", "No", "Optional", "可选", "false" -> false.
std::optional<bool> read_required(const std::string& value);

struct Row {
  size_t line = 0;                 // 0-based line of the row's first line
  std::vector<std::string> cells;  // raw cell text, exactly one per column
};

struct Table {
  size_t line = 0;         // 0-based line of the delimiter row, or of the header when there is none
  size_t header_line = 0;  // 0-based first line of the header
  size_t end = 0;          // the line after its last row
  bool delimited = true;   // false: the table has no |---| row (its header is recognised by labels)
  std::vector<std::string> header;  // normalised labels
  std::vector<Role> roles;
  std::vector<Row> rows;

  int col(Role r) const {
    for (size_t i = 0; i < roles.size(); ++i)
      if (roles[i] == r) return static_cast<int>(i);
    return -1;
  }
  bool is_params() const {
    return col(Role::Name) >= 0 && (col(Role::Type) >= 0 || col(Role::Required) >= 0);
  }
  bool is_errors() const { return col(Role::Code) >= 0; }
};

// Reads every table in lines [begin, end). A row that never closes is a truncated table
// ("doc.truncated_table" with its line).
Expected<std::vector<Table>> read_tables(const std::vector<std::string_view>& lines, size_t begin,
                                         size_t end, const std::string& file);

// The normalised text of a cell (one line) and its block form (line structure kept).
std::string cell(const Row& row, int col);
std::string block(const Row& row, int col);

// "└└Name" -> ("Name", 2).
std::pair<std::string, int> strip_depth(std::string name);

// One item of the bullet-list layout: a bold name on a line of its own and the bullets under it,
// each "key：value" or "key: value" whose key has a role. Lines under a bullet that start no new
// bullet continue its value.
struct BulletItem {
  size_t line = 0;  // 0-based line of the bold name
  std::string name;
  std::vector<std::pair<Role, std::string>> values;  // in order; a role may repeat

  // The first value of the role, normalised as a cell ("" when absent); Description gathers every
  // description-like bullet (描述, 取值范围, 默认值, ...) as a block.
  std::string get(Role r) const;
};

// The bullet-list items in lines [begin, end), outside code fences. A bold line whose bullets
// name no role (a "**说明：**" note) is not an item.
std::vector<BulletItem> read_bullet_items(const std::vector<std::string_view>& lines, size_t begin,
                                          size_t end);

// Number of "```" marks on a line: an odd number toggles the fence state.
int fence_marks(std::string_view line);

// A parameter from a row of a parameter table: name (└ markers give the depth), type, required
// flag, example, description and position. An unreadable required cell is reported in `warnings`.
Param param_from_row(const Table& table, const Row& row, std::vector<std::string>& warnings);

// A parameter-like table that is not the request's parameter table: it may describe the fields of
// one JSON-valued parameter ("Sources 各字段含义", the per-protocol options of OptionsJson).
struct FieldTable {
  Table table;
  std::string label;        // the heading and the lines of text just above the table
  bool in_request = false;  // inside the request section (else a section of its own)
  int ordinal = 0;  // in the request section: 1 for the table after the parameter table, ...
};

// Attaches each field table to the parameter it describes, as that parameter's fields. The owner is,
// in order: the parameter whose JSON example has keys the table names; the parameter (or type) the
// label names; the owner of the field table just before it. A table in the request section with no
// owner and the parameter table's header continues that table (its rows are parameters with
// Param::table = its ordinal); any other is left out with a warning.
void attach_fields(std::vector<Param>& params, const std::vector<std::string>& first_header,
                   std::vector<FieldTable>& tables, std::vector<std::string>& warnings);

}  // namespace popcheck::core::doc
