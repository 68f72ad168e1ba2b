#include "runner/metadata_fetch.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>

#include "core/data_dir.hpp"
#include "core/files.hpp"
#include "core/http.hpp"
#include "core/support/text.hpp"
#include "net/client.hpp"
#include "popcheck/version.hpp"

namespace popcheck::runner {

namespace fs = std::filesystem;

namespace {

// api-docs.json files are a few megabytes (ECS: 2.7 MB); a far larger answer is not one.
constexpr size_t kMaxDocumentBytes = size_t(32) << 20;

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

bool is_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i = 0; i < s.size(); ++i)
    if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9')) return false;
  return true;
}

// A product code as the service writes them: letters, digits, '-' and '_'.
bool is_product_code(std::string_view s) {
  return !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
  });
}

struct Spec {
  std::string product, version;  // version empty: the default
};

std::optional<Spec> parse_spec(std::string_view spec) {
  Spec s;
  auto colon = spec.find(':');
  s.product = std::string(spec.substr(0, colon));
  if (colon != std::string_view::npos) s.version = std::string(spec.substr(colon + 1));
  if (!is_product_code(s.product) || (colon != std::string_view::npos && !is_date(s.version)))
    return std::nullopt;
  return s;
}

// Redirects followed from one URL before giving up (curl's default is 50; the service uses none).
constexpr int kMaxRedirects = 5;

bool is_redirect(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

std::string to_string(const core::RequestUrl& u) { return u.url.origin() + u.target; }

// The URL a Location names, relative to the one that answered (RFC 9110 section 10.2.2; RFC 3986
// section 5.2 for "//host/path", "/path" and "path"; a fragment is dropped).
Expected<core::RequestUrl> resolve_location(const core::RequestUrl& from, std::string location) {
  if (auto hash = location.find('#'); hash != std::string::npos) location.resize(hash);
  if (location.starts_with("//")) location = from.url.scheme + ":" + location;
  if (core::text::istarts_with(location, "http://") ||
      core::text::istarts_with(location, "https://"))
    return core::parse_request_url(location);
  core::RequestUrl next{from.url, location};
  if (!location.starts_with("/")) {
    const std::string path = from.target.substr(0, from.target.find('?'));
    next.target = path.substr(0, path.rfind('/') + 1) + location;
  }
  return next;
}

// GET base + path, following redirects. Any final answer but 200 is an error naming `what` and
// the status; a connection that ends before the declared length is an error too, so no partial
// body ever comes back. Each hop gets a client for its own origin and the proxy the environment
// names for it (net::proxy_from_environment).
Expected<std::string> get(const FetchOptions& options, const std::string& path,
                          const std::string& what) {
  auto base = core::parse_url(options.base_url);
  if (!base) {
    Error e = base.error();
    e.message = "the metadata base " + e.message;
    return std::unexpected(e);
  }
  core::RequestUrl at{*base, base->base + path};
  std::vector<std::string> hops{to_string(at)};
  auto chain = [&] {
    std::string out;
    for (const auto& h : hops) out += (out.empty() ? "" : " -> ") + h;
    return out;
  };
  for (;;) {
    auto proxy = net::proxy_from_environment(at.url);
    if (!proxy) return std::unexpected(proxy.error());
    auto client = net::HttpClient::create(at.url, {.connect_timeout = std::chrono::seconds(10),
                                                   .read_timeout = options.timeout,
                                                   .body_limit = kMaxDocumentBytes,
                                                   .proxy = *proxy});
    if (!client) return std::unexpected(client.error());
    auto res = (*client)->send(
        {"GET",
         at.target,
         {{"Accept", "application/json"}, {"User-Agent", "popcheck/" + std::string(kVersion)}},
         ""});
    if (!res)
      return fail(
          "metadata.net",
          what + ": " +
              (res.error().code == "net.proxy" ? "cannot reach " : "no complete answer from ") +
              hops.back() + " (" + res.error().message + "); nothing was written");
    if (res->status == 200) return std::move(res->body);
    if (!is_redirect(res->status))
      return fail("metadata.http", what + ": the metadata service answered HTTP " +
                                       std::to_string(res->status) + " for " + hops.back());
    std::string location = core::header_value(res->headers, "location");
    if (location.empty())
      return fail("metadata.redirect", what + ": " + hops.back() + " answered HTTP " +
                                           std::to_string(res->status) + " without a Location");
    auto next = resolve_location(at, location);
    if (!next)
      return fail("metadata.redirect", what + ": " + hops.back() + " redirects to a URL that is " +
                                           "not one (" + next.error().message + ")");
    const std::string to = to_string(*next);
    const bool loop = std::find(hops.begin(), hops.end(), to) != hops.end();
    hops.push_back(to);
    if (at.url.scheme == "https" && next->url.scheme != "https")
      return fail("metadata.redirect",
                  what + ": a redirect from https to http is refused: " + chain());
    if (loop) return fail("metadata.redirect", what + ": a redirect loop: " + chain());
    if (static_cast<int>(hops.size()) > kMaxRedirects + 1)
      return fail("metadata.redirect",
                  what + ": more than " + std::to_string(kMaxRedirects) + " redirects: " + chain());
    at = std::move(*next);
  }
}

}  // namespace

