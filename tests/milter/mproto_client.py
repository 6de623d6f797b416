#!/usr/bin/env python3
"""mproto_client.py - the MTA's side of the milter protocol, for the tests
of bounceguard's milter engines (tests/integration/milter_engine.sh).

It frames packets (a 32-bit big-endian length of what follows, one command
byte, the data), negotiates, drives a transaction and checks every reply
against what the negotiated protocol flags call for: none for a step the
filter asked not to answer, exactly one for the others, in order, and
nothing more.  Each scenario is one assertion of the shell test.

Usage: mproto_client.py SOCKET ENGINE SCENARIO [ARGS...]
  SOCKET    path of the daemon's unix socket
  ENGINE    "event" or "libmilter": where the two engines differ (see the
            comments at each difference) the scenario asserts what that
            engine does
Exit status 0 when the scenario held, 1 when it did not (why: "# " lines
on stdout), 2 on a usage error.  Standard library only.
"""

import os
import random
import signal
import socket
import struct
import sys
import time

# Commands of the MTA, replies of the filter (src/milter/mproto.h).
C_ABORT, C_BODY, C_CONNECT, C_MACRO = b"A", b"B", b"C", b"D"
C_EOM, C_HELO, C_QUIT_NC, C_HEADER = b"E", b"H", b"K", b"L"
C_MAIL, C_EOH, C_OPTNEG, C_QUIT, C_RCPT = b"M", b"N", b"O", b"Q", b"R"
R_ACCEPT, R_CONTINUE, R_OPTNEG, R_REPLYCODE = b"a", b"c", b"O", b"y"

# Protocol flags.
P_NOCONNECT, P_NOHELO, P_NOMAIL, P_NORCPT = 0x1, 0x2, 0x4, 0x8
P_NOBODY, P_NOHDRS, P_NOEOH, P_NR_HDR = 0x10, 0x20, 0x40, 0x80
P_NOUNKNOWN, P_NODATA, P_SKIP, P_RCPT_REJ = 0x100, 0x200, 0x400, 0x800
P_NR_CONN, P_NR_HELO, P_NR_MAIL, P_NR_RCPT = 0x1000, 0x2000, 0x4000, 0x8000
P_NR_DATA, P_NR_UNKN, P_NR_EOH, P_NR_BODY = 0x10000, 0x20000, 0x40000, 0x80000
P_HDR_LEADSPC = 0x100000
P_ALL = 0x1FFFFF
A_ADDHDRS, A_DELRCPT, A_ALL = 0x1, 0x8, 0x1FF

# What bounceguard asks for with its default settings on a unix socket
# (milter.c, cb_negotiate): no HELO (auth.inbound_check off), no DATA, no
# unknown commands, SKIP, the MTA's own refusals (rcpt_rejects = record),
# and no replies to connect, MAIL and headers (milter.noreply); it may add
# headers and delete recipients.
WANT_PROTO = (P_NOHELO | P_NODATA | P_NOUNKNOWN | P_SKIP | P_RCPT_REJ |
              P_NR_CONN | P_NR_MAIL | P_NR_HDR)
WANT_ACTIONS = A_ADDHDRS | A_DELRCPT

TIMEOUT = 10.0  # seconds any expected reply may take


class Closed(Exception):
    """The filter closed the connection."""


class Failed(Exception):
    """An assertion of the scenario did not hold."""


def check(cond, what):
    if not cond:
        raise Failed(what)


def pkt(cmd, data=b""):
    return struct.pack(">I", len(data) + 1) + cmd + data


def strs(*values):
    return b"".join(v.encode() + b"\0" for v in values)


def macro(stage, **pairs):
    """A MACRO packet for stage (a command byte); names as keywords, with
    "_b" standing for braces: client_addr_b="x" is {client_addr}."""
    data = stage
    for k, v in pairs.items():
        name = "{%s}" % k[:-2] if k.endswith("_b") else k
        data += strs(name, v)
    return pkt(C_MACRO, data)


def optneg(version=6, actions=A_ALL, protocol=P_ALL):
    return pkt(C_OPTNEG, struct.pack(">III", version, actions, protocol))


