#!/usr/bin/env bash
# bounceback serve --lmtp as an MTA sees it: LMTP (RFC 2033) over a real loopback socket.
source "$(dirname "$0")/lib/assert.bash"
source "$(dirname "$0")/lib/server.bash"
FIXTURES=${FIXTURES:-$(cd "$(dirname "$0")/../fixtures" && pwd)}
fixtures=$FIXTURES/lmtp

work=$(mktemp -d)
lock_pid=
port=

cleanup() {
  [ -z "$lock_pid" ] || kill "$lock_pid" 2>/dev/null
  stop_server
  rm -rf "$work"
}
trap cleanup EXIT

# The MTA's side: pipelines the envelope, sends the message dot-stuffed with CRLF line ends and
# prints every reply line. `idle` only listens until the server closes.
cat >"$work/client.py" <<'PY'
import socket, sys

def lines(sock):
    buffer = b""
    while True:
        while b"\r\n" in buffer:
            line, buffer = buffer.split(b"\r\n", 1)
            yield line.decode("utf-8", "replace")
        chunk = sock.recv(65536)
        if not chunk:
            if buffer:
                yield "UNTERMINATED " + buffer.decode("utf-8", "replace")
            return
        buffer += chunk

def reply(replies):
    """One whole reply (the last line of a multi-line one); prints each line."""
    while True:
        line = next(replies)
        print(line, flush=True)
        if len(line) < 4 or line[3] != "-":
            return line

mode, port = sys.argv[1], int(sys.argv[2])
host = sys.argv[3] if len(sys.argv) > 3 and mode == "idle" else "127.0.0.1"
family = socket.AF_INET6 if ":" in host else socket.AF_INET
sock = socket.socket(family, socket.SOCK_STREAM)
sock.settimeout(60)
sock.connect((host, port))
replies = lines(sock)
if mode == "idle":
    for line in replies:
        print(line, flush=True)
    sys.exit(0)
path, recipients = sys.argv[3], sys.argv[4:]
reply(replies)
sock.sendall(("LHLO e2e.test\r\nMAIL FROM:<>\r\n" + "".join(f"RCPT TO:<{r}>\r\n" for r in recipients) + "DATA\r\n").encode())
for _ in range(2 + len(recipients)):
    reply(replies)
if not reply(replies).startswith("354"):
    sys.exit(1)
with open(path, "rb") as f:
    body = f.read()
stuffed = b"".join((b"." + l if l.startswith(b".") else l) + b"\r\n" for l in body.split(b"\n")[:-1])
sock.sendall(stuffed + b".\r\n")
for _ in recipients:
    reply(replies)
sock.sendall(b"QUIT\r\n")
for line in replies:
    print(line, flush=True)
PY

# start_server ARGS...: serve with LMTP on a port the system picks; sets $port.
start_server() {
  stop_server
  : >"$work/serve.log"
  "$BIN" serve --listen 127.0.0.1:0 --lmtp 127.0.0.1:0 "$@" 2>"$work/serve.log" &
  server_pid=$!
  for _ in $(seq 100); do
    port=$(grep -o 'LMTP listening on [^ ]*' "$work/serve.log" | grep -o '[0-9]*$')
    [ -n "$port" ] && return 0
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "FAIL: the server did not start: $(cat "$work/serve.log")" >&2
  exit 1
}

# lmtp MODE ARGS...: runs the client, leaving its replies in $out.
lmtp() {
  out=$(timeout 60 python3 "$work/client.py" "$1" "$port" "${@:2}" 2>&1)
  status=$?
  err=
}
expect_log() { checks=$((checks + 1)); grep -qF -- "$1" "$work/serve.log" || fail "serve log lacks '$1': $2"; }

db="sqlite:$work/lmtp.db"
start_server --db "$db" --lmtp-timeout 2
expect_log "LMTP listening on 127.0.0.1:" "the LMTP address is printed on stderr"
expect_log "listening on http://127.0.0.1:" "HTTP and LMTP together"

lmtp send "$fixtures/postfix-local-unknown-user.eml" bounces@mx.lmtp.test archive@mx.lmtp.test
expect_status 0 "the client got through"
expect_out "220 " "the greeting"
expect_out "250-PIPELINING" "LHLO advertises pipelining"
expect_out "250 SIZE 67108864" "and the size limit"
expect_out "250 2.0.0 <bounces@mx.lmtp.test> stored: 1 record" "the first recipient, after the store committed"
expect_out "250 2.0.0 <archive@mx.lmtp.test> stored: 1 record" "one reply per recipient (RFC 2033)"
expect_out "221 2.0.0" "QUIT"
run suppressions list --db "$db"
expect_out "no.such.user@mx.lmtp.test  userunknown  1 hard bounce" "the bounced address is suppressed, once"