std::string metadata_dir(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (std::string d = env("POPCHECK_METADATA_DIR"); !d.empty()) return d;
  if (std::string x = env("XDG_CACHE_HOME"); !x.empty()) return x + "/popcheck/metadata";
  if (std::string h = env("HOME"); !h.empty()) return h + "/.cache/popcheck/metadata";
  return ".popcheck-metadata";
}

std::string metadata_base_url(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (std::string u = env("POPCHECK_METADATA_URL"); !u.empty()) return u;
  return std::string(kDefaultMetadataUrl);
}

std::string metadata_file_name(std::string_view product, std::string_view version) {
  return core::text::to_lower(product) + "-" + std::string(version) + ".json";
}

Expected<std::vector<ProductInfo>> parse_product_list(std::string_view text,
                                                      const std::string& source) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_array())
    return fail("metadata.list", "the product list is not a JSON list of products", source);
  std::vector<ProductInfo> out;
  for (const auto& p : j) {
    if (!p.is_object() || !p.contains("code") || !p["code"].is_string()) continue;
    ProductInfo info;
    info.code = p["code"].get<std::string>();
    if (auto s = p.find("style"); s != p.end() && s->is_string())
      info.style = s->get<std::string>();
    if (auto d = p.find("defaultVersion"); d != p.end() && d->is_string())
      info.default_version = d->get<std::string>();
    if (auto v = p.find("versions"); v != p.end() && v->is_array())
      for (const auto& x : *v)
        if (x.is_string()) info.versions.push_back(x.get<std::string>());
    out.push_back(std::move(info));
  }
  return out;
}

Expected<std::vector<ProductInfo>> fetch_product_list(const FetchOptions& options) {
  auto text = get(options, "/products.json", "the product list");
  if (!text) return std::unexpected(text.error());
  return parse_product_list(*text, metadata_base_url(options.base_url) + "/products.json");
}

