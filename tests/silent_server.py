"""A server that accepts connections and never says a word: Redis or PostgreSQL hung, or a
black hole."""

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class SilentServer:
    port: int
    connections: list[socket.socket] = field(default_factory=list)

    @property
    def redis_url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"


@contextmanager
def silent_server() -> Iterator[SilentServer]:
    listener = socket.create_server(("127.0.0.1", 0))
    server = SilentServer(port=listener.getsockname()[1])

    def accept_forever():
        while True:
            try:
                server.connections.append(listener.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept_forever, daemon=True).start()
    try:
        yield server
    finally:
        # Wakes the accepting thread (closing alone would leave it blocked for good).
        listener.shutdown(socket.SHUT_RDWR)
        listener.close()
        for connection in server.connections:
            connection.close()
