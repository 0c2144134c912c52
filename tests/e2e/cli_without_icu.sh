#!/usr/bin/env bash
# ICU is loaded when a text needs it. Where it cannot be (a broken installation), Chinese text is
# left undecoded and the user is told why and what to install; the rest decodes as ever, Japanese
# and the single-byte charsets included (built in). A shim
# preloaded in front of the C library makes dlopen() fail for libicuuc.
source "$(dirname "$0")/lib/assert.bash"
build=$(dirname "$BIN")
# A sanitizer's runtime must come first among the libraries: it refuses a preloaded one.
if grep -qE "BOUNCEBACK_(SANITIZE|TSAN):BOOL=ON" "$build/CMakeCache.txt" 2>/dev/null; then
  echo "skipped: the sanitizers do not allow a preloaded library"
  exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/no_icu.c" <<'C'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <string.h>
void* dlopen(const char* name, int flags) {
  static void* (*real_dlopen)(const char*, int);
  if (name != NULL && strstr(name, "libicuuc") != NULL) return NULL;
  if (real_dlopen == NULL) real_dlopen = (void* (*)(const char*, int))dlsym(RTLD_NEXT, "dlopen");
  return real_dlopen(name, flags);
}
C
cc -shared -fPIC -o "$tmp/no_icu.so" "$tmp/no_icu.c" -ldl
status=$? out="" err=""
expect_status 0 "the shim builds"

o=$(LD_PRELOAD="$tmp/no_icu.so" "$BIN" decode --format jsonl "$FIXTURES/intl/zh-gb2312-mailboxfull.eml" 2>"$tmp/err")
status=$? out=$o err=$(cat "$tmp/err")
expect_status 0 "a message whose text ICU cannot decode is still read"
expect_out '"recipient":' "its recipient is still found"
expect_err "text in charset GB2312 left undecoded: ICU: cannot load libicuuc.so." "the warning names the charset and the library"
expect_err "install it, e.g. apt-get install libicu" "and says what to install"

run decode --format jsonl "$FIXTURES/intl/zh-gb2312-mailboxfull.eml"
expect_status 0 "with ICU the same message decodes"
expect_err_not "left undecoded" "and no such warning is given"

# Japanese, Latin-1, cp1252, KOI8-R and UTF-7 are decoded without ICU.
for fixture in ja-iso2022jp-mailboxfull de-latin1-mailboxfull es-cp1252-mailboxfull ru-koi8r-spamdetected; do
  o=$(LD_PRELOAD="$tmp/no_icu.so" "$BIN" decode --format jsonl "$FIXTURES/intl/$fixture.eml" 2>"$tmp/err")
  status=$? out=$o err=$(cat "$tmp/err")
  expect_status 0 "$fixture decodes without ICU"
  expect_err_not "left undecoded" "$fixture needs no ICU"
  with_icu=$("$BIN" decode --format jsonl "$FIXTURES/intl/$fixture.eml" 2>/dev/null)
  checks=$((checks + 1))
  [ "$out" == "$with_icu" ] || fail "$fixture reads the same as with ICU"
done
finish
