#include "core/model.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "core/files.hpp"
#include "core/input_limits.hpp"
#include "tests/support/files.hpp"

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
  c.expect.shape = "snapshot";
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

}  // namespace
}  // namespace popcheck::core

namespace popcheck::core {
namespace {

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

}  // namespace
}  // namespace popcheck::core
