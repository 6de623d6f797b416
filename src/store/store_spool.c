/*
 * store_spool.c - the local durable spool of a remote backend
 * (store_spool.h).
 */
#include "store/store_spool.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"

#define SPOOL_NAME "pending.spool"
#define SPOOL_FIELDS_MAX 24

struct store_spool {
    char *path;
    bool pending;
};

int store_spool_open(const char *dir, struct store_spool **sp_r, char **error_r)
{
    struct store_spool *sp = calloc(1, sizeof *sp);
    size_t len = strlen(dir) + sizeof SPOOL_NAME + 1;
    char buf[512];
    struct stat stt;

    *sp_r = NULL;
    if (sp == NULL || (sp->path = malloc(len)) == NULL) {
        free(sp);
        *error_r = strdup("spool: out of memory");
        return -1;
    }
    snprintf(sp->path, len, "%s/%s", dir, SPOOL_NAME);
    if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
        snprintf(buf, sizeof buf, "spool %s: %s", dir, strerror(errno));
        *error_r = strdup(buf);
        store_spool_close(&sp);
        return -1;
    }
    sp->pending = stat(sp->path, &stt) == 0 && stt.st_size > 0;
    if (sp->pending)
        log_notice(NULL, "store: spool %s holds decisions to replay", sp->path);
    *sp_r = sp;
    return 0;
}

void store_spool_close(struct store_spool **sp)
{
    if (*sp == NULL)
        return;
    free((*sp)->path);
    free(*sp);
    *sp = NULL;
}

bool store_spool_pending(const struct store_spool *sp)
{
    return sp->pending;
}

/* ------------------------------------------------------ serialising */

static void put_field(FILE *f, const char *s)
{
    fputc('\t', f);
    if (s == NULL) {
        fputs("\\N", f);
        return;
    }
    for (; *s; s++) {
        if (*s == '\\')
            fputs("\\\\", f);
        else if (*s == '\t')
            fputs("\\t", f);
        else if (*s == '\n')
            fputs("\\n", f);
        else
            fputc(*s, f);
    }
}

static void put_num(FILE *f, long long v)
{
    fprintf(f, "\t%lld", v);
}

static void put_item(FILE *f, const struct store_item *it)
{
    const struct store_event *e = &it->ev;

    if (it->kind == ITEM_OUTBOUND_MID) {
        fprintf(f, "M\t%s", it->uuid);
        put_field(f, it->out.message_id);
        put_field(f, it->out.queue_id);
        put_num(f, it->out.when);
    } else if (it->kind == ITEM_OUTBOUND) {
        fprintf(f, "O\t%s", it->uuid);
        put_field(f, it->out.message_id);
        put_field(f, it->out.queue_id);
        put_field(f, it->out.sender);
        put_field(f, it->out_rcpts);
        put_num(f, it->out.when);
        if (it->out.envelope_id != NULL) /* else the line of old */
            put_field(f, it->out.envelope_id);
    } else {
        fprintf(f, "E\t%s", it->uuid);
        put_field(f, it->key);
        put_num(f, e->when);
        put_field(f, e->reason);
        put_num(f, e->bucket);
        put_num(f, e->auth);
        put_field(f, e->rule);
        put_field(f, e->status);
        put_num(f, e->reply_code);
        put_field(f, e->diagnostic);
        put_num(f, e->source);
        put_field(f, e->action);
        put_field(f, e->reporting_mta);
        put_field(f, e->remote_mta);
        put_field(f, e->orig_message_id);
        put_field(f, e->queue_id);
        put_field(f, e->sender);
        put_num(f, e->credible);
        put_num(f, e->expires);
    }
    fputc('\n', f);
}

static int fail(char *err, size_t errsize, const char *what, const char *path)
{
    snprintf(err, errsize, "spool %s: %s: %s", path, what, strerror(errno));
    return -1;
}

int store_spool_append(struct store_spool *sp, const struct store_item *head,
                       size_t n, char *err, size_t errsize)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    int fd, rc = 0;

    if (mem == NULL)
        return fail(err, errsize, "memory", sp->path);
    for (size_t i = 0; i < n && head != NULL; i++, head = head->next)
        put_item(mem, head);
    if (fclose(mem) != 0) {
        free(buf);
        return fail(err, errsize, "memory", sp->path);
    }
    fd = open(sp->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        free(buf);
        return fail(err, errsize, "open", sp->path);
    }
    off_t start = lseek(fd, 0, SEEK_END);
    for (size_t off = 0; off < len && rc == 0;) {
        ssize_t w = write(fd, buf + off, len - off);
        if (w < 0 && errno != EINTR)
            rc = fail(err, errsize, "write", sp->path);
        else if (w > 0)
            off += (size_t)w;
    }
    if (rc == 0 && fdatasync(fd) < 0)
        rc = fail(err, errsize, "fdatasync", sp->path);
    if (rc < 0 && start >= 0 && ftruncate(fd, start) == 0)
        (void)fdatasync(fd); /* no torn line before the next append */
    close(fd);
    free(buf);
    if (rc == 0)
        sp->pending = true;
    return rc;
}

/* ------------------------------------------------------------ replay */

