#!/usr/bin/env bash
# The bounce store from the command line: decode --store, suppressions list/export/lift, ingest.
# SQLite by default; with STORE_BACKEND=postgresql (cli_store_postgres.sh) the same checks run
# against the server that BOUNCEBACK_TEST_PG_URL names, in fresh databases dropped at the end.
source "$(dirname "$0")/lib/assert.bash"
tmp=$(mktemp -d)
backend=${STORE_BACKEND:-sqlite}
prefix="bounceback_e2e_$$_"
cleanup() {
  if [ "$backend" != sqlite ]; then
    psql "$BOUNCEBACK_TEST_PG_URL" -qAt -c "SELECT datname FROM pg_database WHERE starts_with(datname, '$prefix')" |
      while read -r name; do
        psql "$BOUNCEBACK_TEST_PG_URL" -qAt -c "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)" >/dev/null
      done
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

# new_db NAME: the URL of a new, empty store.
new_db() {
  if [ "$backend" = sqlite ]; then
    echo "sqlite:$tmp/$1.db"
    return
  fi
  local base=${BOUNCEBACK_TEST_PG_URL%%\?*} query=
  [ "$base" = "$BOUNCEBACK_TEST_PG_URL" ] || query="?${BOUNCEBACK_TEST_PG_URL#*\?}"
  psql "$BOUNCEBACK_TEST_PG_URL" -qAt -c "CREATE DATABASE \"$prefix$1\"" >/dev/null || exit 1
  echo "${base%/*}/$prefix$1$query"
}

# A store that cannot be used: a missing directory, or a server that is not there (whose
# password must not show in the error).
if [ "$backend" = sqlite ]; then
  unusable="sqlite:/proc/nonexistent/x.db" unusable_named="/proc/nonexistent/x.db"
else
  unusable="postgresql://nobody:s3cret@127.0.0.1:1/nowhere" unusable_named="127.0.0.1"
fi

ex=$EXAMPLES/bounces
db=$(new_db bounces) || exit 1

# decode --store keeps the records and suppresses the hard-bounced address only.
run decode --store "$db" --format jsonl "$ex"
expect_status 0 "decode --store"
expect_lines 4 "the output is unchanged by --store"

run suppressions list --db "$db"
expect_status 0 "list"
expect_lines 1 "one hard bounce among the examples"
expect_out "jane.doe@example.com  userunknown  1 hard bounce" "the hard-bounced address, reason and count"
expect_err "1 suppressed address" "the count on stderr"

run suppressions export --db "$db"
expect_status 0 "export"
expect_out "recipient,domain,reason,first_bounce,last_bounce,bounce_count,soft_count,hard_count,complaint_count" \
  "the CSV header"
expect_out "jane.doe@example.com,example.com,userunknown," "the CSV row"

run suppressions list --db "$db" --format json --domain example.com
expect_out '"recipient":"jane.doe@example.com"' "JSON, filtered by domain"
run suppressions list --db "$db" --domain elsewhere.example
expect_status 0 "an empty list is fine"
expect_lines 0 "nothing at another domain"

# Decoding the same messages again stores nothing new, and the summary says so.
run decode --store "$db" --format jsonl "$ex"
expect_status 0 "decode --store twice"
expect_err "Stored 0 new events; 4 were stored before." "the summary counts what was already stored"
run suppressions list --db "$db" --format csv
expect_out ",1,0,1,0" "the counts did not double"

# More messages than one transaction takes (256): every one stored, duplicates within and across
# transactions stored once.
mkdir "$tmp/many"
for i in $(seq 1 300); do
  sed "s/jane.doe@example.com/many$i@example.com/g" "$ex/postfix-user-unknown.eml" >"$tmp/many/$i.eml"
done
cp "$tmp/many/7.eml" "$tmp/many/7-again.eml"
cp "$tmp/many/299.eml" "$tmp/many/299-again.eml"
many_db=$(new_db many) || exit 1
run decode --store "$many_db" --format jsonl "$tmp/many"
expect_status 0 "decode --store of 302 messages"
run suppressions export --db "$many_db"
expect_lines 301 "300 addresses and the header"
expect_out "many299@example.com,example.com,userunknown," "the last one too"
expect_out_not ",2,0,2,0" "no copy counted twice"

run suppressions lift --db "$db" ' <Jane.Doe@example.com> '
expect_status 0 "lift, as copied from a bounce: brackets, blanks, any letter case"
expect_err "Lifted the suppression of jane.doe@example.com." "named as the store keeps it"
run suppressions lift --db "$db" jane.doe@example.com
expect_status 1 "nothing left to lift"
expect_err "not on the suppression list" "says why"

# The store as an operator meets it (probe 9): one report delivered again in other bytes, a
# complaint followed by a delivery, and our own IP blocklisted.
fx=$FIXTURES/store
cases_db=$(new_db cases) || exit 1
run decode --store "$cases_db" --format jsonl "$fx/carol-gmail-mailbox-full.eml"
expect_err "Stored 1 new event; 0 were stored before." "the first copy of carol's bounce is new"
{ printf 'Received: from mta1.shop.example (mta1.shop.example [198.51.100.10])\n\tby mx-in2.bounces.shop.example\n'
  cat "$fx/carol-gmail-mailbox-full.eml"; } >"$tmp/carol-redelivered.eml"
sed 's/$/\r/' "$fx/carol-gmail-mailbox-full.eml" >"$tmp/carol-crlf.eml"
run decode --store "$cases_db" --format jsonl "$tmp/carol-redelivered.eml" "$tmp/carol-crlf.eml"
expect_status 0 "decode --store of the copies"
expect_err "Stored 0 new events; 2 were stored before." "copies with other bytes are the same report"
run_stdin "$(cat "$tmp/carol-redelivered.eml")" ingest --db "$cases_db"
expect_status 0 "ingest of a copy"
expect_err "stored before" "ingest knows the report too"
run suppressions list --db "$cases_db" --recipient carol@example.com
expect_lines 0 "one mailbox-full bounce, however often delivered, suppresses nobody"

run decode --store "$cases_db" --format jsonl "$fx/erin-yahoo-arf-complaint.eml" "$fx/olga-ses-complaint.json"
run decode --store "$cases_db" --format jsonl "$fx/erin-delivered-dsn.eml" "$fx/olga-ses-delivery.json"
run suppressions list --db "$cases_db" --format csv
expect_out "erin@example.com,example.com,feedback," "erin's complaint outlives a later delivery"
expect_out "olga@example.com,example.com,feedback," "so does olga's, over SES"
run suppressions lift --db "$cases_db" erin@example.com
expect_status 0 "only a lift removes a complaint"

run decode --store "$cases_db" --format jsonl "$fx"/gina-spamhaus-block-day2*.eml
expect_err "Stored 3 new events" "three refusals of our IP by Spamhaus"
run suppressions list --db "$cases_db" --recipient gina@example.com
expect_lines 0 "our blocklisting does not suppress the recipient"

run decode --store "$unusable" "$ex"
expect_status 1 "an unusable store fails decode"
expect_err "$unusable_named" "and names it"
if [ "$backend" != sqlite ]; then
  run suppressions list --db "$unusable"
  expect_status 1 "list fails too"
  expect_err "nowhere" "naming the database"
  checks=$((checks + 1))
  # shellcheck disable=SC2154 # err is set by run()
  [[ "$err" != *s3cret* ]] || fail "the password shows in the error"
fi

# ingest: one message on stdin, sysexits exit codes for the MTA.
ingest_db=$(new_db ingest) || exit 1
run_stdin "$(cat "$ex/postfix-user-unknown.eml")" ingest --db "$ingest_db"
expect_status 0 "ingest stores a bounce"
run_stdin "$(cat "$ex/postfix-user-unknown.eml")" ingest --db "$ingest_db"
expect_status 0 "a duplicate is still success"
expect_err "stored before" "and says so"
run suppressions list --db "$ingest_db"
expect_lines 1 "stored once"

run_stdin $'From: jane@example.com\nSubject: lunch?\n\nNoon?\n' ingest --db "$ingest_db"
expect_status 0 "a message that is not a report is accepted"
expect_err "not a delivery report" "and says so"

run_stdin "$(cat "$ex/postfix-user-unknown.eml")" ingest --db "$unusable"
expect_status 75 "an unwritable store is EX_TEMPFAIL: the MTA retries"

run_stdin "$(cat "$ex/postfix-user-unknown.eml")" ingest --db "$ingest_db" --max-message-size 100
expect_status 65 "over the size limit is EX_DATAERR"
expect_err "max-message-size" "the refusal names the option"

# Eight MTA deliveries at once into a new database: each waits its turn, none is lost.
parallel_db=$(new_db parallel) || exit 1
for i in 1 2 3 4 5 6 7 8; do
  { sed "s/jane.doe@example.com/p$i@example.com/g" "$ex/postfix-user-unknown.eml" |
      "$BIN" ingest --db "$parallel_db" 2>"$tmp/parallel.err$i"; echo "ingest $i: exit $?" >>"$tmp/parallel.exits"; } &
done
wait
run suppressions list --db "$parallel_db"
expect_lines 8 "concurrent ingests all stored"
# What each ingest said, should one be lost (eight at once on a new database once lost seven: the
# WAL switch, now retried; see OpenStore.ManyProcessesOpeningANewSqliteFileAllSucceed).
[ "$(grep -c . <<<"$out")" -eq 8 ] || { cat "$tmp/parallel.exits" "$tmp"/parallel.err*; echo "$out"; } >&2

run ingest --no-such-option
expect_status 64 "usage is EX_USAGE"

finish
