#!/usr/bin/env bash
# cli_store.sh against PostgreSQL: the server BOUNCEBACK_TEST_PG_URL names (scripts/test starts
# one with scripts/pg-test-server). Without it the check is skipped, saying how to run it.
if [ -z "${BOUNCEBACK_TEST_PG_URL:-}" ]; then
  echo "skipped: set BOUNCEBACK_TEST_PG_URL, e.g. export BOUNCEBACK_TEST_PG_URL=\$(scripts/pg-test-server start)"
  exit 77
fi
STORE_BACKEND=postgresql exec bash "$(dirname "$0")/cli_store.sh" "$@"
