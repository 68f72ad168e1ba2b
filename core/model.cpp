#include "core/model.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "core/files.hpp"
#include "core/input_limits.hpp"
#include "core/support/text.hpp"

namespace popcheck::core {

namespace fs = std::filesystem;

namespace {

ojson params_to_json(const Params& params) {
  // An object keeps the order of insertion; a repeated name (documents do repeat them) becomes a list of
  // pairs so that nothing is lost.
  bool unique = true;
  for (size_t i = 0; i < params.size() && unique; ++i)
    for (size_t k = i + 1; k < params.size(); ++k)
      if (params[i].first == params[k].first) {
        unique = false;
        break;
      }
  if (unique) {
    ojson o = ojson::object();
    for (const auto& [k, v] : params) o[k] = v;
    return o;
  }
  ojson a = ojson::array();
  for (const auto& [k, v] : params) a.push_back(ojson::array({k, v}));
  return a;
}

Expected<Params> params_from_json(const ojson& j, const std::string& where) {
  Params out;
  if (j.is_null()) return out;
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (it.value().is_string())
        out.emplace_back(it.key(), it.value().get<std::string>());
      else if (it.value().is_number() || it.value().is_boolean())
        out.emplace_back(it.key(), it.value().dump());
      else
        return fail("catalogue.params", where + ": parameter '" + it.key() + "' must be a string");
    }
    return out;
  }
  if (j.is_array()) {
    for (const auto& p : j) {
      if (!p.is_array() || p.size() != 2 || !p[0].is_string() || !p[1].is_string())
        return fail("catalogue.params", where + ": each parameter pair must be [name, value]");
      out.emplace_back(p[0].get<std::string>(), p[1].get<std::string>());
    }
    return out;
  }
  return fail("catalogue.params", where + ": params must be an object or a list of pairs");
}

std::string str(const ojson& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

ojson example_to_json(const ExampleBlock& b) {
  return ojson{{"format", b.format}, {"body", b.body}, {"valid", b.valid}};
}

ExampleBlock example_from_json(const ojson& j) {
  ExampleBlock b;
  b.format = str(j, "format");
  b.body = str(j, "body");
  b.valid = j.value("valid", true);
  return b;
}

// `where`: the node's path for errors ("response.Regions.Region").
Expected<ResponseNode> node_from_json(const ojson& j, const std::string& where) {
  ResponseNode n;
  n.name = str(j, "name");
  const std::string type = str(j, "type");
  auto t = value_type_from_string(type);
  if (!t)
    return fail("catalogue.contract", where + ".type: unknown type '" + type + "' (one of " +
                                          std::string(value_type_names()) + ")");
  n.type = *t;
  n.raw_type = str(j, "raw_type");
  n.description = str(j, "description");
  n.example = str(j, "example");
  if (auto it = j.find("children"); it != j.end() && it->is_array())
    for (const auto& c : *it) {
      auto child = node_from_json(c, where + "." + (c.is_object() ? str(c, "name") : ""));
      if (!child) return child;
      n.children.push_back(std::move(*child));
    }
  return n;
}

}  // namespace

ojson to_json(const ResponseNode& n) {
  ojson j;
  j["name"] = n.name;
  j["type"] = std::string(to_string(n.type));
  if (!n.raw_type.empty()) j["raw_type"] = n.raw_type;
  if (!n.description.empty()) j["description"] = n.description;
  if (!n.example.empty()) j["example"] = n.example;
  if (!n.children.empty()) {
    ojson c = ojson::array();
    for (const auto& ch : n.children) c.push_back(to_json(ch));
    j["children"] = std::move(c);
  }
  return j;
}

