-- sendmail_flow.lua: bounceguard driven over the milter protocol with the
-- macro names Sendmail sends (no MTA involved).
--
-- 1. An outbound message (authenticated client, {auth_authen}) to
--    dead@remote.test and ok@remote.test: accepted and tracked; a third
--    recipient the MTA refused itself is an SMTP-reply event.
-- 2. An inbound DSN from a remote MTA (null sender, multipart/report)
--    returning that message's Message-ID: recorded, joined to it, hence
--    credible, and dead@remote.test (5.1.1) is suppressed.
-- 3. A second outbound message to dead@ and ok@: dead@ refused at RCPT
--    with 550 5.1.1 (MT_MODE=reject, the default), or deleted at end of
--    message (MT_MODE=remove), or named in a header (MT_MODE=tag); ok@
--    accepted.
-- 4. Inbound mail to dead@remote.test is not subject to suppression.
--
-- Environment: BG_BIN (the daemon), BG_CONF (its configuration), BG_SOCK
-- (its socket, as "unix:PATH"), MT_DSN (the DSN body file).
local bin = os.getenv("BG_BIN")
local conf = os.getenv("BG_CONF")
local sock = os.getenv("BG_SOCK")
local dsn = os.getenv("MT_DSN")

local function check(cond, what)
    if not cond then error("FAILED: " .. what) end
    mt.echo("ok: " .. what)
end

mt.startfilter(bin, "-f", "-c", conf)
mt.set_timeout(20)

local function session(client_ip, auth)
    local conn = mt.connect(sock, 100, 0.1)
    check(conn ~= nil, "connect to bounceguard")
    mt.macro(conn, SMFIC_CONNECT, "j", "mx.a.test", "_",
             "client [" .. client_ip .. "]", "{daemon_name}", "MTA",
             "{client_addr}", client_ip)
    check(mt.conninfo(conn, "client.example", client_ip) == nil, "conninfo")
    check(mt.getreply(conn) == SMFIR_CONTINUE, "connect continued")
    if auth ~= nil then
        mt.macro(conn, SMFIC_MAIL, "i", "Q" .. client_ip, "{auth_authen}", auth,
                 "{mail_addr}", "alice@a.test")
    end
    return conn
end

-- 1. outbound, tracked
local conn = session("192.0.2.10", "alice")
check(mt.mailfrom(conn, "<alice@a.test>") == nil, "MAIL outbound")
check(mt.getreply(conn) == SMFIR_CONTINUE, "MAIL continued")
mt.macro(conn, SMFIC_RCPT, "{rcpt_addr}", "dead@remote.test",
         "{rcpt_mailer}", "esmtp")
check(mt.rcptto(conn, "<dead@remote.test>") == nil, "RCPT dead@")
check(mt.getreply(conn) == SMFIR_CONTINUE, "dead@ accepted before any bounce")
mt.macro(conn, SMFIC_RCPT, "{rcpt_addr}", "ok@remote.test",
         "{rcpt_mailer}", "esmtp")
check(mt.rcptto(conn, "<ok@remote.test>") == nil, "RCPT ok@")
-- a recipient the MTA refused itself (SMFIP_RCPT_REJ): {rcpt_mailer} is
-- "error", {rcpt_host} the enhanced status, {rcpt_addr} the text
mt.macro(conn, SMFIC_RCPT, "{rcpt_mailer}", "error", "{rcpt_host}", "5.7.1",
         "{rcpt_addr}", "Relaying denied")
check(mt.rcptto(conn, "<relay@elsewhere.test>") == nil, "RCPT refused by MTA")
check(mt.getreply(conn) == SMFIR_CONTINUE, "refused RCPT passed on")
mt.header(conn, "From", "alice@a.test")
mt.header(conn, "To", "dead@remote.test, ok@remote.test")
mt.header(conn, "Subject", "first")
mt.header(conn, "Message-ID", "<first.1@a.test>")
check(mt.eoh(conn) == nil, "EOH")
-- ordinary outbound mail ends at EOH: accepted, no body, no EOM needed
check(mt.getreply(conn) == SMFIR_ACCEPT, "ordinary outbound accepted at EOH")
mt.disconnect(conn)
mt.sleep(0.5) -- the store commits tracking in the background

-- 2. inbound DSN from outside for that message
conn = session("198.51.100.7", nil)
mt.macro(conn, SMFIC_MAIL, "i", "QDSN1", "{mail_addr}", "")
check(mt.mailfrom(conn, "<>") == nil, "MAIL <>")
check(mt.getreply(conn) == SMFIR_CONTINUE, "null sender continued")
mt.macro(conn, SMFIC_RCPT, "{rcpt_addr}", "alice@a.test",
         "{rcpt_mailer}", "local")
