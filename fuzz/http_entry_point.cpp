// The HTTP API as the server runs it: raw request text split into method, path, query, headers
// and body the way the MHD adapter fills a Request, answered by Api::handle() over a store that
// is fresh for each input, so a finding replays alone.
#include <deque>
#include <memory>
#include <string>

#include "entry_points.h"
#include "formats/json_scan.h"
#include "mime/decoding.h"
#include "server/api.h"
#include "store/store.h"
#include "util/text.h"

namespace bounceback::fuzz {
namespace {

// Requests in one input are separated by this line; later ones see what earlier ones stored.
constexpr std::string_view kNextRequest = "\n~~~\n";
constexpr size_t kMaxRequests = 8;
constexpr std::string_view kToken = "fuzz-token";
// Small enough that inputs of the fuzzer's max_len reach the 413 path of both the transport and
// the decoder.
constexpr size_t kMaxBody = 8192;

// The Api keeps a pointer to its store for life; this one forwards to a store that is replaced,
// empty, for every input.
class FreshStore final : public store::Store {
 public:
  void renew() {
    Result<std::unique_ptr<store::Store>> opened = store::open_store("sqlite::memory:");
    if (!opened) std::abort();
    inner_ = std::move(opened).value();
  }
  Result<std::vector<store::StoreResult>> store_messages(const std::vector<store::MessageRecords>& messages) override {
    return inner_->store_messages(messages);
  }
  Result<std::vector<store::StoredEvent>> events(const store::EventQuery& query) override {
    return inner_->events(query);
  }
  Result<std::vector<store::Suppression>> suppressions(const store::SuppressionQuery& query) override {
    return inner_->suppressions(query);
  }
  Result<std::optional<store::Suppression>> suppression(std::string_view recipient) override {
    return inner_->suppression(recipient);
  }
  Result<bool> lift(std::string_view recipient) override { return inner_->lift(recipient); }

 private:
  std::unique_ptr<store::Store> inner_;
};

// Owns the percent-decoded strings the Request's views point into.
struct ParsedRequest {
  server::Request request;
  std::deque<std::string> decoded;
};

std::string_view without_cr(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

std::string_view percent_decoded(std::string_view text, std::deque<std::string>& storage) {
  std::string& out = storage.emplace_back();
  mime::append_percent_decoded(text, out);
  return out;
}

void parse_query(std::string_view query, ParsedRequest& parsed) {
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    const size_t equals = pair.find('=');
    const std::string_view name = pair.substr(0, equals);
    const std::string_view value = equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1);
    parsed.request.query.emplace_back(percent_decoded(name, parsed.decoded), percent_decoded(value, parsed.decoded));
  }
}

// "METHOD TARGET" line, "Name: value" header lines up to a blank line, then the body.
void parse_request(std::string_view text, ParsedRequest& parsed) {
  size_t pos = 0;
  std::string_view line;
  util::next_line(text, pos, line);
  line = without_cr(line);
  const size_t space = line.find(' ');
  parsed.request.method = line.substr(0, space);
  const std::string_view target = space == std::string_view::npos ? std::string_view() : line.substr(space + 1);
  const size_t question = target.find('?');
  parsed.request.path = percent_decoded(target.substr(0, question), parsed.decoded);
  if (question != std::string_view::npos) parse_query(target.substr(question + 1), parsed);

  while (pos < text.size() && util::next_line(text, pos, line)) {
    line = without_cr(line);
    if (line.empty()) break;
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string_view name = line.substr(0, colon);
    const std::string_view value = util::trim(line.substr(colon + 1));
    if (util::iequals(name, "Content-Type")) parsed.request.content_type = value;
    if (util::iequals(name, "Authorization")) parsed.request.authorization = value;
  }
  const std::string_view body = text.substr(std::min(pos, text.size()));
  // As the transport does: an oversized body is dropped and flagged, never passed on.
  if (body.size() > kMaxBody) {
    parsed.request.body_too_large = true;
  } else {
    parsed.request.body = body;
  }
}

void require(bool property) {
  if (!property) std::abort();
}

// What every answer must be, whatever was asked: a real status, JSON that parses when it says it
// is JSON, an Allow header on 405, and no store change on the token server without the token.
void require_sound_response(const server::Request& request, const server::Response& response, bool token_server) {
  require(response.status >= 200 && response.status <= 599);
  if (response.content_type == "application/json") {
    require(mime::is_valid_utf8(response.body));
    require(!formats::json::find_syntax_error(response.body).has_value());
  }
  if (response.status >= 400) require(response.body.find("\"error\"") != std::string::npos);
  if (response.status == 405) {
    bool allow = false;
    for (const auto& [name, value] : response.headers) allow |= name == "Allow" && !value.empty();
    require(allow);
  }
  if (token_server && request.authorization.empty()) {
    require(!(request.method == "DELETE" && response.status < 300));
    require(response.body.find("\"stored\":") == std::string::npos);
  }
}

}  // namespace

void http(std::string_view input) {
  static FreshStore store;
  static server::Api open_api(server::ApiOptions{.max_body_bytes = kMaxBody, .token = ""}, &store);
  static server::Api token_api(server::ApiOptions{.max_body_bytes = kMaxBody, .token = std::string(kToken)}, &store);
  store.renew();
  // Odd-sized inputs go to the server that wants a token: one byte flips it.
  const bool token_server = input.size() % 2 == 1;
  server::Api& api = token_server ? token_api : open_api;

  for (size_t n = 0; n < kMaxRequests && !input.empty(); ++n) {
    const size_t next = input.find(kNextRequest);
    ParsedRequest parsed;
    parse_request(input.substr(0, next), parsed);
    require_sound_response(parsed.request, api.handle(parsed.request), token_server);
    input = next == std::string_view::npos ? std::string_view() : input.substr(next + kNextRequest.size());
  }
}

}  // namespace bounceback::fuzz
