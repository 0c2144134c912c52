// Which address a pasted text (a reply, a bounce's body, a forwarded bounce) names as the one that
// failed: the address an explanation names and tells the person to remove.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace bounceback::explain {

// The address the text names as failed: after a notice's words for it ("Your message wasn't
// delivered to x@y"), at the start of a notice line ("<x@y>: host ... said"), or in a reply line
// ("550 5.1.1 <x@y>"); failing those, the only other address the text holds. Never an address of
// a quoted header line (a forward's "From:" and "To:", a Message-ID), a mailer-daemon or
// postmaster address, or the sender of the bounced message. nullopt when no address can be
// trusted, or when the text names several different ones as failed.
std::optional<std::string> failed_address(std::string_view text);

}  // namespace bounceback::explain
