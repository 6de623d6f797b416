-- metrics_flow.lua - traffic for the metrics endpoint test
-- (tests/integration/metrics_scrape.sh): one outbound message to two
-- recipients, a DSN saying one of them is dead, one more outbound message
-- to the dead one (refused at RCPT); then the endpoint is scraped with
-- curl while the daemon still runs.
--
-- Environment: BG_BIN, BG_CONF, BG_SOCK ("unix:PATH"), MT_DSN (DSN body
-- file), MT_URL (the metrics URL), MT_SCRAPE (where the scrape goes).
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

local function session(client_ip, auth, qid, from)
    local conn = mt.connect(sock, 100, 0.1)
    check(conn ~= nil, "connect to bounceguard")
    mt.macro(conn, SMFIC_CONNECT, "j", "mx.a.test", "_",
             "client [" .. client_ip .. "]", "{daemon_name}", "MTA",
             "{client_addr}", client_ip)
    check(mt.conninfo(conn, "client.example", client_ip) == nil, "conninfo")
    mt.getreply(conn)
    if auth ~= nil then
        mt.macro(conn, SMFIC_MAIL, "i", qid, "{auth_authen}", auth,
                 "{mail_addr}", from)
    else
        mt.macro(conn, SMFIC_MAIL, "i", qid, "{mail_addr}", from)
    end
    return conn
end

-- 1. outbound to two recipients, tracked
local conn = session("192.0.2.10", "alice", "QOUT1", "alice@a.test")
check(mt.mailfrom(conn, "<alice@a.test>") == nil, "MAIL outbound")
for _, r in ipairs({"dead@remote.test", "ok@remote.test"}) do
    mt.macro(conn, SMFIC_RCPT, "{rcpt_addr}", r, "{rcpt_mailer}", "esmtp")
    check(mt.rcptto(conn, "<" .. r .. ">") == nil, "RCPT " .. r)
end
mt.header(conn, "From", "alice@a.test")
mt.header(conn, "Subject", "first")
mt.header(conn, "Message-ID", "<first.1@a.test>")
check(mt.eoh(conn) == nil, "EOH")
mt.disconnect(conn)
mt.sleep(0.5)

-- 2. the DSN for dead@
conn = session("198.51.100.7", nil, "QDSN1", "")
check(mt.mailfrom(conn, "<>") == nil, "MAIL <>")
mt.macro(conn, SMFIC_RCPT, "{rcpt_addr}", "alice@a.test",
         "{rcpt_mailer}", "local")
check(mt.rcptto(conn, "<alice@a.test>") == nil, "RCPT alice@")
mt.header(conn, "From", "Mail Delivery Subsystem <MAILER-DAEMON@mx.remote.test>")
mt.header(conn, "To", "alice@a.test")
mt.header(conn, "Subject", "Returned mail: see transcript for details")
mt.header(conn, "MIME-Version", "1.0")
mt.header(conn, "Content-Type",
          "multipart/report; report-type=delivery-status; boundary=\"BND\"")
check(mt.eoh(conn) == nil, "DSN EOH")
check(mt.bodyfile(conn, dsn) == nil, "DSN body")
check(mt.eom(conn) == nil, "DSN EOM")
mt.disconnect(conn)
mt.sleep(1.5) -- committed; the monitor re-evaluates

-- 3. outbound to dead@ again: refused at RCPT (enforce = reject)
conn = session("192.0.2.10", "alice", "QOUT2", "alice@a.test")
check(mt.mailfrom(conn, "<alice@a.test>") == nil, "MAIL outbound 2")
mt.macro(conn, SMFIC_RCPT, "{rcpt_addr}", "dead@remote.test",
         "{rcpt_mailer}", "esmtp")
check(mt.rcptto(conn, "<dead@remote.test>") == nil, "RCPT dead@ 2")
check(mt.getreply(conn) == SMFIR_REPLYCODE, "dead@ refused")
mt.disconnect(conn)
mt.sleep(0.5)

-- 4. scrape while the daemon runs
local rc = os.execute("curl -sf -o '" .. os.getenv("MT_SCRAPE") .. "' '" ..
                      os.getenv("MT_URL") .. "'")
check(rc == 0 or rc == true, "scraped " .. os.getenv("MT_URL"))
