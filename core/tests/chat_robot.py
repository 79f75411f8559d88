"""A stand-in for a department's chat robot (企业微信/钉钉 group robot) on 127.0.0.1, for the tests
of reminder deliveries: it answers like WeCom's webhook and keeps what it was sent."""

import http.server
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class ChatRobot:
    port: int
    received: list[dict] = field(default_factory=list)  # the JSON bodies, in order
    paths: list[str] = field(default_factory=list)  # the path each was posted to

    def url(self, path: str = "/cgi-bin/webhook/send?key=test") -> str:
        return f"http://127.0.0.1:{self.port}{path}"


@contextmanager
def chat_robot(*, refuse_first: int = 0) -> Iterator[ChatRobot]:
    """A robot that answers 500 to the first ``refuse_first`` posts and accepts the rest."""
    robot = ChatRobot(port=0)

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # the name http.server calls
            robot.received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            robot.paths.append(self.path)
            if len(robot.received) <= refuse_first:
                self.send_response(500)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"errcode": 0, "errmsg": "ok"}')

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    robot.port = server.server_port
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield robot
    finally:
        server.shutdown()
        server.server_close()
