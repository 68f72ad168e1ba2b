#include "core/check/request_check.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "tests/support/contract.hpp"
#include "tests/support/paths.hpp"

namespace popcheck::core {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

using test_support::param;

// A contract in the shape the readers produce: a required list, a list of structures with
// constraints, an enumeration, numbers with a range, a pattern and a deprecated spelling.
core::Contract contract() {
  core::Contract c;
  c.product = "Ecs";
  c.version = "2014-05-26";
  c.action = "TagThings";
  auto ids = param("InstanceId.N", "RepeatList", true);
  ids.repeat = core::Repeat{1, 3};
  c.params.push_back(ids);
  auto type = param("ResourceType", "String", true);
  type.allowed = {"disk", "instance"};
  c.params.push_back(type);
  auto key = param("Tag.N.Key", "String");
  key.repeat = core::Repeat{1, 5};
  key.max_length = 8;
  key.non_empty = true;
  key.forbidden_prefixes = {"aliyun", "acs:"};
  key.forbidden_substrings = {"http://"};
  c.params.push_back(key);
  auto value = param("Tag.N.Value", "String");
  value.repeat = core::Repeat{1, 5};
  c.params.push_back(value);
  c.params.push_back(param("Tag.N.key", "String"));  // deprecated spelling
  auto amount = param("Amount", "Integer");
  amount.minimum = 1;
  amount.maximum = 100;
  c.params.push_back(amount);
  c.params.push_back(param("Force", "Boolean"));
  c.params.push_back(param("Price", "Float"));
  c.params.push_back(param("OwnerId", "Long"));
  auto zone = param("ZoneId", "String");
  zone.allowed = {"cn-hangzhou-a"};  // an Id's "allowed" list is an example, never a set
  c.params.push_back(zone);
  auto digits = param("Code", "String");
  digits.pattern = "^\\d+$";
  c.params.push_back(digits);
  auto name = param("Name", "String");
  name.min_length = 2;
  name.max_length = 4;
  c.params.push_back(name);
  c.params.push_back(param("Password", "String"));
  return c;
}

core::Params base() {
  return {{"Action", "TagThings"},
          {"Version", "2014-05-26"},
          {"Format", "JSON"},
          {"AccessKeyId", "AKIDsecretvalue1"},
          {"Signature", "c2lnbmF0dXJlMTIzNA=="},
          {"SignatureMethod", "HMAC-SHA1"},
          {"SignatureVersion", "1.0"},
          {"SignatureNonce", "n-1"},
          {"Timestamp", "2026-11-23T10:00:00Z"},
          {"InstanceId.1", "i-1"},
          {"ResourceType", "disk"}};
}

core::Params with(core::Params ps, std::vector<std::pair<std::string, std::string>> more) {
  for (auto& kv : more) ps.push_back(std::move(kv));
  return ps;
}

core::Params without(core::Params ps, const std::string& name) {
  std::erase_if(ps, [&](const auto& kv) { return kv.first == name; });
  return ps;
}

std::vector<CheckResult> failures(const std::vector<CheckResult>& rs) {
  std::vector<CheckResult> out;
  for (const auto& r : rs)
    if (!r.passed) out.push_back(r);
  return out;
}

std::string dump(const std::vector<CheckResult>& rs) {
  std::string out;
  for (const auto& r : rs)
    out += r.check + " at " + r.path + ": expected " + r.expected + ", actual " + r.actual + "\n";
  return out;
}

// The one failure of a request that breaks exactly one rule.
CheckResult only_failure(const core::Params& ps) {
  auto f = failures(check_request(contract(), ps));
  EXPECT_EQ(f.size(), 1u) << dump(f);
  return f.empty() ? CheckResult{} : f.front();
}

TEST(RequestCheck, ConformingRequestPassesEveryCheckOnce) {
  auto ps = with(base(), {{"Tag.1.Key", "team"},
                          {"Tag.1.Value", "a"},
                          {"Tag.2.Key", "env"},
                          {"Amount", "100"},
                          {"Force", "True"},
                          {"Price", "1.5e2"},
                          {"OwnerId", "9223372036854775807"},
                          {"ZoneId", "cn-beijing-b"},
                          {"Code", "0042"},
                          {"Name", "ab"},
                          {"RegionId", "cn-hangzhou"},
                          {"SecurityToken", "tok-123456"}});
  auto rs = check_request(contract(), ps);
  EXPECT_TRUE(failures(rs).empty()) << dump(failures(rs));
  std::vector<std::string> names;
  for (const auto& r : rs) names.push_back(r.check);
  EXPECT_EQ(names, request_check_names());
}

// Types are classified by the one classifier (core/types.hpp). Spellings this check used to read
// as structures (Int32 was an integer here but "short" and "decimal" were not) get their value
// checks, like the generator and the emulator give them; the message keeps the documented spelling.
TEST(RequestCheck, EveryIntegerAndNumberSpellingIsCheckedAsOne) {
  for (const char* type : {"Int32", "short", "Byte", "Long"}) {
    core::Contract c;
    c.action = "Demo";
    c.params.push_back(param("Size", type));
    auto f =
        failures(check_request(c, {{"Action", "Demo"}, {"Version", "2014-05-26"}, {"Size", "x"}}));
    ASSERT_EQ(f.size(), 1u) << type << "\n" << dump(f);
    EXPECT_EQ(f[0].check, "type");
    EXPECT_EQ(f[0].expected, std::string("an integer (") + type + ")");
  }
  core::Contract c;
  c.action = "Demo";
  c.params.push_back(param("Ratio", "BigDecimal"));
  auto f = failures(
      check_request(c, {{"Action", "Demo"}, {"Version", "2014-05-26"}, {"Ratio", "half"}}));
  ASSERT_EQ(f.size(), 1u) << dump(f);
  EXPECT_EQ(f[0].expected, "a number (BigDecimal)");
  // A structure accepts names below it; a scalar does not.
  c.params = {param("Config", "Configuration"), param("Count", "short")};
  EXPECT_TRUE(
      failures(
          check_request(c, {{"Action", "Demo"}, {"Version", "2014-05-26"}, {"Config.Name", "a"}}))
          .empty());
  f = failures(
      check_request(c, {{"Action", "Demo"}, {"Version", "2014-05-26"}, {"Count.Name", "1"}}));
  ASSERT_EQ(f.size(), 1u) << dump(f);
  EXPECT_EQ(f[0].check, "unknown-parameter");
}

TEST(RequestCheck, UnknownParameterNamesTheParameterAndTheDocumentedSpelling) {
  auto f = only_failure(with(base(), {{"Colour", "red"}}));
  EXPECT_EQ(f.check, "unknown-parameter");
  EXPECT_EQ(f.path, "Colour");
  EXPECT_THAT(f.expected, HasSubstr("TagThings"));
  EXPECT_THAT(f.actual, HasSubstr("Colour=\"red\""));

  f = only_failure(with(base(), {{"resourceType", "disk"}}));
  EXPECT_EQ(f.check, "unknown-parameter");
  EXPECT_THAT(f.actual, HasSubstr("documented as ResourceType"));
  // An index where the document has none, and a member the structure does not have.
  EXPECT_EQ(only_failure(with(base(), {{"Amount.1", "3"}})).check, "unknown-parameter");
  EXPECT_EQ(only_failure(with(base(), {{"Tag.1.Colour", "x"}})).check, "unknown-parameter");
}

TEST(RequestCheck, CommonParametersAndV3HeaderParamsAreAccepted) {
  // A V3 request: Action and Version came from x-acs-* headers through merge_params, no Format.
  core::Params v3 = {{"InstanceId.1", "i-1"},
                     {"ResourceType", "disk"},
                     {"Action", "TagThings"},
                     {"Version", "2014-05-26"}};
  EXPECT_TRUE(failures(check_request(contract(), v3)).empty());
  EXPECT_TRUE(failures(check_request(contract(), with(base(), {{"SignatureType", ""},
                                                               {"BearerToken", "b-123456"}})))
                  .empty());
}

TEST(RequestCheck, FormatMustBeJsonOrXml) {
  EXPECT_TRUE(
      failures(check_request(contract(), with(without(base(), "Format"), {{"Format", "xml"}})))
          .empty());
  auto f = only_failure(with(without(base(), "Format"), {{"Format", "YAML"}}));
  EXPECT_EQ(f.check, "allowed-values");
  EXPECT_EQ(f.path, "Format");
}

TEST(RequestCheck, MissingRequiredParameters) {
  auto f = only_failure(without(base(), "ResourceType"));
  EXPECT_EQ(f.check, "missing-required");
  EXPECT_EQ(f.path, "ResourceType");
  f = only_failure(without(base(), "InstanceId.1"));
  EXPECT_EQ(f.check, "missing-required");
  EXPECT_EQ(f.path, "InstanceId.N");
  f = only_failure(without(base(), "Version"));
  EXPECT_EQ(f.check, "missing-required");
  EXPECT_EQ(f.path, "Version");
}

TEST(RequestCheck, RequiredMemberOfAListOfStructuresInEveryItem) {
  core::Contract c = contract();
  for (auto& p : c.params)
    if (p.name == "Tag.N.Key") p.required = true;
  auto ok = with(base(), {{"Tag.1.Key", "a"}, {"Tag.2.Key", "b"}, {"Tag.2.Value", "v"}});
  EXPECT_TRUE(failures(check_request(c, ok)).empty()) << dump(failures(check_request(c, ok)));
  auto bad = with(base(), {{"Tag.1.Key", "a"}, {"Tag.2.Value", "v"}});
  auto f = failures(check_request(c, bad));
  ASSERT_EQ(f.size(), 1u) << dump(f);
  EXPECT_EQ(f[0].check, "missing-required");
  EXPECT_EQ(f[0].path, "Tag.2.Key");
  // The deprecated spelling satisfies the requirement too.
  EXPECT_TRUE(failures(check_request(c, with(base(), {{"Tag.1.key", "a"}}))).empty());
}

TEST(RequestCheck, RepeatNumberingStartsAtOneIsContiguousAndBounded) {
  auto f = only_failure(with(without(base(), "InstanceId.1"), {{"InstanceId.2", "i-2"}}));
  EXPECT_EQ(f.check, "repeat-numbering");
  EXPECT_EQ(f.path, "InstanceId.N");
  EXPECT_THAT(f.actual, HasSubstr("InstanceId.2"));

  f = only_failure(with(base(), {{"InstanceId.3", "i-3"}}));
  EXPECT_EQ(f.check, "repeat-numbering");
  EXPECT_THAT(f.actual, HasSubstr("InstanceId.2"));

  f = only_failure(
      with(base(), {{"InstanceId.2", "i-2"}, {"InstanceId.3", "i-3"}, {"InstanceId.4", "i-4"}}));
  EXPECT_EQ(f.check, "repeat-numbering");
  EXPECT_THAT(f.expected, HasSubstr("at most 3"));

  EXPECT_EQ(only_failure(with(base(), {{"InstanceId.01", "i-2"}})).check, "repeat-numbering");
  // Members of one list share its numbering: Tag.1.Key with Tag.2.Value is items 1 and 2.
  EXPECT_TRUE(
      failures(check_request(contract(), with(base(), {{"Tag.1.Key", "a"}, {"Tag.2.Value", "b"}})))
          .empty());
  f = only_failure(with(base(), {{"Tag.2.Key", "a"}}));
  EXPECT_EQ(f.path, "Tag.N");
}

TEST(RequestCheck, NestedListsAreNumberedPerItem) {
  core::Contract c;
  c.action = "Nest";
  c.version = "v";
  auto p = param("Rule.N.Port.N", "Integer");
  p.repeat = core::Repeat{1, 2};
  c.params.push_back(p);
  core::Params ok = {{"Action", "Nest"},
                     {"Version", "v"},
                     {"Rule.1.Port.1", "1"},
                     {"Rule.1.Port.2", "2"},
                     {"Rule.2.Port.1", "3"}};
  EXPECT_TRUE(failures(check_request(c, ok)).empty());
  core::Params bad = {
      {"Action", "Nest"}, {"Version", "v"}, {"Rule.1.Port.1", "1"}, {"Rule.2.Port.2", "3"}};
  auto f = failures(check_request(c, bad));
  ASSERT_EQ(f.size(), 1u) << dump(f);
  EXPECT_EQ(f[0].path, "Rule.2.Port.N");
}

TEST(RequestCheck, Types) {
  EXPECT_EQ(only_failure(with(base(), {{"Amount", "ten"}})).check, "type");
  EXPECT_EQ(only_failure(with(base(), {{"Amount", "1.5"}})).check, "type");
  EXPECT_EQ(only_failure(with(base(), {{"OwnerId", "99999999999999999999"}})).check, "type");
  EXPECT_EQ(only_failure(with(base(), {{"Force", "yes"}})).check, "type");
  EXPECT_EQ(only_failure(with(base(), {{"Price", "cheap"}})).check, "type");
  EXPECT_EQ(only_failure(with(base(), {{"Price", "nan"}})).check, "type");
  auto f = only_failure(with(base(), {{"Amount", ""}}));
  EXPECT_EQ(f.path, "Amount");
  EXPECT_THAT(f.expected, HasSubstr("Integer"));
}

TEST(RequestCheck, AllowedValuesRangeLengthPatternAndForbiddenText) {
  auto f = only_failure(with(without(base(), "ResourceType"), {{"ResourceType", "Disk"}}));
  EXPECT_EQ(f.check, "allowed-values");
  EXPECT_THAT(f.expected, HasSubstr("disk, instance"));
  EXPECT_EQ(f.actual, "\"Disk\"");

  EXPECT_EQ(only_failure(with(base(), {{"Amount", "0"}})).check, "range");
  f = only_failure(with(base(), {{"Amount", "101"}}));
  EXPECT_EQ(f.check, "range");
  EXPECT_EQ(f.expected, "between 1 and 100");

  f = only_failure(with(base(), {{"Name", "abcde"}}));
  EXPECT_EQ(f.check, "length");
  EXPECT_EQ(f.actual, "5 characters");
  EXPECT_EQ(only_failure(with(base(), {{"Name", "a"}})).check, "length");
  // Characters, not bytes: four Chinese characters are twelve bytes of UTF-8.
  EXPECT_TRUE(failures(check_request(contract(), with(base(), {{"Name", "标签名称"}}))).empty());
  EXPECT_EQ(only_failure(with(base(), {{"Tag.1.Key", ""}})).check, "length");

  EXPECT_EQ(only_failure(with(base(), {{"Code", "12a"}})).check, "pattern");
  EXPECT_EQ(only_failure(with(base(), {{"Tag.1.Key", "aliyunx"}})).check, "forbidden-prefix");
  EXPECT_EQ(only_failure(with(base(), {{"Tag.1.Key", "ahttp://"}})).check, "forbidden-substring");
}

// ModifyThings' Configuration.N with an Integer InstanceAmount among its fields, however the
// contract attaches them: `ok` passes, and a word for the amount is its one failure, a type one.
void expect_configuration_fields_checked(const core::Contract& c, const core::Params& ok) {
  EXPECT_TRUE(failures(check_request(c, ok)).empty()) << dump(failures(check_request(c, ok)));
  core::Params bad = {
      {"Action", "ModifyThings"}, {"Version", "v"}, {"Configuration.1.InstanceAmount", "two"}};
  auto f = failures(check_request(c, bad));
  ASSERT_EQ(f.size(), 1u) << dump(f);
  EXPECT_EQ(f[0].check, "type");
  EXPECT_EQ(f[0].path, "Configuration.1.InstanceAmount");
}

TEST(RequestCheck, ObjectLikeParametersAcceptTheirFields) {
  core::Contract c;
  c.action = "ModifyThings";
  c.version = "v";
  c.params.push_back(param("Configuration.N", "Configuration", true));
  auto amount = param("InstanceAmount", "Integer");
  amount.table = 1;
  c.params.push_back(amount);
  expect_configuration_fields_checked(c, {{"Action", "ModifyThings"},
                                          {"Version", "v"},
                                          {"Configuration.1.InstanceAmount", "2"},
                                          {"Configuration.1.ZoneId", "z"}});
}

// The readers attach a further table to the parameter it describes (Param::fields): its rows are
// checked as those of a further table are.
TEST(RequestCheck, FieldsAttachedToAParameterAreCheckedAsItsItemsFields) {
  core::Contract c;
  c.action = "ModifyThings";
  c.version = "v";
  auto config = param("Configuration.N", "Configuration", true);
  config.fields.push_back(param("InstanceAmount", "Integer"));
  c.params.push_back(config);
  expect_configuration_fields_checked(
      c, {{"Action", "ModifyThings"}, {"Version", "v"}, {"Configuration.1.InstanceAmount", "2"}});
  // A field is no request parameter of its own.
  core::Params top = {{"Action", "ModifyThings"},
                      {"Version", "v"},
                      {"Configuration.1.InstanceAmount", "2"},
                      {"InstanceAmount", "2"}};
  auto f = failures(check_request(c, top));
  ASSERT_EQ(f.size(), 1u) << dump(f);
  EXPECT_EQ(f[0].check, "unknown-parameter");
}

TEST(RequestCheck, CredentialsAndSecretsNeverReachResults) {
  const std::string secret = "VerySecretValue-0123456789";
  auto rs = check_request(contract(), with(base(), {{"AccessKeySecret", secret},
                                                    {"Password", secret + "x"},
                                                    {"SecurityToken", secret},
                                                    {"Tag.1.Token", secret}}));
  std::string all = dump(rs);
  EXPECT_THAT(all, Not(HasSubstr(secret)));
  EXPECT_THAT(all, Not(HasSubstr("AKIDsecretvalue1")));
  EXPECT_THAT(all, HasSubstr("AccessKeySecret=REDACTED"));
  EXPECT_THAT(all, HasSubstr("Tag.1.Token=REDACTED"));
  // A length violation of a secret shows the length only.
  core::Contract c = contract();
  for (auto& p : c.params)
    if (p.name == "Password") p.max_length = 8;
  auto f = failures(check_request(c, with(base(), {{"Password", secret}})));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].actual, std::to_string(secret.size()) + " characters");
}

