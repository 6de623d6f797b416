/*
 * alert_driver.c - drives the real alert service (aggregator, dispatcher
 * thread, sinks) for the alert_*.sh integration tests.
 *
 *   alert_driver [options] COMMAND...
 *     -w URL      webhook_url            -f FMT   webhook_format
 *     -m PATH     sendmail_path          -T ADDR  email_to (admin@example.test)
 *     -e PATH     exec_command           -s       syslog sink on
 *     -P PRIO     syslog_priority (alert, crit, err, warning)
 *     -H SECS     hold   -W SECS window  -Q SECS  quiet
 *     -r N        webhook_retries        -b SECS  webhook_backoff
 *   commands:
 *     submit N DOMAIN REASON   N events "550 5.7.26" for DOMAIN, at once
 *     sleep SECS               let the dispatcher work
 *     flush                    deliver what hold/window still keep
 *     stats                    print "submitted=.. delivered=.. failed=.."
 * The service is freed at the end (pending alerts are delivered).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alert/alert.h"
#include "common/log.h"

static void driver_defaults(struct alert_settings *set, char **to)
{
    memset(set, 0, sizeof *set);
    set->window = 5;
    set->hold = 2;
    set->quiet = 4;
    set->samples = 3;
    set->queue_ids = 20;
    set->max_incidents = 100;
    set->sender_rate = 5;
    set->syslog_priority = "alert";
    set->webhook_format = "generic";
    set->webhook_timeout = 5;
    set->webhook_retries = 2;
    set->webhook_backoff = 1;
    set->exec_timeout = 10;
    set->email_to.items = to;
}

static int driver_options(int argc, char **argv, struct alert_settings *set)
{
    int c;
    while ((c = getopt(argc, argv, "w:f:m:u:T:e:sP:H:W:Q:r:b:")) != -1) {
        switch (c) {
        case 'u':
            set->smtp_url = optarg;
            set->email_to.count = 1;
            break;
        case 'w':
            set->webhook_url = optarg;
            break;
        case 'f':
            set->webhook_format = optarg;
            break;
        case 'm':
            set->sendmail_path = optarg;
            set->email_to.count = 1;
            break;
        case 'T':
            set->email_to.items[0] = optarg;
            break;
        case 'e':
            set->exec_command = optarg;
            break;
        case 's':
            set->syslog = true;
            break;
        case 'P':
            set->syslog_priority = optarg;
            break;
        case 'H':
            set->hold = atoll(optarg);
            break;
        case 'W':
            set->window = atoll(optarg);
            break;
        case 'Q':
            set->quiet = atoll(optarg);
            break;
        case 'r':
            set->webhook_retries = atoll(optarg);
            break;
        case 'b':
            set->webhook_backoff = atoll(optarg);
            break;
        default:
            return -1;
        }
    }
    return optind;
}

static void driver_submit(struct alert_service *svc, long n, const char *domain,
                          const char *reason)
{
    char qid[32], rcpt[128];
    for (long i = 0; i < n; i++) {
        snprintf(qid, sizeof qid, "4Q%06ld", i);
        snprintf(rcpt, sizeof rcpt, "user%ld@%s", i % 7, domain);
        struct alert_event ev = {
            .kind = ALERT_AUTH_BOUNCE,
            .when = 0,
            .sender_domain = "example.org",
            .rcpt_domain = domain,
            .reason = reason,
            .status = "5.7.26",
            .reply_code = 550,
            .diagnostic = "550-5.7.26 Unauthenticated email from example.org "
                          "is not accepted due to domain's DMARC policy",
            .queue_id = qid,
            .recipient = rcpt,
        };
        if (!alert_submit(svc, &ev))
            fprintf(stderr, "submit %ld failed\n", i);
    }
}

static int driver_run(struct alert_service *svc, int argc, char **argv)
{
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "submit") == 0 && i + 3 < argc) {
            driver_submit(svc, atol(argv[i + 1]), argv[i + 2], argv[i + 3]);
            i += 3;
        } else if (strcmp(argv[i], "sleep") == 0 && i + 1 < argc) {
            sleep((unsigned)atoi(argv[++i]));
        } else if (strcmp(argv[i], "flush") == 0) {
            alert_service_flush(svc);
        } else if (strcmp(argv[i], "stats") == 0) {
            struct alert_stats st;
            alert_service_stats(svc, &st);
            printf("submitted=%lu dropped=%lu delivered=%lu failed=%lu "
                   "open=%lu\n",
                   st.submitted, st.dropped, st.delivered, st.failed, st.open);
            fflush(stdout);
        } else {
            fprintf(stderr, "bad command: %s\n", argv[i]);
            return 2;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct alert_settings set;
    struct alert_service *svc;
    char *to[] = {"admin@example.test"};
    const char *err;
    int first, ret;

    driver_defaults(&set, to);
    if ((first = driver_options(argc, argv, &set)) < 0)
        return 2;
    log_open("alert_driver", "mail", true);
    if (alert_service_new(&set, "mx.example.org", &svc, &err) < 0) {
        fprintf(stderr, "alert_service_new: %s\n", err);
        return 1;
    }
    ret = driver_run(svc, argc - first, argv + first);
    alert_service_free(&svc);
    log_close();
    return ret;
}
