// Plain-language summary and advice for a decoded record, from the code knowledge and the reason.
#pragma once

#include "bounceback/record.h"

namespace bounceback::explain {

// Fills record.summary (one plain sentence) and record.advice (most useful first) from the
// record's other fields: kind, reason, status, reply_code, recipient, remote_mta, blocklist...
// Specific to the evidence: names the address, the host, the blocklist and the listed IP.
void explain_record(Record& record);

}  // namespace bounceback::explain