Expected<FetchResult> fetch_metadata(std::string_view spec_text, const FetchOptions& options) {
  auto spec = parse_spec(spec_text);
  if (!spec)
    return fail("usage.product", "'" + std::string(spec_text) +
                                     "' is not PRODUCT or PRODUCT:VERSION (e.g. Rds or "
                                     "Rds:2014-08-15)");
  auto list = fetch_product_list(options);
  if (!list) return std::unexpected(list.error());
  auto it = std::find_if(list->begin(), list->end(), [&](const ProductInfo& p) {
    return core::text::iequals(p.code, spec->product);
  });
  if (it == list->end())
    return fail("metadata.unknown_product",
                "the metadata service lists no product " + spec->product + " (" +
                    std::to_string(list->size()) + " products; popcheck metadata list shows them)");
  std::string version = spec->version.empty() ? it->default_version : spec->version;
  if (version.empty() && !it->versions.empty()) version = it->versions.back();
  if (version.empty() ||
      (!it->versions.empty() &&
       std::find(it->versions.begin(), it->versions.end(), version) == it->versions.end())) {
    std::string known;
    for (const auto& v : it->versions) known += (known.empty() ? "" : ", ") + v;
    return fail("metadata.unknown_version", "the metadata service lists no version " + version +
                                                " of " + it->code + " (it has: " + known + ")");
  }
  std::string what = it->code + " " + version;
  auto body =
      get(options, "/products/" + it->code + "/versions/" + version + "/api-docs.json", what);
  if (!body) return std::unexpected(body.error());
  // Only an api-docs.json of this product ever reaches the folder.
  auto doc = nlohmann::json::parse(*body, nullptr, false);
  const nlohmann::json* info = doc.is_object() && doc.contains("info") ? &doc["info"] : nullptr;
  if (!info || !info->is_object() || !doc.contains("apis") || !doc["apis"].is_object() ||
      !info->contains("product") || !(*info)["product"].is_string() ||
      !core::text::iequals((*info)["product"].get<std::string>(), it->code))
    return fail("metadata.format", what + ": the answer is not the api-docs.json of " + it->code +
                                       "; nothing was written");
  FetchResult r;
  r.product = it->code;
  r.version = version;
  r.path = (fs::path(metadata_dir(options.into)) / metadata_file_name(it->code, version)).string();
  r.bytes = body->size();
  if (auto old = core::read_file(r.path, body->size() + 1); old && *old == *body) return r;
  if (auto w = core::write_file_atomic(r.path, *body); !w) return std::unexpected(w.error());
  r.changed = true;
  return r;
}

std::vector<CachedMetadata> list_cached(const std::string& dir) {
  std::vector<CachedMetadata> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    std::string name = e.path().filename().string();
    // <product>-<yyyy-mm-dd>.json: the version is the last 10 characters before ".json".
    if (name.size() < 17 || !name.ends_with(".json") || name[name.size() - 16] != '-') continue;
    std::string version = name.substr(name.size() - 15, 10);
    if (!is_date(version) || !e.is_regular_file(ec)) continue;
    out.push_back({name.substr(0, name.size() - 16), version, e.path().string(),
                   static_cast<size_t>(e.file_size(ec))});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return std::tie(a.product, a.version) < std::tie(b.product, b.version);
  });
  return out;
}

std::vector<std::string> metadata_search_dirs(const std::string& dir_flag) {
  std::vector<std::string> dirs{metadata_dir(dir_flag)};
  // Then the bundled products' metadata in the data folder (core/data_dir.hpp), so that a bundled
  // product (Ecs, Vpc, Ess) is named without a fetch. No data folder: only the fetched one.
  core::DataDirSources sources;
  if (const char* env = std::getenv(core::kDataDirEnv); env != nullptr) sources.env = env;
  std::error_code ec;
  sources.executable = fs::read_symlink("/proc/self/exe", ec).string();
  if (auto data = core::find_data_dir(sources)) dirs.push_back(data->metadata().string());
  return dirs;
}

bool names_a_product(const std::string& arg) {
  std::error_code ec;
  return !fs::exists(arg, ec) && parse_spec(arg).has_value();
}

Expected<std::string> resolve_metadata(const std::string& arg, const std::string& dir_flag) {
  std::error_code ec;
  if (fs::exists(arg, ec)) return arg;
  auto spec = parse_spec(arg);
  if (!spec)
    return fail("io.open", "no such file, and not a product name (PRODUCT[:VERSION])", arg);
  auto dirs = metadata_search_dirs(dir_flag);
  for (const auto& dir : dirs) {
    std::vector<CachedMetadata> found;
    for (auto& c : list_cached(dir))
      if (c.product == core::text::to_lower(spec->product) &&
          (spec->version.empty() || c.version == spec->version))
        found.push_back(std::move(c));
    if (found.size() == 1) return found.front().path;
    if (found.size() > 1) {
      std::string versions;
      for (const auto& c : found) versions += (versions.empty() ? "" : ", ") + c.version;
      return fail("metadata.ambiguous",
                  "several versions of " + spec->product + " are in " + dir + " (" + versions +
                      "); name one as " + spec->product + ":VERSION",
                  arg);
    }
  }
  return fail("metadata.not_cached",
              "no metadata of " + arg + " in " + dirs.front() +
                  "; get it once with: popcheck metadata fetch " + arg,
              arg);
}

}  // namespace popcheck::runner
