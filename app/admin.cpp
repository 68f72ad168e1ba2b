#include "app/admin.hpp"

namespace popcheck::app {

net::AdminGuard admin_guard_for(const std::string& listen_host, std::string token,
                                const std::string& host_id, const std::string& who,
                                std::ostream& err) {
  net::AdminGuard guard;
  guard.host_id = host_id;
  guard.hosts = {listen_host};
  if (net::is_loopback_host(listen_host)) {
    guard.token = std::move(token);
    return guard;
  }
  err << who << ": WARNING: listening on " << listen_host
      << ", which is not a loopback address: other machines can reach this server. Its admin "
         "endpoints (/__popcheck/) need the admin token, sent as 'Authorization: Bearer TOKEN' "
         "or 'X-Popcheck-Admin-Token: TOKEN'; everything else is open to whoever can connect.\n";
  if (token.empty()) {
    token = net::generate_admin_token();
    err << who << ": admin token (generated; set one with --admin-token or POPCHECK_ADMIN_TOKEN): "
        << token << "\n";
  }
  guard.token = std::move(token);
  return guard;
}

CLI::Option* add_admin_token_option(CLI::App* cmd, std::string& token, const std::string& help) {
  return cmd->add_option("--admin-token", token, help)->envname("POPCHECK_ADMIN_TOKEN");
}

}  // namespace popcheck::app
