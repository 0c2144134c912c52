// What each fuzz target does with one input, shared by the libFuzzer targets (fuzz_*.cpp) and by
// the unit test that replays every past finding (tests/unit/fuzz_regressions_test.cpp), so a
// regression input goes through exactly the code and the checks that found it. Each function
// aborts when a property of the entry point does not hold; sanitizers catch the rest.
#pragma once

#include <string_view>

namespace bounceback::fuzz {

void message(std::string_view input);
void decode(std::string_view input);
void explain(std::string_view input);
void find_codes(std::string_view input);
void mbox(std::string_view input);
void charset(std::string_view input);
void transfer(std::string_view input);
void http(std::string_view input);
void lmtp(std::string_view input);

// The entry point of the target named `target` ("fuzz_decode" or "decode"); nullptr if none.
using EntryPoint = void (*)(std::string_view);
EntryPoint entry_point(std::string_view target);

}  // namespace bounceback::fuzz
