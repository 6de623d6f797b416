/*
 * milter_ctx.c - per-connection and per-message state (see milter_ctx.h).
 */
#include "milter/milter_ctx.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/cfg.h"

static char *dup_or_null(const char *s)
{
    return s != NULL ? strdup(s) : NULL;
}

struct mctx_conn *mctx_conn_new(struct bg_config *cfg, const char *hostname,
                                const char *client_addr,
                                const char *daemon_name, bool non_smtp)
{
    struct mctx_conn *conn = calloc(1, sizeof *conn);

    if (conn == NULL)
        return NULL;
    conn->hostname = dup_or_null(hostname);
    conn->client_addr = dup_or_null(client_addr);
    conn->daemon_name = dup_or_null(daemon_name);
    if ((hostname != NULL && conn->hostname == NULL) ||
        (client_addr != NULL && conn->client_addr == NULL) ||
        (daemon_name != NULL && conn->daemon_name == NULL)) {
        mctx_conn_free(&conn);
        return NULL;
    }
    conn->cfg = cfg;
    conn->set = cfg != NULL ? cfg_settings(cfg) : NULL;
    conn->non_smtp = non_smtp;
    return conn;
}

void mctx_conn_free(struct mctx_conn **connp)
{
    struct mctx_conn *conn = *connp;

    if (conn == NULL)
        return;
    mctx_msg_end(conn);
    if (conn->cfg != NULL)
        cfg_unref(&conn->cfg);
    free(conn->hostname);
    free(conn->client_addr);
    free(conn->daemon_name);
    free(conn->helo);
    free(conn);
    *connp = NULL;
}

bool mctx_set_str(char **field, const char *value)
{
    if (*field != NULL || value == NULL)
        return true;
    *field = strdup(value);
    return *field != NULL;
}

bool mctx_set_message_id(struct mctx_msg *msg, const char *value)
{
    char bare[FLOW_ADDR_MAX];

    if (msg->message_id != NULL || value == NULL ||
        flow_addr_bare(value, bare, sizeof bare) == NULL || bare[0] == '\0')
        return true;
    msg->message_id = strdup(bare);
    return msg->message_id != NULL;
}

bool mctx_set_envelope_id(struct mctx_msg *msg, const char *const *args)
{
    char id[FLOW_ENVID_MAX + 1];

    if (msg->envelope_id != NULL || !flow_envid_from_args(args, id, sizeof id))
        return true;
    msg->envelope_id = strdup(id);
    return msg->envelope_id != NULL;
}

bool mctx_msg_begin(struct mctx_conn *conn, const char *sender, size_t cap)
{
    struct mctx_msg *msg = &conn->msg;

    mctx_msg_end(conn);
    msg->sender = calloc(1, FLOW_ADDR_MAX);
    if (msg->sender == NULL)
        return false; /* no message open: in_msg stays false */
    conn->in_msg = true;
    conn->messages++;
    msg->null_sender = flow_sender_is_null(sender);
    if (sender == NULL ||
        flow_addr_bare(sender, msg->sender, FLOW_ADDR_MAX) == NULL)
        msg->sender[0] = '\0';
    msg->cap = cap;
    return true;
}

void mctx_msg_end(struct mctx_conn *conn)
{
    struct mctx_msg *msg = &conn->msg;

    for (size_t i = 0; i < msg->nrcpts; i++)
        free(msg->rcpts[i].addr);
    free(msg->rcpts);
    free(msg->queue_id);
    free(msg->sender);
    free(msg->message_id);
    free(msg->envelope_id);
    free(msg->buf);
    auth_msg_free(&msg->auth);
    memset(msg, 0, sizeof *msg);
    conn->in_msg = false;
}

static struct mctx_rcpt *rcpt_add(struct mctx_msg *msg, const char *addr,
                                  size_t max)
{
    char bare[FLOW_ADDR_MAX];
    struct mctx_rcpt *r;

    msg->rcpts_seen++;
    if (msg->nrcpts >= max ||
        flow_addr_bare(addr, bare, sizeof bare) == NULL)
        return NULL;
    if (msg->nrcpts == msg->rcpts_cap) {
        size_t ncap = msg->rcpts_cap == 0 ? 4 : msg->rcpts_cap * 2;
        struct mctx_rcpt *n = realloc(msg->rcpts, ncap * sizeof *n);

        if (n == NULL)
            return NULL;
        msg->rcpts = n;
        msg->rcpts_cap = ncap;
    }
    r = &msg->rcpts[msg->nrcpts];
    memset(r, 0, sizeof *r);
    r->addr = strdup(bare);
    if (r->addr == NULL)
        return NULL;
    msg->nrcpts++;
    return r;
}

struct mctx_rcpt *mctx_rcpt_add(struct mctx_msg *msg, const char *addr)
{
    return rcpt_add(msg, addr, MCTX_RCPT_MAX);
}

struct mctx_rcpt *mctx_rcpt_add_enforced(struct mctx_msg *msg,
                                         const char *addr)
{
    return rcpt_add(msg, addr, SIZE_MAX);
}

/* Appends up to the cap.  @UNSAFE: size arithmetic, reviewed: len <=
 * alloc <= cap always holds, so cap - len never wraps. */
static bool append(struct mctx_msg *msg, const void *data, size_t n)
{
    size_t room, take;

    msg->total += n;
    if (msg->len >= msg->cap) {
        msg->truncated = msg->truncated || n > 0;
        return false;
    }
    room = msg->cap - msg->len;
    take = n < room ? n : room;
    if (msg->len + take > msg->alloc) {
        size_t na = msg->alloc == 0 ? 8192 : msg->alloc;
        char *nb;

        if (na > msg->cap)
            na = msg->cap;
        while (na < msg->len + take)
            na = na > msg->cap / 2 ? msg->cap : na * 2;
        nb = realloc(msg->buf, na);
        if (nb == NULL)
            return false;
        msg->buf = nb;
        msg->alloc = na;
    }
    memcpy(msg->buf + msg->len, data, take);
    msg->len += take;
    if (take < n)
        msg->truncated = true;
    return take == n;
}

bool mctx_add_header(struct mctx_msg *msg, const char *name, const char *value)
{
    bool ok = append(msg, name, strlen(name));

    ok = append(msg, ": ", 2) && ok;
    ok = append(msg, value, strlen(value)) && ok;
    return append(msg, "\r\n", 2) && ok;
}

bool mctx_add_eoh(struct mctx_msg *msg)
{
    msg->in_body = true;
    return append(msg, "\r\n", 2);
}

bool mctx_add_body(struct mctx_msg *msg, const unsigned char *data, size_t len)
{
    return append(msg, data, len);
}

bool mctx_add_authres(struct mctx_msg *msg, bool ours)
{
    if (msg->ar_seen < INT_MAX)
        msg->ar_seen++;
    else if (ours) {
        msg->ar_ours_over++;
        return false;
    }
    if (!ours)
        return true;
    if (msg->nar_ours >= MCTX_AR_MAX) {
        msg->ar_ours_over++;
        return false;
    }
    msg->ar_ours[msg->nar_ours++] = msg->ar_seen;
    return true;
}
