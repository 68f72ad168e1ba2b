#pragma once
// The admin-API protection of the server commands (popcheck proxy, popcheck emulate) from their
// --listen host and --admin-token flag (see net/admin.hpp for what the guard refuses).
#include <ostream>
#include <string>

#include <CLI/CLI.hpp>

#include "net/admin.hpp"

namespace popcheck::app {

// The guard for a server listening on `listen_host`. On a loopback address the token is required
// only when one was given. On any other address (0.0.0.0, a LAN address) a warning goes to `err`
// and a token is always required: `token` when given, else a fresh one printed to `err`, so that
// only whoever started the server can use its admin endpoints. `who` prefixes the lines
// ("popcheck proxy").
net::AdminGuard admin_guard_for(const std::string& listen_host, std::string token,
                                const std::string& host_id, const std::string& who,
                                std::ostream& err);

// What --admin-token means on a server command (popcheck proxy, popcheck emulate).
inline constexpr const char* kServerAdminTokenHelp =
    "Token the admin endpoints require (Authorization: Bearer TOKEN); required and generated when "
    "--listen is not a loopback address";

// --admin-token TOKEN, also read from POPCHECK_ADMIN_TOKEN, on a server command or on a command
// that talks to a server's admin endpoints (popcheck run); `help` says which.
CLI::Option* add_admin_token_option(CLI::App* cmd, std::string& token, const std::string& help);

}  // namespace popcheck::app
