#!/usr/bin/python3
"""A stand-in SMS gateway for the SMS transport's tests (python3 http.server only).

POST any path with "Authorization: Bearer <token>" and a JSON object {"to": "+81…",
"body": "…"}: answers 200 {"id": N} and writes the JSON it got to --outdir/NNNN.json
(temporary name, then rename). A missing or wrong token answers 401, anything that is not
such a JSON object 400; neither is recorded.

Once it listens it prints the port on a line of its own on stdout (pass --port 0 to let the
system pick a free one). Stop it with SIGTERM or SIGINT.

  sms_gateway.py --port 0 --token T --outdir DIR
"""

import argparse
import hmac
import json
import os
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Gateway(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, token, outdir):
        super().__init__(address, Handler)
        self.token = token
        self.outdir = outdir
        self.count = 0
        self.lock = threading.Lock()

    def record(self, data):
        with self.lock:
            self.count += 1
            n = self.count
        path = os.path.join(self.outdir, "%04d.json" % n)
        tmp = os.path.join(self.outdir, ".%04d.json.tmp" % n)
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False)
        os.replace(tmp, path)
        return n


class Handler(BaseHTTPRequestHandler):
    def answer(self, status, obj):
        payload = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        expected = ("Bearer " + self.server.token).encode()
        given = (self.headers.get("Authorization") or "").encode()
        if not hmac.compare_digest(given, expected):
            return self.answer(401, {"error": "unauthorized"})
        if not (self.headers.get("Content-Type") or "").startswith("application/json"):
            return self.answer(400, {"error": "content type must be application/json"})
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return self.answer(400, {"error": "body is not JSON"})
        if not isinstance(data, dict) or not isinstance(data.get("to"), str) \
                or not isinstance(data.get("body"), str):
            return self.answer(400, {"error": "need string fields to and body"})
        return self.answer(200, {"id": self.server.record(data)})

    def log_message(self, fmt, *args):
        pass  # quiet: the tests read the records, not the access log


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--token", required=True)
    p.add_argument("--outdir", required=True)
    args = p.parse_args()
    os.makedirs(args.outdir, exist_ok=True)

    server = Gateway((args.host, args.port), args.token, args.outdir)

    def shut_down(signum, frame):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, shut_down)
    signal.signal(signal.SIGINT, shut_down)
    print(server.server_address[1], flush=True)
    server.serve_forever(poll_interval=0.1)
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
