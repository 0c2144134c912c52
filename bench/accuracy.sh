#!/usr/bin/env bash
# Accuracy on the shared Sisimai corpus: decodes ../shared/corpus with the built binary and scores
# the records with ../shared/tools/score.py. Skips cleanly (exit 0) when ../shared is absent.
# Usage: bench/accuracy.sh [path/to/bounceback] [extra score.py options, e.g. --mismatches m.txt]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/release/bounceback}
shift || true
shared=../shared
if [ ! -d "$shared/corpus/maildir" ] || [ ! -f "$shared/tools/score.py" ]; then
  echo "accuracy: $shared/corpus not found; skipping (the corpus is optional)"
  exit 0
fi
if [ ! -x "$bin" ]; then
  echo "accuracy: $bin is not built; run scripts/build first" >&2
  exit 1
fi
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$bin" decode --format jsonl "$shared/corpus/maildir" "$shared/corpus/not-reports" >"$out"
python3 "$shared/tools/score.py" "$out" "$@"
if [ -d "$shared/corpus/mbox" ]; then
  python3 bench/mbox_check.py "$bin" "$shared/corpus/mbox"/*
fi
# The same corpus with other line endings: CRLF (Windows, SMTP itself) and bare CR (classic Mac OS).
for ending in crlf cr; do
  converted=$(mktemp -d)
  mkdir "$converted/maildir"
  for f in "$shared/corpus/maildir"/*.eml; do
    if [ "$ending" = crlf ]; then tr -d '\r' <"$f" | sed 's/$/\r/'; else tr -d '\r' <"$f" | tr '\n' '\r'; fi \
      >"$converted/maildir/${f##*/}"
  done
  "$bin" decode --format jsonl "$converted/maildir" >"$out" 2>/dev/null || true
  echo "line endings $ending: $(python3 "$shared/tools/score.py" "$out" --brief | head -n 1)"
  rm -rf "$converted"
done