check(mt.rcptto(conn, "<alice@a.test>") == nil, "RCPT alice@")
check(mt.getreply(conn) == SMFIR_CONTINUE, "DSN recipient accepted")
mt.header(conn, "From", "Mail Delivery Subsystem <MAILER-DAEMON@mx.remote.test>")
mt.header(conn, "To", "alice@a.test")
mt.header(conn, "Subject", "Returned mail: see transcript for details")
mt.header(conn, "MIME-Version", "1.0")
mt.header(conn, "Content-Type",
          "multipart/report; report-type=delivery-status; boundary=\"BND\"")
check(mt.eoh(conn) == nil, "DSN EOH")
check(mt.getreply(conn) == SMFIR_CONTINUE, "DSN body wanted")
check(mt.bodyfile(conn, dsn) == nil, "DSN body")
check(mt.eom(conn) == nil, "DSN EOM")
check(mt.getreply(conn) == SMFIR_ACCEPT, "DSN accepted (never refused)")
check(mt.getheader(conn, "X-Bounceguard-Verdict", 0) ~= nil,
      "verdict header added")
mt.echo("verdict: " .. tostring(mt.getheader(conn, "X-Bounceguard-Verdict", 0)))
mt.disconnect(conn)
mt.sleep(0.5) -- the decision is committed in the background

-- 3. outbound again, per milter.enforce (MT_MODE): dead@ refused at RCPT
-- ("reject"), or accepted and deleted at EOM ("remove"), or accepted and
-- named in a header at EOM ("tag"); ok@ accepted in every mode
local mode = os.getenv("MT_MODE") or "reject"
conn = session("192.0.2.10", "alice")
check(mt.mailfrom(conn, "<alice@a.test>") == nil, "MAIL outbound 2")
mt.macro(conn, SMFIC_RCPT, "{rcpt_addr}", "dead@remote.test",
         "{rcpt_mailer}", "esmtp")
check(mt.rcptto(conn, "<dead@remote.test>") == nil, "RCPT dead@ 2")
if mode == "reject" then
    check(mt.getreply(conn) == SMFIR_REPLYCODE, "suppressed dead@ refused")
else
    check(mt.getreply(conn) == SMFIR_CONTINUE,
          mode .. ": suppressed dead@ accepted at RCPT")
end
mt.macro(conn, SMFIC_RCPT, "{rcpt_addr}", "ok@remote.test",
         "{rcpt_mailer}", "esmtp")
check(mt.rcptto(conn, "<ok@remote.test>") == nil, "RCPT ok@ 2")
check(mt.getreply(conn) == SMFIR_CONTINUE, "ok@ still accepted")
if mode ~= "reject" then
    mt.header(conn, "From", "alice@a.test")
    mt.header(conn, "Message-ID", "<second.1@a.test>")
    check(mt.eoh(conn) == nil, "EOH 2")
    check(mt.getreply(conn) == SMFIR_CONTINUE,
          mode .. ": the end of message is wanted")
    check(mt.bodystring(conn, "hello\r\n") == nil, "body 2")
    check(mt.getreply(conn) == SMFIR_SKIP, mode .. ": body skipped")
    check(mt.eom(conn) == nil, "EOM 2")
    check(mt.getreply(conn) == SMFIR_CONTINUE, mode .. ": message accepted")
    if mode == "remove" then
        check(mt.eom_check(conn, MT_RCPTDELETE, "<dead@remote.test>"),
              "remove: dead@ deleted at EOM")
        check(not mt.eom_check(conn, MT_RCPTDELETE, "<ok@remote.test>"),
              "remove: ok@ kept")
    else
        check(mt.eom_check(conn, MT_HDRADD, "X-Bounceguard-Suppressed"),
              "tag: X-Bounceguard-Suppressed added")
        mt.echo("tag: " .. tostring(mt.getheader(conn,
                "X-Bounceguard-Suppressed", 0)))
    end
end
mt.disconnect(conn)

-- 4. inbound mail to the suppressed address is not our business
conn = session("198.51.100.8", nil)
check(mt.mailfrom(conn, "<someone@elsewhere.test>") == nil, "MAIL inbound")
check(mt.rcptto(conn, "<dead@remote.test>") == nil, "RCPT inbound dead@")
check(mt.getreply(conn) == SMFIR_CONTINUE, "inbound never suppressed")
mt.disconnect(conn)
mt.echo("*** all checks passed")
