/*
 * alert_sink_mail.c - alert mail to the admins through sendmail(1), or by
 * SMTP to a server (alerts.smtp_url, with libcurl: no set-group-ID
 * postdrop, which a hardened service may not run).
 *
 * "sendmail -t -oi -f <>": recipients come from the To: field; by SMTP,
 * MAIL FROM:<> and one RCPT TO for each of alerts.email_to.  The null
 * envelope sender means an alert that cannot be delivered is dropped by
 * the MTA instead of bouncing (so it can never alert again).  The mail
 * carries Auto-Submitted, ALERT_HEADER and an ALERT_MSGID_PREFIX
 * Message-ID for the milter's loop check.  State is used by the dispatcher
 * thread only.
 */
#include "config.h"

#include "alert/alert_sink.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "alert/alert_format.h"
#include "alert/alert_spawn.h"

#define MAIL_TIMEOUT 60
#define MAIL_MAX 32768

struct mail_state {
    char *sendmail;
    char *smtp_url;           /* or NULL: sendmail */
    struct curl_slist *rcpts; /* "<a@x>", ... for SMTP */
    char *to;   /* "a@x, b@y" */
    char *from; /* NULL: bounceguard@host */
    unsigned long serial;
};

static bool mail_enabled(const struct alert_settings *set)
{
    return set->email_to.count > 0;
}

static void mail_close(void **state)
{
    struct mail_state *st = *state;
    if (st == NULL)
        return;
    free(st->sendmail);
    free(st->smtp_url);
    curl_slist_free_all(st->rcpts);
    free(st->to);
    free(st->from);
    free(st);
    *state = NULL;
}

/* "a, b, c" of the list; NULL when memory runs out or an address could
 * smuggle a header (CR/LF). */
static char *mail_join(const struct str_list *list)
{
    size_t len = 1;
    for (size_t i = 0; i < list->count; i++) {
        if (strpbrk(list->items[i], "\r\n") != NULL)
            return NULL;
        len += strlen(list->items[i]) + 2;
    }
    char *s = malloc(len);
    if (s == NULL)
        return NULL;
    s[0] = '\0';
    for (size_t i = 0; i < list->count; i++) {
        if (i > 0)
            strcat(s, ", ");
        strcat(s, list->items[i]);
    }
    return s;
}

/* The SMTP recipients "<a@x>" of the list; -1 when memory runs out or an
 * address could smuggle a command (CR/LF, angle brackets). */
static int mail_rcpts(const struct str_list *list, struct curl_slist **r)
{
    char buf[512];

    for (size_t i = 0; i < list->count; i++) {
        const char *a = list->items[i];
        struct curl_slist *n;
        if (strpbrk(a, "\r\n<>") != NULL ||
            snprintf(buf, sizeof buf, "<%s>", a) >= (int)sizeof buf ||
            (n = curl_slist_append(*r, buf)) == NULL)
            return -1;
        *r = n;
    }
    return 0;
}

static int mail_open(const struct alert_settings *set, void **state_r,
                     const char **error_r)
{
    struct mail_state *st = calloc(1, sizeof *st);
    if (st == NULL) {
        *error_r = "out of memory";
        return -1;
    }
    *state_r = st;
    st->sendmail = strdup(set->sendmail_path != NULL ? set->sendmail_path
                                                     : "/usr/sbin/sendmail");
    st->to = mail_join(&set->email_to);
    if (set->email_from != NULL && strpbrk(set->email_from, "\r\n") == NULL)
        st->from = strdup(set->email_from);
    if (set->smtp_url != NULL && set->smtp_url[0] != '\0' &&
        ((st->smtp_url = strdup(set->smtp_url)) == NULL ||
         mail_rcpts(&set->email_to, &st->rcpts) < 0)) {
        mail_close(state_r);
        *error_r = "bad alert mail recipients (or out of memory)";
        return -1;
    }
    if (st->sendmail == NULL || st->to == NULL ||
        (set->email_from != NULL && st->from == NULL)) {
        mail_close(state_r);
        *error_r = "bad alert mail settings (or out of memory)";
        return -1;
    }
    return 0;
}

