// The SDK adapter driver against fake adapters (small /bin/sh scripts written by each test): the
// hello handshake and its failures, answers, timeouts, deaths and the one restart, malformed lines,
// and a whole run through run_cases_with_sdk producing a report without credentials.
#include "runner/sdk.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <random>

#include "tests/support/env.hpp"
#include "tests/support/files.hpp"

namespace popcheck::runner {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

// A folder of fake adapters, removed at the end of the test.
class Scripts {
 public:
  std::string write(const std::string& name, const std::string& body) {
    fs::path p = dir_ / name;
    std::ofstream(p) << "#!/bin/sh\n" << body;
    ::chmod(p.c_str(), 0755);
    return p.string();
  }
  std::string dir() const { return dir_.string(); }

 private:
  test_support::TempDir scratch_;
  fs::path dir_ = scratch_.path();
};

const char* kHello = "echo '{\"adapter\":\"fake\",\"sdk\":\"fake-sdk@0.1\",\"protocol\":1}'\n";

// Answers every line by id; lines naming a case id with "hang", "die", "garbage" or "stranger"
// misbehave that way. Each answer echoes the access key secret in its message to prove that the
// runner scrubs.
std::string fake_adapter_body() {
  return std::string(kHello) +
         "while IFS= read -r line; do\n"
         "  id=$(printf '%s' \"$line\" | sed -n 's/.*\"id\":\"\\([^\"]*\\)\".*/\\1/p')\n"
         "  secret=$(printf '%s' \"$line\" | sed -n "
         "'s/.*\"access_key_secret\":\"\\([^\"]*\\)\".*/\\1/p')\n"
         "  case \"$id\" in\n"
         "    *hang*) exec sleep 30 ;;\n"
         "    *die*) exit 7 ;;\n"
         "    *garbage*) echo 'this is not json' ;;\n"
         "    *stranger*) echo '{\"id\":\"someone-else\",\"outcome\":\"success\"}' ;;\n"
         "    *error*) printf "
         "'{\"id\":\"%s\",\"outcome\":\"error\",\"body\":null,\"error\":{\"name\":"
         "\"ClientError\",\"code\":\"Bad.Thing\",\"message\":\"Bad.Thing: code: 400, it is bad. "
         "URL: "
         "http://x/?Signature=abc&AccessKeyId=k "
         "%s\",\"request_id\":\"RID-1\",\"status\":400,\"data\":"
         "{\"RequestId\":\"RID-1\",\"Code\":\"Bad.Thing\"}},\"http\":{\"status\":400,\"headers\":{}"
         "}}\\n'"
         " \"$id\" \"$secret\" ;;\n"
         "    *) printf '{\"id\":\"%s\",\"outcome\":\"success\",\"body\":{\"RequestId\":\"RID-2\"},"
         "\"http\":{\"status\":200,\"headers\":{\"content-type\":\"application/"
         "json;charset=utf-8\"}}}\\n'"
         " \"$id\" ;;\n"
         "  esac\n"
         "done\n";
}

json request(const std::string& id) {
  return json{{"id", id}, {"action", "X"}, {"params", json::object()}};
}

SdkOptions options_for(const std::string& path) {
  SdkOptions o;
  o.adapter = path;
  o.hello_timeout = std::chrono::milliseconds(10000);
  o.case_timeout = std::chrono::milliseconds(10000);
  return o;
}

TEST(SdkAdapterProcess, HandshakeAndAnswers) {
  Scripts s;
  auto p = AdapterProcess::start({s.write("fake.sh", fake_adapter_body())}, {},
                                 std::chrono::milliseconds(10000));
  ASSERT_TRUE(p) << p.error().to_string();
  EXPECT_EQ((*p)->hello()["adapter"], "fake");
  EXPECT_EQ((*p)->describe(), "fake (fake-sdk@0.1)");
  for (const char* id : {"a", "b", "c"}) {
    auto a = (*p)->exchange(request(id), std::chrono::milliseconds(10000));
    ASSERT_TRUE(a) << a.error().to_string();
    EXPECT_EQ((*a)["id"], id);
    EXPECT_EQ((*a)["outcome"], "success");
  }
  (*p)->stop();
  EXPECT_FALSE((*p)->alive());
  auto closed = (*p)->exchange(request("d"), std::chrono::milliseconds(1000));
  ASSERT_FALSE(closed);
  EXPECT_EQ(closed.error().code, "sdk.died");
}

TEST(SdkAdapterProcess, HelloFailuresAreClearErrors) {
  Scripts s;
  struct Bad {
    std::string body, needle;
  } bad[] = {
      {"exit 4\n", "exited with status 4"},
      {"echo 'hello there'\n", "not a JSON object"},
      {"echo '{\"adapter\":\"x\",\"protocol\":2}'\n", "speaks protocol 2"},
      {"echo '{\"protocol\":1}'\n", "without an \"adapter\" name"},
      {"echo '{\"adapter\":\"x\",\"protocol\":1,\"fatal\":\"cannot load @alicloud/pop-core\"}'\n",
       "cannot load @alicloud/pop-core"},
  };
  int i = 0;
  for (const auto& b : bad) {
    auto p = AdapterProcess::start({s.write("bad" + std::to_string(i++) + ".sh", b.body)}, {},
                                   std::chrono::milliseconds(10000));
    ASSERT_FALSE(p) << b.body;
    EXPECT_EQ(p.error().code, "sdk.hello");
    EXPECT_NE(p.error().message.find(b.needle), std::string::npos) << p.error().message;
  }
  auto hang = AdapterProcess::start({s.write("silent.sh", "exec sleep 30\n")}, {},
                                    std::chrono::milliseconds(200));
  ASSERT_FALSE(hang);
  EXPECT_NE(hang.error().message.find("no hello line within 200 ms"), std::string::npos);
  auto missing =
      AdapterProcess::start({s.dir() + "/does-not-exist"}, {}, std::chrono::milliseconds(1000));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "sdk.spawn");
}

