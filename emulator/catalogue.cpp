#include "emulator/catalogue.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/compile/metadata.hpp"
#include "core/files.hpp"
#include "core/input_limits.hpp"
#include "core/support/text.hpp"

namespace popcheck::emulator {

using core::text::iequals;

struct ContractCatalogue::File {
  std::string path;  // empty: contracts given directly
  std::string product;
  std::string version;
  std::once_flag loaded;
  std::map<std::string, core::Contract> apis;  // action -> contract, once loaded
  std::vector<std::string> errors;             // from loading
  std::once_flag endpoints_read;
  std::vector<std::string> endpoints;  // lower case, central first
};

namespace {

// SAX scan of an api-docs.json for one top-level member, stopping as soon as it has been read:
// "info" (product, version) at start-up, "endpoints" when Host routing first needs them. Nothing is
// built but the few strings kept.
class TopLevelScan : public nlohmann::json_sax<nlohmann::json> {
 public:
  explicit TopLevelScan(std::string member) : member_(std::move(member)) {}

  std::string product, version;        // info
  std::vector<std::string> endpoints;  // endpoints[].endpoint
  bool found = false;                  // the member was read to its end
  bool too_deep = false;

  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool string(string_t& s) override {
    if (!inside_) return true;
    if (member_ == "info" && depth_ == 2) {
      if (key_ == "product") product = s;
      if (key_ == "version") version = s;
    } else if (member_ == "endpoints" && depth_ == 3 && key_ == "endpoint") {
      endpoints.push_back(core::text::to_lower(s));
    }
    return true;
  }
  bool start_object(std::size_t) override { return open(); }
  bool start_array(std::size_t) override { return open(); }
  bool end_object() override { return close(); }
  bool end_array() override { return close(); }
  bool key(string_t& k) override {
    if (depth_ == 1) inside_ = k == member_;
    key_ = k;
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return false;
  }

 private:
  bool open() {
    if (++depth_ > core::kMaxNestingDepth) {
      too_deep = true;
      return false;
    }
    return true;
  }
  bool close() {
    --depth_;
    if (inside_ && depth_ == 1) {
      found = true;
      return false;  // the member is complete: stop reading
    }
    return true;
  }
  std::string member_;
  size_t depth_ = 0;
  bool inside_ = false;
  std::string key_;
};

std::string host_without_port(std::string_view host) {
  if (host.starts_with('[')) return core::text::to_lower(host.substr(0, host.find(']') + 1));
  return core::text::to_lower(host.substr(0, host.find(':')));
}

const Product* seed_product(std::string_view name) {
  for (const auto& p : known_products())
    if (iequals(p.name, name)) return &p;
  return nullptr;
}

std::string join(const std::vector<std::string>& items, std::string_view sep = ", ") {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : std::string(sep)) + s;
  return out;
}

}  // namespace

