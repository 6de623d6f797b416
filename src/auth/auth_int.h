/*
 * auth_int.h - what auth.c and auth_dkim.c share; not for other modules.
 */
#ifndef BG_AUTH_INT_H
#define BG_AUTH_INT_H

#include <netinet/in.h>
#include <sys/types.h>

#include <dkim.h>
#include <pthread.h>
#include <spf2/spf.h>
#include <time.h>

#include "auth/auth.h"
#include "auth/dnsq.h"
#include "auth/orgdomain.h"

#define AUTH_RC_BUCKETS 256

struct auth_rcache_entry {
    struct auth_rcache_entry *next;
    char *key; /* "spf/domain" or "dkim/domain" */
    enum authres result;
    bool aligned;    /* dkim */
    char detail[64]; /* spf: the worst egress address */
    time_t expires;
};

struct auth_ctx {
    struct dnsq *dns;
    SPF_dns_server_t *spf_layer;
    DKIM_LIB *dkim_lib;
    struct orgdomain_list *psl;
    struct prvs_keyring *prvs;
    unsigned prvs_days;
    enum credible_mode mode;
    char **egress;
    size_t negress;
    char authserv_id[AUTH_DOMAIN_MAX];
    char helo[AUTH_DOMAIN_MAX]; /* our name for outbound SPF checks */
    time_t result_ttl;
    size_t rc_max, rc_count;
    pthread_mutex_t mu; /* the result cache and the stats */
    struct auth_rcache_entry *rc[AUTH_RC_BUCKETS];
    struct auth_stats stats;
};

/* Judges an outbound result (auth_check_sender's last step; pure): sets
 * broken, what and reason from spf, dkim and their alignment.  SPF or DKIM
 * failing is broken whatever else holds; otherwise, when SPF was checked
 * and DKIM is known, a message that neither an aligned SPF pass nor an
 * aligned DKIM pass carries (DMARC, RFC 7489, would fail it) is broken:
 * "dkim_unaligned" when it has a valid signature of another domain,
 * "dmarc_unaligned" when it has none.  Without egress addresses (SPF not
 * checked) a valid unaligned signature is still "dkim_unaligned". */
void auth_sender_verdict(struct auth_sender_result *r);

/* auth_dkim.c */
int auth_dkim_lib_init(struct auth_ctx *ctx, const char **error_r);
/* The header field as libopendkim wants it: "name:" value, with the SP
 * the MTA took put back unless raw (see auth_dkim_header()), bare LF as
 * CRLF, into out[size] NUL-terminated.  Returns the length, 0 when it
 * does not fit.  Pure. */
size_t auth_dkim_field(const char *name, const char *value, bool raw, char *out,
                       size_t size);

/* The domain after the last '@' of an address, or "" (points into addr). */
const char *auth_addr_domain(const char *addr);

#endif
