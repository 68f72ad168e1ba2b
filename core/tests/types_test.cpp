#include "core/types.hpp"

#include <gtest/gtest.h>

namespace popcheck::core {
namespace {

// Every spelling the pages and the metadata use, in the cases they use them, and a few the
// documentation invented; the class each must get.
TEST(ClassifyType, EveryDocumentedSpellingHasItsClass) {
  struct Row {
    const char* spelling;
    TypeClass cls;
  };
  const Row rows[] = {
      {"", TypeClass::unspecified},
      {"   ", TypeClass::unspecified},
      {"String", TypeClass::string},
      {"string", TypeClass::string},
      {" STRING ", TypeClass::string},
      {"str", TypeClass::string},
      {"char", TypeClass::string},
      {"Integer", TypeClass::integer},
      {"integer", TypeClass::integer},
      {"Long", TypeClass::integer},
      {"long", TypeClass::integer},
      {"int", TypeClass::integer},
      {"int32", TypeClass::integer},
      {"Int64", TypeClass::integer},
      {"short", TypeClass::integer},
      {"Byte", TypeClass::integer},
      {"Float", TypeClass::number},
      {"Double", TypeClass::number},
      {"Number", TypeClass::number},
      {"number", TypeClass::number},
      {"BigDecimal", TypeClass::number},
      {"decimal", TypeClass::number},
      {"Boolean", TypeClass::boolean},
      {"boolean", TypeClass::boolean},
      {"bool", TypeClass::boolean},
      {"Date", TypeClass::date},
      {"DateTime", TypeClass::date},
      {"Json", TypeClass::json},
      {"JSON", TypeClass::json},
      {"RepeatList", TypeClass::list},
      {"repeatlist", TypeClass::list},
      {"Array", TypeClass::list},
      {"array", TypeClass::list},
      {"List", TypeClass::list},
      {"ArrayList", TypeClass::list},
      {"Array of Region", TypeClass::list},
      {"array of string", TypeClass::list},
      {"List<String>", TypeClass::list},
      {"Array(String)", TypeClass::list},
      {"String[]", TypeClass::list},
      {"Object", TypeClass::object},
      {"object", TypeClass::object},
      {"Struct", TypeClass::object},
      {"Map", TypeClass::object},
      // Words the documents invent name a structure; a word merely starting like a list is one.
      {"Configuration", TypeClass::object},
      {"ListenerConfig", TypeClass::object},
      {"Arrays", TypeClass::object},
      {"String(64)", TypeClass::object},
      {"[]", TypeClass::object},
  };
  for (const auto& r : rows) {
    EXPECT_EQ(classify_type(r.spelling), r.cls) << '"' << r.spelling << '"';
    ParamType t(r.spelling);
    EXPECT_EQ(t.cls(), r.cls) << r.spelling;
    EXPECT_EQ(t.spelling(), r.spelling);  // kept as documented, spaces and case included
  }
}

TEST(ClassifyType, PredicatesFollowTheClass) {
  EXPECT_TRUE(ParamType("Long").numeric());
  EXPECT_TRUE(ParamType("Double").numeric());
  EXPECT_FALSE(ParamType("Boolean").numeric());
  EXPECT_FALSE(ParamType("String").numeric());
  for (const char* s : {"", "String", "Integer", "Float", "Boolean", "Date", "Json"})
    EXPECT_TRUE(ParamType(s).scalar()) << s;
  for (const char* s : {"RepeatList", "Array of X", "Object", "Map", "Configuration"})
    EXPECT_FALSE(ParamType(s).scalar()) << s;
  EXPECT_TRUE(ParamType() == TypeClass::unspecified);
  EXPECT_TRUE(ParamType().empty());
  // Two spellings of one class are two documented types.
  EXPECT_FALSE(ParamType("Integer") == ParamType("Long"));
  EXPECT_TRUE(ParamType("Long") == ParamType(std::string("Long")));
}

TEST(CaseKindNames, RoundTripAndRefuseOthers) {
  for (CaseKind k : {CaseKind::example, CaseKind::error, CaseKind::negative, CaseKind::recorded,
                     CaseKind::observed}) {
    auto back = case_kind_from_string(to_string(k));
    ASSERT_TRUE(back) << to_string(k);
    EXPECT_EQ(*back, k);
    EXPECT_NE(case_kind_names().find(to_string(k)), std::string_view::npos);
  }
  EXPECT_EQ(to_string(CaseKind::negative), "negative");
  for (const char* s : {"", "Example", "fault", "examples", " error"})
    EXPECT_FALSE(case_kind_from_string(s)) << s;
}

TEST(ShapeNames, RoundTripAndRefuseOthers) {
  for (Shape s : {Shape::example, Shape::contract, Shape::error, Shape::snapshot, Shape::none}) {
    auto back = shape_from_string(to_string(s));
    ASSERT_TRUE(back) << to_string(s);
    EXPECT_EQ(*back, s);
    EXPECT_NE(shape_names().find(to_string(s)), std::string_view::npos);
  }
  EXPECT_EQ(to_string(Shape::snapshot), "snapshot");
  for (const char* s : {"", "Example", "tree", "none "}) EXPECT_FALSE(shape_from_string(s)) << s;
}

}  // namespace
}  // namespace popcheck::core
