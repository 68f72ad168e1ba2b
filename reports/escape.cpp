#include "reports/escape.hpp"

#include <array>

namespace popcheck::reports {

namespace {

struct Replacement {
  char from;
  std::string_view to;
};

template <size_t N>
std::string replace(std::string_view s, const std::array<Replacement, N>& table) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    const Replacement* hit = nullptr;
    for (const auto& r : table)
      if (r.from == c) hit = &r;
    if (hit)
      out += hit->to;
    else
      out += c;
  }
  return out;
}

constexpr std::array<Replacement, 4> kHtml{
    {{'&', "&amp;"}, {'<', "&lt;"}, {'>', "&gt;"}, {'"', "&quot;"}}};

constexpr std::array<Replacement, 6> kMarkdownCell{
    {{'|', "\\|"}, {'\n', "<br>"}, {'\r', ""}, {'<', "&lt;"}, {'>', "&gt;"}, {'&', "&amp;"}}};

}  // namespace

std::string escape_html(std::string_view s) { return replace(s, kHtml); }

std::string markdown_cell(std::string_view s) { return replace(s, kMarkdownCell); }

}  // namespace popcheck::reports
