# src/auth: build fragment, included from the top Makefile.am (paths from the top).
# SPF/DKIM checks, prvs signing, the forged-bounce credibility rule.
src_auth_libbgauth_a_SOURCES += \
	src/auth/authres.c src/auth/authres.h \
	src/auth/prvs.c src/auth/prvs.h \
	src/auth/credible.c src/auth/credible.h

# prvs.c uses HMAC-SHA256 from OpenSSL's libcrypto, which libopendkim
# already requires (libssl-dev is a dependency of libopendkim-dev).
BG_EXT_LIBS += -lcrypto
