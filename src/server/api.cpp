#include "server/api.h"

#include <chrono>

#include "bounceback/codes.h"
#include "bounceback/explain.h"
#include "bounceback/output.h"
#include "cli/render.h"
#include "formats/json_scan.h"
#include "mime/decoding.h"
#include "server/assets.h"
#include "server/params.h"
#include "util/text.h"
#include "webhook/webhook.h"

namespace bounceback::server {
namespace {

enum class Match { kExact, kPrefix, kAsset };

using Handler = Response (Api::*)(const Request&, std::string_view tail);

struct Route {
  std::string_view method;
  Match match;
  std::string_view path;  // for kPrefix, the part before the path parameter
  Endpoint endpoint;
  std::string_view parameters;  // the query parameters it takes, space-separated
  bool needs_store;
};

// Whether `path` is one of `route`'s paths; `tail` receives the path parameter of a prefix route.
bool path_matches(const Route& route, std::string_view path, std::string_view& tail) {
  switch (route.match) {
    case Match::kExact: return path == route.path;
    case Match::kPrefix:
      if (!path.starts_with(route.path) || path.size() == route.path.size()) return false;
      tail = path.substr(route.path.size());
      return true;
    case Match::kAsset: return find_asset(path) != nullptr;
  }
  return false;
}

// HEAD is GET without the body; MHD drops the body of a HEAD response itself.
bool method_matches(std::string_view route_method, std::string_view method) {
  return method == route_method || (route_method == "GET" && method == "HEAD");
}

bool is_json(std::string_view content_type) { return util::istarts_with(content_type, "application/json"); }

bool is_base64_letter(char c) {
  return util::is_alpha(c) || util::is_digit(c) || c == '+' || c == '/';
}

// Standard base64 (RFC 4648 section 4), line breaks and blanks allowed, padding optional. The
// MIME decoder skips whatever else it meets, which would turn a client's mistake into "not a
// bounce" rather than an error.
std::optional<std::string> base64_problem(std::string_view text) {
  size_t letters = 0;
  size_t padding = 0;
  for (const char c : text) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    if (c == '=') {
      ++padding;
    } else if (!is_base64_letter(c)) {
      const bool printable = c > ' ' && c < 0x7f;
      return "it holds " + (printable ? "'" + std::string(1, c) + "'" : std::string("a byte")) +
             ", which base64 does not use";
    } else if (padding > 0) {
      return std::string("'=' may only end it");
    } else {
      ++letters;
    }
  }
  if (padding > 2 || letters % 4 == 1 || (padding > 0 && (letters + padding) % 4 != 0))
    return std::string("its length does not make whole bytes (cut short?)");
  return std::nullopt;
}

// The message a decode request carries: the raw body; for a JSON body, the message in its
// "message_base64" field, or else the body itself, as the event JSON of a sending service's
// webhook (Amazon SES, SendGrid, Mailgun, ...), which the decoder reads too.
Result<std::string_view> posted_message(const Request& request, std::string& decoded) {
  if (!is_json(request.content_type)) return request.body;
  // A client that says JSON and sends something else has a bug to hear about, not "not a report".
  // JSON that is malformed is the webhook reader's to name, as it names it for `decode`.
  if (!webhook::looks_like_json(request.body)) {
    return Error{ErrorCode::kInvalidArgument, "the body is labelled application/json but is not JSON"};
  }
  const std::optional<std::string> base64 = formats::json::string_of(request.body, "message_base64");
  if (!base64) return request.body;
  if (const std::optional<std::string> problem = base64_problem(*base64))
    return Error{ErrorCode::kInvalidArgument, "message_base64 is not valid base64: " + *problem};
  mime::append_base64_decoded(*base64, decoded);
  return std::string_view(decoded);
}

void append_strings(const std::vector<std::string>& strings, std::string& out) {
  out += '[';
  for (size_t i = 0; i < strings.size(); ++i) {
    if (i) out += ',';
    append_json_string(strings[i], out);
  }
  out += ']';
}

// Every code, reply codes first; a status detail means the same under every class, so it is
// listed once, as "X.s.d".
std::string all_codes_json() {
  std::string body = "{\"codes\":[";
  bool first = true;
  auto append = [&](const std::string& text) {
    const Result<CodeExplanation> code = explain_code(text);
    if (!code) return;
    if (!first) body += ',';
    cli::render_code_json(*code, body);
    first = false;
  };
  for (const ReplyCodeInfo& info : all_reply_codes()) append(std::to_string(info.code));
  for (const StatusCodeInfo& info : all_status_codes())
    append("X." + std::to_string(info.subject) + "." + std::to_string(info.detail));
  body += "]}";
  return body;
}

// Every reason with its usual side and its one line of plain words (reasons.def): what the page
// shows in place of the bare name.
std::string all_reasons_json() {
  std::string body = "{\"reasons\":[";
  for (size_t i = 0; i < kReasonCount; ++i) {
    const auto reason = static_cast<Reason>(i);
    if (i) body += ',';
    body += "{\"name\":";
    append_json_string(to_string(reason), body);
    body += ",\"side\":";
    append_json_string(to_string(usual_side(reason)), body);
    body += ",\"description\":";
    append_json_string(describe(reason), body);
    body += '}';
  }
  body += "]}";
  return body;
}

}  // namespace

