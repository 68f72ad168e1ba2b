#include "core/model.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "core/files.hpp"
#include "core/input_limits.hpp"
#include "tests/support/files.hpp"
#include "tests/support/paths.hpp"

namespace popcheck::core {
namespace {

Case recorded_case() {
  Case c;
  c.id = "Ecs.DetachDisk.recorded.002";
  c.kind = CaseKind::recorded;
  c.product = "Ecs";
  c.version = "2014-05-26";
  c.action = "DetachDisk";
  c.request.params = {{"Action", "DetachDisk"}, {"DiskId", "d-1a"}};
  c.expect.status = 404;
  c.expect.code = "InvalidDiskId.NotFound";
  c.expect.message = "The disk %s is gone.";
  c.expect.shape = Shape::snapshot;
  c.expect.snapshot = ojson::parse(R"({"Zeta":"<disk-id:1>","Alpha":{"B":2,"A":1}})");
  c.expect.skip = {"Alpha.B", "Items[*].Status"};
  c.expect.refs["<disk-id:1>"] = "d-1a";
  c.scenario = "detach";
  c.step = 2;
  return c;
}

TEST(ModelCase, SnapshotSkipRefsScenarioAndStepRoundTripInOrder) {
  Case c = recorded_case();
  ojson j = to_json(c);
  std::vector<std::string> keys;
  for (auto it = j.begin(); it != j.end(); ++it) keys.push_back(it.key());
  EXPECT_EQ(keys,
            (std::vector<std::string>{"id", "kind", "product", "version", "action", "description",
                                      "request", "expect", "scenario", "step"}));
  std::vector<std::string> expect_keys;
  for (auto it = j["expect"].begin(); it != j["expect"].end(); ++it)
    expect_keys.push_back(it.key());
  EXPECT_EQ(expect_keys, (std::vector<std::string>{"status", "code", "message", "shape", "snapshot",
                                                   "skip", "refs"}));
  // The snapshot keeps the recorded key order.
  EXPECT_EQ(j["expect"]["snapshot"].dump(), R"({"Zeta":"<disk-id:1>","Alpha":{"B":2,"A":1}})");
  auto back = case_from_json(j);
  ASSERT_TRUE(back.has_value()) << back.error().to_string();
  EXPECT_EQ(to_json(*back), j);
  EXPECT_EQ(back->scenario, "detach");
  EXPECT_EQ(back->step, 2);
  EXPECT_EQ(back->expect.skip, c.expect.skip);
}

TEST(ModelCase, CasesWithoutTheNewFieldsKeepTheirKeys) {
  Case c;
  c.id = "Ecs.RemoveTags.example.json";
  c.kind = CaseKind::example;
  ojson j = to_json(c);
  EXPECT_FALSE(j.contains("scenario"));
  EXPECT_FALSE(j.contains("step"));
  EXPECT_FALSE(j["expect"].contains("snapshot"));
  EXPECT_FALSE(j["expect"].contains("skip"));
  EXPECT_FALSE(j["expect"].contains("refs"));
  auto back = case_from_json(j);
  ASSERT_TRUE(back.has_value());
  EXPECT_TRUE(back->expect.snapshot.is_null());
  EXPECT_TRUE(back->scenario.empty());
}

// Kind and shape are read as enums: a missing or unknown kind, an unknown shape, is an error naming
// the case, the field and the values it may hold; an absent shape is the documented example.
TEST(ModelCase, KindAndShapeOutsideTheirVocabularyAreErrors) {
  ojson j = to_json(recorded_case());
  for (const char* kind : {"fault", "Recorded", ""}) {
    j["kind"] = kind;
    auto bad = case_from_json(j);
    ASSERT_FALSE(bad.has_value()) << kind;
    EXPECT_EQ(bad.error().code, "catalogue.case");
    EXPECT_NE(bad.error().message.find("Ecs.DetachDisk.recorded.002"), std::string::npos);
    EXPECT_NE(bad.error().message.find("kind '" + std::string(kind) + "'"), std::string::npos)
        << bad.error().message;
    EXPECT_NE(bad.error().message.find("example, error, negative, recorded"), std::string::npos);
  }
  j.erase("kind");
  auto missing = case_from_json(j);
  ASSERT_FALSE(missing.has_value());
  EXPECT_NE(missing.error().message.find("kind must be one of"), std::string::npos);

  j = to_json(recorded_case());
  for (ojson shape : {ojson("tree"), ojson("Snapshot"), ojson(2)}) {
    j["expect"]["shape"] = shape;
    auto bad = case_from_json(j);
    ASSERT_FALSE(bad.has_value()) << shape.dump();
    EXPECT_NE(bad.error().message.find("expect.shape must be one of example, contract, error, "
                                       "snapshot, none, found " +
                                       shape.dump()),
              std::string::npos)
        << bad.error().message;
  }
  j["expect"].erase("shape");
  auto absent = case_from_json(j);
  ASSERT_TRUE(absent.has_value());
  EXPECT_EQ(absent->expect.shape, Shape::example);
  for (Shape s : {Shape::example, Shape::contract, Shape::error, Shape::snapshot, Shape::none}) {
    j["expect"]["shape"] = std::string(to_string(s));
    auto back = case_from_json(j);
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(back->expect.shape, s);
    EXPECT_EQ(to_json(*back)["expect"]["shape"], to_string(s));
  }
}

TEST(ModelCatalogue, AnUnknownKindInAFileNamesTheFile) {
  test_support::TempDir scratch;
  std::string file = (scratch.path() / "bad.json").string();
  CatalogueEntry e;
  e.contract.product = "Ecs";
  e.contract.action = "DetachDisk";
  e.cases.push_back(recorded_case());
  ojson j = to_json(e);
  j["cases"][0]["kind"] = "fault";
  ASSERT_TRUE(write_file_atomic(file, j.dump(2)));
  auto loaded = load_catalogue_file(file);
  ASSERT_FALSE(loaded.has_value());
  EXPECT_EQ(loaded.error().file, file);
  EXPECT_NE(loaded.error().to_string().find(file), std::string::npos);
  EXPECT_NE(loaded.error().message.find("unknown kind 'fault'"), std::string::npos);
}

// Parameter types keep their documented spelling through a catalogue file, byte for byte, and
// come back classified.
TEST(ModelContract, ParamTypesRoundTripAsDocumentedAndClassified) {
  Contract c;
  c.product = "Ecs";
  c.action = "Demo";
  const std::pair<const char*, TypeClass> types[] = {
      {"String", TypeClass::string},   {"long", TypeClass::integer},
      {"Int32", TypeClass::integer},   {"Double", TypeClass::number},
      {"RepeatList", TypeClass::list}, {"Array of Region", TypeClass::list},
      {"Json", TypeClass::json},       {"Configuration", TypeClass::object},
      {"", TypeClass::unspecified}};
  for (const auto& [spelling, cls] : types) {
    Param p;
    p.name = std::string("P") + spelling;
    p.type = spelling;
    c.params.push_back(p);
  }
  c.params[0].fields.push_back(c.params[6]);
  const std::string text = to_json(c).dump(2);
  auto back = contract_from_json(ojson::parse(text));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(to_json(*back).dump(2), text);
  for (size_t i = 0; i < std::size(types); ++i) {
    EXPECT_EQ(back->params[i].type.spelling(), types[i].first);
    EXPECT_EQ(back->params[i].type.cls(), types[i].second) << types[i].first;
  }
  EXPECT_EQ(back->params[0].fields[0].type.cls(), TypeClass::json);
}

// Response types are read as ValueType: an unknown one is an error naming the field's path; an
// untyped field stays untyped ("type": "").
TEST(ModelContract, ResponseTypesOutsideTheirVocabularyAreErrorsNamingThePath) {
  Contract c;
  c.action = "DescribeThings";
  c.response.type = ValueType::object;
  ResponseNode things{"Things", ValueType::array};
  things.children.push_back({"Id", ValueType::string});
  things.children.push_back({"Anything", ValueType::any});
  c.response.children.push_back(things);
  ojson j = to_json(c);
  auto back = contract_from_json(j);
  ASSERT_TRUE(back.has_value()) << back.error().to_string();
  EXPECT_EQ(to_json(*back), j);
  EXPECT_EQ(back->response.children[0].children[1].type, ValueType::any);
  EXPECT_EQ(j["response"]["children"][0]["children"][1]["type"], "");
  j["response"]["children"][0]["children"][0]["type"] = "date";
  auto bad = contract_from_json(j);
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().message.find(
                "contract DescribeThings: response.Things.Id.type: unknown type 'date'"),
            std::string::npos)
      << bad.error().message;
}

TEST(ModelCase, MalformedSkipAndRefsAreErrors) {
  ojson j = to_json(recorded_case());
  j["expect"]["skip"] = "Alpha.B";
  auto bad = case_from_json(j);
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().message.find("expect.skip"), std::string::npos);
  j = to_json(recorded_case());
  j["expect"]["skip"] = ojson::array({1});
  EXPECT_FALSE(case_from_json(j).has_value());
  j = to_json(recorded_case());
  j["expect"]["refs"] = ojson::object({{"<disk-id:1>", 5}});
  bad = case_from_json(j);
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().message.find("refs"), std::string::npos);
}

