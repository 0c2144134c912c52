#include "cli/serve_command.h"

#include <csignal>
#include <cstdio>

#include "cli/commands.h"
#include "server/api.h"
#include "server/mhd_server.h"

namespace bounceback::cli {
namespace {

int fail(const std::string& message) {
  std::fprintf(stderr, "bounceback serve: %s\n", message.c_str());
  return kExitInput;
}

}  // namespace

int run_serve(const ServeCommand& command) {
  const Result<server::ListenAddress> address = server::parse_listen_address(command.listen);
  if (!address) {
    std::fprintf(stderr, "bounceback serve: %s\n", address.error().message.c_str());
    return kExitUsage;
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

  server::Api api(server::ApiOptions{command.max_body, command.token}, store.get());
  const server::ServerOptions options{*address, command.threads, command.max_connections, command.timeout_seconds};
  Result<std::unique_ptr<server::HttpServer>> started = server::HttpServer::start(options, api);
  if (!started) return fail(started.error().message);
  const std::unique_ptr<server::HttpServer>& http = started.value();

  const std::string store_words = store ? "store " + command.db : "no store";
  std::fprintf(stderr, "bounceback serve: listening on %s (%s)\n", http->url().c_str(), store_words.c_str());
  int received = 0;
  sigwait(&stop_signals, &received);
  std::fprintf(stderr, "bounceback serve: stopping on %s\n", received == SIGINT ? "SIGINT" : "SIGTERM");
  return kExitOk;
}

}  // namespace bounceback::cli
