/*
 * logfeed_pos.c - the saved read position of the log feed; see
 * logfeed_pos.h.
 */
#include "config.h"

#include "logfeed/logfeed_pos.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define POS_MAGIC "logfeed-pos 1"

uint64_t logfeed_pos_hash(const char *p, size_t len)
{
    return logfeed_pos_hash_more(LOGFEED_POS_HASH_INIT, p, len);
}

uint64_t logfeed_pos_hash_more(uint64_t h, const char *p, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

int logfeed_pos_load(const char *path, struct logfeed_pos *pos_r,
                     const char **error_r)
{
    char buf[256];
    ssize_t n;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0) {
        if (errno == ENOENT)
            return 0;
        *error_r = "cannot open the position file";
        return -1;
    }
    n = read(fd, buf, sizeof buf - 1);
    (void)close(fd);
    if (n < 0) {
        *error_r = "cannot read the position file";
        return -1;
    }
    buf[n] = '\0';
    memset(pos_r, 0, sizeof *pos_r);
    if (sscanf(buf,
               POS_MAGIC " %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64
                         " %" SCNx64,
               &pos_r->dev, &pos_r->ino, &pos_r->offset, &pos_r->last_len,
               &pos_r->last_hash) != 5 ||
        pos_r->last_len > pos_r->offset) {
        *error_r = "malformed position file";
        return -1;
    }
    return 1;
}

static int write_all(int fd, const char *p, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int logfeed_pos_save(const char *path, const struct logfeed_pos *pos,
                     const char **error_r)
{
    char tmp[4096], line[256];
    int fd, len;

    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp) {
        *error_r = "position file name too long";
        return -1;
    }
    len = snprintf(line, sizeof line,
                   POS_MAGIC " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64
                             " %016" PRIx64 "\n",
                   pos->dev, pos->ino, pos->offset, pos->last_len,
                   pos->last_hash);
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        *error_r = "cannot create the position file";
        return -1;
    }
    if (write_all(fd, line, (size_t)len) < 0 || fsync(fd) < 0) {
        *error_r = "cannot write the position file";
        (void)close(fd);
        (void)unlink(tmp);
        return -1;
    }
    if (close(fd) < 0 || rename(tmp, path) < 0) {
        *error_r = "cannot replace the position file";
        (void)unlink(tmp);
        return -1;
    }
    return 0;
}