TEST(SdkAdapterProcess, TimeoutMalformedAndDeath) {
  Scripts s;
  std::string path = s.write("fake.sh", fake_adapter_body());
  auto start = [&] {
    auto p = AdapterProcess::start({path}, {}, std::chrono::milliseconds(10000));
    EXPECT_TRUE(p);
    return std::move(*p);
  };
  auto p = start();
  auto t = p->exchange(request("case-hang"), std::chrono::milliseconds(200));
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().code, "sdk.timeout");
  EXPECT_FALSE(p->alive());
  p->stop();

  p = start();
  auto g = p->exchange(request("case-garbage"), std::chrono::milliseconds(10000));
  ASSERT_FALSE(g);
  EXPECT_EQ(g.error().code, "sdk.malformed");
  EXPECT_NE(g.error().message.find("this is not json"), std::string::npos);

  p = start();
  auto o = p->exchange(request("case-stranger"), std::chrono::milliseconds(10000));
  ASSERT_FALSE(o);
  EXPECT_EQ(o.error().code, "sdk.malformed");
  EXPECT_NE(o.error().message.find("someone-else"), std::string::npos);

  p = start();
  auto d = p->exchange(request("case-die"), std::chrono::milliseconds(10000));
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().code, "sdk.died");
  EXPECT_NE(d.error().message.find("exited with status 7"), std::string::npos) << d.error().message;
  // Writing to an adapter that is gone is an Error, not a SIGPIPE.
  auto again = p->exchange(request("x"), std::chrono::milliseconds(1000));
  EXPECT_FALSE(again);
}

TEST(SdkAdapterDriver, RestartsOnceThenStops) {
  Scripts s;
  auto d = AdapterDriver::start(options_for(s.write("fake.sh", fake_adapter_body())));
  ASSERT_TRUE(d) << d.error().to_string();
  bool fatal = false;
  ASSERT_TRUE((*d)->exchange(request("one"), &fatal));
  auto died = (*d)->exchange(request("two-die"), &fatal);
  ASSERT_FALSE(died);
  EXPECT_FALSE(fatal);  // the case is an error; the run goes on
  auto after = (*d)->exchange(request("three"), &fatal);
  ASSERT_TRUE(after) << after.error().to_string();
  EXPECT_EQ((*d)->restarts(), 1);
  auto again = (*d)->exchange(request("four-die"), &fatal);
  ASSERT_FALSE(again);
  EXPECT_TRUE(fatal);
  EXPECT_EQ(again.error().code, "sdk.dead");
  EXPECT_NE(again.error().message.find("stopping the run"), std::string::npos);
}

TEST(SdkOptionsTest, ParsesOptionsAndResolvesAdapters) {
  SdkOptions o;
  ASSERT_TRUE(parse_sdk_option("signature=v2", o));
  ASSERT_TRUE(parse_sdk_option("x=a=b", o));
  EXPECT_EQ(o.options["signature"], "v2");
  EXPECT_EQ(o.options["x"], "a=b");
  auto bad = parse_sdk_option("novalue", o);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, "usage.sdk-option");

  Scripts s;
  std::ofstream(s.dir() + "/mine.js") << "// an adapter\n";
  o.adapter = "mine";
  o.adapters_dir = s.dir();
  auto cmd = adapter_command(o);
  ASSERT_TRUE(cmd) << cmd.error().to_string();
  EXPECT_EQ(*cmd, (std::vector<std::string>{"node", s.dir() + "/mine.js"}));
  o.adapter = "absent";
  auto missing = adapter_command(o);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "usage.sdk");
  EXPECT_NE(missing.error().message.find("absent"), std::string::npos);
}

