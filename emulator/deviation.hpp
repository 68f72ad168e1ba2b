#pragma once
// One injected deviation from the documented behaviour, for mutation tests of the runner: the emulator
// started with it must be caught on exactly that point and nothing else.
//   status:ACTION:CODE   every response of ACTION gets HTTP status CODE
//   code:ACTION          error responses of ACTION carry a different Code
//   message:ACTION       error responses of ACTION carry a different Message
//   drop:ACTION:FIELD    FIELD is left out of ACTION's response bodies (JSON key or XML element)
//   xmlroot:ACTION       XML responses of ACTION have another root element
//   contenttype:ACTION   ACTION's responses carry a Content-Type without the charset
#include <string>

#include "core/error.hpp"
#include "net/http.hpp"

namespace popcheck::emulator {

struct Deviation {
  enum class Kind { none, status, code, message, drop, xmlroot, contenttype };
  Kind kind = Kind::none;
  std::string action;
  std::string field;  // drop
  int status = 0;     // status

  bool applies_to(const std::string& a) const { return kind != Kind::none && a == action; }
  void apply(net::HttpResponse& response, bool xml, const std::string& action) const;
};

// "" gives Kind::none. Errors: "emulator.deviation" saying what is wrong with the text.
Expected<Deviation> parse_deviation(const std::string& text);

}  // namespace popcheck::emulator