Api::Api(ApiOptions options, store::Store* store)
    : options_(std::move(options)),
      store_(store),
      decoder_(DecodeOptions{Limits{.max_message_bytes = options_.max_body_bytes}}),
      codes_json_(all_codes_json()),
      reasons_json_(all_reasons_json()) {}

Response Api::handle(const Request& request) {
  Endpoint endpoint = Endpoint::kUnknown;
  Response response = route(request, endpoint);
  metrics_.count_request(endpoint, response.status);
  return response;
}

Response Api::route(const Request& request, Endpoint& endpoint) {
  struct Entry {
    Route route;
    Handler handler;
  };
  static const Entry kRoutes[] = {
      {{"POST", Match::kExact, "/v1/decode", Endpoint::kDecode, "store", false}, &Api::decode},
      {{"POST", Match::kExact, "/v1/explain", Endpoint::kExplain, "", false}, &Api::explain},
      {{"GET", Match::kExact, "/v1/codes", Endpoint::kCodes, "", false}, &Api::codes},
      {{"GET", Match::kPrefix, "/v1/codes/", Endpoint::kCode, "", false}, &Api::code},
      {{"GET", Match::kExact, "/v1/reasons", Endpoint::kReasons, "", false}, &Api::reasons},
      {{"GET", Match::kExact, "/v1/suppressions", Endpoint::kSuppressions, "recipient domain limit offset", true},
       &Api::suppressions},
      {{"GET", Match::kPrefix, "/v1/suppressions/", Endpoint::kSuppression, "", true}, &Api::suppression},
      {{"DELETE", Match::kPrefix, "/v1/suppressions/", Endpoint::kSuppression, "", true}, &Api::lift},
      {{"GET", Match::kExact, "/v1/events", Endpoint::kEvents,
        "recipient domain reason kind since until order after_id before_id limit", true},
       &Api::events},
      {{"GET", Match::kExact, "/healthz", Endpoint::kHealth, "", false}, &Api::health},
      {{"GET", Match::kExact, "/metrics", Endpoint::kMetrics, "", false}, &Api::metrics},
      {{"GET", Match::kAsset, "", Endpoint::kPage, "", false}, &Api::page},
  };

  std::string allowed_methods;
  for (const Entry& entry : kRoutes) {
    std::string_view tail;
    if (!path_matches(entry.route, request.path, tail)) continue;
    endpoint = entry.route.endpoint;
    if (!method_matches(entry.route.method, request.method)) {
      if (allowed_methods.find(entry.route.method) == std::string::npos) {
        if (!allowed_methods.empty()) allowed_methods += ", ";
        allowed_methods += entry.route.method;
      }
      continue;
    }
    if (request.body_too_large)
      return error_response(413, "the request body is larger than the server accepts (--max-body " +
                                     std::to_string(options_.max_body_bytes) + " bytes)");
    if (auto unknown = unknown_parameter(request, entry.route.parameters)) return error_response(400, *unknown);
    if (entry.route.needs_store && store_ == nullptr)
      return error_response(404, "this server keeps no store: it was started with --no-store");
    // What is stored (addresses, subjects, the servers' words) is read and changed with the token.
    if (entry.route.needs_store && !authorized(request))
      return error_response(401, "the stored events and suppressions need the header 'Authorization: Bearer <token>'"
                                 " with the server's token (--token)");
    return (this->*entry.handler)(request, tail);
  }
  if (allowed_methods.empty()) return error_response(404, "no such endpoint: " + std::string(request.path));
  Response response = error_response(405, std::string(request.method) + " is not allowed on " +
                                              std::string(request.path) + "; use " + allowed_methods);
  response.headers.emplace_back("Allow", allowed_methods);
  return response;
}

