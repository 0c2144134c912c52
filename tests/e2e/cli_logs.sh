#!/usr/bin/env bash
# bounceback logs over Postfix, Exim, Sendmail and OpenSMTPD logs, plain, gzip and stdin.
source "$(dirname "$0")/lib/assert.bash"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fx=$FIXTURES/logs
# Syslog dates are local time: read them in UTC so the expected timestamps hold anywhere.
export TZ=UTC

run logs --format jsonl "$fx/postfix.log"
expect_status 0 "a Postfix log"
expect_lines 9 "failures and delays only"
expect_out '"source":"'"$fx"'/postfix.log:5"' "source is FILE:LINE"
expect_out '"recipient":"jane.doe@example.com"' "the failed address"
expect_out '"sender":"news@shop.example"' "the sender joined from qmgr"
expect_out '"original_message_id":"<spring-2026-0042@shop.example>"' "the Message-ID joined from cleanup"
expect_out '"reason":"userunknown"' "classified"
expect_out '"decoder":"postfix-log"' "decoder name"
expect_out '"timestamp":"2026-03-10T09:12:44Z"' "syslog date with the file's year"
expect_out '"reason":"expired"' "qmgr expiry bounces the deferred recipient"
expect_out '"summary":"The address jane.doe@example.com does not exist' "explained"
expect_out_not '"kind":"delivered"' "no deliveries by default"
expect_err "21 lines read, 9 records, 3 skipped lines, 2 unrecognised lines, 2 malformed lines" "the stderr summary"
expect_err "postfix.log:18: a postfix delivery line without a recipient" "a malformed line with its number"

run logs --format jsonl --include-delivered "$fx/postfix.log"
expect_lines 10 "deliveries on request"
expect_out '"kind":"delivered"' "the sent line"
expect_out '"remote_ip":"2001:db8::25"' "IPv6 relay"

run logs --format jsonl "$fx/exim_mainlog" "$fx/sendmail.log" "$fx/opensmtpd.log"
expect_status 0 "three MTAs at once"
expect_out '"decoder":"exim-log"' "Exim"
expect_out '"decoder":"sendmail-log"' "Sendmail"
expect_out '"decoder":"opensmtpd-log"' "OpenSMTPD"
expect_out '"timestamp":"2026-03-10T08:13:01Z"' "Exim log_timezone"
expect_out '"recipient":"ann@example.net"' "Sendmail's second address of a to= list"

# Exim through syslog with its own date (syslog_timestamp), RFC 5424 frames, a deferral that opens
# its message, Sendmail's local mailboxes; every line counted.
run logs --format jsonl "$fx/exim_syslog.log"
expect_lines 4 "Exim's dated syslog lines"
expect_out '"recipient":"rcpt-d@example.org"' "the bounce after Exim's own date"
expect_out '"sender":"dora@example.com"' "the dated arrival line opened the message"
expect_out_not 'ex-defer@example.net' "retry time not reached: no delivery was tried"
expect_err "8 lines read, 4 records, 2 skipped lines, 1 unrecognised line, 0 malformed lines" "every line counted"
run logs --format jsonl "$fx/rfc5424.log"
expect_out '"recipient":"frank@example.com"' "an RFC 5424 line"
expect_out '"reason":"authfailure"' "Gmail's DMARC refusal"
expect_out '"timestamp":"2026-11-29T22:31:00Z"' "the RFC 5424 date with its zone"
run logs --format jsonl "$fx/postfix_midqueue.log"
expect_out '"source":"'"$fx"'/postfix_midqueue.log:4"' "expiry of a message first seen deferred"
expect_err "1 unrecognised line" "the rest of a split reply"
run logs --format jsonl "$fx/sendmail_local.log"
expect_out '"recipient":"localuser"' "a local mailbox as Sendmail wrote it"
expect_out '"recipient":"root"' "root through sm-msp-queue"

