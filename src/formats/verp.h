// VERP (variable envelope return paths): a sender that writes each recipient into the return path
// it sends from ("bounces+jane.doe=example.net@lists.example.org") learns from the address a bounce
// comes back to whom the bounced message went, even when the bounce itself does not say.
#pragma once

#include <string>
#include <string_view>

#include "report/report.h"

namespace bounceback::formats {

// The recipient that `address` encodes, or "" when it is not a VERP address. The forms read
// (README, "VERP"): PREFIX+LOCAL=DOMAIN@host, PREFIX-return-NUMBER-LOCAL=DOMAIN@host and
// PREFIX-LOCAL=DOMAIN@host (a prefix with no '-' of its own).
std::string decode_verp(std::string_view address);

// The recipient the VERP address the report was delivered to encodes: the first that is one in
// X-Original-To, Delivered-To, Envelope-To, then To; "" when none is.
std::string verp_recipient(const report::Context& context);

}  // namespace bounceback::formats