bool Api::authorized(const Request& request) const {
  if (options_.token.empty()) return true;
  constexpr std::string_view kScheme = "Bearer ";
  if (!util::istarts_with(request.authorization, kScheme)) return false;
  const std::string_view given = util::trim(request.authorization.substr(kScheme.size()));
  if (given.size() != options_.token.size()) return false;
  // Compare every byte whatever the first difference, so timing does not reveal the token.
  unsigned char difference = 0;
  for (size_t i = 0; i < given.size(); ++i)
    difference |= static_cast<unsigned char>(given[i] ^ options_.token[i]);
  return difference == 0;
}

Response Api::decode(const Request& request, std::string_view) {
  const Result<bool> store_wanted = flag_parameter(request, "store");
  if (!store_wanted) return error_response(400, store_wanted.error().message);
  if (*store_wanted && store_ == nullptr)
    return error_response(400, "this server keeps no store (started with --no-store): drop ?store=1");
  if (*store_wanted && !authorized(request))
    return error_response(401, "storing needs the header 'Authorization: Bearer <token>' with the server's token");

  std::string decoded;
  const Result<std::string_view> message = posted_message(request, decoded);
  if (!message) return error_response(400, message.error().message);
  if (util::trim(*message).empty())
    return error_response(400, "the body is empty: send the bounce message (message/rfc822) as the request body");

  const auto started = std::chrono::steady_clock::now();
  const DecodeResult result = decoder_.decode(*message, "http");
  metrics_.observe_decode(
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started));
  if (result.error)
    return error_response(result.error->code == ErrorCode::kTooLarge ? 413 : 400, result.error->message);

  std::string body = "{\"records\":[";
  for (size_t i = 0; i < result.records.size(); ++i) {
    if (i) body += ',';
    append_json(result.records[i], body);
    metrics_.count_record(result.records[i].reason);
  }
  body += result.is_report ? "],\"is_report\":true" : "],\"is_report\":false";
  body += ",\"warnings\":";
  append_strings(result.warnings, body);
  if (*store_wanted) {
    const Result<store::StoreResult> stored = store_->store_message(store::message_hash(*message), result.records);
    if (!stored) return error_response(503, "the store failed: " + stored.error().message);
    body += ",\"stored\":" + std::to_string(stored->events_stored);
    body += stored->duplicate ? ",\"duplicate\":true" : ",\"duplicate\":false";
  }
  body += '}';
  return json_response(std::move(body));
}

Response Api::explain(const Request& request, std::string_view) {
  const Result<TextExplanation> explanation = explain_text(request.body);
  if (!explanation)
    return error_response(400, explanation.error().message +
                                   ": send a code, an SMTP reply, a diagnostic line or a bounce as the body");
  std::string body;
  cli::render_explanation_json(*explanation, body);
  return json_response(std::move(body));
}

Response Api::codes(const Request&, std::string_view) { return json_response(codes_json_); }

Response Api::code(const Request&, std::string_view tail) {
  const Result<CodeExplanation> code = explain_code(tail);
  if (!code) return error_response(404, code.error().message);
  if (!code->known)
    return error_response(404, "unknown code: " + code->code + " is well-formed but in no registry and not seen in the wild");
  std::string body;
  cli::render_code_json(*code, body);
  return json_response(std::move(body));
}

Response Api::reasons(const Request&, std::string_view) { return json_response(reasons_json_); }

Response Api::health(const Request&, std::string_view) { return json_response("{\"status\":\"ok\"}"); }

Response Api::metrics(const Request&, std::string_view) {
  Response response;
  response.content_type = "text/plain; version=0.0.4; charset=utf-8";
  response.body = metrics_.render();
  return response;
}

Response Api::page(const Request& request, std::string_view) {
  const Asset* asset = find_asset(request.path);
  if (asset == nullptr) return error_response(404, "no such page: " + std::string(request.path));
  Response response;
  response.content_type = asset_content_type(request.path);
  response.body = asset->bytes;
  // The page loads nothing from elsewhere; saying so blocks injected scripts and framing.
  response.headers.emplace_back("Content-Security-Policy",
                                "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'");
  response.headers.emplace_back("Cache-Control", "no-cache");
  return response;
}

}  // namespace bounceback::server
