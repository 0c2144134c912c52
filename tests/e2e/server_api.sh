#!/usr/bin/env bash
# bounceback serve as a client sees it: every endpoint over real HTTP on a loopback port.
source "$(dirname "$0")/lib/assert.bash"
source "$(dirname "$0")/lib/server.bash"
EXAMPLES=${EXAMPLES:-$(cd "$(dirname "$0")/../../examples" && pwd)}

work=$(mktemp -d)
base=

trap 'stop_server; rm -rf "$work"' EXIT

# start_server ARGS...: serves on a port the system picks, waits for /healthz, sets $base.
start_server() {
  stop_server
  : >"$work/serve.log"
  "$BIN" serve --listen 127.0.0.1:0 "$@" 2>"$work/serve.log" &
  server_pid=$!
  for _ in $(seq 100); do
    base=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$work/serve.log")
    if [ -n "$base" ] && curl -sf --max-time 2 "$base/healthz" >/dev/null; then return 0; fi
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "FAIL: the server did not start: $(cat "$work/serve.log")" >&2
  exit 1
}

# request METHOD PATH [CURL ARGS...]: leaves the HTTP status in $status and the body in $out.
request() {
  local method=$1 path=$2
  shift 2
  status=$(curl -s --max-time 10 -o "$work/body" -w '%{http_code}' -X "$method" "$@" "$base$path")
  out=$(cat "$work/body")
  err=
}

start_server --db "sqlite:$work/bounces.db" --token s3cret --max-body 100000
expect_err_log() { checks=$((checks + 1)); grep -qF -- "$1" "$work/serve.log" || fail "serve log lacks '$1': $2"; }
expect_err_log "listening on http://127.0.0.1:" "the listening URL is printed on stderr"

request GET /healthz
expect_status 200 "health"
expect_out '{"status":"ok"}' "health body"

request GET /
expect_status 200 "the page"
expect_out '<title>' "the page is HTML"
request GET /app.js
expect_status 200 "the page's script"
request GET /../../etc/passwd --path-as-is
expect_status 404 "no file system behind the page"
request GET /%2e%2e/%2e%2e/etc/passwd --path-as-is
expect_status 404 "percent-encoded dots do not climb either"
request GET //etc/passwd --path-as-is
expect_status 404 "nor does an absolute path"

request POST /v1/decode --data-binary "@$EXAMPLES/bounces/postfix-user-unknown.eml" -H 'Content-Type: message/rfc822'
expect_status 200 "decode a raw message"
expect_out '"reason":"userunknown"' "decoded reason"
expect_out '"is_report":true' "it is a report"
expect_out_not '"stored"' "nothing stored without ?store=1"

printf '{"message_base64":"%s"}' "$(base64 -w0 "$EXAMPLES/bounces/exim-mailbox-full.eml")" >"$work/message.json"
request POST /v1/decode --data-binary "@$work/message.json" -H 'Content-Type: application/json'
expect_status 200 "decode a base64 message in JSON"
expect_out '"reason":"mailboxfull"' "decoded reason from JSON"

request POST /v1/decode --data-binary "@$FIXTURES/webhook/sendgrid-events.json" -H 'Content-Type: application/json'
expect_status 200 "decode a webhook event posted as JSON"
expect_out '"decoder":"sendgrid"' "the webhook layer decoded it"

request POST /v1/decode --data-binary '{"nothing":' -H 'Content-Type: application/json'
expect_status 400 "malformed JSON"
expect_out '"code":"bad_request"' "error shape"
request POST /v1/decode --data-binary '{"message_base64":"!!!notbase64"}' -H 'Content-Type: application/json'
expect_status 400 "invalid base64 is the client's mistake, not 'no records'"
expect_out 'message_base64 is not valid base64' "the error names the field"

request POST /v1/explain --data-binary '550 5.7.1 Service unavailable; client [192.0.2.7] blocked using zen.spamhaus.org' \
  -H 'Content-Type: text/plain'
