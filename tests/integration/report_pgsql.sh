#!/bin/sh
# report_pgsql.sh - "bounceguardctl report" on the PostgreSQL store, against
# a real server started in a temp directory: the history of report_cli.sh
# (report_fixture.py), copied row for row from an SQLite store into
# PostgreSQL, gives the same report from both stores (text, --domain);
# 300,000 events stream through in bounded memory; a server that is down
# is a clear error, not a hang.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/pgtmp.sh"

CTL=${top_builddir:-.}/bounceguardctl
[ -x "$CTL" ] || tap_bail "bounceguardctl not built ($CTL)"
[ "$(id -u)" = 0 ] || tap_skip_all "needs root to run PostgreSQL as postgres"
command -v psql >/dev/null || tap_skip_all "no psql"
command -v python3 >/dev/null || tap_skip_all "python3 is not installed"
W=$(mktemp -d /tmp/bg-rpg.XXXXXX)
trap 'pgtmp_stop "$W"; rm -rf "$W"' EXIT
pgtmp_start "$W" || tap_skip_all "cannot start a private PostgreSQL ($PGTMP_BIN)"

printf 'store = { path = "%s/bg.db"; };\n' "$W" >"$W/sq.conf"
printf 'store = {\n    backend = "postgresql";\n    conninfo = "%s";\n};\n' \
    "$PGTMP_CONNINFO" >"$W/pg.conf"
if "$CTL" -c "$W/pg.conf" report 2>&1 | grep -q "without PostgreSQL"; then
    tap_skip_all "PostgreSQL backend not built"
fi
"$CTL" -c "$W/sq.conf" stats >/dev/null 2>&1 # creates the schemas
"$CTL" -c "$W/pg.conf" stats >/dev/null 2>&1
python3 "$top_srcdir/tests/integration/report_fixture.py" "$W/bg.db"
tap_ok $? "fixture written into the SQLite store"

# every row of the three tables, as INSERTs for PostgreSQL (SQLite's 0/1
# are PostgreSQL's booleans; ids are the server's own)
python3 - "$W/bg.db" >"$W/copy.sql" <<'EOF'
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
booleans = {"auth", "credible", "manual"}
def lit(name, v):
    if v is None:
        return "NULL"
    if name in booleans:
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    return "'" + str(v).replace("'", "''") + "'"
for table in ("events", "outbound", "suppressions"):
    cur = con.execute("SELECT * FROM " + table)
    names = [d[0] for d in cur.description]
    for row in cur:
        cols = [(n, v) for n, v in zip(names, row)
                if n not in ("id", "akey") and v is not None]
        print("INSERT INTO %s (%s) VALUES (%s);" % (
            table, ", ".join(n for n, _ in cols),
            ", ".join(lit(n, v) for n, v in cols)))
EOF
psql -X -q -v ON_ERROR_STOP=1 -h "$W/pgsock" -p "$PGTMP_PORT" -U bg -d postgres \
    -f "$W/copy.sql" >"$W/copy.log" 2>&1
tap_ok $? "the same rows copied into PostgreSQL ($(grep -c "^INSERT" "$W/copy.sql") rows)"

"$CTL" -c "$W/pg.conf" report --since 7d >"$W/pg.out" 2>"$W/pg.err"
tap_ok $? "report on PostgreSQL exits 0 $(head -c 200 "$W/pg.err")"
"$CTL" -c "$W/sq.conf" report --since 7d >"$W/sq.out"
# the first line holds the time of the run, to the minute
sed 1d "$W/pg.out" >"$W/pg.body"
sed 1d "$W/sq.out" >"$W/sq.body"
cmp -s "$W/pg.body" "$W/sq.body"
tap_ok $? "the same report as from SQLite ($(grep -c . "$W/pg.body") lines)"
grep -Eq '^news\.example +100 +5 +3 +1 +5\.00% +3\.00% +CRIT$' "$W/pg.out"
tap_ok $? "news.example: 100 sent, 5 hard, 3 soft, 1 sender, CRIT"
grep -q '^New suppressions: 6$' "$W/pg.out" &&
    grep -Eq '^auth_dmarc +news\.example +yahoo\.test +1$' "$W/pg.out"
tap_ok $? "new suppressions (manual left out) and the auth failure"

"$CTL" -c "$W/pg.conf" report --domain SHOP.example | sed 1d >"$W/pg.shop"
"$CTL" -c "$W/sq.conf" report --domain SHOP.example | sed 1d >"$W/sq.shop"
cmp -s "$W/pg.shop" "$W/sq.shop" && grep -q '^shop\.example' "$W/pg.shop" &&
    ! grep -q '^news\.example' "$W/pg.shop"
tap_ok $? "--domain: the same on both stores, that sending domain only"

"$CTL" -c "$W/pg.conf" report --html "$W/pg.html" &&
    grep -q '<svg' "$W/pg.html" && grep -q 'news.example' "$W/pg.html"
tap_ok $? "--html from PostgreSQL"

# 300,000 more events: the rows stream, memory stays bounded
pgtmp_psql "$W" "INSERT INTO events (uuid, at, address, reason, bucket,
    auth, sender, source) SELECT 'bulk' || g,
    extract(epoch FROM now())::bigint - 60 - g % 86400,
    'b' || g || '@p' || g % 50 || '.test', 'mailbox_full', 'soft', false,
    'bulk@bulk.example', 'dsn' FROM generate_series(1, 300000) g" >/dev/null
if [ -x /usr/bin/time ]; then
    /usr/bin/time -f '%M' -o "$W/rss" "$CTL" -c "$W/pg.conf" report >"$W/big" 2>"$W/big.err"
    rc=$?
    rss=$(tail -n 1 "$W/rss")
else
    "$CTL" -c "$W/pg.conf" report >"$W/big" 2>"$W/big.err"
    rc=$?
    rss=0
fi
grep -Eq '^bulk\.example +0 +0 +300000 +0 ' "$W/big"
tap_ok $(( rc + $? )) "300,000 events counted (peak RSS ${rss} kB)"
[ "${rss:-0}" -lt 40000 ]
tap_ok $? "memory bounded by the tables, not the rows (${rss} kB < 40000 kB)"

pgtmp_stop "$W"
t0=$(date +%s)
"$CTL" -c "$W/pg.conf" report >/dev/null 2>"$W/down.err"
rc=$?
t1=$(date +%s)
[ $rc -ne 0 ] && grep -q 'report: PostgreSQL: connect:' "$W/down.err" &&
    [ $((t1 - t0)) -le 15 ]
tap_ok $? "server down: exit $rc in $((t1 - t0)) s, $(head -c 120 "$W/down.err")"
tap_done
