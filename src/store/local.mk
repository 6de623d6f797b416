# src/store: build fragment, included from the top Makefile.am (paths from the top).
noinst_HEADERS += src/store/store.h
src_store_libbgstore_a_SOURCES += src/store/store.c src/store/store.h \
	src/store/store_backend.h src/store/store_spool.c \
	src/store/store_spool.h src/store/store_sqlite.c src/store/store_item.c \
	src/store/store_cache.c src/store/store_cache.h
if HAVE_POSTGRESQL
src_store_libbgstore_a_SOURCES += src/store/store_pgsql.c
endif
