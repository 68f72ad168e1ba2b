// Success bodies of the contract-driven responder (responder.hpp, step 3) and of the seed APIs
// (render_success). A body that nothing in the request or the state changes is prepared once and
// answered as the parts around its RequestId; the others are built per request.
#include <algorithm>
#include <sstream>

#include <pugixml.hpp>

#include "core/input_limits.hpp"
#include "emulator/responder.hpp"

namespace popcheck::emulator {

namespace {

// Stands for the RequestId in prepared bodies: no documented body holds it, and neither JSON nor
// XML escapes any of its characters.
constexpr const char* kMark = "{{popcheck:request-id}}";

void append_xml(pugi::xml_node parent, const std::string& name, const ojson& value) {
  if (value.is_array()) {
    // Lists repeat the element: {"Region": [a, b]} -> <Region>a</Region><Region>b</Region>; an
    // empty list is one empty element (XML has no other way to show it).
    for (const auto& item : value) append_xml(parent, name, item);
    if (value.empty()) parent.append_child(name.c_str());
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

void split(const std::string& body, std::string& head, std::string& tail) {
  size_t at = body.find(kMark);
  head = body.substr(0, at);
  tail = at == std::string::npos ? std::string() : body.substr(at + std::string(kMark).size());
}

// A value of a response node: its example when it has the node's type, else "", 0, false.
ojson leaf(const core::ResponseNode& n) {
  if (n.type == core::ValueType::integer) {
    try {
      size_t used = 0;
      long long v = std::stoll(n.example, &used);
      if (used == n.example.size()) return v;
    } catch (...) {
    }
    return 0;
  }
  if (n.type == core::ValueType::number) {
    try {
      return std::stod(n.example);
    } catch (...) {
      return 0.0;
    }
  }
  if (n.type == core::ValueType::boolean) return n.example == "true";
  return n.example;
}

ojson node_value(const core::ResponseNode& n, int depth) {
  if (depth > 40) return nullptr;
  if (n.type == core::ValueType::object) {
    ojson out = ojson::object();
    for (const auto& c : n.children)
      if (!c.name.empty()) out[c.name] = node_value(c, depth + 1);
    return out;
  }
  if (n.type == core::ValueType::array) {
    ojson out = ojson::array();
    if (n.children.size() == 1) {
      out.push_back(node_value(n.children[0], depth + 1));
    } else if (!n.children.empty()) {
      ojson item = ojson::object();
      for (const auto& c : n.children)
        if (!c.name.empty()) item[c.name] = node_value(c, depth + 1);
      out.push_back(std::move(item));
    }
    return out;
  }
  return leaf(n);
}

// Documented examples sometimes list items unlike the first one (a field shown once, an object
// where the first item has text). A response's items have one shape, the first item's, as the
// conformance checks read it (core/check/check.cpp): the items that differ from it are left out.
bool same_kind(const ojson& ref, const ojson& v) {
  if (ref.is_null()) return true;
  if (ref.is_number_integer()) return v.is_number_integer();
  if (ref.is_number()) return v.is_number();
  return ref.type() == v.type();
}

// Prunes v's lists to the items that have the shape of ref's first item; false when v itself lacks
// a field of ref or has another kind of value.
bool conform(const ojson& ref, ojson& v, int depth = 0) {
  if (depth > 40 || ref.is_null()) return true;
  if (!same_kind(ref, v)) return false;
  if (ref.is_object()) {
    for (const auto& [k, r] : ref.items()) {
      auto it = v.find(k);
      if (it == v.end() || !conform(r, *it, depth + 1)) return false;
    }
  } else if (ref.is_array() && !ref.empty()) {
    ojson kept = ojson::array();
    for (auto& item : v)
      if (conform(ref[0], item, depth + 1)) kept.push_back(std::move(item));
    v = std::move(kept);
  }
  return true;
}

using core::xml_has_elements;
using core::xml_has_text;

bool conform(pugi::xml_node ref, pugi::xml_node n, int depth = 0) {
  if (depth > 40) return true;
  if (xml_has_elements(ref)) {
    if (!xml_has_elements(n))
      return !xml_has_text(n);  // an empty element is an empty list or object
  } else {
    return !(xml_has_text(ref) && xml_has_elements(n));
  }
  for (pugi::xml_node c = n.first_child(); c;) {
    pugi::xml_node next = c.next_sibling();
    if (c.type() == pugi::node_element)
      if (pugi::xml_node r = ref.child(c.name()); r && !conform(r, c, depth + 1)) n.remove_child(c);
    c = next;
  }
  for (auto r : ref.children())
    if (r.type() == pugi::node_element && !n.child(r.name())) return false;
  return true;
}

// The XML example as the response: its root named <Action>Response (documents misspell it or leave
// the wrapper out) and the RequestId marked.
std::string prepared_xml(const core::Contract& c, const std::string& example) {
  pugi::xml_document doc;
  if (!core::load_xml(doc, example, "example") || !doc.document_element()) return {};
  std::string root_name = c.action + "Response";
  size_t elements = 0;
  for (auto n : doc.children())
    if (n.type() == pugi::node_element) ++elements;
  pugi::xml_node root = doc.document_element();
  if (elements > 1) {
    // Several top-level elements: the fields of a response whose wrapper the document left out.
    pugi::xml_document wrapped;
    root = wrapped.append_child(root_name.c_str());
    for (auto n : doc.children())
      if (n.type() == pugi::node_element) root.append_copy(n);
    doc.reset(wrapped);
    root = doc.document_element();
  }
  root.set_name(root_name.c_str());
  pugi::xml_document reference;
  reference.append_copy(root);
  conform(reference.document_element(), root);
  auto rid = root.child("RequestId");
  if (!rid) rid = root.append_child("RequestId");
  rid.text().set(kMark);
  return save_xml(doc);
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

ojson fields_from_response(const core::ResponseNode& root) {
  ojson out = ojson::object();
  for (const auto& c : root.children)
    if (!c.name.empty() && c.name != "RequestId") out[c.name] = node_value(c, 1);
  return out;
}

void ContractApi::prepare_bodies() {
  const auto& ex = contract_.examples;
  fields_ = ojson::object();
  bool from_example = false;
  if (ex.json && ex.json->valid) {
    // An example the reader marked valid but that does not parse (or nests too deep, from a
    // hand-edited catalogue) counts as none.
    auto parsed = core::parse_ordered_json(ex.json->body, "example");
    if (parsed && parsed->is_object()) {
      fields_ = std::move(*parsed);
      from_example = true;
    }
  }
  if (!from_example) fields_ = fields_from_response(contract_.response);
  fields_.erase("RequestId");
  const ojson reference = fields_;
  conform(reference, fields_);
  split(render_success(contract_.action, fields_, false, kMark), json_head_, json_tail_);
  if (ex.xml && ex.xml->valid) xml_example_ = prepared_xml(contract_, ex.xml->body);
  split(
      xml_example_.empty() ? render_success(contract_.action, fields_, true, kMark) : xml_example_,
      xml_head_, xml_tail_);
}

std::string ContractApi::render(const Outcome& outcome, const core::Params& params, bool xml,
                                const std::string& request_id) const {
  std::vector<std::pair<std::string, std::string>> echoes;
  for (const auto& f : echo_fields_)
    if (const std::string* v = find_param(params, f); v && !v->empty()) echoes.emplace_back(f, *v);
  bool changes = !outcome.created.empty() || outcome.listing || !echoes.empty();
  if (!changes) return (xml ? xml_head_ : json_head_) + request_id + (xml ? xml_tail_ : json_tail_);

  if (xml && !xml_example_.empty()) {
    pugi::xml_document doc;
    if (!core::load_xml(doc, xml_example_, "example")) return xml_head_ + request_id + xml_tail_;
    pugi::xml_node root = doc.document_element();
    for (const auto& [f, v] : echoes)
      if (auto n = root.child(f.c_str())) n.text().set(v.c_str());
    if (!outcome.created.empty())
      if (auto n = root.child(link_field_.c_str())) n.text().set(outcome.created.front().c_str());
    if (outcome.listing && !list_path_.empty()) {
      pugi::xml_node parent = root;
      for (size_t i = 0; i + 1 < list_path_.size() && parent; ++i)
        parent = parent.child(list_path_[i].c_str());
      const std::string& item_name = list_path_.back();
      if (pugi::xml_node first = parent ? parent.child(item_name.c_str()) : pugi::xml_node()) {
        pugi::xml_document keep;
        keep.append_copy(first);
        while (auto n = parent.child(item_name.c_str())) parent.remove_child(n);
        for (const auto& l : outcome.listed) {
          auto item = parent.append_copy(keep.document_element());
          item.child(list_id_field_.c_str()).text().set(l.id.c_str());
          if (auto r = item.child("RegionId"); r && !l.region.empty())
            r.text().set(l.region.c_str());
          if (auto s = item.child("Status"); s && !l.status.empty()) s.text().set(l.status.c_str());
        }
        // An empty list where the items stand without a wrapper of their own: one empty element
        // says so (XML has no other way to show an empty list there).
        if (outcome.listed.empty()) parent.append_child(item_name.c_str());
      }
      if (auto t = root.child("TotalCount")) t.text().set(std::to_string(outcome.total).c_str());
    }
    root.child("RequestId").text().set(request_id.c_str());
    return save_xml(doc);
  }

  ojson fields = fields_;
  for (const auto& [f, v] : echoes) fields[f] = v;
  if (!outcome.created.empty() && fields.contains(link_field_)) {
    ojson& field = fields[link_field_];
    if (field.is_string()) field = outcome.created.front();
  }
  if (outcome.listing && !list_path_.empty()) {
    ojson* at = &fields;
    for (const auto& k : list_path_) {
      if (!at->is_object() || !at->contains(k)) {
        at = nullptr;
        break;
      }
      at = &(*at)[k];
    }
    if (at != nullptr && at->is_array() && !at->empty()) {
      ojson item = (*at)[0];
      at->clear();
      for (const auto& l : outcome.listed) {
        item[list_id_field_] = l.id;
        if (item.contains("RegionId") && !l.region.empty()) item["RegionId"] = l.region;
        if (item.contains("Status") && item["Status"].is_string() && !l.status.empty())
          item["Status"] = l.status;
        at->push_back(item);
      }
    }
    if (fields.contains("TotalCount") && fields["TotalCount"].is_number_integer())
      fields["TotalCount"] = outcome.total;
  }
  return render_success(contract_.action, fields, xml, request_id);
}

}  // namespace popcheck::emulator
