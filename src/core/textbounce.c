/*
 * textbounce.c - plain-text bounce notices (see textbounce.h).
 */
#include "core/textbounce.h"

#include <string.h>
#include <strings.h>

#include "core/addrscan.h"
#include "core/dsn.h"
#include "core/hdr.h"

const char *textbounce_parse(struct rbuild *b, const char *text, size_t len,
                             const struct textbounce_hints *h)
{
    (void)b, (void)text, (void)len, (void)h;
    return NULL;
}

bool textbounce_signal(const char *text, size_t len,
                       const struct textbounce_hints *h)
{
    (void)text, (void)len, (void)h;
    return false;
}

size_t textbounce_cut(const char *text, size_t len, size_t *orig_r)
{
    (void)text;
    *orig_r = len;
    return len;
}
