#!/usr/bin/env python3
"""pfh-smtp.py - a small SMTP client for the Postfix test harness.

Sends one message to HOST:PORT with any number of recipients and optional
DSN parameters (NOTIFY=..., RET=..., ENVID=...), then prints the queue id
from the server's final "250 ... queued as ID" reply on stdout.  Recipients
the server refuses at RCPT are reported on stderr; the message still goes
to the accepted ones.  Exit status: 0 queued, 1 nothing accepted or the
server failed, 2 usage.

Usage: pfh-smtp.py [options] HOST:PORT FROM RCPT[,RCPT...] [RCPT...]
"""

import argparse
import email.utils
import re
import smtplib
import socket
import sys


def build_message(args, rcpts):
    """Return the message bytes: given body file, or a small generated one."""
    if args.body_file:
        with open(args.body_file, "rb") as f:
            return f.read()
    lines = [
        "From: <%s>" % args.sender,
        "To: %s" % ", ".join("<%s>" % r for r in rcpts),
        "Subject: %s" % args.subject,
        "Date: %s" % email.utils.formatdate(localtime=False),
        "Message-ID: %s" % email.utils.make_msgid(domain="harness.test"),
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=us-ascii",
    ]
    lines += args.header
    lines += ["", args.body, ""]
    return "\r\n".join(lines).encode("ascii", "replace")


def main():
    p = argparse.ArgumentParser(description="send one message over SMTP")
    p.add_argument("server")
    p.add_argument("sender")
    p.add_argument("rcpt", nargs="+")
    p.add_argument("--notify", help="DSN NOTIFY value, e.g. NEVER")
    p.add_argument("--ret", help="DSN RET value (FULL or HDRS)")
    p.add_argument("--envid", help="DSN ENVID value")
    p.add_argument("--subject", default="harness message")
    p.add_argument("--header", action="append", default=[],
                   help="extra header line, repeatable")
    p.add_argument("--body", default="This is a harness test message.")
    p.add_argument("--body-file", help="send this file as the whole message")
    p.add_argument("--helo", default="client.harness.test")
    p.add_argument("--timeout", type=float, default=30.0)
    args = p.parse_args()

    host, _, port = args.server.rpartition(":")
    rcpts = [r for arg in args.rcpt for r in arg.split(",") if r]
    if not host or not port.isdigit() or not rcpts:
        p.error("need HOST:PORT, FROM and at least one recipient")

    mail_opts = []
    if args.ret:
        mail_opts.append("RET=" + args.ret)
    if args.envid:
        mail_opts.append("ENVID=" + args.envid)
    rcpt_opts = ["NOTIFY=" + args.notify] if args.notify else []

    try:
        s = smtplib.SMTP(host, int(port), local_hostname=args.helo,
                         timeout=args.timeout)
        s.ehlo()
        code, msg = s.mail(args.sender, mail_opts)
        if code != 250:
            print("MAIL FROM refused: %d %s" % (code, msg.decode()),
                  file=sys.stderr)
            return 1
        accepted = 0
        for r in rcpts:
            code, msg = s.rcpt(r, rcpt_opts)
            if code in (250, 251):
                accepted += 1
            else:
                print("RCPT %s refused: %d %s" % (r, code, msg.decode()),
                      file=sys.stderr)
        if accepted == 0:
            s.quit()
            return 1
        code, msg = s.data(build_message(args, rcpts))
        s.quit()
    except (OSError, smtplib.SMTPException, socket.timeout) as e:
        print("smtp error: %s" % e, file=sys.stderr)
        return 1
    text = msg.decode(errors="replace")
    if code != 250:
        print("DATA refused: %d %s" % (code, text), file=sys.stderr)
        return 1
    m = re.search(r"queued as ([0-9A-Za-z]+)", text)
    print(m.group(1) if m else "")
    return 0


if __name__ == "__main__":
    sys.exit(main())
