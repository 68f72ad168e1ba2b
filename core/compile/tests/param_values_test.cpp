// Values of one parameter (core/compile/param_values.hpp) and what the generator builds from them:
// valid requests from documented values that break their own constraints, breaking values of each
// kind, and which constraints a value breaks, in the order the emulator checks them.
#include "core/compile/param_values.hpp"

#include <gtest/gtest.h>

#include <set>

#include "core/compile/casegen.hpp"

namespace popcheck::core {
namespace {

using values::default_value;
using values::violations;

Param param(std::string name, std::string type, std::string example = {}) {
  Param p;
  p.name = std::move(name);
  p.type = std::move(type);
  p.example = std::move(example);
  return p;
}

std::vector<std::string> broken(const Param& p, std::string_view v) {
  auto re = values::compile_pattern(p);
  auto out = violations(p, v, re ? &*re : nullptr);
  return {out.begin(), out.end()};
}

// The generator and the emulator classify types with the one classifier: int32/int64 were numeric
// for the constraint reader but strings here, so their ranges were read and never tested.
TEST(ParamValues, EveryNumericSpellingIsNumeric) {
  for (const char* type :
       {"Integer", "Long", "int32", "Int64", "short", "Float", "Double", "decimal"}) {
    Param p = param("Size", type);
    p.maximum = 10;
    EXPECT_EQ(broken(p, "x"), std::vector<std::string>{"type"}) << type;
    EXPECT_EQ(broken(p, "11"), std::vector<std::string>{"maximum"}) << type;
    EXPECT_EQ(default_value(p), "1") << type;
  }
  Param flag = param("Force", "bool");
  EXPECT_EQ(broken(flag, "yes"), std::vector<std::string>{"type"});
  EXPECT_EQ(default_value(flag), "false");
}

TEST(ParamValues, ViolationsInTheOrderServicesCheck) {
  Param size = param("Size", "Integer");
  size.maximum = 10;
  size.allowed = {"1", "2", "12"};
  EXPECT_EQ(broken(size, "2"), std::vector<std::string>{});
  EXPECT_EQ(broken(size, "x"), (std::vector<std::string>{"type", "allowed"}));
  EXPECT_EQ(broken(size, "12"), std::vector<std::string>{"maximum"});
  Param name = param("Name", "String");
  name.max_length = 3;
  name.forbidden_prefixes = {"acs:"};
  name.pattern = "^[a-z:]+$";
  name.non_empty = true;
  EXPECT_EQ(broken(name, "acs:x"), (std::vector<std::string>{"max_length", "forbidden_prefix"}));
  EXPECT_EQ(broken(name, "AB"), std::vector<std::string>{"pattern"});
  // Lengths count characters, not bytes; an empty value breaks only non_empty.
  EXPECT_EQ(broken(name, "\xE4\xB8\xAD\xE6\x96\x87"), std::vector<std::string>{"pattern"});
  EXPECT_EQ(broken(name, ""), std::vector<std::string>{"non_empty"});
  EXPECT_EQ(broken(param("On", "Boolean"), "TRUE"), std::vector<std::string>{});
  EXPECT_EQ(broken(param("On", "Boolean"), "yes"), std::vector<std::string>{"type"});
  EXPECT_EQ(broken(param("Rate", "Double"), "0.5"), std::vector<std::string>{});
  EXPECT_EQ(broken(param("Rate", "Double"), "nan"), std::vector<std::string>{"type"});
}

// Each constraint a value can break is a trigger kind of its own, spelled as param_values names it:
// the emulator answers the row of the constraint a request breaks (emulator/responder.cpp).
TEST(ParamValues, EveryConstraintIsATriggerKind) {
  Param text = param("Name", "String");
  text.max_length = 3;
  text.min_length = 2;
  text.non_empty = true;
  text.forbidden_prefixes = {"acs:"};
  text.forbidden_substrings = {"http://"};
  text.pattern = "^[a-z:/]+$";
  text.allowed = {"ab", "abc"};
  Param size = param("Size", "Integer");
  size.minimum = 2;
  size.maximum = 10;
  std::set<std::string> names;
  for (const auto& [p, value] : std::vector<std::pair<Param, std::string>>{
           {text, "acs:http://X"}, {text, ""}, {text, "a"}, {size, "x"}, {size, "1"}, {size, "11"}})
    for (const auto& name : broken(p, value)) names.insert(name);
  EXPECT_EQ(names.size(), 10u);
  for (const auto& name : names) {
    auto kind = constraint_trigger(name);
    ASSERT_TRUE(kind) << name;
    EXPECT_TRUE(is_value_constraint(*kind)) << name;
    EXPECT_EQ(to_string(*kind), name);
  }
  for (const char* other : {"required", "repeat", "region", "value", "fault", ""}) {
    EXPECT_FALSE(constraint_trigger(other)) << other;
  }
  EXPECT_FALSE(is_value_constraint(TriggerKind::required));
  EXPECT_FALSE(is_value_constraint(TriggerKind::state));
}

TEST(ParamValues, DocumentedValuesThatBreakTheirConstraintsAreReplaced) {
  EXPECT_EQ(default_value(param("GroupId", "Long", "123****")), "1230000");
  Param type = param("Type", "String", "A");
  type.allowed = {"image", "video"};
  EXPECT_EQ(default_value(type), "image");
  EXPECT_EQ(default_value(param("RegionId", "String", " cn-hangzhou")), "cn-hangzhou");
  EXPECT_EQ(default_value(param("RegionId", "String")), "cn-hangzhou");
  EXPECT_EQ(default_value(param("Path", "String", "/logs/${yyyyMMdd}")), "popcheck");
  Param code = param("Code", "String", "ab");
  code.pattern = "^\\d+$";
  EXPECT_EQ(default_value(code), "1");
  // An id that cannot exist still has the parameter's type and length.
  EXPECT_EQ(values::missing_value(param("DestinationId", "Long", "1234567"), "1234567"), "7777777");
  Param room = param("RoomId", "String", "room-1");
  room.max_length = 12;
  EXPECT_LE(values::missing_value(room, "room-1").size(), 12u);
}

Contract listing() {
  Contract c;
  c.product = "Demo";
  c.version = "2020-01-01";
  c.action = "StopWidgets";
  Param ids = param("WidgetId.N", "RepeatList", "wg-" + std::string(60, 'a'));
  ids.required = true;
  ids.repeat = Repeat{1, 100};
  c.params.push_back(ids);
  Param code = param("Code", "String", "12");
  code.pattern = "^\\d+$";
  c.params.push_back(code);
  ErrorRow too_many;
  too_many.http = 400;
  too_many.code = "WidgetId.ExceedLimit";
  too_many.message = "Too many widgets.";
  c.errors = {too_many};
  return c;
}

TEST(ParamValues, TheGeneratorStartsFromAValidRequest) {
  Contract c = listing();
  c.params.push_back(param("Size", "Integer", "12****"));
  auto cases = generate_cases(c);
  const Case& example = cases.front();
  ASSERT_EQ(example.kind, CaseKind::example);
  for (const auto& [k, v] : example.request.params) {
    for (const auto& p : c.params)
      if (p.name == k) {
        EXPECT_TRUE(broken(p, v).empty()) << k << "=" << v;
      }
  }
}

TEST(ParamValues, LongRequestsArePostedAndPatternsGetNegatives) {
  auto cases = generate_cases(listing());
  const Case* count = nullptr;
  const Case* pattern = nullptr;
  for (const auto& k : cases) {
    if (k.id == "Demo.StopWidgets.error.WidgetId.ExceedLimit") count = &k;
    if (k.id == "Demo.StopWidgets.negative.Code.pattern") pattern = &k;
  }
  ASSERT_TRUE(count && pattern);
  // 101 ids of 63 characters: over 4 KiB of parameters, sent as a form.
  EXPECT_EQ(count->request.params.size(), 2u + 101u);
  EXPECT_EQ(count->request.method, "POST");
  EXPECT_EQ(cases.front().request.method, "GET");
  std::string code;
  for (const auto& [k, v] : pattern->request.params)
    if (k == "Code") code = v;
  EXPECT_FALSE(code.empty());
  EXPECT_EQ(broken(listing().params[1], code), std::vector<std::string>{"pattern"});
  auto triggers = error_triggers(listing());
  ASSERT_EQ(triggers.size(), 1u);
  EXPECT_EQ(triggers[0].kind, TriggerKind::repeat);
  EXPECT_EQ(triggers[0].param, "WidgetId.N");
}

}  // namespace
}  // namespace popcheck::core
