#include "core/input_limits.hpp"

#include <algorithm>

namespace popcheck::core {

namespace {

// nlohmann's own DOM builder behind a filter that counts open containers. Past the limit it either
// stops the parse (too_deep) or, when pruning, hands the builder a null in place of the container
// and swallows every event until that container closes. Nothing here recurses.
template <class J>
class LimitedSax {
 public:
  using number_integer_t = typename J::number_integer_t;
  using number_unsigned_t = typename J::number_unsigned_t;
  using number_float_t = typename J::number_float_t;
  using string_t = typename J::string_t;
  using binary_t = typename J::binary_t;

  LimitedSax(J& root, size_t max_depth, bool prune)
      : dom_(root, false), max_depth_(max_depth), prune_(prune) {}

  bool null() { return skip_ || (element(), dom_.null()); }
  bool boolean(bool v) { return skip_ || (element(), dom_.boolean(v)); }
  bool number_integer(number_integer_t v) { return skip_ || (element(), dom_.number_integer(v)); }
  bool number_unsigned(number_unsigned_t v) {
    return skip_ || (element(), dom_.number_unsigned(v));
  }
  bool number_float(number_float_t v, const string_t& s) {
    return skip_ || (element(), dom_.number_float(v, s));
  }
  bool string(string_t& v) { return skip_ || (element(), dom_.string(v)); }
  bool binary(binary_t& v) { return skip_ || (element(), dom_.binary(v)); }
  bool start_object(std::size_t n) { return open(false, n); }
  bool start_array(std::size_t n) { return open(true, n); }
  bool end_object() { return close(false); }
  bool end_array() { return close(true); }
  bool key(string_t& k) {
    if (skip_) return true;
    if (prune_) levels_.back().key = k;
    return dom_.key(k);
  }
  template <class Exception>
  bool parse_error(std::size_t position, const std::string& /*last_token*/, const Exception& ex) {
    error_ = ex.what();
    position_ = position;
    return false;
  }

  bool too_deep() const { return too_deep_; }
  const std::string& error() const { return error_; }
  size_t position() const { return position_; }
  std::vector<std::string>& pruned() { return pruned_; }

 private:
  struct Level {
    bool array = false;
    size_t next_index = 0;  // arrays: the index the next element takes
    std::string key;        // objects, when pruning: the key of the current member
  };

  // A value starts at the current level: in an array it takes the next index.
  void element() {
    if (prune_ && !levels_.empty() && levels_.back().array) ++levels_.back().next_index;
  }

  bool open(bool array, std::size_t n) {
    if (skip_) {
      ++skip_;
      return true;
    }
    element();
    if (levels_.size() >= max_depth_) {
      if (!prune_) {
        too_deep_ = true;
        return false;
      }
      pruned_.push_back(pointer());
      skip_ = 1;
      return dom_.null();
    }
    levels_.push_back(Level{array, 0, {}});
    return array ? dom_.start_array(n) : dom_.start_object(n);
  }

  bool close(bool array) {
    if (skip_) {
      --skip_;
      return true;
    }
    levels_.pop_back();
    return array ? dom_.end_array() : dom_.end_object();
  }

  // The JSON pointer of the value that just started (RFC 6901: '~' as "~0", '/' as "~1").
  std::string pointer() const {
    std::string out;
    for (const Level& l : levels_) {
      out += '/';
      if (l.array) {
        out += std::to_string(l.next_index - 1);
        continue;
      }
      for (char c : l.key) out += c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c);
    }
    return out;
  }