TEST(SdkOptionsTest, ANamedAdapterNeedsTheAdaptersFolderAndNeverTheCurrentDirectory) {
  Scripts s;
  std::filesystem::create_directories(s.dir() + "/adapters");
  std::ofstream(s.dir() + "/adapters/pop-core.js") << "// an adapter\n";
  auto cwd = std::filesystem::current_path();
  std::filesystem::current_path(s.dir());  // ./adapters/pop-core.js exists here
  SdkOptions o;
  o.adapter = "pop-core";
  EXPECT_TRUE(adapter_is_named("pop-core"));
  EXPECT_FALSE(adapter_is_named("./pop-core.js"));
  auto none = adapter_command(o);
  std::filesystem::current_path(cwd);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, "usage.sdk");
  EXPECT_NE(none.error().message.find("no adapters folder"), std::string::npos)
      << none.error().message;
}

TEST(SdkOptionsTest, NodePathFromTheAdapterFolderTheProjectAndTheEnvironment) {
  Scripts s;
  std::filesystem::create_directories(s.dir() + "/share/adapters/node_modules");
  std::filesystem::create_directories(s.dir() + "/project/node_modules");
  std::vector<std::string> argv = {"node", s.dir() + "/share/adapters/pop-core.js"};
  SdkOptions o;
  o.node_path = "/given";
  EXPECT_EQ(adapter_node_path(o, argv), "/given");
  o.node_path.clear();
  auto cwd = std::filesystem::current_path();
  test_support::ScopedEnv env(
      {{"POPCHECK_SDK_MODULES", std::nullopt}, {"NODE_PATH", "/inherited"}});
  std::filesystem::current_path(s.dir() + "/project");
  std::string path = adapter_node_path(o, argv);
  std::filesystem::current_path(s.dir());  // no node_modules here
  std::string without_project = adapter_node_path(o, argv);
  std::string from_env;
  {
    test_support::ScopedEnv modules(
        test_support::ScopedEnv::Values{{"POPCHECK_SDK_MODULES", "/sdk"}});
    from_env = adapter_node_path(o, argv);
  }
  std::filesystem::current_path(cwd);
  EXPECT_EQ(path, s.dir() + "/share/adapters/node_modules:" + s.dir() + "/project/node_modules" +
                      ":/inherited");
  EXPECT_EQ(without_project, s.dir() + "/share/adapters/node_modules:/inherited");
  EXPECT_EQ(from_env, "/sdk");
}

core::Case make_case(const std::string& id, int status, std::optional<std::string> code) {
  core::Case c;
  c.id = id;
  c.kind = code ? core::CaseKind::error : core::CaseKind::example;
  c.product = "Ecs";
  c.version = "2014-05-26";
  c.action = "RemoveTags";
  c.request.params = {{"Action", "RemoveTags"},
                      {"Version", "2014-05-26"},
                      {"RegionId", "${region}"},
                      {"Tag.1.Key", "k"}};
  c.expect.status = status;
  c.expect.code = code;
  c.expect.shape = code ? core::Shape::error : core::Shape::none;
  return c;
}

TEST(SdkRequestLine, MovesActionAndVersionAndAddsFormat) {
  RunOptions options;
  options.endpoint = *core::parse_url("http://127.0.0.1:9/");
  options.credentials = {"id-1", "secret-1", ""};
  SdkOptions sdk;
  sdk.options["method"] = "POST";
  core::Case c = make_case("c", 200, std::nullopt);
  c.request.format = "XML";
  json line = sdk_request_line(c, {{"Action", "RemoveTags"}, {"Version", "2014-05-26"}, {"A", "1"}},
                               options, sdk);
  EXPECT_EQ(line["action"], "RemoveTags");
  EXPECT_EQ(line["version"], "2014-05-26");
  EXPECT_EQ(line["params"], (json{{"A", "1"}, {"Format", "XML"}}));
  EXPECT_EQ(line["endpoint"], "http://127.0.0.1:9");
  EXPECT_EQ(line["options"]["method"], "POST");
  EXPECT_EQ(line["credentials"]["access_key_secret"], "secret-1");
}

