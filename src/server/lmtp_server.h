// The LMTP listener of `bounceback serve --lmtp`: POSIX sockets, one thread per session up to a
// bound, RFC 5321 style timeouts. The protocol itself is LmtpSession (lmtp_session.h).
#pragma once

#include <atomic>
#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <thread>

#include "bounceback/result.h"
#include "server/listen_address.h"
#include "server/lmtp_session.h"

namespace bounceback::server {

struct LmtpServerOptions {
  ListenAddress listen;
  // Named in the greeting and the LHLO reply. Default: this machine's host name.
  std::string hostname;
  LmtpLimits limits;
  // Sessions served at once; one more is told 421 4.3.2 and closed, so its MTA retries later.
  // Default: 16. CLI: --lmtp-max-sessions.
  unsigned max_sessions = 16;
  // A session that sends no command or data for this long is told 421 4.4.2 and closed; a client
  // that takes no replies for this long is dropped. Default: 300, the 5 minutes of RFC 5321
  // 4.5.3.2. CLI: --lmtp-timeout.
  unsigned timeout_seconds = 300;
};

// What the listener has done since it started; read at any time from any thread.
struct LmtpCounts {
  uint64_t sessions = 0;
  uint64_t refused_busy = 0;
  uint64_t stored = 0;
  uint64_t duplicates = 0;
  uint64_t not_reports = 0;
  uint64_t unprocessable = 0;
  uint64_t store_failures = 0;
};

class LmtpServer {
 public:
  // Binds and starts accepting on a background thread. An address that cannot be bound is a
  // kIoError naming it. `deliver` is called from the session threads at once: it must be
  // thread-safe.
  static Result<std::unique_ptr<LmtpServer>> start(LmtpServerOptions options, LmtpDeliver deliver);

  // Stops accepting; sessions waiting for the client are told 421 4.3.2 and closed, a message
  // being stored is stored and answered first. Returns when every session has ended. Idempotent.
  void stop();
  ~LmtpServer();
  LmtpServer(const LmtpServer&) = delete;
  LmtpServer& operator=(const LmtpServer&) = delete;

  // The bound port: the one chosen by the system when the options asked for port 0.
  uint16_t port() const { return port_; }
  // "127.0.0.1:2424", "[::1]:2424"
  std::string address() const;
  LmtpCounts counts() const;

 private:
  struct Worker {
    std::thread thread;
    std::atomic<bool> done{false};
  };

  LmtpServer(LmtpServerOptions options, LmtpDeliver deliver, int listen_fd, int stop_read, int stop_write,
             uint16_t port);

  void accept_loop();
  // A thread for the session on `fd`; false when none can be started.
  bool start_worker(int fd);
  void refuse_busy(int fd);
  void reap_finished_workers();
  void serve_session(int fd);
  pipeline::IngestOutcome deliver_counted(std::string_view message);

  LmtpServerOptions options_;
  LmtpDeliver deliver_;
  int listen_fd_;
  // Written once to stop: every poll that watches the read end wakes up, and stays woken.
  int stop_read_;
  int stop_write_;
  uint16_t port_;
  std::thread acceptor_;
  std::list<Worker> workers_;  // only the acceptor thread touches it until the destructor joins it

  std::atomic<uint64_t> sessions_{0};
  std::atomic<uint64_t> refused_busy_{0};
  std::atomic<uint64_t> stored_{0};
  std::atomic<uint64_t> duplicates_{0};
  std::atomic<uint64_t> not_reports_{0};
  std::atomic<uint64_t> unprocessable_{0};
  std::atomic<uint64_t> store_failures_{0};
};

}  // namespace bounceback::server
