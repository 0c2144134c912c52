#include "server/mhd_server.h"

#include <microhttpd.h>

#include <charconv>
#include <chrono>
#include <thread>

namespace bounceback::server {
namespace {

// What one request has sent so far; owned by MHD's per-request pointer until it completes.
struct Upload {
  std::string body;
  bool too_large = false;
};

std::string_view header(MHD_Connection* connection, const char* name) {
  const char* value = MHD_lookup_connection_value(connection, MHD_HEADER_KIND, name);
  return value == nullptr ? std::string_view() : std::string_view(value);
}

bool declared_too_large(MHD_Connection* connection, size_t max_body) {
  const std::string_view length = header(connection, MHD_HTTP_HEADER_CONTENT_LENGTH);
  uint64_t value = 0;
  const auto [stop, error] = std::from_chars(length.data(), length.data() + length.size(), value);
  return error == std::errc() && stop == length.data() + length.size() && value > max_body;
}

MHD_Result collect_argument(void* cls, MHD_ValueKind, const char* key, const char* value) {
  auto& query = *static_cast<std::vector<std::pair<std::string_view, std::string_view>>*>(cls);
  query.emplace_back(key, value == nullptr ? std::string_view() : std::string_view(value));
  return MHD_YES;
}

MHD_Result send(MHD_Connection* connection, const Response& response) {
  MHD_Response* reply = MHD_create_response_from_buffer(
      response.body.size(), const_cast<char*>(response.body.data()), MHD_RESPMEM_MUST_COPY);
  if (reply == nullptr) return MHD_NO;
  MHD_add_response_header(reply, MHD_HTTP_HEADER_CONTENT_TYPE, response.content_type.c_str());
  MHD_add_response_header(reply, "X-Content-Type-Options", "nosniff");
  for (const auto& [name, value] : response.headers) MHD_add_response_header(reply, name.c_str(), value.c_str());
  const MHD_Result queued = MHD_queue_response(connection, static_cast<unsigned>(response.status), reply);
  MHD_destroy_response(reply);
  return queued;
}

MHD_Result respond(Api& api, MHD_Connection* connection, const char* url, const char* method, const Upload& upload) {
  Request request;
  request.method = method;
  request.path = url;
  MHD_get_connection_values(connection, MHD_GET_ARGUMENT_KIND, collect_argument, &request.query);
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
  if (upload == nullptr) {
    upload = new Upload;
    *request_state = upload;
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
  return respond(api, connection, url, method, *upload);
}

void request_completed(void*, MHD_Connection*, void** request_state, MHD_RequestTerminationCode) {
  delete static_cast<Upload*>(*request_state);
  *request_state = nullptr;
}

unsigned worker_count(unsigned asked) {
  if (asked != 0) return asked;
  const unsigned cores = std::thread::hardware_concurrency();
  return cores == 0 ? 1 : cores;
}

}  // namespace

Result<std::unique_ptr<HttpServer>> HttpServer::start(const ServerOptions& options, Api& api) {
  unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG | MHD_USE_ITC;
  if (options.listen.ipv6) flags |= MHD_USE_IPv6;
  const unsigned threads = worker_count(options.threads);
  MHD_Daemon* daemon = MHD_start_daemon(
      flags, 0, nullptr, nullptr, &answer, &api,
      MHD_OPTION_SOCK_ADDR, &options.listen.address,
      MHD_OPTION_THREAD_POOL_SIZE, threads > 1 ? threads : 0u,
      MHD_OPTION_CONNECTION_LIMIT, options.connection_limit,
      MHD_OPTION_CONNECTION_TIMEOUT, options.connection_timeout_seconds,
      MHD_OPTION_NOTIFY_COMPLETED, &request_completed, nullptr,
      MHD_OPTION_END);
  if (daemon == nullptr)
    return Error{ErrorCode::kIoError, "cannot listen on " + options.listen.host + ":" +
                                          std::to_string(options.listen.port) +
                                          " (address in use, not local, or not permitted)"};
  return std::unique_ptr<HttpServer>(new HttpServer(daemon, options.listen.host));
}

HttpServer::~HttpServer() {
  MHD_quiesce_daemon(daemon_);
  constexpr auto kGrace = std::chrono::seconds(3);
  const auto deadline = std::chrono::steady_clock::now() + kGrace;
  while (std::chrono::steady_clock::now() < deadline) {
    const MHD_DaemonInfo* info = MHD_get_daemon_info(daemon_, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
    if (info == nullptr || info->num_connections == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  MHD_stop_daemon(daemon_);
}

uint16_t HttpServer::port() const {
  const MHD_DaemonInfo* info = MHD_get_daemon_info(daemon_, MHD_DAEMON_INFO_BIND_PORT);
  return info == nullptr ? 0 : info->port;
}

std::string HttpServer::url() const { return "http://" + host_ + ":" + std::to_string(port()) + "/"; }

}  // namespace bounceback::server