# gzip-compressed rotated logs, by content not by name; and standard input.
gzip -c "$fx/postfix.log" >"$tmp/mail.log.2.gz"
cp "$tmp/mail.log.2.gz" "$tmp/renamed"
run logs --format jsonl "$tmp/mail.log.2.gz" "$tmp/renamed"
expect_status 0 "gzip"
expect_lines 18 "both compressed copies"
expect_out "mail.log.2.gz:5" "line numbers of the uncompressed text"
run_stdin "$(cat "$fx/sendmail.log")" logs --format jsonl -
expect_status 0 "stdin"
expect_out '"source":"-:2"' "stdin source"

# The other formats.
run logs --format csv "$fx/postfix.log"
expect_out "source,kind,recipient" "csv header"
run logs --format json "$fx/opensmtpd.log"
expect_out "[" "json array"
python3 -c 'import json,sys; assert len(json.load(sys.stdin)) == 2' <<<"$out" || fail "json is not a 2-record array"
checks=$((checks + 1))
run logs --format text "$fx/opensmtpd.log"
expect_out "jane.doe@example.com" "text names the recipient"

# The morning summary.
run logs --summary "$fx/postfix.log" "$fx/exim_mainlog"
expect_status 0 "summary"
expect_out "By reason:" "reasons"
expect_out "By recipient domain:" "domains"
expect_out "By remote host:" "hosts"
expect_out "Most frequent diagnostics:" "diagnostics"
expect_out "<address>" "addresses are folded in diagnostics"
run logs --summary --format json "$fx/postfix.log"
python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["bounced"] == 7 and d["reasons"]' <<<"$out" ||
  fail "summary json"
checks=$((checks + 1))

# A missing file: reported, the others still read, exit 1.
run logs --format jsonl "$tmp/missing.log" "$fx/opensmtpd.log"
expect_status 1 "a missing input fails the run"
expect_lines 2 "the other input is still read"
expect_err "missing.log" "the missing input is named"
run logs
expect_status 2 "no file is a usage error"

# Streaming: ~200 MB through a pipe, 1.5 million queue ids (the open-message map must stay capped),
# a bounce every 1000 lines; peak memory stays small.
generate() {
  awk 'BEGIN {
    for (i = 0; i < 1500000; i++) {
      printf "Mar 10 09:12:40 mail1 postfix/qmgr[880]: %010X: from=<news@shop.example>, size=4821, nrcpt=1 (queue active) padding padding padding\n", i
      if (i % 1000 == 0)
        printf "Mar 10 09:12:44 mail1 postfix/smtp[2110]: %010X: to=<u%d@example.com>, relay=mx.example.com[192.0.2.1]:25, dsn=5.1.1, status=bounced (host mx.example.com[192.0.2.1] said: 550 5.1.1 User unknown (in reply to RCPT TO command))\n", i, i
    }
  }'
}
if [ -x /usr/bin/time ]; then
  generate | /usr/bin/time -f '%M' -o "$tmp/rss" "$BIN" logs --format jsonl - >"$tmp/big.jsonl" 2>"$tmp/big.err"
  status=$?
  expect_status 0 "a large log"
  checks=$((checks + 1))
  [ "$(wc -l <"$tmp/big.jsonl")" -eq 1500 ] || fail "expected 1500 records from the large log"
  checks=$((checks + 1))
  grep -q '"sender":"news@shop.example"' "$tmp/big.jsonl" || fail "joins still work with a full map"
  rss=$(tail -n 1 "$tmp/rss")
  # AddressSanitizer's shadow memory and quarantine say nothing about the program's own.
  if ldd "$BIN" 2>/dev/null | grep -q libasan; then
    echo "skip: sanitizer build, no peak-memory check"
  else
    checks=$((checks + 1))
    [ "$rss" -lt 131072 ] || fail "peak RSS ${rss} KB for a streamed log"
  fi
else
  echo "skip: /usr/bin/time is absent, no peak-memory check"
fi

finish
