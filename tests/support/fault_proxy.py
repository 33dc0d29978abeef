"""A loopback proxy in front of the local Cognito whose answers are scripted per operation.

The app's --endpoint-url points at the proxy; the proxy forwards each request to the local
Cognito, unless the test has scripted a fault for that request's operation (the
`X-Amz-Target` header, e.g. `AWSCognitoIdentityProviderService.VerifySoftwareToken`):

    with FaultProxy(local_cognito.endpoint_url) as proxy:
        proxy.script("VerifySoftwareToken", WebPage(200), times=1)  # a captive portal once
        ...
        assert proxy.count("VerifySoftwareToken") == 2

Faults: a web page (captive portal with 200, gateway error with 5xx), a Cognito-style JSON
error (throttling), a stall longer than the client's read timeout, and a hang-up without an
answer. With `tls=`, the proxy speaks HTTPS with a certificate no public CA signed (a
corporate TLS-inspecting proxy, or a test endpoint).

Real sockets, 127.0.0.1 only, one request per connection (HTTP/1.0) so that every request
is counted and no idle keep-alive connection outlives the proxy. Every thread it starts has
ended when the `with` block is left.
"""

from __future__ import annotations

import contextlib
import datetime
import http.client
import http.server
import ipaddress
import json
import socket
import socketserver
import ssl
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

LOOPBACK = "127.0.0.1"
TARGET_PREFIX = "AWSCognitoIdentityProviderService."
UPSTREAM_TIMEOUT = 10.0  # the local Cognito answers in milliseconds
IDLE_TIMEOUT = 10.0  # a client that never sends its request must not keep a thread forever

PORTAL_PAGE = (
    b"<!DOCTYPE html><html><head><title>Welcome to Hotel Wi-Fi</title></head>"
    b"<body><h1>Hotel Wi-Fi</h1><p>Accept the terms to continue.</p></body></html>"
)
GATEWAY_PAGE = (
    b"<html><head><title>502 Bad Gateway</title></head>"
    b"<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>"
)


# --- Faults ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Forward:
    """Pass the request to the local Cognito and its answer back (the default)."""


@dataclass(frozen=True)
class WebPage:
    """Answer with an HTML page: 200 from a captive portal, 5xx from a gateway."""

    status: int = 200
    body: bytes = PORTAL_PAGE


@dataclass(frozen=True)
class ServiceError:
    """Answer as Cognito answers an error (botocore reads `__type` as the code)."""

    code: str = "TooManyRequestsException"
    message: str = "Rate exceeded"
    status: int = 400


@dataclass(frozen=True)
class Stall:
    """Read the request, answer nothing for `seconds` (past the read timeout), then close."""

    seconds: float = 5.0


@dataclass(frozen=True)
class HangUp:
    """Read the request, then close the connection without a single byte of answer."""


Fault = Forward | WebPage | ServiceError | Stall | HangUp


@dataclass
class _Script:
    fault: Fault
    remaining: int | None  # None: every request from now on


# --- TLS -------------------------------------------------------------------------------------


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 that no public CA signed, and its key: (cert, key) files."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "totp-tui fault proxy")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(LOOPBACK))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "proxy-cert.pem", directory / "proxy-key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_path.chmod(0o600)
    return cert_path, key_path


# --- The server ------------------------------------------------------------------------------