TEST(RequestCheck, ClientTextCannotSplitAMessage) {
  auto f = only_failure(with(base(), {{"Evil\nName", "line1\r\nline2"}}));
  EXPECT_EQ(f.path, "Evil\\x0AName");
  EXPECT_THAT(f.actual, Not(HasSubstr("\n")));
  EXPECT_THAT(f.actual, HasSubstr("line1\\x0D\\x0Aline2"));
  EXPECT_EQ(printable(std::string(100, 'a'), 10), "aaaaaaaaaa...");
  // A cut never splits a UTF-8 character.
  EXPECT_EQ(printable("标签", 4), "标...");
}

TEST(RequestCheck, UndocumentedRegionIdIsAcceptedDocumentedOneIsChecked) {
  EXPECT_TRUE(failures(check_request(contract(), with(base(), {{"RegionId", "x"}}))).empty());
  core::Contract c = contract();
  c.params.push_back(param("RegionId", "String", true));
  auto f = failures(check_request(c, base()));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].path, "RegionId");
}

TEST(RequestCheck, InvalidDocumentedPatternDisablesOnlyThatCheck) {
  core::Contract c = contract();
  for (auto& p : c.params)
    if (p.name == "Code") p.pattern = "([";
  RequestRules rules(c);
  EXPECT_EQ(rules.warnings().size(), 1u);
  EXPECT_TRUE(failures(rules.check(with(base(), {{"Code", "x"}}))).empty());
}

