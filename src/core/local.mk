# src/core: build fragment, included from the top Makefile.am (paths from the top).

# logline: Postfix / Sendmail delivery-log lines
src_core_libbgcore_a_SOURCES += src/core/logline.c src/core/logline.h

# addr: address normalisation into store keys; policy: suppression decisions
src_core_libbgcore_a_SOURCES += src/core/addr.c src/core/addr.h \
	src/core/policy.c src/core/policy.h

# reply, reason, rules, classify: reply classification by the rules file
src_core_libbgcore_a_SOURCES += src/core/reply.c src/core/reply.h \
	src/core/reason.c src/core/reason.h src/core/rules.c \
	src/core/rules.h src/core/classify.c src/core/classify.h \
	src/core/prefilter.c src/core/prefilter.h \
	src/core/relit.c src/core/relit.h \
	src/core/globs.c src/core/globs.h \
	src/core/rtext.c src/core/rtext.h

# report: MIME / DSN / plain-text bounce parsing
src_core_libbgcore_a_SOURCES += \
	src/core/addrscan.c src/core/addrscan.h \
	src/core/codec.c src/core/codec.h \
	src/core/charset.c src/core/charset.h \
	src/core/hdr.c src/core/hdr.h src/core/scan.h \
	src/core/mime.c src/core/mime.h \
	src/core/ntext.c src/core/ntext.h \
	src/core/rbuild.c src/core/rbuild.h \
	src/core/dsn.c src/core/dsn.h \
	src/core/textbounce.c src/core/textbounce.h \
	src/core/jscan.c src/core/jscan.h \
	src/core/sesjson.c src/core/sesjson.h \
	src/core/evjson.c src/core/evjson.h \
	src/core/report.c src/core/report.h

# rate: rolling-window bounce-rate monitor (per sending domain, provider)
src_core_libbgcore_a_SOURCES += src/core/rate.c src/core/rate.h
