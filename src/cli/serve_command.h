// `bounceback serve`: the HTTP API and the web page (src/server/).
#pragma once

#include <cstddef>
#include <string>

namespace bounceback::cli {

struct ServeCommand {
  std::string listen = "127.0.0.1:8025";
  std::string db = "sqlite:./bounceback.db";
  bool no_store = false;
  std::string token;  // empty: store-changing requests need no token
  size_t max_body = size_t{25} << 20;
  unsigned threads = 0;  // 0: all cores
  unsigned max_connections = 1024;
  unsigned timeout_seconds = 30;
  bool no_http = false;  // LMTP only
  std::string lmtp;      // HOST:PORT of the LMTP listener; empty: none
  unsigned lmtp_max_sessions = 16;
  unsigned lmtp_timeout_seconds = 300;
  size_t lmtp_max_message_size = size_t{64} << 20;
};

// Serves until SIGINT or SIGTERM; returns the exit code (1 when the store or address fails,
// 2 when the options contradict each other).
int run_serve(const ServeCommand& command);

}  // namespace bounceback::cli
