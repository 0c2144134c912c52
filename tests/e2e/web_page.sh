#!/usr/bin/env bash
# The web page in headless Chromium (Debian's chromium, driven through chromium-driver by
# tests/e2e/web/page_test.py): paste a real bounce, explain it, search the codes, see the stored
# events and suppressions, at desktop and phone width. Screenshots go to $SCREENSHOTS.
# Skips (exit 77) when chromium or chromedriver is not installed.
source "$(dirname "$0")/lib/assert.bash"
HERE=$(cd "$(dirname "$0")" && pwd)
FIXTURES=${FIXTURES:-$HERE/../fixtures}
EXAMPLES=${EXAMPLES:-$HERE/../../examples}
SCREENSHOTS=${SCREENSHOTS:-$PWD/web_page-screenshots}
PYTHON=$(command -v /usr/bin/python3 python3 | head -n1)

for program in /usr/bin/chromium /usr/bin/chromedriver "$PYTHON"; do
  if [ ! -x "$program" ]; then
    echo "SKIP: $program is not installed (apt-get install chromium chromium-driver python3)"
    exit 77
  fi
done

work=$(mktemp -d)
server_pid=
trap '[ -n "$server_pid" ] && kill -TERM "$server_pid" 2>/dev/null && wait "$server_pid"; rm -rf "$work"' EXIT

"$BIN" serve --listen 127.0.0.1:0 --db "sqlite:$work/bounces.db" --token pagetoken 2>"$work/serve.log" &
server_pid=$!
base=
for _ in $(seq 100); do
  base=$(grep -o 'http://127\.0\.0\.1:[0-9]*/' "$work/serve.log")
  if [ -n "$base" ] && curl -sf --max-time 2 "${base}healthz" >/dev/null; then break; fi
  base=
  sleep 0.1
done
[ -n "$base" ] || { echo "FAIL: the server did not start: $(cat "$work/serve.log")" >&2; exit 1; }

# The page shows what the store holds: first a hundred delay notices (distinct reports, each with
# its own Message-ID, so more than one page of events; delays never suppress anyone), then one real
# bounce with two recipients.
for i in $(seq 100); do
  sed "s/<65f2b1c0\.0a1b2c3d\.delay@/<copy$i.delay@/" "$EXAMPLES/bounces/gmail-delay.eml" |
    curl -s --max-time 10 -o /dev/null -H 'Authorization: Bearer pagetoken' --data-binary @- "${base}v1/decode?store=1"
done
bounce=$FIXTURES/formats/exim-two-recipients.eml
status=$(curl -s --max-time 10 -o "$work/stored.json" -w '%{http_code}' -H 'Authorization: Bearer pagetoken' \
  --data-binary "@$bounce" -H 'Content-Type: message/rfc822' "${base}v1/decode?store=1")
out=$(cat "$work/stored.json")
expect_status 200 "the bounce is stored"
expect_out '"stored":2' "two events, one per recipient"

mkdir -p "$SCREENSHOTS"
rm -f "$SCREENSHOTS"/*.png
echo "screenshots: $SCREENSHOTS"
"$PYTHON" -B "$HERE/web/page_test.py" "$base" "$bounce" "$EXAMPLES/bounces/qmail-blocklisted.eml" pagetoken \
  "$SCREENSHOTS" "$work" >"$work/page.out" 2>"$work/page.err"
status=$?
cat "$work/page.out"
cat "$work/page.err" >&2
out=$(cat "$work/page.out") err=
expect_status 0 "every check in the browser passes"
expect_out "screenshot: $SCREENSHOTS/explain-phone.png" "the phone screenshot is saved"
expect_out " 0 failed" "the browser checks ran"
finish
