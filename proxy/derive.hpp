#pragma once
// Runner cases from recorded exchanges (`popcheck cases from-fixtures`): each exchange of a
// fixtures folder becomes one case of kind "recorded" whose expectation is the recorded response,
// normalised into a snapshot (core/check/snapshot.hpp). The exchanges of one folder form one
// scenario and keep their recorded order as the cases' steps, so the runner replays them in that
// order. See docs/parity.md.
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/model.hpp"
#include "proxy/fixture.hpp"

namespace popcheck::proxy {

// The cases of one scenario, grouped into catalogue entries by product and action (entries in order
// of first appearance, cases in step order). Pure.
//  - id "<Product>.<Action>.recorded.<NNN>", NNN the 1-based step, at least 3 digits;
//  - request: the recorded method (GET or POST; anything else becomes POST) and parameters, without
//    Format (it becomes request.format) and the V1 signing parameters; a V3 recording becomes an
//    RPC request with the same Action, Version and parameters;
//  - expect: the recorded status; shape "snapshot" with the normalised body (one Normaliser for the
//    whole scenario) and refs for the ids the request names; an error body also gives code (exact)
//    and message (normalised, tokens as %s); an XML body gives root. A body that does not parse in
//    the requested format gives shape "none".
//  - contract: the one of `contracts` with the same action (and product or version), else a minimal
//    one naming product, version and action.
std::vector<core::CatalogueEntry> derive_cases(const std::vector<Exchange>& exchanges,
                                               const std::string& scenario,
                                               const std::vector<core::Contract>& contracts);

// Joins freshly derived cases with the catalogue file already at their place: cases of other
// scenarios are kept, this scenario's cases are replaced, and a replaced case keeps the skip list
// it had (the register of parity gaps survives re-recording). Without `contracts` the existing
// file's contract is kept. Errors ("derive.collision") when a case of another scenario has the same
// id. `kept` counts the skip lists carried over; `dropped` receives the ids of previous cases whose
// skip list had no case to go to (the new recording has fewer steps), so that the caller can say
// so.
Expected<core::CatalogueEntry> merge_with_existing(const core::CatalogueEntry& fresh,
                                                   const core::CatalogueEntry& existing,
                                                   const std::string& scenario, bool contract_given,
                                                   int* kept,
                                                   std::vector<std::string>* dropped = nullptr);

struct DeriveOptions {
  std::string scenario;                     // empty: the fixtures folder's name
  std::vector<std::string> contract_paths;  // --contracts: catalogue files or folders
};

struct DeriveReport {
  std::string scenario;
  size_t fixtures = 0;  // exchanges that derived a case
  size_t cases = 0;
  int kept_skip_lists = 0;
  std::vector<std::string> written;   // catalogue files, in order
  std::vector<Error> errors;          // bad fixtures, unreadable contracts or catalogue files
  std::vector<std::string> warnings;  // skip lists that no longer had a case (see merge)
};

// The whole command: load, derive, merge with what is in `out_dir`, write each entry with
// core::write_catalogue_entry. Bad fixtures are reported and the others still derive; a catalogue
// file that cannot be read is never overwritten.
DeriveReport derive_folder(const std::string& fixtures_dir, const std::string& out_dir,
                           const DeriveOptions& options);

}  // namespace popcheck::proxy