// One parameter; the fields of a JSON-valued parameter nest under it as "fields".
static ojson param_to_json(const Param& p) {
  ojson q;
  q["name"] = p.name;
  q["type"] = p.type.spelling();
  q["required"] = p.required;
  q["example"] = p.example;
  q["description"] = p.description;
  if (!p.position.empty()) q["position"] = p.position;
  if (p.depth) q["depth"] = p.depth;
  if (p.table) q["table"] = p.table;
  if (!p.allowed.empty()) q["allowed"] = p.allowed;
  if (p.repeat) {
    ojson r{{"min", p.repeat->min}};
    if (p.repeat->max) r["max"] = *p.repeat->max;
    q["repeat"] = r;
  }
  if (p.min_length) q["min_length"] = *p.min_length;
  if (p.max_length) q["max_length"] = *p.max_length;
  if (p.minimum) q["minimum"] = *p.minimum;
  if (p.maximum) q["maximum"] = *p.maximum;
  if (!p.forbidden_prefixes.empty()) q["forbidden_prefixes"] = p.forbidden_prefixes;
  if (!p.forbidden_substrings.empty()) q["forbidden_substrings"] = p.forbidden_substrings;
  if (p.pattern) q["pattern"] = *p.pattern;
  if (p.non_empty) q["non_empty"] = true;
  if (!p.fields.empty()) {
    ojson f = ojson::array();
    for (const auto& x : p.fields) f.push_back(param_to_json(x));
    q["fields"] = std::move(f);
  }
  return q;
}

ojson to_json(const Contract& c) {
  ojson j;
  j["product"] = c.product;
  j["version"] = c.version;
  j["action"] = c.action;
  j["endpoint"] = c.endpoint;
  j["title"] = c.title;
  ojson params = ojson::array();
  for (const auto& p : c.params) params.push_back(param_to_json(p));
  j["params"] = std::move(params);
  j["response"] = to_json(c.response);
  ojson ex;
  ojson reqs = ojson::array();
  for (const auto& r : c.examples.requests) reqs.push_back(example_to_json(r));
  ex["request"] = std::move(reqs);
  ex["request_params"] = params_to_json(c.examples.request_params);
  ex["json"] = c.examples.json ? example_to_json(*c.examples.json) : ojson(nullptr);
  ex["xml"] = c.examples.xml ? example_to_json(*c.examples.xml) : ojson(nullptr);
  ojson errs = ojson::array();
  for (const auto& e : c.examples.errors) errs.push_back(example_to_json(e));
  ex["errors"] = std::move(errs);
  j["examples"] = std::move(ex);
  ojson errors = ojson::array();
  for (const auto& e : c.errors) {
    ojson r;
    r["http"] = e.http ? ojson(*e.http) : ojson(nullptr);
    if (!e.http || e.http_raw != std::to_string(*e.http)) r["http_raw"] = e.http_raw;
    r["code"] = e.code;
    r["message"] = e.message;
    r["description"] = e.description;
    errors.push_back(std::move(r));
  }
  j["errors"] = std::move(errors);
  j["source"] =
      ojson{{"file", c.source.file}, {"format", c.source.format}, {"language", c.source.language}};
  if (!c.warnings.empty()) j["warnings"] = c.warnings;
  return j;
}

ojson to_json(const Case& c) {
  ojson j;
  j["id"] = c.id;
  j["kind"] = std::string(to_string(c.kind));
  j["product"] = c.product;
  j["version"] = c.version;
  j["action"] = c.action;
  j["description"] = c.description;
  ojson r;
  r["method"] = c.request.method;
  r["format"] = c.request.format;
  r["params"] = params_to_json(c.request.params);
  j["request"] = std::move(r);
  ojson e;
  if (c.expect.status_max == 0)
    e["status"] = c.expect.status;
  else if (c.expect.status % 100 == 0 && c.expect.status_max == c.expect.status + 99)
    e["status"] = std::to_string(c.expect.status / 100) + "xx";
  else
    e["status"] = std::to_string(c.expect.status) + "-" + std::to_string(c.expect.status_max);
  if (c.expect.code) e["code"] = *c.expect.code;
  if (c.expect.message) e["message"] = *c.expect.message;
  if (!c.expect.root.empty()) e["root"] = c.expect.root;
  e["shape"] = std::string(to_string(c.expect.shape));
  // Written only when present, so that cases without them keep their bytes.
  if (!c.expect.snapshot.is_null()) e["snapshot"] = c.expect.snapshot;
  if (!c.expect.skip.empty()) e["skip"] = c.expect.skip;
  if (!c.expect.refs.empty()) e["refs"] = c.expect.refs;
  j["expect"] = std::move(e);
  if (!c.needs.empty()) {
    ojson needs = ojson::array();
    for (const auto& n : c.needs) {
      ojson q;
      q["var"] = n.var;
      q["resource"] = n.resource;
      q["with"] = n.with;
      q["description"] = n.description;
      needs.push_back(std::move(q));
    }
    j["needs"] = std::move(needs);
  }
  if (!c.scenario.empty()) {
    j["scenario"] = c.scenario;
    j["step"] = c.step;
  }
  return j;
}

