#!/usr/bin/env bash
# The bounce store from the command line: decode --store, suppressions list/export/lift, ingest.
source "$(dirname "$0")/lib/assert.bash"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ex=$EXAMPLES/bounces
db="sqlite:$tmp/bounces.db"

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

# Decoding the same messages again stores nothing new.
run decode --store "$db" --format jsonl "$ex"
expect_status 0 "decode --store twice"
run suppressions list --db "$db" --format csv
expect_out ",1,0,1,0" "the counts did not double"

run suppressions lift --db "$db" Jane.Doe@example.com
expect_status 0 "lift, in any letter case"
run suppressions lift --db "$db" jane.doe@example.com
expect_status 1 "nothing left to lift"
expect_err "not on the suppression list" "says why"

run decode --store "sqlite:/proc/nonexistent/x.db" "$ex"
expect_status 1 "an unusable store fails decode"
expect_err "/proc/nonexistent/x.db" "and names it"

# ingest: one message on stdin, sysexits exit codes for the MTA.
ingest_db="sqlite:$tmp/ingest.db"
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

run_stdin "$(cat "$ex/postfix-user-unknown.eml")" ingest --db "sqlite:/proc/nonexistent/x.db"
expect_status 75 "an unwritable store is EX_TEMPFAIL: the MTA retries"

run_stdin "$(cat "$ex/postfix-user-unknown.eml")" ingest --db "$ingest_db" --max-message-size 100
expect_status 65 "over the size limit is EX_DATAERR"
expect_err "max-message-size" "the refusal names the option"

# Eight MTA deliveries at once into a new database: each waits its turn, none is lost.
parallel_db="sqlite:$tmp/parallel.db"
for i in 1 2 3 4 5 6 7 8; do
  sed "s/jane.doe@example.com/p$i@example.com/g" "$ex/postfix-user-unknown.eml" |
    "$BIN" ingest --db "$parallel_db" 2>/dev/null &
done
wait
run suppressions list --db "$parallel_db"
expect_lines 8 "concurrent ingests all stored"

run ingest --no-such-option
expect_status 64 "usage is EX_USAGE"

finish
