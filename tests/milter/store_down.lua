-- store_down.lua: bounceguard with a store that cannot be opened.  Mail
-- keeps flowing: an outbound recipient gets milter.on_error (MT_ON_ERROR:
-- "accept" lets it through, "tempfail" answers 4xx), and a DSN is always
-- accepted, whatever on_error says.
-- Environment: BG_BIN, BG_CONF, BG_SOCK, MT_DSN, MT_ON_ERROR.
local on_error = os.getenv("MT_ON_ERROR") or "accept"

local function check(cond, what)
    if not cond then error("FAILED: " .. what) end
    mt.echo("ok: " .. what)
end

mt.startfilter(os.getenv("BG_BIN"), "-f", "-c", os.getenv("BG_CONF"))
mt.set_timeout(20)

local function session(ip, auth)
    local conn = mt.connect(os.getenv("BG_SOCK"), 100, 0.1)
    check(conn ~= nil, "connect to bounceguard")
    mt.macro(conn, SMFIC_CONNECT, "j", "mx.a.test", "{client_addr}", ip)
    check(mt.conninfo(conn, "client.example", ip) == nil, "conninfo")
    if auth ~= nil then
        mt.macro(conn, SMFIC_MAIL, "i", "QOUT", "{auth_authen}", auth)
    else
        mt.macro(conn, SMFIC_MAIL, "i", "QDSN")
    end
    return conn
end

local conn = session("192.0.2.10", "alice")
check(mt.mailfrom(conn, "<alice@a.test>") == nil, "MAIL outbound")
check(mt.rcptto(conn, "<dead@remote.test>") == nil, "RCPT outbound")
if on_error == "tempfail" then
    check(mt.getreply(conn) == SMFIR_TEMPFAIL,
          "store down, on_error = tempfail: RCPT tempfailed")
else
    check(mt.getreply(conn) == SMFIR_CONTINUE,
          "store down, on_error = accept: RCPT accepted")
end
mt.disconnect(conn)

conn = session("198.51.100.7", nil)
check(mt.mailfrom(conn, "<>") == nil, "MAIL <>")
check(mt.rcptto(conn, "<alice@a.test>") == nil, "RCPT alice@")
check(mt.getreply(conn) == SMFIR_CONTINUE, "DSN recipient accepted")
mt.header(conn, "Content-Type",
          "multipart/report; report-type=delivery-status; boundary=\"BND\"")
check(mt.eoh(conn) == nil, "DSN EOH")
check(mt.bodyfile(conn, os.getenv("MT_DSN")) == nil, "DSN body")
check(mt.eom(conn) == nil, "DSN EOM")
check(mt.getreply(conn) == SMFIR_ACCEPT,
      "store down, on_error = " .. on_error .. ": the DSN is accepted")
mt.disconnect(conn)
mt.echo("*** all checks passed")