TEST(SdkRun, ReportsChecksSkipsErrorsAndNoSecrets) {
  Scripts s;
  auto contract = std::make_shared<core::Contract>();
  contract->product = "Ecs";
  contract->action = "RemoveTags";
  std::vector<CaseItem> cases = {
      {make_case("Ecs.RemoveTags.ok", 200, std::nullopt), contract},
      {make_case("Ecs.RemoveTags.error.Bad", 400, "Bad.Thing"), contract},
      {make_case("Ecs.RemoveTags.error.Other", 400, "Other.Thing"), contract},
      {make_case("Ecs.RemoveTags.garbage", 200, std::nullopt), contract},
      {make_case("Ecs.RemoveTags.after", 200, std::nullopt), contract},
  };
  cases.push_back({make_case("Ecs.RemoveTags.needs", 200, std::nullopt), contract});
  cases.back().c.needs.push_back(
      {"instance_id", "instance", core::ojson::object(), "a Running instance"});
  RunOptions options;
  options.endpoint = *core::parse_url("http://127.0.0.1:9");
  options.credentials = {"key-id-xyz", "very-secret-value", ""};
  options.vars["region"] = "cn-hangzhou";
  SdkOptions sdk = options_for(s.write("fake.sh", fake_adapter_body()));
  size_t progress_calls = 0;
  auto report =
      run_cases_with_sdk(cases, options, Target{}, sdk,
                         [&](size_t, size_t, const core::CaseResult&) { ++progress_calls; });
  ASSERT_TRUE(report) << report.error().to_string();
  ASSERT_EQ(report->cases.size(), cases.size());
  EXPECT_EQ(progress_calls, cases.size());
  EXPECT_NE(report->endpoint.find("fake (fake-sdk@0.1)"), std::string::npos);
  using core::CaseStatus;
  EXPECT_EQ(report->cases[0].status, CaseStatus::passed);
  // The SDK surfaced "Bad.Thing": right for the second case, a failed sdk-code for the third.
  EXPECT_EQ(report->cases[1].status, CaseStatus::passed);
  ASSERT_EQ(report->cases[2].status, CaseStatus::failed);
  ASSERT_EQ(report->cases[2].failures().size(), 1u);
  EXPECT_EQ(report->cases[2].failures()[0]->check, "sdk-code");
  // A malformed answer is an error of that case, and the restarted adapter runs the next one.
  EXPECT_EQ(report->cases[3].status, CaseStatus::error);
  EXPECT_NE(report->cases[3].error.find("not a JSON object"), std::string::npos);
  EXPECT_EQ(report->cases[4].status, CaseStatus::passed);
  EXPECT_EQ(report->cases[5].status, CaseStatus::skipped);
  EXPECT_NE(report->cases[5].skip_reason.find("--var instance_id=VALUE"), std::string::npos);
  for (const auto& c : report->cases) {
    for (const std::string* text :
         {&c.request.body, &c.request.target, &c.response.body, &c.error}) {
      EXPECT_EQ(text->find("very-secret-value"), std::string::npos) << *text;
      EXPECT_EQ(text->find("key-id-xyz"), std::string::npos) << *text;
      EXPECT_EQ(text->find("Signature=abc"), std::string::npos) << *text;
    }
  }
  EXPECT_NE(report->cases[1].request.body.find("\"RegionId\":\"cn-hangzhou\""), std::string::npos);
}

TEST(SdkRun, StopsWhenTheAdapterDiesAfterItsRestart) {
  Scripts s;
  auto contract = std::make_shared<core::Contract>();
  std::vector<CaseItem> cases = {{make_case("a-die", 200, std::nullopt), contract},
                                 {make_case("b", 200, std::nullopt), contract},
                                 {make_case("c-die", 200, std::nullopt), contract},
                                 {make_case("d", 200, std::nullopt), contract}};
  RunOptions options;
  options.endpoint = *core::parse_url("http://127.0.0.1:9");
  options.vars["region"] = "r";
  auto report = run_cases_with_sdk(cases, options, Target{},
                                   options_for(s.write("fake.sh", fake_adapter_body())));
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().code, "sdk.dead");
  EXPECT_NE(report.error().message.find("c-die"), std::string::npos) << report.error().message;

  auto no_start = run_cases_with_sdk(cases, options, Target{},
                                     options_for(s.write("broken.sh", "echo '{\"oops\":1}'\n")));
  ASSERT_FALSE(no_start);
  EXPECT_EQ(no_start.error().code, "sdk.hello");
}

}  // namespace
}  // namespace popcheck::runner
