#!/usr/bin/env bash
# Debian's Postfix delivers its own bounces to bounceback, both ways the README describes: the
# pipe(8) transport running `bounceback ingest`, and LMTP to `bounceback serve --lmtp`. A
# throwaway Postfix instance (own config, queue and data directories, SMTP on a free loopback
# port only) is told to mail a local user who does not exist; Postfix bounces the message to its
# sender, a bounce address routed to bounceback; the suppression list must then hold the user.
# Skips (77) only when it cannot run Postfix: not root, or Postfix not installed.
source "$(dirname "$0")/lib/assert.bash"

if [ "$(id -u)" -ne 0 ]; then
  echo "SKIP: Postfix needs root to start" >&2
  exit 77
fi
if ! command -v postfix >/dev/null || ! command -v postconf >/dev/null || ! id postfix >/dev/null 2>&1; then
  echo "SKIP: Postfix is not installed (apt-get install postfix)" >&2
  exit 77
fi

work=$(mktemp -d)
chmod 755 "$work"  # pipe(8) runs bounceback as an unprivileged user, who must reach it
etc=$work/etc
serve_pid=
postfix_started=

cleanup() {
  if [ -n "$postfix_started" ]; then
    local master
    master=$(tr -dc 0-9 <"$work/spool/pid/master.pid" 2>/dev/null)
    postfix -c "$etc" stop >/dev/null 2>&1 || postfix -c "$etc" abort >/dev/null 2>&1
    # Do not remove the queue under a master that is still stopping its children.
    for _ in $(seq 100); do [ -n "$master" ] && kill -0 "$master" 2>/dev/null || break; sleep 0.1; done
  fi
  if [ -n "$serve_pid" ]; then
    kill -TERM "$serve_pid" 2>/dev/null
    wait "$serve_pid" 2>/dev/null
  fi
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# The binary where the pipe's unprivileged user can run it, and a store it can write.
install -d -m 755 "$work/bin" "$etc" "$work/spool"
install -d -o postfix -m 700 "$work/data"
install -d -m 777 "$work/pipe-store"
install -m 755 "$BIN" "$work/bin/bounceback"
pipe_db="sqlite:$work/pipe-store/bounceback.db"
lmtp_db="sqlite:$work/lmtp.db"

# The LMTP side: serve with LMTP only.
"$BIN" serve --no-http --lmtp 127.0.0.1:0 --db "$lmtp_db" 2>"$work/serve.log" &
serve_pid=$!
lmtp_port=
for _ in $(seq 100); do
  lmtp_port=$(grep -o 'LMTP listening on [^ ]*' "$work/serve.log" | grep -o '[0-9]*$')
  [ -n "$lmtp_port" ] && break
  sleep 0.1
done
if [ -z "$lmtp_port" ]; then
  echo "FAIL: bounceback serve --lmtp did not start: $(cat "$work/serve.log")" >&2
  exit 1
fi

smtp_port=$(free_port)
domain=mx.bounceback.test

# main.cf: everything under $work, nothing shared with a system Postfix, no DNS needed.
cat >"$etc/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $work/spool
data_directory = $work/data
mail_owner = postfix
setgid_group = postdrop
syslog_name = postfix-bounceback-test
maillog_file = $work/maillog
maillog_file_prefixes = $work
myhostname = $domain
mydomain = bounceback.test
myorigin = \$myhostname
mydestination = \$myhostname
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject
# Accept mail for any local part, so that local(8) itself finds the user missing and bounces.
local_recipient_maps =
alias_maps =
alias_database =
relayhost =
smtp_host_lookup = native
lmtp_host_lookup = native
smtp_dns_support_level = disabled
transport_maps = texthash:$etc/transport
bounce_queue_lifetime = 1h
maximal_queue_lifetime = 1h
EOF

# The README's master.cf lines, with this test's paths; every other service unchrooted.
cat >"$etc/master.cf" <<EOF
127.0.0.1:$smtp_port inet n - n - - smtpd
pickup     unix  n - n 60   1 pickup
cleanup    unix  n - n -    0 cleanup
qmgr       unix  n - n 300  1 qmgr
rewrite    unix  - - n -    - trivial-rewrite
bounce     unix  - - n -    0 bounce
defer      unix  - - n -    0 bounce
trace      unix  - - n -    0 bounce
verify     unix  - - n -    1 verify
flush      unix  n - n 1000? 0 flush
proxymap   unix  - - n -    - proxymap
proxywrite unix  - - n -    1 proxymap
smtp       unix  - - n -    - smtp
relay      unix  - - n -    - smtp
showq      unix  n - n -    - showq
error      unix  - - n -    - error
retry      unix  - - n -    - error
discard    unix  - - n -    - discard
local      unix  - n n -    - local
lmtp       unix  - - n -    - lmtp
anvil      unix  - - n -    1 anvil
scache     unix  - - n -    1 scache
postlog    unix-dgram n - n - 1 postlogd
bounceback unix  - n n -    4 pipe
  flags=Rq user=nobody argv=$work/bin/bounceback ingest --db $pipe_db
EOF

# The bounce addresses, one per way in.
cat >"$etc/transport" <<EOF
bounces-pipe@$domain bounceback:
bounces-lmtp@$domain lmtp:inet:127.0.0.1:$lmtp_port
EOF

# `postfix check` creates the queue directories with their owners. Postfix reports to syslog or,
# failing that, to maillog_file.
postfix -c "$etc" check >"$work/postfix-start.log" 2>&1
if ! postfix -c "$etc" start >>"$work/postfix-start.log" 2>&1; then
  echo "FAIL: Postfix did not start: $(cat "$work/postfix-start.log" "$work/maillog" 2>/dev/null)" >&2
  exit 1
fi
postfix_started=yes

# Mail from each bounce address to a missing local user, over SMTP to this instance only.
send_mail() {
  python3 - "$smtp_port" "$1" "$2" <<'PY'
import smtplib, sys, time
port, sender, recipient = int(sys.argv[1]), sys.argv[2], sys.argv[3]
message = f"From: <{sender}>\r\nTo: <{recipient}>\r\nSubject: newsletter\r\n\r\nHello.\r\n"
for attempt in range(50):  # smtpd may take a moment after `postfix start`
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=30) as smtp:
            smtp.sendmail(sender, [recipient], message)
        sys.exit(0)
    except (ConnectionRefusedError, smtplib.SMTPServerDisconnected):
        time.sleep(0.2)
sys.exit(1)
PY
}
send_mail "bounces-pipe@$domain" "missing-pipe@$domain"
status=$?
expect_status 0 "Postfix accepted the message for the pipe case"
send_mail "bounces-lmtp@$domain" "missing-lmtp@$domain"
status=$?
expect_status 0 "Postfix accepted the message for the LMTP case"

