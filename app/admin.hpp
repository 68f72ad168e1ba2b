#pragma once
// The admin-API protection of the server commands (popcheck proxy, popcheck emulate) from their
// --listen host and --admin-token flag (see net/admin.hpp for what the guard refuses).
#include <ostream>
#include <string>

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

}  // namespace popcheck::app
