#include "io/batch.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>

#include "bounceback/output.h"
#include "io/formatter.h"
#include "io/progress.h"

namespace bounceback::io {
namespace {

// The reader may run this far ahead of the output: enough queued work to keep every thread busy
// while the output waits for one slow message, little enough to keep memory flat.
constexpr size_t kMessagesInFlightPerThread = 128;
constexpr size_t kBytesInFlight = size_t{64} << 20;  // one larger message is still let through
// Output buffers up to this size are kept for the next messages once written: reusing them saves
// growing a new string for every message (and freeing on one thread what another allocated). A
// larger one, from an unusual message, is let go.
constexpr size_t kLargestReusedOutput = size_t{64} << 10;

// ---- formatting, done by the decoding threads ----

// What decoding one message gave, ready for the writer.
struct Outcome {
  std::string source;
  uint64_t bytes = 0;
  std::string output;  // its records, formatted and separated
  size_t records = 0;
  bool is_report = false;
  std::vector<std::string> warnings;
  std::optional<std::string> error;
  std::optional<std::string> sink_key;  // set when there is a sink and the message decoded
  std::vector<Record> sink_records;
};

// The record written for a message without a report when the user asks for one per message.
Record non_report_record(const std::string& source, const std::optional<std::string>& error) {
  Record record;
  record.source = source;
  record.kind = Kind::kNone;
  record.summary = error ? "This message could not be decoded: " + *error : "This message is not a delivery report.";
  return record;
}

// `output` is an empty buffer to format the records into. The outcome takes the message's source;
// its bytes stay with the caller.
Outcome decode_message(InputMessage& message, std::string&& output, const Decoder& decoder,
                       const RecordFormatter& formatter, const BatchOptions& options) {
  DecodeResult result = decoder.decode(message.bytes, message.source);
  Outcome outcome;
  outcome.output = std::move(output);
  outcome.bytes = message.bytes.size();
  outcome.is_report = result.is_report;
  outcome.warnings = std::move(result.warnings);
  if (result.error) outcome.error = result.error->message;
  if (options.sink && !result.error) {
    outcome.sink_key = options.sink->key(message.bytes);
    outcome.sink_records = result.records;
  }
  if (result.records.empty() && options.include_non_reports) {
    result.records.push_back(non_report_record(message.source, outcome.error));
  }
  for (const Record& record : result.records) {
    if (outcome.records++ > 0) outcome.output.append(formatter.separator());
    formatter.append(record, outcome.output);
  }
  outcome.source = std::move(message.source);
  return outcome;
}

// ---- writing, in input order ----

// Writes to the output stream and remembers the first failure. Output that is not a terminal is
// gathered into writes of kOutputChunk bytes: stdio's own 4 KiB buffer made a system call per
// three messages or so. A terminal gets each message's records at once.
class OutputWriter {
 public:
  explicit OutputWriter(std::FILE* out) : out_(out), gather_(isatty(fileno(out)) == 0) {
    if (gather_) pending_.reserve(kOutputChunk);
  }

  bool write(std::string_view text) {
    if (error_ || text.empty()) return !error_;
    if (!gather_) return put(text);
    pending_.append(text);
    if (pending_.size() >= kOutputChunk) put_pending();
    return !error_;
  }

  bool flush() {
    put_pending();
    if (!error_ && std::fflush(out_) != 0) fail();
    return !error_;
  }

  const std::optional<std::string>& error() const { return error_; }

 private:
  static constexpr size_t kOutputChunk = size_t{64} << 10;

  bool put(std::string_view text) {
    if (!error_ && std::fwrite(text.data(), 1, text.size(), out_) != text.size()) fail();
    return !error_;
  }

  void put_pending() {
    put(pending_);
    pending_.clear();
  }

  void fail() { error_ = "cannot write the output: " + std::error_code(errno, std::generic_category()).message(); }