Expected<ProductAt> parse_product_at(std::string_view text) {
  auto bad = [&](const std::string& why) {
    return fail("usage.product-at",
                "--product-at wants HOST:PORT=PRODUCT or /PREFIX=PRODUCT, got \"" +
                    std::string(text) + "\": " + why);
  };
  auto eq = text.rfind('=');
  if (eq == std::string_view::npos) return bad("no '='");
  ProductAt at;
  at.product = std::string(text.substr(eq + 1));
  std::string_view where = text.substr(0, eq);
  if (at.product.empty()) return bad("no product after '='");
  if (where.starts_with('/')) {
    while (where.size() > 1 && where.ends_with('/')) where.remove_suffix(1);
    if (where.size() < 2) return bad("the prefix is empty");
    if (where.find_first_of("?#") != std::string_view::npos || where.starts_with("/__popcheck"))
      return bad("the prefix must be a plain path, not /__popcheck");
    at.prefix = std::string(where);
    return at;
  }
  std::string_view port_text;
  if (where.starts_with('[')) {
    auto close = where.find("]:");
    if (close == std::string_view::npos) return bad("an IPv6 address wants [ADDR]:PORT");
    at.host = std::string(where.substr(1, close - 1));
    port_text = where.substr(close + 2);
  } else {
    auto colon = where.rfind(':');
    if (colon == std::string_view::npos) return bad("no :PORT");
    at.host = std::string(where.substr(0, colon));
    port_text = where.substr(colon + 1);
  }
  if (at.host.empty()) return bad("no host");
  if (port_text.empty() || port_text.size() > 5 ||
      !std::all_of(port_text.begin(), port_text.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return bad("the port is not a number");
  int port = std::stoi(std::string(port_text));
  if (port > 65535) return bad("the port is above 65535");
  at.port = static_cast<uint16_t>(port);
  return at;
}

ContractCatalogue::ContractCatalogue(std::vector<std::string> files) {
  for (auto& path : files) {
    auto text = core::read_file(path);
    if (!text) {
      index_errors_.push_back(text.error().to_string());
      continue;
    }
    TopLevelScan scan("info");
    nlohmann::json::sax_parse(*text, &scan, nlohmann::json::input_format_t::json, false);
    if (scan.too_deep) {
      index_errors_.push_back(path + ": nests deeper than " +
                              std::to_string(core::kMaxNestingDepth) +
                              " levels before its info block; not served [metadata.too_deep]");
      continue;
    }
    if (!scan.found || scan.product.empty() || scan.version.empty()) {
      index_errors_.push_back(path +
                              ": not an api-docs.json file (no info.product and info.version); "
                              "not served [metadata.format]");
      continue;
    }
    // The same product-version given again: the later file serves it.
    std::erase_if(files_, [&](const auto& f) {
      return iequals(f->product, scan.product) && f->version == scan.version;
    });
    auto f = std::make_unique<File>();
    f->path = std::move(path);
    f->product = std::move(scan.product);
    f->version = std::move(scan.version);
    files_.push_back(std::move(f));
  }
  for (const auto& f : files_) by_version_[f->version].push_back(f.get());
}

ContractCatalogue::ContractCatalogue(std::vector<core::Contract> contracts,
                                     std::map<std::string, std::vector<std::string>> endpoints) {
  for (auto& c : contracts) {
    File* f = file_of(c.product, c.version);
    if (f == nullptr) {
      files_.push_back(std::make_unique<File>());
      f = files_.back().get();
      f->product = c.product;
      f->version = c.version;
      std::call_once(f->loaded, [] {});
      if (auto e = endpoints.find(c.product); e != endpoints.end()) {
        f->endpoints = e->second;
        std::call_once(f->endpoints_read, [] {});
      }
      by_version_[f->version].push_back(f);
    }
    std::string action = c.action;
    f->apis.insert_or_assign(std::move(action), std::move(c));
  }
}

ContractCatalogue::~ContractCatalogue() = default;

ContractCatalogue::File* ContractCatalogue::file_of(std::string_view product,
                                                    const std::string& version) const {
  auto it = by_version_.find(version);
  if (it == by_version_.end()) return nullptr;
  for (File* f : it->second)
    if (iequals(f->product, product)) return f;
  return nullptr;
}

void ContractCatalogue::load(File& f) {
  std::call_once(f.loaded, [&f] {
    auto text = core::read_file(f.path);
    if (!text) {
      f.errors.push_back(text.error().to_string());
      return;
    }
    std::vector<Error> skipped;
    auto contracts = core::read_metadata(*text, f.path, &skipped);
    for (const auto& e : skipped) f.errors.push_back(e.to_string());
    if (!contracts) {
      f.errors.push_back(contracts.error().to_string());
      return;
    }
    for (auto& c : *contracts) {
      std::string action = c.action;
      f.apis.emplace(std::move(action), std::move(c));
    }
  });
}

const core::Contract* ContractCatalogue::find(const std::string& version,
                                              const std::string& action) {
  auto it = by_version_.find(version);
  if (it == by_version_.end()) return nullptr;
  for (File* f : it->second) {
    load(*f);
    if (auto api = f->apis.find(action); api != f->apis.end()) return &api->second;
  }
  return nullptr;
}

const core::Contract* ContractCatalogue::find(std::string_view product, const std::string& version,
                                              const std::string& action) {
  File* f = file_of(product, version);
  if (f == nullptr) return nullptr;
  load(*f);
  auto api = f->apis.find(action);
  return api == f->apis.end() ? nullptr : &api->second;
}

std::string ContractCatalogue::product_of_version(const std::string& version) const {
  auto it = by_version_.find(version);
  return it == by_version_.end() ? std::string() : it->second.front()->product;
}

std::vector<std::string> ContractCatalogue::products_of_version(const std::string& version) const {
  std::vector<std::string> out;
  if (auto it = by_version_.find(version); it != by_version_.end())
    for (const File* f : it->second) out.push_back(f->product);
  return out;
}

std::string ContractCatalogue::product_named(std::string_view name) const {
  for (const auto& f : files_)
    if (iequals(f->product, name)) return f->product;
  if (const Product* p = seed_product(name)) return std::string(p->name);
  return {};
}

std::vector<std::string> ContractCatalogue::served() const {
  std::vector<std::string> out;
  for (const auto& p : known_products())
    if (file_of(p.name, std::string(p.version)) == nullptr)
      out.push_back(std::string(p.name) + " " + std::string(p.version) + " (seed APIs)");
  for (const auto& f : files_) out.push_back(f->product + " " + f->version);
  return out;
}

std::vector<std::string> ContractCatalogue::endpoints(std::string_view product,
                                                      const std::string& version) {
  std::vector<std::string> out;
  const Product* seed = seed_product(product);
  if (seed != nullptr && seed->version == version) out.emplace_back(seed->host);
  if (File* f = file_of(product, version)) {
    std::call_once(f->endpoints_read, [f] {
      auto text = core::read_file(f->path);
      if (!text) return;
      TopLevelScan scan("endpoints");
      nlohmann::json::sax_parse(*text, &scan, nlohmann::json::input_format_t::json, false);
      f->endpoints = std::move(scan.endpoints);
    });
    for (const auto& e : f->endpoints)
      if (std::find(out.begin(), out.end(), e) == out.end()) out.push_back(e);
    // The product's own name as a host, for files that document none or another.
    std::string central = core::text::to_lower(f->product) + ".aliyuncs.com";
    if (std::find(out.begin(), out.end(), central) == out.end()) out.push_back(central);
  }
  return out;
}

Route ContractCatalogue::route(const std::string& version, const std::string& action,
                               std::string_view host_header, std::string_view pinned) {
  // The products serving this version: the seed products (known without metadata), then the files.
  std::vector<std::string> serving;
  for (const auto& p : known_products())
    if (p.version == version) serving.emplace_back(p.name);
  for (const auto& p : products_of_version(version))
    if (std::none_of(serving.begin(), serving.end(), [&](const auto& s) { return iequals(s, p); }))
      serving.push_back(p);
  if (!pinned.empty()) {
    std::erase_if(serving, [&](const auto& s) { return !iequals(s, pinned); });
  }
  // The HostId a product's answers carry: its central endpoint.
  auto central = [](std::string_view product) {
    if (const Product* seed = seed_product(product)) return std::string(seed->host);
    return core::text::to_lower(product) + ".aliyuncs.com";
  };

  Route r;
  if (serving.empty()) {
    r.error = api_error(
        400, "NoSuchVersion",
        "The specified version \"" + version + "\" does not exist" +
            (pinned.empty() ? std::string(".") : " in product " + std::string(pinned) + "."));
    if (!pinned.empty()) r.host = central(pinned);
    return r;
  }

  struct Candidate {
    std::string product;
    const SeedApi* seed;
    const core::Contract* contract;
  };
  std::vector<Candidate> candidates;
  for (const auto& p : serving) {
    const Product* seed_p = seed_product(p);
    const SeedApi* seed =
        seed_p != nullptr && seed_p->version == version ? find_seed_api(p, action) : nullptr;
    const core::Contract* contract = seed != nullptr ? nullptr : find(p, version, action);
    if (seed != nullptr || contract != nullptr) candidates.push_back({p, seed, contract});
  }
  auto answer = [&](const Candidate& c) {
    r.product = c.product;
    r.seed = c.seed;
    r.contract = c.contract;
    r.host = c.contract != nullptr && !c.contract->endpoint.empty() ? c.contract->endpoint
                                                                    : central(c.product);
    return r;
  };
  if (candidates.size() == 1) return answer(candidates.front());

  // Several products, or none: the Host header may name one of them.
  std::string host = host_without_port(host_header);
  auto named_by_host = [&](const std::string& product) {
    auto eps = endpoints(product, version);
    return !host.empty() && std::find(eps.begin(), eps.end(), host) != eps.end();
  };
  if (candidates.empty()) {
    std::string product = serving.front();
    for (const auto& p : serving)
      if (named_by_host(p)) product = p;
    r.error = api_error(404, "InvalidAction.NotFound",
                        "Specified api is not found, please check your url and method.");
    r.host = serving.size() == 1 || named_by_host(product) ? central(product) : std::string();
    return r;
  }
  std::vector<const Candidate*> by_host;
  for (const auto& c : candidates)
    if (named_by_host(c.product)) by_host.push_back(&c);
  if (by_host.size() == 1) return answer(*by_host.front());

  std::vector<std::string> names, hosts;
  for (const auto& c : candidates) {
    names.push_back(c.product);
    auto eps = endpoints(c.product, version);
    hosts.push_back(eps.empty() ? central(c.product) : eps.front());
  }
  r.error = api_error(
      400, "Product.Ambiguous",
      "The API " + action + " of version " + version +
          " is served by several products: " + join(names) +
          ". Send the request with the Host of one product's endpoint (" + join(hosts, " or ") +
          "), to a listener of --product-at HOST:PORT=PRODUCT, or under a path prefix of "
          "--product-at /PREFIX=PRODUCT.");
  return r;
}

double ContractCatalogue::load_all() {
  auto start = std::chrono::steady_clock::now();
  // One reader per core, each taking the next file: the files are independent (each read once,
  // under its own once_flag), so the wall time is the CPU time shared out.
  std::atomic<size_t> next{0};
  auto reader = [&] {
    for (size_t i = next++; i < files_.size(); i = next++) load(*files_[i]);
  };
  size_t readers =
      std::clamp<size_t>(std::thread::hardware_concurrency(), 1, files_.size() + 1) - 1;
  std::vector<std::thread> threads;
  for (size_t k = 0; k < readers; ++k) threads.emplace_back(reader);
  reader();
  for (auto& t : threads) t.join();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::vector<std::string> ContractCatalogue::load_errors() {
  load_all();
  std::vector<std::string> out = index_errors_;
  for (const auto& f : files_) out.insert(out.end(), f->errors.begin(), f->errors.end());
  return out;
}

}  // namespace popcheck::emulator
