#!/usr/bin/env bash
# bounceback decode on hostile inputs: every run ends, stays small, writes valid JSON lines, names
# each input it could not decode, decodes all the others, and exits 1 when anything failed.
source "$(dirname "$0")/lib/assert.bash"
tmp=$(mktemp -d)
trap 'chmod -R u+rw "$tmp"; rm -rf "$tmp"' EXIT
ex=$EXAMPLES/bounces
hostile=$FIXTURES/hostile

# expect_json_lines WHAT: every line of $out parses as JSON.
expect_json_lines() {
  checks=$((checks + 1))
  python3 -c 'import json,sys; [json.loads(l) for l in sys.stdin]' <<<"$out" || fail "output is not JSON lines: $1"
}

# run_measured ARGS...: like run, also leaving the peak resident set in KiB in $peak_kib (0 when
# /usr/bin/time is missing) and the wall time in whole seconds in $seconds.
run_measured() {
  local o e m start
  o=$(mktemp) e=$(mktemp) m=$(mktemp)
  start=$SECONDS
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -o "$m" -f %M "$BIN" "$@" >"$o" 2>"$e"
  else
    echo 0 >"$m"
    "$BIN" "$@" >"$o" 2>"$e"
  fi
  status=$?
  seconds=$((SECONDS - start))
  peak_kib=$(tail -n 1 "$m")
  out=$(cat "$o") err=$(cat "$e")
  rm -f "$o" "$e" "$m"
}
expect_peak_below_mib() {
  checks=$((checks + 1))
  [ "$peak_kib" -lt $(($1 * 1024)) ] || fail "peak RSS ${peak_kib} KiB over $1 MiB: $2"
}
expect_seconds_below() { checks=$((checks + 1)); [ "$seconds" -lt "$1" ] || fail "took ${seconds}s: $2"; }

