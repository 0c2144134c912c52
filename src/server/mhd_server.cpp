#include "server/mhd_server.h"

#include <arpa/inet.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "server/libmicrohttpd.h"

namespace bounceback::server {

// Deadlines for the phases of a request, which MHD's idle timeout cannot give: a client that
// trickles a byte every few seconds never looks idle (the "slowloris" attack) and would hold its
// connection, one of a bounded number, for days. Each connection must send a request's headers
// within the limit of connecting or of its previous request ending, then the body within the limit
// of the headers; a watchdog thread shuts down the socket of one that does not, and MHD then
// closes it as it closes any connection its client dropped.
class DeadlineWatch {
 public:
  class Connection {
   public:
    Connection(MHD_socket fd, std::chrono::nanoseconds limit) : fd_(fd), limit_(limit) { begin_phase(); }
    // Headers or a body are now awaited: they must arrive within the limit from now.
    void begin_phase() { deadline_.store(now() + limit_.count(), std::memory_order_relaxed); }
    // The request is in: the answer is not on the client's clock.
    void end_phases() { deadline_.store(kNever, std::memory_order_relaxed); }
    // Shuts the socket down once, when the deadline has passed. REQUIRES: the watch's lock,
    // so that MHD cannot have closed the descriptor (and the system reused it) meanwhile.
    void shut_if_overdue(int64_t at) {
      if (deadline_.load(std::memory_order_relaxed) > at) return;
      deadline_.store(kNever, std::memory_order_relaxed);
      shutdown(fd_, SHUT_RDWR);
    }

   private:
    static constexpr int64_t kNever = INT64_MAX;
    MHD_socket fd_;
    std::chrono::nanoseconds limit_;
    std::atomic<int64_t> deadline_{kNever};
  };

  explicit DeadlineWatch(std::chrono::seconds limit) : limit_(limit), thread_([this] { run(); }) {}
  ~DeadlineWatch() {
    {
      const std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
  }
  DeadlineWatch(const DeadlineWatch&) = delete;
  DeadlineWatch& operator=(const DeadlineWatch&) = delete;

  Connection* add(MHD_socket fd) {
    auto connection = std::make_unique<Connection>(fd, limit_);
    Connection* added = connection.get();
    const std::lock_guard lock(mutex_);
    connections_.emplace(added, std::move(connection));
    return added;
  }

  // MHD reports a connection closed before it closes the descriptor (MHD_cleanup_connections).
  void remove(Connection* connection) {
    const std::lock_guard lock(mutex_);
    connections_.erase(connection);
  }

  static int64_t now() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }

 private:
  void run() {
    // A quarter of a second late at most: deadlines are seconds long.
    constexpr auto kPeriod = std::chrono::milliseconds(250);
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, kPeriod, [this] { return stopping_; })) {
      const int64_t at = now();
      for (auto& [key, connection] : connections_) connection->shut_if_overdue(at);
    }
  }

  const std::chrono::seconds limit_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::unordered_map<Connection*, std::unique_ptr<Connection>> connections_;
  std::thread thread_;  // last: it starts running in the constructor
};

