/*
 * store_import.h - reading suppression lists for "bounceguardctl import":
 * bounceguard's own CSV and JSON Lines (what "export" writes), and the
 * suppression/bounce list CSV exports of Amazon SES, SendGrid, Mailgun and
 * Postmark, told apart by their header line:
 *
 *   bounceguard  address,reason,bucket,status,... (export --format csv)
 *   bounceguard  {"address": ..., ...} one object per line (--format json)
 *   Postmark     EmailAddress,SuppressionReason,Origin,CreatedAt
 *   Amazon SES   EmailAddress,Reason[,LastUpdateTime]
 *   Mailgun      address,code,error,created_at
 *   SendGrid     email,created,reason,status (any order)
 *
 * Header names are matched case-insensitively, columns in any order.  CSV
 * follows RFC 4180 (quoted fields, doubled quotes, line breaks inside
 * quotes).  Each record becomes one struct import_row; a record that cannot
 * be read is reported to the callback with its line number and a reason,
 * and reading goes on with the next record.
 *
 * Limits: a record of at most 64 KiB and 32 columns.  Not thread-safe per
 * reader; no global state.
 */
#ifndef BG_STORE_IMPORT_H
#define BG_STORE_IMPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "core/classify.h"

struct import_row {
    const char *address;
    const char *reason; /* taxonomy name or the provider's, lower case */
    enum bucket bucket;
    const char *status; /* or NULL */
    int reply_code;
    const char *diagnostic; /* or NULL */
    long long when;         /* when it was suppressed; 0 = unknown */
    long long expires;      /* 0 = permanent */
    const char *message_id, *queue_id, *sender;
};

/* ROW is NULL when the record at LINE could not be read (WHY says why).
 * A non-zero return stops the reading and is returned. */
typedef int import_row_cb(unsigned long line, const struct import_row *row,
                          const char *why, void *ctx);

/* Reads F to the end; *format_r names the format detected ("bounceguard-
 * csv", "bounceguard-json", "ses", "sendgrid", "mailgun", "postmark").
 * Returns 0, the callback's stop value, or -1 with *error_r (static) when
 * the file's format is not recognised. */
int store_import_read(FILE *f, import_row_cb *cb, void *ctx,
                      const char **format_r, const char **error_r);

/* "2024-05-01T10:00:00Z", "2024-05-01 10:00:00+02:00", RFC 5322 dates,
 * or unix seconds.  Returns 0 or -1. */
int store_import_time(const char *text, long long *t_r);

#endif
