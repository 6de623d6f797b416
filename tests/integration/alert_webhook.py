#!/usr/bin/env python3
"""A webhook endpoint for the alert tests: every POST body is stored as
DIR/NNNN.json; the first FAIL requests are answered 500.  Prints the port
it listens on (127.0.0.1, chosen by the kernel) to DIR/port."""
import http.server
import os
import sys

out_dir = sys.argv[1]
fail_first = int(sys.argv[2]) if len(sys.argv) > 2 else 0
state = {"n": 0}


class Hook(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        state["n"] += 1
        if state["n"] <= fail_first:
            self.send_response(500)
            self.end_headers()
            return
        with open(os.path.join(out_dir, "%04d.json" % state["n"]), "wb") as f:
            f.write(body)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, fmt, *args):
        pass


srv = http.server.HTTPServer(("127.0.0.1", 0), Hook)
with open(os.path.join(out_dir, "port.tmp"), "w") as f:
    f.write(str(srv.server_address[1]))
os.rename(os.path.join(out_dir, "port.tmp"), os.path.join(out_dir, "port"))
srv.serve_forever()
