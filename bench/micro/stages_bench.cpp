// Micro-benchmarks of the decoder's hot stages, on the project's own fixtures (tests/fixtures):
// header parsing, the MIME walk, Content-Type values, transfer decoding, the report context,
// charset conversion, format selection, classification of a diagnostic, the explanation, JSON
// writing, and a whole message for scale. Run by scripts/bench; figures are per iteration and,
// where a byte count is set, in bytes per second.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "bounceback/decoder.h"
#include "bounceback/output.h"
#include "classify/classifier.h"
#include "explain/explainer.h"
#include "formats/format.h"
#include "formats/signals.h"
#include "mime/message.h"
#include "report/report.h"
#include "util/text.h"

namespace bounceback {
namespace {

namespace fs = std::filesystem;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Every message of tests/fixtures/formats, in name order: one per MTA or provider family.
const std::vector<std::string>& format_fixtures() {
  static const std::vector<std::string> messages = [] {
    std::vector<fs::path> paths;
    for (const auto& entry : fs::directory_iterator(fs::path(BOUNCEBACK_FIXTURES) / "formats")) {
      if (entry.path().extension() == ".eml") paths.push_back(entry.path());
    }
    std::sort(paths.begin(), paths.end());
    std::vector<std::string> read;
    for (const fs::path& path : paths) read.push_back(read_file(path));
    return read;
  }();
  return messages;
}

size_t total_bytes(const std::vector<std::string>& messages) {
  size_t bytes = 0;
  for (const std::string& message : messages) bytes += message.size();
  return bytes;
}

std::string fixture(const char* path) { return read_file(fs::path(BOUNCEBACK_FIXTURES) / path); }

std::string base64_encoded(std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < bytes.size(); i += 3) {
    const size_t present = std::min<size_t>(3, bytes.size() - i);
    uint32_t group = 0;
    for (size_t k = 0; k < 3; ++k) group = group << 8 | (k < present ? static_cast<uint8_t>(bytes[i + k]) : 0u);
    for (size_t k = 0; k < 4; ++k) out.push_back(k <= present ? kAlphabet[(group >> (18 - 6 * k)) & 63] : '=');
    if ((i / 3 + 1) % 19 == 0) out.push_back('\n');  // 76 characters a line, as mailers write it
  }
  return out;
}

// The top-level header block of each message; bytes counted are the headers' own.
void BM_HeaderParsing(benchmark::State& state) {
  const std::vector<std::string>& messages = format_fixtures();
  std::vector<std::string> warnings;
  size_t header_bytes = 0;
  for (const std::string& message : messages) {
    header_bytes += message.size() - mime::parse_header_block(message, Limits{}.max_header_bytes, &warnings).body.size();
  }
  for (auto _ : state) {
    for (const std::string& message : messages) {
      warnings.clear();
      benchmark::DoNotOptimize(mime::parse_header_block(message, Limits{}.max_header_bytes, &warnings));
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * header_bytes));
}
BENCHMARK(BM_HeaderParsing);

void BM_MimeWalk(benchmark::State& state) {
  const std::vector<std::string>& messages = format_fixtures();
  for (auto _ : state) {
    for (const std::string& message : messages) benchmark::DoNotOptimize(mime::parse_message(message, Limits{}));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * total_bytes(messages)));
}
BENCHMARK(BM_MimeWalk);

// Every Content-Type field of every part: type, subtype and parameters, RFC 2231 where written.
void BM_ContentTypeParsing(benchmark::State& state) {
  std::vector<std::string> values;
  size_t bytes = 0;
  for (const std::string& message : format_fixtures()) {
    for (const mime::Part& part : mime::parse_message(message, Limits{}).parts) {
      if (const auto value = part.headers.raw("Content-Type")) {
        values.emplace_back(*value);
        bytes += value->size();
      }
    }
  }
  for (auto _ : state) {
    for (const std::string& value : values) benchmark::DoNotOptimize(mime::parse_content_type(value));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
}
BENCHMARK(BM_ContentTypeParsing);

void BM_TransferDecodingBase64(benchmark::State& state) {
  std::string plain;
  for (const std::string& message : format_fixtures()) plain += message;
  const std::string encoded = base64_encoded(plain);
  for (auto _ : state) benchmark::DoNotOptimize(mime::decode_transfer(encoded, "base64"));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * encoded.size()));
}
BENCHMARK(BM_TransferDecodingBase64);

void BM_TransferDecodingQuotedPrintable(benchmark::State& state) {
  // Gmail writes its notice in quoted-printable ("=E2=80=99", soft line breaks).
  const std::string message = fixture("formats/gmail-classic.eml");
  for (auto _ : state) benchmark::DoNotOptimize(mime::decode_transfer(message, "quoted-printable"));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * message.size()));
}
BENCHMARK(BM_TransferDecodingQuotedPrintable);

// The notice, report parts and inline original of each message: text parts transfer-decoded and
// converted to UTF-8, HTML only where no plain text part says anything.
void BM_ContextBuilding(benchmark::State& state) {
  std::vector<mime::Message> parsed;
  for (const std::string& message : format_fixtures()) parsed.push_back(mime::parse_message(message, Limits{}));
  for (auto _ : state) {
    for (const mime::Message& message : parsed) benchmark::DoNotOptimize(report::make_context(message));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * total_bytes(format_fixtures())));
}
BENCHMARK(BM_ContextBuilding);

