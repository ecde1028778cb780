"""A TCP proxy whose behaviour a test switches at runtime, to cut one process off a server.

Put it between the web process and PostgreSQL (the web process's DATABASE_URL names the proxy),
and only the web process loses the database while the worker and the test keep it.
"""

from __future__ import annotations

import contextlib
import select
import socket
import threading
from typing import Literal

from tests.e2e.processes import free_port

Mode = Literal["pass", "refuse", "silent"]
MODES: tuple[Mode, ...] = ("pass", "refuse", "silent")
_BACKLOG = 128
_CHUNK = 64 * 1024


def _cut(sock: socket.socket) -> None:
    """End a connection now; a thread blocked reading it wakes up with end-of-file."""
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


class _Link:
    """One client connection forwarded to the upstream server, a thread per direction."""

    def __init__(self, proxy: TcpProxy, client: socket.socket) -> None:
        self.proxy = proxy
        self.client = client
        self.upstream: socket.socket | None = None
        self._open_pumps = 2
        self._lock = threading.Lock()
        self._cut = False

    def start(self) -> None:
        threading.Thread(target=self._connect_and_pump, daemon=True, name="proxy-link").start()

    def _connect_and_pump(self) -> None:
        try:
            upstream = socket.create_connection(
                self.proxy.upstream, timeout=self.proxy.connect_timeout
            )
        except OSError:
            self._finish(both=True)
            return
        upstream.settimeout(None)
        with self._lock:
            self.upstream = upstream
            cut_meanwhile = self._cut
        if cut_meanwhile:
            _cut(upstream)
        threading.Thread(
            target=self._pump, args=(upstream, self.client), daemon=True, name="proxy-pump"
        ).start()
        self._pump(self.client, upstream)

    def _pump(self, source: socket.socket, destination: socket.socket) -> None:
        try:
            while chunk := source.recv(_CHUNK):
                destination.sendall(chunk)
        except OSError:
            pass
        # Either side ending ends the link, as a server or network failure would.
        _cut(source)
        _cut(destination)
        self._finish()

    def _finish(self, both: bool = False) -> None:
        with self._lock:
            self._open_pumps -= 2 if both else 1
            last = self._open_pumps <= 0
        if last:
            # Only the last thread closes the sockets: no thread is still using them.
            self.client.close()
            if self.upstream is not None:
                self.upstream.close()
            self.proxy._forget(self)

    def cut(self) -> None:
        with self._lock:
            self._cut = True
            upstream = self.upstream
        _cut(self.client)
        if upstream is not None:
            _cut(upstream)


class TcpProxy:
    """Listens on 127.0.0.1:`port` and, depending on `mode`:

    - "pass": forwards every connection to `upstream`;
    - "refuse": new connections are refused (the port stops listening: ECONNREFUSED at once)
      and the open ones are cut;
    - "silent": new connections are accepted and then never answered nor forwarded, like a
      server behind a dead network path; the open ones are cut.

    Any change of mode also drops the connections held in "silent".
    """

    def __init__(
        self, upstream_host: str, upstream_port: int, *, connect_timeout: float = 5.0
    ) -> None:
        self.upstream = (upstream_host, upstream_port)
        self.connect_timeout = connect_timeout
        self.host = "127.0.0.1"
        self.port = 0
        self.accepted = 0  # connections accepted, in any mode
        self._mode: Mode = "pass"
        self._lock = threading.Lock()
        self._mode_changed = threading.Event()
        self._closed = False
        self._links: set[_Link] = set()
        self._held: list[socket.socket] = []
        self._listener: socket.socket | None = None
        self._thread: threading.Thread | None = None

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def mode(self) -> Mode:
        return self._mode

    @property
    def open_connections(self) -> int:
        with self._lock:
            return len(self._links) + len(self._held)

    def start(self) -> TcpProxy:
        for _attempt in range(3):
            listener = socket.socket()
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            port = free_port()
            try:
                # An explicit port (not 0) stays ours while "refuse" stops listening on it.
                listener.bind((self.host, port))
            except OSError:
                listener.close()
                continue
            listener.listen(_BACKLOG)
            self._listener, self.port = listener, port
            self._thread = threading.Thread(target=self._accept_loop, daemon=True, name="proxy")
            self._thread.start()
            return self
        raise AssertionError("the TCP proxy found no free port")

    def close(self) -> None:
        with self._lock:
            self._closed = True
        self._mode_changed.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._drop_connections(links=True)
        if self._listener is not None:
            self._listener.close()

    def __enter__(self) -> TcpProxy:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.close()

    def set_mode(self, mode: Mode) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
        with self._lock:
            previous, self._mode = self._mode, mode
            if mode == previous:
                return
            if mode == "refuse":
                # Stops listening but keeps the port: connection attempts get a reset at once.
                _cut(self._listener)
            elif previous == "refuse":
                self._listener.listen(_BACKLOG)
        self._mode_changed.set()
        self._drop_connections(links=mode != "pass")

    def pass_through(self) -> None:
        self.set_mode("pass")

    def refuse(self) -> None:
        self.set_mode("refuse")

    def go_silent(self) -> None:
        self.set_mode("silent")

    def _drop_connections(self, *, links: bool) -> None:
        with self._lock:
            held, self._held = self._held, []
            cut = list(self._links) if links else []
        for sock in held:
            _cut(sock)
            sock.close()
        for link in cut:
            link.cut()

    def _forget(self, link: _Link) -> None:
        with self._lock:
            self._links.discard(link)

    def _accept_loop(self) -> None:
        while not self._closed:
            if self._mode == "refuse":
                self._mode_changed.wait(0.1)
                self._mode_changed.clear()
                continue
            try:
                readable, _, _ = select.select([self._listener], [], [], 0.1)
                if not readable:
                    continue
                client, _ = self._listener.accept()
            except OSError:
                continue  # the mode changed to "refuse" under our feet
            self._admit(client)

    def _admit(self, client: socket.socket) -> None:
        with self._lock:
            self.accepted += 1
            mode = "closed" if self._closed else self._mode
            if mode == "pass":
                link = _Link(self, client)
                self._links.add(link)
            elif mode == "silent":
                self._held.append(client)
        if mode == "pass":
            link.start()
        elif mode != "silent":
            # Accepted just as the mode became "refuse": end it as refusing would have.
            _cut(client)
            client.close()
