/*
 * spfdns.c - libspf2 DNS layer over dnsq.
 */
#include "config.h"

#include "auth/spfdns.h"

#include <arpa/nameser.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>

/* Copies one answer record of the queried type into rr slot cnt. */
static int spfdns_copy(SPF_dns_rr_t *spfrr, int cnt, const ns_msg *msg,
                       const ns_rr *rr)
{
    const unsigned char *rd = ns_rr_rdata(*rr);
    size_t rdlen = ns_rr_rdlen(*rr);
    char name[NS_MAXDNAME];

    switch (ns_rr_type(*rr)) {
    case ns_t_a:
        if (rdlen != 4 ||
            SPF_dns_rr_buf_realloc(spfrr, cnt, 4) != SPF_E_SUCCESS)
            return -1;
        memcpy(&spfrr->rr[cnt]->a, rd, 4);
        return 0;
    case ns_t_aaaa:
        if (rdlen != 16 ||
            SPF_dns_rr_buf_realloc(spfrr, cnt, 16) != SPF_E_SUCCESS)
            return -1;
        memcpy(&spfrr->rr[cnt]->aaaa, rd, 16);
        return 0;
    case ns_t_mx:
    case ns_t_ptr: {
        const unsigned char *np = ns_rr_type(*rr) == ns_t_mx ? rd + 2 : rd;
        if ((ns_rr_type(*rr) == ns_t_mx && rdlen < 3) ||
            ns_name_uncompress(ns_msg_base(*msg), ns_msg_end(*msg), np, name,
                               sizeof name) < 0 ||
            SPF_dns_rr_buf_realloc(spfrr, cnt, strlen(name) + 1) !=
                SPF_E_SUCCESS)
            return -1;
        strcpy(spfrr->rr[cnt]->ptr, name);
        return 0;
    }
    case ns_t_txt: {
        /* the strings of the record, concatenated (RFC 7208 3.3) */
        if (SPF_dns_rr_buf_realloc(spfrr, cnt, rdlen + 1) != SPF_E_SUCCESS)
            return -1;
        char *dst = spfrr->rr[cnt]->txt;
        size_t i = 0, o = 0;
        while (i < rdlen) {
            size_t l = rd[i++];
            if (l > rdlen - i)
                l = rdlen - i;
            memcpy(dst + o, rd + i, l);
            o += l;
            i += l;
        }
        dst[o] = '\0';
        return 0;
    }
    default:
        return -1;
    }
}

static SPF_dns_rr_t *spfdns_answer(SPF_dns_server_t *server, const char *domain,
                                   ns_type type, const unsigned char *ans,
                                   size_t len)
{
    SPF_dns_rr_t *spfrr =
        SPF_dns_rr_new_init(server, domain, type, 0, NETDB_SUCCESS);
    ns_msg msg;
    ns_rr rr;
    int cnt = 0;

    if (spfrr == NULL)
        return NULL;
    if (ns_initparse(ans, (int)len, &msg) == 0) {
        for (int i = 0; i < ns_msg_count(msg, ns_s_an); i++) {
            if (ns_parserr(&msg, ns_s_an, i, &rr) < 0 || ns_rr_type(rr) != type)
                continue;
            if (spfdns_copy(spfrr, cnt, &msg, &rr) == 0)
                cnt++;
        }
    }
    spfrr->num_rr = cnt;
    if (cnt == 0)
        spfrr->herrno = NO_DATA;
    return spfrr;
}

static SPF_dns_rr_t *spfdns_lookup(SPF_dns_server_t *server, const char *domain,
                                   ns_type type, int should_cache)
{
    struct dnsq *dns = server->hook;
    unsigned char *ans;
    size_t len;
    SPF_dns_rr_t *spfrr;
    (void)should_cache;

    switch (dnsq_query(dns, domain, type, &ans, &len)) {
    case DNSQ_OK:
        spfrr = spfdns_answer(server, domain, type, ans, len);
        free(ans);
        return spfrr;
    case DNSQ_NXDOMAIN:
        return SPF_dns_rr_new_init(server, domain, type, 0, HOST_NOT_FOUND);
    case DNSQ_NODATA:
        return SPF_dns_rr_new_init(server, domain, type, 0, NO_DATA);
    case DNSQ_TEMPFAIL:
        break;
    }
    return SPF_dns_rr_new_init(server, domain, type, 0, TRY_AGAIN);
}

SPF_dns_server_t *spfdns_new(struct dnsq *dns)
{
    SPF_dns_server_t *layer = calloc(1, sizeof *layer);
    if (layer == NULL)
        return NULL;
    layer->destroy = NULL; /* shared: libspf2 must not free it */
    layer->lookup = spfdns_lookup;
    layer->name = "bounceguard";
    layer->hook = dns;
    return layer;
}

void spfdns_free(SPF_dns_server_t **layer)
{
    free(*layer);
    *layer = NULL;
}
