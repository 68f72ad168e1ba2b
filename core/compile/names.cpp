#include "core/compile/names.hpp"

#include <algorithm>

#include "core/support/text.hpp"

namespace popcheck::core::names {

std::vector<std::string> segments(std::string_view name) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= name.size()) {
    size_t dot = name.find('.', start);
    std::string seg(
        name.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (!seg.empty() && seg != "N" && seg != "n") out.push_back(seg);
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return out;
}

std::string norm_name(std::string_view name) {
  std::string out;
  for (const auto& s : segments(name)) out += lower(s);
  return out;
}

std::string root_of(std::string_view name) {
  auto segs = segments(name);
  return segs.empty() ? std::string() : segs.front();
}

bool has_n(std::string_view name) {
  for (const auto& part : {".N.", ".n."})
    if (name.find(part) != std::string_view::npos) return true;
  return name.ends_with(".N") || name.ends_with(".n");
}

std::string instantiate(std::string_view name, int i) {
  std::string out;
  bool first = true;
  size_t start = 0;
  while (start <= name.size()) {
    size_t dot = name.find('.', start);
    std::string seg(
        name.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (seg == "N" || seg == "n") {
      seg = std::to_string(first ? i : 1);
      first = false;
    }
    if (!out.empty()) out += '.';
    out += seg;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return out;
}

bool instance_of(std::string_view concrete, std::string_view pattern) {
  if (!has_n(pattern)) return concrete == pattern;
  size_t i = 0, j = 0;
  while (i < pattern.size() && j < concrete.size()) {
    bool at_n = (pattern[i] == 'N' || pattern[i] == 'n') && (i == 0 || pattern[i - 1] == '.') &&
                (i + 1 == pattern.size() || pattern[i + 1] == '.');
    if (at_n) {
      size_t k = j;
      while (k < concrete.size() && std::isdigit(static_cast<unsigned char>(concrete[k]))) ++k;
      if (k == j) return false;
      j = k;
      ++i;
      continue;
    }
    if (pattern[i] != concrete[j]) return false;
    ++i;
    ++j;
  }
  return i == pattern.size() && j == concrete.size();
}

std::string pattern_of(std::string_view concrete, int* first_index) {
  std::string out;
  out.reserve(concrete.size());
  bool seen = false;
  if (first_index) *first_index = 0;
  size_t start = 0;
  while (start <= concrete.size()) {
    size_t dot = concrete.find('.', start);
    std::string_view seg = concrete.substr(
        start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    bool digits = !seg.empty() && start > 0 &&
                  std::all_of(seg.begin(), seg.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (start > 0) out += '.';
    if (digits) {
      if (!seen && first_index && seg.size() <= 9) *first_index = std::stoi(std::string(seg));
      seen = true;
      out += 'N';
    } else {
      out += seg;
    }
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return out;
}

std::vector<std::string> camel_words(std::string_view s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (std::isupper(static_cast<unsigned char>(c)) && !cur.empty()) {
      out.push_back(lower(cur));
      cur.clear();
    }
    cur += c;
  }
  if (!cur.empty()) out.push_back(lower(cur));
  return out;
}

bool id_like(std::string_view name) {
  auto segs = segments(name);
  if (segs.empty()) return false;
  const std::string& last = segs.back();
  return last.ends_with("Id") || last.ends_with("Ids") || last.ends_with("ID");
}

}  // namespace popcheck::core::names
