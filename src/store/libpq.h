// libpq, loaded the first time a PostgreSQL store is opened rather than linked: the library and
// what it pulls in (OpenSSL, Kerberos, LDAP) cost every run of bounceback about 2 ms of start-up,
// and most runs never talk to PostgreSQL. The headers still come from libpq-dev at build time.
#pragma once

#include <libpq-fe.h>

#include "bounceback/result.h"
#include "util/shared_library.h"

namespace bounceback::store::pg {

// Every libpq function the store calls.
#define BB_LIBPQ_FUNCTIONS(F)                                                                        \
  F(PQclear) F(PQcmdTuples) F(PQconnectdbParams) F(PQconninfoFree) F(PQconninfoParse) F(PQdb)       \
  F(PQerrorMessage) F(PQexec) F(PQexecParams) F(PQexecPrepared) F(PQfinish) F(PQfreemem)            \
  F(PQgetisnull) F(PQgetlength) F(PQgetvalue) F(PQhost) F(PQntuples) F(PQprepare)                  \
  F(PQresultErrorField) F(PQresultErrorMessage) F(PQresultStatus) F(PQstatus)

struct LibPq {
  BB_LIBPQ_FUNCTIONS(BB_FUNCTION_POINTER)
};

// Loads libpq once (thread-safe); a kIoError saying how to install it when it is missing.
Result<const LibPq*> load_libpq();

// The loaded library: only after load_libpq() succeeded, which opening a connection ensures.
const LibPq& libpq();

}  // namespace bounceback::store::pg