ojson to_json(const CatalogueEntry& e) {
  ojson j;
  j["contract"] = to_json(e.contract);
  ojson cases = ojson::array();
  for (const auto& c : e.cases) cases.push_back(to_json(c));
  j["cases"] = std::move(cases);
  return j;
}

// One parameter and, nested at most kMaxFieldDepth deep, its fields.
constexpr int kMaxFieldDepth = 8;
static Expected<Param> param_from_json(const ojson& q, int level) {
  if (!q.is_object()) return fail("catalogue.contract", "each param must be an object");
  Param p;
  p.name = str(q, "name");
  p.type = str(q, "type");
  p.required = q.value("required", false);
  p.example = str(q, "example");
  p.description = str(q, "description");
  p.position = str(q, "position");
  p.depth = q.value("depth", 0);
  p.table = q.value("table", 0);
  if (auto a = q.find("allowed"); a != q.end() && a->is_array())
    for (const auto& v : *a)
      if (v.is_string()) p.allowed.push_back(v.get<std::string>());
  if (auto r = q.find("repeat"); r != q.end() && r->is_object()) {
    Repeat rep;
    rep.min = r->value("min", 1);
    if (auto m = r->find("max"); m != r->end() && m->is_number_integer()) rep.max = m->get<int>();
    p.repeat = rep;
  }
  if (auto v = q.find("min_length"); v != q.end() && v->is_number())
    p.min_length = v->get<int64_t>();
  if (auto v = q.find("max_length"); v != q.end() && v->is_number())
    p.max_length = v->get<int64_t>();
  if (auto v = q.find("minimum"); v != q.end() && v->is_number()) p.minimum = v->get<double>();
  if (auto v = q.find("maximum"); v != q.end() && v->is_number()) p.maximum = v->get<double>();
  if (auto a = q.find("forbidden_prefixes"); a != q.end() && a->is_array())
    for (const auto& v : *a)
      if (v.is_string()) p.forbidden_prefixes.push_back(v.get<std::string>());
  if (auto a = q.find("forbidden_substrings"); a != q.end() && a->is_array())
    for (const auto& v : *a)
      if (v.is_string()) p.forbidden_substrings.push_back(v.get<std::string>());
  if (auto v = q.find("pattern"); v != q.end() && v->is_string()) p.pattern = v->get<std::string>();
  p.non_empty = q.value("non_empty", false);
  if (auto f = q.find("fields"); f != q.end() && f->is_array() && level < kMaxFieldDepth)
    for (const auto& x : *f) {
      auto field = param_from_json(x, level + 1);
      if (!field) return field;
      p.fields.push_back(std::move(*field));
    }
  return p;
}

Expected<Contract> contract_from_json(const ojson& j) {
  if (!j.is_object()) return fail("catalogue.contract", "contract must be an object");
  Contract c;
  c.product = str(j, "product");
  c.version = str(j, "version");
  c.action = str(j, "action");
  c.endpoint = str(j, "endpoint");
  c.title = str(j, "title");
  if (c.action.empty()) return fail("catalogue.contract", "contract has no action");
  if (auto it = j.find("params"); it != j.end() && it->is_array()) {
    for (const auto& q : *it) {
      auto p = param_from_json(q, 0);
      if (!p) return std::unexpected(p.error());
      c.params.push_back(std::move(*p));
    }
  }
  if (auto it = j.find("response"); it != j.end() && it->is_object()) {
    auto response = node_from_json(*it, "contract " + c.action + ": response");
    if (!response) return std::unexpected(response.error());
    c.response = std::move(*response);
  }
  if (auto it = j.find("examples"); it != j.end() && it->is_object()) {
    const auto& ex = *it;
    if (auto r = ex.find("request"); r != ex.end() && r->is_array())
      for (const auto& b : *r) c.examples.requests.push_back(example_from_json(b));
    if (auto r = ex.find("request_params"); r != ex.end()) {
      auto p = params_from_json(*r, "examples.request_params");
      if (!p) return std::unexpected(p.error());
      c.examples.request_params = std::move(*p);
    }
    if (auto r = ex.find("json"); r != ex.end() && r->is_object())
      c.examples.json = example_from_json(*r);
    if (auto r = ex.find("xml"); r != ex.end() && r->is_object())
      c.examples.xml = example_from_json(*r);
    if (auto r = ex.find("errors"); r != ex.end() && r->is_array())
      for (const auto& b : *r) c.examples.errors.push_back(example_from_json(b));
  }
  if (auto it = j.find("errors"); it != j.end() && it->is_array()) {
    for (const auto& r : *it) {
      ErrorRow e;
      if (auto h = r.find("http"); h != r.end() && h->is_number_integer()) e.http = h->get<int>();
      e.http_raw = str(r, "http_raw");
      if (e.http_raw.empty() && e.http) e.http_raw = std::to_string(*e.http);
      e.code = str(r, "code");
      e.message = str(r, "message");
      e.description = str(r, "description");
      c.errors.push_back(std::move(e));
    }
  }
  if (auto it = j.find("source"); it != j.end() && it->is_object()) {
    c.source.file = str(*it, "file");
    c.source.format = str(*it, "format");
    c.source.language = str(*it, "language");
  }
  if (auto it = j.find("warnings"); it != j.end() && it->is_array())
    for (const auto& w : *it)
      if (w.is_string()) c.warnings.push_back(w.get<std::string>());
  return c;
}

