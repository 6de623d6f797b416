# man: build fragment, included from the top Makefile.am (paths from the top).
