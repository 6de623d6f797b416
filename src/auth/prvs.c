/*
 * prvs.c - BATV prvs signing and verification with HMAC-SHA256.
 */
#include "config.h"

#include "auth/prvs.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define PRVS_FILE_MAX 65536
#define PRVS_TAG_LEN 10 /* K DDD SSSSSS */

struct prvs_key {
    bool present;
    size_t len;
    unsigned char secret[PRVS_SECRET_MAX];
};

struct prvs_keyring {
    unsigned sign_key;
    struct prvs_key keys[PRVS_KEYS];
};

const char *prvs_result_name(enum prvs_result r)
{
    switch (r) {
    case PRVS_UNSIGNED:
        return "unsigned";
    case PRVS_VALID:
        return "valid";
    case PRVS_EXPIRED:
        return "expired";
    case PRVS_BAD_SIG:
        return "bad-signature";
    case PRVS_UNKNOWN_KEY:
        return "unknown-key";
    case PRVS_MALFORMED:
        return "malformed";
    }
    return "malformed";
}

bool prvs_is_signed(const char *addr)
{
    return addr != NULL && strncasecmp(addr, "prvs=", 5) == 0;
}

/* One "K secret" line [p, end); trailing blanks are not part of the
 * secret. */
static int prvs_parse_line(struct prvs_keyring *ring, const char *p,
                           const char *end, const char **error_r)
{
    while (p < end && isspace((unsigned char)*p))
        p++;
    while (end > p && isspace((unsigned char)end[-1]))
        end--;
    if (p == end || *p == '#')
        return 0;
    if (!isdigit((unsigned char)*p) || end - p < 3 ||
        !isspace((unsigned char)p[1])) {
        *error_r = "prvs key line must read \"DIGIT SECRET\"";
        return -1;
    }
    struct prvs_key *key = &ring->keys[*p - '0'];
    p += 2;
    while (p < end && isspace((unsigned char)*p))
        p++;
    size_t len = (size_t)(end - p);
    if (len < 16 || len > PRVS_SECRET_MAX) {
        *error_r = "prvs secret must be 16 to 128 bytes";
        return -1;
    }
    if (key->present) {
        *error_r = "prvs key number used twice";
        return -1;
    }
    memcpy(key->secret, p, len);
    key->len = len;
    key->present = true;
    return 0;
}

int prvs_keyring_parse(const char *text, size_t len, unsigned sign_key,
                       struct prvs_keyring **ring_r, const char **error_r)
{
    struct prvs_keyring *ring;
    const char *p = text, *end = text + len;

    *ring_r = NULL;
    if (sign_key >= PRVS_KEYS) {
        *error_r = "prvs signing key number must be 0-9";
        return -1;
    }
    if ((ring = calloc(1, sizeof *ring)) == NULL) {
        *error_r = "out of memory";
        return -1;
    }
    ring->sign_key = sign_key;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eol = nl != NULL ? nl : end;
        if (prvs_parse_line(ring, p, eol, error_r) < 0) {
            prvs_keyring_free(&ring);
            return -1;
        }
        p = nl != NULL ? nl + 1 : end;
    }
    if (!ring->keys[sign_key].present) {
        *error_r = "prvs signing key not in the key file";
        prvs_keyring_free(&ring);
        return -1;
    }
    *ring_r = ring;
    return 0;
}

int prvs_keyring_load(const char *path, unsigned sign_key,
                      struct prvs_keyring **ring_r, const char **error_r)
{
    char *buf;
    ssize_t n;
    size_t len = 0;
    int fd, ret;

    *ring_r = NULL;
    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
        *error_r = "cannot open the prvs key file";
        return -1;
    }
    if ((buf = malloc(PRVS_FILE_MAX)) == NULL) {
        close(fd);
        *error_r = "out of memory";
        return -1;
    }
    while (len < PRVS_FILE_MAX &&
           (n = read(fd, buf + len, PRVS_FILE_MAX - len)) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            break;
        len += (size_t)n;
    }
    close(fd);
    if (len == PRVS_FILE_MAX) {
        *error_r = "prvs key file too large";
        ret = -1;
    } else {
        ret = prvs_keyring_parse(buf, len, sign_key, ring_r, error_r);
    }
    OPENSSL_cleanse(buf, PRVS_FILE_MAX);
    free(buf);
    return ret;
}

void prvs_keyring_free(struct prvs_keyring **ring)
{
    if (*ring == NULL)
        return;
    OPENSSL_cleanse(*ring, sizeof **ring);
    free(*ring);
    *ring = NULL;
}

