/*
 * sockspec.c - implementation of sockspec.h.
 */
#include "config.h"

#include "common/sockspec.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

const char *sockspec_unix_path(const char *spec)
{
    if (spec == NULL)
        return NULL;
    if (strncmp(spec, "unix:", 5) == 0)
        return spec + 5;
    if (strncmp(spec, "local:", 6) == 0)
        return spec + 6;
    if (spec[0] == '/')
        return spec;
    return NULL;
}

/* 1 when something accepts connections at path, 0 when not. */
static int sockspec_live(const char *path)
{
    struct sockaddr_un sun = {.sun_family = AF_UNIX};
    int fd, ret;

    if (strlen(path) >= sizeof sun.sun_path)
        return 0;
    memcpy(sun.sun_path, path, strlen(path) + 1);
    if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
        return 0;
    ret = connect(fd, (struct sockaddr *)&sun, sizeof sun) == 0;
    close(fd);
    return ret;
}

int sockspec_check_stale(const char *path, const char **error_r)
{
    struct stat st;

    if (lstat(path, &st) != 0)
        return 0; /* nothing there (or not reachable: bind will say) */
    if (!S_ISSOCK(st.st_mode)) {
        *error_r = "exists and is not a socket; not removing it";
        return -1;
    }
    if (sockspec_live(path)) {
        *error_r = "a running process accepts connections on it "
                   "(another bounceguard?)";
        return -1;
    }
    return 0;
}
