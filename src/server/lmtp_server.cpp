#include "server/lmtp_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>
#include <utility>

namespace bounceback::server {
namespace {

constexpr int kBacklog = 64;
constexpr size_t kReadChunk = size_t{64} << 10;

Error socket_error(const ListenAddress& listen, std::string_view what) {
  return Error{ErrorCode::kIoError, "--lmtp " + listen.host + ":" + std::to_string(listen.port) + ": " +
                                        std::string(what) + ": " + std::strerror(errno)};
}

std::string this_host_name() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "localhost";
  return name;
}

// Writes all of `bytes`; false when the client is gone or takes nothing for the send timeout.
bool send_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t sent = send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent < 0 && errno == EINTR) continue;
    if (sent <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(sent));
  }
  return true;
}

void set_send_timeout(int fd, unsigned seconds) {
  timeval timeout{};
  timeout.tv_sec = static_cast<time_t>(seconds);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
}

socklen_t address_length(const ListenAddress& listen) {
  return listen.ipv6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in);
}

uint16_t bound_port(int fd, const ListenAddress& listen) {
  sockaddr_storage bound{};
  socklen_t length = sizeof bound;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &length) != 0) return listen.port;
  if (bound.ss_family == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6*>(&bound)->sin6_port);
  return ntohs(reinterpret_cast<const sockaddr_in*>(&bound)->sin_port);
}

Result<int> open_listener(const ListenAddress& listen) {
  const int fd = socket(listen.ipv6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return socket_error(listen, "cannot create a socket");
  const int yes = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  if (bind(fd, reinterpret_cast<const sockaddr*>(&listen.address), address_length(listen)) != 0) {
    Error error = socket_error(listen, "cannot bind");
    close(fd);
    return error;
  }
  if (::listen(fd, kBacklog) != 0) {
    Error error = socket_error(listen, "cannot listen");
    close(fd);
    return error;
  }
  return fd;
}

}  // namespace

Result<std::unique_ptr<LmtpServer>> LmtpServer::start(LmtpServerOptions options, LmtpDeliver deliver) {
  if (options.hostname.empty()) options.hostname = this_host_name();
  const Result<int> listen_fd = open_listener(options.listen);
  if (!listen_fd) return listen_fd.error();
  int stop[2] = {-1, -1};
  if (pipe2(stop, O_CLOEXEC) != 0) {
    Error error = socket_error(options.listen, "cannot create the stop pipe");
    close(*listen_fd);
    return error;
  }
  const uint16_t port = bound_port(*listen_fd, options.listen);
  std::unique_ptr<LmtpServer> server(
      new LmtpServer(std::move(options), std::move(deliver), *listen_fd, stop[0], stop[1], port));
  server->acceptor_ = std::thread([raw = server.get()] { raw->accept_loop(); });
  return server;
}

LmtpServer::LmtpServer(LmtpServerOptions options, LmtpDeliver deliver, int listen_fd, int stop_read, int stop_write,
                       uint16_t port)
    : options_(std::move(options)),
      deliver_(std::move(deliver)),
      listen_fd_(listen_fd),
      stop_read_(stop_read),
      stop_write_(stop_write),
      port_(port) {}

void LmtpServer::stop() {
  if (!acceptor_.joinable()) return;
  const char stop = 's';
  while (write(stop_write_, &stop, 1) < 0 && errno == EINTR) {
  }
  acceptor_.join();
  for (Worker& worker : workers_) worker.thread.join();
  workers_.clear();
}

LmtpServer::~LmtpServer() {
  stop();
  close(listen_fd_);
  close(stop_read_);
  close(stop_write_);
}

std::string LmtpServer::address() const { return options_.listen.host + ":" + std::to_string(port_); }

LmtpCounts LmtpServer::counts() const {
  return LmtpCounts{sessions_.load(),    refused_busy_.load(),  stored_.load(),        duplicates_.load(),
                    not_reports_.load(), unprocessable_.load(), store_failures_.load()};
}

void LmtpServer::accept_loop() {
  for (;;) {
    pollfd watched[2] = {{listen_fd_, POLLIN, 0}, {stop_read_, POLLIN, 0}};
    if (poll(watched, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (watched[1].revents != 0) return;
    const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      // Out of descriptors the listener stays readable: wait a little rather than spin.
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) poll(&watched[1], 1, 100);
      continue;
    }
    set_send_timeout(fd, options_.timeout_seconds);
    reap_finished_workers();
    if (workers_.size() >= options_.max_sessions || !start_worker(fd)) refuse_busy(fd);
  }
}

bool LmtpServer::start_worker(int fd) {
  Worker& worker = workers_.emplace_back();
  try {
    worker.thread = std::thread([this, fd, &worker] {
      serve_session(fd);
      worker.done.store(true, std::memory_order_release);
    });
  } catch (const std::system_error&) {  // no thread to be had now: the client retries later
    workers_.pop_back();
    return false;
  }
  sessions_.fetch_add(1, std::memory_order_relaxed);
  return true;
}

void LmtpServer::refuse_busy(int fd) {
  refused_busy_.fetch_add(1, std::memory_order_relaxed);
  LmtpSession refused(options_.hostname, options_.limits, nullptr);
  const std::string busy = refused.close_with(LmtpClose::kBusy);
  send(fd, busy.data(), busy.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  close(fd);
}

void LmtpServer::reap_finished_workers() {
  for (auto it = workers_.begin(); it != workers_.end();) {
    if (!it->done.load(std::memory_order_acquire)) {
      ++it;
      continue;
    }
    it->thread.join();
    it = workers_.erase(it);
  }
}

void LmtpServer::serve_session(int fd) {
  LmtpSession session(options_.hostname, options_.limits,
                      [this](std::string_view message) { return deliver_counted(message); });
  const int timeout_ms = static_cast<int>(options_.timeout_seconds) * 1000;
  bool connected = send_all(fd, session.greeting());
  std::string buffer(kReadChunk, '\0');
  while (connected && !session.closed()) {
    pollfd watched[2] = {{fd, POLLIN, 0}, {stop_read_, POLLIN, 0}};
    const int ready = poll(watched, 2, timeout_ms);
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) break;
    if (watched[1].revents != 0) {
      send_all(fd, session.close_with(LmtpClose::kShuttingDown));
      break;
    }
    if (ready == 0) {
      send_all(fd, session.close_with(LmtpClose::kTimeout));
      break;
    }
    const ssize_t received = recv(fd, buffer.data(), buffer.size(), 0);
    if (received < 0 && errno == EINTR) continue;
    if (received <= 0) break;
    connected = send_all(fd, session.feed(std::string_view(buffer.data(), static_cast<size_t>(received))));
  }
  close(fd);
}

pipeline::IngestOutcome LmtpServer::deliver_counted(std::string_view message) {
  pipeline::IngestOutcome outcome = deliver_(message);
  std::atomic<uint64_t>* counter = &store_failures_;
  switch (outcome.status) {
    case pipeline::IngestStatus::kStored:
      counter = &stored_;
      break;
    case pipeline::IngestStatus::kDuplicate:
      counter = &duplicates_;
      break;
    case pipeline::IngestStatus::kNotAReport:
      counter = &not_reports_;
      break;
    case pipeline::IngestStatus::kUnprocessable:
      counter = &unprocessable_;
      break;
    case pipeline::IngestStatus::kStoreFailed:
      break;
  }
  counter->fetch_add(1, std::memory_order_relaxed);
  return outcome;
}

}  // namespace bounceback::server
