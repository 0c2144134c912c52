#!/usr/bin/env bash
# bounceback code / codes as a user runs them.
source "$(dirname "$0")/lib/assert.bash"

run code 550
expect_status 0 "550 is a known code"
expect_out "550" "names the code"
expect_out "permanent failure" "550 is permanent"

run code 5.1.1
expect_status 0 "5.1.1 is known"
expect_out "permanent failure" "class 5 is permanent"

run code '#4.4.1' X.7.1
expect_status 0 "qmail-style and X. codes are accepted"
expect_out "4.4.1" "the # is dropped"
expect_out "temporary failure" "class 4 is temporary"
expect_out "X.7.1" "X class is kept"

run code 5.9.99
expect_status 0 "an unregistered but well-formed code is explained by its digits"

run code abc
expect_status 1 "a malformed code is an input problem"
expect_err "abc" "the error names the input"

run code --format json 421
expect_status 0 "json output"
expect_out '"code":"421"' "json has the code"
expect_out '"temporary":true' "421 is temporary"

run codes --class 5 --subject 7
expect_status 0 "codes lists"
expect_out "5.7.1" "status codes of class 5 subject 7"
expect_out_not "5.1.1" "other subjects are filtered out"

run codes --class 9
expect_status 2 "class 9 is a usage error"

run nosuchverb
expect_status 2 "an unknown verb is a usage error"

run --version
expect_status 0 "--version"
expect_out "bounceback" "--version names the program"
if [ "${WITH_MIMALLOC:-OFF}" = ON ]; then
  expect_out "malloc: mimalloc " "a build linked with mimalloc has it serve malloc"
else
  expect_out "malloc: the C library's malloc" "--version names the allocator"
fi

# Only the verbs named in a run are set up at first; help and errors still list them all.
run --help
expect_status 0 "--help"
for verb in decode logs suppressions ingest explain code codes serve; do expect_out "  $verb " "--help lists $verb"; done
run code --help
expect_status 0 "code --help"
expect_out "-f,--format" "a verb's help lists its options"

# ICU and SQLite are loaded when a message or a store needs them, not at every start-up.
out=$(readelf -d "$BIN" | grep NEEDED) status=$? err=""
expect_out "libc.so" "readelf lists the libraries the program needs"
expect_out_not "libicu" "ICU is not linked"
expect_out_not "libsqlite3" "SQLite is not linked"

finish
