#pragma once
// The case generator's inside, shared by its files (not an interface): casegen.cpp builds the valid
// base request and the example cases, casegen_errors.cpp turns error rows into requests,
// casegen_state.cpp the rows that need a resource in some state, casegen_negative.cpp the
// constraints no row names.
//
// How error rows become requests. The same rules run over the five seed pages and every API of the
// metadata, so they are keyed on code shapes ("X.NotFound", "MissingParameter.X",
// "Incorrect<R>Status"), on parameter names and on words of the row's description, never on
// particular actions. Each rule starts from one valid base request (the documented example, or one
// built from parameter examples, with resource ids replaced by provisioned ${vars}) and changes the
// one thing that should make exactly that error fire, so an emulator validating in the usual order
// (common parameters, required parameters, formats and limits, existence, state) answers with the
// documented row. Each rule also says what it changed (an ErrorTrigger), which is what the
// emulator's contract-driven responder checks. An error that no request or state of docs/needs.md
// can produce, or whose trigger an earlier row already owns, becomes a `fault` need scoped to this
// request.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/compile/casegen.hpp"
#include "core/compile/names.hpp"
#include "core/compile/param_values.hpp"

namespace popcheck::core::casegen {

using std::string;
using std::string_view;
using namespace names;  // NOLINT: the generator speaks in parameter names throughout
using values::default_value;
using values::nth_value;

struct Draft {
  Params params;
  std::vector<Need> needs;
  string description;
};

Need* find_need(Draft& d, const string& var);
// Drops needs that neither the request nor a later need refers to (a rule replaced the id).
void prune_needs(Draft& d);
string* param_value(Params& ps, const string& name);
const string* param_value(const Params& ps, const string& name);
void erase_instances(Params& ps, const string& pattern);
bool has_instance(const Params& ps, const string& pattern);
bool is_system_param(string_view name);

// "an ECS instance (Status=Stopped, DeletionProtection=true)": what a need asks for, built from its
// attributes so that it always says what the need really is.
string describe_need(const Need& n);
// Vocabulary statuses named in `text` (as words, any case), in vocabulary order.
std::vector<string> statuses_in(string_view text, const string& resource);
// Statuses a contract says the resource must be in ("必须处于已停止（Stopped）状态", "must be in the
// Running state"); empty when the contract does not say.
std::vector<string> required_statuses(const Contract& c, const string& resource);

class Generator {
 public:
  Generator(const Contract& c, string prefix);

  std::vector<Case> run();
  // The triggers alone (no case is built): what the emulator answers from.
  void derive_triggers() {
    for (const auto& row : c_.errors) error_draft(row);
  }
  // What was not generated and why, for the contract's warnings.
  std::vector<string> skipped_;
  // One per error row: what the row's case changes (kind "fault" when only a fault produces it).
  std::vector<ErrorTrigger> triggers_;

 private:
  using RuleResult = std::optional<Draft>;

  // casegen.cpp: parameters and the base request.
  const Param* param(const string& name) const;
  size_t index_of(const Param& p) const { return static_cast<size_t>(&p - c_.params.data()); }
  bool shadowed(const Param& p) const { return shadowed_[index_of(p)]; }
  const Param* find_param(const string& word) const;
  std::vector<const Param*> group_of(const Param& p) const;
  void erase_group(Params& ps, const Param& p) const;
  bool in_action_words(const Param& p) const;
  void build_base();
  void add_need(const string& var, const string& resource, ojson with,
                const string& description = {});
  void bind_resources();
  std::optional<string> exists_kind(const Param& p) const;
  string unique_id(const string& base);
  Case make_case(CaseKind kind, const string& id, const Draft& d, const string& format);
  void example_case(std::vector<Case>& out, const string& format);

  // casegen_errors.cpp: request rules and the error case.
  static string code_word_before(const string& code, string_view suffix);
  static string code_word_after(const string& code, string_view head);
  const Param* param_in_message(const string& msg) const;
  const Param* missing_target(const ErrorRow& row, bool* named) const;
  const Param* not_found_target(const ErrorRow& row) const;
  RuleResult missing_rule(const ErrorRow& row);
  RuleResult count_rule(const ErrorRow& row);
  RuleResult duplicate_rule(const ErrorRow& row);
  RuleResult not_found_rule(const ErrorRow& row);
  RuleResult invalid_value_rule(const ErrorRow& row);
  void set_value(Draft& d, const Param& target, const string& value) const;
  void pin_region(Draft& d) const;
  static void set_value_only(Draft& d, const Param& target, const string& value);
  Draft fault_rule(const ErrorRow& row);
  bool lowest_status_of_code(const ErrorRow& row) const;
  Draft error_draft(const ErrorRow& row);  // the row's request, its trigger recorded
  Case error_case(const ErrorRow& row);

  // casegen_state.cpp: rows that need a resource in some state.
  std::optional<string> var_for_resource(const Draft& d, const string& resource) const;
  std::optional<string> tagged_var(const Draft& d) const;
  string pattern_of_var(const string& var) const;
  RuleResult tag_quota_rule(const ErrorRow& row);
  RuleResult unsupported_value_rule(const ErrorRow& row);
  string bad_status(const ErrorRow& row, const string& resource, const Need& n,
                    std::vector<string>* allowed_out) const;
  RuleResult state_rule(const ErrorRow& row);

  // casegen_negative.cpp.
  void negative_cases(std::vector<Case>& out);

  const Contract& c_;
  string prefix_;
  string method_;
  Draft base_;
  Params original_;                 // the base request before ids were replaced by ${vars}
  std::map<string, string> bound_;  // parameter pattern -> var of the resource its value names
  std::map<string, string> var_resource_;
  std::set<std::pair<string, string>> covered_;  // (parameter, constraint kind) an error case uses
  std::map<string, int> id_counts_;
  std::vector<string> norm_, root_lower_;
  std::vector<bool> shadowed_;
  std::set<string> exists_params_;  // id parameters an error row says may name nothing
  std::set<string> named_missing_;  // parameters a Missing row names by itself
  // Triggers already owned by a row: key -> the owner's (status, code).
  std::map<string, std::pair<std::optional<int>, string>> trigger_owner_;
  ErrorTrigger current_;  // what the rule being tried changes
  int faults_ = 0;
};

}  // namespace popcheck::core::casegen
