/*
 * milter.h - the filter as the daemon (main.c) sees it.
 *
 * cfg_current() holds the start-up configuration before the first call.
 * Order of calls, all from the main thread: milter_start() after the
 * privilege drop and before the engine runs; milter_reloaded() after each
 * successful reload (the new snapshot is cfg_current()); milter_tick()
 * between them, every MILTER_TICK seconds; milter_shutdown()
 * once the engine has returned: it waits for callbacks still running,
 * flushes and closes everything.  The callbacks (milter_callbacks()) run
 * on the engine's threads and take their configuration from
 * cfg_current().
 */
#ifndef BG_MILTER_H
#define BG_MILTER_H

#include "common/settings.h"
#include "milter/mtx.h"

/* The callbacks an engine drives (mengine.h, milter_lm.h). */
const struct milter_callbacks *milter_callbacks(void);
/* Opens long-lived resources (store, rules) after the privilege drop,
 * before the engine runs; 0 or -1 with *error_r (malloc'ed). */
int milter_start(char **error_r);
/* A reload is about to install a snapshot of these settings: loads and
 * installs the rules they name; -1 (logged, the rules in use stay) when
 * they do not load, and the reload must fail. */
int milter_reload_rules(const struct bg_settings *set);
/* A reload installed a new config snapshot (cfg_current()). */
void milter_reloaded(void);
/* Every MILTER_TICK seconds from the main thread: retries what failed to
 * start (a store that did not open, and with it the log feed), so they
 * come up with no mail passing. */
#define MILTER_TICK 1 /* seconds */
void milter_tick(void);
/* After the engine returned: flush and close everything, unless
 * callbacks still run after a wait (then nothing is freed: logged, left to
 * the process exit). */
void milter_shutdown(void);

#endif
