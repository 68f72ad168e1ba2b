#pragma once
// Error values returned by core functions. A failing conformance check is a Result, never an Error:
// an Error means the input could not be processed at all (a malformed document, a bad flag, a socket).
#include <expected>
#include <string>

namespace popcheck {

struct Error {
  std::string code;     // stable, machine-readable: "doc.empty", "json.parse", "io.read", ...
  std::string message;  // one sentence for a person
  std::string file;     // where, when it applies
  int line = 0;         // 1-based; 0 when unknown or not applicable

  // "file:line: message [code]" with the parts that are known.
  std::string to_string() const;
};

template <class T>
using Expected = std::expected<T, Error>;

inline std::unexpected<Error> fail(std::string code, std::string message, std::string file = {},
                                   int line = 0) {
  return std::unexpected<Error>(Error{std::move(code), std::move(message), std::move(file), line});
}

}  // namespace popcheck
