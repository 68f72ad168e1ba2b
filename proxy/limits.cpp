#include "proxy/limits.hpp"

#include "proxy/fixtures/fixture.hpp"

namespace popcheck::proxy {

std::string shorten(std::string_view text, size_t max) {
  if (text.size() <= max) return std::string(text);
  size_t cut = max;
  // Never split a UTF-8 sequence: back off over continuation bytes (10xxxxxx).
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return std::string(text.substr(0, cut)) + "...[" + std::to_string(text.size()) + " bytes, fnv " +
         short_hash(text) + "]";
}

}  // namespace popcheck::proxy
