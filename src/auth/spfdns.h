/*
 * spfdns.h - a libspf2 DNS layer that resolves through dnsq (dnsq.h), so
 * that SPF uses bounceguard's one DNS path: the configured server, its
 * timeouts and its cache.  Temporary failures come back to libspf2 as
 * TRY_AGAIN, which it turns into "temperror" (never "fail").
 *
 * The layer is shared by every SPF_server_t made with it (its destroy
 * hook is NULL, so libspf2 never frees it); spfdns_free() does.
 * Thread-safe as far as dnsq is.
 */
#ifndef BG_SPFDNS_H
#define BG_SPFDNS_H

#include <netinet/in.h>
#include <spf2/spf.h>

#include "auth/dnsq.h"

SPF_dns_server_t *spfdns_new(struct dnsq *dns);
void spfdns_free(SPF_dns_server_t **layer);

#endif
