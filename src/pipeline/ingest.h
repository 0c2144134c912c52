// Storing one message that an MTA hands over (`bounceback ingest` on a pipe, the LMTP listener of
// `serve`): decode it, store its records once, and say what the MTA should do with it.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "bounceback/decoder.h"
#include "bounceback/result.h"
#include "store/store.h"

namespace bounceback::pipeline {

enum class IngestStatus {
  kStored,         // its records are committed to the store
  kDuplicate,      // the same bytes were stored before: nothing new, and nothing lost
  kNotAReport,     // readable but holds no report: accepted and counted, nothing to store
  kUnprocessable,  // can never be processed (empty, over a limit): the MTA must not retry
  kStoreFailed,    // the store could not be opened or written: the MTA must keep it and retry
};

struct IngestOutcome {
  IngestStatus status = IngestStatus::kStored;
  size_t records = 0;  // records stored (kStored) or decoded (kDuplicate)
  std::string detail;  // why, for the log and the MTA: the decode or store error
};

// Hands out the store when there is something to store; an error makes the outcome kStoreFailed.
// A pipe opens the store only then, a server returns the one it keeps open.
using StoreOpener = std::function<Result<store::Store*>()>;

// Decodes `message` and stores its records under the hash of its bytes, in one transaction.
IngestOutcome ingest_message(const Decoder& decoder, std::string_view message, std::string_view source,
                             const StoreOpener& open_store);

}  // namespace bounceback::pipeline
