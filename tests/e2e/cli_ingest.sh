#!/usr/bin/env bash
# bounceback ingest as an MTA pipe transport runs it: one message on stdin, a sysexits exit code.
source "$(dirname "$0")/lib/assert.bash"
FIXTURES=${FIXTURES:-$(cd "$(dirname "$0")/../fixtures" && pwd)}
bounce=$FIXTURES/lmtp/postfix-local-unknown-user.eml

tmp=$(mktemp -d)
lock_pid=
trap '[ -z "$lock_pid" ] || kill "$lock_pid" 2>/dev/null; rm -rf "$tmp"' EXIT
db="sqlite:$tmp/ingest.db"

# ingest_file FILE ARGS...: runs ingest with FILE on standard input, byte for byte.
ingest_file() {
  local file=$1
  shift
  "$BIN" ingest "$@" <"$file" >"$tmp/out" 2>"$tmp/err"
  status=$?
  out=$(cat "$tmp/out") err=$(cat "$tmp/err")
}

# 0: stored.
ingest_file "$bounce" --db "$db"
expect_status 0 "a bounce is stored"
run suppressions list --db "$db"
expect_out "no.such.user@mx.lmtp.test  userunknown  1 hard bounce" "and its address suppressed"

# 0: the same bytes again (an MTA that retries after a lost reply) store nothing new.
ingest_file "$bounce" --db "$db"
expect_status 0 "a duplicate is success"
expect_err "stored before" "and says so"
run suppressions list --db "$db" --format csv
expect_out ",1,0,1,0" "counted once"

# 0: CRLF line ends, as some MTAs pipe them.
sed 's/no.such.user/crlf.user/g; s/$/\r/' "$bounce" >"$tmp/crlf.eml"
ingest_file "$tmp/crlf.eml" --db "$db"
expect_status 0 "CRLF line ends"
run suppressions list --db "$db" --recipient crlf.user@mx.lmtp.test
expect_lines 1 "the CRLF bounce is decoded and stored"

# 0 with a note: a readable message that holds no bounce. Refusing it would bounce it back to
# the bounce address: a mail loop.
ingest_file "$FIXTURES/lmtp/not-a-bounce.eml" --db "$db"
expect_status 0 "a message that is not a report is accepted"
expect_err "not a delivery report: accepted, nothing stored" "and accounted on stderr"

# 65: input that can never be processed.
ingest_file /dev/null --db "$db"
expect_status 65 "empty input is EX_DATAERR"
expect_err "the message is empty" "says why"
printf '\n\r\n  \n' >"$tmp/blank.eml"
ingest_file "$tmp/blank.eml" --db "$db"
expect_status 65 "blank input is EX_DATAERR too"
ingest_file "$bounce" --db "$db" --max-message-size 100
expect_status 65 "over --max-message-size is EX_DATAERR"
expect_err "max-message-size" "the refusal names the option"

# 75: the store cannot take it now; the MTA keeps the message and retries.
ingest_file "$bounce" --db "sqlite:/proc/nonexistent/x.db"
expect_status 75 "an unreachable store is EX_TEMPFAIL"
expect_err "/proc/nonexistent/x.db" "names the store"
expect_err "retries" "and says what happens next"
echo "this is not a database" >"$tmp/garbage.db"
ingest_file "$bounce" --db "sqlite:$tmp/garbage.db"
expect_status 75 "a store that is not a database is EX_TEMPFAIL: someone must fix it, the mail waits"

python3 - "$tmp/ingest.db" <<'PY' &
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN EXCLUSIVE")
open(sys.argv[1] + ".locked", "w").close()
time.sleep(60)
PY
lock_pid=$!
for _ in $(seq 100); do [ -e "$tmp/ingest.db.locked" ] && break; sleep 0.1; done
sed 's/no.such.user/busy.user/g' "$bounce" >"$tmp/busy.eml"
ingest_file "$tmp/busy.eml" --db "$db"
expect_status 75 "a store busy past its timeout is EX_TEMPFAIL"
kill "$lock_pid"
wait "$lock_pid" 2>/dev/null
lock_pid=
ingest_file "$tmp/busy.eml" --db "$db"
expect_status 0 "the MTA's retry stores it"
run suppressions list --db "$db" --recipient busy.user@mx.lmtp.test
expect_lines 1 "nothing was lost"

# 64: the MTA's command line is wrong.
run ingest --db
expect_status 64 "a missing value is EX_USAGE"

finish
