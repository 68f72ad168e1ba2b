#pragma once
// Parameter names and the words of codes and actions, as the case generator and the emulator's
// contract-driven responder both read them: "Tag.N.Key" is a list member whose concrete names are
// "Tag.1.Key", "Tag.2.Key"...; error codes name parameters without dots or N ("InvalidTagKey.Malformed"
// names Tag.N.Key). One definition, so that what the generator breaks is what the responder checks.
#include <string>
#include <string_view>
#include <vector>

#include "core/support/text.hpp"

namespace popcheck::core::names {

// ASCII case, from the support layer: the generator and the responder compare names and words with
// it throughout (`using namespace names`).
inline std::string lower(std::string_view s) { return text::to_lower(s); }
using text::icontains;
using text::istarts_with;

// Segments of a parameter name without the N placeholders: "Tag.N.Key" -> {"Tag", "Key"}.
std::vector<std::string> segments(std::string_view name);
// "Tag.N.Key" -> "tagkey": the spelling error codes use when they name a parameter.
std::string norm_name(std::string_view name);
// "Tag.N.Key" -> "Tag".
std::string root_of(std::string_view name);
// True when the name has an N placeholder ("InstanceId.N", "Tag.N.Key"; "n" also counts).
bool has_n(std::string_view name);
// "Tag.N.Key" with i -> "Tag.3.Key"; later N placeholders (nested lists) take 1.
std::string instantiate(std::string_view name, int i);
// True when `concrete` ("Tag.3.Key") is an instance of `pattern` ("Tag.N.Key").
bool instance_of(std::string_view concrete, std::string_view pattern);
// A concrete name with every all-digit segment written N: "Tag.3.Key" -> "Tag.N.Key". `first_index`
// receives the first such segment's number (0 when none or when it does not fit an int).
std::string pattern_of(std::string_view concrete, int* first_index = nullptr);
// Camel-case words of an action, lower case: "TagResources" -> {"tag", "resources"}.
std::vector<std::string> camel_words(std::string_view s);

// A parameter named like an id: its last segment ends with Id, Ids or ID ("InstanceId.N",
// "DBClusterId").
bool id_like(std::string_view name);

}  // namespace popcheck::core::names
