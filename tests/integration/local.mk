# tests/integration: build fragment, included from the top Makefile.am (paths from the top).

# Real-Postfix harness (tests/lib/pfharness.sh) and the test that proves it.
TESTS += tests/integration/harness_dsn.sh tests/integration/harness_replies.sh
EXTRA_DIST += tests/integration/harness_dsn.sh \
	tests/integration/harness_replies.sh tests/lib/pfharness.sh \
	tests/lib/pfh-smtp.py
