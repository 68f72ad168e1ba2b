#include "reports/merge.hpp"

#include <algorithm>
#include <unordered_map>

#include "reports/diff.hpp"

namespace popcheck::reports {

Expected<core::RunReport> merge_reports(const std::vector<ShardInput>& inputs) {
  if (inputs.empty())
    return fail("merge.empty", "nothing to merge: give at least one results file");
  core::RunReport out;
  // The shard that started first provides the run's identity; ties go to the first file by name, so
  // that the result does not depend on the order of the arguments.
  const ShardInput* first = &inputs.front();
  for (const auto& in : inputs) {
    const auto& a = in.report;
    const auto& b = first->report;
    if (a.timestamp < b.timestamp || (a.timestamp == b.timestamp && in.file < first->file))
      first = &in;
  }
  out.endpoint = first->report.endpoint;
  out.timestamp = first->report.timestamp;
  out.hostname = first->report.hostname;

  // Summed in sorted order: floating-point addition depends on the order, the inputs' order must
  // not.
  std::vector<double> durations;
  std::unordered_map<std::string, const std::string*> seen;  // case id -> file
  size_t total = 0;
  for (const auto& in : inputs) total += in.report.cases.size();
  out.cases.reserve(total);
  for (const auto& in : inputs) {
    // Shards against an embedded or local emulator each get their own loopback port: the same
    // endpoint for this purpose. Any other difference means the files are not shards of one run.
    if (in.report.endpoint != out.endpoint &&
        mask_volatile(in.report.endpoint) != mask_volatile(out.endpoint))
      return fail("merge.endpoint",
                  "ran against " + in.report.endpoint + " while " + first->file + " ran against " +
                      out.endpoint + "; shards of one run share an endpoint",
                  in.file);
    durations.push_back(in.report.duration_s);
    for (const auto& c : in.report.cases) {
      auto [it, inserted] = seen.emplace(c.id, &in.file);
      if (!inserted)
        return fail("merge.duplicate",
                    "case " + c.id + " is also in " + *it->second +
                        "; each case must come from exactly one shard",
                    in.file);
      out.cases.push_back(c);
    }
  }
  std::sort(durations.begin(), durations.end());
  for (double d : durations) out.duration_s += d;
  std::stable_sort(
      out.cases.begin(), out.cases.end(),
      [](const core::CaseResult& a, const core::CaseResult& b) { return a.id < b.id; });
  return out;
}

}  // namespace popcheck::reports
