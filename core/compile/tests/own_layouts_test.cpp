// The page layouts of products beyond ECS, VPC and ESS (issue 22), each on a page of the project's
// own (tests/data/pages, made-up operations): the bullet-list layout in Chinese and English, tables
// without a delimiter row, tables of a JSON-valued parameter's fields, the required column headed
// 必要 or written Required/Optional, two columns labelled "Parameters", an example host of another
// product, and a page that cannot be read. Each test states what the page says.
#include <gtest/gtest.h>

#include "core/compile/compile.hpp"
#include "core/compile/docs.hpp"
#include "core/files.hpp"
#include "tests/support/seeds.hpp"

namespace popcheck::core {
namespace {

using test_support::error_rows;
using test_support::find_param;
using test_support::Flags;
using test_support::own_page;
using test_support::read_own_page;
using test_support::required_flags;
using Rows = test_support::ErrorRows;

std::string page_path(const std::string& name) { return own_page(name).string(); }

std::vector<std::string> types(const std::vector<Param>& ps) {
  std::vector<std::string> out;
  for (const auto& p : ps) out.push_back(p.type.spelling());
  return out;
}

std::vector<std::string> response_names(const Contract& c) {
  std::vector<std::string> out;
  for (const auto& n : c.response.children) out.push_back(n.name);
  return out;
}

bool has_warning(const std::vector<std::string>& ws, const std::string& needle) {
  for (const auto& w : ws)
    if (w.find(needle) != std::string::npos) return true;
  return false;
}

// Older Chinese pages: a bold name per parameter with 类型 / 必须 / 描述 bullets, a permissions
// section whose bold names are not parameters, errors as bold codes with HTTP Status / Error Message
// bullets under 错误信息, examples indented under bullets.
TEST(OwnLayouts, ChineseBulletLists) {
  Contract c = read_own_page("zh-bullets.md");
  EXPECT_EQ(c.action, "RevokeBadge");
  EXPECT_EQ(c.source.language, "zh");
  EXPECT_EQ(required_flags(c.params), (Flags{{"Action", true},
                                             {"MemberName", true},
                                             {"BadgeId", true},
                                             {"Reason", false},
                                             {"NotifyLimit", false}}));
  EXPECT_EQ(types(c.params),
            (std::vector<std::string>{"String", "String", "String", "String", "Integer"}));
  const Param* badge = find_param(c, "BadgeId");
  ASSERT_NE(badge, nullptr);
  EXPECT_NE(badge->description.find("要收回的徽章"), std::string::npos) << badge->description;
  EXPECT_NE(badge->description.find("^b-[a-z0-9]{6}$"), std::string::npos) << badge->description;
  const Param* limit = find_param(c, "NotifyLimit");
  ASSERT_NE(limit, nullptr);
  EXPECT_NE(limit->description.find("默认值：3"), std::string::npos) << limit->description;
  EXPECT_EQ(error_rows(c),
            (Rows{{400, "InvalidParameter.MemberName.Length", "The member name is too long."},
                  {404, "EntityNotExist.Badge", "The badge does not exist."}}));
  EXPECT_EQ(c.errors[1].description, "徽章不存在或已被收回。");
  EXPECT_EQ(response_names(c), (std::vector<std::string>{"Badge", "RequestId"}));
  EXPECT_EQ(c.examples.request_params,
            (Params{{"Action", "RevokeBadge"}, {"MemberName", "lin"}, {"BadgeId", "b-a1b2c3"}}));
  ASSERT_TRUE(c.examples.json && c.examples.xml);
  EXPECT_TRUE(c.examples.json->valid);
  EXPECT_TRUE(c.examples.xml->valid);
  EXPECT_EQ(json_top_keys(c.examples.json->body), (std::vector<std::string>{"RequestId", "Badge"}));
}

// The same layout in English: Type / Required / Description, Valid values joining the description,
// HTTP status code / Error message bullets.
TEST(OwnLayouts, EnglishBulletLists) {
  Contract c = read_own_page("en-bullets.md");
  EXPECT_EQ(c.action, "PauseRelay");
  EXPECT_EQ(c.source.language, "en");
  EXPECT_EQ(required_flags(c.params),
            (Flags{{"Action", true}, {"RelayId", true}, {"Minutes", false}}));
  const Param* minutes = find_param(c, "Minutes");
  ASSERT_NE(minutes, nullptr);
  EXPECT_EQ(minutes->type.spelling(), "Integer");
  EXPECT_NE(minutes->description.find("Valid values: 1 to 120"), std::string::npos)
      << minutes->description;
  EXPECT_EQ(error_rows(c), (Rows{{404, "InvalidRelayId.NotFound", "The relay does not exist."},
                                 {409, "IncorrectRelayStatus", "The relay is already paused."}}));
  EXPECT_EQ(response_names(c), (std::vector<std::string>{"RequestId"}));
  ASSERT_EQ(c.examples.requests.size(), 1u);
  EXPECT_EQ(c.examples.request_params,
            (Params{{"Action", "PauseRelay"}, {"RelayId", "r-77k2"}, {"Minutes", "30"}}));
  ASSERT_TRUE(c.examples.json);
  EXPECT_TRUE(c.examples.json->valid);
  EXPECT_FALSE(c.examples.xml);
}

// Tables with no |---| row under the header (the header recognised by its labels), a cell over
// several lines, and examples opened by a "//json response" comment line.
TEST(OwnLayouts, TablesWithoutDelimiterRow) {
  Contract c = read_own_page("en-no-delimiter.md");
  EXPECT_EQ(c.action, "RotateToken");
  EXPECT_EQ(required_flags(c.params),
            (Flags{{"TokenId", true}, {"GraceSeconds", false}, {"Label", false}}));
  const Param* grace = find_param(c, "GraceSeconds");
  ASSERT_NE(grace, nullptr);
  EXPECT_EQ(grace->type.spelling(), "Integer");
  EXPECT_NE(grace->description.find("The default value is 60."), std::string::npos)
      << grace->description;
  EXPECT_EQ(error_rows(c), (Rows{{404, "TokenNotFound", "The token does not exist."},
                                 {409, "TokenRetiring", "The token is already being retired."}}));
  EXPECT_EQ(response_names(c), (std::vector<std::string>{"RequestId", "TokenId"}));
  EXPECT_EQ(c.examples.request_params,
            (Params{{"Action", "RotateToken"}, {"TokenId", "tk-93hf"}, {"GraceSeconds", "120"}}));
  ASSERT_TRUE(c.examples.json && c.examples.xml);
  EXPECT_TRUE(c.examples.json->valid);
  EXPECT_TRUE(c.examples.xml->valid);
  EXPECT_EQ(json_top_keys(c.examples.json->body),
            (std::vector<std::string>{"RequestId", "TokenId"}));
}

// Field tables: ProbeOptions' per-protocol options (the first table found by the keys of the
// parameter's JSON example, the next one following it), and Targets' fields under a heading of
// their own with a required column headed 必要. None of them is a request parameter.
TEST(OwnLayouts, FieldTablesAttachToTheirParameter) {
  Contract c = read_own_page("zh-field-tables.md");
  EXPECT_EQ(c.action, "CreateProbe");
  EXPECT_EQ(required_flags(c.params), (Flags{{"Action", true},
                                             {"ProbeName", true},
                                             {"ProbeType", true},
                                             {"ProbeOptions", false},
                                             {"Targets", true}}));
  const Param* options = find_param(c, "ProbeOptions");
  ASSERT_NE(options, nullptr);
  EXPECT_EQ(required_flags(options->fields),
            (Flags{{"method", false}, {"timeout_ms", false}, {"packets", false}}));
  EXPECT_EQ(types(options->fields), (std::vector<std::string>{"String", "int", "int"}));
  // A field's prose gives its constraints as a parameter's does ("取值范围：1~50").
  const Param& packets = options->fields[2];
  EXPECT_EQ(packets.minimum, 1.0);
  EXPECT_EQ(packets.maximum, 50.0);
  const Param* targets = find_param(c, "Targets");
  ASSERT_NE(targets, nullptr);
  EXPECT_EQ(required_flags(targets->fields),
            (Flags{{"address", true}, {"weight", false}, {"port", false}}));
  EXPECT_EQ(targets->fields[2].type.spelling(), "Integer");
  EXPECT_TRUE(find_param(c, "ProbeType")->fields.empty());
  EXPECT_FALSE(has_warning(c.warnings, "names no parameter"))
      << ::testing::PrintToString(c.warnings);
  EXPECT_EQ(error_rows(c),
            (Rows{{400, "InvalidTargets.Malformed", "The Targets parameter is not valid JSON."}}));
  EXPECT_EQ(response_names(c), (std::vector<std::string>{"ProbeId", "RequestId"}));
  EXPECT_EQ(c.examples.request_params,
            (Params{{"Action", "CreateProbe"},
                    {"ProbeName", "home-page"},
                    {"ProbeType", "HTTP"},
                    {"Targets", "[{\"address\":\"192.0.2.10\",\"weight\":\"50\"}]"}}));
  ASSERT_TRUE(c.examples.json);
  EXPECT_EQ(json_top_keys(c.examples.json->body),
            (std::vector<std::string>{"ProbeId", "RequestId"}));

  // The fields travel in the catalogue under their parameter and read back.
  ojson j = to_json(c);
  auto back = contract_from_json(j);
  ASSERT_TRUE(back) << back.error().to_string();
  ASSERT_EQ(back->params.size(), c.params.size());
  EXPECT_EQ(required_flags(back->params[4].fields), required_flags(targets->fields));
}

// A field table that names no parameter of the page is said, not read as parameters.
TEST(OwnLayouts, UnattachedFieldTableIsReported) {
  std::string page =
      "# DoThing\n\n## 请求参数\n\n|名称|类型|是否必选|描述|\n|--|--|--|--|\n|Name|String|是|名称。|\n\n"
      "另一张表：\n\n|参数|类型|必要|描述|\n|--|--|--|--|\n|inner|String|是|内部字段。|\n";
  auto c = read_document(page, "inline.md");
  ASSERT_TRUE(c) << c.error().to_string();
  EXPECT_EQ(required_flags(c->params), (Flags{{"Name", true}}));
  EXPECT_TRUE(has_warning(c->warnings, "names no parameter"))
      << ::testing::PrintToString(c->warnings);
}

// The required column headed 必要 with 必选 / 可选 values.
TEST(OwnLayouts, RequiredColumnHeadedBiyao) {
  Contract c = read_own_page("zh-required-column.md");
  EXPECT_EQ(c.action, "ListShelves");
  EXPECT_EQ(required_flags(c.params),
            (Flags{{"Action", true}, {"LibraryId", true}, {"PageSize", false}}));
  EXPECT_FALSE(has_warning(c.warnings, "unreadable required"));
  EXPECT_EQ(error_rows(c), (Rows{{404, "LibraryNotFound", "The library does not exist."}}));
  EXPECT_EQ(c.examples.request_params,
            (Params{{"Action", "ListShelves"}, {"LibraryId", "lib-01"}, {"PageSize", "20"}}));
}

// "Parameters|Parameters|Required|Example values|Description": the second name column is the type,
// and Required / Optional are the required flags.
TEST(OwnLayouts, TwoColumnsLabelledParameters) {
  Contract c = read_own_page("en-two-name-columns.md");
  EXPECT_EQ(c.action, "TrimArchive");
  EXPECT_EQ(required_flags(c.params),
            (Flags{{"Action", true}, {"ArchiveId", true}, {"KeepDays", false}}));
  EXPECT_EQ(types(c.params), (std::vector<std::string>{"String", "String", "Integer"}));
  EXPECT_EQ(find_param(c, "KeepDays")->example, "30");
  ASSERT_EQ(c.response.children.size(), 2u);
  EXPECT_EQ(c.response.children[1].raw_type, "Integer");
  EXPECT_EQ(error_rows(c),
            (Rows{{404, "InvalidArchiveId.NotFound", "The specified archive does not exist."}}));
  EXPECT_EQ(c.examples.request_params,
            (Params{{"Action", "TrimArchive"}, {"ArchiveId", "ar-4k2m"}, {"KeepDays", "30"}}));
}

// The names under a response node, in order.
std::vector<std::string> child_names(const ResponseNode& n) {
  std::vector<std::string> out;
  for (const auto& c : n.children) out.push_back(c.name);
  return out;
}

// Sub-sections headed "<Field> parameters" below the response describe that field's members, at any
// depth ("Item parameters" is referred to by a member of Locker); a "Common parameters" section
// names no field and adds nothing to the response.
TEST(OwnLayouts, ParametersSectionsNestUnderTheirField) {
  Contract c = read_own_page("en-parameters-sections.md");
  EXPECT_EQ(c.action, "InspectLocker");
  EXPECT_EQ(required_flags(c.params), (Flags{{"LockerId", true}}));
  ASSERT_EQ(response_names(c), (std::vector<std::string>{"Locker", "RequestId"}));
  const ResponseNode& locker = c.response.children[0];
  EXPECT_EQ(locker.type, core::ValueType::object);
  ASSERT_EQ(child_names(locker),
            (std::vector<std::string>{"LockerId", "Size", "Holds", "OpenedAt"}));
  const ResponseNode& holds = locker.children[2];
  EXPECT_EQ(holds.type, core::ValueType::array);
  EXPECT_EQ(child_names(holds), (std::vector<std::string>{"Label", "Weight"}));
  EXPECT_EQ(holds.children[1].type, core::ValueType::integer);
  EXPECT_TRUE(c.response.children[1].children.empty());

  // The Chinese title "<字段> 参数" (with or without a space), and the section as a sub-heading of
  // the response section.
  std::string zh =
      "# GetShelf\n\n## 请求参数\n\n|名称|类型|是否必选|描述|\n|--|--|--|--|\n|ShelfId|String|是|货架。|\n\n"
      "## 返回参数\n\n|名称|类型|描述|\n|--|--|--|\n|Shelf|[Shelf 参数](#s3)|货架。|\n"
      "|RequestId|String|请求 ID。|\n\n### Shelf参数\n\n|名称|类型|描述|\n|--|--|--|\n"
      "|Rows|Integer|层数。|\n\n## Owner 参数\n\n|名称|类型|描述|\n|--|--|--|\n|Name|String|名字。|\n";
  auto z = read_document(zh, "inline.md");
  ASSERT_TRUE(z) << z.error().to_string();
  ASSERT_EQ(response_names(*z), (std::vector<std::string>{"Shelf", "RequestId"}));
  EXPECT_EQ(child_names(z->response.children[0]), (std::vector<std::string>{"Rows"}));
}

// A first row "<公共请求参数>" (and "<公共返回参数>" in the response) points to the common
// parameters: it is neither a parameter nor a response field.
TEST(OwnLayouts, RowPointingToCommonParametersIsNotAParameter) {
  Contract c = read_own_page("zh-common-row.md");
  EXPECT_EQ(c.action, "PruneHedges");
  EXPECT_EQ(required_flags(c.params),
            (Flags{{"Action", true}, {"GardenId", true}, {"Height", false}}));
  EXPECT_EQ(types(c.params), (std::vector<std::string>{"String", "String", "Integer"}));
  EXPECT_EQ(response_names(c), (std::vector<std::string>{"RequestId"}));
  EXPECT_EQ(c.examples.request_params,
            (Params{{"Action", "PruneHedges"}, {"GardenId", "g-88"}, {"Height", "120"}}));
}

// The API Explorer link names a product code with a dash ("product=hedge-openapi"): that is the
// page's product, so --product hedge-openapi --version V compiles a page that states no version.
TEST(OwnLayouts, ProductCodeWithADash) {
  std::string page =
      "# TrimHedge\n\n[API Explorer](https://api.aliyun.com/#product=hedge-openapi&api=TrimHedge)\n\n"
      "## 请求参数\n\n|名称|类型|是否必选|描述|\n|--|--|--|--|\n|HedgeId|String|是|树篱 ID。|\n";
  auto c = read_document(page, "inline.md");
  ASSERT_TRUE(c) << c.error().to_string();
  EXPECT_EQ(c->product, "hedge-openapi");
  EXPECT_EQ(c->version, "");
  CompileResult r = compile_texts({CompileInput{"inline.md", page, false}},
                                  CompileOptions{"hedge-openapi", "2024-01-01", {}});
  ASSERT_TRUE(r.errors.empty()) << r.errors[0].to_string();
  ASSERT_EQ(r.entries.size(), 1u);
  EXPECT_EQ(r.entries[0].contract.version, "2024-01-01");
}

CompileInput input(const std::string& path, bool lookup = false) {
  auto text = read_file(path);
  EXPECT_TRUE(text) << text.error().to_string();
  return CompileInput{path, text ? *text : std::string(), lookup};
}

// The example's host names another product (metrics): the metadata of the page's action fixes
// product and version, and the contract says what the page suggested.
TEST(OwnLayouts, MetadataOfTheActionFixesProductAndVersion) {
  std::string meta = (test_support::pages_dir() / "metadata" / "watch-api-docs.json").string();
  CompileResult r = compile_texts({input(meta, true), input(page_path("zh-foreign-host.md"))}, {});
  ASSERT_TRUE(r.errors.empty()) << r.errors[0].to_string();
  ASSERT_EQ(r.entries.size(), 1u);
  const Contract& c = r.entries[0].contract;
  EXPECT_EQ(c.product, "Watch");
  EXPECT_EQ(c.version, "2021-03-01");
  EXPECT_EQ(c.action, "ListProbes");
  EXPECT_TRUE(has_warning(c.warnings, "metrics")) << ::testing::PrintToString(c.warnings);

  // An action the metadata does not list (an older API of the product) on a page whose host names
  // no product of the metadata: the product is the only one given, with its only version.
  auto page = read_file(page_path("zh-foreign-host.md"));
  ASSERT_TRUE(page);
  std::string older = *page;
  for (size_t p = older.find("ListProbes"); p != std::string::npos; p = older.find("ListProbes", p))
    older.replace(p, 10, "ListOldProbes");
  CompileResult old =
      compile_texts({input(meta, true), CompileInput{"older.md", older, false}}, {});
  ASSERT_TRUE(old.errors.empty()) << old.errors[0].to_string();
  ASSERT_EQ(old.entries.size(), 1u);
  EXPECT_EQ(old.entries[0].contract.product, "Watch");
  EXPECT_EQ(old.entries[0].contract.version, "2021-03-01");
  EXPECT_TRUE(has_warning(old.entries[0].contract.warnings, "only product given"));

  // Without the metadata the host is all there is, and it says nothing of the version.
  CompileResult alone = compile_texts({input(page_path("zh-foreign-host.md"))}, {});
  ASSERT_EQ(alone.errors.size(), 1u);
  EXPECT_EQ(alone.errors[0].code, "compile.no_version");
  // --product and --version name it when there is no metadata.
  CompileResult named = compile_texts({input(page_path("zh-foreign-host.md"))},
                                      CompileOptions{"Watch", "2021-03-01", {}});
  ASSERT_EQ(named.entries.size(), 1u);
  EXPECT_EQ(named.entries[0].contract.product, "Watch");
}

// A page with nothing readable says which sections it found; the rest of the batch compiles.
TEST(OwnLayouts, UnreadablePageSaysWhatItCouldNotRead) {
  std::string bad = "# DoNothing\n\n## 请求参数\n\n参数见控制台。\n\n## 错误码\n\n见错误中心。\n";
  auto c = read_document(bad, "bad.md");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, "doc.no_tables");
  EXPECT_NE(c.error().message.find("'请求参数' (request parameters, line 3)"), std::string::npos)
      << c.error().message;
  EXPECT_NE(c.error().message.find("'错误码' (error codes, line 7)"), std::string::npos)
      << c.error().message;

  std::string meta = (test_support::pages_dir() / "metadata" / "watch-api-docs.json").string();
  CompileResult r = compile_texts({input(meta, true), CompileInput{"bad.md", bad, false},
                                   input(page_path("zh-foreign-host.md"))},
                                  {});
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].file, "bad.md");
  ASSERT_EQ(r.entries.size(), 1u);
  EXPECT_EQ(r.entries[0].contract.action, "ListProbes");
}

}  // namespace
}  // namespace popcheck::core
