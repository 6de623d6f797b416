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

/* ------------------------------------------------- reading a field back */

static bool authres_wsp(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Past the comment at s ('('), the ones nested in it and its quoted pairs;
 * NULL when it does not end.  A depth counter, no recursion: the cost is
 * the field's length, whatever the nesting. */
static const char *authres_skip_comment(const char *s)
{
    size_t depth = 0;

    for (; *s != '\0'; s++) {
        if (*s == '\\' && s[1] != '\0')
            s++;
        else if (*s == '(')
            depth++;
        else if (*s == ')' && --depth == 0)
            return s + 1;
    }
    return NULL;
}

/* Past CFWS: blanks, line ends of folding, comments.  NULL inside an
 * unterminated comment. */
static const char *authres_skip_cfws(const char *s)
{
    while (s != NULL) {
        if (authres_wsp(*s))
            s++;
        else if (*s == '(')
            s = authres_skip_comment(s);
        else
            break;
    }
    return s;
}

/* The quoted-string at s ('"'), without its quotes and with its quoted
 * pairs undone.  @UNSAFE length arithmetic: n + 1 < size before each
 * write keeps room for the NUL. */
static bool authres_quoted(const char *s, char *buf, size_t size)
{
    size_t n = 0;

    for (s++; *s != '"'; s++) {
        if (*s == '\\' && s[1] != '\0')
            s++;
        if (*s == '\0' || n + 1 >= size)
            return false;
        buf[n++] = *s;
    }
    buf[n] = '\0';
    return n > 0;
}

/* The token at s: up to ';', CFWS or the end. */
static bool authres_token(const char *s, char *buf, size_t size)
{
    size_t n = strcspn(s, "; \t\r\n(");

    if (n == 0 || n >= size)
        return false;
    memcpy(buf, s, n);
    buf[n] = '\0';
    return true;
}

bool authres_field_id(const char *value, char *buf, size_t size)
{
    const char *s;
    bool ok;

    if (size == 0)
        return false;
    s = authres_skip_cfws(value);
    if (s == NULL)
        ok = false;
    else if (*s == '"')
        ok = authres_quoted(s, buf, size);
    else
        ok = authres_token(s, buf, size);
    if (!ok)
        buf[0] = '\0';
    return ok;
}

bool authres_field_claims(const char *value, const char *authserv_id)
{
    char id[AUTHRES_ID_MAX + 1];

    return authserv_id != NULL && authres_field_id(value, id, sizeof id) &&
           strcasecmp(id, authserv_id) == 0;
}
