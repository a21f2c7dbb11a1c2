"""Loopback helpers for the deployment tests: free and closed ports, and a tiny Redis."""

import socket
import socketserver
import threading
from contextlib import contextmanager


def free_port() -> int:
    """A loopback port nothing listens on (it was free a moment ago)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _RedisHandler(socketserver.StreamRequestHandler):
    """Answers AUTH (when the server has a password) and PING, as Redis does."""

    def handle(self):
        authenticated = False
        while True:
            header = self.rfile.readline()
            if not header.startswith(b"*"):
                return
            words = []
            for _ in range(int(header[1:])):
                length = int(self.rfile.readline()[1:])
                words.append(self.rfile.read(length + 2)[:-2].decode())
            self.server.commands.append(words)
            command = words[0].upper()
            if command == "AUTH":
                ok = words[-1] == self.server.password
                self.wfile.write(b"+OK\r\n" if ok else b"-WRONGPASS invalid password\r\n")
                authenticated = authenticated or ok
            elif command == "PING" and self.server.password and not authenticated:
                self.wfile.write(b"-NOAUTH Authentication required.\r\n")
            elif command == "PING":
                self.wfile.write(b"+PONG\r\n")


@contextmanager
def fake_redis(password: str = ""):
    """A server on a loopback port that speaks enough of Redis's protocol for a readiness
    check; yields it (``.port``, and ``.commands`` as received)."""
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _RedisHandler)
    server.daemon_threads = True
    server.password, server.commands = password, []
    server.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
