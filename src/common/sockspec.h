/*
 * sockspec.h - the libmilter socket specification ("unix:PATH",
 * "local:PATH", "inet:PORT@HOST", "inet6:PORT@HOST") as the daemon needs it
 * around smfi_opensocket(): which file a unix socket lives in, and whether
 * an existing file there is a stale socket that may be removed.
 *
 * Pure string handling plus one connect(2) probe; thread-safe.
 */
#ifndef BG_SOCKSPEC_H
#define BG_SOCKSPEC_H

/* The file of a unix socket spec, pointing into spec; NULL for inet. */
const char *sockspec_unix_path(const char *spec);

/* Checks that a unix socket may be (re)created at path: 0 when nothing is
 * there or only a stale socket nobody answers on; -1 with a static message
 * when a live process listens there or the file is not a socket. */
int sockspec_check_stale(const char *path, const char **error_r);

#endif
