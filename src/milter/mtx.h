/*
 * mtx.h - one milter connection as the filter's callbacks (milter.c) see
 * it, whichever engine runs the protocol: bounceguard's own (mengine.c,
 * the default) or libmilter (milter_lm.c).
 *
 * An engine hands every callback a struct mtx whose ops reach its own
 * connection state: the filter's private pointer, the MTA's macros, the
 * SMTP reply of a refusal, and the modifications allowed at end of
 * message.  Calls are only valid inside a callback, on the thread running
 * it.  The modification calls return 0, or -1 when the step does not allow
 * them, they were not negotiated or memory ran out.  chgheader changes the
 * index-th field named name (1-based, as the MTA counts them), and deletes
 * it when value is NULL.
 */
#ifndef BG_MTX_H
#define BG_MTX_H

#include <stddef.h>

/* What a callback answers; the wire replies of mproto.h. */
enum mstat {
    MST_CONTINUE,
    MST_REJECT,
    MST_DISCARD,
    MST_ACCEPT,
    MST_TEMPFAIL,
    MST_NOREPLY, /* only for a step negotiated without reply */
    MST_SKIP,    /* only from the body step */
    MST_ALL_OPTS /* negotiate: take the MTA's offer as it is */
};

struct mtx;

struct mtx_ops {
    void *(*getpriv)(struct mtx *m);
    int (*setpriv)(struct mtx *m, void *priv);
    const char *(*symval)(struct mtx *m, const char *name);
    int (*setreply)(struct mtx *m, const char *code, const char *xcode,
                    const char *text);
    int (*addheader)(struct mtx *m, const char *name, const char *value);
    int (*insheader)(struct mtx *m, int index, const char *name,
                     const char *value);
    int (*chgheader)(struct mtx *m, int index, const char *name,
                     const char *value);
    int (*chgfrom)(struct mtx *m, const char *from);
    int (*delrcpt)(struct mtx *m, const char *rcpt);
    /* The actions and protocol flags agreed at OPTNEG: 0, or -1 when the
     * engine does not know them. */
    int (*negotiated)(struct mtx *m, unsigned long *actions_r,
                      unsigned long *protocol_r);
};

struct mtx {
    const struct mtx_ops *ops;
    void *impl; /* the engine's own handle */
};

static inline void *mtx_getpriv(struct mtx *m)
{
    return m->ops->getpriv(m);
}
static inline int mtx_setpriv(struct mtx *m, void *priv)
{
    return m->ops->setpriv(m, priv);
}
static inline const char *mtx_getsymval(struct mtx *m, const char *name)
{
    return m->ops->symval(m, name);
}
static inline int mtx_setreply(struct mtx *m, const char *code,
                               const char *xcode, const char *text)
{
    return m->ops->setreply(m, code, xcode, text);
}
static inline int mtx_addheader(struct mtx *m, const char *name,
                                const char *value)
{
    return m->ops->addheader(m, name, value);
}
static inline int mtx_insheader(struct mtx *m, int index, const char *name,
                                const char *value)
{
    return m->ops->insheader(m, index, name, value);
}
static inline int mtx_chgheader(struct mtx *m, int index, const char *name,
                                const char *value)
{
    return m->ops->chgheader(m, index, name, value);
}
static inline int mtx_chgfrom(struct mtx *m, const char *from)
{
    return m->ops->chgfrom(m, from);
}
static inline int mtx_delrcpt(struct mtx *m, const char *rcpt)
{
    return m->ops->delrcpt(m, rcpt);
}

static inline int mtx_negotiated(struct mtx *m, unsigned long *actions_r,
                                 unsigned long *protocol_r)
{
    return m->ops->negotiated(m, actions_r, protocol_r);
}

/* The filter: what an engine calls, in protocol order.  negotiate gets
 * the MTA's actions and protocol flags (mproto.h MPA_ and MPP_) and sets
 * the ones wanted; connect gets the client's host name and address text
 * ("" when unknown) and port; argv of envfrom and envrcpt is the address
 * then the ESMTP parameters, NULL-terminated. */
struct milter_callbacks {
    enum mstat (*negotiate)(struct mtx *m, unsigned long actions,
                            unsigned long protocol, unsigned long *actions_r,
                            unsigned long *protocol_r);
    enum mstat (*connect)(struct mtx *m, const char *host, const char *addr,
                          unsigned port);
    enum mstat (*helo)(struct mtx *m, const char *helo);
    enum mstat (*envfrom)(struct mtx *m, char **argv);
    enum mstat (*envrcpt)(struct mtx *m, char **argv);
    enum mstat (*data)(struct mtx *m); /* NULL: continue */
    enum mstat (*header)(struct mtx *m, const char *name, const char *value);
    enum mstat (*eoh)(struct mtx *m);
    enum mstat (*body)(struct mtx *m, const unsigned char *data, size_t len);
    enum mstat (*eom)(struct mtx *m);
    enum mstat (*abort)(struct mtx *m);
    enum mstat (*close)(struct mtx *m);
};

#endif
