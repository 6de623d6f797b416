/*
 * cmd_classify.c - "bounceguardctl classify": parse bounce messages (files,
 * an mbox, or stdin) or one SMTP reply, classify every recipient with the
 * rules, and print one JSON object (or text line) per recipient.
 *
 * Usage:
 *   bounceguardctl [-c FILE] classify [--format json|text] [--mbox]
 *                  [--rules FILE] [--local-rules FILE] [FILE...]
 *   bounceguardctl classify [options] --reply "550 5.1.1 <a@b>: ..."
 *
 * Rules: --rules, else classify.rules_file of the configuration, else the
 * installed rules.conf; the local file (--local-rules, else
 * classify.local_rules_file) is loaded first.  Without -c the default
 * configuration file is read only when it exists, so the command also works
 * on a build tree with no configuration at all.
 *
 * Output: one object per recipient named by a failure, delay, auto-reply or
 * feedback report (see bounceguardctl(8)); a message that is not a bounce
 * prints nothing on stdout and one line on stderr.
 * Exit status: 0 every input classified; 1 some input was not a bounce;
 * 64 usage; 66 a file could not be opened; 74 a read error or out of memory;
 * 78 the configuration or the rules are invalid.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "common/cfg.h"
#include "common/json.h"
#include "core/classify.h"
#include "core/mime.h"
#include "core/reply.h"
#include "core/report.h"
#include "ctl/ctl.h"

#define CLASSIFY_READ_MAX (64u * 1024u * 1024u) /* bytes read per input */
#define DEFAULT_RULES PKGDATADIR "/rules.conf"

struct classify_opts {
    bool text;          /* --format text */
    bool mbox;
    const char *reply;  /* --reply TEXT */
    const char *rules_file;
    const char *local_rules_file;
};

/* Everything one run needs. */
struct classify_run {
    struct classify_opts o;
    struct mime_limits limits;
    struct classify_rules *rules;
    struct json j;
    int status;         /* exit status so far */
};

static void usage(FILE *fp)
{
    fprintf(fp,
            "usage: bounceguardctl [-c FILE] classify [--format json|text]\n"
            "           [--mbox] [--rules FILE] [--local-rules FILE]\n"
            "           [--reply TEXT | FILE...]\n");
}

