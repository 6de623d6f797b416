/*
 * pidfile.h - a locked pid file: the one-instance guard of the daemon.
 *
 * pidfile_open() creates (or reuses) the file, takes an exclusive fcntl(2)
 * write lock on it and writes the caller's pid.  The lock, not the file's
 * existence, is what counts: a file left behind by a crash is simply taken
 * over, while a file locked by a live daemon makes pidfile_open() fail and
 * report that daemon's pid.  The lock lives as long as the descriptor, so the
 * file must be opened in the process that keeps running (after fork).
 *
 * Not thread-safe by itself: called once from the main thread.
 */
#ifndef BG_PIDFILE_H
#define BG_PIDFILE_H

#include <sys/types.h>

struct pidfile;

/* Returns 0 and the open, locked, written file; -1 with *holder_r set to
 * the pid holding the lock (0 when another error occurred; errno says
 * which). */
int pidfile_open(const char *path, struct pidfile **pf_r, pid_t *holder_r);
/* Rewrites the pid (after a fork). */
int pidfile_write(struct pidfile *pf);
const char *pidfile_path(const struct pidfile *pf);
/* Removes the file, releases the lock, frees; NULLs *pf.  Returns -1
 * (errno set) when the file could not be removed, 0 otherwise (also when
 * there was none). */
int pidfile_remove(struct pidfile **pf);

#endif
