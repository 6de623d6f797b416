# src/auth: build fragment, included from the top Makefile.am (paths from the top).
# SPF/DKIM checks, prvs signing, the forged-bounce credibility rule.
src_auth_libbgauth_a_SOURCES += \
	src/auth/authres.c src/auth/authres.h \
	src/auth/prvs.c src/auth/prvs.h \
	src/auth/credible.c src/auth/credible.h \
	src/auth/orgdomain.c src/auth/orgdomain.h \
	src/auth/dnsq.c src/auth/dnsq.h \
	src/auth/spfdns.c src/auth/spfdns.h \
	src/auth/auth.c src/auth/auth.h src/auth/auth_dkim.c \
	src/auth/auth_int.h src/auth/auth_msg.c src/auth/auth_msg.h

# prvs.c uses HMAC-SHA256 from libcrypto ($(CRYPTO_LIBS)); dnsq.c uses
# libresolv ($(RESOLV_LIBS)); configure finds both.
