#pragma once
// URL encoding as Alibaba Cloud's RPC protocol writes it (docs/protocol.md section 2): RFC 3986
// percent-encoding, its decoding, and a parameter list as "k=v&k=v". The signers, the request
// normaliser, the runner, the proxy and the HAR converter all use these; none writes its own.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace popcheck::core {

// RFC 3986 percent-encoding: only A-Z a-z 0-9 - _ . ~ stay literal; hex digits uppercase.
std::string percent_encode(std::string_view s);
// The same, appended to `out` (no temporary string: match keys are built on every replayed
// request).
void percent_encode_append(std::string& out, std::string_view s);
// The same, written at `out`, which has room for 3 * s.size() bytes; returns the end of what was
// written (the replay match key is written into a buffer of its own).
char* percent_encode_to(char* out, std::string_view s);
// Decodes %XY escapes; when `plus_is_space`, '+' decodes to ' ' (form bodies and most query
// strings). A '%' that does not start a valid escape is kept literally.
std::string percent_decode(std::string_view s, bool plus_is_space = true);

// "k=v&k=v" of the pairs in the order given (repeats kept), every name and value percent-encoded:
// a query string or a form body. (core::Params is this type.)
std::string encode_params(const std::vector<std::pair<std::string, std::string>>& params);

}  // namespace popcheck::core
