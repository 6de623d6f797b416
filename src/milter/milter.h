/*
 * milter.h - the filter as the daemon (main.c) sees it.
 *
 * cfg_current() holds the start-up configuration before the first call.
 * Order of calls, all from the main thread: milter_setup() once, after
 * smfi_setconn() and before smfi_opensocket(); milter_start() after the
 * privilege drop and before smfi_main(); milter_reloaded() after each
 * successful reload (the new snapshot is cfg_current()); milter_shutdown()
 * once smfi_main() has returned: it waits for callbacks still running,
 * flushes and closes everything.  The callbacks themselves run on
 * libmilter's threads and take their configuration from cfg_current().
 */
#ifndef BG_MILTER_H
#define BG_MILTER_H

/* Registers the filter with libmilter (smfi_register); 0 or -1 with
 * *error_r. */
int milter_setup(const char **error_r);
/* Opens long-lived resources (store, rules) after the privilege drop,
 * before smfi_main; 0 or -1 with *error_r (malloc'ed). */
int milter_start(char **error_r);
/* A reload installed a new config snapshot (cfg_current()). */
void milter_reloaded(void);
/* After smfi_main() returned: flush and close everything, unless
 * callbacks still run after a wait (then nothing is freed: logged, left to
 * the process exit). */
void milter_shutdown(void);

#endif
