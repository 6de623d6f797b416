/*
 * store_pgsql.c - the PostgreSQL store backend (store_backend.h).
 */
#include "store/store_backend.h"
const struct store_backend store_backend_pgsql = {.name = "postgresql"};