  std::FILE* out_;
  bool gather_;
  std::string pending_;
  std::optional<std::string> error_;
};

void add_to_summary(const Outcome& outcome, BatchSummary& summary) {
  ++summary.messages;
  summary.bytes += outcome.bytes;
  summary.records += outcome.records;
  summary.warnings += outcome.warnings.size();
  for (const std::string& warning : outcome.warnings) {
    if (summary.first_warnings.size() == kMaxListedProblems) break;
    // Broken nesting repeats one warning per level: each is listed once per message.
    const auto same = [&](const InputProblem& listed) {
      return listed.source == outcome.source && listed.reason == warning;
    };
    if (std::none_of(summary.first_warnings.begin(), summary.first_warnings.end(), same))
      summary.first_warnings.push_back(InputProblem{outcome.source, warning});
  }
  if (outcome.is_report) {
    ++summary.reports;
  } else if (!outcome.error) {
    ++summary.non_reports;
  }
  if (outcome.error) summary.decode_errors.push_back(InputProblem{outcome.source, *outcome.error});
}

// Takes the outcomes in input order: writes their records, feeds the sink, keeps the summary.
class OutcomeWriter {
 public:
  OutcomeWriter(const BatchOptions& options, const RecordFormatter& formatter, std::FILE* out, std::FILE* err)
      : options_(options), formatter_(formatter), writer_(out), progress_(err, options.progress) {
    writer_.write(formatter_.prologue());
  }

  // False when the output or the sink failed: the batch stops.
  bool write(const Outcome& outcome) {
    if (outcome.sink_key) sink_error_ = options_.sink->keep(*outcome.sink_key, outcome.sink_records);
    if (outcome.records > 0 && summary_.records > 0) writer_.write(formatter_.separator());
    if (sink_error_ || !writer_.write(outcome.output)) return false;
    add_to_summary(outcome, summary_);
    progress_.update(summary_.messages, summary_.bytes);
    return true;
  }

  BatchSummary finish(std::vector<InputProblem>&& unreadable) {
    if (!sink_error_ && options_.sink && options_.sink->flush) sink_error_ = options_.sink->flush();
    writer_.write(formatter_.epilogue(summary_.records));
    writer_.flush();
    progress_.finish();
    summary_.unreadable = std::move(unreadable);
    summary_.output_error = sink_error_ ? sink_error_ : writer_.error();
    return std::move(summary_);
  }

 private:
  const BatchOptions& options_;
  const RecordFormatter& formatter_;
  OutputWriter writer_;
  ProgressLine progress_;
  BatchSummary summary_;
  std::optional<std::string> sink_error_;
};

// ---- the pipeline between the reader, the decoding threads and the writer ----

// A mutex that spins a little before it sleeps. The pipeline holds its lock for a few dozen
// instructions at a time, and a thread put to sleep on it costs a futex wait, a wake-up call and
// two context switches (tens of microseconds on a virtual machine): with std::mutex alone, two
// threads on a 20 MB mbox made 600-750 futex calls, most of them on this lock.
class SpinningMutex {
 public:
  void lock() {
    for (int i = 0; i < kSpins; ++i) {
      if (mutex_.try_lock()) return;
      pause();
    }
    mutex_.lock();
  }
  bool try_lock() { return mutex_.try_lock(); }
  void unlock() { mutex_.unlock(); }

 private:
  static constexpr int kSpins = 200;

  static void pause() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
  }

  std::mutex mutex_;
};

struct Job {
  size_t sequence;
  InputMessage message;
  std::string output;  // empty, possibly with the capacity of an output already written
};

// Messages are numbered as read. The reader decodes some itself and queues the others for the
// helper threads; all complete them in any order and write them back in number order: the thread
// that completes the next one to write writes it and every one after it that is ready, while the
// others go on decoding. No thread is there only to read or to write, so n threads keep n cores
// busy, and none is woken per message. One lock guards it all: the work per message dwarfs the
// locking. At most max_messages_in_flight are between the reader and the output, so a decoded
// message waits in the slot its number modulo that count gives.
class Pipeline {
 public:
  // `buffers`: the reader's, where it reads messages into; the bytes of messages decoded go back
  // there. The reader decodes every message itself until helpers_started().
  Pipeline(size_t max_messages_in_flight, OutcomeWriter& writer, MessageBuffers& buffers)
      : max_messages_(max_messages_in_flight),
        done_(max_messages_),
        writer_(writer),
        buffers_(buffers) {
    spare_outputs_.reserve(max_messages_in_flight);
  }

