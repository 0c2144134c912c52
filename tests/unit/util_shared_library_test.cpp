// Loading a library when a feature first needs it (ICU, SQLite, libpq, libmicrohttpd).
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "mime/icu.h"
#include "mime/message.h"
#include "util/shared_library.h"

namespace bounceback::util {
namespace {

TEST(SharedLibrary, AMissingLibraryIsAnErrorThatSaysWhatToInstall) {
  const SharedLibrary library = open_shared_library("libbounceback-absent.so.9", "Frobnicator", "libfrob9");
  EXPECT_EQ(library.handle, nullptr);
  EXPECT_TRUE(library.error.starts_with("Frobnicator: cannot load libbounceback-absent.so.9 (")) << library.error;
  EXPECT_TRUE(library.error.ends_with("); install it, e.g. apt-get install libfrob9")) << library.error;
  EXPECT_EQ(find_symbol(library, "strlen"), nullptr);
}

TEST(SharedLibrary, FindsFunctionsAndNamesOneThatIsMissing) {
  const SharedLibrary library = open_shared_library("libc.so.6", "C library", "libc6");
  ASSERT_NE(library.handle, nullptr) << library.error;
  const auto length = find_function<decltype(&::strlen)>(library, "strlen");
  ASSERT_NE(length, nullptr);
  EXPECT_EQ(length("bounce"), 6u);
  EXPECT_EQ(find_symbol(library, "bounceback_no_such_function"), nullptr);
  EXPECT_EQ(missing_function_error("C library", "libc.so.6", "frob"),
            "C library: libc.so.6 has no frob: too old a version");
}

struct LibC {
  decltype(&::strlen) strlen = nullptr;
};

const char* find_strlen(const SharedLibrary& library, LibC& functions) {
  functions.strlen = find_function<decltype(&::strlen)>(library, "strlen");
  return functions.strlen == nullptr ? "strlen" : nullptr;
}

const char* find_nothing_there(const SharedLibrary&, LibC&) { return "frob"; }

TEST(LazyLibrary, GivesTheFunctionsOrSaysWhatIsMissing) {
  const LazyLibrary<LibC> libc("libc.so.6", "C library", "libc6", find_strlen);
  ASSERT_TRUE(libc.load()) << libc.error();
  EXPECT_EQ(libc.get()->strlen("bounce"), 6u);
  EXPECT_EQ(libc.loaded().strlen("x"), 1u);

  const LazyLibrary<LibC> absent("libbounceback-absent.so.9", "Frobnicator", "libfrob9", find_strlen);
  EXPECT_EQ(absent.get(), nullptr);
  const Result<const LibC*> refused = absent.load();
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kIoError);
  EXPECT_EQ(refused.error().message, absent.error());

  const LazyLibrary<LibC> old("libc.so.6", "C library", "libc6", find_nothing_there);
  EXPECT_EQ(old.get(), nullptr);
  EXPECT_EQ(old.error(), "C library: libc.so.6 has no frob: too old a version");
}

// ICU's names carry its version (ucnv_open is ucnv_open_72): every function must be found under
// the name the headers give it, or charsets that need ICU would quietly go undecoded.
TEST(SharedLibrary, IcuLoadsWithEveryFunctionBouncebackCalls) {
  const mime::Icu* icu = mime::icu();
  ASSERT_NE(icu, nullptr);
  UErrorCode status = U_ZERO_ERROR;
  UConverter* converter = icu->ucnv_open("Shift_JIS", &status);
  ASSERT_NE(converter, nullptr);
  EXPECT_EQ(icu->ucnv_getType(converter), UCNV_MBCS);
  icu->ucnv_close(converter);
  EXPECT_TRUE(icu->u_isalnum(0x732B));  // 猫
  EXPECT_FALSE(icu->u_isalnum(0x3002));  // 。
  EXPECT_EQ(mime::icu_load_error(), "");
  // With ICU at hand every charset decodes (e2e.cli_without_icu covers the case without).
  EXPECT_EQ(mime::charset_unavailable("ISO-2022-JP"), std::nullopt);
  EXPECT_EQ(mime::charset_unavailable("utf-8"), std::nullopt);
}

}  // namespace
}  // namespace bounceback::util
