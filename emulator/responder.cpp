#include "emulator/responder.hpp"

#include <algorithm>
#include <sstream>

#include <pugixml.hpp>

#include "core/input_limits.hpp"

namespace popcheck::emulator {

namespace {

void append_xml(pugi::xml_node parent, const std::string& name, const ojson& value) {
  if (value.is_array()) {
    // Lists repeat the element: {"Region": [a, b]} -> <Region>a</Region><Region>b</Region>.
    for (const auto& item : value) append_xml(parent, name, item);
    return;
  }
  auto node = parent.append_child(name.c_str());
  if (value.is_object()) {
    for (const auto& [k, v] : value.items()) append_xml(node, k, v);
  } else if (value.is_string()) {
    node.text().set(value.get_ref<const std::string&>().c_str());
  } else if (!value.is_null()) {
    node.text().set(value.dump().c_str());
  }
}

std::string save_xml(const pugi::xml_document& doc) {
  std::ostringstream out;
  doc.save(out, "", pugi::format_raw | pugi::format_no_declaration);
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>" + out.str();
}

bool is_integer(const std::string& v) {
  size_t i = (!v.empty() && (v[0] == '-' || v[0] == '+')) ? 1 : 0;
  if (i == v.size()) return false;
  return std::all_of(v.begin() + static_cast<long>(i), v.end(),
                     [](char c) { return c >= '0' && c <= '9'; });
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

std::string render_success(const std::string& action, const ojson& fields, bool xml,
                           const std::string& request_id) {
  if (!xml) {
    ojson body = ojson::object();
    body["RequestId"] = request_id;
    for (const auto& [k, v] : fields.items()) {
      if (k != "RequestId") body[k] = v;
    }
    return body.dump(-1, ' ', false, ojson::error_handler_t::replace);
  }
  pugi::xml_document doc;
  auto root = doc.append_child((action + "Response").c_str());
  for (const auto& [k, v] : fields.items()) {
    if (k != "RequestId") append_xml(root, k, v);
  }
  root.append_child("RequestId").text().set(request_id.c_str());
  return save_xml(doc);
}

std::optional<ApiResult> validate_against(const core::Contract& contract, const core::Params& params) {
  auto value_of = [&](const std::string& name) -> const std::string* {
    for (const auto& [k, v] : params) {
      if (k == name) return &v;
    }
    return nullptr;
  };
  auto any_with_prefix = [&](const std::string& prefix) {
    return std::any_of(params.begin(), params.end(),
                       [&](const auto& kv) { return kv.first.starts_with(prefix); });
  };
  // Required parameters first, in documented order; only top-level ones (a required field of an
  // optional list is required only when the list is given).
  for (const auto& p : contract.params) {
    if (!p.required || p.depth > 0) continue;
    if (p.name == "Action" || p.name == "Version") continue;
    size_t n = p.name.find(".N");
    if (n != std::string::npos) {
      if (!any_with_prefix(p.name.substr(0, n) + ".")) return missing_parameter(p.name);
      continue;
    }
    const std::string* v = value_of(p.name);
    if ((v == nullptr || v->empty()) && !any_with_prefix(p.name + ".")) {
      return missing_parameter(p.name);
    }
  }
  // Then formats: allowed values and scalar types of the parameters that are present.
  for (const auto& p : contract.params) {
    if (p.name.find(".N") != std::string::npos) continue;
    const std::string* v = value_of(p.name);
    if (v == nullptr || v->empty()) continue;
    if (!p.allowed.empty() && std::find(p.allowed.begin(), p.allowed.end(), *v) == p.allowed.end()) {
      return invalid_parameter(p.name);
    }
    std::string type = lower(p.type);
    if ((type == "integer" || type == "long") && !is_integer(*v)) return invalid_parameter(p.name);
    if (type == "boolean" && lower(*v) != "true" && lower(*v) != "false") {
      return invalid_parameter(p.name);
    }
  }
  return std::nullopt;
}

std::string example_body(const core::Contract& contract, bool xml, const std::string& request_id) {
  const auto& ex = contract.examples;
  if (xml && ex.xml && ex.xml->valid) {
    pugi::xml_document doc;
    if (core::load_xml(doc, ex.xml->body, "example") && doc.document_element()) {
      auto root = doc.document_element();
      auto rid = root.child("RequestId");
      if (!rid) rid = root.append_child("RequestId");
      rid.text().set(request_id.c_str());
      return save_xml(doc);
    }
  }
  ojson fields = ojson::object();
  if (ex.json && ex.json->valid) {
    // An example the reader marked valid but that does not parse (or nests too deep, from a
    // hand-edited catalogue): answer with RequestId alone.
    auto parsed = core::parse_ordered_json(ex.json->body, "example");
    if (parsed && parsed->is_object()) fields = std::move(*parsed);
  }
  return render_success(contract.action, fields, xml, request_id);
}

}  // namespace popcheck::emulator