// The inverse of casegen, over every committed catalogue: the documented example requests pass,
// and each negative case (a request breaking one constraint) is found by the check of that
// constraint.
TEST(RequestCheck, CataloguesExamplesPassAndNegativeCasesAreCaught) {
  auto loaded = core::load_catalogue({(test_support::source_dir() / "cases").string()});
  ASSERT_TRUE(loaded.errors.empty());
  ASSERT_FALSE(loaded.entries.empty());
  const std::map<std::string, std::string> check_of = {
      {"required", "missing-required"},
      {"allowed", "allowed-values"},
      {"max_length", "length"},
      {"min_length", "length"},
      {"non_empty", "length"},
      {"maximum", "range"},
      {"minimum", "range"},
      {"repeat", "repeat-numbering"},
      {"forbidden_prefix", "forbidden-prefix"},
      {"forbidden_substring", "forbidden-substring"}};
  int examples = 0, negatives = 0;
  for (const auto& e : loaded.entries) {
    RequestRules rules(e.contract);
    for (const auto& k : e.cases) {
      if (k.kind == core::CaseKind::example) {
        auto f = failures(rules.check(k.request.params));
        EXPECT_TRUE(f.empty()) << k.id << "\n" << dump(f);
        ++examples;
      } else if (k.kind == core::CaseKind::negative) {
        std::string kind = k.id.substr(k.id.rfind('.') + 1);
        ASSERT_TRUE(check_of.contains(kind)) << k.id;
        auto f = failures(rules.check(k.request.params));
        // A value of the wrong type ("popcheck-unsupported" for a Boolean, "1e30" for a Long) is
        // reported once, as a type violation, never again as outside the set or range.
        bool typed = kind == "allowed" || kind == "maximum" || kind == "minimum";
        EXPECT_TRUE(std::any_of(f.begin(), f.end(),
                                [&](const CheckResult& r) {
                                  return r.check == check_of.at(kind) ||
                                         (typed && r.check == "type");
                                }))
            << k.id << " expected a " << check_of.at(kind) << " violation\n"
            << dump(f);
        ++negatives;
      }
    }
  }
  EXPECT_GT(examples, 0);
  EXPECT_GT(negatives, 0);
}

}  // namespace
}  // namespace popcheck::core
