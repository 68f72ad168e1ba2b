#pragma once
// Small file helpers shared by every module that reads input or writes output.
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace popcheck::core {

// Reads a whole file. Errors name the file: "io.open", "io.read", "io.too_large" (over max_bytes).
Expected<std::string> read_file(const std::string& path, size_t max_bytes = size_t(1) << 30);

// Writes a file atomically: a temporary file in the same folder, fsync, then rename over the target.
// A reader never sees a half-written file, even if the process is killed mid-write. Parent folders
// are created. On failure nothing is left behind and the old file, if any, is untouched.
Expected<void> write_file_atomic(const std::string& path, std::string_view content);

// Whether a file name is one of write_file_atomic's temporaries (".NAME.tmp-DIGITS"), which a
// killed process leaves behind.
bool is_atomic_write_temp(std::string_view filename);

}  // namespace popcheck::core
