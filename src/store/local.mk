# src/store: build fragment, included from the top Makefile.am (paths from the top).
noinst_HEADERS += src/store/store.h
