#include "core/check/check.hpp"

#include "core/check/snapshot.hpp"
#include "core/input_limits.hpp"
#include "core/support/text.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>
#include <set>

namespace popcheck::core {

namespace {

// ordered_json keeps the document's key order, so failures come out in the order of the page.
using json = nlohmann::ordered_json;

// A shape comparison stops reporting after this many mismatches: one broken array element type
// would otherwise produce a failure per element.
constexpr size_t kMaxShapeFailures = 20;

using core::text::iequals;

bool is_xml(std::string_view format) { return iequals(format, "XML"); }

std::string status_text(const core::Expect& e) {
  if (e.status_max == 0) return std::to_string(e.status);
  if (e.status % 100 == 0 && e.status_max == e.status + 99)
    return std::to_string(e.status / 100) + "xx";
  return std::to_string(e.status) + "-" + std::to_string(e.status_max);
}

std::string json_kind(const json& v) {
  switch (v.type()) {
    case json::value_t::object:
      return "object";
    case json::value_t::array:
      return "array";
    case json::value_t::string:
      return "string";
    case json::value_t::boolean:
      return "boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return "integer";
    case json::value_t::number_float:
      return "number";
    case json::value_t::null:
      return "null";
    default:
      return "unknown";
  }
}

std::string join(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

// The body, parsed once and shared by the checks that read it.
struct Body {
  bool xml = false;
  json j;
  pugi::xml_document doc;
  pugi::xml_node root() const { return doc.document_element(); }
};

class Collector {
 public:
  explicit Collector(std::string check) : check_(std::move(check)) {}
  void fail(std::string path, std::string expected, std::string actual) {
    ++failures_;
    if (out_.size() < kMaxShapeFailures)
      out_.push_back({check_, false, std::move(expected), std::move(actual), std::move(path)});
  }
  std::vector<CheckResult> finish(std::string expected_on_pass) && {
    if (out_.empty()) return {{check_, true, expected_on_pass, "as expected", ""}};
    if (failures_ > out_.size())
      out_.push_back(
          {check_, false, "", std::to_string(failures_ - out_.size()) + " more mismatches", ""});
    return std::move(out_);
  }

 private:
  std::string check_;
  std::vector<CheckResult> out_;
  size_t failures_ = 0;
};

// ---- JSON against a documented example
// -------------------------------------------------------------

bool json_compatible(const json& example, const json& actual) {
  if (example.is_null()) return true;
  if (example.is_number_integer()) return actual.is_number_integer();
  if (example.is_number()) return actual.is_number();
  return json_kind(example) == json_kind(actual);
}

void compare_json_value(const json& ex, const json& act, const std::string& path, Collector& out);

void compare_json_object(const json& ex, const json& act, const std::string& path,
                         const std::set<std::string>& skip, Collector& out) {
  for (auto it = ex.begin(); it != ex.end(); ++it) {
    if (skip.contains(it.key())) continue;
    std::string p = join(path, it.key());
    auto found = act.find(it.key());
    if (found == act.end()) {
      out.fail(p, "present (" + json_kind(it.value()) + ")", "missing");
      continue;
    }
    compare_json_value(it.value(), *found, p, out);
  }
}

void compare_json_value(const json& ex, const json& act, const std::string& path, Collector& out) {
  if (!json_compatible(ex, act)) {
    out.fail(path, json_kind(ex), json_kind(act));
    return;
  }
  if (ex.is_object()) {
    compare_json_object(ex, act, path, {}, out);
  } else if (ex.is_array() && !ex.empty()) {
    for (size_t i = 0; i < act.size(); ++i)
      compare_json_value(ex[0], act[i], path + "[" + std::to_string(i) + "]", out);
  }
}

// ---- JSON against the response tree
// -----------------------------------------------------------------

using core::ValueType;

bool node_type_matches(ValueType type, const json& v) {
  switch (type) {
    case ValueType::object:
      return v.is_object();
    case ValueType::array:
      return v.is_array();
    case ValueType::string:
      return v.is_string();
    case ValueType::integer:
      return v.is_number_integer();
    case ValueType::number:
      return v.is_number();
    case ValueType::boolean:
      return v.is_boolean();
    case ValueType::any:
      return true;  // an undocumented type constrains nothing
  }
  return true;
}

std::string type_name(ValueType t) {
  return t == ValueType::any ? std::string("any") : std::string(core::to_string(t));
}

void compare_node_value(const core::ResponseNode& node, const json& act, const std::string& path,
                        Collector& out);

void compare_node_fields(const std::vector<core::ResponseNode>& fields, const json& act,
                         const std::string& path, const std::set<std::string>& skip,
                         Collector& out) {
  for (const auto& child : fields) {
    if (child.name.empty() || skip.contains(child.name)) continue;
    std::string p = join(path, child.name);
    auto found = act.find(child.name);
    if (found == act.end()) {
      out.fail(p, "present (" + type_name(child.type) + ")", "missing");
      continue;
    }
    compare_node_value(child, *found, p, out);
  }
}

void compare_node_value(const core::ResponseNode& node, const json& act, const std::string& path,
                        Collector& out) {
  const json* value = &act;
  std::string p = path;
  // Alibaba's JSON keeps the XML wrapping of lists: {"Regions": {"Region": [...]}} for an array.
  if (node.type == ValueType::array && act.is_object() && act.size() == 1 &&
      act.begin()->is_array()) {
    p = join(path, act.begin().key());
    value = &*act.begin();
  }
  if (!node_type_matches(node.type, *value)) {
    out.fail(p, type_name(node.type), json_kind(*value));
    return;
  }
  if (node.type == ValueType::object) {
    compare_node_fields(node.children, *value, p, {}, out);
  } else if (node.type == ValueType::array && !node.children.empty()) {
    for (size_t i = 0; i < value->size(); ++i) {
      const json& el = (*value)[i];
      std::string ep = p + "[" + std::to_string(i) + "]";
      if (node.children.size() == 1 && !(el.is_object() && el.contains(node.children[0].name)))
        compare_node_value(node.children[0], el, ep, out);
      else if (el.is_object())
        compare_node_fields(node.children, el, ep, {}, out);
      else
        out.fail(ep, "object", json_kind(el));
    }
  }
}

// ---- XML structure
// ------------------------------------------------------------------------------------

bool has_element_children(pugi::xml_node n) { return core::xml_has_elements(n); }
bool has_text(pugi::xml_node n) { return core::xml_has_text(n); }

// A container is documented; the answer must not hold plain text there. An empty element is an
// empty container and passes.
bool xml_container_ok(pugi::xml_node n) { return has_element_children(n) || !has_text(n); }

void compare_xml_example(pugi::xml_node ex, pugi::xml_node act, const std::string& path,
                         const std::set<std::string>& skip, Collector& out) {
  std::vector<std::string> names;
  for (auto c : ex.children()) {
    if (c.type() != pugi::node_element || skip.contains(c.name())) continue;
    if (std::find(names.begin(), names.end(), c.name()) == names.end())
      names.emplace_back(c.name());
  }
  for (const auto& name : names) {
    pugi::xml_node shape = ex.child(name.c_str());
    std::string p = path + "/" + name;
    bool any = false;
    size_t index = 0;
    for (auto a : act.children(name.c_str())) {
      any = true;
      std::string ap = p + "[" + std::to_string(index++) + "]";
      if (has_element_children(shape)) {
        if (!xml_container_ok(a))
          out.fail(ap, "element with child elements", "text");
        else if (has_element_children(a))  // an empty element is an empty list or object
          compare_xml_example(shape, a, ap, {}, out);
      } else if (has_text(shape) && has_element_children(a)) {
        out.fail(ap, "text", "element with child elements");
      }
    }
    if (!any) out.fail(p, "present", "missing");
  }
}

void compare_xml_node(const core::ResponseNode& node, pugi::xml_node act, const std::string& path,
                      Collector& out);

void compare_xml_fields(const std::vector<core::ResponseNode>& fields, pugi::xml_node act,
                        const std::string& path, const std::set<std::string>& skip,
                        Collector& out) {
  for (const auto& child : fields) {
    if (child.name.empty() || skip.contains(child.name)) continue;
    std::string p = path + "/" + child.name;
    pugi::xml_node found = act.child(child.name.c_str());
    if (!found) {
      out.fail(p, "present", "missing");
      continue;
    }
    compare_xml_node(child, found, p, out);
  }
}

void compare_xml_node(const core::ResponseNode& node, pugi::xml_node act, const std::string& path,
                      Collector& out) {
  bool container = node.type == ValueType::object || node.type == ValueType::array;
  if (!container) {
    if (node.type != ValueType::any && has_element_children(act))
      out.fail(path, "text (" + type_name(node.type) + ")", "element with child elements");
    return;
  }
  // Alibaba's XML also repeats a list's element once per item (<Ids>a</Ids><Ids>b</Ids>,
  // <Instance>..</Instance><Instance>..</Instance> for an array Instance): the element is then an
  // item, plain text for a list of plain values, the item's fields for a list of objects.
  bool plain_items = node.children.empty() ||
                     (node.children.size() == 1 && node.children[0].type != ValueType::object &&
                      node.children[0].type != ValueType::array);
  if (node.type == ValueType::array && plain_items && !has_element_children(act) && has_text(act))
    return;
  if (!xml_container_ok(act)) {
    out.fail(path, "element with child elements (" + type_name(node.type) + ")", "text");
    return;
  }
  if (node.type == ValueType::object) {
    compare_xml_fields(node.children, act, path, {}, out);
    return;
  }
  // An array: its child elements are the items. A single documented child named like the items is
  // the item itself; otherwise the documented children are the fields of each item that has fields.
  if (node.children.empty()) return;
  if (node.children.size() > 1 &&
      std::any_of(node.children.begin(), node.children.end(), [&](const core::ResponseNode& f) {
        return !f.name.empty() && act.child(f.name.c_str());
      })) {
    compare_xml_fields(node.children, act, path, {}, out);
    return;
  }
  size_t index = 0;
  for (auto item : act.children()) {
    if (item.type() != pugi::node_element) continue;
    std::string ip = path + "/" + item.name() + "[" + std::to_string(index++) + "]";
    if (node.children.size() == 1 && node.children[0].name == item.name())
      compare_xml_node(node.children[0], item, ip, out);
    else if (has_element_children(item))
      compare_xml_fields(node.children, item, ip, {}, out);
  }
}

// ---- helpers for the top-level keys
// -----------------------------------------------------------------

// A top-level string value of the body: JSON key or XML child of the root. nullopt when absent.
std::optional<std::string> top_value(const Body& body, const std::string& key, bool* is_string) {
  if (is_string) *is_string = true;
  if (body.xml) {
    pugi::xml_node n = body.root().child(key.c_str());
    if (!n) return std::nullopt;
    if (is_string) *is_string = !has_element_children(n);
    return std::string(n.text().get());
  }
  auto it = body.j.find(key);
  if (it == body.j.end()) return std::nullopt;
  if (it->is_string()) return it->get<std::string>();
  if (is_string) *is_string = false;
  return it->dump();
}

std::string top_path(const Body& body, const std::string& key) {
  return body.xml ? std::string(body.root().name()) + "/" + key : key;
}

CheckResult check_present(const Body& body, const std::string& check, const std::string& key) {
  bool is_string = true;
  auto v = top_value(body, key, &is_string);
  CheckResult r{check, true, "a non-empty " + key, "", top_path(body, key)};
  if (!v) {
    r.passed = false;
    r.actual = "missing";
  } else if (!is_string || v->empty()) {
    r.passed = false;
    r.actual = is_string ? "empty" : "not a string: " + *v;
  } else {
    r.actual = *v;
  }
  return r;
}

std::optional<json> parse_example_json(const core::ExampleBlock& b) {
  auto j = core::parse_ordered_json(b.body, "example");
  if (!j) {
    // Some pages put an "HTTP/1.1 200 OK" line before the body.
    size_t brace = b.body.find('{');
    if (brace == std::string::npos) return std::nullopt;
    j = core::parse_ordered_json(std::string_view(b.body).substr(brace), "example");
  }
  if (!j || !j->is_object()) return std::nullopt;
  return std::move(*j);
}

// shape "snapshot": the recorded body (see snapshot.hpp), with the keys other checks own left out.
std::vector<CheckResult> check_snapshot(const core::Case& c, std::string_view body, bool xml) {
  const core::Expect& e = c.expect;
  if (e.snapshot.is_null()) return {};
  auto tree = body_tree(body, xml);
  if (!tree) return {};  // the parse check has already reported it
  SnapshotOptions options;
  options.skip = e.skip;
  options.owned = {"RequestId", "HostId"};
  if (e.code) options.owned.insert("Code");
  if (e.message) options.owned.insert("Message");
  for (auto it = e.refs.begin(); it != e.refs.end(); ++it)
    if (it.value().is_string()) options.refs[it.key()] = it.value().get<std::string>();
  SnapshotComparison cmp = compare_snapshot(e.snapshot, *tree, options);
  if (!cmp.differences.empty()) return std::move(cmp.differences);
  std::string expected = "the recorded response";
  if (!cmp.skipped.empty())
    expected += " (" + std::to_string(cmp.skipped.size()) +
                (cmp.skipped.size() == 1 ? " path" : " paths") + " skipped as parity gaps)";
  return {{"snapshot", true, expected, "as expected", ""}};
}

std::vector<CheckResult> check_shape(const core::Case& c, const core::Contract& contract,
                                     const Body& body) {
  const core::Expect& e = c.expect;
  if (e.shape == core::Shape::none) return {};
  Collector out("shape");
  if (expects_error(e)) {
    for (const char* key : {"Code", "Message"}) {
      if ((std::string(key) == "Code" && e.code) || (std::string(key) == "Message" && e.message))
        continue;  // the code / message check owns it
      bool is_string = true;
      auto v = top_value(body, key, &is_string);
      if (!v)
        out.fail(top_path(body, key), "present (string)", "missing");
      else if (!is_string)
        out.fail(top_path(body, key), "string", "structured value");
    }
    return std::move(out).finish("a well-formed error body");
  }
  // Success shapes. RequestId is judged by the request-id check.
  const std::set<std::string> skip{"RequestId"};
  if (e.shape == core::Shape::example) {
    if (body.xml && contract.examples.xml && contract.examples.xml->valid) {
      pugi::xml_document ex;
      if (core::load_xml(ex, contract.examples.xml->body, "example") && ex.document_element()) {
        // An example of several top-level elements is the response's fields without their
        // wrapper (the document left it out).
        pugi::xml_node root = ex.document_element();
        size_t elements = 0;
        for (auto n : ex.children()) elements += n.type() == pugi::node_element ? 1 : 0;
        if (elements > 1) {
          pugi::xml_node wrapper = ex.append_child("Response");
          for (pugi::xml_node n = ex.first_child(); n != wrapper; n = ex.first_child())
            if (n.type() == pugi::node_element)
              wrapper.append_move(n);
            else
              ex.remove_child(n);
          root = wrapper;
        }
        compare_xml_example(root, body.root(), body.root().name(), skip, out);
        return std::move(out).finish("the documented XML example's structure");
      }
    }
    if (!body.xml && contract.examples.json) {
      if (auto ex = parse_example_json(*contract.examples.json)) {
        compare_json_object(*ex, body.j, "", skip, out);
        return std::move(out).finish("the documented JSON example's keys and types");
      }
    }
    // No usable example of this format: the response tree is the next best description.
  }
  if (contract.response.children.empty()) return {};
  if (body.xml)
    compare_xml_fields(contract.response.children, body.root(), body.root().name(), skip, out);
  else
    compare_node_fields(contract.response.children, body.j, "", skip, out);
  return std::move(out).finish("the documented response parameters");
}

}  // namespace

std::string expected_content_type(std::string_view format) {
  return is_xml(format) ? "text/xml;charset=utf-8" : "application/json;charset=utf-8";
}

bool expects_error(const core::Expect& expect) {
  return expect.status >= 400 || expect.code.has_value();
}

std::string expected_root(const core::Case& c) {
  if (!c.expect.root.empty()) return c.expect.root;
  return expects_error(c.expect) ? "Error" : c.action + "Response";
}

bool message_matches(std::string_view tmpl, std::string_view message) {
  // Split the template at each %s; the pieces must appear in order, the first at the start and the
  // last at the end. A classic glob match with one kind of wildcard.
  std::vector<std::string_view> parts;
  size_t pos = 0;
  while (true) {
    size_t w = tmpl.find("%s", pos);
    if (w == std::string_view::npos) {
      parts.push_back(tmpl.substr(pos));
      break;
    }
    parts.push_back(tmpl.substr(pos, w - pos));
    pos = w + 2;
  }
  if (parts.size() == 1) return tmpl == message;
  if (!message.starts_with(parts.front())) return false;
  size_t at = parts.front().size();
  for (size_t i = 1; i + 1 < parts.size(); ++i) {
    size_t found = message.find(parts[i], at);
    if (found == std::string_view::npos) return false;
    at = found + parts[i].size();
  }
  const auto& last = parts.back();
  return message.size() >= at + last.size() && message.ends_with(last);
}

CheckResult check_status(const core::Expect& expect, int status) {
  bool ok = expect.status_max == 0 ? status == expect.status
                                   : status >= expect.status && status <= expect.status_max;
  return {"status", ok, status_text(expect), std::to_string(status), ""};
}

CheckResult check_content_type(std::string_view format, const core::Headers& headers) {
  std::string want = expected_content_type(format);
  std::string got =
      has_header(headers, "content-type") ? header_value(headers, "content-type") : "(none)";
  return {"content-type", got == want, want, got, ""};
}

std::vector<CheckResult> check_exchange(const core::Case& c, const core::Contract& contract,
                                        const core::Response& answer) {
  std::vector<CheckResult> out;
  const core::Expect& e = c.expect;
  const bool xml = is_xml(c.request.format);
  out.push_back(check_status(e, answer.status));
  out.push_back(check_content_type(c.request.format, answer.headers));

  Body body;
  body.xml = xml;
  CheckResult parse{"parse", true, xml ? "an XML document" : "a JSON object", "", ""};
  if (xml) {
    // Parsed within the input limits: the checks below walk the tree recursively.
    if (auto loaded = core::load_xml(body.doc, answer.body, "response body"); !loaded) {
      parse.passed = false;
      parse.actual = loaded.error().message;
    } else if (!body.root()) {
      parse.passed = false;
      parse.actual = "an XML document without a root element";
    } else {
      parse.actual = "an XML document";
    }
  } else {
    if (auto parsed = core::parse_ordered_json(answer.body, "response body")) {
      body.j = std::move(*parsed);
      parse.passed = body.j.is_object();
      parse.actual = parse.passed ? "a JSON object" : "JSON " + json_kind(body.j);
    } else {
      parse.passed = false;
      parse.actual = parsed.error().message;
    }
  }
  out.push_back(parse);
  if (!parse.passed) return out;

  if (xml) {
    std::string want = expected_root(c);
    std::string got = body.root().name();
    out.push_back({"root", want == got, "<" + want + ">", "<" + got + ">", ""});
  }
  auto shape = e.shape == core::Shape::snapshot ? check_snapshot(c, answer.body, xml)
                                                : check_shape(c, contract, body);
  for (auto& r : shape) out.push_back(std::move(r));
  if (e.code) {
    auto v = top_value(body, "Code", nullptr);
    out.push_back(
        {"code", v && *v == *e.code, *e.code, v ? *v : "missing", top_path(body, "Code")});
  }
  if (e.message) {
    auto v = top_value(body, "Message", nullptr);
    out.push_back({"message", v && message_matches(*e.message, *v), *e.message, v ? *v : "missing",
                   top_path(body, "Message")});
  }
  out.push_back(check_present(body, "request-id", "RequestId"));
  if (expects_error(e)) out.push_back(check_present(body, "host-id", "HostId"));
  return out;
}

}  // namespace popcheck::core