// Text labelled with a legacy charset is mostly ASCII: copied, not converted through ICU.
void BM_CharsetAsciiAsLatin1(benchmark::State& state) {
  std::string plain;
  for (const std::string& message : format_fixtures()) plain += message;
  const auto is_8bit = [](char c) { return static_cast<unsigned char>(c) >= 0x80; };
  plain.erase(std::remove_if(plain.begin(), plain.end(), is_8bit), plain.end());
  for (auto _ : state) benchmark::DoNotOptimize(mime::to_utf8(plain, "iso-8859-1"));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * plain.size()));
}
BENCHMARK(BM_CharsetAsciiAsLatin1);

// Which family reads each notice and what it extracts: the claims in families.def order, then
// the chosen family's extractor.
void BM_FormatSelection(benchmark::State& state) {
  std::vector<mime::Message> parsed;
  for (const std::string& message : format_fixtures()) {
    parsed.push_back(mime::parse_message(message, Limits{}, mime::EmbeddedBodies::kHeadersOnly));
  }
  std::vector<report::Context> contexts;
  for (const mime::Message& message : parsed) contexts.push_back(report::make_context(message));
  for (auto _ : state) {
    for (report::Context& context : contexts) {
      context.claim_phrases = formats::find_claim_phrases(context.notice);
      report::Report report;
      benchmark::DoNotOptimize(formats::apply_formats(context, report));
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * contexts.size()));
}
BENCHMARK(BM_FormatSelection);

// The claim automaton, a DFA, over the notice of every fixture: the decoder's largest scan.
void BM_ClaimPhraseScan(benchmark::State& state) {
  std::vector<mime::Message> parsed;
  for (const std::string& message : format_fixtures()) {
    parsed.push_back(mime::parse_message(message, Limits{}, mime::EmbeddedBodies::kHeadersOnly));
  }
  std::vector<std::string> notices;
  for (const mime::Message& message : parsed) notices.emplace_back(report::make_context(message).notice);
  size_t bytes = 0;
  for (const std::string& notice : notices) bytes += notice.size();
  for (auto _ : state) {
    for (const std::string& notice : notices) benchmark::DoNotOptimize(formats::find_claim_phrases(notice));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
}
BENCHMARK(BM_ClaimPhraseScan);

void BM_ClassifyDiagnostic(benchmark::State& state) {
  // From tests/fixtures/formats/exim-two-recipients.eml's kind of reply.
  classify::Evidence evidence;
  evidence.status = "5.7.1";
  evidence.reply_code = 550;
  evidence.command = "RCPT";
  evidence.diagnostic =
      "host mx.example.com [192.0.2.1]: 550 5.7.1 Service unavailable; Client host [198.51.100.7] "
      "blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/198.51.100.7";
  evidence.action = "failed";
  evidence.remote_mta = "mx.example.com";
  evidence.decoder = "exim";
  for (auto _ : state) benchmark::DoNotOptimize(classify::classify(evidence));
}
BENCHMARK(BM_ClassifyDiagnostic);

// util::ifind, which the formats' claims and the classifier call dozens of times per message:
// phrases they look for, in a header-sized and a notice-sized slice of every fixture.
void BM_CaseInsensitiveSearch(benchmark::State& state) {
  std::vector<std::string_view> texts;
  for (const std::string& message : format_fixtures()) {
    texts.push_back(std::string_view(message).substr(0, 60));
    texts.push_back(std::string_view(message).substr(message.size() / 3, 1500));
  }
  static constexpr std::string_view kNeedles[] = {
      "mailer-daemon", "postmaster", "undeliverable", "delivery status notification", "user unknown",
      "mailbox full", "x-failed-recipients", "smtp error from remote", "in reply to rcpt to", "550", "5.1.1",
      "remote host said", "does not exist", "@", "x"};
  for (auto _ : state) {
    for (std::string_view text : texts) {
      for (std::string_view needle : kNeedles) benchmark::DoNotOptimize(util::ifind(text, needle));
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * texts.size() * std::size(kNeedles)));
}
BENCHMARK(BM_CaseInsensitiveSearch);

// The records of every fixture of tests/fixtures/formats, as the decoder gives them.
std::vector<Record> fixture_records() {
  const Decoder decoder;
  std::vector<Record> records;
  for (const std::string& message : format_fixtures()) {
    for (Record& record : decoder.decode(message, "fixture").records) records.push_back(std::move(record));
  }
  return records;
}

// The plain-language summary and advice of each record (explaining a record again replaces them).
void BM_Explanation(benchmark::State& state) {
  std::vector<Record> records = fixture_records();
  for (auto _ : state) {
    for (Record& record : records) explain::explain_record(record);
    benchmark::DoNotOptimize(records.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * records.size()));
}
BENCHMARK(BM_Explanation);

void BM_JsonWriting(benchmark::State& state) {
  const std::vector<Record> records = fixture_records();
  std::string out;
  for (auto _ : state) {
    out.clear();
    for (const Record& record : records) append_json(record, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * records.size()));
}
BENCHMARK(BM_JsonWriting);

// All stages together, one message after another, for scale.
void BM_DecodeMessage(benchmark::State& state) {
  const Decoder decoder;
  const std::vector<std::string>& messages = format_fixtures();
  for (auto _ : state) {
    for (const std::string& message : messages) benchmark::DoNotOptimize(decoder.decode(message, "fixture"));
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * messages.size()));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * total_bytes(messages)));
}
BENCHMARK(BM_DecodeMessage);

}  // namespace
}  // namespace bounceback

BENCHMARK_MAIN();
