#!/usr/bin/python3
"""A local SMTP server for the SMTP transport's tests (Debian python3-aiosmtpd).

It requires STARTTLS (with the certificate it is given) and then AUTH LOGIN or PLAIN with the
one username and password of the command line, and writes every message it accepts into
--maildir as two files, each written to a temporary name and renamed:

  NNNN.eml   the message exactly as received
  NNNN.json  {"mail_from", "rcpt_tos", "from", "to", "subject", "body"}: headers decoded
             (RFC 2047) and the body decoded (base64 / quoted-printable, charset), line ends
             normalised to "\n" - what a mail reader would show.

Once it listens it prints the port on a line of its own on stdout (pass --port 0 to let the
system pick a free one). Stop it with SIGTERM or SIGINT.

  smtp_sink.py --port 0 --cert cert.pem --key key.pem --user U --password P --maildir DIR [--verbose]
"""

import argparse
import asyncio
import email
import email.policy
import json
import logging
import os
import signal
import socket
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


def write_atomically(path, data):
    tmp = os.path.join(os.path.dirname(path), "." + os.path.basename(path) + ".tmp")
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


class Handler:
    def __init__(self, maildir):
        self.maildir = maildir
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        stem = os.path.join(self.maildir, "%04d" % self.count)
        raw = envelope.content if isinstance(envelope.content, bytes) else envelope.content.encode()
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        body = msg.get_content() if not msg.is_multipart() else ""
        decoded = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "from": str(msg["From"] or ""),
            "to": str(msg["To"] or ""),
            "subject": str(msg["Subject"] or ""),
            "body": body.replace("\r\n", "\n"),
            "tls": session.ssl is not None,
        }
        write_atomically(stem + ".eml", raw)
        write_atomically(stem + ".json", json.dumps(decoded, ensure_ascii=False).encode("utf-8"))
        return "250 Message accepted for delivery"


class Authenticator:
    def __init__(self, user, password):
        self.user = user.encode()
        self.password = password.encode()

    def __call__(self, server, session, envelope, mechanism, auth_data):
        ok = (
            mechanism in ("LOGIN", "PLAIN")
            and isinstance(auth_data, LoginPassword)
            and auth_data.login == self.user
            and auth_data.password == self.password
        )
        return AuthResult(success=ok, handled=False)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--user", required=True)
    p.add_argument("--password", required=True)
    p.add_argument("--maildir", required=True)
    p.add_argument("--verbose", action="store_true", help="log every SMTP exchange to stderr")
    args = p.parse_args()
    os.makedirs(args.maildir, exist_ok=True)
    # Quiet by default: tests make clients fail on purpose (bad certificate, bad password) and
    # aiosmtpd logs each of those with a traceback. --verbose shows the whole conversation.
    level = logging.DEBUG if args.verbose else logging.CRITICAL
    logging.basicConfig(level=level)
    logging.getLogger("mail.log").setLevel(level)
    logging.getLogger("asyncio").setLevel(level)

    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(args.cert, args.key)

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    handler = Handler(args.maildir)
    authenticator = Authenticator(args.user, args.password)

    def factory():
        return SMTP(
            handler,
            hostname="localhost",
            tls_context=tls,
            require_starttls=True,
            auth_required=True,
            auth_require_tls=True,
            authenticator=authenticator,
            loop=loop,
        )

    # Bind first and hand the socket over, so that port 0 works and the printed port is live.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((args.host, args.port))
    sock.listen(16)
    server = loop.run_until_complete(loop.create_server(factory, sock=sock))
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, loop.stop)
    print(sock.getsockname()[1], flush=True)
    try:
        loop.run_forever()
    finally:
        server.close()
        loop.run_until_complete(server.wait_closed())
        loop.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
