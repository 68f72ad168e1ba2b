#include "core/compile/metadata.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>
#include <stdexcept>

#include <pugixml.hpp>

#include "core/compile/constraints.hpp"
#include "core/input_limits.hpp"
#include "core/support/text.hpp"

namespace popcheck::core {

namespace {

using text::to_lower;

// Metadata writes most scalars as strings ("minimum": "0") but not all; take either. Numbers keep
// their kind: an unsigned value above 2^63-1 is not read through int64, and a number beyond any
// 64-bit integer (nlohmann's number_float) is written as JSON writes it.
std::string scalar_text(const ojson& j) {
  if (j.is_string()) return j.get<std::string>();
  if (j.is_boolean()) return j.get<bool>() ? "true" : "false";
  if (j.is_number_unsigned()) return std::to_string(j.get<uint64_t>());
  if (j.is_number_integer()) return std::to_string(j.get<int64_t>());
  if (j.is_number()) return j.dump();
  return {};
}

std::string str_at(const ojson& j, const char* key) {
  if (!j.is_object()) return {};
  auto it = j.find(key);
  return it == j.end() ? std::string() : scalar_text(*it);
}

// A number written as a JSON number or as text. Text that is not a number, and numbers beyond any
// double ("1e999"), give nothing: a bound of infinity bounds nothing.
std::optional<double> number_at(const ojson& j, const char* key) {
  std::string s = str_at(j, key);
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (end == s.c_str() || *end != '\0' || !std::isfinite(v)) return std::nullopt;
  return v;
}

// Saturating conversions: 2^63-1 written in JSON reads as the double 2^63, which no int64 holds.
int64_t saturate_int64(double v) {
  constexpr double top = 9223372036854775808.0;  // 2^63
  if (std::isnan(v)) return 0;
  if (v >= top) return std::numeric_limits<int64_t>::max();
  if (v <= -top) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(v);
}

int saturate_int(double v) {
  int64_t w = saturate_int64(v);
  return static_cast<int>(
      std::clamp<int64_t>(w, std::numeric_limits<int>::min(), std::numeric_limits<int>::max()));
}

bool bool_at(const ojson& j, const char* key) {
  if (!j.is_object()) return false;
  auto it = j.find(key);
  if (it == j.end()) return false;
  if (it->is_boolean()) return it->get<bool>();
  if (it->is_string()) return it->get<std::string>() == "true";
  return false;
}

// Metadata types are JSON-schema words; pages write
// String/Integer/Long/Boolean/Float/RepeatList/Object. Contracts carry the page spelling so that a
// page and the metadata of one action read alike.
std::string page_type(const ojson& schema) {
  std::string t = str_at(schema, "type");
  std::string f = str_at(schema, "format");
  if (t == "string") return "String";
  if (t == "integer") return f == "int64" ? "Long" : "Integer";
  if (t == "boolean") return "Boolean";
  if (t == "number") return f == "double" ? "Double" : "Float";
  if (t == "array") return "RepeatList";
  if (t == "object") return "Object";
  if (t.empty()) return "String";
  return t;
}

// JSON-schema type words are the response types' own; anything else (or none) reads as a string.
ValueType response_type(const std::string& t) {
  auto v = value_type_from_string(t);
  return v && *v != ValueType::any ? *v : ValueType::string;
}

std::string raw_response_type(const ojson& schema) {
  std::string t = page_type(schema);
  if (classify_type(t) == TypeClass::list) {
    auto it = schema.find("items");
    std::string item = (it != schema.end() && it->is_object()) ? page_type(*it) : "String";
    return "Array of " + item;
  }
  return t;
}

// Copies what the schema states in structured form; extract_constraints later fills the rest from
// prose and never overrides these. A negative length bounds nothing a string can be; it is
// reported and left out.
void apply_schema(Param& p, const ojson& schema, std::vector<std::string>& warnings) {
  p.required = bool_at(schema, "required");
  p.example = str_at(schema, "example");
  p.description = str_at(schema, "description");
  if (auto it = schema.find("enum"); it != schema.end() && it->is_array())
    for (const auto& v : *it) {
      std::string s = scalar_text(v);
      if (!s.empty()) p.allowed.push_back(s);
    }
  using Slot = std::pair<const char*, std::optional<int64_t>*>;
  for (auto [key, slot] : {Slot{"maxLength", &p.max_length}, Slot{"minLength", &p.min_length}}) {
    auto v = number_at(schema, key);
    if (!v) continue;
    if (*v < 0) {
      warnings.push_back("parameter " + p.name + " has a negative " + key + " (" +
                         str_at(schema, key) + "); ignored");
      continue;
    }
    *slot = saturate_int64(*v);
  }
  if (auto v = number_at(schema, "maximum")) p.maximum = *v;
  if (auto v = number_at(schema, "minimum")) p.minimum = *v;
  if (std::string pat = str_at(schema, "pattern"); !pat.empty()) p.pattern = pat;
}

// Schemas nest (objects in arrays in objects); in the RPC catalogue sample a parameter takes at most
// 9 levels of this recursion (a schema and its properties are one each) and a response at most 20.
// Recursion over a schema stops at this depth: the API is reported and left out instead of the stack
// running out. (The JSON parse has its own depth limit, which a document meets first only when it is
// far deeper.)
constexpr int kMaxSchemaDepth = 40;

struct SchemaTooDeep : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Counts the levels of one recursion and throws SchemaTooDeep past kMaxSchemaDepth.
class DepthGuard {
 public:
  DepthGuard(int& level, const std::string& where) : level_(level) {
    if (++level_ > kMaxSchemaDepth)
      throw SchemaTooDeep(where + " nests deeper than " + std::to_string(kMaxSchemaDepth) +
                          " levels");
  }
  ~DepthGuard() { --level_; }
  DepthGuard(const DepthGuard&) = delete;
  DepthGuard& operator=(const DepthGuard&) = delete;

