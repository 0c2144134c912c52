#include "server/http.h"

#include "bounceback/output.h"

namespace bounceback::server {
namespace {

std::string_view error_code_word(int status) {
  switch (status) {
    case 400: return "bad_request";
    case 401: return "unauthorized";
    case 404: return "not_found";
    case 405: return "method_not_allowed";
    case 413: return "payload_too_large";
    case 503: return "unavailable";
    default: return "internal_error";
  }
}

}  // namespace

Response json_response(std::string body) {
  Response response;
  response.body = std::move(body);
  return response;
}

Response error_response(int status, std::string_view message) {
  Response response;
  response.status = status;
  response.body = "{\"error\":{\"code\":\"";
  response.body += error_code_word(status);
  response.body += "\",\"message\":";
  append_json_string(message, response.body);
  response.body += "}}";
  // RFC 9110 section 11.6.1: a 401 names the scheme that would be accepted.
  if (status == 401) response.headers.emplace_back("WWW-Authenticate", "Bearer");
  return response;
}

const std::string_view* find_query(const Request& request, std::string_view name) {
  for (const auto& [key, value] : request.query)
    if (key == name) return &value;
  return nullptr;
}

}  // namespace bounceback::server
