#!/usr/bin/env python3
"""report_fixture.py DB - a small history with known answers for the
report tests, written into a store whose schema exists (bounceguardctl
created it).  Relative to now:
  news.example: 100 recipients sent (10 messages); 5 hard user_unknown at
    gmail.test, 3 soft mailbox_full at gmail.test, 1 auth_dmarc at
    yahoo.test  -> hard rate 5.00 %
  shop.example: 50 recipients sent; 1 hard at outlook.test -> 2.00 %
  not counted: a manual event, an event 10 days old, an old message
  suppressions: 6 new automatic ones, 1 manual"""
import sqlite3
import sys
import time

now = int(time.time())
con = sqlite3.connect(sys.argv[1])
ev = []


def event(at, addr, reason, bucket, auth, sender, source="dsn"):
    ev.append(("f%d" % len(ev), at, addr, reason, bucket, auth, sender,
               source))


for i in range(5):
    event(now - 3600 * (i + 1), "u%d@gmail.test" % i, "user_unknown", "hard",
          0, "list@news.example")
for i in range(3):
    event(now - 7200 * (i + 1), "s%d@gmail.test" % i, "mailbox_full", "soft",
          0, "list@news.example")
event(now - 600, "d@yahoo.test", "auth_dmarc", "sender", 1,
      "list@news.example")
event(now - 900, "x@outlook.test", "user_unknown", "hard", 0,
      "<shop@SHOP.example>")
event(now - 300, "m@gmail.test", "user_unknown", "hard", 0,
      "list@news.example", "manual")
event(now - 10 * 86400, "old@gmail.test", "user_unknown", "hard", 0,
      "list@news.example")
con.executemany(
    "INSERT INTO events(uuid, at, address, reason, bucket, auth, sender,"
    " source, action, credible) VALUES (?,?,?,?,?,?,?,?, 'failed', 1)", ev)
out = []
for i in range(10):
    rc = "\n".join("r%d.%d@gmail.test" % (i, k) for k in range(10))
    out.append(("n%d" % i, "list@news.example", rc, now - 3600 * i - 60))
for i in range(5):
    rc = "\n".join("r%d.%d@outlook.test" % (i, k) for k in range(10))
    out.append(("s%d" % i, "shop@shop.example", rc, now - 3600 * i - 60))
out.append(("old", "list@news.example", "a@b.test", now - 9 * 86400))
con.executemany("INSERT INTO outbound(uuid, sender, recipients, at)"
                " VALUES (?,?,?,?)", out)
sup = [("u%d@gmail.test" % i, "gmail.test", "user_unknown", "hard",
        now - 3600 * (i + 1), 0) for i in range(5)]
sup.append(("x@outlook.test", "outlook.test", "user_unknown", "hard",
            now - 900, 0))
sup.append(("m@gmail.test", "gmail.test", "user_unknown", "hard",
            now - 300, 1))
con.executemany("INSERT INTO suppressions(address, domain, reason, bucket,"
                " first_seen, last_seen, manual) VALUES (?,?,?,?,?,?,?)",
                [s[:5] + (s[4], s[5]) for s in sup])
con.commit()
