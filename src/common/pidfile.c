/*
 * pidfile.c - implementation of pidfile.h.
 */
#include "config.h"

#include "common/pidfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct pidfile {
    int fd;
    char *path;
};

static int pidfile_lock(int fd, pid_t *holder_r)
{
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};

    if (fcntl(fd, F_SETLK, &fl) == 0)
        return 0;
    if (errno != EAGAIN && errno != EACCES)
        return -1;
    int saved = errno;
    struct flock probe = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    if (fcntl(fd, F_GETLK, &probe) == 0 && probe.l_type != F_UNLCK)
        *holder_r = probe.l_pid;
    errno = saved;
    return -1;
}

int pidfile_write(struct pidfile *pf)
{
    char buf[32];
    int n = snprintf(buf, sizeof buf, "%ld\n", (long)getpid());

    if (ftruncate(pf->fd, 0) != 0 || pwrite(pf->fd, buf, (size_t)n, 0) != n)
        return -1;
    return 0;
}

int pidfile_open(const char *path, struct pidfile **pf_r, pid_t *holder_r)
{
    struct pidfile *pf;
    int fd, saved;

    *pf_r = NULL;
    *holder_r = 0;
    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0)
        return -1;
    if (pidfile_lock(fd, holder_r) != 0)
        goto fail;
    if ((pf = calloc(1, sizeof *pf)) == NULL ||
        (pf->path = strdup(path)) == NULL) {
        free(pf);
        errno = ENOMEM;
        goto fail;
    }
    pf->fd = fd;
    if (pidfile_write(pf) != 0) {
        saved = errno;
        (void)pidfile_remove(&pf);
        errno = saved;
        return -1;
    }
    *pf_r = pf;
    return 0;
fail:
    saved = errno;
    close(fd);
    errno = saved;
    return -1;
}

const char *pidfile_path(const struct pidfile *pf)
{
    return pf->path;
}

int pidfile_remove(struct pidfile **pfp)
{
    struct pidfile *pf = *pfp;
    int ret, saved;

    *pfp = NULL;
    if (pf == NULL)
        return 0;
    /* Unlink while still holding the lock, so no second daemon can have
     * locked the file we remove. */
    ret = unlink(pf->path) != 0 && errno != ENOENT ? -1 : 0;
    saved = errno;
    close(pf->fd);
    free(pf->path);
    free(pf);
    errno = saved;
    return ret;
}