expect_status 200 "explain a reply line"
expect_out '"reason":"blocked"' "explained reason"
expect_out '"listed_ip":"192.0.2.7"' "blocklist named"

request GET /v1/codes
expect_status 200 "all codes"
expect_out '"code":"X.7.1"' "status codes listed"
request GET /v1/codes/550
expect_status 200 "one code"
expect_out '"permanent":true' "550 is permanent"
request GET /v1/codes/abc
expect_status 404 "a malformed code"
expect_out "abc" "the error names it"
request PUT /v1/codes
expect_status 405 "wrong method"

request POST '/v1/decode?store=1' --data-binary "@$EXAMPLES/bounces/postfix-user-unknown.eml"
expect_status 401 "storing needs the token"
expect_out '"code":"unauthorized"' "401 error shape"
request POST '/v1/decode?store=1' --data-binary "@$EXAMPLES/bounces/postfix-user-unknown.eml" -H 'Authorization: Bearer s3cret'
expect_status 200 "store with the token"
expect_out '"stored":1,"duplicate":false' "one event stored"
request POST '/v1/decode?store=1' --data-binary "@$EXAMPLES/bounces/postfix-user-unknown.eml" -H 'Authorization: Bearer s3cret'
expect_out '"duplicate":true' "the same message twice is a duplicate"

# With --token, reading what is stored needs it too, and a 401 names the scheme it wants.
for path in '/v1/suppressions' /v1/suppressions/jane.doe@example.com '/v1/events'; do
  request GET "$path"
  expect_status 401 "reading $path needs the token"
done
checks=$((checks + 1))
curl -s -D - -o /dev/null "$base/v1/events" | grep -qi '^WWW-Authenticate: Bearer' || fail "a 401 without WWW-Authenticate"
auth=(-H 'Authorization: Bearer s3cret')
request GET '/v1/suppressions?domain=example.com&limit=10' "${auth[@]}"
expect_status 200 "suppressions"
expect_out '"recipient":"jane.doe@example.com"' "the hard bounce is suppressed"
request GET /v1/suppressions/jane.doe@example.com "${auth[@]}"
expect_status 200 "one suppression"
request GET '/v1/events?recipient=jane.doe@example.com&kind=bounce' "${auth[@]}"
expect_status 200 "events"
expect_out '"reason":"userunknown"' "the stored event"
expect_out '"next_after_id":1' "the paging cursor"
request GET '/v1/events?reason=bogus' "${auth[@]}"
expect_status 400 "unknown reason"
request GET '/v1/events?limit=0' "${auth[@]}"
expect_status 400 "limit out of range"
request GET '/v1/events?since=yesterday' "${auth[@]}"
expect_status 400 "a since that is not a time is the caller's mistake, not an outage"
expect_out 'since is not a time' "the error names the parameter"
expect_out '2026-11-25' "and shows the forms it takes"
request GET '/v1/events?until=2026-13-45T00:00:00Z' "${auth[@]}"
expect_status 400 "month 13"
expect_out 'until is not a time' "the error names until"
request GET '/v1/events?since=2000-01-01&until=2000-01-02' "${auth[@]}"
expect_status 200 "a plain date is a time"
expect_out '"events":[]' "nothing stored in 2000"

request DELETE /v1/suppressions/jane.doe@example.com
expect_status 401 "lifting needs the token"
# As copied from the bounce: in brackets, in other letters; the answer names the stored address.
request DELETE '/v1/suppressions/%3CJane.Doe@Example.com%3E' "${auth[@]}"
expect_status 200 "lift"
expect_out '"lifted":true,"recipient":"jane.doe@example.com"' "lifted, named as stored"
request DELETE /v1/suppressions/jane.doe@example.com "${auth[@]}"
expect_status 404 "nothing left to lift"