  // Reader: hands a message over, waiting while the window is full. While the other threads have
  // work queued, the reader decodes the message itself (and writes it if its turn has come): its
  // bytes are still in this core's cache, and n threads keep n cores busy with no reader thread
  // beside them. False once the output failed.
  template <class Decode>  // Outcome(Job&)
  bool submit(InputMessage&& message, Decode&& decode) {
    std::unique_lock lock(mutex_);
    const size_t size = message.bytes.size();
    reader_waiting_ = true;
    reader_cv_.wait(lock, [&] { return stopped_ || has_room_for(size); });
    reader_waiting_ = false;
    if (stopped_) return false;
    ++in_flight_;
    bytes_in_flight_ += size;
    if (jobs_.size() < queued_for_helpers_) {
      jobs_.push_back(Job{submitted_++, std::move(message), spare_output()});
      if (idle_helpers_ > 0) worker_cv_.notify_one();
      take_back_spent_inputs(lock);
      return true;
    }
    Job job{submitted_++, std::move(message), spare_output()};
    take_back_spent_inputs(lock);
    Outcome outcome = decode(job);
    buffers_.give_back(std::move(job.message.bytes));  // for the next message read
    return complete(job.sequence, std::move(outcome));
  }

  // Reader: from now on `helpers` decoding threads take queued messages.
  void helpers_started(unsigned helpers) {
    const std::lock_guard lock(mutex_);
    queued_for_helpers_ = kQueuedPerHelper * helpers;
  }

  void close_input() {
    const std::lock_guard lock(mutex_);
    input_closed_ = true;
    worker_cv_.notify_all();
  }

  // Decoding threads: the next message to decode; nullopt when there is no more work.
  std::optional<Job> take_job() {
    std::unique_lock lock(mutex_);
    ++idle_helpers_;
    worker_cv_.wait(lock, [&] { return stopped_ || input_closed_ || !jobs_.empty(); });
    --idle_helpers_;
    if (stopped_ || jobs_.empty()) return std::nullopt;
    Job job = std::move(jobs_.front());
    jobs_.pop_front();
    return job;
  }

  // Decoding threads: hands an outcome over, and writes it (and the ready ones after it) when it
  // is the next in line and no other thread is writing. A helper hands the message's bytes back
  // too, for the reader to reuse or free: freed on another thread than the one that allocated
  // them, they made the two wait for each other's malloc arena (80 % of the context switches on
  // an mbox).
  // False once the output failed.
  bool complete(size_t sequence, Outcome&& outcome, std::string&& spent_input = {}) {
    std::unique_lock lock(mutex_);
    if (spent_input.capacity() > 0) spent_inputs_.push_back(std::move(spent_input));
    // Not its turn, or another thread is writing (which looks at the slots again before it stops).
    if (writing_ || sequence != next_to_write_) {
      done_slot(sequence) = std::move(outcome);
      return !stopped_;
    }
    writing_ = true;
    // Its turn has come: it is written without a stop in its slot (with one thread, every message).
    if (!stopped_) write_in_turn(std::move(outcome), lock);
    while (!stopped_ && done_slot(next_to_write_)) {
      Outcome next = std::move(*done_slot(next_to_write_));
      done_slot(next_to_write_).reset();
      write_in_turn(std::move(next), lock);
    }
    writing_ = false;
    return !stopped_;
  }

 private:
  // The output failed: the reader and the decoding threads give up. REQUIRES: mutex_ held.
  void stop() {
    stopped_ = true;
    reader_cv_.notify_all();
    worker_cv_.notify_all();
  }

