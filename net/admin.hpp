#pragma once
// Protection of the /__popcheck/ admin endpoints (the proxy's and the emulator's) against what a web
// page could make a developer's browser send, and against other machines when the server listens
// beyond loopback. Every admin request passes refuse_admin first:
//  - an Origin header that is not the server's own (http:// or https:// followed by the request's
//    Host) is refused, and so is Sec-Fetch-Site cross-site or same-site: a cross-origin page may
//    send "simple" requests without a preflight, so the server refuses them itself;
//  - a Host that is not a loopback name (localhost, 127.x.x.x, ::1) nor the listen address is
//    refused unless the request carries the admin token (DNS rebinding: a page whose name resolves
//    to 127.0.0.1 sends its own name as Host);
//  - a state-changing request (any method but GET, HEAD and OPTIONS) must say it is meant for the
//    admin API: a JSON Content-Type (application/json or */*+json) or an X-Popcheck-Admin header;
//    a form or text/plain POST, which browsers send cross-origin unasked, is refused;
//  - when the guard has a token, every admin request must carry it, as "Authorization: Bearer
//    TOKEN" or "X-Popcheck-Admin-Token: TOKEN" (the commands require one whenever they listen on
//    a non-loopback address, and generate one when none is given).
// Refusals are 403 (401 for a missing or wrong token) in the API's error format, with a message
// that says what was refused and what to send instead.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "net/http.hpp"

namespace popcheck::net {

inline constexpr std::string_view kAdminHeader = "X-Popcheck-Admin";
inline constexpr std::string_view kAdminTokenHeader = "X-Popcheck-Admin-Token";

struct AdminGuard {
  std::string token;               // empty: no token needed
  std::vector<std::string> hosts;  // Host names accepted beside the loopback ones (the listen host)
  std::string host_id = "popcheck";  // HostId of the refusals' error bodies
};

// The refusal of an admin request, or nullopt when it may proceed.
std::optional<HttpResponse> refuse_admin(const AdminGuard& guard, const HttpRequest& request);

// Whether a host name or address only reaches this machine: "localhost", 127.0.0.0/8, ::1 (with or
// without brackets). 0.0.0.0 and :: (every interface) are not loopback.
bool is_loopback_host(std::string_view host);

// A fresh random admin token (32 hex digits from the system's random source).
std::string generate_admin_token();

}  // namespace popcheck::net
