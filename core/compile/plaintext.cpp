// The plain-text reader (seed 001's web-page copy). First version: detection only.
#include "core/compile/markdown.hpp"

namespace popcheck::core::doc {

bool looks_like_plaintext(std::string_view) { return false; }

Expected<Contract> read_plaintext(std::string_view, const std::string& file, const ReadOptions&) {
  return fail("doc.plaintext", "plain-text pages are not read yet", file);
}

}  // namespace popcheck::core::doc
