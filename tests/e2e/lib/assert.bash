# Assertions for the end-to-end tests. Source it; call `finish` at the end.
BIN=${1:?usage: $0 path/to/bounceback}
failures=0
checks=0

# run ARGS...: runs the binary, leaving $out, $err and $status.
run() {
  local o e
  o=$(mktemp) e=$(mktemp)
  "$BIN" "$@" >"$o" 2>"$e"
  status=$?
  out=$(cat "$o") err=$(cat "$e")
  rm -f "$o" "$e"
}

# run_stdin INPUT ARGS...: like run, with INPUT on standard input.
run_stdin() {
  local input=$1 o e
  shift
  o=$(mktemp) e=$(mktemp)
  printf '%s' "$input" | "$BIN" "$@" >"$o" 2>"$e"
  status=$?
  out=$(cat "$o") err=$(cat "$e")
  rm -f "$o" "$e"
}

fail() {
  failures=$((failures + 1))
  echo "FAIL: $*" >&2
  echo "  status=$status" >&2
  echo "  stdout: ${out:0:600}" >&2
  echo "  stderr: ${err:0:600}" >&2
}

expect_status() { checks=$((checks + 1)); [ "$status" -eq "$1" ] || fail "expected exit $1: $2"; }
expect_out() { checks=$((checks + 1)); grep -qF -- "$1" <<<"$out" || fail "stdout lacks '$1': $2"; }
expect_out_not() { checks=$((checks + 1)); ! grep -qF -- "$1" <<<"$out" || fail "stdout has '$1': $2"; }
expect_err_not() { checks=$((checks + 1)); ! grep -qF -- "$1" <<<"$err" || fail "stderr has '$1': $2"; }
expect_err() { checks=$((checks + 1)); grep -qF -- "$1" <<<"$err" || fail "stderr lacks '$1': $2"; }
expect_lines() {
  checks=$((checks + 1))
  local n
  n=$(grep -c . <<<"$out")
  [ "$n" -eq "$1" ] || fail "expected $1 output lines, got $n: $2"
}

finish() {
  echo "$((checks - failures)) passed, $failures failed"
  [ "$failures" -eq 0 ]
}
