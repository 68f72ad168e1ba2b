#include "emulator/deviation.hpp"

#include <sstream>

#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include "core/input_limits.hpp"

namespace popcheck::emulator {

namespace {

constexpr const char* kUsage =
    "expected status:ACTION:CODE, code:ACTION, message:ACTION, drop:ACTION:FIELD, xmlroot:ACTION or "
    "contenttype:ACTION";

std::string save_xml(const pugi::xml_document& doc) {
  std::ostringstream out;
  doc.save(out, "", pugi::format_raw | pugi::format_no_declaration);
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>" + out.str();
}

}  // namespace

Expected<Deviation> parse_deviation(const std::string& text) {
  Deviation d;
  if (text.empty()) return d;
  std::vector<std::string> parts;
  std::stringstream in(text);
  for (std::string part; std::getline(in, part, ':');) parts.push_back(part);
  auto bad = [&](const std::string& why) {
    return fail("emulator.deviation", "deviation '" + text + "': " + why + "; " + kUsage);
  };
  if (parts.size() < 2 || parts[1].empty()) return bad("no action");
  const std::string& kind = parts[0];
  d.action = parts[1];
  if (kind == "status") {
    if (parts.size() != 3) return bad("status needs a code");
    try {
      size_t used = 0;
      d.status = std::stoi(parts[2], &used);
      if (used != parts[2].size() || d.status < 100 || d.status > 599)
        return bad("bad status code");
    } catch (...) {
      return bad("bad status code");
    }
    d.kind = Deviation::Kind::status;
  } else if (kind == "drop") {
    if (parts.size() != 3 || parts[2].empty()) return bad("drop needs a field");
    d.field = parts[2];
    d.kind = Deviation::Kind::drop;
  } else if (parts.size() != 2) {
    return bad("too many parts");
  } else if (kind == "code") {
    d.kind = Deviation::Kind::code;
  } else if (kind == "message") {
    d.kind = Deviation::Kind::message;
  } else if (kind == "xmlroot") {
    d.kind = Deviation::Kind::xmlroot;
  } else if (kind == "contenttype") {
    d.kind = Deviation::Kind::contenttype;
  } else {
    return bad("unknown kind '" + kind + "'");
  }
  return d;
}

void Deviation::apply(net::HttpResponse& response, bool xml, const std::string& a) const {
  switch (kind) {
    case Kind::none:
      return;
    case Kind::status:
      response.status = status;
      return;
    case Kind::contenttype:
      for (auto& [name, value] : response.headers) {
        if (name == "Content-Type") value = xml ? "application/xml" : "application/json";
      }
      return;
    default:
      break;
  }
  // The body changes: parse it, change one thing, write it back.
  if (xml) {
    pugi::xml_document doc;
    if (!core::load_xml(doc, response.body, "response body")) return;
    auto root = doc.document_element();
    bool is_error = std::string(root.name()) == "Error";
    if (kind == Kind::xmlroot) {
      root.set_name(is_error ? "ErrorResponse" : (a + "Result").c_str());
    } else if (kind == Kind::drop) {
      while (auto child = root.child(field.c_str())) root.remove_child(child);
    } else if (is_error && kind == Kind::code) {
      root.child("Code").text().set((std::string(root.child_value("Code")) + ".Deviated").c_str());
    } else if (is_error && kind == Kind::message) {
      root.child("Message").text().set(
          "The emulator was told to deviate from the documented message.");
    }
    response.body = save_xml(doc);
    return;
  }
  if (kind == Kind::xmlroot) return;  // JSON has no root element
  auto parsed = core::parse_ordered_json(response.body, "response body");
  if (!parsed || !parsed->is_object()) return;
  nlohmann::ordered_json& body = *parsed;
  bool is_error = body.contains("Code") && response.status >= 400;
  if (kind == Kind::drop) {
    body.erase(field);
  } else if (is_error && kind == Kind::code) {
    body["Code"] = body["Code"].get<std::string>() + ".Deviated";
  } else if (is_error && kind == Kind::message) {
    body["Message"] = "The emulator was told to deviate from the documented message.";
  }
  response.body = body.dump();
}

}  // namespace popcheck::emulator