lmtp send "$fixtures/postfix-local-unknown-user.eml" bounces@mx.lmtp.test
expect_out "250 2.0.0 <bounces@mx.lmtp.test> stored before: nothing new" "a redelivery stores nothing new"

lmtp send "$fixtures/not-a-bounce.eml" bounces@mx.lmtp.test
expect_out "250 2.0.0 <bounces@mx.lmtp.test> accepted and counted: not a delivery report" \
  "a message that is not a report is accepted, and the reply says so"

# The store held by another writer: the message is not lost, the MTA is told to retry.
python3 - "$work/lmtp.db" <<'PY' &
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN EXCLUSIVE")
open(sys.argv[1] + ".locked", "w").close()
time.sleep(60)
PY
lock_pid=$!
for _ in $(seq 100); do [ -e "$work/lmtp.db.locked" ] && break; sleep 0.1; done
sed 's/no.such.user/locked.out/g' "$fixtures/postfix-local-unknown-user.eml" >"$work/locked.eml"
lmtp send "$work/locked.eml" bounces@mx.lmtp.test archive@mx.lmtp.test
expect_out "451 4.3.0 <bounces@mx.lmtp.test> cannot be stored now: try again later" "a store failure is 4xx, never 2xx"
expect_out "451 4.3.0 <archive@mx.lmtp.test> cannot be stored now" "for every recipient"
expect_out_not "250 2.0.0 <bounces" "no recipient is told it was stored"
expect_log "told the client 451" "the store's own words go to the log"
kill "$lock_pid"
wait "$lock_pid" 2>/dev/null
lock_pid=
lmtp send "$work/locked.eml" bounces@mx.lmtp.test
expect_out "250 2.0.0 <bounces@mx.lmtp.test> stored: 1 record" "the MTA's retry stores it"

lmtp idle
expect_out "421 4.4.2" "a silent client is told 421 after --lmtp-timeout"

stop_server
expect_status 0 "SIGTERM stops serve cleanly"
expect_log "6 sessions" "the session count is logged at the end"
expect_log "2 messages stored, 1 duplicates, 1 not delivery reports, 0 unprocessable, 1 store failures" \
  "every message is accounted for"

# LMTP only, small limits.
start_server --no-http --db "$db" --lmtp-max-message-size 1000 --lmtp-max-sessions 1
checks=$((checks + 1))
! grep -q "http://" "$work/serve.log" || fail "--no-http serves no HTTP"
lmtp send "$fixtures/postfix-local-unknown-user.eml" bounces@mx.lmtp.test
expect_out "552 5.3.4 Message too big: the limit is 1000 bytes" "over --lmtp-max-message-size"

timeout 60 python3 "$work/client.py" idle "$port" >"$work/first.txt" 2>&1 &
first=$!
for _ in $(seq 100); do grep -q "^220 " "$work/first.txt" && break; sleep 0.1; done
lmtp idle
expect_out "421 4.3.2" "a session past --lmtp-max-sessions is told to come back later"
stop_server
wait "$first"
out=$(cat "$work/first.txt")
expect_out "421 4.3.2" "a session still open at shutdown is told 421, not dropped"
expect_log "1 refused as busy" "the refusal is counted"

# IPv6 loopback, when the machine has it.
if python3 -c 'import socket; socket.socket(socket.AF_INET6).bind(("::1", 0))' 2>/dev/null; then
  stop_server
  : >"$work/serve.log"
  "$BIN" serve --no-http --lmtp '[::1]:0' --db "$db" 2>"$work/serve.log" &
  server_pid=$!
  for _ in $(seq 100); do
    port=$(grep -o 'LMTP listening on [^ ]*' "$work/serve.log" | grep -o '[0-9]*$')
    [ -n "$port" ] && break
    sleep 0.1
  done
  expect_log "LMTP listening on [::1]:" "an IPv6 address"
  timeout 60 python3 "$work/client.py" idle "$port" ::1 >"$work/v6.txt" 2>&1 &
  v6=$!
  for _ in $(seq 100); do grep -q "^220 " "$work/v6.txt" && break; sleep 0.1; done
  stop_server
  wait "$v6"
  out=$(cat "$work/v6.txt")
  expect_out "220 " "greeted over IPv6"
fi

# Options that contradict each other are usage errors.
run serve --lmtp 127.0.0.1:0 --no-store
expect_status 2 "--lmtp without a store"
expect_err "needs a store" "says why"
run serve --no-http
expect_status 2 "--no-http alone would serve nothing"
run serve --lmtp nowhere:24 --no-http --db "$db"
expect_status 2 "a bad --lmtp address"
expect_err "--lmtp 'nowhere:24'" "names the option"

finish
