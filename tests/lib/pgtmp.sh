# pgtmp.sh - a private PostgreSQL server for tests, in a temp directory,
# on a unix socket only.  Source it; needs root (runs the server as the
# postgres user) and Debian's postgresql package.
#   pgtmp_start DIR   -> sets PGTMP_CONNINFO; returns 1 when impossible
#   pgtmp_stop DIR / pgtmp_restart DIR / pgtmp_psql DIR SQL
PGTMP_BIN=${PGTMP_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
PGTMP_PORT=${PGTMP_PORT:-55432}
pgtmp_as() { su postgres -s /bin/sh -c "$*"; }
pgtmp_start() {
    [ -x "$PGTMP_BIN/initdb" ] && id postgres >/dev/null 2>&1 || return 1
    mkdir -p "$1/pgdata" "$1/pgsock" && touch "$1/pg.log" &&
        chmod 755 "$1" &&
        chown postgres "$1/pgdata" "$1/pgsock" "$1/pg.log" || return 1
    pgtmp_as "$PGTMP_BIN/initdb -D '$1/pgdata' -A trust -U bg" \
        >"$1/initdb.log" 2>&1 || return 1
    PGTMP_CONNINFO="host=$1/pgsock port=$PGTMP_PORT user=bg dbname=postgres connect_timeout=3"
    pgtmp_restart_only "$1"
}
pgtmp_restart_only() {
    pgtmp_as "$PGTMP_BIN/pg_ctl -D '$1/pgdata' -l '$1/pg.log' -w -o \"-k '$1/pgsock' -c listen_addresses='' -p $PGTMP_PORT -c fsync=on\" start" >/dev/null 2>&1
}
pgtmp_stop() {
    pgtmp_as "$PGTMP_BIN/pg_ctl -D '$1/pgdata' -m fast -w stop" >/dev/null 2>&1
}
pgtmp_psql() {
    psql -X -q -t -A -h "$1/pgsock" -p "$PGTMP_PORT" -U bg -d postgres -c "$2"
}
