/*
 * milter_rt.h - the milter's process-wide runtime: the store and the
 * classification rules every connection shares, and the count of callbacks
 * running.
 *
 * The store is opened once (at start, or at first use when the
 * configuration was not installed yet), and after a failure again at most
 * every MRT_RETRY seconds, at the next use or at the daemon's next
 * mrt_tick(); until then mrt_store() returns NULL and the caller fails
 * open.  A new error is logged at once, the same one again every
 * MRT_REMIND seconds with the count of attempts that failed.  The rules
 * are a refcounted object: mrt_rules_install() swaps in a new set (start,
 * reload) while callbacks keep the set they took with mrt_rules_ref()
 * until mrt_rules_unref().
 *
 * The delivery-log feed (logfeed/logfeed.h), when logfeed.path is set,
 * starts as soon as the store is open (at start, or later when the store
 * opens late, with or without mail passing) with its own reference to the
 * rules; one that fails to start is tried again every MRT_RETRY seconds
 * by mrt_tick() (the same error is logged once); mrt_feed_restart()
 * restarts it with the current rules after a reload (its saved position
 * means no line is lost or read twice); mrt_close() stops it before the
 * store is closed.  Its deferrals that are authentication failures or in
 * the sender bucket go to the alert service (bounced lines do not: their
 * DSN alerts through the milter).
 *
 * The alert service (alert/alert.h) is made once, at start, from the
 * alerts group; a reload does not change its sinks (restart for that).
 *
 * Thread-safe: one mutex guards the pointers; the store and the rules are
 * themselves safe for concurrent use.  The only mutable process-wide state
 * of the milter lives here.
 */
#ifndef BG_MILTER_RT_H
#define BG_MILTER_RT_H

#include <stdbool.h>

#include "common/settings.h"
#include "core/classify.h"

#define MRT_RETRY 10 /* seconds between attempts to open a failed store */
#define MRT_REMIND 600 /* seconds before a store error is logged again */

struct store;
struct alert_service;
struct auth_ctx;

struct mrules {
    int refs_; /* private: atomic count */
    struct classify_rules *rules;
};

/* Loads the rules SET names and makes them current; false on error
 * (logged; the previous rules stay). */
bool mrt_rules_install(const struct bg_settings *set);
/* A reference to the current rules (loading them with SET when none are
 * loaded yet), or NULL. */
struct mrules *mrt_rules_ref(const struct bg_settings *set);
void mrt_rules_unref(struct mrules **mr);

/* Loads the rules and opens the store with SET once, ahead of need (the
 * first connection calls it when the configuration was not installed yet
 * at start); cheap afterwards. */
void mrt_warm(const struct bg_settings *set);

/* The store, opened with SET when needed; NULL when unavailable. */
struct store *mrt_store(const struct bg_settings *set);

/* The alert service, made with SET at the first call (from milter_start,
 * before libmilter's threads); NULL when it could not be made (logged). */
struct alert_service *mrt_alerts(const struct bg_settings *set);

/* The SPF/DKIM/prvs context (auth/auth.h), made with SET at the first
 * call when auth.prvs_sign, auth.outbound_check or auth.inbound_check is
 * on; NULL otherwise or when it could not be made (logged).  Like the
 * alerts, it is not remade on reload. */
struct auth_ctx *mrt_auth(const struct bg_settings *set);

/* Whether the log feed runs (milter.message_ids = "logfeed" relies on it;
 * without it outbound mail goes through the header phase). */
bool mrt_feed_running(void);

/* Counts an outbound message accepted at DATA; warns once when 1,000 in
 * a row pass while the feed learns no Message-ID (its log lacks the MTA's
 * cleanup lines), and notes when it learns them again. */
void mrt_data_accepted(void);

/* Stops the log feed and starts it again with SET's logfeed group and the
 * current rules (after a reload).  From the main thread. */
void mrt_feed_restart(const struct bg_settings *set);

/* Retries, with SET, what failed to start once mrt_warm() ran: the store
 * and the log feed, each at most every MRT_RETRY seconds.  From the main
 * thread, every MILTER_TICK seconds (milter.h). */
void mrt_tick(const struct bg_settings *set);

/* Callback accounting, for a clean stop. */
void mrt_enter(void);
void mrt_leave(void);
/* Waits until no callback runs (at most wait_ms); returns how many still
 * do. */
int mrt_wait_idle(int wait_ms);

/* Stops the log feed, drops the rules, flushes and closes the store,
 * stops the alerts. */
void mrt_close(void);

#endif
