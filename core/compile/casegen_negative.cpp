// Negative cases: one per constraint of a parameter that no error row's case already breaks. The
// answer must be a 4xx error, whichever code. See casegen_internal.hpp.
#include <algorithm>

#include "core/compile/casegen_internal.hpp"

namespace popcheck::core::casegen {

void Generator::negative_cases(std::vector<Case>& out) {
  for (const auto& p : c_.params) {
    if (is_system_param(p.name) || shadowed(p)) continue;
    std::vector<std::pair<string, string>> tries;  // (kind, value); value "\x01" = omit
    if (p.required) tries.emplace_back("required", "\x01");
    if (!p.allowed.empty() && !id_like(p.name))
      tries.emplace_back("allowed", "popcheck-unsupported");
    string ex = default_value(p);
    if (!p.forbidden_prefixes.empty())
      tries.emplace_back("forbidden_prefix", p.forbidden_prefixes.front() + ex);
    if (!p.forbidden_substrings.empty())
      tries.emplace_back("forbidden_substring", ex + p.forbidden_substrings.front());
    // Lengths, counts and bounds are whatever the metadata says, up to 2^63-1: a breaking value over
    // kMaxBreakingBytes is not generated and the reason goes to the contract's warnings.
    auto skip = [&](const string& kind, const string& why) {
      if (!covered_.contains({p.name, kind}))
        skipped_.push_back("negative case " + prefix_ + ".negative." + p.name + "." + kind +
                           " is not generated: " + why);
    };
    using values::too_large;
    if (p.max_length && *p.max_length >= values::kMaxBreakingBytes)
      skip("max_length", too_large(*p.max_length == INT64_MAX ? INT64_MAX : *p.max_length + 1,
                                   "maxLength " + std::to_string(*p.max_length)));
    else if (p.max_length)
      tries.emplace_back("max_length", string(static_cast<size_t>(*p.max_length) + 1, 'a'));
    if (p.min_length && *p.min_length > values::kMaxBreakingBytes)
      skip("min_length",
           too_large(*p.min_length - 1, "minLength " + std::to_string(*p.min_length)));
    else if (p.min_length && *p.min_length > 1)
      tries.emplace_back("min_length", string(static_cast<size_t>(*p.min_length) - 1, 'a'));
    if (p.non_empty) tries.emplace_back("non_empty", "");
    if (p.type.numeric() && p.maximum) {
      if (auto v = values::past(*p.maximum, 1))
        tries.emplace_back("maximum", values::fmt_number(*v));
      else
        skip("maximum", "no number is above the maximum " + values::fmt_number(*p.maximum));
    }
    if (p.type.numeric() && p.minimum) {
      if (auto v = values::past(*p.minimum, -1))
        tries.emplace_back("minimum", values::fmt_number(*v));
      else
        skip("minimum", "no number is below the minimum " + values::fmt_number(*p.minimum));
    }
    if (has_n(p.name) && p.repeat && p.repeat->max) {
      int64_t n = int64_t{*p.repeat->max} + 1;
      if (int64_t bytes = values::list_bytes(n, p.name.size() + default_value(p).size());
          bytes > values::kMaxBreakingBytes)
        skip("repeat", too_large(bytes, std::to_string(n) + " items"));
      else
        tries.emplace_back("repeat", "\x02");
    }
    if (auto v = values::pattern_breaker(p)) tries.emplace_back("pattern", *v);
    for (const auto& [kind, value] : tries) {
      if (covered_.contains({p.name, kind})) continue;
      Draft d = base_;
      if (kind == "required") {
        erase_instances(d.params, p.name);
        std::erase_if(d.params, [&](const auto& kv) { return kv.first == p.name; });
        if (p.name == "RegionId") pin_region(d);
        d.description = "Omits the required parameter " + p.name + "; no error row names this.";
      } else if (kind == "repeat") {
        int n = *p.repeat->max + 1;  // bounded above: n items fit in kMaxBreakingBytes
        string first;
        if (string* v = param_value(d.params, instantiate(p.name, 1))) first = *v;
        erase_instances(d.params, p.name);
        for (int i = 1; i <= n; ++i)
          d.params.emplace_back(instantiate(p.name, i),
                                i == 1 && !first.empty() ? first : nth_value(p, i));
        d.description = "Sends " + std::to_string(n) + " items of " + p.name +
                        ", above the documented maximum; no error row names this.";
      } else {
        set_value(d, p, value);
        d.description =
            "Breaks the " + kind + " constraint of " + p.name + "; no error row names this.";
      }
      prune_needs(d);
      Case k =
          make_case(CaseKind::negative, prefix_ + ".negative." + p.name + "." + kind, d, "JSON");
      k.expect.status = 400;
      k.expect.status_max = 499;
      k.expect.shape = Shape::error;
      out.push_back(std::move(k));
    }
  }
}

}  // namespace popcheck::core::casegen
