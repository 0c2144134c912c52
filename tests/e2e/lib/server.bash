# Shared by the e2e tests that run `bounceback serve` in the background: they set $server_pid.
server_pid=

# Stops the server if one runs, and leaves its exit status in $status.
stop_server() {
  [ -n "$server_pid" ] || return 0
  kill -TERM "$server_pid" 2>/dev/null
  wait "$server_pid"
  status=$?
  server_pid=
}