# wait_for_suppression DB ADDRESS: up to 60 s for Postfix to bounce and bounceback to store.
wait_for_suppression() {
  for _ in $(seq 120); do
    run suppressions list --db "$1" --recipient "$2"
    grep -qF "$2  userunknown" <<<"$out" && return 0
    sleep 0.5
  done
  return 1
}
wait_for_suppression "$pipe_db" "missing-pipe@$domain"
expect_out "missing-pipe@$domain  userunknown  1 hard bounce" \
  "pipe(8) -> bounceback ingest: the bounced address is suppressed"
wait_for_suppression "$lmtp_db" "missing-lmtp@$domain"
expect_out "missing-lmtp@$domain  userunknown  1 hard bounce" \
  "lmtp -> bounceback serve --lmtp: the bounced address is suppressed"

# Postfix logged both deliveries as done, not deferred.
for _ in $(seq 20); do
  grep -q "to=<bounces-lmtp@$domain>.*status=sent" "$work/maillog" 2>/dev/null && break
  sleep 0.5
done
out=$(cat "$work/maillog" 2>/dev/null)
expect_out "relay=bounceback, delay=" "the pipe transport ran"
checks=$((checks + 1))
grep -q "to=<bounces-pipe@$domain>, relay=bounceback.*status=sent" <<<"$out" || fail "the pipe delivery succeeded"
checks=$((checks + 1))
grep -q "to=<bounces-lmtp@$domain>, relay=127.0.0.1.*status=sent (250 2.0.0 <bounces-lmtp@$domain> stored: 1 record)" \
  <<<"$out" || fail "Postfix's LMTP client got the per-recipient 250 after the store"

if [ "$failures" -gt 0 ]; then
  echo "--- maillog" >&2
  tail -40 "$work/maillog" >&2 2>/dev/null
  echo "--- serve.log" >&2
  cat "$work/serve.log" >&2
fi
finish
