#include "explain/other_reports.h"

#include <algorithm>
#include <iterator>

#include "util/text.h"

namespace bounceback::explain {
namespace {

struct OtherReport {
  std::string_view kind;
  std::string_view phrase;
  std::string_view and_phrase;
};

constexpr OtherReport kOtherReports[] = {
#define BB_OTHER_REPORT(kind, phrase, and_phrase) OtherReport{kind, phrase, and_phrase},
#include "explain/other_reports.def"
#undef BB_OTHER_REPORT
};

bool holds(std::string_view text, const OtherReport& report) {
  return util::icontains(text, report.phrase) && (report.and_phrase.empty() || util::icontains(text, report.and_phrase));
}

}  // namespace

std::string_view other_report_kind(std::string_view text) {
  const auto found = std::find_if(std::begin(kOtherReports), std::end(kOtherReports),
                                  [text](const OtherReport& report) { return holds(text, report); });
  return found == std::end(kOtherReports) ? std::string_view() : found->kind;
}

}  // namespace bounceback::explain
