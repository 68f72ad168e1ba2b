#pragma once
// Conformance checks of one HTTP exchange against a Case and its Contract. Pure: an answer in, a
// list of CheckResult out. A failing check is a result, never an Error.
//
// The checks, in the order they run and are reported:
//   status        the HTTP status equals expect.status (or lies in status..status_max).
//   content-type  exactly "application/json;charset=utf-8" (JSON) or "text/xml;charset=utf-8"
//                 (XML): the tea SDKs compare these bytes exactly (docs/protocol.md section 3).
//   parse         the body parses in the requested format: a JSON object, or an XML document.
//   root          XML only: the root element is expect.root, else <{Action}Response> when a
//                 success is expected and <Error> when an error is.
//   shape         the body against the documented shape (see below).
//   snapshot      instead of shape when expect.shape is "snapshot": the body against the recorded
//                 one, structurally, after the transformers (snapshot.hpp); one result per
//                 difference, paths on expect.skip left out.
//   code          error Code equals expect.code exactly (only when the case names a code).
//   message       error Message equals expect.message; each %s in the template matches any text.
//   request-id    a non-empty RequestId at the top level of the body.
//   host-id       a non-empty HostId at the top level, when an error is expected.
// When the body does not parse, the checks that read the body are not run: the parse failure is
// the one deviation to report, and the others would only repeat it.
//
// Ownership rule: every key is judged by exactly one check, so that one deviation yields one
// failure. RequestId belongs to request-id, HostId to host-id, Code to code and Message to message
// (when the case names them); the shape and snapshot checks leave those keys alone.
//
// Shape rules.
//   "example": the documented example of the requested format (contract.examples.json / .xml).
//     Every key of the example must be present in the answer with a compatible type; objects are
//     compared key by key, arrays element by element against the example's first element; an
//     empty example array or object, or a null, accepts anything of that kind. Keys the answer
//     has and the example lacks are not failures. Without a usable example the contract's
//     response tree is used instead.
//   "contract": the response tree. Every named node must be present with its type (string,
//     integer, number, boolean, object, array). An array node also accepts Alibaba's wrapped
//     form, an object holding a single array ({"Regions": {"Region": [...]}}). An array node's
//     children describe its elements: a single child is the element itself, several are the
//     fields of each object element.
//   "error" (and any shape when the case expects an error): Code and Message are present as
//     strings, unless the case names them, in which case the code and message checks own them.
//   "none": no shape check.
//   JSON types: a documented integer accepts only integers; a documented non-integral number
//     accepts any number; strings, booleans, objects and arrays must match exactly.
//   XML: every value is text, so scalar types cannot be told apart. XML shape checks compare
//     structure only: a documented element must be present; an element documented with child
//     elements (object, array, or an example element with children) must not come back as text
//     (an empty element is an empty list and passes), and a documented scalar (a text-only
//     example element or a scalar contract node) must not come back with child elements.
//     Repeated example elements are items: each answered item is compared with the first example
//     item.
#include <string>
#include <string_view>
#include <vector>

#include "core/check/result.hpp"
#include "core/model.hpp"

namespace popcheck::core {

// The Content-Type a conforming server sends for a Format ("JSON" or "XML", any case).
std::string expected_content_type(std::string_view format);
// Whether the case expects an error answer: a status of 400 or more, or a named Code.
bool expects_error(const core::Expect& expect);
// The XML root the case expects.
std::string expected_root(const core::Case& c);
// "%s" in the template matches any run of characters (possibly empty); everything else is literal.
bool message_matches(std::string_view tmpl, std::string_view message);

// Every check of one exchange, in the documented order.
std::vector<CheckResult> check_exchange(const core::Case& c, const core::Contract& contract,
                                        const core::Response& answer);

// The individual checks, exposed for tests and for other tools.
CheckResult check_status(const core::Expect& expect, int status);
CheckResult check_content_type(std::string_view format, const core::Headers& headers);

}  // namespace popcheck::core
