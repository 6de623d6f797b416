/*
 * milter_lm.h - libmilter as the engine of the filter (milter.engine =
 * "libmilter"): one thread per connection, libmilter's own socket and
 * timeouts.  Each libmilter callback hands the filter (milter.h) a struct
 * mtx on its stack that reaches the SMFICTX.
 */
#ifndef BG_MILTER_LM_H
#define BG_MILTER_LM_H

/* Registers the filter with libmilter (smfi_register); 0 or -1 with
 * *error_r. */
int milter_lm_register(const char **error_r);

#endif
