#!/usr/bin/env bash
# Helpers for benchmarks that compare a popcheck server with nginx serving a fixed body.
# Source this file, then:
#   free_port                         prints a free loopback TCP port
#   nginx_start BODY_FILE CONTENT_TYPE [WORKERS]
#                                     serves BODY_FILE for every path on 127.0.0.1:$NGINX_PORT with exactly
#                                     that Content-Type, from a private temporary config (never the
#                                     system's); sets NGINX_PORT and NGINX_DIR. The body is served the
#                                     fastest way nginx has: from memory (`return 200 '...'`) when it
#                                     can be quoted in the config (no '$'), else from the file with
#                                     open_file_cache, so that no request pays for open/stat/close.
#                                     NGINX_MASTER=off runs the one worker inside the started process
#                                     (for callgrind).
#   nginx_stop                        stops it and removes NGINX_DIR
#   wait_for_port PORT                waits (up to 10 s) until something accepts on 127.0.0.1:PORT
# nginx runs in the foreground of a background job so that nginx_stop can end exactly that process.

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

wait_for_port() {
  local port=$1 i
  for i in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "nothing is listening on 127.0.0.1:$port" >&2
  return 1
}

nginx_start() {
  local body=$1 content_type=$2 workers=${3:-1}
  command -v nginx >/dev/null || { echo "nginx is not installed (bash scripts/setup.sh bench)" >&2; return 2; }
  NGINX_DIR=$(mktemp -d /tmp/popcheck-nginx.XXXXXX)
  NGINX_PORT=$(free_port)
  cp "$body" "$NGINX_DIR/body"
  # Workers run as the invoking user (root in the bench set-up) so that they can read the private folder.
  local user_line=""
  [ "$(id -u)" -eq 0 ] && user_line="user root;"
  # A body nginx can hold in its config is answered from memory, as the servers compared with it do.
  local serve
  serve=$(python3 - "$body" <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
try:
    text = data.decode("utf-8")
except UnicodeDecodeError:
    text = None
if text is None or "$" in text or "\0" in text:
    print("try_files /body =404;")
else:
    print("return 200 '%s';" % text.replace("\\", "\\\\").replace("'", "\\'"))
PY
)
  cat > "$NGINX_DIR/nginx.conf" <<CONF
$user_line
daemon off;
master_process ${NGINX_MASTER:-on};
worker_processes $workers;
pid $NGINX_DIR/nginx.pid;
error_log $NGINX_DIR/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $NGINX_DIR/body_temp;
  proxy_temp_path $NGINX_DIR/proxy_temp;
  fastcgi_temp_path $NGINX_DIR/fastcgi_temp;
  uwsgi_temp_path $NGINX_DIR/uwsgi_temp;
  scgi_temp_path $NGINX_DIR/scgi_temp;
  keepalive_requests 1000000;
  open_file_cache max=16 inactive=1h;
  open_file_cache_valid 1h;
  server_tokens off;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $NGINX_DIR;
    location / {
      types { }
      default_type "$content_type";
      $serve
    }
  }
}
CONF
  # NGINX_PREFIX: a command nginx runs under (the benchmarks pin it to a core with taskset).
  # shellcheck disable=SC2086 # the prefix is words
  ${NGINX_PREFIX:-} nginx -c "$NGINX_DIR/nginx.conf" -p "$NGINX_DIR" &
  NGINX_PID=$!
  wait_for_port "$NGINX_PORT"
}

nginx_stop() {
  if [ -n "${NGINX_PID:-}" ]; then
    kill "$NGINX_PID" 2>/dev/null || true
    wait "$NGINX_PID" 2>/dev/null || true
    NGINX_PID=
  fi
  [ -n "${NGINX_DIR:-}" ] && rm -rf "$NGINX_DIR"
  NGINX_DIR=
}