Expected<Case> case_from_json(const ojson& j) {
  if (!j.is_object()) return fail("catalogue.case", "case must be an object");
  Case c;
  c.id = str(j, "id");
  if (c.id.empty()) return fail("catalogue.case", "case has no id");
  {
    auto kind = j.find("kind");
    if (kind == j.end() || !kind->is_string())
      return fail("catalogue.case",
                  "case " + c.id + ": kind must be one of " + std::string(case_kind_names()));
    auto k = case_kind_from_string(kind->get<std::string>());
    if (!k)
      return fail("catalogue.case", "case " + c.id + ": unknown kind '" + kind->get<std::string>() +
                                        "' (one of " + std::string(case_kind_names()) + ")");
    c.kind = *k;
  }
  c.product = str(j, "product");
  c.version = str(j, "version");
  c.action = str(j, "action");
  c.description = str(j, "description");
  if (auto it = j.find("request"); it != j.end() && it->is_object()) {
    c.request.method = it->value("method", std::string("GET"));
    c.request.format = it->value("format", std::string("JSON"));
    if (auto p = it->find("params"); p != it->end()) {
      auto params = params_from_json(*p, "case " + c.id);
      if (!params) return std::unexpected(params.error());
      c.request.params = std::move(*params);
    }
  } else {
    return fail("catalogue.case", "case " + c.id + " has no request");
  }
  if (auto it = j.find("expect"); it != j.end() && it->is_object()) {
    const auto& e = *it;
    if (auto s = e.find("status"); s != e.end()) {
      if (s->is_number_integer()) {
        c.expect.status = s->get<int>();
      } else if (s->is_string()) {
        std::string v = s->get<std::string>();
        if (v.size() == 3 && std::isdigit(static_cast<unsigned char>(v[0])) && v[1] == 'x' &&
            v[2] == 'x') {
          c.expect.status = (v[0] - '0') * 100;
          c.expect.status_max = c.expect.status + 99;
        } else if (auto dash = v.find('-'); dash != std::string::npos) {
          try {
            c.expect.status = std::stoi(v.substr(0, dash));
            c.expect.status_max = std::stoi(v.substr(dash + 1));
          } catch (...) {
            return fail("catalogue.case", "case " + c.id + ": bad status range '" + v + "'");
          }
        } else {
          return fail("catalogue.case", "case " + c.id + ": bad status '" + v + "'");
        }
      }
    }
    if (auto s = e.find("code"); s != e.end() && s->is_string())
      c.expect.code = s->get<std::string>();
    if (auto s = e.find("message"); s != e.end() && s->is_string())
      c.expect.message = s->get<std::string>();
    c.expect.root = str(e, "root");
    if (auto s = e.find("shape"); s != e.end()) {  // absent: the documented example
      auto shape = s->is_string() ? shape_from_string(s->get<std::string>()) : std::nullopt;
      if (!shape)
        return fail("catalogue.case", "case " + c.id + ": expect.shape must be one of " +
                                          std::string(shape_names()) + ", found " + s->dump());
      c.expect.shape = *shape;
    }
    if (auto s = e.find("snapshot"); s != e.end()) c.expect.snapshot = *s;
    if (auto s = e.find("skip"); s != e.end()) {
      if (!s->is_array())
        return fail("catalogue.case", "case " + c.id + ": expect.skip must be a list of paths");
      for (const auto& p : *s) {
        if (!p.is_string())
          return fail("catalogue.case", "case " + c.id + ": each expect.skip entry must be a path");
        c.expect.skip.push_back(p.get<std::string>());
      }
    }
    if (auto s = e.find("refs"); s != e.end()) {
      if (!s->is_object())
        return fail("catalogue.case", "case " + c.id + ": expect.refs must be an object");
      for (auto r = s->begin(); r != s->end(); ++r)
        if (!r.value().is_string())
          return fail("catalogue.case",
                      "case " + c.id + ": expect.refs['" + r.key() + "'] must be a string");
      c.expect.refs = *s;
    }
  }
  if (auto it = j.find("needs"); it != j.end() && it->is_array()) {
    for (const auto& n : *it) {
      Need need;
      need.var = str(n, "var");
      need.resource = str(n, "resource");
      if (auto w = n.find("with"); w != n.end()) need.with = *w;
      need.description = str(n, "description");
      c.needs.push_back(std::move(need));
    }
  }
  c.scenario = str(j, "scenario");
  if (auto it = j.find("step"); it != j.end() && it->is_number_integer()) c.step = it->get<int>();
  return c;
}

