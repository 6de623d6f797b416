/*
 * authres.c - result names and the Authentication-Results field (RFC 8601).
 */
#include "config.h"

#include "auth/authres.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *const authres_names[] = {
    [AUTHRES_NONE] = "none",           [AUTHRES_PASS] = "pass",
    [AUTHRES_FAIL] = "fail",           [AUTHRES_SOFTFAIL] = "softfail",
    [AUTHRES_NEUTRAL] = "neutral",     [AUTHRES_POLICY] = "policy",
    [AUTHRES_TEMPERROR] = "temperror", [AUTHRES_PERMERROR] = "permerror",
};

#define AUTHRES_COUNT (sizeof authres_names / sizeof authres_names[0])

const char *authres_name(enum authres r)
{
    if ((size_t)r >= AUTHRES_COUNT)
        return "none";
    return authres_names[r];
}

bool authres_parse(const char *name, enum authres *r_r)
{
    for (size_t i = 0; i < AUTHRES_COUNT; i++) {
        if (strcasecmp(name, authres_names[i]) == 0) {
            *r_r = (enum authres)i;
            return true;
        }
    }
    return false;
}

bool authres_is_pass(enum authres r)
{
    return r == AUTHRES_PASS;
}

bool authres_is_broken(enum authres r)
{
    return r == AUTHRES_FAIL || r == AUTHRES_SOFTFAIL || r == AUTHRES_PERMERROR;
}

/* A value we are willing to copy into the header: a domain, an address or
 * a selector; no spaces, quotes, semicolons or controls. */
static bool authres_safe(const char *s)
{
    if (s == NULL || *s == '\0' || strlen(s) > 255)
        return false;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p <= ' ' || *p >= 0x7f || strchr("\";()\\<>,", *p) != NULL)
            return false;
    }
    return true;
}

/* Appends to buf at *off; false on truncation.  @UNSAFE length arithmetic */
static bool authres_append(char *buf, size_t size, size_t *off, const char *fmt,
                           ...) __attribute__((format(printf, 4, 5)));

static bool authres_append(char *buf, size_t size, size_t *off, const char *fmt,
                           ...)
{
    va_list ap;

    if (*off >= size)
        return false;
    va_start(ap, fmt);
    int n = vsnprintf(buf + *off, size - *off, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= size - *off)
        return false;
    *off += (size_t)n;
    return true;
}

static bool authres_spf(const struct authres_info *in, char *buf, size_t size,
                        size_t *off)
{
    const char *ident =
        in->spf_identity != NULL && strcmp(in->spf_identity, "helo") == 0
            ? "helo"
            : "mailfrom";
    if (!authres_append(buf, size, off, "; spf=%s", authres_name(in->spf)))
        return false;
    if (authres_safe(in->spf_domain))
        return authres_append(buf, size, off, " smtp.%s=%s", ident,
                              in->spf_domain);
    return true;
}

static bool authres_dkim(const struct authres_info *in, char *buf, size_t size,
                         size_t *off)
{
    if (!authres_append(buf, size, off, "; dkim=%s", authres_name(in->dkim)))
        return false;
    if (authres_safe(in->dkim_domain) &&
        !authres_append(buf, size, off, " header.d=%s", in->dkim_domain))
        return false;
    if (authres_safe(in->dkim_selector) &&
        !authres_append(buf, size, off, " header.s=%s", in->dkim_selector))
        return false;
    return true;
}

bool authres_format(const struct authres_info *info, char *buf, size_t size)
{
    size_t off = 0;

    if (size == 0)
        return false;
    buf[0] = '\0';
    if (!authres_safe(info->authserv_id))
        return false;
    if (!authres_append(buf, size, &off, "%s", info->authserv_id))
        return false;
    if (!info->spf_checked && !info->dkim_checked)
        return authres_append(buf, size, &off, "; none");
    if (info->spf_checked && !authres_spf(info, buf, size, &off))
        return false;
    if (info->dkim_checked && !authres_dkim(info, buf, size, &off))
        return false;
    return true;
}
