#!/usr/bin/env bash
# bounceback decode on webhook JSON: files, a folder mixing .eml and .json, stdin, broken JSON;
# and bounceback explain on mail-program errors.
source "$(dirname "$0")/lib/assert.bash"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
hooks=$FIXTURES/webhook

run decode --format jsonl "$hooks/sendgrid-events.json"
expect_status 0 "a SendGrid event array"
expect_lines 6 "one record per delivery event, the open skipped"
expect_out '"decoder":"sendgrid"' "the SendGrid reader decoded it"
expect_out '"provider_type":"bounce","provider_subtype":"blocked"' "SendGrid's own classification kept"
expect_out '"reason":"suppressed"' "a dropped event is SendGrid's suppression list"
expect_err "1 event not about a delivery failure gave no record: open (1)" "the open is counted, not lost"

# A drop's reason decides: an opt-out is never to be lifted, a spam-check drop keeps the address.
run decode "$hooks/sendgrid-dropped.json"
expect_status 0 "SendGrid drops of every reason"
expect_out "because the person unsubscribed: they asked for no more mail" "an unsubscribe told as one"
expect_out "Keep it on your sending service's suppression list" "and never lifted"
expect_out "Your sending service's own spam check" "SendGrid's spam checker"
expect_out_not "remove it from your sending service's suppression list" "no advice to lift a suppression"
expect_err "group_unsubscribe (1), open (1)" "the events with no record named"

# Capture tools: a byte order mark, one event per line.
run decode --format jsonl "$hooks/sendgrid-bom.json"
expect_status 0 "JSON after a UTF-8 byte order mark"
expect_out '"decoder":"sendgrid"' "read as webhook JSON, not as a mail message"
run_stdin "$(cat "$hooks/sendgrid-json-lines.json")" decode --format jsonl -
expect_status 0 "JSON lines on stdin"
expect_lines 2 "one record per line"

# Amazon SES refusing to send at all: a record, never silence.
run decode --format jsonl "$hooks/ses-refusals.json"
expect_status 0 "SES Reject and Rendering Failure"
expect_out '"recipient":"ses-reject@example.org"' "the rejected message's recipient"
expect_out '"reason":"virusdetected"' "Reject is a virus"
expect_out '"original_message_id":"<orig-3@example.com>"' "the sender's own Message-ID"
expect_err "Open (1), Subscription (1)" "the other events counted"

# A folder of mail and JSON: both decoded, side by side.
cp "$EXAMPLES/bounces/postfix-user-unknown.eml" "$tmp/"
cp "$hooks/ses-sns-bounce.json" "$hooks/postmark-hard-bounce.json" "$tmp/"
run decode --format jsonl "$tmp"
expect_status 0 "a folder of .eml and .json"
expect_lines 4 "one Postfix record, two SES recipients, one Postmark bounce"
expect_out '"decoder":"postfix"' "the mail"
expect_out '"decoder":"ses"' "the SES notification"
expect_out '"decoder":"postmark"' "the Postmark webhook"
expect_out '"provider_subtype":"HardBounce"' "Postmark's bounce type"
expect_err "3 messages" "each file counts once"

run decode --format csv "$tmp/postmark-hard-bounce.json"
expect_status 0 "CSV"
expect_out 'feedback_type,provider_type,provider_subtype,summary' "the new columns after feedback_type"
expect_out ',Bounce,HardBounce,' "their values"

run_stdin "$(cat "$hooks/mailgun-failed-permanent.json")" decode --format jsonl -
expect_status 0 "Mailgun JSON on stdin"
expect_out '"decoder":"mailgun"' "read from stdin"
expect_out '"recipient":"jane.doe@example.com"' "the failed address"

cp "$hooks/malformed.json" "$tmp/"
echo '{"greeting":"hello"}' >"$tmp/unknown.json"
run decode --format jsonl "$tmp"
expect_status 1 "broken JSON is an input that could not be decoded"
expect_lines 4 "the good files still decoded"
expect_err "malformed.json" "the broken file is named"
expect_err "at byte 76" "with the offset of the error"
expect_err "1 other message" "JSON of no known shape is not a report"

# Mail-program errors in explain.
run explain "Sending reported error (0x800CCC0E): 'Cannot connect to the server.'"
expect_status 0 "an Outlook error number"
expect_out "Outlook cannot connect to the mail server" "its title"
expect_out "Fix:" "and a fix"
expect_out_not "Hard bounce" "no bounce verdict for a mail program's error"

run_stdin "-ERR [IN-USE] Unable to lock maildrop" explain --format json -
expect_status 0 "a POP3 error as JSON"
expect_out '"client_errors":[{"match":"-ERR [IN-USE]","family":"POP3"' "the client error"
expect_out '"side":"sender"' "on the user's side"

run explain --format json "550 5.1.1 <jane@example.com>: Recipient address rejected: User unknown"
expect_status 0 "an ordinary bounce reply"
expect_out '"client_errors":[]' "not a client error"
expect_out '"reason":"userunknown"' "explained as before"

finish
