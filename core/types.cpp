#include "core/types.hpp"

#include <array>
#include <utility>

#include "core/support/text.hpp"

namespace popcheck::core {

using text::to_lower;

namespace {

template <class E, size_t N>
std::optional<E> lookup(const std::array<std::pair<E, std::string_view>, N>& table,
                        std::string_view s) {
  for (const auto& [value, name] : table)
    if (name == s) return value;
  return std::nullopt;
}

template <class E, size_t N>
std::string_view name_of(const std::array<std::pair<E, std::string_view>, N>& table, E e) {
  for (const auto& [value, name] : table)
    if (value == e) return name;
  return "?";
}

constexpr std::array<std::pair<CaseKind, std::string_view>, 5> kCaseKinds{{
    {CaseKind::example, "example"},
    {CaseKind::error, "error"},
    {CaseKind::negative, "negative"},
    {CaseKind::recorded, "recorded"},
    {CaseKind::observed, "observed"},
}};

constexpr std::array<std::pair<Shape, std::string_view>, 5> kShapes{{
    {Shape::example, "example"},
    {Shape::contract, "contract"},
    {Shape::error, "error"},
    {Shape::snapshot, "snapshot"},
    {Shape::none, "none"},
}};

constexpr std::array<std::pair<ValueType, std::string_view>, 7> kValueTypes{{
    {ValueType::any, ""},
    {ValueType::object, "object"},
    {ValueType::array, "array"},
    {ValueType::string, "string"},
    {ValueType::integer, "integer"},
    {ValueType::number, "number"},
    {ValueType::boolean, "boolean"},
}};

// Spellings of one word, lower case. A spelling not here (and no list form) names a structure.
constexpr std::array<std::pair<TypeClass, std::string_view>, 27> kTypeWords{{
    {TypeClass::string, "string"},     {TypeClass::string, "str"},
    {TypeClass::string, "char"},       {TypeClass::integer, "integer"},
    {TypeClass::integer, "int"},       {TypeClass::integer, "long"},
    {TypeClass::integer, "short"},     {TypeClass::integer, "byte"},
    {TypeClass::integer, "int32"},     {TypeClass::integer, "int64"},
    {TypeClass::number, "number"},     {TypeClass::number, "float"},
    {TypeClass::number, "double"},     {TypeClass::number, "decimal"},
    {TypeClass::number, "bigdecimal"}, {TypeClass::boolean, "boolean"},
    {TypeClass::boolean, "bool"},      {TypeClass::date, "date"},
    {TypeClass::date, "datetime"},     {TypeClass::json, "json"},
    {TypeClass::list, "repeatlist"},   {TypeClass::list, "array"},
    {TypeClass::list, "list"},         {TypeClass::object, "object"},
    {TypeClass::object, "struct"},     {TypeClass::object, "map"},
    {TypeClass::list, "arraylist"},
}};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

}  // namespace

std::string_view to_string(CaseKind k) { return name_of(kCaseKinds, k); }
std::optional<CaseKind> case_kind_from_string(std::string_view s) { return lookup(kCaseKinds, s); }
std::string_view case_kind_names() { return "example, error, negative, recorded, observed"; }

std::string_view to_string(Shape s) { return name_of(kShapes, s); }
std::optional<Shape> shape_from_string(std::string_view s) { return lookup(kShapes, s); }
std::string_view shape_names() { return "example, contract, error, snapshot, none"; }

std::string_view to_string(ValueType t) { return name_of(kValueTypes, t); }
std::optional<ValueType> value_type_from_string(std::string_view s) {
  return lookup(kValueTypes, s);
}
std::string_view value_type_names() {
  return "object, array, string, integer, number, boolean, or empty";
}

ValueType response_type_of(TypeClass c) {
  switch (c) {
    case TypeClass::string:
      return ValueType::string;
    case TypeClass::integer:
      return ValueType::integer;
    case TypeClass::number:
      return ValueType::number;
    case TypeClass::boolean:
      return ValueType::boolean;
    case TypeClass::list:
      return ValueType::array;
    case TypeClass::unspecified:
    case TypeClass::date:
    case TypeClass::json:
    case TypeClass::object:
      return ValueType::object;
  }
  return ValueType::object;
}

bool is_type_name(std::string_view word) { return lookup(kTypeWords, to_lower(word)).has_value(); }

TypeClass classify_type(std::string_view documented) {
  while (!documented.empty() && is_space(documented.front())) documented.remove_prefix(1);
  while (!documented.empty() && is_space(documented.back())) documented.remove_suffix(1);
  if (documented.empty()) return TypeClass::unspecified;
  const std::string t = to_lower(documented);
  if (auto c = lookup(kTypeWords, t)) return *c;
  // List forms: "Array of Region", "List<String>", "Array(String)", "String[]".
  for (std::string_view head : {"array", "list"})
    if (t.size() > head.size() && t.starts_with(head)) {
      char next = t[head.size()];
      if (is_space(next) || next == '<' || next == '(' || next == '[') return TypeClass::list;
    }
  if (t.size() > 2 && t.ends_with("[]")) return TypeClass::list;
  return TypeClass::object;
}

}  // namespace popcheck::core
