// Properties over many generated inputs (fixed seeds, so a failure reproduces): encoding round
// trips, signatures that change with every input they cover, and hostile input that never verifies
// and never crashes (run under the dev preset's ASan/UBSan to make "never crashes" meaningful).
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "core/protocol/normalize.hpp"
#include "core/protocol/redact.hpp"
#include "core/protocol/sign.hpp"
#include "core/protocol/verify.hpp"

namespace popcheck::core {
namespace {

class Gen {
 public:
  explicit Gen(uint32_t seed) : rng_(seed) {}
  size_t below(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }
  std::string bytes(size_t max) {
    std::string s(below(max + 1), '\0');
    for (char& c : s) c = static_cast<char>(below(256));
    return s;
  }
  // Text made of the characters that matter to the encoders.
  std::string text(size_t max) {
    static const std::string kPieces[] = {"a",  "Z",   "0", "-",  "_",
                                          ".",  "~",   " ", "+",  "%",
                                          "%2", "%41", "&", "=",  "?",
                                          "#",  "*",   "!", "'",  "(",
                                          ")",  "/",   ":", "中", "\xF0\x9F\x98\x80",
                                          "\t", "\n",  ";", ","};
    std::string s;
    const size_t n = below(max + 1);
    for (size_t i = 0; i < n; ++i) s += kPieces[below(std::size(kPieces))];
    return s;
  }
  Params params(size_t max) {
    Params p;
    const size_t n = below(max + 1);
    for (size_t i = 0; i < n; ++i) p.emplace_back("K" + std::to_string(i) + text(3), text(12));
    return p;
  }

