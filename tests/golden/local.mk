# tests/golden: build fragment, included from the top Makefile.am (paths from the top).

# report parser: golden transcripts, NAME.eml -> dump_report -> NAME.ref
check_PROGRAMS += tests/golden/dump_report
tests_golden_dump_report_SOURCES = tests/golden/dump_report.c
tests_golden_dump_report_LDADD = $(BG_LIBS) $(BG_EXT_LIBS)
TESTS += tests/golden/run.sh
EXTRA_DIST += tests/golden/run.sh
EXTRA_DIST += tests/golden/arf.eml tests/golden/arf.ref
EXTRA_DIST += tests/golden/broken-mime.eml tests/golden/broken-mime.ref
EXTRA_DIST += tests/golden/delivered.eml tests/golden/delivered.ref
EXTRA_DIST += tests/golden/exchange-cr.eml tests/golden/exchange-cr.ref
EXTRA_DIST += tests/golden/exim.eml tests/golden/exim.ref
EXTRA_DIST += tests/golden/forwarded-inline.eml tests/golden/forwarded-inline.ref
EXTRA_DIST += tests/golden/global-dsn.eml tests/golden/global-dsn.ref
EXTRA_DIST += tests/golden/gmail.eml tests/golden/gmail.ref
EXTRA_DIST += tests/golden/nul-bytes.eml tests/golden/nul-bytes.ref
EXTRA_DIST += tests/golden/plain.eml tests/golden/plain.ref
EXTRA_DIST += tests/golden/qmail.eml tests/golden/qmail.ref
EXTRA_DIST += tests/golden/rfc3464-postfix.eml tests/golden/rfc3464-postfix.ref
EXTRA_DIST += tests/golden/sendmail-dsn.eml tests/golden/sendmail-dsn.ref
EXTRA_DIST += tests/golden/ses-bounce.eml tests/golden/ses-bounce.ref
EXTRA_DIST += tests/golden/vacation.eml tests/golden/vacation.ref
EXTRA_DIST += tests/golden/yahoo-delayed.eml tests/golden/yahoo-delayed.ref
EXTRA_DIST += tests/golden/courier.eml tests/golden/courier.ref
EXTRA_DIST += tests/golden/domino.eml tests/golden/domino.ref
EXTRA_DIST += tests/golden/groupwise.eml tests/golden/groupwise.ref
EXTRA_DIST += tests/golden/messagingserver.eml tests/golden/messagingserver.ref
EXTRA_DIST += tests/golden/sendmail-v5.eml tests/golden/sendmail-v5.ref
EXTRA_DIST += tests/golden/o365-html.eml tests/golden/o365-html.ref