// Issue 19, item 2: `run --cases` on a catalogue whose contract.response nests deeply crashed.
// The file is refused by name before anything walks it; the other files still load.
TEST(ModelCatalogue, ATooDeepCatalogueFileIsAnErrorNamingItAndTheOthersLoad) {
  namespace fs = std::filesystem;
  test_support::TempDir scratch;
  const fs::path dir = scratch.path();
  std::string deep_response;
  for (int i = 0; i < 30000; ++i) deep_response += R"({"name":"A","type":"object","children":[)";
  deep_response += "{}";
  for (int i = 0; i < 30000; ++i) deep_response += "]}";
  std::string deep_file = (dir / "deep.json").string();
  ASSERT_TRUE(write_file_atomic(deep_file, R"({"contract": {"product": "Ecs", "action": "Deep",
      "response": )" + deep_response + "}, \"cases\": []}"));
  CatalogueEntry good;
  good.contract.product = "Ecs";
  good.contract.action = "Good";
  ASSERT_TRUE(write_catalogue_entry(dir.string(), good));
  // An entry too deep to read back is not written.
  CatalogueEntry deep;
  deep.contract.product = "Ecs";
  deep.contract.action = "TooDeep";
  ResponseNode* node = &deep.contract.response;
  for (size_t i = 0; i < kMaxNestingDepth; ++i) node = &node->children.emplace_back();
  auto refused = write_catalogue_entry(dir.string(), deep);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "catalogue.too_deep");
  EXPECT_FALSE(fs::exists(dir / "ecs" / "TooDeep.json"));
  auto loaded = load_catalogue({dir.string()});
  ASSERT_EQ(loaded.errors.size(), 1u);
  EXPECT_EQ(loaded.errors[0].file, deep_file);
  EXPECT_EQ(loaded.errors[0].code, "json.too_deep");
  ASSERT_EQ(loaded.entries.size(), 1u);
  EXPECT_EQ(loaded.entries[0].contract.action, "Good");
}

// The checked-in catalogues (the seed catalogue cases/ and the golden one tests/golden/catalogue)
// read and written again are the same bytes: kinds, shapes and documented parameter types go
// through their enums and come back as they were written.
TEST(ModelCatalogue, CheckedInCataloguesRoundTripByteForByte) {
  namespace fs = std::filesystem;
  size_t files = 0;
  for (const char* dir : {"cases", "tests/golden/catalogue"}) {
    for (const auto& entry : fs::recursive_directory_iterator(test_support::source_dir() / dir)) {
      if (!entry.is_regular_file() || entry.path().extension() != ".json") continue;
      const std::string path = entry.path().string();
      auto text = read_file(path, size_t(64) << 20);
      ASSERT_TRUE(text) << path;
      auto e = load_catalogue_file(path);
      ASSERT_TRUE(e) << e.error().to_string();
      EXPECT_EQ(to_json(*e).dump(2) + "\n", *text) << path;
      ++files;
    }
  }
  EXPECT_GE(files, 10u);
}

}  // namespace
}  // namespace popcheck::core
