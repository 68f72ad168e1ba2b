#pragma once
// Generating the cases of one contract: example cases (JSON and XML), one error case per documented error
// row, and negative cases for constraints that no error row names. See docs/catalogue.md and docs/needs.md.
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "core/model.hpp"

namespace popcheck::core {

// Never builds a breaking value over 64 KiB (a maxLength of 2^31-1, a maxItems of 2^31-1): such a
// case is not generated and, when `skipped` is given, one line saying which and why is added there.
// Bounds up to 2^63-1 and beyond any 64-bit integer are handled exactly (docs/catalogue.md).
// Case ids start with `id_prefix`, by default "Product.Action" ("Product.Version.Action" tells apart
// two versions of one product compiled together).
std::vector<Case> generate_cases(const Contract& contract,
                                 std::vector<std::string>* skipped = nullptr,
                                 const std::string& id_prefix = {});

// What makes a documented error row fire, as the generator derives it: the one thing its error case
// changes in a valid request. The emulator's contract-driven responder answers the row when a
// request shows that thing, so what the generator breaks and what the emulator checks are one
// derivation. No two rows share a trigger (a later row with the same one is a fault).
//
// kinds (TriggerKind):
//   required   `param` is absent (an omitted required parameter)
//   sibling    an item of the list `param` belongs to is given without `param`
//   repeat     the list `param` has more items than its maximum
//   duplicate  the list `param` holds one value twice
//   region     RegionId names no region of the emulator
//   exists     `param` names no resource of kind `resource` ("instance", "Slb:LoadBalancer";
//              empty: the kind the request's ResourceType names)
//   type, allowed, max_length, min_length, non_empty, maximum, minimum, pattern,
//   forbidden_prefix, forbidden_substring
//              `param`'s value breaks that constraint (core/compile/param_values.hpp)
//   state      the resource `id_param` names has `attribute` in `values` (or, with `negate`, not in
//              them): "Status" not in {Running, Stopped}, "SecurityLocked" in {true}
//   tag_quota  the resource `id_param` names would carry more than `limit` tags with those of
//              `param` (Tag.N.Key)
//   unsupported_value  `param`'s value is one the resource `id_param` names does not support: its
//              `attribute` holds another value
//   min_size   the scaling group `id_param` names would go below its MinSize (`attribute`, `values`)
//   attached_elsewhere  the disk `id_param` names is attached to another instance than the
//              request's
//   fault      nothing the request or a state shows: the case provisions a fault
enum class TriggerKind {
  required,
  sibling,
  repeat,
  duplicate,
  region,
  exists,
  // The value constraints, spelled as param_values.hpp spells them (is_value_constraint).
  type,
  allowed,
  max_length,
  min_length,
  non_empty,
  maximum,
  minimum,
  pattern,
  forbidden_prefix,
  forbidden_substring,
  // What the state shows, then nothing at all.
  state,
  tag_quota,
  unsupported_value,
  min_size,
  attached_elsewhere,
  fault
};
// The spelling above, for messages and test output.
std::string_view to_string(TriggerKind k);
inline std::ostream& operator<<(std::ostream& o, TriggerKind k) { return o << to_string(k); }
// The kind of a value that breaks `constraint`, named as param_values.hpp names the constraints
// ("max_length"): the one place those names become kinds. nullopt for a name that is none of them.
std::optional<TriggerKind> constraint_trigger(std::string_view constraint);
// Whether k is one of the value constraints (type ... forbidden_substring).
bool is_value_constraint(TriggerKind k);

struct ErrorTrigger {
  size_t row = 0;  // index in contract.errors
  TriggerKind kind = TriggerKind::fault;
  std::string param;
  std::string id_param;
  std::string resource;
  std::string attribute;
  std::vector<std::string> values;
  bool negate = false;
  int limit = 0;
};

// One trigger per error row of the contract, in row order.
std::vector<ErrorTrigger> error_triggers(const Contract& contract);

}  // namespace popcheck::core
