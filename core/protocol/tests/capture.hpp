#pragma once
// The requests captured from the real Node SDKs in docs/protocol.md section 4.4, verbatim, and
// a small reader that turns such a text into a request. The reader exists only for these fixtures
// (a request line, "name: value" lines, a blank line, a body); production code gets its requests
// from Boost.Beast.
#include <string>
#include <string_view>

#include "core/protocol/normalize.hpp"

namespace popcheck::core::testing {

struct CapturedRequest {
  std::string method;
  std::string target;
  Headers headers;
  std::string body;

  HttpRequestView view() const { return {method, target, &headers, body}; }
};

inline CapturedRequest parse_capture(std::string_view text) {
  CapturedRequest out;
  size_t pos = 0;
  auto next_line = [&]() {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    return line;
  };
  std::string_view first = next_line();
  const size_t space = first.find(' ');
  out.method = std::string(first.substr(0, space));
  out.target = std::string(first.substr(space + 1));
  while (pos < text.size()) {
    std::string_view line = next_line();
    if (line.empty()) break;
    const size_t colon = line.find(':');
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    out.headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
  }
  if (pos < text.size()) out.body = std::string(text.substr(pos));
  while (!out.body.empty() && out.body.back() == '\n') out.body.pop_back();
  return out;
}

// pop-core 1.8.0 GET (V1, everything in the query).
inline constexpr std::string_view kPopCoreGet =
    "GET /?AccessKeyId=testid&Action=DeleteInstances&Force=true&Format=JSON&InstanceId.1=i-abc&"
    "InstanceId.2=i-def&RegionId=cn-hangzhou&SignatureMethod=HMAC-SHA1&SignatureNonce="
    "a7e29f182614a7906db3daef70a67901&SignatureVersion=1.0&Timestamp=2026-11-23T14%3A54%3A01Z&"
    "Version=2014-05-26&Signature=VGYQDWEV3IQyhmoZLpJt9pNHnZ8%3D\n"
    "x-sdk-client: Node.js(v20.20.2), @alicloud/pop-core: 1.8.0\n"
    "user-agent: AlibabaCloud (linux; x64) Node.js/v20.20.2 Core/1.8.0\n"
    "x-acs-action: DeleteInstances\n"
    "x-acs-version: 2014-05-26\n"
    "Host: 127.0.0.1:18089\n";

// pop-core 1.8.0 {method:'POST'} (V1, everything in a form body).
inline constexpr std::string_view kPopCorePost =
    "POST /\n"
    "x-sdk-client: Node.js(v20.20.2), @alicloud/pop-core: 1.8.0\n"
    "user-agent: AlibabaCloud (linux; x64) Node.js/v20.20.2 Core/1.8.0\n"
    "x-acs-action: DeleteInstances\n"
    "x-acs-version: 2014-05-26\n"
    "content-type: application/x-www-form-urlencoded\n"
    "Host: 127.0.0.1:18089\n"
    "Content-Length: 313\n"
    "\n"
    "AccessKeyId=testid&Action=DeleteInstances&Force=true&Format=JSON&InstanceId.1=i-abc&"
    "InstanceId.2=i-def&RegionId=cn-hangzhou&SignatureMethod=HMAC-SHA1&SignatureNonce="
    "d99f0109b705cf601291ba5bb3b98386&SignatureVersion=1.0&Timestamp=2026-11-23T14%3A54%3A02Z&"
    "Version=2014-05-26&Signature=HWSwONgBwCKCkFEixdmgUh3bZl4%3D\n";

// @alicloud/ecs20140526 default (V3: API parameters in the query, Action and Version in headers).
inline constexpr std::string_view kEcsV3 =
    "POST /?Force=true&InstanceId.1=i-abc&InstanceId.2=i-def&RegionId=cn-hangzhou\n"
    "host: 127.0.0.1:18089\n"
    "x-acs-version: 2014-05-26\n"
    "x-acs-action: DeleteInstances\n"
    "user-agent: AlibabaCloud (linux; x64) Node.js/v20.20.2 Core/1.0.1 TeaDSL/2\n"
    "x-acs-date: 2026-11-23T14:54:02Z\n"
    "x-acs-signature-nonce: de7a24a0fd94649a53b89774e442d511dc5e660226219cdb7a2b0857f84291d7\n"
    "accept: application/json\n"
    "x-acs-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
    "x-acs-credentials-provider: static_ak\n"
    "Authorization: ACS3-HMAC-SHA256 Credential=testid,SignedHeaders=host;x-acs-action;"
    "x-acs-content-sha256;x-acs-credentials-provider;x-acs-date;x-acs-signature-nonce;"
    "x-acs-version,"
    "Signature=3ffaa4bb7227fc6b72829c9e5af43e82b5dbf2a060e00bcf574fd0f2347a8c03\n"
    "Content-Length: 0\n";

// @alicloud/ecs20140526 with signatureAlgorithm 'v2' (V1: POST with everything in the query,
// lowercase "json").
inline constexpr std::string_view kEcsV2 =
    "POST "
    "/?Action=DeleteInstances&Format=json&Version=2014-05-26&Timestamp=2026-11-23T14%3A54%3A02Z&"
    "SignatureNonce=bf635cfc8182eb464d2c8c888ba0c41488f054f082ece35716242bd5091e77d2&Force=true&"
    "InstanceId.1=i-abc&InstanceId.2=i-def&RegionId=cn-hangzhou&SignatureMethod=HMAC-SHA1&"
    "SignatureVersion=1.0&AccessKeyId=testid&Signature=fO9ujDGrETiBz1YWHq2VNbDpMLA%3D\n"
    "host: 127.0.0.1:18089\n"
    "x-acs-version: 2014-05-26\n"
    "x-acs-action: DeleteInstances\n"
    "user-agent: AlibabaCloud (linux; x64) Node.js/v20.20.2 Core/1.0.1 TeaDSL/2\n"
    "x-acs-credentials-provider: static_ak\n"
    "Content-Length: 0\n";

// The secret every capture above was signed with.
inline constexpr std::string_view kCaptureSecret = "testsecret";

}  // namespace popcheck::core::testing
