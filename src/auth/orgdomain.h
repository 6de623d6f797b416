/*
 * orgdomain.h - the organisational domain of a name (RFC 7489 section 3.2),
 * for relaxed DMARC alignment of DKIM signatures with the From domain.
 *
 * Without a public suffix list the organisational domain is approximated
 * by the last two labels ("mail.example.co.uk" -> "co.uk": wrong for such
 * suffixes, which is why a list can be configured).  With a list in the
 * publicsuffix.org format (rules, "*." wildcards, "!" exceptions, "//"
 * comments) the longest matching rule decides and one more label is kept.
 *
 * A loaded list is immutable: any number of threads may use it.  Limits:
 * names up to 253 bytes, lists up to 16 MiB.
 */
#ifndef BG_ORGDOMAIN_H
#define BG_ORGDOMAIN_H

#include <stdbool.h>
#include <stddef.h>

struct orgdomain_list;

/* Parses list text (pure).  Returns 0, or -1 with *error_r. */
int orgdomain_list_parse(const char *text, size_t len,
                         struct orgdomain_list **list_r, const char **error_r);
/* Reads and parses a file. */
int orgdomain_list_load(const char *path, struct orgdomain_list **list_r,
                        const char **error_r);
void orgdomain_list_free(struct orgdomain_list **list);

/* The organisational domain of name (list may be NULL) into out[size],
 * lower case, without a trailing dot.  False when name is not a usable
 * domain or does not fit. */
bool orgdomain_get(const struct orgdomain_list *list, const char *name,
                   char *out, size_t size);

/* Relaxed alignment: both names have the same organisational domain. */
bool orgdomain_aligned(const struct orgdomain_list *list, const char *a,
                       const char *b);

#endif
