#!/bin/bash
# store_postfix.sh - contrib/postfix enforcement without the milter, proven
# with a real private Postfix: check_recipient_access over the SQLite store
# (sqlite:) and over PostgreSQL (pgsql:) refuses a suppressed recipient at
# RCPT with the configured text, a domain entry covers its addresses, an
# entry added while Postfix runs takes effect without reload, and expired
# or unknown addresses pass.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/pfharness.sh"
. "$top_srcdir/tests/lib/pgtmp.sh"
CTL=$top_builddir/bounceguardctl
[ -x "$CTL" ] || tap_bail "bounceguardctl not built"
pfh_available || tap_skip_all "$PFH_WHY"
command -v swaks >/dev/null || tap_skip_all "swaks is not installed"
pfh_init || tap_skip_all "cannot make a work directory"
trap 'pgtmp_stop "$PFH_W/pg" 2>/dev/null; pfh_cleanup' EXIT
PORT=$(pfh_free_port)
pfh_instance a "$PORT"
ETC=$PFH_W/a/etc
maps=$(postconf -c "$ETC" -m 2>/dev/null)
grep -qx sqlite <<<"$maps" || tap_skip_all "postfix-sqlite is not installed"
TEXT="Recipient suppressed by bounceguard"

# rcpt ADDR: the server's reply to RCPT TO
rcpt() {
    swaks --server "127.0.0.1:$PORT" --from t@a.test --to "$1" \
        --quit-after RCPT 2>&1 | awk 'f && /^<[-~*]/ {print; exit} /-> RCPT TO/ {f=1}' |
        sed 's/^<[-~*]* *//'
}
expect_reject() { # DESC ADDR
    local r; r=$(rcpt "$2")
    [[ "$r" == "550 5.1.1 <$2>: Recipient address rejected: $TEXT ("* ]]
    tap_ok $? "$1: $r"
}
expect_accept() {
    local r; r=$(rcpt "$2")
    [[ "$r" == 250* ]]
    tap_ok $? "$1: $r"
}

# --- SQLite ---
mkdir -p "$PFH_W/store"
printf 'store = {\n    path = "%s";\n};\n' "$PFH_W/store/bounceguard.db" >"$PFH_W/sqlite.conf"
S="$CTL -c $PFH_W/sqlite.conf"
$S add --reason user_unknown gone@remote.test >/dev/null &&
    $S add dead.test >/dev/null && $S add --expires 1s brief@remote.test >/dev/null
tap_ok $? "suppressions added with bounceguardctl"
# smtpd runs as postfix: it reads the WAL database and its -wal/-shm files
chgrp -R postfix "$PFH_W/store" && chmod 2770 "$PFH_W/store" &&
    chmod 660 "$PFH_W/store"/bounceguard.db*
sed "s|^dbpath = .*|dbpath = $PFH_W/store/bounceguard.db|" \
    "$top_srcdir/contrib/postfix/bounceguard-sqlite.cf" >"$ETC/bounceguard-sqlite.cf"
pfh_postconf a "smtpd_recipient_restrictions = check_recipient_access sqlite:$ETC/bounceguard-sqlite.cf, permit_mynetworks, reject_unauth_destination"
pfh_start a || tap_bail "Postfix did not start"
sleep 1.2 # let brief@ expire
expect_reject "sqlite: suppressed address refused at RCPT" gone@remote.test
expect_reject "sqlite: a domain entry refuses its addresses" anyone@dead.test
expect_accept "sqlite: unknown address accepted" ok@remote.test
expect_accept "sqlite: expired entry accepted" brief@remote.test
$S add --reason mailbox_full late@remote.test >/dev/null
expect_reject "sqlite: entry added while Postfix runs, no reload" late@remote.test
$S remove gone@remote.test >/dev/null
expect_accept "sqlite: removed address accepted again" gone@remote.test

# --- PostgreSQL ---
if ! grep -qx pgsql <<<"$maps"; then
    tap_skip "pgsql: postfix-pgsql is not installed"
else
    mkdir -p "$PFH_W/pg"
    PGTMP_PORT=5432 # Postfix's unix: host means port 5432 in that directory
    if ! pgtmp_start "$PFH_W/pg"; then
        tap_skip "pgsql: cannot start a private PostgreSQL"
    else
        printf 'store = {\n    backend = "postgresql";\n    conninfo = "%s";\n};\n' \
            "$PGTMP_CONNINFO" >"$PFH_W/pg.conf"
        P="$CTL -c $PFH_W/pg.conf"
        $P add --reason user_unknown pggone@remote.test >/dev/null && $P add pgdead.test >/dev/null
        tap_ok $? "pgsql: suppressions added with bounceguardctl"
        sed -e "s|^hosts = .*|hosts = unix:$PFH_W/pg/pgsock|" -e "s|^user = .*|user = bg|" \
            -e "s|^dbname = .*|dbname = postgres|" \
            "$top_srcdir/contrib/postfix/bounceguard-pgsql.cf" >"$ETC/bounceguard-pgsql.cf"
        pfh_postconf a "smtpd_recipient_restrictions = check_recipient_access pgsql:$ETC/bounceguard-pgsql.cf, permit_mynetworks, reject_unauth_destination"
        pfh_reload a; sleep 1
        expect_reject "pgsql: suppressed address refused at RCPT" pggone@remote.test
        expect_reject "pgsql: a domain entry refuses its addresses" x@pgdead.test
        expect_accept "pgsql: unknown address accepted" ok@remote.test
    fi
fi
tap_done
