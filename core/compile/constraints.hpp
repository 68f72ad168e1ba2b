#pragma once
// Constraints stated in a parameter's prose, in Chinese or English: allowed values ("取值范围：disk,
// instance", "Valid values: VPC, VSWITCH"), the .N range ("N 的取值范围：1~20", "You can specify up to 20
// IDs"), length limits ("最多支持 64 个字符", "cannot exceed 128 characters"), forbidden prefixes
// ("不能以 aliyun 和 acs: 开头", "cannot start with aliyun or acs:"), forbidden substrings ("不能包含 http://
// 或者 https://"), non-empty ("不允许为空字符串", "cannot be an empty string"), numeric ranges.
// Used by both the document reader and the metadata reader.
#include "core/model.hpp"

namespace popcheck::core {

// Fills p's constraint fields from p.name (the .N structure) and p.description. Never clears what is
// already set (metadata's structured maxLength/enum take precedence over prose).
void extract_constraints(Param& p);

}  // namespace popcheck::core