  nlohmann::detail::json_sax_dom_parser<J> dom_;
  size_t max_depth_;
  bool prune_;
  std::vector<Level> levels_;
  size_t skip_ = 0;  // > 0: inside a pruned container, this many levels deep
  bool too_deep_ = false;
  std::string error_;
  size_t position_ = 0;
  std::vector<std::string> pruned_;
};

template <class J>
Expected<J> parse_limited(std::string_view text, const std::string& what, InputLimits limits,
                          std::vector<std::string>* pruned) {
  if (text.size() > limits.max_bytes)
    return fail("json.too_large",
                "JSON of " + std::to_string(text.size()) + " bytes, over the limit of " +
                    std::to_string(limits.max_bytes),
                what);
  J result;
  LimitedSax<J> sax(result, limits.max_depth, pruned != nullptr);
  bool ok = J::sax_parse(text.begin(), text.end(), &sax);
  if (sax.too_deep())
    return fail("json.too_deep",
                "JSON nests deeper than " + std::to_string(limits.max_depth) +
                    " levels of arrays and objects; refused",
                what);
  if (!ok) {
    // nlohmann says "[json.exception.parse_error.101] parse error at line 4, column 5: syntax
    // error ..."; the line goes into the Error, the column and the reason into the message.
    std::string reason = sax.error();
    if (auto at = reason.find("column "); at != std::string::npos) {
      if (auto colon = reason.find(": ", at); colon != std::string::npos)
        reason = reason.substr(colon + 2) + " (" + reason.substr(at, colon - at) + ")";
    } else if (reason.starts_with("[json.exception.")) {
      reason = reason.substr(reason.find(']') + 2);
    }
    size_t offset = std::min(sax.position() > 0 ? sax.position() - 1 : 0, text.size());
    int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + offset, '\n'));
    return fail("json.parse", "not valid JSON: " + reason, what, line);
  }
  if (pruned) *pruned = std::move(sax.pruned());
  return result;
}

}  // namespace

Expected<nlohmann::json> parse_json(std::string_view text, const std::string& what,
                                    InputLimits limits) {
  return parse_limited<nlohmann::json>(text, what, limits, nullptr);
}

Expected<nlohmann::ordered_json> parse_ordered_json(std::string_view text, const std::string& what,
                                                    InputLimits limits) {
  return parse_limited<nlohmann::ordered_json>(text, what, limits, nullptr);
}

Expected<PrunedJson> parse_ordered_json_pruned(std::string_view text, const std::string& what,
                                               InputLimits limits) {
  PrunedJson out;
  auto value = parse_limited<nlohmann::ordered_json>(text, what, limits, &out.pruned);
  if (!value) return std::unexpected(value.error());
  out.value = std::move(*value);
  return out;
}

size_t json_depth(const nlohmann::ordered_json& value, size_t stop_after) {
  size_t deepest = 0;
  std::vector<std::pair<const nlohmann::ordered_json*, size_t>> stack{{&value, 0}};
  while (!stack.empty()) {
    auto [node, depth] = stack.back();
    stack.pop_back();
    if (!node->is_structured()) continue;
    deepest = std::max(deepest, depth + 1);
    if (deepest > stop_after) return deepest;
    for (const auto& child : *node) stack.emplace_back(&child, depth + 1);
  }
  return deepest;
}

size_t xml_depth(const pugi::xml_node& root, size_t stop_after) {
  size_t deepest = 0;
  size_t depth = 1;
  pugi::xml_node n = root.first_child();
  while (n) {
    if (n.type() == pugi::node_element) deepest = std::max(deepest, depth);
    if (deepest > stop_after) return deepest;
    if (pugi::xml_node child = n.first_child()) {
      n = child;
      ++depth;
      continue;
    }
    // Up until a level with a next sibling; back at `root` the walk is over.
    while (!n.next_sibling()) {
      n = n.parent();
      --depth;
      if (!n || n == root) return deepest;
    }
    n = n.next_sibling();
  }
  return deepest;
}

Expected<void> load_xml(pugi::xml_document& doc, std::string_view text, const std::string& what,
                        InputLimits limits, unsigned options) {
  doc.reset();
  if (text.size() > limits.max_bytes)
    return fail("xml.too_large",
                "XML of " + std::to_string(text.size()) + " bytes, over the limit of " +
                    std::to_string(limits.max_bytes),
                what);
  pugi::xml_parse_result r = doc.load_buffer(text.data(), text.size(), options);
  if (!r) {
    doc.reset();
    return fail("xml.parse",
                std::string("not XML: ") + r.description() + " at byte " + std::to_string(r.offset),
                what);
  }
  if (xml_depth(doc, limits.max_depth) > limits.max_depth) {
    doc.reset();
    return fail("xml.too_deep",
                "XML nests deeper than " + std::to_string(limits.max_depth) +
                    " levels of elements; refused",
                what);
  }
  return {};
}

bool xml_has_elements(const pugi::xml_node& n) {
  for (auto c : n.children())
    if (c.type() == pugi::node_element) return true;
  return false;
}

bool xml_has_text(const pugi::xml_node& n) {
  for (auto c : n.children())
    if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) {
      std::string_view v = c.value();
      if (v.find_first_not_of(" \t\r\n") != std::string_view::npos) return true;
    }
  return false;
}

}  // namespace popcheck::core