 private:
  int& level_;
};

struct Flattener {
  std::string position;
  std::vector<Param>* out;
  std::vector<std::string>* warnings;
  int level = 0;  // recursion depth, bounded by DepthGuard

  // A parameter at this position and `depth`, of the documented `type`; `schema`, when given, adds
  // its description, example, required flag and value constraints (apply_schema, which may read the
  // type).
  Param make(std::string name, ParamType type, int depth, const ojson* schema) const {
    Param p;
    p.name = std::move(name);
    p.type = std::move(type);
    p.position = position;
    p.depth = depth;
    if (schema != nullptr) apply_schema(p, *schema, *warnings);
    return p;
  }

  // One schema at `name`. `repeat` is the range of the outermost .N, carried down to every leaf so
  // that "Tag.N.Key" knows its N range even though maxItems sits on the array above it.
  void add(const std::string& name, const ojson& schema, const std::string& style, int depth,
           std::optional<Repeat> repeat, bool parent_required) {
    DepthGuard guard(level, "parameter " + name);
    if (!schema.is_object()) {
      warnings->push_back("parameter " + name + " has no schema; read as String");
      out->push_back(make(name, "String", depth, nullptr));
      return;
    }
    std::string type = str_at(schema, "type");
    // json and simple styles travel as one value (a JSON text or a comma-separated list): pages
    // document them as one String parameter.
    if ((type == "array" || type == "object") && (style == "json" || style == "simple")) {
      Param p = make(name, "String", depth, &schema);
      p.required = p.required && parent_required;
      p.repeat = repeat;
      out->push_back(std::move(p));
      return;
    }
    if (type == "array") {
      auto items = schema.find("items");
      Repeat r;
      if (auto mn = number_at(schema, "minItems"); mn && *mn >= 1) r.min = saturate_int(*mn);
      if (auto mx = number_at(schema, "maxItems"); mx && *mx >= 0) r.max = saturate_int(*mx);
      std::optional<Repeat> rep = repeat ? repeat : std::optional<Repeat>(r);
      bool req = bool_at(schema, "required") && parent_required;
      if (items == schema.end() || !items->is_object()) {
        warnings->push_back("parameter " + name +
                            " is an array without items; read as a list of "
                            "strings");
        Param p = make(name + ".N", "RepeatList", depth, &schema);
        p.required = req;
        p.repeat = rep;
        out->push_back(std::move(p));
        return;
      }
      std::string item_type = str_at(*items, "type");
      if (item_type == "object") {
        add_properties(name + ".N", *items, depth, rep, req);
        return;
      }
      if (item_type == "array") {
        add(name + ".N", *items, style, depth + 1, rep, req);
        return;
      }
      // An array of scalars: "InstanceId.N", documented by pages as RepeatList.
      Param p = make(name + ".N", "RepeatList", depth, &*items);
      // The array's own description and required flag are the parameter's; the item schema only
      // adds the example and value constraints.
      if (std::string d = str_at(schema, "description"); !d.empty()) p.description = d;
      if (p.example.empty()) p.example = str_at(schema, "example");
      p.required = req;
      p.repeat = rep;
      out->push_back(std::move(p));
      return;
    }
    if (type == "object") {
      add_properties(name, schema, depth, repeat, bool_at(schema, "required") && parent_required);
      return;
    }
    Param p = make(name, page_type(schema), depth, &schema);
    p.required = p.required && parent_required;
    p.repeat = repeat;
    out->push_back(std::move(p));
  }

