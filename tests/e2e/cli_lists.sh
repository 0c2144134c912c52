#!/usr/bin/env bash
# Mailing lists from the command line: list managers' notices to owners and refusals of posts,
# VERP return paths and RFC 6533 addresses, into records and into the suppression list.
source "$(dirname "$0")/lib/assert.bash"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
lists=$FIXTURES/lists

# Three of Mailman's notices to a list's owner, each forwarding another bounce of the member (each
# notice and each bounce with a Message-ID of its own): the member is suppressed, never the site
# administrator.
mkdir "$tmp/owner"
for n in 1 2 3; do
  sed -e "s/<mailman\.3\.1764483161/<mailman.$n.1764483161/" -e "s/<E1vQx2a-0004Zb-0x@/<E1vQx2a-0004Zb-$n@/" \
    "$lists/mailman2-bounce-action-notice.eml" >"$tmp/owner/$n.eml"
done
run decode --format jsonl --store "sqlite:$tmp/owner.db" "$tmp/owner"
expect_status 0 "decode --store of owner notices"
expect_lines 3 "one record per notice"
expect_out '"recipient":"mary-ann@example.net"' "the member of the attached bounce"
expect_out_not 'lists.example.org"' "no record for the list's or the site's addresses"
run suppressions list --db "sqlite:$tmp/owner.db"
expect_out "mary-ann@example.net" "the member's three soft bounces suppress her"
expect_out_not "mailman@lists.example.org" "the site administrator is never suppressed"

# A notice with no bounce attached is a message that is not a report.
run decode --format jsonl "$lists/mailman3-removal-notice.eml" "$lists/sympa-bounce-management.eml"
expect_status 0 "owner notices without a bounce"
expect_lines 0 "no record"
expect_err "0 delivery reports, 2 other messages" "counted as other messages"

# A refused post, though marked Auto-Submitted: auto-replied, is never told as delivered.
run decode --format text "$lists/sympa61-authorization-denied.eml"
expect_status 0 "decode a Sympa refusal"
expect_out "partners@lists.example.org soft bounce" "a soft bounce of the list's address"
expect_out "The mailing list partners@lists.example.org refused your message" "the list refused it"
expect_out_not "was delivered" "never 'your message was delivered'"
run decode --format jsonl "$lists/mailman2-nonmember-rejected.eml"
expect_out '"reason":"rejected","hard_bounce":false,"side":"sender"' "rejected on the sender's side"

# VERP: a bounce that names no one is read from the return path it came back to.
run decode --format csv "$lists/verp-plus-no-recipient.eml" "$lists/verp-dash-no-recipient.eml"
expect_status 0 "decode VERP bounces"
expect_out ",jane.doe@example.net," "Mailman-style PREFIX+LOCAL=DOMAIN"
expect_out ",mary.o'brien@example.org," "PREFIX-LOCAL=DOMAIN"
expect_err "2 delivery reports" "both are reports"

# RFC 6533: "utf-8; bj\x{00f6}rn@GR\x{00FC}N.example".
run decode --format jsonl "$lists/dsn-utf8-addr-xtext.eml"
expect_out '"recipient":"björn@grün.example","original_recipient":"info+shop@grün.example"' "escapes decoded"

finish
