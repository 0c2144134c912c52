#include "cli/serve_command.h"

#include <csignal>
#include <cstdio>
#include <optional>

#include "cli/commands.h"
#include "pipeline/ingest.h"
#include "server/api.h"
#include "server/lmtp_server.h"
#include "server/mhd_server.h"

namespace bounceback::cli {
namespace {

int fail(const std::string& message) {
  std::fprintf(stderr, "bounceback serve: %s\n", message.c_str());
  return kExitInput;
}

int usage(const std::string& message) {
  std::fprintf(stderr, "bounceback serve: %s\n", message.c_str());
  return kExitUsage;
}

std::optional<std::string> contradiction(const ServeCommand& command) {
  if (command.no_http && command.lmtp.empty()) return "--no-http needs --lmtp: there would be nothing to serve";
  if (!command.lmtp.empty() && command.no_store) return "--lmtp needs a store: it exists to keep what it receives";
  return std::nullopt;
}

// Every LMTP message goes through the same ingest function as `bounceback ingest`; a store
// failure is logged here because the client is told only to try again.
server::LmtpDeliver lmtp_delivery(const Decoder& decoder, store::Store& store) {
  return [&decoder, &store](std::string_view message) {
    pipeline::IngestOutcome outcome =
        pipeline::ingest_message(decoder, message, "lmtp", [&store]() -> Result<store::Store*> { return &store; });
    if (outcome.status == pipeline::IngestStatus::kStoreFailed) {
      std::fprintf(stderr, "bounceback serve: LMTP: cannot store a message (told the client 451): %s\n",
                   outcome.detail.c_str());
    }
    return outcome;
  };
}

void print_lmtp_counts(const server::LmtpServer& lmtp) {
  const server::LmtpCounts counts = lmtp.counts();
  const auto n = [](uint64_t count) { return static_cast<unsigned long long>(count); };
  std::fprintf(stderr,
               "bounceback serve: LMTP: %llu sessions (%llu refused as busy), %llu messages stored, %llu duplicates, "
               "%llu not delivery reports, %llu unprocessable, %llu store failures\n",
               n(counts.sessions), n(counts.refused_busy), n(counts.stored), n(counts.duplicates), n(counts.not_reports),
               n(counts.unprocessable), n(counts.store_failures));
}

}  // namespace

int run_serve(const ServeCommand& command) {
  if (const std::optional<std::string> problem = contradiction(command)) return usage(*problem);
  const Result<server::ListenAddress> address = server::parse_listen_address(command.listen);
  if (!address) return usage(address.error().message);
  std::optional<server::ListenAddress> lmtp_address;
  if (!command.lmtp.empty()) {
    Result<server::ListenAddress> parsed = server::parse_listen_address(command.lmtp, "--lmtp");
    if (!parsed) return usage(parsed.error().message);
    lmtp_address = std::move(parsed).value();
  }
  std::unique_ptr<store::Store> store;
  if (!command.no_store) {
    Result<std::unique_ptr<store::Store>> opened = store::open_store(command.db);
    if (!opened) return fail(opened.error().message + " (use --no-store to serve without one)");
    store = std::move(opened).value();
  }

  // Block the stop signals before the worker threads start, so they inherit the mask and the
  // signals reach only the sigwait below.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  const std::string store_words = store ? "store " + store::printable_store_url(command.db) : "no store";
  server::Api api(server::ApiOptions{command.max_body, command.token}, store.get());
  std::unique_ptr<server::HttpServer> http;
  if (!command.no_http) {
    const server::ServerOptions options{*address, command.threads, command.max_connections, command.timeout_seconds};
    Result<std::unique_ptr<server::HttpServer>> started = server::HttpServer::start(options, api);
    if (!started) return fail(started.error().message);
    http = std::move(started).value();
    std::fprintf(stderr, "bounceback serve: listening on %s (%s)\n", http->url().c_str(), store_words.c_str());
  }

  DecodeOptions decode_options;
  decode_options.limits.max_message_bytes = command.lmtp_max_message_size;
  const Decoder lmtp_decoder(decode_options);
  std::unique_ptr<server::LmtpServer> lmtp;
  if (lmtp_address) {
    server::LmtpServerOptions options;
    options.listen = *lmtp_address;
    options.limits.max_message_bytes = command.lmtp_max_message_size;
    options.max_sessions = command.lmtp_max_sessions;
    options.timeout_seconds = command.lmtp_timeout_seconds;
    Result<std::unique_ptr<server::LmtpServer>> started =
        server::LmtpServer::start(std::move(options), lmtp_delivery(lmtp_decoder, *store));
    if (!started) return fail(started.error().message);
    lmtp = std::move(started).value();
    std::fprintf(stderr, "bounceback serve: LMTP listening on %s (%s)\n", lmtp->address().c_str(), store_words.c_str());
  }

  int received = 0;
  sigwait(&stop_signals, &received);
  std::fprintf(stderr, "bounceback serve: stopping on %s\n", received == SIGINT ? "SIGINT" : "SIGTERM");
  if (lmtp) {
    lmtp->stop();  // sessions storing a message finish it and answer first
    print_lmtp_counts(*lmtp);
  }
  return kExitOk;
}

}  // namespace bounceback::cli
