#pragma once
// Text put inside the markup of a report, escaped once for each place it goes: one replacement
// loop over two tables. The tables differ on purpose, and their bytes are the reports' bytes:
//   escape_html     HTML text and attribute values: & < > "
//   markdown_cell   a cell of a Markdown table: | (would end the cell), \n (<br>: would end the
//                   row), \r dropped, and & < > as in HTML (a renderer would read tags); quotes are
//                   left as they are, since a cell is never an attribute value.
#include <string>
#include <string_view>

namespace popcheck::reports {

std::string escape_html(std::string_view s);
std::string markdown_cell(std::string_view s);

}  // namespace popcheck::reports
