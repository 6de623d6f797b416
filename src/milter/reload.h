/*
 * reload.h - rereading bounceguard.conf(5) in the running daemon.
 *
 * reload_config() loads the file and the rules it names completely before
 * anything changes.  A broken file is logged ("reload failed: FILE:LINE:
 * KEY: ..."), and so are rules that do not load (their FILE:LINE, then
 * "reload failed: FILE: its classification rules do not load"): the
 * running snapshot and rules stay.  A good one becomes cfg_current(), sets the
 * log level, is announced to the filter (milter_reloaded) and logged
 * ("configuration reloaded from FILE").  What a reload changes: log_level,
 * the milter and classify groups (new connections), the logfeed group (the
 * feed is restarted), and auth.outbound_check, auth.inbound_check,
 * auth.add_auth_results, auth.credibility, alerts.outbound_auth.  Every
 * other key is read once at start-up (the top-level keys, store, policy,
 * alerts, auth, metrics, monitor) and gets a warning
 * ("GROUP.KEY changed: takes effect after a restart") when it changed.
 *
 * Called from the main thread only (on SIGHUP and SIGUSR1).
 */
#ifndef BG_RELOAD_H
#define BG_RELOAD_H

/* 0 when the new file is in effect, -1 when the old one was kept. */
int reload_config(const char *path);

#endif
