# src/ctl: build fragment, included from the top Makefile.am (paths from the top).

# The frame of bounceguardctl: options, command table, built-in commands.
bounceguardctl_SOURCES += src/ctl/ctl.c src/ctl/ctl.h

# classify: bounce messages and SMTP replies through the rules
bounceguardctl_SOURCES += src/ctl/cmd_classify.c

# store: list, show, check, add, remove, import, export, stats, expire
bounceguardctl_SOURCES += src/ctl/cmd_store.c src/ctl/store_import.c \
	src/ctl/store_import.h

# ingest: back-fill a delivery log through the log feed's sink
bounceguardctl_SOURCES += src/ctl/cmd_ingest.c

# report: bounce rates, reasons, providers from the store (text or HTML)
bounceguardctl_SOURCES += src/ctl/cmd_report.c src/ctl/report_data.h \
	src/ctl/report_query.c src/ctl/report_text.c \
	src/ctl/report_html.c
if HAVE_POSTGRESQL
bounceguardctl_SOURCES += src/ctl/report_pgsql.c
endif
