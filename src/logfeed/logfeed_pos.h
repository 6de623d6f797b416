/*
 * logfeed_pos.h - where the log feed stopped reading, saved across
 * restarts.
 *
 * A position names the file by device and inode, the offset of the first
 * unread byte, and the length and 64-bit FNV-1a hash of the last line read
 * (without its newline).  On restart the follower checks that the line
 * ending at the offset is still the one it read: a file that was truncated,
 * replaced or rewritten since is then detected instead of being read from
 * a wrong place.
 *
 * The file holds one text line, "logfeed-pos 1 DEV INO OFFSET LEN HASH",
 * and is replaced atomically (written aside, fsync'ed, renamed), so a crash
 * leaves either the old or the new position.
 *
 * Thread-safety: the functions share nothing; a position is plain data.
 * Errors: *error_r points to a static text; errno tells more.
 */
#ifndef BG_LOGFEED_POS_H
#define BG_LOGFEED_POS_H

#include <stddef.h>
#include <stdint.h>

struct logfeed_pos {
    uint64_t dev, ino;
    uint64_t offset;    /* first unread byte */
    uint64_t last_len;  /* length of the last line read, 0 = none */
    uint64_t last_hash; /* logfeed_pos_hash() of that line */
};

/* Returns 1 and *pos_r when a saved position was read, 0 when the file
 * does not exist, -1 when it cannot be read or is malformed. */
int logfeed_pos_load(const char *path, struct logfeed_pos *pos_r,
                     const char **error_r);
/* Returns 0, or -1 when the position could not be written. */
int logfeed_pos_save(const char *path, const struct logfeed_pos *pos,
                     const char **error_r);

/* 64-bit FNV-1a of len bytes; _more() continues a hash over more bytes,
 * starting from LOGFEED_POS_HASH_INIT. */
#define LOGFEED_POS_HASH_INIT 14695981039346656037ULL
uint64_t logfeed_pos_hash(const char *p, size_t len);
uint64_t logfeed_pos_hash_more(uint64_t h, const char *p, size_t len);

#endif
