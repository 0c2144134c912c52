// The transport-free shape of an HTTP exchange: the MHD adapter fills a Request, the API core
// answers with a Response, so the whole API is testable without sockets.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bounceback::server {

struct Request {
  std::string_view method;  // "GET", "POST", ...
  std::string_view path;    // percent-decoded, without the query string
  std::vector<std::pair<std::string_view, std::string_view>> query;  // decoded, in order
  std::string_view content_type;   // empty when absent
  std::string_view authorization;  // the Authorization header, empty when absent
  std::string_view body;
  // Set by the transport when the body exceeded the configured maximum; `body` is then empty.
  bool body_too_large = false;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers, e.g. Allow
};

// A 200 response with a JSON body.
Response json_response(std::string body);

// `{"error":{"code":"bad_request","message":"..."}}` with the code word that goes with `status`;
// a 401 also carries `WWW-Authenticate: Bearer`.
Response error_response(int status, std::string_view message);

// The value of query parameter `name`, or nullptr when absent.
const std::string_view* find_query(const Request& request, std::string_view name);

}  // namespace bounceback::server
