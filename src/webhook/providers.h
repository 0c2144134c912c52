// One reader per sending service. Each reads one JSON object, the provider's event (or the
// envelope it arrives in), and appends one Event per recipient it reports. A reader returns false
// when the object is not of its provider's shape; an event of its shape that is not about a
// delivery failure (an open, a click, a subscription) yields no Event but its type is noted in
// `skipped`, so that every event posted is accounted for.
#pragma once

#include <string_view>
#include <vector>

#include "webhook/event.h"

namespace bounceback::webhook {

bool read_ses(std::string_view object, Events& events);
bool read_postmark(std::string_view object, Events& events);
bool read_sparkpost(std::string_view object, Events& events);
bool read_mailgun(std::string_view object, Events& events);
bool read_sendgrid(std::string_view object, Events& events);
bool read_brevo(std::string_view object, Events& events);

}  // namespace bounceback::webhook
