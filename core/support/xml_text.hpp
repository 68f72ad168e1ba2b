#pragma once
// Text made safe for an XML 1.0 document (the JUnit and regression reports). Response bodies and
// messages can hold bytes XML does not admit; one bad byte must not make a whole report unreadable.
#include <string>
#include <string_view>

namespace popcheck::core::text {

// `s` with every byte sequence XML 1.0 does not admit replaced by U+FFFD, one replacement per byte:
// invalid UTF-8 (text.hpp, decode_utf8), U+FFFE, U+FFFF and the C0 controls other than tab, LF and
// CR. Valid text comes back unchanged. Escaping <, & and quotes is the XML writer's job, not this.
std::string xml_safe(std::string_view s);

}  // namespace popcheck::core::text