  // Object properties become "Name.Prop"; an object without properties stays one Object parameter.
  void add_properties(const std::string& name, const ojson& schema, int depth,
                      std::optional<Repeat> repeat, bool required) {
    DepthGuard guard(level, "parameter " + name);
    auto props = schema.find("properties");
    if (props == schema.end() || !props->is_object() || props->empty()) {
      Param p = make(name, "Object", depth, &schema);
      p.required = required;
      p.repeat = repeat;
      out->push_back(std::move(p));
      return;
    }
    for (auto it = props->begin(); it != props->end(); ++it)
      add(name + "." + it.key(), it.value(), "flat", depth + 1, repeat, required);
  }
};

ResponseNode read_response(const std::string& name, const ojson& schema, int& level) {
  DepthGuard guard(level, "response field " + (name.empty() ? std::string("(root)") : name));
  ResponseNode n;
  n.name = name;
  if (!schema.is_object()) {
    n.type = ValueType::string;
    n.raw_type = "String";
    return n;
  }
  n.type = response_type(str_at(schema, "type"));
  n.raw_type = raw_response_type(schema);
  n.description = str_at(schema, "description");
  n.example = str_at(schema, "example");
  const ojson* props_of = &schema;
  if (n.type == ValueType::array) {
    auto items = schema.find("items");
    if (items == schema.end() || !items->is_object()) return n;
    props_of = &*items;
  }
  if (auto props = props_of->find("properties"); props != props_of->end() && props->is_object())
    for (auto it = props->begin(); it != props->end(); ++it)
      n.children.push_back(read_response(it.key(), it.value(), level));
  return n;
}

// responseDemo's errorExample often repeats the success example; it is an error example only when
// it looks like one (a JSON object with Code, or an XML <Error> root).
// Examples are parsed within the input limits: one too deep is not valid (and never replayed).
bool looks_like_error(const std::string& format, const std::string& body) {
  if (format == "json") {
    auto j = parse_ordered_json(body, "errorExample");
    return j && j->is_object() && j->contains("Code") && j->contains("Message");
  }
  pugi::xml_document doc;
  if (!load_xml(doc, body, "errorExample")) return false;
  return std::string(doc.document_element().name()) == "Error";
}

bool valid_in_format(const std::string& format, const std::string& body) {
  if (format == "json") return parse_ordered_json(body, "example").has_value();
  pugi::xml_document doc;
  return load_xml(doc, body, "example").has_value();
}

void read_demos(Contract& c, const ojson& api) {
  std::string demo = str_at(api, "responseDemo");
  if (demo.find_first_not_of(" \t\r\n") == std::string::npos) return;
  auto parsed = parse_ordered_json(demo, "responseDemo");
  if (!parsed || !parsed->is_array()) {
    c.warnings.emplace_back("responseDemo is not a JSON list; examples skipped");
    return;
  }
  for (const auto& d : *parsed) {
    std::string format = to_lower(str_at(d, "type"));
    if (format != "json" && format != "xml") continue;
    std::string example = str_at(d, "example");
    if (!example.empty()) {
      ExampleBlock b{format, example, valid_in_format(format, example)};
      if (!b.valid) c.warnings.push_back("the " + format + " success example does not parse");
      auto& slot = format == "json" ? c.examples.json : c.examples.xml;
      if (!slot) slot = b;
    }
    std::string err = str_at(d, "errorExample");
    if (!err.empty() && looks_like_error(format, err))
      c.examples.errors.push_back(ExampleBlock{format, err, true});
  }
}

bool has_cjk(std::string_view s) {
  // Any byte sequence starting with E3..E9 is in the CJK blocks of UTF-8 (U+3000..U+9FFF).
  for (unsigned char ch : s)
    if (ch >= 0xE3 && ch <= 0xE9) return true;
  return false;
}

std::string central_endpoint(const ojson& root, const std::string& product) {
  std::string fallback = to_lower(product) + ".aliyuncs.com";
  if (auto eps = root.find("endpoints"); eps != root.end() && eps->is_array())
    for (const auto& e : *eps)
      if (str_at(e, "endpoint") == fallback) return fallback;
  return fallback;
}

Contract read_api(const std::string& action, const ojson& api, const std::string& product,
                  const std::string& version, const std::string& endpoint,
                  const std::string& file) {
  Contract c;
  c.product = product;
  c.version = version;
  c.action = action;
  c.endpoint = endpoint;
  c.source = Source{file, "metadata", ""};
  if (!api.is_object()) {
    c.title = action;
    c.warnings.push_back("API entry " + action + " is not an object; only its name is known");
    return c;
  }
  c.title = str_at(api, "title");
  if (c.title.empty()) c.title = str_at(api, "summary");
  if (c.title.empty()) c.title = action;

  auto params = api.find("parameters");
  if (params == api.end() || !params->is_array()) {
    c.warnings.push_back("API " + action + " lists no parameters");
  } else {
    for (const auto& p : *params) {
      std::string name = str_at(p, "name");
      if (name.empty()) {
        c.warnings.push_back("API " + action + " has a parameter without a name; skipped");
        continue;
      }
      std::string in = str_at(p, "in");
      std::vector<Param> flat;
      Flattener f{in == "formData" ? "Body" : in == "query" ? "Query" : in, &flat, &c.warnings};
      auto schema = p.find("schema");
      f.add(name, schema == p.end() ? ojson() : *schema, str_at(p, "style"), 0, std::nullopt, true);
      // Metadata sometimes lists a parameter twice (ECS TagResources: RegionId); a request carries
      // it once, so the first entry stands.
      for (auto& q : flat) {
        if (std::any_of(c.params.begin(), c.params.end(),
                        [&](const Param& o) { return o.name == q.name; })) {
          c.warnings.push_back("parameter " + q.name + " is listed twice; kept the first");
          continue;
        }
        c.params.push_back(std::move(q));
      }
    }
  }
  for (auto& p : c.params) extract_constraints(p);

  auto resp = api.find("responses");
  const ojson* schema = nullptr;
  if (resp != api.end() && resp->is_object())
    if (auto ok = resp->find("200"); ok != resp->end() && ok->is_object())
      if (auto s = ok->find("schema"); s != ok->end() && s->is_object()) schema = &*s;
  if (schema) {
    int level = 0;
    c.response = read_response("", *schema, level);
    c.response.type = ValueType::object;
  } else {
    c.response.type = ValueType::object;
    c.warnings.push_back("API " + action + " has no 200 response schema");
  }
  read_demos(c, api);

  if (auto codes = api.find("errorCodes"); codes != api.end() && codes->is_object()) {
    for (auto it = codes->begin(); it != codes->end(); ++it) {
      if (!it.value().is_array()) continue;
      for (const auto& e : it.value()) {
        ErrorRow row;
        row.http_raw = it.key();
        bool digits = !row.http_raw.empty() && row.http_raw.size() <= 6 &&
                      std::all_of(row.http_raw.begin(), row.http_raw.end(),
                                  [](char ch) { return ch >= '0' && ch <= '9'; });
        if (digits) row.http = std::stoi(row.http_raw);
        row.code = str_at(e, "errorCode");
        row.message = str_at(e, "errorMessage");
        row.description = str_at(e, "description");
        c.errors.push_back(std::move(row));
      }
    }
  }

  bool zh = has_cjk(c.title);
  for (size_t i = 0; !zh && i < c.params.size(); ++i) zh = has_cjk(c.params[i].description);
  c.source.language = zh ? "zh" : "en";
  return c;
}

}  // namespace

Expected<std::vector<Contract>> read_metadata(std::string_view text, const std::string& file,
                                              std::vector<Error>* api_errors) {
  // Too-deep parts are cut off rather than refusing the file: one API with a schema nesting past
  // the limit is skipped (and reported), the others still compile.
  auto parsed = parse_ordered_json_pruned(text, file);
  if (!parsed) {
    Error e = parsed.error();
    e.code = "metadata.json";
    return std::unexpected(std::move(e));
  }
  ojson& root = parsed->value;
  // Pruned pointers under /apis/<Action>/ name the APIs to skip; anywhere else the file is refused.
  std::map<std::string, std::string> too_deep;  // action -> first pruned pointer (its start)
  for (const auto& full : parsed->pruned) {
    // A pointer 512 levels long is no help in a message: its start says where.
    std::string pointer = full.size() > 120 ? full.substr(0, 120) + "/..." : full;
    std::string_view rest(full);
    if (!rest.starts_with("/apis/"))
      return fail("metadata.too_deep",
                  "nests deeper than " + std::to_string(kMaxNestingDepth) + " levels at " +
                      pointer + "; refused",
                  file);
    rest.remove_prefix(6);
    std::string action(rest.substr(0, rest.find('/')));
    // RFC 6901 escapes: "~1" is '/', "~0" is '~'.
    for (size_t at = 0; (at = action.find('~', at)) != std::string::npos; ++at)
      action.replace(at, 2, action.compare(at, 2, "~1") == 0 ? "/" : "~");
    too_deep.emplace(action, pointer);
  }
  if (!root.is_object())
    return fail("metadata.format",
                "JSON but not an api-docs.json file: the top level is not an object", file, 1);
  auto apis = root.find("apis");
  auto info = root.find("info");
  if (apis == root.end() || !apis->is_object())
    return fail("metadata.format",
                "JSON but not an api-docs.json file: there is no \"apis\" object", file, 1);
  if (info == root.end() || !info->is_object())
    return fail("metadata.format",
                "JSON but not an api-docs.json file: there is no \"info\" object", file, 1);
  std::string product = str_at(*info, "product");
  std::string version = str_at(*info, "version");
  if (product.empty() || version.empty())
    return fail("metadata.format", "api-docs.json without info.product or info.version", file, 1);
  std::string endpoint = central_endpoint(root, product);

  std::vector<Contract> out;
  out.reserve(apis->size());
  for (auto it = apis->begin(); it != apis->end(); ++it) {
    if (auto deep = too_deep.find(it.key()); deep != too_deep.end()) {
      if (api_errors)
        api_errors->push_back(Error{"metadata.too_deep",
                                    product + " " + version + " " + it.key() +
                                        ": the API's description nests deeper than " +
                                        std::to_string(kMaxNestingDepth) + " levels at " +
                                        deep->second + "; this API is skipped, the others compile",
                                    file, 0});
      continue;
    }
    // One API that cannot be read (a schema nested past the bound, a value no reader foresaw) is
    // reported with product, version and action; the others are still read.
    std::string why;
    try {
      out.push_back(read_api(it.key(), it.value(), product, version, endpoint, file));
      continue;
    } catch (const std::exception& e) {
      why = e.what();
    }
    if (api_errors)
      api_errors->push_back(Error{"metadata.api",
                                  product + " " + version + " " + it.key() + ": " + why +
                                      "; this API is left out, the others are read",
                                  file, 0});
  }
  return out;
}

}  // namespace popcheck::core
