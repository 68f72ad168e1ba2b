// The runner's HTTP client (runner/client.hpp) against a loopback server: every HTTP answer is a
// value whatever its status, the target goes out exactly as it was signed, connection headers are
// not part of the answer, and no answer at all is an error naming the endpoint.
#include "runner/client.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>

#include "core/support/text.hpp"
#include "tests/support/http_server.hpp"

namespace popcheck::runner {
namespace {

struct Seen {
  std::mutex mutex;
  std::string target, body, user_agent;
};

TEST(HttpClient, AnyStatusIsAnAnswerAndTheTargetIsSentAsSigned) {
  Seen seen;
  test_support::LoopbackServer server([&](const httplib::Request& req, httplib::Response& res) {
    {
      std::lock_guard lock(seen.mutex);
      seen.target = req.target;
      seen.body = req.body;
      seen.user_agent = req.get_header_value("User-Agent");
    }
    res.status = 404;
    res.set_header("x-acs-request-id", "R-1");
    res.set_content(R"({"Code":"InvalidDiskId.NotFound"})", "application/json;charset=utf-8");
  });
  HttpClient client(*parse_endpoint(server.url()), {});
  // %2B and %20 must not be decoded or re-encoded: the signature covers these exact bytes.
  auto answer = client.send({"POST", "/?Action=X&Tag=a%2Bb%20c",
                             {{"User-Agent", "popcheck-test"}, {"Content-Type", "text/plain"}},
                             "body bytes"});
  ASSERT_TRUE(answer) << answer.error().to_string();
  EXPECT_EQ(answer->status, 404);
  EXPECT_EQ(answer->body, R"({"Code":"InvalidDiskId.NotFound"})");
  EXPECT_EQ(core::header_value(answer->headers, "x-acs-request-id"), "R-1");
  EXPECT_EQ(core::header_value(answer->headers, "content-type"), "application/json;charset=utf-8");
  for (const auto& [name, value] : answer->headers) {
    EXPECT_NE(core::text::to_lower(name), "connection") << "a connection header reached the answer";
    EXPECT_NE(core::text::to_lower(name), "keep-alive");
  }
  std::lock_guard lock(seen.mutex);
  EXPECT_EQ(seen.target, "/?Action=X&Tag=a%2Bb%20c");
  EXPECT_EQ(seen.body, "body bytes");
  EXPECT_EQ(seen.user_agent, "popcheck-test");
}

TEST(HttpClient, SendsExactlyOneRequestPerCall) {
  std::atomic<int> calls{0};
  test_support::LoopbackServer server([&](const httplib::Request&, httplib::Response& res) {
    ++calls;
    res.set_content("{}", "application/json");
  });
  HttpClient client(*parse_endpoint(server.url()), {});
  for (int i = 0; i < 3; ++i) {
    auto a = client.send({"GET", "/?i=" + std::to_string(i), {}, ""});
    ASSERT_TRUE(a) << a.error().to_string();
    EXPECT_EQ(a->status, 200);
  }
  EXPECT_EQ(calls.load(), 3);  // no retry inside the client: retries are re-signed by the caller
}

TEST(HttpClient, NoListenerIsNetConnectNamingTheEndpoint) {
  std::string url;
  {
    test_support::LoopbackServer gone([](const httplib::Request&, httplib::Response&) {});
    url = gone.url();
  }
  HttpClient client(*parse_endpoint(url), {});
  auto answer = client.send({"GET", "/", {}, ""});
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().code, "net.connect");
  EXPECT_NE(answer.error().message.find(url), std::string::npos) << answer.error().message;
}

TEST(HttpClient, PlainHttpAtAnHttpsEndpointIsATlsError) {
  test_support::LoopbackServer plain([](const httplib::Request&, httplib::Response& res) {
    res.set_content("{}", "application/json");
  });
  auto endpoint = *parse_endpoint("https://127.0.0.1:" + std::to_string(plain.port()));
  HttpClient client(endpoint, {});
  auto answer = client.send({"GET", "/", {}, ""});
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().code, "net.tls") << answer.error().to_string();
  EXPECT_NE(answer.error().message.find(endpoint.origin()), std::string::npos);
}

}  // namespace
}  // namespace popcheck::runner