class Conn:
    """One connection to the filter with a buffer of what it sent."""

    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.settimeout(TIMEOUT)
        self.s.connect(path)
        self.buf = b""
        self.proto = 0
        self.actions = 0
        self.version = 0

    def close(self):
        self.s.close()

    def send(self, data, step=0, pause=0.0):
        """Sends data in one write, or step bytes a write with a pause
        between writes."""
        try:
            if step <= 0:
                self.s.sendall(data)
                return
            for i in range(0, len(data), step):
                self.s.sendall(data[i:i + step])
                if pause > 0:
                    time.sleep(pause)
        except (BrokenPipeError, ConnectionResetError):
            raise Closed()

    def _fill(self, n, timeout):
        deadline = time.monotonic() + timeout
        while len(self.buf) < n:
            left = deadline - time.monotonic()
            if left <= 0:
                raise socket.timeout()
            self.s.settimeout(left)
            try:
                chunk = self.s.recv(65536)
            except ConnectionResetError:
                raise Closed()
            if not chunk:
                raise Closed()
            self.buf += chunk

    def read(self, timeout=TIMEOUT):
        """The next packet as (command, data); socket.timeout when none
        came, Closed at the end of the connection."""
        self._fill(4, timeout)
        n = struct.unpack(">I", self.buf[:4])[0]
        check(0 < n <= 1 << 20, "reply length %d" % n)
        self._fill(4 + n, timeout)
        p = self.buf[4:4 + n]
        self.buf = self.buf[4 + n:]
        return p[:1], p[1:]

    def read_none(self, wait=0.3):
        """Asserts that no packet arrives within wait seconds."""
        try:
            cmd, data = self.read(wait)
        except socket.timeout:
            return
        raise Failed("unexpected reply %r %r" % (cmd, data[:60]))

    def closed_within(self, timeout):
        """Whether the filter ends the connection within timeout seconds
        (whatever it sends first is read and dropped)."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            self.s.settimeout(left)
            try:
                if not self.s.recv(65536):
                    return True
            except ConnectionResetError:
                return True
            except socket.timeout:
                return False

    def negotiate(self, version=6, actions=A_ALL, protocol=P_ALL):
        self.send(optneg(version, actions, protocol))
        cmd, data = self.read()
        check(cmd == R_OPTNEG, "OPTNEG answered with %r" % cmd)
        check(len(data) >= 12, "OPTNEG reply of %d bytes" % len(data))
        self.version, self.actions, self.proto = struct.unpack(
            ">III", data[:12])
        return self.version, self.actions, self.proto

    def wants_reply(self, cmd):
        nr = {C_CONNECT: P_NR_CONN, C_HELO: P_NR_HELO, C_MAIL: P_NR_MAIL,
              C_RCPT: P_NR_RCPT, C_HEADER: P_NR_HDR, C_EOH: P_NR_EOH,
              C_BODY: P_NR_BODY}
        return cmd == C_EOM or (cmd in nr and (self.proto & nr[cmd]) == 0)


# ------------------------------------------------------------ transactions

def session_start(client="127.0.0.1", host="client.test", port=40000):
    """Macros and CONNECT of an SMTP session from client."""
    return [(macro(C_CONNECT, j="mx.a.test", daemon_name_b="smtpd",
                   client_addr_b=client), None),
            (pkt(C_CONNECT, strs(host) + b"4" + struct.pack(">H", port) +
                 strs(client)), C_CONNECT)]


def message(msgid, rcpts, qid="4QTEST"):
    """MAIL, RCPT, the header and EOH of one message; the steps as
    (bytes, command) pairs, command None for a MACRO."""
    steps = [(macro(C_MAIL, i=qid, mail_addr_b="alice@a.test"), None),
             (pkt(C_MAIL, strs("<alice@a.test>")), C_MAIL)]
    for r in rcpts:
        steps += [(macro(C_RCPT, rcpt_addr_b=r, rcpt_mailer_b="smtp"), None),
                  (pkt(C_RCPT, strs("<%s>" % r)), C_RCPT)]
    for name, value in (("From", "Alice <alice@a.test>"),
                        ("To", ", ".join(rcpts)),
                        ("Subject", "engine test"),
                        ("Message-ID", "<%s>" % msgid)):
        steps.append((pkt(C_HEADER, strs(name, value)), C_HEADER))
    steps.append((pkt(C_EOH), C_EOH))
    return steps


def expected(conn, steps, answers=None):
    """The replies steps call for: (index, command, wanted replies) for
    each step the negotiation leaves answered, the wanted replies a string
    of reply commands (several for an end of message that modifies); RCPT
    continues, EOH accepts (an outbound message with nothing to do at end
    of message), the others continue.  answers overrides by step index."""
    out = []
    for i, (_, cmd) in enumerate(steps):
        if cmd is None or not conn.wants_reply(cmd):
            continue
        want = R_ACCEPT if cmd == C_EOH else R_CONTINUE
        if answers and i in answers:
            want = answers[i]
        out.append((i, cmd, want))
    return out


def run_steps(conn, steps, mode="lockstep", answers=None):
    """Sends steps (lockstep: as an MTA does, reading each reply before
    the next step; pipeline: all in one write; split: one byte a write)
    and asserts the replies.  Returns the data of each reply packet."""
    want = expected(conn, steps, answers)
    got = []
    if mode == "lockstep":
        waits = {i: len(w) for i, _, w in want}
        for i, (data, _) in enumerate(steps):
            conn.send(data)
            for _ in range(waits.get(i, 0)):
                got.append(conn.read())
    else:
        blob = b"".join(d for d, _ in steps)
        if mode == "pipeline":
            conn.send(blob)
        else:
            conn.send(blob, step=1, pause=0.0005)
        for _ in range(sum(len(w) for _, _, w in want)):
            got.append(conn.read())
    conn.read_none()
    k = 0
    for i, cmd, w in want:
        for r in w:
            r = bytes([r])
            check(got[k][0] == r, "step %d (%r) answered %r %r, wanted %r"
                  % (i, cmd, got[k][0], got[k][1][:80], r))
            k += 1
    return [d for _, d in got]


def full_session(path, msgid, mode="lockstep", **neg):
    c = Conn(path)
    try:
        c.negotiate(**neg)
        run_steps(c, session_start() + message(msgid, ["ok@remote.test"]),
                  mode)
        c.send(pkt(C_QUIT))
        check(c.closed_within(5), "QUIT did not end the connection")
    finally:
        c.close()


# --------------------------------------------------------------- scenarios

def sc_optneg(path, engine, args):
    """The full offer: version 2..6, exactly the flags bounceguard wants,
    actions within the offer.  A narrower offer: answered within it.  args
    "nr_rcpt": a daemon whose RCPT cannot refuse also skips RCPT replies."""
    want = WANT_PROTO | (P_NR_RCPT if "nr_rcpt" in args else 0)
    c = Conn(path)
    v, a, p = c.negotiate()
    c.close()
    print("# offer all: version %d actions 0x%x protocol 0x%x" % (v, a, p))
    check(2 <= v <= 6, "version %d" % v)
    check(p == want, "protocol 0x%x, wanted 0x%x" % (p, want))
    check(a == WANT_ACTIONS, "actions 0x%x, wanted 0x%x" % (a, WANT_ACTIONS))
    offer_a, offer_p = A_ADDHDRS, P_NOHELO | P_NODATA | P_NR_MAIL
    c = Conn(path)
    v, a, p = c.negotiate(actions=offer_a, protocol=offer_p)
    c.close()
    print("# narrow offer: version %d actions 0x%x protocol 0x%x" % (v, a, p))
    check(a & ~offer_a == 0, "actions 0x%x beyond the offer" % a)
    check(p & ~offer_p == 0, "protocol 0x%x beyond the offer" % p)
    check(p == offer_p, "protocol 0x%x, wanted all of 0x%x" % (p, offer_p))


def sc_txn(path, engine, args):
    """One outbound transaction, args: MSGID MODE [narrow]; narrow offers no
    NR flags, so every step is answered."""
    neg = {}
    if len(args) > 2 and args[2] == "narrow":
        neg = {"protocol": P_NOHELO | P_NODATA | P_NOUNKNOWN}
    full_session(path, args[0], args[1], **neg)


def sc_params(path, engine, args):
    """MAIL with 100 ESMTP parameters and RCPT with 40: answered like any
    other (args: MSGID)."""
    c = Conn(path)
    try:
        c.negotiate()
        steps = session_start() + message(args[0], ["ok@remote.test"])
        for i, (_, cmd) in enumerate(steps):
            if cmd == C_MAIL:
                steps[i] = (pkt(C_MAIL, strs("<alice@a.test>", *[
                    "X-P%d=v%d" % (k, k) for k in range(100)])), C_MAIL)
            elif cmd == C_RCPT:
                steps[i] = (pkt(C_RCPT, strs("<ok@remote.test>", *[
                    "X-R%d=v" % k for k in range(40)])), C_RCPT)
        run_steps(c, steps, "pipeline")
        c.send(pkt(C_QUIT))
        check(c.closed_within(5), "QUIT did not end the connection")
    finally:
        c.close()


def sc_big(path, engine, args):
    """A header field of 150 KB in one packet, then EOH: accepted; a
    second message on the session after it (its room given back) too."""
    c = Conn(path)
    try:
        c.negotiate()
        steps = session_start() + message(args[0], ["ok@remote.test"])
        big = (pkt(C_HEADER, strs("X-Big", "b" * (150 * 1024))), C_HEADER)
        steps.insert(len(steps) - 1, big)
        run_steps(c, steps, "pipeline")
        run_steps(c, message(args[0] + ".next", ["ok@remote.test"]))
    finally:
        c.close()


def sc_huge(path, engine, args):
    """A length prefix of 3 MB ends the connection; a new one works."""
    c = Conn(path)
    try:
        c.negotiate()
        c.send(pkt(C_MACRO, b"C") + struct.pack(">I", 3 << 20) + C_HEADER +
               b"x" * 100)
        check(c.closed_within(5), "still open after a 3 MB length prefix")
    except Closed:
        pass
    finally:
        c.close()
    full_session(path, args[0])


def garbage(kind, seed):
    """The bytes of one kind of garbage and whether OPTNEG goes first."""
    rnd = random.Random(seed)
    if kind == "random":
        return False, bytes(rnd.getrandbits(8) for _ in range(4096))
    if kind == "early":  # a command before OPTNEG
        return False, pkt(C_MAIL, strs("<alice@a.test>"))
    if kind == "unknown":
        return True, pkt(b"Z", b"zz\0")
    if kind == "zero":  # a length of 0: not even a command byte
        return True, struct.pack(">I", 0) + b"M<a@b>\0"
    if kind == "nonul":  # MAIL whose string has no NUL
        return True, pkt(C_MAIL, b"<alice@a.test>")
    if kind == "reoptneg":
        return True, optneg()
    if kind == "shortopt":  # OPTNEG without its three numbers
        return False, pkt(C_OPTNEG, struct.pack(">I", 6))
    raise ValueError(kind)


def sc_garbage(path, engine, args):
    """args: KIND [SEED]: the connection ends; for "random" more random
    bytes follow (up to 3 MB) until it does, whatever length the first
    four made up.  libmilter differs: see the table in the shell test."""
    kind, seed = args[0], int(args[1]) if len(args) > 1 else 1
    first, data = garbage(kind, seed)
    c = Conn(path)
    try:
        if first:
            c.negotiate()
        c.send(data)
        rnd = random.Random(seed + 1)
        for _ in range(3 * 1024 // 64 if kind == "random" else 0):
            if c.closed_within(0.05):
                return
            c.send(bytes(rnd.getrandbits(8) for _ in range(64 * 1024)))
        check(c.closed_within(5), "%s: the connection stays open" % kind)
    except Closed:
        pass
    finally:
        c.close()


def sc_early_served(path, engine, args):
    """libmilter: a MAIL before OPTNEG is not refused; its state machine
    restarts from HELO and runs the step, answered as without a
    negotiation.  bounceguard has no connection context then (that is made
    at negotiate or connect) and accepts the message ('a').  The connection
    stays."""
    c = Conn(path)
    try:
        c.send(pkt(C_MAIL, strs("<alice@a.test>")))
        cmd, _ = c.read()
        print("# libmilter answered MAIL before OPTNEG with %r" % cmd)
        check(cmd == R_ACCEPT, "answered %r" % cmd)
        check(not c.closed_within(0.5), "closed")
    finally:
        c.close()


def sc_reoptneg_ignored(path, engine, args):
    """libmilter: a second OPTNEG is dropped without a reply (its state
    machine cannot reach the negotiation from any other state), the
    connection stays and the session goes on.  args: MSGID."""
    c = Conn(path)
    try:
        c.negotiate()
        c.send(optneg())
        c.read_none(0.5)
        run_steps(c, session_start() + message(args[0], ["ok@remote.test"]))
    finally:
        c.close()


def sc_connaddr(path, engine, args):
    """args: FAMILY ADDRESS REPLY: a session whose CONNECT alone gives the
    client's address (no {client_addr} macro); RCPT to the suppressed
    dead@remote.test is refused ('y') when the address is internal (the
    mail is outbound), continued ('c') otherwise."""
    fam, addr, want = args[0].encode(), args[1], args[2].encode()
    data = strs("client.test") + fam
    if fam != b"U":
        data += struct.pack(">H", 40000) + strs(addr)
    c = Conn(path)
    try:
        c.negotiate()
        steps = [(macro(C_CONNECT, j="mx.a.test", daemon_name_b="smtpd"),
                  None), (pkt(C_CONNECT, data), C_CONNECT)]
        steps += message("ca.%s@a.test" % addr, ["dead@remote.test"])[:4]
        check(steps[-1][1] == C_RCPT, "the steps end with RCPT")
        got = run_steps(c, steps, answers={len(steps) - 1: want})
        print("# CONNECT %s %r: RCPT answered %s" % (
            args[0], addr, got[-1][:60].decode() or "continue"))
    finally:
        c.close()


def sc_others(path, engine, args):
    """A connection mid-transaction while others send garbage: it
    completes; args: MSGID KIND..."""
    c = Conn(path)
    try:
        c.negotiate()
        steps = session_start() + message(args[0], ["ok@remote.test"])
        half = len(steps) - 5  # up to RCPT: the headers and EOH wait
        run_steps(c, steps[:half])
        for kind in args[1:]:
            try:
                sc_garbage(path, engine, [kind, "7"])
            except Failed as e:
                print("# (garbage %s: %s)" % (kind, e))
        want = expected(c, steps)
        c.send(b"".join(d for d, _ in steps[half:]))
        r, _ = c.read()
        check(r == want[-1][2], "EOH answered %r after the garbage" % r)
    finally:
        c.close()
    full_session(path, args[0] + ".after")


def half_open(path, msgid):
    """A connection up to its RCPT (answered), the rest of it pending."""
    c = Conn(path)
    c.negotiate()
    steps = session_start() + message(msgid, ["ok@remote.test"])
    half = len(steps) - 5
    run_steps(c, steps[:half], "pipeline")
    return c, steps[half:]


def sc_many(path, engine, args):
    """args: N MSGID: N connections held half way at once, then each
    completed (headers, EOH): all accepted."""
    n, base = int(args[0]), args[1]
    held = []
    try:
        for i in range(n):
            held.append(half_open(path, "%s.%d" % (base, i)))
        for c, rest in reversed(held):
            c.send(b"".join(d for d, _ in rest))
        for k, (c, _) in enumerate(held):
            r, _ = c.read()
            check(r == R_ACCEPT, "connection %d: EOH answered %r" % (k, r))
    finally:
        for c, _ in held:
            c.close()


def sc_idle(path, engine, args):
    """args: TIMEOUT MSGID.  An idle connection ends within about the
    timeout (the supervisor looks once a second), not before it; one that
    keeps talking (a macro every 0.5 s for twice the timeout) stays."""
    t = float(args[0])
    busy = Conn(path)
    idle = Conn(path)
    try:
        busy.negotiate()
        idle.negotiate()
        t0 = time.monotonic()
        while time.monotonic() - t0 < 2 * t + 1:
            busy.send(macro(C_CONNECT, j="mx.a.test"))
            time.sleep(0.5)
        check(idle.closed_within(0.1), "idle connection open after %.1fs"
              % (time.monotonic() - t0))
        run_steps(busy, session_start() + message(args[1], ["ok@remote.test"]))
    finally:
        busy.close()
        idle.close()
    # negotiated and idle; never negotiated; stalled inside a packet
    conns = [Conn(path) for _ in range(3)]
    try:
        conns[0].negotiate()
        conns[2].negotiate()
        conns[2].send(pkt(C_HEADER, strs("Subject", "x" * 4000))[:2000])
        t0 = time.monotonic()
        for k, c in enumerate(conns):
            closed = c.closed_within(t + 3 - (time.monotonic() - t0))
            took = time.monotonic() - t0
            print("# idle connection %d closed after %.2fs" % (k, took))
            check(closed, "idle connection %d open after %.1fs" % (k, took))
            check(k > 0 or took >= t - 0.1,
                  "closed after %.2fs, before the timeout" % took)
    finally:
        for c in conns:
            c.close()


def sc_stop(path, engine, args):
    """args: PID MSGID GRACE.  Two connections half way; SIGTERM; a new
    connection is closed at once, unanswered (the MTA then applies its
    default action); one of the two completes during the grace (EOH
    accepted), the other stays idle and is closed when the grace ends,
    not before."""
    pid, msgid, grace = int(args[0]), args[1], float(args[2])
    finisher, rest = half_open(path, msgid)
    idle, _ = half_open(path, msgid + ".idle")
    late = None
    try:
        os.kill(pid, signal.SIGTERM)
        t0 = time.monotonic()
        print("sigterm_ms=%d" % (time.time() * 1000))
        time.sleep(0.5)
        late = Conn(path)
        try:
            late.send(optneg())
            cmd, _ = late.read(2)
            raise Failed("a new connection after SIGTERM got %r" % cmd)
        except Closed:
            pass
        except socket.timeout:
            raise Failed("a new connection after SIGTERM stays open")
        finisher.send(b"".join(d for d, _ in rest))
        r, _ = finisher.read()
        check(r == R_ACCEPT, "EOH during the grace answered %r" % r)
        finisher.send(pkt(C_QUIT))
        check(finisher.closed_within(2), "QUIT during the grace: still open")
        closed = idle.closed_within(grace + 3)
        took = time.monotonic() - t0
        print("# the idle connection was closed %.2fs after SIGTERM" % took)
        check(closed, "idle connection still open %.1fs after SIGTERM" % took)
        # t0 is taken after the signal went: the engine sees the stop
        # later, so a whole grace ends after t0 + grace
        check(took >= grace - 0.05, "closed %.2fs after SIGTERM: a grace "
              "shorter than %gs" % (took, grace))
    finally:
        for c in (finisher, idle, late):
            if c is not None:
                c.close()


def sc_quitnc(path, engine, args):
    """args: MSGID1 MSGID2: a session, QUIT_NC, a second session on the
    same connection (no new OPTNEG)."""
    c = Conn(path)
    try:
        c.negotiate()
        run_steps(c, session_start() + message(args[0], ["ok@remote.test"]))
        c.send(pkt(C_QUIT_NC))
        run_steps(c, session_start("127.0.0.2", "other.test", 40001) +
                  message(args[1], ["ok@remote.test"], "4QTEST2"))
        c.send(pkt(C_QUIT))
        check(c.closed_within(5), "QUIT did not end the connection")
    finally:
        c.close()


def sc_abort(path, engine, args):
    """args: MSGID1 MSGID2: a message aborted after its headers (ABORT, as
    the MTA sends at RSET), then another on the same session: that one is
    accepted at EOH (and tracked, the shell checks; the aborted one not)."""
    c = Conn(path)
    try:
        c.negotiate()
        first = session_start() + message(args[0], ["ok@remote.test"])
        run_steps(c, first[:-1])
        c.send(pkt(C_ABORT))
        c.read_none()
        run_steps(c, message(args[1], ["ok@remote.test"], "4QTEST3"))
        c.send(pkt(C_QUIT))
        check(c.closed_within(5), "QUIT did not end the connection")
    finally:
        c.close()


def sc_remove(path, engine, args):
    """args: MSGID KIND, on a daemon with enforce = "remove": a message to
    the suppressed dead@remote.test and others, KIND "long": one other
    whose address is too long to be looked at (600 bytes); EOH continues,
    EOM deletes dead@remote.test and continues: the other recipient's
    copy is not discarded."""
    msgid, kind = args[0], args[1]
    others = {"long": ["x" * 600 + "@remote.test"]}[kind]
    eom_removes_dead(path, msgid, ["dead@remote.test"] + others)


def eom_removes_dead(path, msgid, rcpts):
    """A message to rcpts (dead@remote.test among them) on a daemon with
    enforce = "remove": EOH continues, EOM deletes dead@remote.test, then
    continues (the other recipients' copies are not discarded)."""
    c = Conn(path)
    try:
        c.negotiate()
        steps = session_start() + message(msgid, rcpts)
        run_steps(c, steps, "pipeline", answers={len(steps) - 1: R_CONTINUE})
        c.send(pkt(C_EOM))
        got = [c.read(), c.read()]
        c.read_none()
        print("# EOM answered %r" % [(cmd, d[:40]) for cmd, d in got])
        check(got[0] == (b"-", b"<dead@remote.test>\0"),
              "EOM: no deletion of <dead@remote.test> first: %r" % (got[0],))
        check(got[1][0] == R_CONTINUE,
              "EOM answered %r, not continue: the message is lost for the "
              "other recipients" % got[1][0])
    finally:
        c.close()


# A delivery status notification from a remote MTA for gone@remote.test.
DSN_BODY = """This is a MIME-encapsulated message.

--BND
Content-Type: text/plain

Your message could not be delivered to gone@remote.test.

--BND
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.remote.test

Final-Recipient: rfc822; gone@remote.test
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 <gone@remote.test>: User unknown

--BND
Content-Type: text/rfc822-headers

From: alice@a.test
To: gone@remote.test
Message-ID: <never.sent@a.test>

--BND--
""".replace("\n", "\r\n").encode()


def sc_dsn(path, engine, args):
    """args: MODE TAG: a DSN from outside (null sender, 192.0.2.1) in body
    chunks of 300 bytes: RCPT, EOH and each chunk continue; EOM brings the
    X-Bounceguard-Verdict header (milter.add_header) and accepts."""
    mode, tag = args[0], args[1]
    body = DSN_BODY
    c = Conn(path)
    try:
        c.negotiate()
        steps = session_start("192.0.2.1", "mx.remote.test", 25)
        steps += [(macro(C_MAIL, i="Q" + tag), None),
                  (pkt(C_MAIL, strs("<>")), C_MAIL),
                  (pkt(C_RCPT, strs("<alice@a.test>")), C_RCPT)]
        for name, value in (
                ("From", "Mail Delivery System <MAILER-DAEMON@remote.test>"),
                ("To", "alice@a.test"), ("Subject", "Undelivered Mail"),
                ("Message-ID", "<dsn.%s@remote.test>" % tag),
                ("MIME-Version", "1.0"),
                ("Content-Type", "multipart/report; "
                 "report-type=delivery-status; boundary=\"BND\"")):
            steps.append((pkt(C_HEADER, strs(name, value)), C_HEADER))
        steps.append((pkt(C_EOH), C_EOH))
        check(conn_steps_ok(c, steps), "negotiation")
        eoh = len(steps) - 1
        for i in range(0, len(body), 300):
            steps.append((pkt(C_BODY, body[i:i + 300]), C_BODY))
        steps.append((pkt(C_EOM), C_EOM))
        data = run_steps(c, steps, mode,
                         answers={eoh: R_CONTINUE, len(steps) - 1: b"ha"})
        hdr = data[-2].split(b"\0")
        print("# EOM added %s: %s" % (hdr[0].decode(), hdr[1].decode()))
        check(hdr[0] == b"X-Bounceguard-Verdict", "header %r" % hdr[0])
        check(b"gone@remote.test hard user_unknown" in hdr[1],
              "verdict %r" % hdr[1])
    finally:
        c.close()


def sc_dsnmany(path, engine, args):
    """args: TAG N: a DSN from outside for N recipients (many1@remote.test
    ...), sent at once after its header: each body chunk continues, EOM
    adds verdict headers and accepts."""
    tag, n = args[0], int(args[1])
    group = ("Final-Recipient: rfc822; many%d@remote.test\r\nAction: failed"
             "\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 User "
             "unknown\r\n\r\n")
    groups = "".join(group % i for i in range(1, n + 1)).encode()
    start = DSN_BODY.index(b"Final-Recipient:")
    cut = DSN_BODY.index(b"--BND\r\nContent-Type: text/rfc822-headers")
    body = DSN_BODY[:start] + groups + DSN_BODY[cut:]
    c = Conn(path)
    try:
        c.negotiate()
        steps = session_start("192.0.2.1", "mx.remote.test", 25)
        steps += [(macro(C_MAIL, i="Q" + tag), None),
                  (pkt(C_MAIL, strs("<>")), C_MAIL),
                  (pkt(C_RCPT, strs("<alice@a.test>")), C_RCPT),
                  (pkt(C_HEADER, strs("Content-Type", "multipart/report; "
                                      "report-type=delivery-status; "
                                      "boundary=\"BND\"")), C_HEADER),
                  (pkt(C_EOH), C_EOH)]
        run_steps(c, steps, "lockstep", answers={len(steps) - 1: R_CONTINUE})
        chunks = [body[i:i + 300] for i in range(0, len(body), 300)]
        c.send(b"".join(pkt(C_BODY, x) for x in chunks) + pkt(C_EOM))
        for _ in chunks:
            r = c.read()
            check(r[0] == R_CONTINUE, "body chunk answered %r" % (r,))
        headers = 0
        while True:
            r = c.read()
            if r[0] != b"h":
                break
            headers += 1
        print("# EOM: %d header(s), then %r" % (headers, r[0]))
        check(headers > 0 and r[0] == b"a", "EOM answered %r" % (r,))
    finally:
        c.close()


def sc_dsncase(path, engine, args):
    """args: MSGID: a message sent to John.Doe@remote.test, then a DSN from
    outside that joins it by Message-ID but writes john.doe@remote.test (as
    many receiving MTAs do): the suppression is the address as we send to
    it, so the next RCPT John.Doe@remote.test is refused."""
    msgid = args[0]
    c = Conn(path)
    try:
        c.negotiate()
        run_steps(c, session_start() + message(msgid,
                                               ["John.Doe@remote.test"]))
    finally:
        c.close()
    time.sleep(0.5)  # the tracking committed (store.batch_delay_ms)
    body = (DSN_BODY.replace(b"gone@remote.test", b"john.doe@remote.test")
            .replace(b"never.sent@a.test", msgid.encode()))
    c = Conn(path)
    try:
        c.negotiate()
        steps = session_start("192.0.2.1", "mx.remote.test", 25)
        steps += [(macro(C_MAIL, i="QCASE"), None),
                  (pkt(C_MAIL, strs("<>")), C_MAIL),
                  (pkt(C_RCPT, strs("<alice@a.test>")), C_RCPT),
                  (pkt(C_HEADER, strs("Subject", "Undelivered Mail")),
                   C_HEADER),
                  (pkt(C_HEADER, strs(
                      "Content-Type", "multipart/report; "
                      "report-type=delivery-status; boundary=\"BND\"")),
                   C_HEADER),
                  (pkt(C_EOH), C_EOH),
                  (pkt(C_BODY, body), C_BODY), (pkt(C_EOM), C_EOM)]
        run_steps(c, steps, "lockstep",
                  answers={len(steps) - 3: R_CONTINUE,
                           len(steps) - 1: b"ha"})
    finally:
        c.close()
    time.sleep(0.5)  # the decision committed
    c = Conn(path)
    try:
        c.negotiate()
        steps = session_start() + message(msgid + ".again",
                                          ["John.Doe@remote.test",
                                           "ok@remote.test"])
        idx = [i for i, (_, cmd) in enumerate(steps) if cmd == C_RCPT]
        data = run_steps(c, steps, "lockstep", answers={idx[0]: R_REPLYCODE})
        print("# RCPT John.Doe@remote.test answered: %s"
              % data[0].rstrip(b"\0").decode("utf-8", "replace"))
    finally:
        c.close()


def conn_steps_ok(c, steps):
    """Whether the negotiation lets steps be sent as they are (an MTA does
    not send what the filter asked it to leave out)."""
    return (c.proto & (P_NOCONNECT | P_NOMAIL | P_NORCPT | P_NOHDRS |
                       P_NOEOH | P_NOBODY)) == 0


def sc_reject(path, engine, args):
    """args: DEAD OK MSGID MODE: RCPT DEAD refused with a 550 5.1.1 reply
    code packet, RCPT OK continues, EOH accepts."""
    dead, ok, msgid, mode = args[0], args[1], args[2], args[3]
    c = Conn(path)
    try:
        c.negotiate()
        steps = session_start() + message(msgid, [dead, ok])
        idx = [i for i, (_, cmd) in enumerate(steps) if cmd == C_RCPT]
        data = run_steps(c, steps, mode, answers={idx[0]: R_REPLYCODE})
        text = data[0].rstrip(b"\0").decode("utf-8", "replace")
        print("# RCPT %s answered: %s" % (dead, text))
        check(data[0].endswith(b"\0"), "reply text not NUL-terminated")
        check(text.startswith("550 5.1.1 <%s>: " % dead), "reply %r" % text)
        check("suppressed" in text, "reply %r" % text)
    finally:
        c.close()


def sc_remove_many(path, engine, args):
    """args: MSGID, on a daemon with enforce = "remove": 1000 recipients
    (as many as the filter keeps), then the suppressed dead@remote.test:
    it is logged as removed, so EOH continues and EOM deletes it."""
    rcpts = ["ok%d@remote.test" % i for i in range(1000)]
    eom_removes_dead(path, args[0], rcpts + ["dead@remote.test"])


SCENARIOS = {
    "optneg": sc_optneg,
    "remove-many": sc_remove_many,
    "txn": sc_txn,
    "big": sc_big,
    "params": sc_params,
    "huge": sc_huge,
    "garbage": sc_garbage,
    "early-served": sc_early_served,
    "others": sc_others,
    "reoptneg-ignored": sc_reoptneg_ignored,
    "connaddr": sc_connaddr,
    "many": sc_many,
    "idle": sc_idle,
    "dsncase": sc_dsncase,
    "stop": sc_stop,
    "quitnc": sc_quitnc,
    "reject": sc_reject,
    "abort": sc_abort,
    "remove": sc_remove,
    "dsn": sc_dsn,
    "dsnmany": sc_dsnmany,
}


def main(argv):
    if len(argv) < 4 or argv[3] not in SCENARIOS:
        print("usage: %s SOCKET ENGINE SCENARIO [ARGS...] (scenarios: %s)"
              % (argv[0], " ".join(sorted(SCENARIOS))), file=sys.stderr)
        return 2
    try:
        SCENARIOS[argv[3]](argv[1], argv[2], argv[4:])
    except Failed as e:
        print("# %s: %s" % (argv[3], e))
        return 1
    except Closed:
        print("# %s: the filter closed the connection" % argv[3])
        return 1
    except socket.timeout:
        print("# %s: no reply within %ds" % (argv[3], TIMEOUT))
        return 1
    except OSError as e:
        print("# %s: %s" % (argv[3], e))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
