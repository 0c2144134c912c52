#!/usr/bin/env bash
# The installed library as a user meets it: `cmake --install`, then a small program built against
# it once with find_package(bounceback) and once with pkg-config.
source "$(dirname "$0")/lib/assert.bash"
build=$(dirname "$BIN")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix
# A library built with the sanitizers needs their runtime in the program too.
sanitize_flags=""
grep -q "BOUNCEBACK_SANITIZE:BOOL=ON" "$build/CMakeCache.txt" && sanitize_flags="-fsanitize=address,undefined"

cmake --install "$build" --prefix "$prefix" >/dev/null 2>"$tmp/install.err"
status=$? out="" err=$(cat "$tmp/install.err")
expect_status 0 "cmake --install"

mkdir -p "$tmp/app"
cat >"$tmp/app/main.cpp" <<'CPP'
#include <bounceback/bounceback.h>
#include <cstdio>

int main() {
  const bounceback::Result<bounceback::CodeExplanation> code = bounceback::explain_code("5.1.1");
  if (!code) return 1;
  const bounceback::DecodeResult result = bounceback::Decoder().decode(
      "From: MAILER-DAEMON@example.org\nSubject: failure notice\n\n"
      "Hi. This is the qmail-send program at example.org.\n\n"
      "<gone@example.com>:\nSorry, no mailbox here by that name. (#5.1.1)\n",
      "-");
  std::printf("%s %s %zu\n", bounceback::kVersion, code->title.c_str(), result.records.size());
  return result.records.size() == 1 ? 0 : 1;
}
CPP
cat >"$tmp/app/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.25)
project(app LANGUAGES CXX)
set(CMAKE_CXX_STANDARD 20)
find_package(bounceback REQUIRED)
add_executable(app main.cpp)
target_link_libraries(app PRIVATE bounceback::bounceback)
CMAKE

cmake -S "$tmp/app" -B "$tmp/app/build" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_CXX_FLAGS="$sanitize_flags" >"$tmp/cmake.log" 2>&1 &&
  cmake --build "$tmp/app/build" >>"$tmp/cmake.log" 2>&1
status=$? out="" err=$(tail -20 "$tmp/cmake.log")
expect_status 0 "a CMake project builds with find_package(bounceback)"
out=$("$tmp/app/build/app") status=$? err=""
expect_status 0 "the CMake-built program decodes a bounce"
expect_out "Bad destination mailbox address" "and explains a code"

pkgconfig_dir=$(find "$prefix" -type d -name pkgconfig | head -n 1)
# shellcheck disable=SC2046 # pkg-config prints several words on purpose
# shellcheck disable=SC2086 # empty when not sanitized
c++ -std=c++20 $sanitize_flags "$tmp/app/main.cpp" -o "$tmp/app/pc" \
  $(PKG_CONFIG_PATH="$pkgconfig_dir" pkg-config --cflags --libs --static bounceback) -pthread 2>"$tmp/pc.err"
status=$? out="" err=$(cat "$tmp/pc.err")
expect_status 0 "a program builds with pkg-config bounceback"
out=$("$tmp/app/pc") status=$? err=""
expect_status 0 "the pkg-config-built program runs"

finish