 private:
  std::mt19937 rng_;
};

// The replay path's one-pass request_match_params must agree with match_params(merge_params(...))
// on any request: names that repeat, volatile and ignored names, raw '&', '=', '%' and '+' in the
// query and the form, Action and Version from the V3 headers, Format in any case or absent.
TEST(Property, OnePassMatchParamsAgreeWithMergeThenMatch) {
  Gen g(7);
  static const std::string kNames[] = {
      "Action",         "Version",         "Format",           "RegionId",          "Signature",
      "SignatureNonce", "Timestamp",       "AccessKeyId",      "ClientToken",       "Tag.1.Key",
      "Sig%6Eature",    "Act+ion",         "Form%61t",         "SecurityToken",     "BearerToken",
      "SignatureType",  "SignatureMethod", "SignatureVersion", "SignatureVersionX", "Timestamps",
      "Signatur"};
  auto random_pairs = [&](size_t max) {
    std::string out;
    const size_t n = g.below(max + 1);
    for (size_t i = 0; i < n; ++i) {
      if (i) out += g.below(8) == 0 ? "&&" : "&";
      out += g.below(3) == 0 ? percent_encode(g.text(6)) : kNames[g.below(std::size(kNames))];
      switch (g.below(4)) {
        case 0:
          break;  // no '=' at all
        case 1:
          out += "=" + g.text(8);
          break;  // raw, with '+', '%', '&' and '=' pieces
        default:
          out += "=" + percent_encode(g.text(8));
      }
    }
    return out;
  };
  for (int i = 0; i < 5000; ++i) {
    Headers headers;
    std::string body;
    const bool form = g.below(2) == 0;
    if (form)
      headers.emplace_back(g.below(2) ? "Content-Type" : "content-type",
                           "application/x-www-form-urlencoded; charset=UTF-8");
    else if (g.below(2))
      headers.emplace_back("Content-Type", "application/json");
    body = g.below(3) == 0 ? std::string() : random_pairs(5);
    if (g.below(2)) headers.emplace_back("x-acs-action", g.below(4) ? "DescribeRegions" : "");
    if (g.below(2)) headers.emplace_back("x-acs-version", "2014-05-26");
    std::string target = "/";
    if (g.below(4)) target += "?" + random_pairs(8);
    if (g.below(6) == 0) target += "#" + random_pairs(2);
    const std::string method = form ? "POST" : "GET";
    MatchOptions options;
    if (g.below(2)) options.extra_ignored = {"ClientToken"};
    if (g.below(5) == 0) options.extra_ignored.insert(g.below(2) ? "Action" : "Format");
    if (g.below(4) == 0) options.default_format.clear();
    const HttpRequestView request{method, target, &headers, body};
    const auto expected = match_params(merge_params(request), options);
    ASSERT_EQ(request_match_params(request, options), expected)
        << method << " " << target << " body " << body;
    // The replay path's key, built without the map, is the key its recording was indexed under,
    // and its hash the one the index files that key under.
    const RequestKey key = request_match_key(request, options);
    const std::string reference = match_key(expected);
    ASSERT_EQ(key.key(), reference) << method << " " << target << " body " << body;
    ASSERT_EQ(key.hash(), match_key_hash(reference)) << target;
    ASSERT_EQ(key.action(), expected.contains("Action") ? expected.at("Action") : "") << target;
    ASSERT_EQ(key.format(), expected.contains("Format") ? expected.at("Format") : "") << target;
    // Moved (as a call's key is), it still reads the same.
    const RequestKey moved = RequestKey(key);
    ASSERT_EQ(moved.key(), reference);
    ASSERT_EQ(moved.action(), key.action());
    ASSERT_EQ(moved.format(), key.format());
  }
}

// is_volatile_param compares names word by word rather than with memcmp, and match_params (the
// reference above) uses it too: so it is held here to the plain list, on the nine names, every
// one-byte change of each, their prefixes and extensions, other cases, and generated text.
TEST(Property, VolatileNamesAreExactlyTheNine) {
  static const std::vector<std::string> kVolatile = {
      "Signature",   "SignatureNonce", "Timestamp",       "AccessKeyId",     "SecurityToken",
      "BearerToken", "SignatureType",  "SignatureMethod", "SignatureVersion"};
  auto listed = [&](const std::string& name) {
    return std::find(kVolatile.begin(), kVolatile.end(), name) != kVolatile.end();
  };
  std::vector<std::string> names;
  for (const std::string& v : kVolatile) {
    names.push_back(v);
    for (size_t i = 0; i < v.size(); ++i) {
      for (const char c : {'x', '\0', '\xFF', static_cast<char>(v[i] ^ 0x20)}) {
        std::string changed = v;
        changed[i] = c;
        names.push_back(changed);
      }
      names.push_back(v.substr(0, i));
    }
    names.push_back(v + "s");
    names.push_back("x" + v);
  }
  Gen g(11);
  for (int i = 0; i < 2000; ++i) names.push_back(g.text(16));
  for (const std::string& name : names) ASSERT_EQ(is_volatile_param(name), listed(name)) << name;
}

// Keys longer than RequestKey's inline buffer, and Format values already upper-case or not, read
// the same as the reference.
TEST(Property, RequestKeyOfLongValuesAndFormats) {
  Gen g(8);
  for (const std::string format : {"XML", "json", "Json", "X%4DL", "J+SON", ""}) {
    for (size_t length : {size_t(10), size_t(300), size_t(5000)}) {
      std::string target = "/?Action=Describe&Tag.1.Value=" + percent_encode(g.text(length)) +
                           "&RegionId=" + std::string(length, 'r');
      if (!format.empty()) target += "&Format=" + format;
      const HttpRequestView request{"GET", target, nullptr, ""};
      const auto expected = match_params(merge_params(request));
      const RequestKey key = request_match_key(request);
      ASSERT_EQ(key.key(), match_key(expected)) << target;
      ASSERT_EQ(key.hash(), match_key_hash(match_key(expected))) << target;
      ASSERT_EQ(key.format(), expected.at("Format")) << target;
      ASSERT_EQ(key.action(), "Describe");
    }
  }
}

TEST(Property, EncodeDecodeRoundTrip) {
  Gen g(1);
  for (int i = 0; i < 2000; ++i) {
    const std::string s = g.bytes(40);
    const std::string e = percent_encode(s);
    ASSERT_EQ(percent_decode(e), s);
    ASSERT_EQ(
        e.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~%"),
        std::string::npos)
        << e;
  }
}

TEST(Property, QueryStringRoundTripKeepsOrderAndDuplicates) {
  Gen g(2);
  for (int i = 0; i < 1000; ++i) {
    Params p = g.params(6);
    if (!p.empty() && g.below(2) == 0) p.push_back(p.front());  // a duplicate name
    ASSERT_EQ(parse_query_string(encode_params(p)), p) << encode_params(p);
  }
}

TEST(Property, CanonicalQueryIgnoresOrderAndSignature) {
  Gen g(3);
  std::mt19937 shuffle(3);
  for (int i = 0; i < 500; ++i) {
    Params p = g.params(8);
    Params q = p;
    std::shuffle(q.begin(), q.end(), shuffle);
    q.emplace_back("Signature", g.text(8));
    ASSERT_EQ(canonical_query(p), canonical_query(q));
    ASSERT_EQ(v1_signature("GET", p, "k"), v1_signature("GET", q, "k"));
  }
}

TEST(Property, EveryV1InputChangesTheSignature) {
  Gen g(4);
  for (int i = 0; i < 300; ++i) {
    Params p = g.params(5);
    p.emplace_back("Action", "A");
    const std::string base = v1_signature("GET", p, "secret");
    Params changed = p;
    changed[g.below(changed.size())].second += "x";
    EXPECT_NE(v1_signature("GET", changed, "secret"), base);
    EXPECT_NE(v1_signature("POST", p, "secret"), base);
    EXPECT_NE(v1_signature("GET", p, "secreT"), base);
  }
}

TEST(Property, V1RequestsRoundTripThroughVerification) {
  // Sign random parameter sets, put them on the wire as a query or a form body, verify.
  Gen g(5);
  const auto now = *parse_iso8601_utc("2026-01-01T00:00:00Z");
  const KeyLookup keys = key_lookup({{"id", "secret"}});
  NonceCache nonces;
  for (int i = 0; i < 300; ++i) {
    Params p = g.params(6);
    p.insert(p.end(), {{"AccessKeyId", "id"},
                       {"SignatureMethod", "HMAC-SHA1"},
                       {"SignatureVersion", "1.0"},
                       {"SignatureNonce", "n" + std::to_string(i)},
                       {"Timestamp", format_iso8601_utc(now)}});
    const bool form = g.below(2) == 0;
    const std::string method = form ? "POST" : (g.below(2) == 0 ? "GET" : "POST");
    p.emplace_back("Signature", v1_signature(method, p, "secret"));
    const Headers h =
        form ? Headers{{"Content-Type", "application/x-www-form-urlencoded"}} : Headers{};
    const std::string target = form ? "/" : "/?" + encode_params(p);
    const std::string body = form ? encode_params(p) : "";
    const auto o = verify_request({method, target, &h, body}, keys, now, &nonces);
    ASSERT_TRUE(o.ok()) << to_string(o.status) << " " << o.detail << " " << target << body;
    // Whatever the parameters, they reach match_params decoded.
    const auto match = match_params(merge_params({method, target, &h, body}));
    for (const auto& [k, v] : p) {
      if (is_volatile_param(k)) continue;
      ASSERT_TRUE(match.contains(k)) << k;
    }
  }
}

TEST(Property, HostileInputNeverVerifiesNorCrashes) {
  Gen g(6);
  const auto now = *parse_iso8601_utc("2026-01-01T00:00:00Z");
  const KeyLookup keys = key_lookup({{"id", "secret"}, {"", ""}});
  NonceCache nonces(16);
  for (int i = 0; i < 3000; ++i) {
    const std::string target = (g.below(2) ? "/?" : "") + g.text(30);
    const std::string body = g.below(2) ? g.bytes(40) : g.text(30);
    Headers h;
    if (g.below(2)) h.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    if (g.below(2)) {
      h.emplace_back("Authorization", g.below(2) ? "ACS3-HMAC-SHA256 " + g.text(40) : g.bytes(30));
    }
    if (g.below(2)) h.emplace_back("x-acs-date", g.below(2) ? "2026-01-01T00:00:00Z" : g.text(20));
    if (g.below(2)) h.emplace_back("x-acs-signature-nonce", g.text(5));
    const HttpRequestView r{g.below(2) ? "GET" : "POST", target, &h, body};
    const auto o = verify_request(r, keys, now, &nonces);
    ASSERT_FALSE(o.ok()) << target << "\n" << body;
    ASSERT_TRUE(verify_error(o).has_value());
    // The normaliser and the redactor accept anything.
    (void)match_key(match_params(merge_params(r)));
    const Redactor redactor(Credentials{"id", "secret", ""});
    (void)redactor.text(target + body);
    (void)redactor.body(body, header_value(h, "content-type"));
    (void)redactor.url("http://h" + target);
  }
}

TEST(Property, RedactRemovesEveryCredentialOccurrence) {
  Gen g(7);
  for (int i = 0; i < 500; ++i) {
    const Credentials c{"LTAI" + std::to_string(i) + "id",
                        "Sec/" + std::to_string(i) + "+=", "STS." + std::to_string(i) + "tok+/="};
    std::string text;
    for (int j = 0; j < 6; ++j) {
      text += g.text(6);
      switch (g.below(6)) {
        case 0:
          text += c.access_key_id;
          break;
        case 1:
          text += c.access_key_secret;
          break;
        case 2:
          text += c.security_token;
          break;
        case 3:
          text += percent_encode(c.access_key_secret);
          break;
        case 4:
          text += percent_encode(c.security_token);
          break;
        default:
          text += "Signature=" + g.text(4);
      }
    }
    const std::string out = Redactor(c).text(text);
    for (const std::string& secret :
         {c.access_key_id, c.access_key_secret, c.security_token,
          percent_encode(c.access_key_secret), percent_encode(c.security_token)}) {
      ASSERT_EQ(out.find(secret), std::string::npos) << secret << " in " << out;
    }
  }
}

}  // namespace
}  // namespace popcheck::core