/* Splits LINE in place on tabs and unescapes; NULL fields for "\N". */
static size_t split(char *line, char **f, size_t max)
{
    size_t n = 0;
    char *p = line;

    while (n < max) {
        char *out = p, *start = p;
        bool null = strncmp(p, "\\N", 2) == 0 && (p[2] == '\t' || !p[2]);
        for (; *p && *p != '\t'; p++) {
            if (*p == '\\' && p[1]) {
                p++;
                *out++ = *p == 't' ? '\t' : *p == 'n' ? '\n' : *p;
            } else
                *out++ = *p;
        }
        char end = *p;
        *out = '\0';
        f[n++] = null ? NULL : start;
        if (end != '\t')
            break;
        p++;
    }
    return n;
}

/* A number field; "\\N" (NULL) of a damaged line reads as 0. */
static long long num(const char *s)
{
    return s != NULL ? atoll(s) : 0;
}

static struct store_item *parse_event(char **f, size_t n)
{
    struct store_event e;

    if (n != 20)
        return NULL;
    memset(&e, 0, sizeof e);
    e.when = num(f[3]);
    e.reason = f[4];
    e.bucket = (enum bucket)(int)num(f[5]);
    e.auth = num(f[6]) != 0;
    e.rule = f[7];
    e.status = f[8];
    e.reply_code = (int)num(f[9]);
    e.diagnostic = f[10];
    e.source = (enum store_source)(int)num(f[11]);
    e.action = f[12];
    e.reporting_mta = f[13];
    e.remote_mta = f[14];
    e.orig_message_id = f[15];
    e.queue_id = f[16];
    e.sender = f[17];
    e.credible = num(f[18]) != 0;
    e.expires = num(f[19]);
    return f[2] ? store_item_event(&e, f[2], f[1]) : NULL;
}

static struct store_item *parse_message_id(char **f, size_t n)
{
    struct outbound_msg m;
    struct store_item *it;

    if (n != 5 || f[2] == NULL || f[3] == NULL)
        return NULL;
    memset(&m, 0, sizeof m);
    m.message_id = f[2];
    m.queue_id = f[3];
    m.when = num(f[4]);
    it = store_item_outbound(&m, NULL, f[1]);
    if (it != NULL)
        it->kind = ITEM_OUTBOUND_MID;
    return it;
}

static struct store_item *parse_line(char *line)
{
    char *f[SPOOL_FIELDS_MAX];
    size_t n = split(line, f, SPOOL_FIELDS_MAX);
    struct outbound_msg m;

    if (n < 2 || f[0] == NULL || f[1] == NULL || strlen(f[1]) != 32)
        return NULL;
    if (strcmp(f[0], "E") == 0)
        return parse_event(f, n);
    if (strcmp(f[0], "M") == 0)
        return parse_message_id(f, n);
    /* 7 fields before envelope ids were tracked, 8 since */
    if (strcmp(f[0], "O") != 0 || (n != 7 && n != 8))
        return NULL;
    memset(&m, 0, sizeof m);
    m.message_id = f[2];
    m.queue_id = f[3];
    m.sender = f[4];
    m.when = num(f[6]);
    m.envelope_id = n == 8 ? f[7] : NULL;
    return store_item_outbound(&m, f[5], f[1]);
}

struct chain {
    struct store_item *head, *tail;
    size_t n;
};

static void chain_free(struct chain *c)
{
    while (c->head != NULL) {
        struct store_item *next = c->head->next;
        free(c->head);
        c->head = next;
    }
    c->tail = NULL;
    c->n = 0;
}

static int chain_apply(struct chain *c, struct store *st, char *err,
                       size_t errsize)
{
    int rc =
        c->n ? store_apply_chain(st, c->head, c->n, true, err, errsize) : 0;

    chain_free(c);
    return rc;
}

int store_spool_replay(struct store_spool *sp, struct store *st, size_t batch,
                       char *err, size_t errsize)
{
    FILE *f = fopen(sp->path, "re");
    struct chain c = {NULL, NULL, 0};
    char *line = NULL;
    size_t cap = 0, lineno = 0, total = 0;
    ssize_t len;
    int rc = 0;

    if (f == NULL)
        return fail(err, errsize, "open", sp->path);
    while (rc == 0 && (len = getline(&line, &cap, f)) >= 0) {
        struct store_item *it;
        lineno++;
        if (len == 0 || line[len - 1] != '\n' ||
            (line[len - 1] = '\0', (it = parse_line(line)) == NULL)) {
            log_warning(NULL,
                        "store: %s:%zu: unreadable spool line "
                        "skipped",
                        sp->path, lineno);
            continue;
        }
        if (c.tail)
            c.tail->next = it;
        else
            c.head = it;
        c.tail = it;
        total++;
        if (++c.n >= batch)
            rc = chain_apply(&c, st, err, errsize);
    }
    if (rc == 0)
        rc = chain_apply(&c, st, err, errsize);
    chain_free(&c);
    free(line);
    fclose(f);
    if (rc < 0)
        return -1;
    if (unlink(sp->path) < 0 && errno != ENOENT)
        return fail(err, errsize, "unlink", sp->path);
    sp->pending = false;
    log_notice(NULL, "store: replayed %zu spooled decisions", total);
    return 0;
}
