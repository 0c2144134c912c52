// libmicrohttpd, loaded when `serve` starts its HTTP server rather than linked: the library and
// GnuTLS behind it cost every run of bounceback about 1.5 ms of start-up, and only `serve` needs
// them. The headers still come from libmicrohttpd-dev at build time.
#pragma once

#include <microhttpd.h>

#include "bounceback/result.h"
#include "util/shared_library.h"

namespace bounceback::server {

// Every libmicrohttpd function the server calls.
#define BB_MHD_FUNCTIONS(F)                                                                      \
  F(MHD_add_response_header) F(MHD_create_response_from_buffer)                                \
  F(MHD_destroy_response) F(MHD_get_connection_info) F(MHD_get_connection_values)               \
  F(MHD_get_daemon_info) F(MHD_lookup_connection_value) F(MHD_queue_response)                   \
  F(MHD_quiesce_daemon) F(MHD_start_daemon) F(MHD_stop_daemon)

struct LibMicroHttpd {
  BB_MHD_FUNCTIONS(BB_FUNCTION_POINTER)
};

// Loads libmicrohttpd once (thread-safe); a kIoError saying how to install it when it is missing.
Result<const LibMicroHttpd*> load_libmicrohttpd();

// The loaded library: only after load_libmicrohttpd() succeeded, which starting a server ensures.
const LibMicroHttpd& mhd();

}  // namespace bounceback::server