/* hex[6] of HMAC-SHA256(key, kddd + lower(addr)). */
static bool prvs_mac(const struct prvs_key *key, const char kddd[4],
                     const char *addr, char hex[7])
{
    unsigned char data[4 + PRVS_ADDR_MAX];
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    size_t alen = strlen(addr);

    if (alen > PRVS_ADDR_MAX)
        return false;
    memcpy(data, kddd, 4);
    for (size_t i = 0; i < alen; i++)
        data[4 + i] = (unsigned char)tolower((unsigned char)addr[i]);
    if (HMAC(EVP_sha256(), key->secret, (int)key->len, data, 4 + alen, md,
             &mdlen) == NULL ||
        mdlen < 3)
        return false;
    snprintf(hex, 7, "%02x%02x%02x", md[0], md[1], md[2]);
    return true;
}

static unsigned prvs_day(time_t now)
{
    return (unsigned)((now / 86400) % 1000);
}

int prvs_sign(const struct prvs_keyring *ring, const char *addr, unsigned days,
              time_t now, char *out, size_t size, const char **error_r)
{
    char kddd[5], hex[7];
    size_t alen = strlen(addr);

    if (alen == 0 || prvs_is_signed(addr)) {
        if (alen >= size) {
            *error_r = "address too long";
            return -1;
        }
        memcpy(out, addr, alen + 1);
        return 0;
    }
    if (strchr(addr, '@') == NULL || alen > PRVS_ADDR_MAX) {
        *error_r = "not a signable address";
        return -1;
    }
    if (days == 0 || days > 999) {
        *error_r = "prvs validity must be 1-999 days";
        return -1;
    }
    snprintf(kddd, sizeof kddd, "%u%03u", ring->sign_key,
             (prvs_day(now) + days) % 1000);
    if (!prvs_mac(&ring->keys[ring->sign_key], kddd, addr, hex)) {
        *error_r = "HMAC failed";
        return -1;
    }
    int n = snprintf(out, size, "prvs=%s%s=%s", kddd, hex, addr);
    if (n < 0 || (size_t)n >= size) {
        *error_r = "address too long";
        return -1;
    }
    return 0;
}

static bool prvs_tag_ok(const char *tag)
{
    for (int i = 0; i < 4; i++)
        if (!isdigit((unsigned char)tag[i]))
            return false;
    for (int i = 4; i < PRVS_TAG_LEN; i++)
        if (!isxdigit((unsigned char)tag[i]))
            return false;
    return tag[PRVS_TAG_LEN] == '=';
}

static bool prvs_copy(const char *src, char *dst, size_t size)
{
    size_t len = strlen(src);
    if (dst == NULL)
        return true;
    if (len >= size)
        return false;
    memcpy(dst, src, len + 1);
    return true;
}

bool prvs_strip(const char *addr, char *out, size_t size)
{
    const char *inner = addr;

    if (prvs_is_signed(addr) && strlen(addr + 5) > PRVS_TAG_LEN &&
        prvs_tag_ok(addr + 5))
        inner = addr + 5 + PRVS_TAG_LEN + 1;
    return prvs_copy(inner, out, size);
}

enum prvs_result prvs_verify(const struct prvs_keyring *ring, const char *addr,
                             unsigned max_days, time_t now, char *orig,
                             size_t orig_size)
{
    char kddd[5], hex[7];

    if (!prvs_is_signed(addr))
        return prvs_copy(addr, orig, orig_size) ? PRVS_UNSIGNED
                                                : PRVS_MALFORMED;
    const char *tag = addr + 5;
    const char *inner = tag + PRVS_TAG_LEN + 1;
    if (strlen(tag) <= PRVS_TAG_LEN || !prvs_tag_ok(tag) ||
        strchr(inner, '@') == NULL || strlen(inner) > PRVS_ADDR_MAX ||
        !prvs_copy(inner, orig, orig_size))
        return PRVS_MALFORMED;
    const struct prvs_key *key = &ring->keys[tag[0] - '0'];
    if (!key->present)
        return PRVS_UNKNOWN_KEY;
    memcpy(kddd, tag, 4);
    kddd[4] = '\0';
    if (!prvs_mac(key, kddd, inner, hex))
        return PRVS_MALFORMED;
    char given[6];
    for (int i = 0; i < 6; i++)
        given[i] = (char)tolower((unsigned char)tag[4 + i]);
    if (CRYPTO_memcmp(hex, given, 6) != 0)
        return PRVS_BAD_SIG;
    unsigned expiry = (unsigned)atoi(kddd + 1);
    unsigned left = (expiry + 1000 - prvs_day(now)) % 1000;
    return left <= max_days ? PRVS_VALID : PRVS_EXPIRED;
}
