#pragma once
// The contract-driven responder: every API of the metadata that is not one of the five seed APIs.
// Each contract is prepared once, on its first request (ContractApi): its parameters indexed by
// name, patterns compiled, the error rows each check answers with (the case generator's triggers,
// core/compile/casegen.hpp: what the generator breaks is what the responder checks), the success
// bodies pre-rendered around the RequestId, and the links to other APIs' resources.
//
// A request is answered in the order the real services check:
//   1. the request alone (validate): required parameters, types, allowed values, lengths, ranges,
//      patterns, list sizes, duplicates. Each violation answers the row the contract documents for
//      it, else the gateway's generic error (MissingParameter, InvalidParameter: 400).
//   2. the state (apply): the region, the existence of the resources the request names, their
//      states (status, flags) and tag quotas, each answering its documented row.
//   3. success: the documented example (JSON or XML; built from the response table when there is
//      none) with a fresh RequestId. A Create/Allocate API adds the resource it returns to the
//      state with a new id, a Delete/Release API removes it, a Describe/List API lists what the
//      state holds of that kind once it holds or has held any (docs/emulator-responder.md).
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/compile/casegen.hpp"
#include "core/model.hpp"
#include "emulator/apis.hpp"

namespace popcheck::emulator {

// What apply() found: an error, or what success renders beyond the documented example.
struct Outcome {
  std::optional<ApiResult> error;
  std::vector<std::string> created;  // ids of the resources a Create API made
  struct Listed {
    std::string id, region, status;
  };
  bool listing = false;        // a Describe/List API answers from the state (else as documented)
  std::vector<Listed> listed;  // its items
  size_t total = 0;            // how many the state holds of that kind (TotalCount)
};

class ContractApi {
 public:
  explicit ContractApi(const core::Contract& contract);
  ContractApi(const ContractApi&) = delete;
  ContractApi& operator=(const ContractApi&) = delete;

  const core::Contract& contract() const { return contract_; }

  // 1. The request alone; nullopt when it is acceptable.
  std::optional<ApiResult> validate(const core::Params& params) const;
  // 2. and 3. The checks that need the state, then the state changes of success. The caller holds
  // the state's lock.
  Outcome apply(const core::Params& params, State& state) const;
  // The success body in JSON or XML.
  std::string render(const Outcome& outcome, const core::Params& params, bool xml,
                     const std::string& request_id) const;

  // How this API links to the state: it creates, deletes or lists resources of link_kind(), or
  // none of them.
  enum class Link { none, creates, deletes, lists };
  Link link() const { return link_; }
  // The kind of resource it creates, deletes or lists ("Slb:LoadBalancer", "vpc").
  const std::string& link_kind() const { return link_kind_; }

 private:
  struct ParamInfo {
    const core::Param* param = nullptr;
    std::optional<std::regex> pattern;
    bool list = false;
  };
  // A request parameter matched to the contract: which parameter, its value, its first N.
  struct Given {
    size_t param;
    const std::string* name;
    const std::string* value;
    int index;
  };

  std::vector<Given> match(const core::Params& params) const;
  std::optional<ApiResult> answer(const std::string& param, core::TriggerKind kind,
                                  const std::string& fill) const;
  std::optional<ApiResult> value_answer(const std::string& param, const std::string& fill) const;
  ApiResult row_error(size_t row, const std::string& fill) const;
  std::optional<std::string> kind_of_param(const std::string& param,
                                           const core::Params& params) const;
  void prepare_bodies();
  void prepare_links();

  const core::Contract& contract_;
  std::vector<ParamInfo> params_;
  std::unordered_map<std::string, size_t> by_name_;  // parameter name -> index in params_
  std::vector<size_t> required_;                     // top-level required parameters
  std::vector<size_t> required_members_;             // required members of list items ("Tag.N.Key")
  std::vector<core::ErrorTrigger> triggers_;
  std::map<std::pair<core::TriggerKind, std::string>, size_t> rows_;  // (kind, param) -> error row
  std::unordered_map<std::string, size_t> value_rows_;  // param -> its first value-constraint row
  std::optional<size_t> region_row_;

  // Success bodies: the parts before and after the RequestId.
  std::string json_head_, json_tail_, xml_head_, xml_tail_;
  ojson fields_;             // the JSON success fields (RequestId left out), for bodies that change
  std::string xml_example_;  // the documented XML example, root renamed; empty when none

  Link link_ = Link::none;
  std::string link_kind_;
  std::string link_field_;                // create: the response field of the new id
  std::string link_param_;                // delete: the parameter naming the ids; list: the filter
  std::vector<std::string> list_path_;    // list: keys down to the array of items
  std::string list_id_field_;             // list: the item's id field
  std::vector<std::string> echo_fields_;  // top-level id fields that repeat the request's value
};

// The ContractApi of each contract, prepared on its first request; safe for concurrent requests.
class Responder {
 public:
  const ContractApi& api(const core::Contract& contract);

 private:
  std::shared_mutex mutex_;
  std::unordered_map<const core::Contract*, std::unique_ptr<ContractApi>> apis_;
};

// Validates a request against a contract (ContractApi::validate, for one-off use).
std::optional<ApiResult> validate_against(const core::Contract& contract,
                                          const core::Params& params);

// The documented example body in the requested format with `request_id` in place of the example's
// (ContractApi::render of a request that changes nothing).
std::string example_body(const core::Contract& contract, bool xml, const std::string& request_id);

// Success rendering shared with the seed APIs: {"RequestId": .., fields...} or
// <?xml ...?><ActionResponse>fields..<RequestId>..</RequestId></ActionResponse>, lists nested as
// Regions/Region[] in both.
std::string render_success(const std::string& action, const ojson& fields, bool xml,
                           const std::string& request_id);

// The success fields a response table describes, for a contract with no valid JSON example:
// objects with their fields, one item per array, "" / 0 / false (or the node's example) for values.
ojson fields_from_response(const core::ResponseNode& root);

}  // namespace popcheck::emulator
