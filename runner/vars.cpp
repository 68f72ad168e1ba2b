#include "runner/vars.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/input_limits.hpp"
#include "core/support/text.hpp"

namespace popcheck::runner {

namespace {

using core::text::trim_ascii;

}  // namespace

Expected<void> parse_var(std::string_view text, Vars& into) {
  size_t eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0)
    return fail("usage.var", "--var takes NAME=VALUE, not '" + std::string(text) + "'");
  into[std::string(text.substr(0, eq))] = std::string(text.substr(eq + 1));
  return {};
}

Expected<Vars> parse_vars_text(std::string_view text, const std::string& path) {
  Vars out;
  std::string_view body = trim_ascii(text);
  if (!body.empty() && body.front() == '{') {
    auto j =
        core::parse_json(text, path).value_or(nlohmann::json(nlohmann::json::value_t::discarded));
    if (j.is_discarded() || !j.is_object())
      return fail("vars.json", "not a JSON object of NAME: VALUE", path);
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (it->is_string())
        out[it.key()] = it->get<std::string>();
      else if (it->is_number() || it->is_boolean())
        out[it.key()] = it->dump();
      else
        return fail("vars.json",
                    "the value of '" + it.key() + "' must be a string, number or boolean", path);
    }
    return out;
  }
  int line_no = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = trim_ascii(text.substr(pos, nl - pos));
    ++line_no;
    pos = nl + 1;
    if (line.empty() || line.front() == '#') continue;
    size_t eq = line.find('=');
    if (eq == std::string_view::npos || eq == 0)
      return fail("vars.line", "expected NAME=VALUE", path, line_no);
    out[std::string(trim_ascii(line.substr(0, eq)))] = std::string(trim_ascii(line.substr(eq + 1)));
  }
  return out;
}

std::string substitute(std::string_view text, const Vars& vars, std::vector<std::string>* missing) {
  std::string out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t start = text.find("${", pos);
    size_t end = start == std::string_view::npos ? start : text.find('}', start + 2);
    if (start == std::string_view::npos || end == std::string_view::npos) {
      out.append(text.substr(pos));
      break;
    }
    out.append(text.substr(pos, start - pos));
    std::string name(text.substr(start + 2, end - start - 2));
    if (auto it = vars.find(name); it != vars.end()) {
      out += it->second;
    } else {
      out.append(text.substr(start, end - start + 1));
      if (missing && std::find(missing->begin(), missing->end(), name) == missing->end())
        missing->push_back(name);
    }
    pos = end + 1;
  }
  return out;
}

core::Params substitute(const core::Params& params, const Vars& vars,
                        std::vector<std::string>* missing) {
  core::Params out;
  out.reserve(params.size());
  for (const auto& [k, v] : params) out.emplace_back(k, substitute(v, vars, missing));
  return out;
}

}  // namespace popcheck::runner
