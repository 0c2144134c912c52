// The thin adapter from libmicrohttpd to Api::handle: it gathers a request's body (bounded by
// ApiOptions::max_body_bytes), hands over a Request and sends the Response back.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "bounceback/result.h"
#include "server/api.h"
#include "server/listen_address.h"

struct MHD_Daemon;

namespace bounceback::server {

class DeadlineWatch;

struct ServerOptions {
  ListenAddress listen;
  // Worker threads, each with its own event loop and listening socket. Default 0: one per core.
  unsigned threads = 0;
  // Connections served at once, shared evenly among the event loops (at least one each); more
  // wait in the kernel's backlog. Default: 1024.
  unsigned connection_limit = 1024;
  // An idle connection is closed after this many seconds; and however slowly it trickles in, a
  // request's headers must arrive within this many seconds of the connection opening (or of the
  // previous request ending), then its body within this many seconds of the headers. Default: 30.
  unsigned connection_timeout_seconds = 30;
};

class HttpServer {
 public:
  // Binds and starts serving on background threads. An address that cannot be bound is a
  // kIoError naming it. REQUIRES: `api` outlives the server.
  static Result<std::unique_ptr<HttpServer>> start(const ServerOptions& options, Api& api);

  // Stops accepting, lets requests in flight finish (for up to a few seconds), then stops.
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // The bound port: the one chosen by the system when the options asked for port 0.
  uint16_t port() const;
  // "http://127.0.0.1:8025/"
  std::string url() const;

 private:
  HttpServer(std::unique_ptr<DeadlineWatch> watch, std::string host);
  unsigned open_connections() const;

  std::unique_ptr<DeadlineWatch> watch_;  // outlives the daemons, which report to it
  std::vector<MHD_Daemon*> daemons_;      // one per event loop
  std::string host_;
};

}  // namespace bounceback::server