  // Writes the next message in line, outside the lock. REQUIRES: `lock` held, writing_.
  void write_in_turn(Outcome&& next, std::unique_lock<SpinningMutex>& lock) {
    lock.unlock();
    const bool written = writer_.write(next);
    std::string output = std::move(next.output);
    const uint64_t bytes = next.bytes;
    { const Outcome freed = std::move(next); }  // the rest freed without holding the lock
    lock.lock();
    keep_for_reuse(std::move(output));
    ++next_to_write_;
    --in_flight_;
    bytes_in_flight_ -= bytes;
    if (!written) stop();
    // The reader, waiting for room, is woken once the window is half empty, to refill it at once.
    if (reader_waiting_ && in_flight_ <= max_messages_ / 2) reader_cv_.notify_one();
  }

  // Reader: unlocks, and keeps the memory of the messages the helpers decoded for the next ones it
  // reads (or frees it). REQUIRES: `lock` held.
  void take_back_spent_inputs(std::unique_lock<SpinningMutex>& lock) {
    returned_to_reader_.swap(spent_inputs_);
    lock.unlock();
    for (std::string& spent : returned_to_reader_) buffers_.give_back(std::move(spent));
    returned_to_reader_.clear();
  }

  // REQUIRES: mutex_ held.
  std::string spare_output() {
    if (spare_outputs_.empty()) return {};
    std::string output = std::move(spare_outputs_.back());
    spare_outputs_.pop_back();
    return output;
  }

  void keep_for_reuse(std::string&& output) {
    if (output.capacity() == 0 || output.capacity() > kLargestReusedOutput) return;
    if (spare_outputs_.size() == max_messages_) return;
    output.clear();
    spare_outputs_.push_back(std::move(output));
  }

  std::optional<Outcome>& done_slot(size_t sequence) { return done_[sequence % max_messages_]; }

  bool has_room_for(size_t size) const {
    if (in_flight_ == 0) return true;
    return in_flight_ < max_messages_ && bytes_in_flight_ + size <= kBytesInFlight;
  }

  // Enough queued for a helper to find its next message at once when it finishes one.
  static constexpr size_t kQueuedPerHelper = 16;