static int parse_opts(int argc, char **argv, struct classify_opts *o)
{
    static const struct option longopts[] = {
        {"format", required_argument, NULL, 'f'},
        {"mbox", no_argument, NULL, 'm'},
        {"reply", required_argument, NULL, 'r'},
        {"rules", required_argument, NULL, 'R'},
        {"local-rules", required_argument, NULL, 'L'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;

    optind = 0; /* reinitialise getopt: the caller may have used it */
    while ((c = getopt_long(argc, argv, "+f:mr:R:L:h", longopts, NULL)) !=
           -1) {
        switch (c) {
        case 'f':
            if (strcmp(optarg, "json") != 0 && strcmp(optarg, "text") != 0) {
                fprintf(stderr, "classify: unknown format '%s'\n", optarg);
                return EX_USAGE;
            }
            o->text = strcmp(optarg, "text") == 0;
            break;
        case 'm': o->mbox = true; break;
        case 'r': o->reply = optarg; break;
        case 'R': o->rules_file = optarg; break;
        case 'L': o->local_rules_file = optarg; break;
        case 'h': usage(stdout); return -1;
        default: usage(stderr); return EX_USAGE;
        }
    }
    return 0;
}

/* Fills limits and rule paths from the configuration, when there is one
 * (the snapshot belongs to the frame and outlives the command). */
static void apply_config(const struct ctl_env *env, struct classify_run *run)
{
    struct bg_config *cfg = ctl_config_optional(env);

    if (cfg == NULL)
        return;
    const struct classify_settings *cs = &cfg_settings(cfg)->classify;
    run->limits = cs->limits;
    if (run->o.rules_file == NULL)
        run->o.rules_file = cs->rules_file;
    if (run->o.local_rules_file == NULL)
        run->o.local_rules_file = cs->local_rules_file;
}

static int load_rules(struct classify_run *run)
{
    const char *paths[2];
    size_t n = 0;
    char *err = NULL;

    if (run->o.local_rules_file != NULL && run->o.local_rules_file[0] != '\0')
        paths[n++] = run->o.local_rules_file;
    paths[n++] = run->o.rules_file ? run->o.rules_file : DEFAULT_RULES;
    if (classify_rules_load(paths, n, &run->rules, &err) < 0) {
        fprintf(stderr, "classify: %s\n", err ? err : "cannot load rules");
        free(err);
        return EX_CONFIG;
    }
    return 0;
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static void emit_json(struct classify_run *run, const char *file,
                      const struct report *rep,
                      const struct report_rcpt *rc, const struct verdict *v)
{
    struct json *j = &run->j;

    json_reset(j);
    json_obj_begin(j);
    json_key_string(j, "file", file);
    json_key_string(j, "recipient", rc->recipient);
    json_key_string(j, "original_recipient", rc->original_recipient);
    json_key_string(j, "action", rc->action);
    json_key_string(j, "status", v->status[0] ? v->status : NULL);
    if (v->reply_code > 0) {
        char code[16];
        snprintf(code, sizeof code, "%d", v->reply_code);
        json_key_string(j, "reply", code);
    } else {
        json_key_null(j, "reply");
    }
    json_key_string(j, "reason", v->reason);
    json_key_string(j, "bucket", bucket_name(v->bucket));
    json_key_bool(j, "auth", v->auth);
    json_key_string(j, "rule", v->rule);
    json_key_string(j, "diagnostic", rc->diagnostic);
    json_key_string(j, "remote_mta", rc->remote_mta);
    json_key_string(j, "mta", rep ? rep->mta : NULL);
    json_key_string(j, "original_message_id",
                    rep ? rep->orig_message_id : NULL);
    json_obj_end(j);
    if (!json_failed(j))
        printf("%s\n", json_str(j));
}

static void emit_text(const char *file, const struct report_rcpt *rc,
                      const struct verdict *v)
{
    printf("%s: %s %s %s%s %s %d rule=%s\n", file ? file : "-",
           rc->recipient ? rc->recipient : "-", bucket_name(v->bucket),
           v->reason, v->auth ? " (auth)" : "",
           v->status[0] ? v->status : "-", v->reply_code, v->rule);
}

static void emit(struct classify_run *run, const char *file,
                 const struct report *rep, const struct report_rcpt *rc,
                 const struct verdict *v)
{
    if (run->o.text)
        emit_text(file, rc, v);
    else
        emit_json(run, file, rep, rc, v);
}

/* Classifies one message; a non-bounce is reported on stderr. */
static int classify_message(struct classify_run *run, const char *name,
                            const char *msg, size_t len)
{
    struct report *rep = NULL;
    const char *err = NULL;

    if (report_parse(msg, len, &run->limits, &rep, &err) < 0) {
        fprintf(stderr, "classify: %s: %s\n", name, err ? err : "error");
        return EX_IOERR;
    }
    if (rep->kind == REPORT_NOT_BOUNCE || rep->nrcpts == 0) {
        fprintf(stderr, "classify: %s: not a bounce (%s)\n", name,
                report_kind_name(rep->kind));
        report_free(&rep);
        return 1;
    }
    struct verdict *v = calloc(rep->nrcpts, sizeof *v);
    if (v == NULL) {
        report_free(&rep);
        fprintf(stderr, "classify: %s: out of memory\n", name);
        return EX_IOERR;
    }
    classify_report(run->rules, rep, v);
    for (size_t i = 0; i < rep->nrcpts; i++)
        emit(run, base_name(name), rep, &rep->rcpts[i], &v[i]);
    free(v);
    report_free(&rep);
    return 0;
}

/* Reads a whole stream (up to CLASSIFY_READ_MAX bytes). */
static int read_all(FILE *fp, char **buf_r, size_t *len_r)
{
    char *buf = NULL;
    size_t len = 0, size = 0, n;

    do {
        if (size - len < 4096) {
            if (size >= CLASSIFY_READ_MAX)
                break;
            char *p = realloc(buf, size + 262144);
            if (p == NULL) {
                free(buf);
                return -1;
            }
            buf = p;
            size += 262144;
        }
        n = fread(buf + len, 1, size - len, fp);
        len += n;
    } while (n > 0);
    if (ferror(fp)) {
        free(buf);
        return -1;
    }
    *buf_r = buf;
    *len_r = len;
    return 0;
}

/* Is line[0..len) an mbox postmark, "From " then the envelope sender and
 * a date with its time ("From MAILER-DAEMON  Thu Apr 29 23:34:45 2015"),
 * and the line after it (in rest[0..rlen)) a header field? */
static bool classify_postmark(const char *line, size_t len, const char *rest,
                              size_t rlen)
{
    size_t i = 5, colon = 0;

    if (len < 5 || memcmp(line, "From ", 5) != 0 || i >= len || line[i] == ' ')
        return false;
    while (i < len && line[i] != ' ')
        i++;
    for (size_t k = i; k + 5 <= len && colon == 0; k++)
        if (line[k] >= '0' && line[k] <= '9' && line[k + 2] == ':' &&
            line[k + 1] >= '0' && line[k + 1] <= '9' && line[k + 3] >= '0' &&
            line[k + 3] <= '9' && line[k + 4] >= '0' && line[k + 4] <= '9')
            colon = k + 2;
    if (colon == 0)
        return false;
    for (i = 0;
         i < rlen && i < 80 && rest[i] > ' ' && rest[i] < 127 && rest[i] != ':';
         i++)
        ;
    return i > 0 && i < rlen && rest[i] == ':';
}

/* The next line of buf[pos..len) that starts with "From " (any, or only a
 * postmark: classify_postmark()): its offset, len when there is none. */
static size_t classify_next_from(const char *buf, size_t len, size_t pos,
                                 bool postmark)
{
    while (pos < len) {
        const char *nl = memchr(buf + pos, '\n', len - pos);
        if (nl == NULL)
            return len;
        size_t at = (size_t)(nl - buf) + 1;
        if (len - at >= 5 && memcmp(buf + at, "From ", 5) == 0) {
            const char *e = memchr(buf + at, '\n', len - at);
            size_t ll = e != NULL ? (size_t)(e - buf) - at : len - at;
            size_t rest = at + ll + (e != NULL);
            if (!postmark ||
                classify_postmark(buf + at, ll, buf + rest, len - rest))
                return at;
        }
        pos = at;
    }
    return len;
}

/* Splits an mbox on "From " lines (only on postmarks when strict) and
 * classifies each message. */
static int classify_mbox(struct classify_run *run, const char *name,
                         const char *buf, size_t len, bool strict)
{
    size_t pos = 0;
    int worst = 0;

    while (pos < len) {
        size_t start = pos;
        if (len - pos >= 5 && memcmp(buf + pos, "From ", 5) == 0) {
            const char *nl = memchr(buf + pos, '\n', len - pos);
            start = nl != NULL ? (size_t)(nl - buf) + 1 : len;
        }
        size_t stop = classify_next_from(buf, len, start, strict);
        int rc = classify_message(run, name, buf + start, stop - start);
        if (rc > worst)
            worst = rc;
        pos = stop;
    }
    return worst;
}

/* Is buf an mbox though --mbox was not given: a postmark first, then a
 * first message that is a whole multipart (mime_multipart_whole()) and
 * ends where the next postmark (classify_postmark()) starts?  Such a file
 * is split at postmarks only: a "From " line in a message's text (a quoted
 * original not escaped as ">From ") splits nothing. */
static bool classify_looks_mbox(const struct classify_run *run, const char *buf,
                                size_t len)
{
    const char *nl;

    if (len < 5 || (nl = memchr(buf, '\n', len)) == NULL)
        return false;
    size_t start = (size_t)(nl - buf) + 1;
    if (!classify_postmark(buf, start - 1, buf + start, len - start))
        return false;
    size_t stop = classify_next_from(buf, len, start, true);
    return stop < len && stop - start <= run->limits.max_message_bytes &&
           mime_multipart_whole(buf + start, stop - start, &run->limits);
}

static int classify_input(struct classify_run *run, const char *path)
{
    if (path != NULL && strcmp(path, "-") == 0)
        path = NULL; /* "-" is standard input */
    FILE *fp = path ? fopen(path, "rb") : stdin;
    const char *name = path ? path : "-";
    char *buf = NULL;
    size_t len = 0;
    int rc;

    if (fp == NULL) {
        fprintf(stderr, "classify: %s: %s\n", name, strerror(errno));
        return EX_NOINPUT;
    }
    rc = read_all(fp, &buf, &len);
    if (path != NULL)
        fclose(fp);
    if (rc < 0) {
        fprintf(stderr, "classify: %s: read error\n", name);
        return EX_IOERR;
    }
    if (run->o.mbox)
        rc = classify_mbox(run, name, buf ? buf : "", len, false);
    else if (classify_looks_mbox(run, buf ? buf : "", len))
        rc = classify_mbox(run, name, buf, len, true);
    else
        rc = classify_message(run, name, buf ? buf : "", len);
    free(buf);
    return rc;
}

/* --reply: one reply, one object. */
static int classify_one_reply(struct classify_run *run)
{
    struct verdict v;
    struct report_rcpt rc = {0};
    char addr[320];

    classify_reply(run->rules, run->o.reply, strlen(run->o.reply), NULL, 0,
                   NULL, &v);
    if (reply_find_address(run->o.reply, strlen(run->o.reply), addr,
                           sizeof addr))
        rc.recipient = addr;
    rc.diagnostic = (char *)run->o.reply;
    emit(run, NULL, NULL, &rc, &v);
    return 0;
}

int cmd_classify(const struct ctl_env *env, int argc, char **argv)
{
    struct classify_run run = {0};
    int rc;

    mime_limits_default(&run.limits);
    rc = parse_opts(argc, argv, &run.o);
    if (rc != 0)
        return rc < 0 ? 0 : rc;
    apply_config(env, &run);
    if ((rc = load_rules(&run)) != 0)
        return rc;
    json_init(&run.j, 0);
    if (run.o.reply != NULL) {
        run.status = classify_one_reply(&run);
    } else if (optind >= argc) {
        run.status = classify_input(&run, NULL);
    } else {
        for (int i = optind; i < argc; i++) {
            rc = classify_input(&run, argv[i]);
            if (rc > run.status)
                run.status = rc;
        }
    }
    fflush(stdout);
    json_free(&run.j);
    classify_rules_free(&run.rules);
    return run.status;
}
