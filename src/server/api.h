// The HTTP API of `bounceback serve` as a pure function of the request: routing, authorisation,
// the JSON of every endpoint and the metrics. The MHD adapter (mhd_server.h) only moves bytes.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "bounceback/decoder.h"
#include "server/http.h"
#include "server/metrics.h"
#include "store/store.h"

namespace bounceback::server {

struct ApiOptions {
  // Request bodies (and so decoded messages) larger than this are refused with 413.
  // Default: 25 MiB. CLI: --max-body.
  size_t max_body_bytes = size_t{25} << 20;
  // When not empty, requests that read or change the store (`POST /v1/decode?store=1`,
  // `/v1/suppressions...`, `/v1/events`) need `Authorization: Bearer <token>`; decoding without
  // storing, explaining, the codes, health, metrics and the page do not. CLI: --token.
  std::string token;
};

class Api {
 public:
  // `store` may be null: the server then decodes and explains but keeps nothing.
  // REQUIRES: `store` outlives the Api.
  Api(ApiOptions options, store::Store* store);

  // Thread-safe: called concurrently by every worker thread.
  Response handle(const Request& request);

  const ApiOptions& options() const { return options_; }

 private:
  Response route(const Request& request, Endpoint& endpoint);
  bool authorized(const Request& request) const;

  Response decode(const Request& request, std::string_view tail);
  Response explain(const Request& request, std::string_view tail);
  Response codes(const Request& request, std::string_view tail);
  Response code(const Request& request, std::string_view tail);
  Response reasons(const Request& request, std::string_view tail);
  Response suppressions(const Request& request, std::string_view tail);
  Response suppression(const Request& request, std::string_view tail);
  Response lift(const Request& request, std::string_view tail);
  Response events(const Request& request, std::string_view tail);
  Response health(const Request& request, std::string_view tail);
  Response metrics(const Request& request, std::string_view tail);
  Response page(const Request& request, std::string_view tail);

  ApiOptions options_;
  store::Store* store_;
  Decoder decoder_;
  const std::string codes_json_;    // the answer of GET /v1/codes, which never changes
  const std::string reasons_json_;  // the answer of GET /v1/reasons, likewise
  Metrics metrics_;
};

}  // namespace bounceback::server