  const size_t max_messages_;
  size_t queued_for_helpers_ = 0;  // the reader decodes a message itself when this many wait
  SpinningMutex mutex_;
  std::condition_variable_any reader_cv_;
  std::condition_variable_any worker_cv_;
  // Who waits on the condition variables: they are notified only then (notifying costs a lock of
  // their own and often a system call).
  bool reader_waiting_ = false;
  size_t idle_helpers_ = 0;
  std::deque<Job> jobs_;             // waiting to be decoded, oldest first
  std::vector<std::optional<Outcome>> done_;  // decoded, waiting for their turn to be written
  OutcomeWriter& writer_;            // used by one decoding thread at a time: the one `writing_`
  bool writing_ = false;
  std::vector<std::string> spare_outputs_;  // empty output buffers to reuse
  // Messages decoded by helpers, for the reader to reuse or free at its next submit(), outside the
  // lock. So as much again as kBytesInFlight may wait there at worst (while the reader decodes a
  // large message itself).
  std::vector<std::string> spent_inputs_;
  std::vector<std::string> returned_to_reader_;  // the reader's
  MessageBuffers& buffers_;                      // the reader's
  size_t submitted_ = 0;
  size_t next_to_write_ = 0;
  size_t in_flight_ = 0;             // submitted and not yet written
  uint64_t bytes_in_flight_ = 0;
  bool input_closed_ = false;
  bool stopped_ = false;
};

struct InputCloser {
  Pipeline& pipeline;
  ~InputCloser() { pipeline.close_input(); }
};

unsigned decoding_threads(unsigned requested) {
  if (requested > 0) return requested;
  return std::max(1u, std::thread::hardware_concurrency());
}

// ---- the summary in words ----

std::string counted(size_t n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

void append_problem_list(std::string_view heading, const std::vector<InputProblem>& problems, std::string& out) {
  if (problems.empty()) return;
  out.append(heading).append(":\n");
  const size_t listed = std::min(problems.size(), kMaxListedProblems);
  for (size_t i = 0; i < listed; ++i) {
    out.append("  ").append(problems[i].source).append(": ").append(problems[i].reason).append("\n");
  }
  if (problems.size() > listed) out.append("  ... and ").append(std::to_string(problems.size() - listed)).append(" more\n");
}

// The calling thread reads and decodes; `threads` - 1 helpers decode beside it. With one thread,
// reading, decoding and writing each message take turns on the calling thread: one core's work.
// The helpers start with the second message: one message is decoded sooner without them (a
// thread's start and end cost more than decoding a small bounce: 1.93 -> 1.70 ms in all).
BatchSummary run_pipeline(unsigned threads, const BatchOptions& options, const Decoder& decoder,
                          const RecordFormatter& formatter, OutcomeWriter& writer) {
  const auto decode = [&](Job& job) {
    return decode_message(job.message, std::move(job.output), decoder, formatter, options);
  };
  MessageBuffers buffers;
  Pipeline pipeline(kMessagesInFlightPerThread * threads, writer, buffers);
  std::vector<std::jthread> helpers;
  const auto start_helpers = [&] {
    helpers.reserve(threads - 1);
    for (unsigned i = 1; i < threads; ++i) {
      helpers.emplace_back([&] {
        while (std::optional<Job> job = pipeline.take_job()) {
          Outcome outcome = decode(*job);
          pipeline.complete(job->sequence, std::move(outcome), std::move(job->message.bytes));
        }
      });
    }
    pipeline.helpers_started(threads - 1);
  };
  size_t messages_read = 0;
  const auto submit = [&](InputMessage&& message) {
    if (++messages_read == 2 && threads > 1) start_helpers();
    return pipeline.submit(std::move(message), decode);
  };
  std::vector<InputProblem> unreadable;
  const SourceOptions source_options{decoder.options().limits.max_message_bytes, options.stdin_fd};
  {
    // Closes the input however reading ends: were reading or decoding on this thread to throw
    // (std::bad_alloc), the helpers would otherwise wait for work forever, and so would their join.
    const InputCloser closer{pipeline};
    read_inputs(options.paths, source_options,
                InputHandlers{submit, [&](InputProblem&& problem) { unreadable.push_back(std::move(problem)); },
                              &buffers});
  }
  helpers.clear();  // joined: every message read is written (or the output failed)
  return writer.finish(std::move(unreadable));
}

}  // namespace

BatchSummary run_batch(const BatchOptions& options, const Decoder& decoder, std::FILE* out, std::FILE* err) {
  const unsigned threads = decoding_threads(options.threads);
  const RecordFormatter formatter{options.format, TextStyle{options.color}};
  OutcomeWriter writer(options, formatter, out, err);
  return run_pipeline(threads, options, decoder, formatter, writer);
}

std::string format_summary(const BatchSummary& s) {
  std::string out = "Read " + counted(s.messages, "message", "messages");
  out.append(" (").append(counted(s.reports, "delivery report", "delivery reports"));
  out.append(", ").append(counted(s.non_reports, "other message", "other messages")).append(")");
  out.append("; wrote ").append(counted(s.records, "record", "records")).append(".\n");
  // Listed with their message, so that a limit reached says which one and how to raise it.
  if (s.warnings > 0) {
    out.append(counted(s.warnings, "warning", "warnings")).append(" about damaged or unusual messages");
    out.append(s.first_warnings.empty() ? ".\n" : ":\n");
    for (const InputProblem& warning : s.first_warnings)
      out.append("  ").append(warning.source).append(": ").append(warning.reason).append("\n");
    if (s.warnings > s.first_warnings.size() && !s.first_warnings.empty())
      out.append("  ... and ").append(std::to_string(s.warnings - s.first_warnings.size())).append(" more\n");
  }
  append_problem_list(counted(s.unreadable.size(), "input", "inputs") + " could not be read", s.unreadable, out);
  append_problem_list(counted(s.decode_errors.size(), "message", "messages") + " could not be decoded",
                      s.decode_errors, out);
  if (s.output_error) out.append("Stopped early: ").append(*s.output_error).append(".\n");
  return out;
}

}  // namespace bounceback::io
