// ICU's converters, loaded the first time a text needs one rather than linked (see
// util/shared_library.h): most bounces are in UTF-8 or ASCII, which bounceback decodes without
// ICU. The library loaded is the version built against ("libicuuc.so.72" for ICU 72): ICU's
// function names carry that version (ucnv_open is ucnv_open_72), and are looked up so.
#pragma once

#include <unicode/uchar.h>
#include <unicode/ucnv.h>
#include <unicode/ucnv_cb.h>

#include <string>

#include "util/shared_library.h"

namespace bounceback::mime {

// Every ICU function bounceback calls.
#define BB_ICU_FUNCTIONS(F)                                                                        \
  F(ucnv_cbToUWriteUChars) F(ucnv_close) F(ucnv_convertEx) F(ucnv_getAlias) F(ucnv_getType)        \
  F(ucnv_open) F(ucnv_setToUCallBack) F(ucnv_toUChars) F(u_isalnum)

struct Icu {
  BB_ICU_FUNCTIONS(BB_FUNCTION_POINTER)
};

// ICU's functions, loaded once per process (thread-safe); nullptr when libicuuc cannot be loaded
// or lacks one of them. Texts in charsets that need ICU are then left undecoded (invalid bytes
// become U+FFFD), and the decoder warns of each (charset_unavailable()).
const Icu* icu();

// Why icu() is nullptr: "ICU: cannot load libicuuc.so.72 (...); install it, e.g. apt-get install
// libicu72"; empty when it is not.
const std::string& icu_load_error();

}  // namespace bounceback::mime
