#pragma once
// Checks of what an SDK handed its user for one case, against the case's expectation and contract.
// The SDK's view comes from an adapter's answer line (docs/adapters.md): a parsed body on success,
// or the error the SDK threw (name, code, message, request id, status, data). Pure: values in, a
// list of CheckResult out; a failing check is a result, never an Error.
//
// The checks, in the order they run and are reported:
//   sdk-outcome     the SDK succeeded when a success is expected and threw a service error (one
//   that
//                   carries the answer, not a parse or network failure) when an error is expected.
//                   Failures say what happened in the SDK's terms: "SDK returned success for an
//                   HTTP 403 response", "SDK failed to parse the XML success body: SyntaxError:
//                   ...".
//   sdk-status      the HTTP status the SDK exposes (on success or on its error) against the
//   expected
//                   status; not run when the SDK exposes none.
//   sdk-code        on an expected error: the SDK error's code equals the documented Code (or, when
//   the
//                   case names none, is present at all).
//   sdk-message     on an expected error with a documented Message: the SDK error's message carries
//   it
//                   (%s is a wildcard). SDKs decorate the message ("<Message>, URL: ..." in
//                   pop-core,
//                   "<Code>: code: 403, <Message> request id: ..." in openapi-core), so the
//                   documented text must appear within it, not equal it.
//   sdk-request-id  the RequestId reaches the user: on the SDK error (or the body it carries) for
//   an
//                   expected error, in the returned body for an expected success.
//   sdk-shape       on an expected success: the returned body against the documented shape, with
//   the
//                   rules of check.hpp (the JSON example or the response tree); RequestId is left
//                   to sdk-request-id.
// When sdk-outcome fails, the checks that read the other side's data are not run: one deviation,
// one failure. sdk-status still runs, because a wrong status is a separate finding.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/check/result.hpp"
#include "core/error.hpp"
#include "core/model.hpp"

namespace popcheck::core {

struct SdkError {
  std::string name;  // the error's class or name: "ClientError", "SyntaxError", "FooError"
  std::string code;  // empty when the SDK set none
  std::string message;
  std::string request_id;     // empty when the SDK surfaced none
  std::optional<int> status;  // the HTTP status the error carries, when it carries one
  nlohmann::json data;        // the body the SDK attached (null when none)
};

struct SdkAnswer {
  bool success = false;
  nlohmann::json body;             // the parsed body returned on success (null otherwise)
  std::optional<SdkError> error;   // set when the SDK threw
  std::optional<int> http_status;  // from the adapter's "http" object, when the SDK exposes it
  core::Headers http_headers;
};

// An adapter's answer line (already parsed as JSON) as an SdkAnswer. Errors ("sdk.malformed") say
// which field is missing or of the wrong type. An "adapter-error" outcome (the adapter itself
// failed) is an Error with code "sdk.adapter" and the adapter's message.
Expected<SdkAnswer> sdk_answer_from_json(const nlohmann::json& line);

// Whether the SDK's error is a failure to read the answer (a parse error) rather than the service's
// error surfaced: it carries no code, or its name says SyntaxError.
bool is_parse_failure(const SdkError& e);

// Every SDK check of one case, in the documented order.
std::vector<CheckResult> check_sdk(const core::Case& c, const core::Contract& contract,
                                   const SdkAnswer& answer);

}  // namespace popcheck::core