# The damaged fixtures each keep their record.
run decode --format jsonl "$hostile"/*.eml
expect_status 0 "damaged but decodable messages"
expect_lines 4 "one record per damaged fixture"
expect_json_lines "damaged fixtures"
for r in lost@example.com nul@example.com b64@example.com; do expect_out "\"recipient\":\"$r\"" "$r survives"; done

# An mbox with CRLF line endings, >From escapes, an empty message and no final newline.
run decode --format jsonl --include-non-reports "$hostile/crlf-escapes-empty.mbox"
expect_status 0 "awkward mbox"
expect_lines 3 "three messages, one line each"
expect_json_lines "awkward mbox"
expect_out "crlf-escapes-empty.mbox#3" "the unterminated last message is read"

# A folder mixing good bounces, garbage, a dangling link and a loop: the good ones are decoded,
# each problem is named, exit 1.
mkdir -p "$tmp/mixed/sub"
cp "$ex/postfix-user-unknown.eml" "$tmp/mixed/a.eml"
cp "$ex/qmail-blocklisted.eml" "$tmp/mixed/z.eml"
head -c 200000 /dev/urandom >"$tmp/mixed/random.bin"
head -c 1500 "$ex/gmail-delay.eml" >"$tmp/mixed/truncated.eml"
ln -s "$tmp/mixed/nowhere.eml" "$tmp/mixed/dangling.eml"
ln -s "$tmp/mixed" "$tmp/mixed/sub/loop"
run decode --format jsonl --include-non-reports "$tmp/mixed"
expect_status 1 "problems in a folder fail the run"
expect_json_lines "mixed folder"
expect_out '"recipient":"jane.doe@example.com"' "the first good bounce"
expect_out '"recipient":"ops@partner.example.net"' "the last good bounce"
expect_out "random.bin" "random bytes are a message read"
expect_err "dangling.eml" "the dangling link is named"
expect_err "loop" "the symlink loop is named"

# An unreadable file, in a folder and named: root reads any file, so as root the run drops to the
# unprivileged user `nobody` (setpriv) for this case.
as_user=()
if [ "$(id -u)" -eq 0 ]; then as_user=(setpriv --reuid=nobody --regid=nogroup --clear-groups); fi
mkdir -p "$tmp/locked"
cp "$ex/exim-mailbox-full.eml" "$tmp/locked/locked.eml"
cp "$ex/postfix-user-unknown.eml" "$tmp/locked/readable.eml"
chmod 755 "$tmp" "$tmp/locked"
chmod 644 "$tmp/locked/readable.eml"
chmod 000 "$tmp/locked/locked.eml"
o=$(mktemp -p "$tmp") e=$(mktemp -p "$tmp")
chmod 666 "$o" "$e"
"${as_user[@]}" "$BIN" decode --format jsonl "$tmp/locked" "$tmp/locked/locked.eml" >"$o" 2>"$e"
status=$? out=$(cat "$o") err=$(cat "$e")
expect_status 1 "an unreadable file fails the run"
expect_lines 1 "the readable file is decoded"
expect_out '"recipient":"jane.doe@example.com"' "the readable file's record"
expect_err "locked.eml: cannot open: Permission denied" "the unreadable file is named with the reason"
expect_err "2 inputs could not be read" "found in the folder and named: both counted"

# A 3 GB message is refused by its size alone: never read, so memory stays small.
truncate -s 3G "$tmp/huge.eml"
run_measured decode --format jsonl "$tmp/huge.eml" "$ex/postfix-user-unknown.eml"
expect_status 1 "a message over --max-message-size fails the run"
expect_lines 1 "the next input is still decoded"
expect_err "huge.eml" "the refusal names the file"
expect_err "max-message-size" "the refusal names the option"
expect_peak_below_mib 200 "a refused 3 GB file is not read"
expect_seconds_below 10 "a refused 3 GB file is not read"

# A 100 MB header line under a raised limit: cut at the header limit, decoded in bounded time.
{
  printf 'From: MAILER-DAEMON@example.net\nX-Long: '
  head -c 100000000 /dev/zero | tr '\0' a
  printf '\nSubject: Undelivered Mail\n\n550 5.1.1 <x@example.com>: User unknown\n'
} >"$tmp/long-header.eml"
run_measured decode --format jsonl --include-non-reports --max-message-size 200000000 "$tmp/long-header.eml"
expect_json_lines "100 MB header line"
checks=$((checks + 1))
[ "$status" -le 1 ] || fail "100 MB header line: exit $status"
expect_err "long-header.eml: header block larger than 1048576 bytes truncated (raise it with --max-header-size)" "the header limit is named with its source and option"
expect_seconds_below 30 "a 100 MB header line"
expect_peak_below_mib 1024 "a 100 MB header line"
rm -f "$tmp/long-header.eml"

# An mbox of 20,000 tiny messages and one over the limit: the big one is skipped without being
# held, every other is read.
{
  for i in $(seq 1 10000); do printf 'From a Tue Mar 10 09:12:44 2026\nSubject: %d\n\nx\n\n' "$i"; done
  printf 'From big Tue Mar 10 09:12:44 2026\nSubject: big\n\n'
  head -c 5000000 /dev/zero | tr '\0' b
  printf '\n\n'
  for i in $(seq 1 10000); do printf 'From a Tue Mar 10 09:12:44 2026\nSubject: %d\n\nx\n\n' "$i"; done
} >"$tmp/many.mbox"
run_measured decode --format jsonl --max-message-size 1000000 "$tmp/many.mbox"
expect_status 1 "an oversize message in an mbox fails the run"
expect_err "many.mbox#10001" "the oversize message is named by its position"
expect_err "Read 20000 messages" "every other message is read"
expect_err "1 input could not be read" "the oversize one is counted as a problem"
expect_peak_below_mib 200 "an oversize mbox message is not held"

# An mbox of bounces spanning several read windows (1 MiB), with >From lines that must be unquoted
# and some that must not: every message is read once, whole, wherever the windows end.
python3 - "$ex/postfix-user-unknown.eml" >"$tmp/windows.mbox" <<'PY'
import sys
bounce = open(sys.argv[1], "rb").read().rstrip(b"\n")
out, n = bytearray(), 0
while len(out) < 3 * 2**20 + 50000:
    pad = b"X-Pad: " + b"p" * (n % 97) + (b" >From not a line start" if n % 5 == 0 else b"") + b"\n"
    out += b"From MAILER-DAEMON Fri Mar  1 10:00:00 2024\n" + pad + bounce + b"\n>From quoted\n\n"
    n += 1
sys.stdout.buffer.write(out)
PY
messages=$(grep -c '^From MAILER-DAEMON' "$tmp/windows.mbox")
run decode --format jsonl --threads 2 "$tmp/windows.mbox"
expect_status 0 "an mbox over several read windows"
expect_lines "$messages" "one record per message of the mbox"
expect_err "Read $messages messages" "every message is read once"
expect_out "windows.mbox#$messages\"" "the last message keeps its number"

# A 2 GB message on a pipe, where no size is known beforehand: refused once the limit is read past,
# never held whole.
o=$(mktemp -p "$tmp") e=$(mktemp -p "$tmp")
start=$SECONDS
head -c 2G /dev/zero | /usr/bin/time -o "$tmp/peak" -f %M "$BIN" decode --format jsonl - >"$o" 2>"$e"
status=${PIPESTATUS[1]} seconds=$((SECONDS - start)) out=$(cat "$o") err=$(cat "$e") peak_kib=$(tail -n 1 "$tmp/peak")
expect_status 1 "a 2 GB message on standard input fails the run"
expect_err "-: larger than the message size limit of 64 MiB (raise it with --max-message-size)" "the refusal names the input, the limit and the option"
expect_peak_below_mib 300 "a refused 2 GB stream is not held"
expect_seconds_below 60 "a refused 2 GB stream is not read to its end"

# 10,000-deep multipart nesting and 100,000 parts beside a good bounce: each is decoded as far
# as its limit, with the limit reported, in bounded memory, and the good bounce is untouched.
python3 - "$tmp" <<'PY'
import sys
tmp = sys.argv[1]
with open(f"{tmp}/deep.eml", "w") as f:
    f.write("From: a@example.org\nSubject: deep\n")
    for level in range(10000):
        f.write(f'Content-Type: multipart/mixed; boundary="b{level}"\n\n--b{level}\n')
    f.write("Content-Type: text/plain\n\n550 5.1.1 deep\n")
    for level in reversed(range(10000)):
        f.write(f"\n--b{level}--\n")
with open(f"{tmp}/parts.eml", "w") as f:
    f.write('From: a@example.org\nContent-Type: multipart/mixed; boundary="p"\n\n')
    f.write("--p\nContent-Type: text/plain\n\nx\n" * 100000)
    f.write("--p--\n")
PY
run_measured decode --format jsonl --include-non-reports "$tmp/deep.eml" "$tmp/parts.eml" "$ex/postfix-user-unknown.eml"
expect_status 0 "messages cut at the depth and part limits still decode"
expect_lines 3 "one line per message"
expect_json_lines "deep nesting and many parts"
expect_out '"recipient":"jane.doe@example.com"' "the good bounce beside them"
expect_err "deep.eml: MIME nesting deeper than 32 levels: the innermost part is read as a leaf (raise it with --max-mime-depth)" "the depth limit is named with its source and option"
expect_err "parts.eml: more than 10000 MIME parts: the rest are ignored (raise it with --max-parts)" "the part limit is named with its source and option"
expect_peak_below_mib 512 "deep nesting and many parts"
expect_seconds_below 60 "deep nesting and many parts"

# Random bytes on standard input. They start with a byte that cannot start JSON: random bytes
# that happened to open with '{' (1 run in 256) would be read as a sending service's event, which
# they are not, and be an input that could not be decoded (exit 1).
{
  printf '\x80'
  head -c 1000000 /dev/urandom
} >"$tmp/random"
o=$(mktemp)
"$BIN" decode --format jsonl --include-non-reports - <"$tmp/random" >"$o" 2>/dev/null
status=$? out=$(cat "$o")
rm -f "$o"
expect_status 0 "random bytes on stdin"
expect_lines 1 "one kind none record"
expect_json_lines "random stdin"

# A file that shrinks while it is read (best effort: the race is not always won).
{
  cat "$ex/postfix-user-unknown.eml"
  head -c 30000000 /dev/zero | tr '\0' '\n'
} >"$tmp/shrinking.eml"
(sleep 0.05; truncate -s 2000 "$tmp/shrinking.eml") &
run decode --format jsonl --include-non-reports "$tmp/shrinking.eml"
wait
checks=$((checks + 1))
[ "$status" -le 1 ] || fail "a shrinking file: exit $status"
expect_json_lines "a shrinking file"

# The same without a race: kernel files whose size says 4096 bytes and whose reading gives fewer,
# and /proc files whose size says 0 and whose reading gives more. Each is one message, read whole.
for f in /sys/kernel/mm/transparent_hugepage/enabled /sys/kernel/uevent_seqnum /proc/version; do
  [ -r "$f" ] || { echo "note: $f is not here; skipped" >&2; continue; }
  run decode --format jsonl --include-non-reports "$f"
  expect_status 0 "$f (size $(stat -c %s "$f"), $(wc -c <"$f") bytes read)"
  expect_lines 1 "$f is one message"
  expect_json_lines "$f"
done

finish