head -c 150000 /dev/zero | tr '\0' 'a' >"$work/big.eml"
request POST /v1/decode --data-binary "@$work/big.eml"
expect_status 413 "a body over --max-body"
expect_out '"code":"payload_too_large"' "413 error shape"

# Twenty decodes at once over separate connections: all answered, all counted.
clients=()
for i in $(seq 20); do
  curl -s --max-time 10 -o /dev/null -w '%{http_code}\n' --data-binary "@$EXAMPLES/bounces/gmail-delay.eml" \
    "$base/v1/decode" >"$work/parallel.$i" &
  clients+=($!)
done
wait "${clients[@]}"
status=$(cat "$work"/parallel.* | grep -c '^200$')
expect_status 20 "parallel requests all succeed"

request GET /metrics
expect_status 200 "metrics"
expect_out 'bounceback_records_total{reason="expired"}' "the parallel decodes are counted"
expect_out 'bounceback_http_requests_total{endpoint="decode",status="200"}' "requests counted"
expect_out 'bounceback_decode_seconds_bucket{le="+Inf"}' "latency histogram"
expect_out 'bounceback_records_total{reason="userunknown"}' "records by reason"

# Garbage and idle connections must not stall anyone else.
port=${base##*:}
printf 'NONSENSE \x01\x02\r\n\r\n' | curl -s --max-time 5 "telnet://127.0.0.1:$port" >/dev/null 2>&1
idle=()
for _ in $(seq 100); do
  exec {fd}<>"/dev/tcp/127.0.0.1/$port" && idle+=("$fd")
done
request GET /healthz
expect_status 200 "still serving beside 100 idle connections and a garbage request"
for fd in "${idle[@]}"; do exec {fd}>&-; done

request GET /healthz -H "X-Padding: $(head -c 40000 /dev/zero | tr '\0' a)"
expect_status 431 "headers over the 32 KiB a connection may hold are refused"
request GET /healthz
expect_status 200 "and the server goes on"

stop_server
expect_status 0 "SIGTERM stops the server cleanly"
expect_err_log "stopping on SIGTERM" "the stop is reported"

BOUNCEBACK_TOKEN=envtoken start_server --db "sqlite:$work/bounces.db" --max-body 1000
request DELETE /v1/suppressions/nobody@example.com -H 'Authorization: Bearer s3cret'
expect_status 401 "the token comes from BOUNCEBACK_TOKEN"
request DELETE /v1/suppressions/nobody@example.com -H 'Authorization: Bearer envtoken'
expect_status 404 "the environment's token is accepted"
request POST /v1/decode --data-binary "@$EXAMPLES/bounces/postfix-user-unknown.eml"
expect_status 413 "a 2 KB message over --max-body 1000"
request POST /v1/decode --data-binary "@$EXAMPLES/bounces/postfix-user-unknown.eml" -H 'Transfer-Encoding: chunked'
expect_status 413 "a chunked body, whose size is not announced, is cut off too"
stop_server

start_server --db "sqlite:$work/bounces.db"
request GET /v1/events
expect_status 200 "without --token, reading asks for none"
stop_server

start_server --no-store
request GET /v1/suppressions
expect_status 404 "no store, no suppressions"
expect_out "--no-store" "the error says why"
request POST '/v1/decode?store=1' --data-binary "@$EXAMPLES/bounces/postfix-user-unknown.eml"
expect_status 400 "no store, no storing"
stop_server

# drip PORT HEAD: sends HEAD, then one byte every quarter second for up to 10 s; leaves in $status
# the whole seconds it took the server to cut the connection off (10 when it never did).
drip() {
  local fd started=$SECONDS
  exec {fd}<>"/dev/tcp/127.0.0.1/$1"
  status=10
  (
    trap '' PIPE
    printf '%b' "$2" >&"$fd"
    for _ in $(seq 40); do
      printf a >&"$fd" 2>/dev/null || exit 0
      sleep 0.25
    done
    exit 1
  ) && status=$((SECONDS - started))
  exec {fd}>&-
}

# A client that trickles its request never looks idle; --timeout bounds the headers and the body.
start_server --no-store --timeout 2
port=${base##*:}
drip "$port" 'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: '
checks=$((checks + 1))
[ "$status" -le 5 ] || fail "headers trickled in for ${status} s were not cut off after --timeout 2"
drip "$port" 'POST /v1/decode HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n'
checks=$((checks + 1))
[ "$status" -le 5 ] || fail "a body trickled in for ${status} s was not cut off after --timeout 2"
request GET /healthz
expect_status 200 "the server serves on after cutting slow clients off"
request POST /v1/decode --data-binary "@$EXAMPLES/bounces/gmail-delay.eml"
expect_status 200 "a prompt request on the same server is answered"
stop_server

# A fixed pool of workers: --threads 3 runs the same threads under twenty clients at once, each
# worker listening on the same port; a second server cannot take that port over.
start_server --no-store --threads 3
run serve --no-store --listen "127.0.0.1:${base##*:}"
expect_status 1 "a port in use is refused, though the workers share theirs"
expect_err "cannot listen on 127.0.0.1:${base##*:}" "the error names the address"
threads_at_rest=$(ls "/proc/$server_pid/task" | wc -l)
clients=()
for i in $(seq 20); do
  curl -s --max-time 10 -o /dev/null --data-binary "@$EXAMPLES/bounces/gmail-delay.eml" "$base/v1/decode" &
  clients+=($!)
done
threads_busy=$(ls "/proc/$server_pid/task" | wc -l)
wait "${clients[@]}"
status=$threads_busy
expect_status "$threads_at_rest" "no thread is started per connection"

# Connections over --max-connections wait in the backlog until one closes.
start_server --no-store --threads 1 --max-connections 3
port=${base##*:}
held=()
for _ in 1 2 3; do
  exec {fd}<>"/dev/tcp/127.0.0.1/$port" && held+=("$fd")
done
sleep 0.5
# The client must not inherit the held sockets, or closing them here would not close them.
(
  for fd in "${held[@]}"; do exec {fd}>&-; done
  exec curl -s --max-time 10 -o "$work/queued" -w '%{http_code}' "$base/healthz" >"$work/queued.status"
) &
queued=$!
sleep 1
checks=$((checks + 1))
kill -0 "$queued" 2>/dev/null || fail "a fourth connection was served beside --max-connections 3"
for fd in "${held[@]}"; do exec {fd}>&-; done
wait "$queued"
status=$(cat "$work/queued.status")
expect_status 200 "the waiting connection is served once another closes"
stop_server

# Loopback unless told otherwise: with no --listen the server binds 127.0.0.1:8025 only
# (checked when nothing else holds the port; 1F59 is 8025, 0100007F is 127.0.0.1, 0A listening).
run serve --help
expect_out "127.0.0.1:8025" "the documented default address"
if ! grep -q ':1F59 00000000:0000 0A' /proc/net/tcp /proc/net/tcp6 2>/dev/null; then
  (cd "$work" && exec "$BIN" serve --no-store 2>"$work/default.log") &
  server_pid=$!
  for _ in $(seq 50); do
    grep -q 'listening on' "$work/default.log" && break
    sleep 0.1
  done
  if grep -q 'listening on http://127.0.0.1:8025/' "$work/default.log"; then
    checks=$((checks + 1))
    grep -q ' 0100007F:1F59 00000000:0000 0A' /proc/net/tcp || fail "the default is not bound to 127.0.0.1:8025"
    checks=$((checks + 1))
    ! grep -q ' 00000000:1F59 00000000:0000 0A' /proc/net/tcp || fail "the default listens on every address"
  fi
  stop_server
fi

run serve --listen nowhere:80
expect_status 2 "a bad --listen is a usage error"
expect_err "--listen" "the error names the option"

run serve --no-store --db "sqlite:$work/other.db"
expect_status 2 "--no-store and --db contradict each other"

finish
