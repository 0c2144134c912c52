// Webhook JSON from sending services (Amazon SES, SendGrid, Mailgun, Postmark, SparkPost, Brevo):
// the events they post about bounces, delays, deliveries and complaints, decoded to records.
#pragma once

#include <string_view>

#include "bounceback/decoder.h"

namespace bounceback::webhook {

// Whether `bytes` hold JSON rather than a mail message: the first non-blank byte opens an object
// or an array, which no RFC 5322 header field can.
bool looks_like_json(std::string_view bytes);

// One record per recipient of every event in `json`, which holds one event, a notification
// wrapping one, or an array of them. Malformed JSON is an error naming `source` and the byte
// offset; JSON of no known shape is not a report, with a warning.
DecodeResult decode(std::string_view json, std::string_view source);

}  // namespace bounceback::webhook