namespace {

// Whatever MHD would allocate per connection beyond this (its request line and headers, mostly)
// is refused with 431: no client can make the server hold more than this while headers arrive.
constexpr size_t kConnectionMemory = size_t{32} << 10;

// What one request has sent so far; owned by MHD's per-request pointer until it completes.
struct Upload {
  std::string body;
  bool too_large = false;
};

std::string_view header(MHD_Connection* connection, const char* name) {
  const char* value = mhd().MHD_lookup_connection_value(connection, MHD_HEADER_KIND, name);
  return value == nullptr ? std::string_view() : std::string_view(value);
}

bool declared_too_large(MHD_Connection* connection, size_t max_body) {
  const std::string_view length = header(connection, MHD_HTTP_HEADER_CONTENT_LENGTH);
  uint64_t value = 0;
  const auto [stop, error] = std::from_chars(length.data(), length.data() + length.size(), value);
  return error == std::errc() && stop == length.data() + length.size() && value > max_body;
}

DeadlineWatch::Connection* watched(MHD_Connection* connection) {
  const MHD_ConnectionInfo* info = mhd().MHD_get_connection_info(connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
  return info == nullptr ? nullptr : static_cast<DeadlineWatch::Connection*>(info->socket_context);
}

void notify_connection(void* cls, MHD_Connection* connection, void** socket_context,
                       MHD_ConnectionNotificationCode code) {
  auto& watch = *static_cast<DeadlineWatch*>(cls);
  if (code == MHD_CONNECTION_NOTIFY_STARTED) {
    const MHD_ConnectionInfo* info = mhd().MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (info != nullptr) *socket_context = watch.add(info->connect_fd);
  } else if (*socket_context != nullptr) {
    watch.remove(static_cast<DeadlineWatch::Connection*>(*socket_context));
    *socket_context = nullptr;
  }
}

MHD_Result collect_argument(void* cls, MHD_ValueKind, const char* key, const char* value) {
  auto& query = *static_cast<std::vector<std::pair<std::string_view, std::string_view>>*>(cls);
  query.emplace_back(key, value == nullptr ? std::string_view() : std::string_view(value));
  return MHD_YES;
}

MHD_Result send(MHD_Connection* connection, const Response& response) {
  MHD_Response* reply = mhd().MHD_create_response_from_buffer(
      response.body.size(), const_cast<char*>(response.body.data()), MHD_RESPMEM_MUST_COPY);
  if (reply == nullptr) return MHD_NO;
  mhd().MHD_add_response_header(reply, MHD_HTTP_HEADER_CONTENT_TYPE, response.content_type.c_str());
  mhd().MHD_add_response_header(reply, "X-Content-Type-Options", "nosniff");
  for (const auto& [name, value] : response.headers) mhd().MHD_add_response_header(reply, name.c_str(), value.c_str());
  const MHD_Result queued = mhd().MHD_queue_response(connection, static_cast<unsigned>(response.status), reply);
  mhd().MHD_destroy_response(reply);
  return queued;
}

MHD_Result respond(Api& api, MHD_Connection* connection, const char* url, const char* method, const Upload& upload) {
  Request request;
  request.method = method;
  request.path = url;
  mhd().MHD_get_connection_values(connection, MHD_GET_ARGUMENT_KIND, collect_argument, &request.query);
  request.content_type = header(connection, MHD_HTTP_HEADER_CONTENT_TYPE);
  request.authorization = header(connection, MHD_HTTP_HEADER_AUTHORIZATION);
  request.body = upload.body;
  request.body_too_large = upload.too_large;
  return send(connection, api.handle(request));
}

// MHD calls this first when the headers are in (with no data), then once per piece of body,
// then once more with nothing left: that last call answers.
MHD_Result answer(void* cls, MHD_Connection* connection, const char* url, const char* method, const char*,
                  const char* upload_data, size_t* upload_data_size, void** request_state) {
  Api& api = *static_cast<Api*>(cls);
  const size_t max_body = api.options().max_body_bytes;
  auto* upload = static_cast<Upload*>(*request_state);
  DeadlineWatch::Connection* deadline = watched(connection);
  if (upload == nullptr) {
    upload = new Upload;
    *request_state = upload;
    if (deadline != nullptr) deadline->begin_phase();  // the headers are in; now the body
    // Refuse an announced oversized body before reading it: the client gets 413 instead of
    // "100 Continue" and never sends the bytes.
    if (declared_too_large(connection, max_body)) {
      upload->too_large = true;
      return respond(api, connection, url, method, *upload);
    }
    return MHD_YES;
  }
  if (*upload_data_size > 0) {
    if (!upload->too_large && upload->body.size() + *upload_data_size <= max_body) {
      upload->body.append(upload_data, *upload_data_size);
    } else {
      upload->too_large = true;
      std::string().swap(upload->body);
    }
    *upload_data_size = 0;
    return MHD_YES;
  }
  if (deadline != nullptr) deadline->end_phases();
  return respond(api, connection, url, method, *upload);
}

void request_completed(void*, MHD_Connection* connection, void** request_state, MHD_RequestTerminationCode) {
  delete static_cast<Upload*>(*request_state);
  *request_state = nullptr;
  // A kept-alive connection now waits for its next request's headers.
  if (DeadlineWatch::Connection* deadline = watched(connection)) deadline->begin_phase();
}

unsigned worker_count(unsigned asked) {
  if (asked != 0) return asked;
  const unsigned cores = std::thread::hardware_concurrency();
  return cores == 0 ? 1 : cores;
}

// `listen`'s address with `port` in it.
sockaddr_storage address_with_port(const ListenAddress& listen, uint16_t port) {
  sockaddr_storage address = listen.address;
  if (listen.ipv6) {
    sockaddr_in6 ipv6;
    std::memcpy(&ipv6, &address, sizeof ipv6);
    ipv6.sin6_port = htons(port);
    std::memcpy(&address, &ipv6, sizeof ipv6);
  } else {
    sockaddr_in ipv4;
    std::memcpy(&ipv4, &address, sizeof ipv4);
    ipv4.sin_port = htons(port);
    std::memcpy(&address, &ipv4, sizeof ipv4);
  }
  return address;
}

// Whether something already listens on the address. The event loops share their port with
// SO_REUSEPORT, which would also let them join another server of the same user on it unnoticed;
// a plain socket cannot bind where anyone listens, so it asks first.
bool port_taken(const ListenAddress& listen) {
  if (listen.port == 0) return false;
  const int probe = socket(listen.ipv6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (probe < 0) return false;
  const int yes = 1;
  setsockopt(probe, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);  // as MHD binds: TIME_WAIT is no owner
  const socklen_t length = listen.ipv6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in);
  const bool taken = bind(probe, reinterpret_cast<const sockaddr*>(&listen.address), length) != 0 && errno == EADDRINUSE;
  close(probe);
  return taken;
}

uint16_t bound_port(MHD_Daemon* daemon) {
  const MHD_DaemonInfo* info = mhd().MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
  return info == nullptr ? 0 : info->port;
}

// One event loop: an MHD daemon with its own thread and listening socket. With `share_port`
// its socket is one of several on the port, among which the kernel spreads new connections.
MHD_Daemon* start_event_loop(const sockaddr_storage& address, bool ipv6, bool share_port, unsigned connection_limit,
                             unsigned timeout_seconds, Api& api, DeadlineWatch& watch) {
  unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG | MHD_USE_ITC;
  if (ipv6) flags |= MHD_USE_IPv6;
  const MHD_OptionItem reuse[] = {{share_port ? MHD_OPTION_LISTENING_ADDRESS_REUSE : MHD_OPTION_END, 1, nullptr},
                                  {MHD_OPTION_END, 0, nullptr}};
  return mhd().MHD_start_daemon(
      flags, 0, nullptr, nullptr, &answer, &api,
      MHD_OPTION_SOCK_ADDR, &address,
      MHD_OPTION_ARRAY, reuse,
      MHD_OPTION_CONNECTION_LIMIT, connection_limit,
      MHD_OPTION_CONNECTION_TIMEOUT, timeout_seconds,
      MHD_OPTION_CONNECTION_MEMORY_LIMIT, kConnectionMemory,
      MHD_OPTION_NOTIFY_COMPLETED, &request_completed, nullptr,
      MHD_OPTION_NOTIFY_CONNECTION, &notify_connection, &watch,
      MHD_OPTION_END);
}

}  // namespace

// One event loop per worker, each with its own listening socket on the shared port (SO_REUSEPORT),
// rather than MHD's thread pool: the pool's workers all wait on one socket, and the first awake
// takes a whole burst of new connections, so under load one core served everything while the
// others idled. The kernel spreads connections over the sockets by their addresses instead.
Result<std::unique_ptr<HttpServer>> HttpServer::start(const ServerOptions& options, Api& api) {
  if (const Result<const LibMicroHttpd*> loaded = load_libmicrohttpd(); !loaded) return loaded.error();
  const Error cannot_listen{ErrorCode::kIoError, "cannot listen on " + options.listen.host + ":" +
                                                     std::to_string(options.listen.port) +
                                                     " (address in use, not local, or not permitted)"};
  if (port_taken(options.listen)) return cannot_listen;
  const unsigned loops = worker_count(options.threads);
  const unsigned connections_per_loop = std::max(1u, options.connection_limit / loops);
  std::unique_ptr<HttpServer> server(new HttpServer(
      std::make_unique<DeadlineWatch>(std::chrono::seconds(options.connection_timeout_seconds)), options.listen.host));
  for (unsigned i = 0; i < loops; ++i) {
    // The first loop binds the port asked for, which may be 0; the others join it on the same.
    const uint16_t port = i == 0 ? options.listen.port : server->port();
    MHD_Daemon* daemon = start_event_loop(address_with_port(options.listen, port), options.listen.ipv6, loops > 1,
                                          connections_per_loop, options.connection_timeout_seconds, api,
                                          *server->watch_);
    if (daemon == nullptr) return cannot_listen;  // the server stops the loops already started
    server->daemons_.push_back(daemon);
  }
  return server;
}

HttpServer::HttpServer(std::unique_ptr<DeadlineWatch> watch, std::string host)
    : watch_(std::move(watch)), host_(std::move(host)) {}

HttpServer::~HttpServer() {
  // Quiesced, a loop accepts nothing more but keeps its socket, which MHD leaves to its caller to
  // close once the loop has stopped.
  std::vector<MHD_socket> listening;
  for (MHD_Daemon* daemon : daemons_) listening.push_back(mhd().MHD_quiesce_daemon(daemon));
  constexpr auto kGrace = std::chrono::seconds(3);
  const auto deadline = std::chrono::steady_clock::now() + kGrace;
  while (std::chrono::steady_clock::now() < deadline && open_connections() > 0)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  for (MHD_Daemon* daemon : daemons_) mhd().MHD_stop_daemon(daemon);
  for (MHD_socket socket : listening)
    if (socket != MHD_INVALID_SOCKET) close(socket);
}

unsigned HttpServer::open_connections() const {
  unsigned open = 0;
  for (MHD_Daemon* daemon : daemons_) {
    const MHD_DaemonInfo* info = mhd().MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
    if (info != nullptr) open += info->num_connections;
  }
  return open;
}

uint16_t HttpServer::port() const { return daemons_.empty() ? 0 : bound_port(daemons_.front()); }

std::string HttpServer::url() const { return "http://" + host_ + ":" + std::to_string(port()) + "/"; }

}  // namespace bounceback::server
