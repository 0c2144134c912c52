// Recognising the mail provider whose servers answered, for the wording and codes only that
// provider uses: au answers "550 : User unknown" for a filtered sender, Orange ends each reply with
// an "OFR_nnn" code, Spectrum with "AUP#nnnn".
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "bounceback/types.h"

namespace bounceback::classify {

enum class Provider : uint8_t {
  kAny,  // wording every server may use
  kApple,
  kComcast,
  kCox,
  kDocomo,
  kFacebook,
  kGoDaddy,
  kGoogle,
  kIua,
  kKddi,
  kMessageLabs,
  kMicrosoft,
  kMimecast,
  kOrangeLaPoste,
  kSpectrum,
  kTencent,
  kYahoo,
  kZoho,
};

// The provider a host belongs to: `host` may carry an address or comment after the name, as
// Remote-MTA fields do ("mx.example.jp. (192.0.2.1, the server for the domain example.jp.)").
Provider provider_of_host(std::string_view host);

// The provider of the first host name in a text: "mx3.qq.com" in "host mx3.qq.com[192.0.2.1] said",
// "mail.i.ua" in "See http://mail.i.ua/err/3/", "yahoo.com" in "x@yahoo.com".
Provider provider_named_in(std::string_view text);

// The provider of the remote host or, when that names none, of the first host the server's words
// name ("host mfsmax.docomo.ne.jp[192.0.2.1] said: ...", "see https://www.spectrum.net/..."), or
// else of the reporting host.
Provider find_provider(std::string_view remote_mta, std::string_view words, std::string_view reporting_mta);

// The reason a provider's own reply code names ("OFR004_416", "AUP#In-1310", "5.7.606"), if any.
std::optional<Reason> reason_from_provider_code(Provider provider, std::string_view text);

}  // namespace bounceback::classify
