#!/usr/bin/env python3
"""gen_events.py DB N_EVENTS [DAYS] - fill a bounceguard SQLite store (its
schema already created, e.g. by "bounceguardctl stats") with N generated
failure events and about N/5 outbound messages spread evenly, in time
order as a store records them, over the last DAYS days (default 7), for
timing "bounceguardctl report".  Deterministic but for the clock."""
import random
import sqlite3
import sys
import time

REASONS = [("user_unknown", "hard", 0, "5.1.1", 550),
           ("mailbox_full", "soft", 0, "4.2.2", 452),
           ("domain_not_found", "hard", 0, "5.1.2", 550),
           ("blocklisted", "sender", 0, "5.7.1", 554),
           ("auth_dmarc", "sender", 1, "5.7.26", 550),
           ("greylisted", "soft", 0, "4.7.1", 451),
           ("mailbox_disabled", "hard", 0, "5.2.1", 550),
           ("rate_limited", "sender", 0, "4.7.28", 421)]
SENDERS = ["news.example.com", "shop.example.com", "example.org",
           "alerts.example.net", "billing.example.com"]


def main():
    db, n = sys.argv[1], int(sys.argv[2])
    days = int(sys.argv[3]) if len(sys.argv) > 3 else 7
    rnd = random.Random(8)
    now = int(time.time())
    span = days * 86400 - 60
    providers = ["mx%d.example" % i for i in range(200)] + \
        ["gmail.com", "outlook.com", "yahoo.com", "gmx.de", "web.de"]
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=OFF")

    def events():
        for i in range(n):
            r = REASONS[min(int(rnd.expovariate(0.6)), len(REASONS) - 1)]
            prov = providers[min(int(rnd.expovariate(0.05)),
                                 len(providers) - 1)]
            snd = SENDERS[i % len(SENDERS)]
            # in time order, as a store records them (rowid follows time)
            yield ("g%d" % i, now - span + i * span // n,
                   "u%d@%s" % (rnd.randrange(100000), prov), r[0], r[1],
                   r[2], "gen." + r[0], r[3], r[4], "dsn", "failed",
                   "list@" + snd, 1, "suppressed" if r[1] == "hard"
                   else "counted")

    con.executemany(
        "INSERT INTO events(uuid, at, address, reason, bucket, auth, rule,"
        " status, reply_code, source, action, sender, credible, decision)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", events())

    def outbound():
        for i in range(n // 5):
            k = 1 + rnd.randrange(20)
            rc = "\n".join("u%d@%s" % (rnd.randrange(100000),
                                       providers[rnd.randrange(205)])
                           for _ in range(k))
            yield ("o%d" % i, "m%d@gen" % i, "Q%d" % i,
                   "list@" + SENDERS[i % len(SENDERS)], rc,
                   now - span + i * span // max(n // 5, 1))

    con.executemany(
        "INSERT INTO outbound(uuid, message_id, queue_id, sender,"
        " recipients, at) VALUES (?,?,?,?,?,?)", outbound())
    con.executemany(
        "INSERT OR IGNORE INTO suppressions(address, domain, reason, bucket,"
        " first_seen, last_seen) VALUES (?,?,?,?,?,?)",
        (("s%d@%s" % (i, providers[i % 205]), providers[i % 205],
          REASONS[i % 3][0], REASONS[i % 3][1], now - (i * 37) % span,
          now - (i * 37) % span) for i in range(n // 100)))
    con.commit()
    con.close()


main()
