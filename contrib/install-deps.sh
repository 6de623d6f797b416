#!/bin/sh
# install-deps.sh - install every Debian 12 package bounceguard's build, tests,
# demo and benchmarks need.  Run as root.  Safe to re-run.
#
# Postfix is preseeded to "No configuration": no /etc/postfix/main.cf is
# written and no system Postfix is started; the tests and the demo run their
# own private instances.  BG_EXTRA_PACKAGES adds packages to the list.
set -eu

PACKAGES="autoconf automake libtool pkg-config make gcc libc6-dev
    libmilter-dev libspf2-dev libopendkim-dev libconfig-dev libsqlite3-dev
    sqlite3 libpq-dev postgresql libcmocka-dev libpcre2-dev libssl-dev
    clang libclang-rt-14-dev llvm
    postfix postfix-sqlite postfix-pgsql swaks miltertest opendkim
    opendkim-tools libsisimai-perl libcurl4-openssl-dev libmicrohttpd-dev
    dnsmasq python3 perl bc time mandoc procps curl prometheus chromium
    util-linux iproute2 ${BG_EXTRA_PACKAGES:-}"

if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps.sh: must run as root (apt-get)" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
echo 'postfix postfix/main_mailer_type select No configuration' |
    debconf-set-selections
# sibling apt runs on the same machine: wait for the lock instead of failing
apt-get -o DPkg::Lock::Timeout=600 update -q
# shellcheck disable=SC2086
apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends \
    $PACKAGES