/* The whole message (headers and body) into buf. */
static int mail_compose(struct mail_state *st, const struct alert_sink_env *env,
                        const struct alert_msg *msg, char *buf, size_t size)
{
    char subject[512], date[64], from[320];
    time_t now = time(NULL);
    struct tm tm;
    char *text = alert_format_text(msg);

    if (text == NULL)
        return -1;
    alert_format_subject(msg, subject, sizeof subject);
    if (st->from != NULL)
        snprintf(from, sizeof from, "%s", st->from);
    else
        snprintf(from, sizeof from, "bounceguard@%s", env->host);
    strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000",
             gmtime_r(&now, &tm));
    int n = snprintf(buf, size,
                     "From: %s\nTo: %s\nSubject: %s\nDate: %s\n"
                     "Message-ID: <" ALERT_MSGID_PREFIX "%lld.%ld.%lu@%s>\n"
                     "Auto-Submitted: auto-generated\n" ALERT_HEADER ": 1\n"
                     "Precedence: bulk\nMIME-Version: 1.0\n"
                     "Content-Type: text/plain; charset=utf-8\n"
                     "Content-Transfer-Encoding: 8bit\n\n%s",
                     from, st->to, subject, date, (long long)now,
                     (long)getpid(), ++st->serial, env->host, text);
    free(text);
    return n < 0 || (size_t)n >= size ? -1 : n;
}

/* What curl reads of the message: the bytes left of it. */
struct mail_upload {
    const char *p;
    size_t left;
};

static size_t mail_read(char *out, size_t size, size_t n, void *ud)
{
    struct mail_upload *u = ud;
    size_t k = size * n < u->left ? size * n : u->left;

    memcpy(out, u->p, k);
    u->p += k;
    u->left -= k;
    return k;
}

/* The message by SMTP: MAIL FROM:<>, a RCPT TO each, DATA (curl turns the
 * message's LF line ends into CRLF, CURLOPT_CRLF, and dot-stuffs). */
static int mail_smtp(const struct mail_state *st, long timeout, const char *buf,
                     size_t n, const char **error_r)
{
    static char err[CURL_ERROR_SIZE];
    struct mail_upload u = {buf, n};
    CURL *curl = curl_easy_init();
    CURLcode rc;

    if (curl == NULL) {
        *error_r = "curl: out of memory";
        return -1;
    }
    err[0] = '\0';
    curl_easy_setopt(curl, CURLOPT_URL, st->smtp_url);
    curl_easy_setopt(curl, CURLOPT_MAIL_FROM, "<>");
    curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, st->rcpts);
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, mail_read);
    curl_easy_setopt(curl, CURLOPT_READDATA, &u);
    curl_easy_setopt(curl, CURLOPT_CRLF, 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, timeout);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, err);
    rc = curl_easy_perform(curl);
    curl_easy_cleanup(curl);
    if (rc == CURLE_OK)
        return 0;
    *error_r = err[0] != '\0' ? err : curl_easy_strerror(rc);
    return -1;
}

static int mail_send(void *state, const struct alert_sink_env *env,
                     const struct alert_msg *msg, const char **error_r)
{
    struct mail_state *st = state;
    char *argv[] = {st->sendmail, "-t", "-oi", "-f", "<>", NULL};
    char *buf = malloc(MAIL_MAX);
    int n, status;

    if (buf == NULL) {
        *error_r = "out of memory";
        return -1;
    }
    if ((n = mail_compose(st, env, msg, buf, MAIL_MAX)) < 0) {
        free(buf);
        *error_r = "alert mail too large";
        return -1;
    }
    if (st->smtp_url != NULL) {
        status = mail_smtp(st, (long)alert_sink_timeout(env, MAIL_TIMEOUT), buf,
                           (size_t)n, error_r);
        free(buf);
        return status;
    }
    status = alert_spawn_run(argv, buf, (size_t)n,
                             alert_sink_timeout(env, MAIL_TIMEOUT), error_r);
    free(buf);
    if (status > 0)
        *error_r = "sendmail exited with an error";
    return status == 0 ? 0 : -1;
}

const struct alert_sink_ops alert_sink_mail = {
    "mail", mail_enabled, mail_open, mail_send, mail_close,
};
