// The bullet-list layout of older reference pages (tables.hpp): each parameter, response field or
// error is a bold name on a line of its own, followed by bullets that name its attributes:
//
//   **UserName**
//
//   -   类型：String
//   -   必须：是
//   -   描述：...
//
//   **EntityNotExist.User**
//
//   -   HTTP Status：400
//   -   Error Message：The user does not exist.
//
// A bullet's key gets its role from the same labels as a table header; keys that qualify the
// description (取值范围, 默认值, 格式, Valid values, Default value, ...) join the description.
#include <algorithm>

#include "core/compile/tables.hpp"
#include "core/support/text.hpp"

namespace popcheck::core::doc {

namespace {

using std::string_view;
constexpr size_t npos = string_view::npos;

// Keys that carry part of the description under their own label.
bool describes(const std::string& key) {
  static constexpr string_view keys[] = {
      "取值范围",     "取值",        "默认值", "默认",          "格式",
      "限制",         "约束",        "单位",   "长度",          "枚举值",
      "valid values", "value range", "values", "default value", "default",
      "format",       "constraints", "unit",   "length",        "allowed values"};
  std::string l = text::to_lower(key);
  return std::any_of(std::begin(keys), std::end(keys), [&](string_view k) { return l == k; });
}

// "**Tag.N.Key**" or "**Tag.N.Key**：" at the margin -> "Tag.N.Key"; empty when the line is not a
// bold name (an indented "**说明：**" inside a description is not one).
std::string bold_name(string_view line) {
  if (line.empty() || text::is_space(line.front())) return {};
  string_view t = text::trim(line);
  for (string_view colon : {"：", ":"})
    if (t.ends_with(colon)) t = text::trim(t.substr(0, t.size() - colon.size()));
  if (t.size() < 5 || !t.starts_with("**") || !t.ends_with("**")) return {};
  std::string name = text::unescape_markdown(text::trim(t.substr(2, t.size() - 4)));
  if (name.empty() || !text::is_alpha(name.front())) return {};
  bool ok = std::all_of(name.begin(), name.end(), [](char c) {
    return text::is_alnum(c) || c == '.' || c == '_' || c == '-';
  });
  return ok ? name : std::string();
}

// "-   类型：String" -> ("类型", "String"); nothing when the line is not a keyed bullet.
std::optional<std::pair<std::string, std::string>> keyed_bullet(string_view line) {
  string_view t = text::trim(line);
  if (!(t.starts_with("- ") || t.starts_with("* ") || t.starts_with("-\t"))) return std::nullopt;
  t = text::trim(t.substr(1));
  size_t wide = t.find("："), narrow = t.find(':');
  size_t at = std::min(wide, narrow);
  if (at == npos || at == 0 || at > 40) return std::nullopt;
  size_t skip = at == wide ? string_view("：").size() : 1;
  std::string key = text::normalize_cell(t.substr(0, at));
  return std::pair{key, std::string(text::trim(t.substr(at + skip)))};
}

bool is_bullet(string_view line) {
  string_view t = text::trim(line);
  return t.starts_with("- ") || t.starts_with("* ") || t.starts_with("-\t");
}

}  // namespace

std::string BulletItem::get(Role r) const {
  if (r != Role::Description) {
    for (const auto& [role, v] : values)
      if (role == r) return text::normalize_cell(v);
    return {};
  }
  std::string out;
  for (const auto& [role, v] : values)
    if (role == Role::Description) {
      std::string b = text::normalize_block(v);
      if (b.empty()) continue;
      if (!out.empty()) out += '\n';
      out += b;
    }
  return out;
}

std::vector<BulletItem> read_bullet_items(const std::vector<string_view>& lines, size_t begin,
                                          size_t end) {
  std::vector<BulletItem> items;
  std::optional<BulletItem> cur;
  bool in_fence = false;
  bool open_value = false;  // continuation lines belong to the last bullet
  auto close = [&] {
    if (!cur) return;
    bool keyed = std::any_of(cur->values.begin(), cur->values.end(), [](const auto& v) {
      return v.first == Role::Type || v.first == Role::Required || v.first == Role::Http ||
             v.first == Role::Message || v.first == Role::Description;
    });
    if (keyed) items.push_back(std::move(*cur));
    cur.reset();
  };
  for (size_t i = begin; i < end; ++i) {
    string_view line = lines[i];
    if (in_fence) {
      if (cur && open_value) (cur->values.back().second += '\n').append(line);
      if (fence_marks(line) % 2 == 1) in_fence = false;
      continue;
    }
    if (fence_marks(line) % 2 == 1) {
      in_fence = true;
      if (cur && open_value) (cur->values.back().second += '\n').append(line);
      continue;
    }
    if (std::string name = bold_name(line); !name.empty()) {
      close();
      cur = BulletItem{i, name, {}};
      open_value = false;
      continue;
    }
    if (!cur) continue;
    if (auto kv = keyed_bullet(line)) {
      Role role = role_of(kv->first);
      if (role == Role::None && describes(kv->first)) {
        bool ascii = std::all_of(kv->first.begin(), kv->first.end(),
                                 [](char c) { return static_cast<unsigned char>(c) < 0x80; });
        cur->values.emplace_back(Role::Description, kv->first + (ascii ? ": " : "：") + kv->second);
      } else if (role != Role::None) {
        cur->values.emplace_back(role, kv->second);
      } else {
        open_value = false;
        continue;
      }
      open_value = true;
      continue;
    }
    if (is_bullet(line) && !text::is_space(line[0])) {
      // An unkeyed bullet at the margin ends the attribute list.
      open_value = false;
      continue;
    }
    if (open_value && !cur->values.empty()) (cur->values.back().second += '\n').append(line);
  }
  close();
  return items;
}

}  // namespace popcheck::core::doc
