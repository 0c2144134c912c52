#!/usr/bin/env bash
# bounceback explain on the texts people paste.
source "$(dirname "$0")/lib/assert.bash"

run explain --format json "553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)"
expect_status 0 "qmail relaying denial"
expect_out '"reason":"norelaying"' "relaying denied"
expect_out '"side":"sender"' "it is the sender's side"
expect_out '"code":"553"' "the reply code is found"
expect_out '"code":"5.7.1"' "the status code is found"

run explain --format json $'550-5.1.1 The email account that you tried to reach does not exist. Please try\n550-5.1.1 double-checking the recipient\'s email address for typos or\n550-5.1.1 unnecessary spaces.'
expect_status 0 "Gmail multiline reply"
expect_out '"reason":"userunknown"' "the account does not exist"
expect_out '"hard_bounce":true' "it is a hard bounce"

run explain --format json "PERM_FAILURE: SMTP Error (state 13): 550 5.1.1 recipient rejected"
expect_status 0 "Google Groups style"
expect_out '"reason":"userunknown"' "5.1.1 decides"
expect_out_not '"code":"13"' "(state 13) is not a code"

run explain --format json "Sorry, I wasn't able to establish an SMTP connection. (#4.4.1)"
expect_status 0 "qmail connection failure"
expect_out '"hard_bounce":false' "temporary"
expect_out '"code":"4.4.1"' "qmail #code found"

run explain "Client host [192.0.2.1] blocked using bl.spamcop.net"
expect_status 0 "blocklist, text output"
expect_out "Spamcop" "the blocklist is named"
expect_out "192.0.2.1" "the listed IP is named"

run explain "550 5.7.1 Message rejected"
expect_status 0 "a bare 5.7.1, text output"
expect_out "under its own rules" "a refusal under the receiver's rules, not a login problem"
expect_out "What the codes mean in general (the verdict above is for this reply):" "the code cards are set apart from the verdict"

run_stdin "" explain -
expect_status 2 "empty input is a usage error"

run_stdin "$(head -c 200000 /dev/urandom | tr -d '\0')" explain -
[ "$status" -le 2 ] || fail "binary input must not crash (status $status)"
checks=$((checks + 1))

run_stdin "$(printf '550 5.1.1 %01000000d' 0)" explain -
expect_status 0 "a 1 MB single line"

run_stdin "$(cat "$EXAMPLES/bounces/postfix-user-unknown.eml")" explain -
expect_status 0 "a whole bounce message"
expect_out "jane.doe@example.com" "the record's recipient is shown"

run_stdin $'Hello\r\n550 5.1.1 User unknown\r\n' explain --format json -
expect_status 0 "a reply pasted after other words, CRLF"
expect_out '"reason":"userunknown"' "the reply's 5.1.1 is read, not dropped as a continuation"
expect_out '"code":"5.1.1"' "the status code is found on the second line"

run_stdin "$(cat "$FIXTURES/explain/pasted-gmail-forward-body.txt")" explain -
expect_status 0 "a pasted Gmail forward"
expect_out "info@shop-old.example" "the failed address is named"
expect_out_not "mailer-daemon" "never the bounce's own sender"
expect_out_not "anna.berg" "never the person who forwarded it"

run_stdin "$(cat "$FIXTURES/explain/fwd-outlook-inline-crlf.eml")" explain -
expect_status 0 "an Outlook forward of an Exchange notice"
expect_out "accounts@fabrikam.example" "the failed address is named"
expect_out_not "jens.kruger" "never the user himself"

run_stdin "$(cat "$FIXTURES/explain/fwd-attached-eml.eml")" explain -
expect_status 0 "a bounce forwarded as an attachment"
expect_out "orders@shop.example" "the attached bounce's recipient is named"
expect_out_not "4NqAbC1dEfz9@" "never a Message-ID"

run_stdin "$(cat "$FIXTURES/explain/dmarc-plain-xml.eml")" explain -
expect_status 0 "a DMARC aggregate report"
expect_out "This is a DMARC aggregate report, not a bounce" "says what it is"
expect_out_not "Reason:" "no bounce verdict"
expect_out_not "on your side" "not an SPF/DKIM/DMARC failure of the user's"

run_stdin "$(cat "$FIXTURES/explain/tlsrpt-json.eml")" explain --format json -
expect_status 0 "a TLS report, JSON output"
expect_out '"not_a_bounce":"tls-report"' "says what it is"

run_stdin "$(cat "$FIXTURES/explain/mdn-thunderbird-displayed.eml")" explain -
expect_status 0 "a read receipt"
expect_out "This is a read receipt, not a bounce" "says what it is"

finish