class _Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    # Handler threads are joined by server_close(): nothing the proxy started outlives it.
    daemon_threads = False
    block_on_close = True
    allow_reuse_address = True  # a proxy may come back on the port of one just stopped

    def __init__(self, port: int, proxy: FaultProxy) -> None:
        self.proxy = proxy
        super().__init__((LOOPBACK, port), _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that gave up (read timeout, refused certificate) is what the tests want;
        # socketserver would print a traceback to stderr for each.
        pass


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.0"  # one request per connection: no idle keep-alive threads
    timeout = IDLE_TIMEOUT

    def setup(self) -> None:
        tls = self.server.proxy.tls_context
        if tls is not None:
            self.request = tls.wrap_socket(
                self.request, server_side=True, do_handshake_on_connect=False
            )
        super().setup()

    def handle(self) -> None:
        if isinstance(self.connection, ssl.SSLSocket):
            try:
                self.connection.do_handshake()
            except (ssl.SSLError, OSError):
                self.server.proxy._note_refused_handshake()
                return
        super().handle()

    def finish(self) -> None:
        super().finish()
        if isinstance(self.connection, ssl.SSLSocket):
            # The server closes the socket it accepted, which the TLS wrapper took over.
            self.connection.close()

    def log_message(self, format: str, *args: Any) -> None:
        pass  # nothing on the test's terminal

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        target = self.headers.get("X-Amz-Target", "")
        operation = target.removeprefix(TARGET_PREFIX) if target else "(no target)"
        fault = self.server.proxy._next_fault(operation)
        if isinstance(fault, Forward):
            self._forward(body)
        elif isinstance(fault, WebPage):
            self._answer(fault.status, "text/html; charset=utf-8", fault.body)
        elif isinstance(fault, ServiceError):
            error = {"__type": fault.code, "message": fault.message}
            self._answer(
                fault.status,
                "application/x-amz-json-1.1",
                json.dumps(error).encode(),
                {"x-amzn-ErrorType": fault.code},
            )
        elif isinstance(fault, Stall):
            self.server.proxy.stopping.wait(fault.seconds)
            self._hang_up()
        else:
            self._hang_up()

    def _answer(
        self, status: int, content_type: str, body: bytes, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)  # adds Date and Server, as any web server would
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _hang_up(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):  # the client may have gone already
            self.connection.shutdown(socket.SHUT_RDWR)

    def _forward(self, body: bytes) -> None:
        host, port = self.server.proxy.upstream
        skip = {"host", "connection", "keep-alive", "proxy-connection", "te", "upgrade"}
        headers = {k: v for k, v in self.headers.items() if k.lower() not in skip}
        headers["Host"] = f"{host}:{port}"
        upstream = http.client.HTTPConnection(host, port, timeout=UPSTREAM_TIMEOUT)
        try:
            upstream.request(self.command, self.path, body=body, headers=headers)
            answer = upstream.getresponse()
            payload = answer.read()
            self.send_response_only(answer.status, answer.reason)
            drop = {"connection", "keep-alive", "transfer-encoding", "content-length"}
            for name, value in answer.getheaders():
                if name.lower() not in drop:
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        finally:
            upstream.close()


class FaultProxy:
    """The proxy; a context manager that starts it on 127.0.0.1 and stops it on exit."""

    def __init__(
        self, upstream_url: str, *, port: int = 0, tls: tuple[Path, Path] | None = None
    ) -> None:
        parts = urlsplit(upstream_url)
        if parts.hostname != LOOPBACK or parts.port is None or parts.scheme != "http":
            raise ValueError(f"the upstream must be http://{LOOPBACK}:<port>")
        self.upstream = (parts.hostname, parts.port)
        self.tls_context: ssl.SSLContext | None = None
        if tls is not None:
            self.tls_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            self.tls_context.load_cert_chain(*tls)
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._scripts: dict[str, list[_Script]] = defaultdict(list)
        self._counts: Counter[str] = Counter()
        self._arrivals: dict[str, list[float]] = defaultdict(list)
        self._refused_handshakes = 0
        self._requested_port = port
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # Scripting and counting ------------------------------------------------------------

    def script(self, operation: str, fault: Fault, times: int | None = None) -> None:
        """The next `times` requests for `operation` (all of them when None) meet `fault`;
        after those, requests are forwarded again. Scripts queue up in order."""
        if times is not None and times < 1:
            raise ValueError("times must be at least 1")
        with self._lock:
            self._scripts[operation].append(_Script(fault, times))

    def forward(self, operation: str) -> None:
        """Drop every script for `operation`: forward it from now on."""
        with self._lock:
            self._scripts.pop(operation, None)

    def count(self, operation: str) -> int:
        """Requests for `operation` that reached the proxy (answered, faulted or forwarded)."""
        with self._lock:
            return self._counts[operation]

    def arrivals(self, operation: str) -> list[float]:
        """When each request for `operation` arrived (time.monotonic)."""
        with self._lock:
            return list(self._arrivals[operation])

    @property
    def refused_handshakes(self) -> int:
        """TLS handshakes the client broke off (it did not trust the certificate)."""
        with self._lock:
            return self._refused_handshakes

    def _next_fault(self, operation: str) -> Fault:
        with self._lock:
            self._counts[operation] += 1
            self._arrivals[operation].append(time.monotonic())
            queue = self._scripts.get(operation)
            if not queue:
                return Forward()
            current = queue[0]
            if current.remaining is not None:
                current.remaining -= 1
                if current.remaining == 0:
                    queue.pop(0)
            return current.fault

    def _note_refused_handshake(self) -> None:
        with self._lock:
            self._refused_handshakes += 1

    # Lifetime --------------------------------------------------------------------------

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the proxy is not running")
        port: int = self._server.server_address[1]
        return port

    @property
    def url(self) -> str:
        scheme = "https" if self.tls_context is not None else "http"
        return f"{scheme}://{LOOPBACK}:{self.port}"

    def start(self) -> FaultProxy:
        self.stopping.clear()
        self._server = _Server(self._requested_port, self)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"fault-proxy-{self.port}",
            daemon=True,  # only a safety net: stop() joins it
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, wake stalled requests, close every socket and join every thread."""
        if self._server is None:
            return
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()  # joins the request threads (block_on_close)
        if self._thread is not None:
            self._thread.join(timeout=IDLE_TIMEOUT)
        self._server = None
        self._thread = None

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def closed_port() -> int:
    """A port on 127.0.0.1 with nothing listening (bound once, then released)."""
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        port: int = probe.getsockname()[1]
        return port


UNRESOLVABLE_HOST = "cognito-idp.us-east-1.nonexistent.invalid"


@contextlib.contextmanager
def host_that_does_not_resolve(host: str = UNRESOLVABLE_HOST) -> Iterator[str]:
    """Make `host` fail to resolve in this process exactly as DNS would (socket.gaierror from
    getaddrinfo, which urllib3 calls), without asking any resolver: the machine's resolver is
    not on loopback, and tests send nothing off 127.0.0.1."""
    real = socket.getaddrinfo

    def lookup(name: Any, *args: Any, **kwargs: Any) -> Any:
        if name == host:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(name, *args, **kwargs)

    socket.getaddrinfo = lookup
    try:
        yield host
    finally:
        socket.getaddrinfo = real
