#include "net/http.hpp"

#include <array>
#include <random>
#include <sstream>

#include <nlohmann/json.hpp>
#include <pugixml.hpp>

namespace popcheck::net {

namespace {

// The product label of a cloud host ("ecs" for "ecs.aliyuncs.com", "ecs" for "ecs-cn-hangzhou...");
// empty when the host is not a cloud endpoint (the server's own "popcheck" host id).
std::string product_of_host(const std::string& host) {
  if (host.find(".aliyuncs.com") == std::string::npos) return {};
  size_t end = host.find_first_of(".-");
  return host.substr(0, end);
}

std::string troubleshoot_url(const std::string& code, const std::string& host,
                             const std::string& request_id) {
  std::string url = "https://api.aliyun.com/troubleshoot?q=" + code;
  std::string product = product_of_host(host);
  if (!product.empty()) url += "&product=" + product;
  url += "&requestId=" + request_id;
  return url;
}

}  // namespace

std::string new_request_id() {
  // A per-thread generator keeps this lock-free on the hot path; the ids only need to be unique, not
  // unpredictable.
  thread_local std::mt19937_64 rng{std::random_device{}() ^
                                   (uint64_t(std::random_device{}()) << 32)};
  uint64_t hi = rng();
  uint64_t lo = rng();
  // UUID version 4 and the RFC 4122 variant, so that the value passes any UUID check.
  hi = (hi & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;
  lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out(36, '-');
  size_t pos = 0;
  auto put = [&](uint64_t v, int nibbles) {
    for (int i = nibbles - 1; i >= 0; --i) {
      if (pos == 8 || pos == 13 || pos == 18 || pos == 23) ++pos;
      out[pos++] = kHex[(v >> (i * 4)) & 0xF];
    }
  };
  put(hi, 16);
  put(lo, 16);
  return out;
}

HttpResponse json_response(int status, const nlohmann::ordered_json& body, int indent) {
  HttpResponse response;
  response.status = status;
  response.headers.emplace_back("Content-Type", "application/json;charset=utf-8");
  response.body = body.dump(indent, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  return response;
}

HttpResponse make_error_response(const ApiError& error, bool xml) {
  HttpResponse response;
  response.status = error.status;
  std::string request_id = new_request_id();
  std::string recommend = error.recommend.empty()
                              ? troubleshoot_url(error.code, error.host_id, request_id)
                              : error.recommend;
  if (xml) {
    pugi::xml_document doc;
    auto decl = doc.append_child(pugi::node_declaration);
    decl.append_attribute("version") = "1.0";
    decl.append_attribute("encoding") = "UTF-8";
    auto root = doc.append_child("Error");
    root.append_child("RequestId").text().set(request_id.c_str());
    root.append_child("HostId").text().set(error.host_id.c_str());
    root.append_child("Code").text().set(error.code.c_str());
    root.append_child("Message").text().set(error.message.c_str());
    root.append_child("Recommend").text().set(recommend.c_str());
    std::ostringstream out;
    doc.save(out, "", pugi::format_raw);
    response.body = out.str();
    response.headers.emplace_back("Content-Type", "text/xml;charset=utf-8");
  } else {
    nlohmann::ordered_json body;
    body["RequestId"] = request_id;
    body["HostId"] = error.host_id;
    body["Code"] = error.code;
    body["Message"] = error.message;
    body["Recommend"] = recommend;
    // Replace invalid UTF-8 rather than throw: messages may quote what a client sent.
    response.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    response.headers.emplace_back("Content-Type", "application/json;charset=utf-8");
  }
  return response;
}

}  // namespace popcheck::net
