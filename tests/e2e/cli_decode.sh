#!/usr/bin/env bash
# bounceback decode over files, folders, Maildir, mbox and stdin.
source "$(dirname "$0")/lib/assert.bash"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ex=$EXAMPLES/bounces

run decode --format jsonl "$ex/postfix-user-unknown.eml"
expect_status 0 "one Postfix bounce"
expect_lines 1 "one record"
expect_out '"recipient":"jane.doe@example.com"' "the failed address"
expect_out '"reason":"userunknown"' "user unknown"
expect_out '"hard_bounce":true' "hard"
expect_out '"command":"RCPT"' "the failed command from the notice"
expect_out '"sender":"news@shop.example"' "the bounced message's sender"
expect_out '"original_message_id":"<spring-2026-000123@shop.example>"' "the bounced message's id"
expect_out '"decoder":"postfix"' "the Postfix format decoded it"

run decode --format jsonl "$ex"
expect_status 0 "a folder"
expect_lines 4 "one record per example"
expect_out '"reason":"mailboxfull"' "Exim full mailbox"
expect_out '"reason":"blocked"' "qmail blocklist"
expect_out '"zone":"zen.spamhaus.org"' "blocklist zone"
expect_out '"listed_ip":"192.0.2.44"' "blocklist IP"
expect_out '"kind":"delay"' "Gmail delay"
expect_err "4 messages" "the summary counts messages"

# A Maildir: cur/ and new/ are read, tmp/ is not.
mkdir -p "$tmp/Maildir/cur" "$tmp/Maildir/new" "$tmp/Maildir/tmp"
cp "$ex/postfix-user-unknown.eml" "$tmp/Maildir/cur/1.host:2,S"
cp "$ex/exim-mailbox-full.eml" "$tmp/Maildir/new/2.host"
cp "$ex/qmail-blocklisted.eml" "$tmp/Maildir/tmp/3.host"
run decode --format jsonl "$tmp/Maildir"
expect_status 0 "a Maildir"
expect_lines 2 "cur and new, not tmp"

# An mbox of three messages, one of them not a bounce.
{
  for f in postfix-user-unknown.eml exim-mailbox-full.eml; do
    echo "From MAILER-DAEMON Tue Mar 10 09:12:44 2026"
    cat "$ex/$f"
    echo
  done
  echo "From jane@example.com Tue Mar 10 09:12:44 2026"
  printf 'From: jane@example.com\nTo: bob@example.org\nSubject: lunch?\n\n>From the office.\n'
} >"$tmp/box.mbox"
run decode --format jsonl "$tmp/box.mbox"
expect_status 0 "an mbox"
expect_lines 2 "two reports in the mbox"
expect_out "box.mbox#1" "mbox sources are numbered"
expect_out "box.mbox#2" "second message"
expect_err "3 messages" "all three messages are accounted for"

run decode --format jsonl --include-non-reports "$tmp/box.mbox"
expect_lines 3 "the non-report gets a kind none record"
expect_out '"kind":"none"' "kind none"

# The mbox gives the same records as its messages would one by one (bench/mbox_check.py splits it).
checks=$((checks + 1))
python3 "$(dirname "$0")/../../bench/mbox_check.py" "$BIN" "$tmp/box.mbox" "$FIXTURES/io/batch/3-mixed.mbox" \
  >"$tmp/mbox-check" || fail "an mbox decodes differently from its messages: $(cat "$tmp/mbox-check")"

# Same records with CRLF line endings.
sed 's/$/\r/' "$ex/postfix-user-unknown.eml" >"$tmp/crlf.eml"
run decode --format jsonl "$tmp/crlf.eml"
expect_out '"recipient":"jane.doe@example.com"' "CRLF bounce"
expect_out '"reason":"userunknown"' "CRLF reason"

# Standard input.
run_stdin "$(cat "$ex/exim-mailbox-full.eml")" decode --format jsonl -
expect_status 0 "stdin"
expect_out '"source":"-"' "stdin source"
expect_out '"recipient":"tom@mail.example.org"' "stdin recipient"

# Other formats.
run decode --format csv "$ex"
expect_status 0 "csv"
expect_out "source,kind,recipient" "csv header"
run decode --format json "$ex"
expect_status 0 "json"
expect_out "[" "json array"
run decode --format text "$ex/qmail-blocklisted.eml"
expect_status 0 "text"
expect_out "ops@partner.example.net" "text names the recipient"

# Threads do not change the output.
"$BIN" decode --format jsonl --threads 1 "$ex" "$tmp/box.mbox" >"$tmp/t1" 2>/dev/null
"$BIN" decode --format jsonl --threads 3 "$ex" "$tmp/box.mbox" >"$tmp/t3" 2>/dev/null
checks=$((checks + 1))
cmp -s "$tmp/t1" "$tmp/t3" || fail "output differs between 1 and 3 threads"

# An mbox from a pipe that hands it over a few bytes at a time gives the records it gives as a file.
"$BIN" decode --format jsonl --threads 2 "$tmp/box.mbox" 2>/dev/null | sed "s|$tmp/box.mbox#|-#|g" >"$tmp/from-file"
python3 -c '
import os, sys, time
data = open(sys.argv[1], "rb").read()
for at in range(0, len(data), 3):
    os.write(1, data[at:at + 3])
    if at % 300 == 0: time.sleep(0.001)
' "$tmp/box.mbox" | "$BIN" decode --format jsonl --threads 2 - >"$tmp/from-pipe" 2>/dev/null
checks=$((checks + 1))
[[ -s "$tmp/from-file" ]] && cmp -s "$tmp/from-file" "$tmp/from-pipe" || fail "an mbox read from a pipe decodes differently"

# A missing input is reported, the rest is decoded, exit 1.
run decode --format jsonl "$tmp/missing.eml" "$ex/postfix-user-unknown.eml"
expect_status 1 "a missing input fails the run"
expect_lines 1 "the other input is still decoded"
expect_err "missing.eml" "the summary names the missing input"

# A message over the size limit is refused with the limit named.
run decode --format jsonl --max-message-size 100 "$ex/postfix-user-unknown.eml"
expect_status 1 "over the limit"
expect_err "max-message-size" "the refusal names the option"

run decode
expect_status 2 "no path is a usage error"

finish
