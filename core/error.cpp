#include "core/error.hpp"

namespace popcheck {

std::string Error::to_string() const {
  std::string out;
  if (!file.empty()) {
    out += file;
    if (line > 0) {
      out += ':';
      out += std::to_string(line);
    }
    out += ": ";
  }
  out += message;
  if (!code.empty()) {
    out += " [";
    out += code;
    out += ']';
  }
  return out;
}

}  // namespace popcheck
