#pragma once
// Joining the results of `popcheck run --shard I/N` runs into the report one unsharded run would
// have produced. Pure: reports in, one report out; app/cmd_report.cpp reads and writes the files.
#include <string>
#include <vector>

#include "core/check/result.hpp"
#include "core/error.hpp"

namespace popcheck::reports {

struct ShardInput {
  std::string file;  // named in errors
  core::RunReport report;
};

// The merged report:
// - cases sorted by id, the order in which the runner lists a selection (runner/select.hpp: sorted
// by
//   id, ties in catalogue order; ids are unique, so there are no ties);
// - endpoint: the shards' common endpoint (shards run against different endpoints are an error,
// except
//   loopback endpoints that differ only in the port: each run against the embedded emulator gets
//   its own; the earliest shard's is kept);
// - timestamp and hostname: those of the shard that started first (the earliest timestamp);
// - duration: the sum of the shards' durations, the time one job would have needed.
// Deterministic: the same inputs in any order give the same report.
// Errors: "merge.empty" (no input), "merge.duplicate" (a case id in two inputs, or twice in one;
// the message names both files), "merge.endpoint" (different endpoints).
Expected<core::RunReport> merge_reports(const std::vector<ShardInput>& inputs);

}  // namespace popcheck::reports
