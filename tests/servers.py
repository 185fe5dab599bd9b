"""Real servers for tests that need more than the test client.

``gunicorn_server`` runs the app the way production does (config/gunicorn.py)
in a child process (``app_environment``: its environment, a worker's too);
``redis_server`` runs a throwaway Redis; ``TcpRelay`` stands
between the app and PostgreSQL so a test can take the database away and bring it
back. ``Browser`` is a minimal HTTP client with cookies that never follows
redirects. ``free_port`` finds a loopback port nothing listens on.
"""

import contextlib
import http.client
import os
import re
import select
import shutil
import socket
import ssl
import string
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from django.db import connection

BASE_DIR = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def suite_database_url(host: str | None = None, port: int | None = None) -> str:
    """The URL of the suite's test database, optionally reached through another port."""
    db = connection.settings_dict
    user = db["USER"]
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{user}{password}@{host or db['HOST']}:{port or db['PORT']}/{db['NAME']}"


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@contextlib.contextmanager
def gunicorn_server(
    tmp_path: Path, env: dict[str, str | None], workers: int = 1
) -> Iterator[Server]:
    """Start gunicorn with config/gunicorn.py and the given environment; stop it after.

    A variable given as None is removed, so the app's own default applies.
    """
    port = free_port()
    full_env = app_environment({
        "BIND_ADDRESS": "127.0.0.1",
        "PORT": str(port),
        "WEB_CONCURRENCY": str(workers),
        **env,
    })  # fmt: skip
    log_path = tmp_path / f"gunicorn-{port}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py",
             "config.wsgi:application"],
            cwd=BASE_DIR, env=full_env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    server = Server(url=f"http://127.0.0.1:{port}", process=process, log_path=log_path)
    with _running(process, port, log_path, "gunicorn"):
        yield server


def app_environment(env: dict[str, str | None]) -> dict[str, str]:
    """The environment an app process (web or worker) runs with in tests.

    Production settings on the suite's database; a variable given as None is
    removed, so the app's own default applies.
    """
    full_env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "test-only-not-secret",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": suite_database_url(),
        # Kept in memory: the console backend would print whole messages to the log.
        "EMAIL_URL": "memorymail://",
        # Production refuses memory mail, a per-process cache and a local SITE_URL
        # unless waived by name; a test server opts in explicitly.
        "ALLOW_UNSAFE_SETTINGS": "memory-cache,console-mail,local-site-url,no-contact-address",
        **env,
    }
    return {name: value for name, value in full_env.items() if value is not None}


@contextlib.contextmanager
def redis_server(binary: str, tmp_path: Path, port: int | None = None) -> Iterator[str]:
    """A throwaway redis-server on loopback, nothing saved; yields its URL.

    On a free port, or on ``port``: a test restarts Redis where the app expects it.
    """
    port = port or free_port()
    log_path = tmp_path / f"redis-{port}.log"
    with log_path.open("ab") as log:
        process = subprocess.Popen(  # noqa: S603 (Debian's redis-server, our arguments)
            [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(tmp_path)],
            stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    with _running(process, port, log_path, "redis-server"):
        yield f"redis://127.0.0.1:{port}/0"


@dataclass
class Proxy:
    url: str  # https://127.0.0.1:port
    http_url: str  # the plain-HTTP listener, which redirects
    run_dir: Path

    def log(self) -> str:
        return (self.run_dir / "error.log").read_text(errors="replace")

    def tls(self, alpn: list[str] | None = None) -> ssl.SSLContext:
        """A client context that trusts this proxy's self-signed certificate, and only it."""
        context = ssl.create_default_context(cafile=self.run_dir / "cert.pem")
        if alpn:
            context.set_alpn_protocols(alpn)
        return context

    def browser(self, **kwargs) -> "Browser":
        return Browser(tls=self.tls(), **kwargs)


@contextlib.contextmanager
def nginx_server(tmp_path: Path, upstreams: list[str]) -> Iterator[Proxy]:
    """deploy/nginx.conf in front of ``upstreams`` (app URLs), with a self-signed certificate."""
    run_dir = tmp_path / "nginx"
    run_dir.mkdir()
    subprocess.run(  # noqa: S603 (Debian's openssl, our arguments)
        [shutil.which("openssl") or "/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048",
         "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(run_dir / "key.pem"), "-out", str(run_dir / "cert.pem")],
        check=True, capture_output=True,
    )  # fmt: skip
    https_port, http_port = free_port(), free_port()
    values = {
        "SIGNON_RUN_DIR": str(run_dir),
        "SIGNON_HTTPS_PORT": f"127.0.0.1:{https_port}",
        "SIGNON_HTTP_PORT": f"127.0.0.1:{http_port}",
        "SIGNON_SERVER_NAME": "127.0.0.1",
        "SIGNON_CERT": str(run_dir / "cert.pem"),
        "SIGNON_KEY": str(run_dir / "key.pem"),
        "SIGNON_STATIC_ROOT": str(BASE_DIR / "staticfiles"),
        "SIGNON_UPSTREAMS": " ".join(f"server {url.split('//')[1]};" for url in upstreams),
    }
    config = string.Template((BASE_DIR / "deploy" / "nginx.conf").read_text())
    (run_dir / "nginx.conf").write_text(config.safe_substitute(values))
    # As root, nginx's workers would run as "nobody", who cannot write the test's folder.
    directives = "daemon off;" + (" user root;" if os.geteuid() == 0 else "")
    log_path = run_dir / "stdout.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(  # noqa: S603 (Debian's nginx, our arguments)
            [shutil.which("nginx") or "/usr/sbin/nginx", "-p", str(run_dir),
             "-c", str(run_dir / "nginx.conf"), "-g", directives],
            stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    with _running(process, https_port, log_path, "nginx"):
        yield Proxy(f"https://127.0.0.1:{https_port}", f"http://127.0.0.1:{http_port}", run_dir)


@contextlib.contextmanager
def _running(process: subprocess.Popen, port: int, log_path: Path, name: str) -> Iterator[None]:
    """Wait until ``process`` listens on ``port``; stop it on the way out.

    The server is a separate process: this polls its port on the wall clock.
    """
    try:
        deadline = time.monotonic() + 60
        while not _listening(port):
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited early:\n{log_path.read_text()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name} did not start within 60 s:\n{log_path.read_text()}")
            time.sleep(0.1)
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), 0.5).close()
    except OSError:
        return False
    return True


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    text: str


