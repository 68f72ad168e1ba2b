#pragma once
// Snapshot transformers and comparison, in the manner of LocalStack's snapshot tests: a recorded
// response body becomes a snapshot tree in which volatile values are replaced by tokens, and a
// later answer is compared with it structurally. Pure: values in, values out.
//
// The tree. A JSON body is its own tree. An XML body becomes an equivalent tree: the root
// element's children form the top-level object (the root's name is the root check's business);
// an element with child elements becomes an object, a name repeated among siblings becomes an
// array of its elements, and an element without child elements becomes its text as a string
// (an empty element is ""). Attributes are not part of the tree (the APIs do not use them).
//
// Transformer rules, applied to every string value of the tree (keys are left as they are):
//   RequestId      the value of any key named RequestId, at any depth -> "<request-id>"
//   timestamps     ISO-8601 date-times (2026-11-23T15:04:05Z, 2017-12-10T04:04Z, with fractions
//                  or offsets), whole values or inside strings -> "<timestamp>"
//   UUIDs          8-4-4-4-12 hexadecimal (request ids inside URLs and messages) -> "<uuid>"
//   resource ids   a word of 1-5 lowercase letters, a dash, then lowercase letters and digits
//                  with at least one digit (i-bp67acfmxazb4ph3, vsw-pc00000000000001), whole
//                  values or words inside strings -> "<KIND-id:N>". Region and zone ids such as
//                  cn-hangzhou or cn-hangzhou-b have no digit after the dash and are never ids,
//                  nor is anything glued to further letters, digits, '_' or '-' (ap-southeast-1).
//                  KIND comes from the prefix (i -> instance, d -> disk, sg -> security-group,
//                  ...; see id_kind); an unknown prefix p gives the kind "p" ("<p-id:1>"). N
//                  numbers the ids of one kind in order of first appearance, and one table is
//                  shared by every exchange of a scenario, so an id keeps its reference in every
//                  case of the scenario.
//
// Comparison of a snapshot with an answer's tree, each difference one CheckResult of check
// "snapshot" with a path ("Instances.Instance[0].Status"), the expected and the actual value:
//   - a key of the snapshot the answer lacks (actual "missing"), a key the answer has and the
//     snapshot lacks (expected "absent"), a change of type, a change of value, and arrays of
//     different lengths (the common elements are still compared);
//   - a token matches a value of its kind: <request-id> any non-empty string, <timestamp> an
//     ISO-8601 date-time, <uuid> a UUID, <KIND-id:N> an id with KIND's prefix. A reference binds
//     to the first value it meets, must meet that same value everywhere else in the case, and two
//     references may not bind to one value. References the case's request names (expect.refs)
//     are bound to the values sent before the comparison starts;
//   - top-level keys owned by other checks are left alone: RequestId (request-id), HostId
//     (host-id), and Code and Message when the case names them (code, message);
//   - paths on the case's skip list are not compared and are counted. A skip pattern is a path
//     in which "*" matches any one key and "[*]" any index; it covers the subtree below it.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/check/result.hpp"
#include "core/error.hpp"
#include "core/model.hpp"

namespace popcheck::core {

// The tree of a body (see above). Errors: "snapshot.parse" saying why the body does not parse.
Expected<core::ojson> body_tree(std::string_view body, bool xml);

// The kind of resource an id prefix names ("i" -> "instance"); an unknown prefix is its own kind.
std::string id_kind(std::string_view prefix);

// Replaces volatile values by tokens, numbering resource ids in one table for its whole life: use
// one Normaliser per scenario.
class Normaliser {
 public:
  core::ojson normalise(const core::ojson& tree);
  // The transformer rules applied to one string (not the RequestId rule, which needs the key).
  std::string normalise_text(std::string_view text);
  // The reference of one resource id ("<instance-id:1>"), assigned on first sight.
  std::string reference(std::string_view id);
  // Every id found in `text` with its reference, in order of appearance (duplicates once).
  std::vector<std::pair<std::string, std::string>> references_in(std::string_view text);

 private:
  core::ojson normalise(const core::ojson& tree, bool request_id_key);
  std::map<std::string, std::string, std::less<>> refs_;  // id -> reference
  std::map<std::string, int, std::less<>> counters_;      // kind -> last number given
};

// A normalised message as an expect.message template: every token becomes %s.
std::string message_template(std::string_view normalised);

// Whether a skip pattern selects a path or one of its ancestors ("Items.Item[*]" selects
// "Items.Item[3].Name").
bool path_selected(std::string_view pattern, std::string_view path);

struct SnapshotOptions {
  std::vector<std::string> skip;            // patterns (see path_selected)
  std::set<std::string> owned;              // top-level keys other checks judge
  std::map<std::string, std::string> refs;  // reference -> value the request sent
};

struct SnapshotComparison {
  std::vector<CheckResult> differences;  // failed "snapshot" results, at most 20 plus a count
  std::vector<std::string> skipped;      // concrete paths left out by the skip list
};

SnapshotComparison compare_snapshot(const core::ojson& snapshot, const core::ojson& actual,
                                    const SnapshotOptions& options);

}  // namespace popcheck::core
