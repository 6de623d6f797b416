/*
 * alert_sink_webhook.c - alerts POSTed as JSON to an HTTP endpoint with
 * libcurl: a generic object, or a Slack- or Matrix-compatible body
 * (webhook_format).  Any 2xx answer is success.  A failure (connection
 * refused, timeout, non-2xx) is retried webhook_retries times, waiting
 * webhook_backoff seconds and doubling the wait each time (capped at an
 * hour), then given up and reported to the caller, which logs it.
 *
 * curl_global_init() must have run before open() (alert.c does it at
 * start-up, before any thread).  One easy handle per send; state is used
 * by the dispatcher thread only.
 */
#include "config.h"

#include "alert/alert_sink.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

#include "alert/alert_format.h"

struct webhook_state {
    char *url;
    enum alert_json_style style;
    long timeout;
    unsigned retries;
    unsigned backoff;
};

static bool webhook_enabled(const struct alert_settings *set)
{
    return set->webhook_url != NULL && set->webhook_url[0] != '\0';
}

static int webhook_open(const struct alert_settings *set, void **state_r,
                        const char **error_r)
{
    struct webhook_state *st = calloc(1, sizeof *st);
    if (st == NULL || (st->url = strdup(set->webhook_url)) == NULL) {
        free(st);
        *error_r = "out of memory";
        return -1;
    }
    if (set->webhook_format == NULL ||
        !alert_json_style_parse(set->webhook_format, &st->style))
        st->style = ALERT_JSON_GENERIC;
    st->timeout = set->webhook_timeout > 0 ? (long)set->webhook_timeout : 10;
    st->retries = (unsigned)set->webhook_retries;
    st->backoff = set->webhook_backoff > 0 ? (unsigned)set->webhook_backoff : 5;
    *state_r = st;
    return 0;
}

static size_t webhook_discard(char *ptr, size_t size, size_t n, void *ud)
{
    (void)ptr;
    (void)ud;
    return size * n;
}

/* One POST; 0 on a 2xx answer. */
static int webhook_post(const struct webhook_state *st, long timeout,
                        const char *body, size_t len, const char **error_r)
{
    CURL *curl = curl_easy_init();
    struct curl_slist *hdrs = NULL;
    long code = 0;
    CURLcode rc;

    if (curl == NULL) {
        *error_r = "curl_easy_init failed";
        return -1;
    }
    hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
    curl_easy_setopt(curl, CURLOPT_URL, st->url);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)len);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, timeout);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "bounceguard");
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, webhook_discard);
    rc = curl_easy_perform(curl);
    if (rc == CURLE_OK)
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
    curl_slist_free_all(hdrs);
    curl_easy_cleanup(curl);
    if (rc != CURLE_OK) {
        *error_r = curl_easy_strerror(rc);
        return -1;
    }
    if (code < 200 || code > 299) {
        *error_r = "the endpoint did not answer 2xx";
        return -1;
    }
    return 0;
}

static int webhook_send(void *state, const struct alert_sink_env *env,
                        const struct alert_msg *msg, const char **error_r)
{
    struct webhook_state *st = state;
    unsigned wait = st->backoff;
    struct json j;
    int ret = -1;

    json_init(&j, JSON_DEFAULT_CAP);
    if (!alert_format_json(msg, st->style, env->host, &j)) {
        json_free(&j);
        *error_r = "cannot render the alert";
        return -1;
    }
    for (unsigned attempt = 0; attempt <= st->retries; attempt++) {
        if (attempt > 0) {
            if (!env->sleep(env->sleep_ctx, wait))
                break;
            wait = wait < 1800 ? wait * 2 : 3600;
        }
        long timeout =
            (long)alert_sink_timeout(env, (unsigned)st->timeout);
        if ((ret = webhook_post(st, timeout, json_str(&j), json_len(&j),
                                error_r)) == 0)
            break;
    }
    json_free(&j);
    return ret;
}

static void webhook_close(void **state)
{
    struct webhook_state *st = *state;
    if (st == NULL)
        return;
    free(st->url);
    free(st);
    *state = NULL;
}

const struct alert_sink_ops alert_sink_webhook = {
    "webhook", webhook_enabled, webhook_open, webhook_send, webhook_close,
};