@dataclass
class Browser:
    """Keeps cookies, sends forms with their CSRF token, never follows redirects."""

    cookies: dict[str, str] = field(default_factory=dict)
    tls: ssl.SSLContext | None = None  # for https:// URLs

    def request(self, method: str, url: str, data: dict | None = None,
                headers: dict | None = None) -> Response:  # fmt: skip
        match = re.match(r"(https?)://([^/:]+):(\d+)(/.*)?$", url)
        assert match, url
        if match[1] == "https":
            assert self.tls, "an HTTPS browser needs the server's context (Proxy.browser())"
            conn = http.client.HTTPSConnection(
                match[2], int(match[3]), timeout=30, context=self.tls
            )
        else:
            conn = http.client.HTTPConnection(match[2], int(match[3]), timeout=30)
        sent = dict(headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, match[4] or "/", body=body, headers=sent)
        raw = conn.getresponse()
        text = raw.read().decode("utf-8", errors="replace")
        for header in raw.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        conn.close()
        return Response(raw.status, raw.headers, text)

    def get(self, url: str, **kwargs) -> Response:
        return self.request("GET", url, **kwargs)

    def post_form(self, page_url: str, data: dict, post_url: str | None = None,
                  headers: dict | None = None) -> Response:  # fmt: skip
        """Load the form page (for its CSRF token and stamps), then post ``data``."""
        page = self.get(page_url, headers=headers)
        hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page.text))
        return self.request("POST", post_url or page_url, data={**hidden, **data},
                            headers={"Referer": page_url, **(headers or {})})  # fmt: skip


class TcpRelay:
    """Relays a local port to PostgreSQL; ``stop()`` is a database outage.

    Stopping closes the listening socket and every relayed connection, as a
    database restart or a network cut does; ``start()`` listens again on the
    same port.
    """

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = free_port()
        self._listener: socket.socket | None = None
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(50)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def stop(self) -> None:
        if self._listener is not None:
            # shutdown() wakes the accept() blocked in the relay's thread.
            with contextlib.suppress(OSError):
                self._listener.shutdown(socket.SHUT_RDWR)
            self._listener.close()
            self._listener = None
        with self._lock:
            for sock in self._sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self._sockets.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._sockets.update((client, upstream))
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()

    def _pump(self, a: socket.socket, b: socket.socket) -> None:
        try:
            while True:
                readable, _, _ = select.select([a, b], [], [], 1.0)
                for sock in readable:
                    chunk = sock.recv(65536)
                    if not chunk:
                        return
                    (b if sock is a else a).sendall(chunk)
        except (OSError, ValueError):
            return
        finally:
            with self._lock:
                for sock in (a, b):
                    self._sockets.discard(sock)
                    with contextlib.suppress(OSError):
                        sock.close()
