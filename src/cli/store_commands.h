// The verbs that use the bounce store: `suppressions list|export|lift`, `ingest`, and the sink
// behind `decode --store`. Exit codes as in commands.h, except `ingest` (sysexits, for MTAs).
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "io/batch.h"

namespace bounceback::cli {

inline constexpr const char* kDefaultStoreUrl = "sqlite:./bounceback.db";

struct SuppressionsCommand {
  std::string db = kDefaultStoreUrl;
  std::optional<std::string> domain;
  std::optional<std::string> recipient;
  std::string format = "text";  // text, json, csv
};
// `suppressions list` and `suppressions export`: every suppressed address matching the filters.
int run_suppressions_list(const SuppressionsCommand& command);
// `suppressions lift ADDRESS`: 0 when lifted, 1 when the address was not suppressed. The address
// is taken in any case, with blanks or angle brackets around it, and printed as the store keys it.
int run_suppressions_lift(const std::string& db, const std::string& address);

// sysexits(3): what an MTA pipe transport understands. EX_TEMPFAIL makes it keep the message
// and retry; EX_DATAERR makes it give up on the message.
enum IngestExit { kIngestOk = 0, kIngestUsage = 64, kIngestDataError = 65, kIngestTempFail = 75 };

struct IngestCommand {
  std::string db = kDefaultStoreUrl;
  size_t max_message_size = 0;  // 0: the library default
};
// `ingest`: one message on standard input, decoded and stored.
int run_ingest(const IngestCommand& command);

// What `decode --store` stored, for its summary.
struct StoreTally {
  size_t events_stored = 0;         // new events
  size_t events_stored_before = 0;  // records whose message or report was stored before
};

// The sink behind `decode --store URL`, counting into `tally` (which must outlive it); prints the
// problem and returns nullopt when the store cannot be opened.
std::optional<io::RecordSink> open_store_sink(const std::string& url, StoreTally& tally);

// "Stored 19 new events; 1 was stored before.\n"
std::string format_store_tally(const StoreTally& tally);

}  // namespace bounceback::cli
