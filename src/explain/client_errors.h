// Mail-program errors (client_errors.def) recognised in a text someone asks to have explained.
#pragma once

#include <string_view>
#include <vector>

#include "bounceback/explain.h"

namespace bounceback::explain {

// The client errors `text` names, at most one per family, in table order.
std::vector<ClientError> find_client_errors(std::string_view text);

// Adds the client errors `text` names to `explanation`. When the program only wraps a server
// reply that decides a reason ("The mail server responded: 550 5.1.1 ..."), that reply's
// explanation stays as it is; otherwise the first error's title and cause become the summary and
// the fixes lead the advice.
TextExplanation with_client_errors(std::string_view text, TextExplanation explanation);

}  // namespace bounceback::explain