Expected<CatalogueEntry> catalogue_entry_from_json(const ojson& j) {
  if (!j.is_object() || !j.contains("contract"))
    return fail("catalogue.format", "not a popcheck catalogue file (no \"contract\" key)");
  CatalogueEntry e;
  auto c = contract_from_json(j["contract"]);
  if (!c) return std::unexpected(c.error());
  e.contract = std::move(*c);
  if (auto it = j.find("cases"); it != j.end() && it->is_array()) {
    for (const auto& cj : *it) {
      auto cs = case_from_json(cj);
      if (!cs) return std::unexpected(cs.error());
      e.cases.push_back(std::move(*cs));
    }
  }
  return e;
}

Expected<CatalogueEntry> load_catalogue_file(const std::string& path) {
  auto text = read_file(path, size_t(64) << 20);
  if (!text) return std::unexpected(text.error());
  auto j = parse_ordered_json(*text, path);
  if (!j) {
    Error err = j.error();
    if (err.code == "json.parse") err.code = "catalogue.json";
    return std::unexpected(std::move(err));
  }
  auto e = catalogue_entry_from_json(*j);
  if (!e) {
    Error err = e.error();
    err.file = path;
    return std::unexpected(err);
  }
  return e;
}

LoadedCatalogue load_catalogue(const std::vector<std::string>& paths) {
  LoadedCatalogue out;
  std::vector<std::string> files;
  for (const auto& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      for (auto it = fs::recursive_directory_iterator(p, ec); !ec && it != fs::end(it);
           it.increment(ec))
        if (it->is_regular_file() && it->path().extension() == ".json")
          files.push_back(it->path().string());
    } else if (fs::exists(p, ec)) {
      files.push_back(p);
    } else {
      out.errors.push_back(Error{"io.open", "no such file or folder", p, 0});
    }
  }
  std::sort(files.begin(), files.end());
  files.erase(std::unique(files.begin(), files.end()), files.end());
  for (const auto& f : files) {
    auto e = load_catalogue_file(f);
    if (e)
      out.entries.push_back(std::move(*e));
    else
      out.errors.push_back(e.error());
  }
  return out;
}

Expected<std::string> write_catalogue_entry(const std::string& dir, const CatalogueEntry& e) {
  std::string product = e.contract.product.empty() ? "unknown" : e.contract.product;
  product = text::to_lower(product);
  std::string path = (fs::path(dir) / product / (e.contract.action + ".json")).string();
  ojson j = to_json(e);
  // What run --cases cannot read back is not written.
  if (json_depth(j) > kMaxNestingDepth)
    return fail("catalogue.too_deep",
                e.contract.product + " " + e.contract.action +
                    ": the entry would nest deeper than " + std::to_string(kMaxNestingDepth) +
                    " levels; not written",
                path);
  auto r = write_file_atomic(path, j.dump(2) + "\n");
  if (!r) return std::unexpected(r.error());
  return path;
}

}  // namespace popcheck::core
