#pragma once
// Validation of a request's parameters against the contract of its action: the inverse of the
// negative cases that casegen derives from the same constraints. Pure: merged parameters in, a
// list of CheckResult out. A violation is a failed CheckResult, never an Error.
//
// The checks, in the order they are reported (each one passed entry when it found nothing):
//   unknown-parameter    a name that is neither documented for the action (with .N placeholders
//                        instantiated: InstanceId.3, Tag.2.Key; sub-names of Object-like
//                        parameters) nor a common parameter of the protocol (is_common_param).
//   missing-required     a required parameter that is absent; for a required member of a list
//                        of objects (Tag.N.Key), absent from an item the request does send.
//   repeat-numbering     .N indices that are not positive integers without leading zeros, that do
//                        not start at 1, that leave a gap, or that exceed the documented maximum.
//   type                 Integer/Long values that are not integers, Boolean values other than
//                        true/false (any case), Float/Double values that are not numbers.
//   allowed-values       a value outside the documented set (not applied to Id parameters, whose
//                        "allowed" lists are examples), and Format other than JSON or XML.
//   range                a numeric value below minimum or above maximum.
//   length               a value shorter than min_length or longer than max_length (counted in
//                        characters), or empty where the document forbids an empty string.
//   forbidden-prefix     a value starting with a documented forbidden prefix ("aliyun", "acs:").
//   forbidden-substring  a value containing a documented forbidden substring ("http://").
//   pattern              a value the documented regular expression does not find (ECMAScript,
//                        unanchored like JSON Schema; values over 4096 characters are not tested).
//
// Results never carry credential values: a parameter for which core::is_sensitive_name holds (a
// credential, or a name that suggests a secret: Password, Secret, Token) is shown as REDACTED; a
// length violation shows the length only.
#include <map>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "core/check/result.hpp"
#include "core/model.hpp"

namespace popcheck::core {

// The protocol's common parameters (docs/protocol.md 1.2), accepted on every action whether or not
// the page documents them: Action, Version, Format, AccessKeyId, Signature, SignatureMethod,
// SignatureVersion, SignatureNonce, SignatureType, Timestamp, SecurityToken, BearerToken. RegionId
// is not among them: it is an API parameter with the contract's constraints where the page
// documents it, and accepted without checks where an older page leaves it out (every RPC action
// takes it, docs/protocol.md 1.2). V3 requests carry Action and Version in x-acs-* headers;
// core::merge_params turns them into parameters.
bool is_common_param(std::string_view name);

// text fit for a one-line message: control characters as \xNN, cut after `max` bytes (on a
// character boundary) with "..." appended. Request values and names are the client's, and a log
// line or report must not be split or forged by them.
std::string printable(std::string_view text, size_t max = 80);

// The check names above, in report order.
const std::vector<std::string>& request_check_names();

// A contract's parameter rules, prepared once (names split, regular expressions compiled) so that
// checking a request is a few lookups. Copyable; checking is const and thread-safe.
class RequestRules {
 public:
  explicit RequestRules(const core::Contract& contract);

  // Every request check: the violations, and one passed entry per check that found none.
  std::vector<CheckResult> check(const core::Params& merged) const;

  // Warnings from preparation (a documented pattern that is not a valid regular expression).
  const std::vector<std::string>& warnings() const { return warnings_; }

  struct Segment {
    std::string text;
    bool placeholder = false;  // ".N" / ".n"
  };
  struct Rule {
    core::Param param;
    std::vector<Segment> segments;
    bool container = false;  // Object-like (param.type): any sub-name below it is accepted
    bool bare_list = false;  // a list documented without .N ("InstanceIds", RepeatList): Name.k too
    bool id_like = false;    // "...Id", "...Ids": an "allowed" list is examples, not a set
    bool shadowed = false;   // a case-only variant of another rule ("Tag.N.key")
    size_t variant = 0;      // rules that differ only in case share this number
    std::optional<std::regex> pattern;
  };

 private:
  std::string action_;
  std::vector<Rule> rules_;
  // Rules by their first name segment ("Tag" for Tag.N.Key), in contract order: a request name
  // is only compared with the rules that can match it.
  std::map<std::string, std::vector<size_t>, std::less<>> by_first_;
  std::vector<Rule> fields_;  // table > 0: fields of the items of an Object-like parameter
  size_t variants_ = 0;
  std::vector<std::string> warnings_;
};

// RequestRules(contract).check(merged), for one-off use.
std::vector<CheckResult> check_request(const core::Contract& contract, const core::Params& merged);

}  // namespace popcheck::core
