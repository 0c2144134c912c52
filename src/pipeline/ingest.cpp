#include "pipeline/ingest.h"

#include <algorithm>
#include <utility>

namespace bounceback::pipeline {
namespace {

bool blank(std::string_view message) {
  return std::all_of(message.begin(), message.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; });
}

IngestOutcome outcome(IngestStatus status, size_t records, std::string detail) {
  return IngestOutcome{status, records, std::move(detail)};
}

}  // namespace

IngestOutcome ingest_message(const Decoder& decoder, std::string_view message, std::string_view source,
                             const StoreOpener& open_store) {
  if (blank(message)) return outcome(IngestStatus::kUnprocessable, 0, "the message is empty");
  const DecodeResult decoded = decoder.decode(message, source);
  if (decoded.error) return outcome(IngestStatus::kUnprocessable, 0, decoded.error->message);
  if (decoded.records.empty()) return outcome(IngestStatus::kNotAReport, 0, "not a delivery report");

  const Result<store::Store*> store = open_store();
  if (!store) return outcome(IngestStatus::kStoreFailed, 0, store.error().message);
  const Result<store::StoreResult> stored = (*store)->store_message(store::message_hash(message), decoded.records);
  if (!stored) return outcome(IngestStatus::kStoreFailed, 0, stored.error().message);
  if (stored->duplicate) return outcome(IngestStatus::kDuplicate, decoded.records.size(), "stored before");
  return outcome(IngestStatus::kStored, stored->events_stored, "");
}

}  // namespace bounceback::pipeline
