"""A loopback HTTP endpoint onto a fake, for SES clients in other processes.

In-process clients are answered by the before-send hook; a subprocess (the AWS
CLI, a worker, another language's SDK) can only reach the fake over a socket.
This serves what SES's endpoint serves, with the same codecs and the same
state, on 127.0.0.1, stdlib only: API v1's Query POSTs to ``/``
(:func:`_wire.query.respond`), API v2's REST paths under ``/v2/`` and
pinpoint-email's under ``/v1/`` (:func:`_wire.restjson.respond`). Whatever a
client sends, it gets an SES-shaped answer that its SDK can parse (XML for
the Query API, JSON for the REST paths), and the server keeps serving.
"""

from __future__ import annotations

import contextlib
import re
import selectors
import socket
import socketserver
import threading
import uuid
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from pytest_ses._errors import NotEmulatedError, SESError
from pytest_ses._model import SERVICES, service_model
from pytest_ses._wire import restjson, sdk_attempt
from pytest_ses._wire.query import Backend, encode_error, respond

HOST = "127.0.0.1"
# SES takes messages up to 10 MB after base64; form encoding adds a little.
MAX_BODY = 12 * 1024 * 1024
MAX_DRAIN = 4 * MAX_BODY  # an oversized body is read and dropped up to here, then cut off
IDLE_TIMEOUT = 60.0  # seconds a connection may sit idle (or stall mid-request)
_CHUNK = 64 * 1024
_CREDENTIAL = re.compile(r"Credential=([^,\s]+)")
_REGION = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_LENGTH = re.compile(r"[0-9]{1,19}")
_FORM = "application/x-www-form-urlencoded"
_XML = "text/xml"
# Path prefix -> the REST-JSON service SES's endpoint serves there.
_REST_PREFIXES = (("/v2/", "sesv2"), ("/v1/", "pinpoint-email"))
_QUERY_METHODS = "POST"
_REST_METHODS = "DELETE, GET, PATCH, POST, PUT"
# http.server's own refusals, by status, as SES-style error codes.
_HTTP_CODES = {
    HTTPStatus.BAD_REQUEST: "MalformedRequest",
    HTTPStatus.REQUEST_URI_TOO_LONG: "RequestURITooLong",
    HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE: "RequestHeaderFieldsTooLarge",
    HTTPStatus.HTTP_VERSION_NOT_SUPPORTED: "HTTPVersionNotSupported",
}


class Endpoint:
    """One running server over ``backend``; :meth:`stop` ends it and its connections."""

    def __init__(self, backend: Backend, default_region: str) -> None:
        for service in SERVICES:  # load botocore's models now, not inside concurrent first requests
            service_model(service)
        self._httpd = _Server(backend, default_region)
        port = self._httpd.server_address[1]
        self.url = f"http://{HOST}:{port}"
        # serve_forever() notices shutdown() only at its next poll; a wake-up
        # socket lets stop() take effect at once, so teardown costs no waiting.
        self._wake_in, self._wake_out = socket.socketpair()
        self._stopped = False
        self._thread = threading.Thread(
            target=self._serve, name=f"pytest-ses endpoint :{port}", daemon=True
        )
        self._thread.start()

    @property
    def errors(self) -> list[BaseException]:
        """Unexpected exceptions the fake raised while answering (each sent as a 500)."""
        with self._httpd.lock:
            return list(self._httpd.errors)

    def _serve(self) -> None:
        with selectors.DefaultSelector() as selector:
            selector.register(self._httpd, selectors.EVENT_READ)
            selector.register(self._wake_in, selectors.EVENT_READ)
            while True:
                ready = [key.fileobj for key, _ in selector.select()]
                if self._wake_in in ready:
                    return
                self._httpd.handle_request()  # a connection is waiting: accept it

    def stop(self) -> None:
        """Stop accepting, close the port and cut open connections (idempotent)."""
        if self._stopped:
            return
        self._stopped = True
        self._wake_out.send(b"\0")
        self._thread.join(timeout=10)
        self._httpd.server_close()
        self._httpd.close_connections()
        self._wake_in.close()
        self._wake_out.close()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    timeout = 0.0  # handle_request() never waits: the accept loop has seen a connection

    def __init__(self, backend: Backend, default_region: str) -> None:
        super().__init__((HOST, 0), _Handler)
        self.socket.setblocking(False)  # a connection gone before accept() cannot hang it
        self.backend = backend
        self.default_region = default_region
        self.lock = threading.Lock()
        self.errors: list[BaseException] = []
        self._open: set[socket.socket] = set()

    def server_bind(self) -> None:
        # HTTPServer's own server_bind looks up the host's FQDN: a DNS query, not loopback.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = HOST, self.server_address[1]

    def process_request(self, request: Any, client_address: Any) -> None:
        with self.lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self.lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        # Kept-alive connections would otherwise go on being answered after stop().
        with self.lock:
            sockets = list(self._open)
        for sock in sockets:
            with contextlib.suppress(OSError):  # already closed by the client
                sock.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that vanished mid-request is no news; stay quiet."""


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"  # keep-alive, as SDK connection pools expect
    default_request_version = "HTTP/1.0"  # so a garbled request line still gets headers
    timeout = IDLE_TIMEOUT
    disable_nagle_algorithm = True  # headers and body are two writes: no delayed-ACK stall

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: test output is no place for an access log."""

    def version_string(self) -> str:
        return "pytest-ses"

    # -- refusals ---------------------------------------------------------------------------

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """http.server's own refusals (request line, headers, method), in SES's envelope."""
        if code == HTTPStatus.NOT_IMPLEMENTED:  # no do_<METHOD>: a method SES does not take
            self._refuse_method()
            return
        name = _HTTP_CODES.get(HTTPStatus(code), "MalformedRequest")
        self._refuse(SESError(name, message or HTTPStatus(code).phrase, status=code))

    def _rest_service(self) -> str | None:
        """The REST-JSON service this request's path belongs to; None for the Query API."""
        path = getattr(self, "path", "") or ""  # unset when the request line was unreadable
        for prefix, service in _REST_PREFIXES:
            if path.startswith(prefix):
                return service
        return None

    def _refuse_method(self) -> None:
        if self._rest_service() is None:
            allowed = _QUERY_METHODS
            message = f"SES's Query API at / accepts POST only, not {self.command}."
        else:
            allowed = _REST_METHODS
            message = f"SES's REST API does not take {self.command}."
        self._refuse(SESError("MethodNotAllowed", message, status=405), {"Allow": allowed})

    def _refuse(self, error: SESError, headers: dict[str, str] | None = None) -> None:
        """Answer an error before (or instead of) reading the body: the connection closes."""
        status, head, payload = self._error(error)
        self._send(status, payload, {**head, **(headers or {})}, close=True)

    def _error(self, error: SESError) -> restjson.Answer:
        """``error`` in the envelope of the API the request is for."""
        request_id = str(uuid.uuid4())
        service = self._rest_service()
        if service is not None:
            return restjson.encode_error(service, error, request_id)
        head = {"Content-Type": _XML, "x-amzn-RequestId": request_id}
        return error.status, head, encode_error(error, request_id)

    def handle_expect_100(self) -> bool:
        # Refuse an oversized or unframed body before the client sends it.
        length = self._content_length()
        if length is None:
            return False
        if length > MAX_BODY:
            self._refuse(_too_large(length))
            return False
        return super().handle_expect_100()

    # -- the methods SES takes -------------------------------------------------------------------

    def do_POST(self) -> None:
        service = self._rest_service()
        if service is None and self.command != "POST":
            self._refuse_method()
            return
        length = self._content_length()
        if length is None:
            return
        if length > MAX_BODY:
            self._drain(length)
            return
        body = self.rfile.read(length) if length else b""
        if len(body) < length:  # the client closed mid-body: nobody to answer
            self.close_connection = True
            return
        if service is not None:
            status, headers, payload = self._answer_rest(service, body)
            self._send(status, payload, headers, close=False)
            return
        media_type = self.headers.get("Content-Type", _FORM).split(";")[0].strip().lower()
        if media_type != _FORM:
            message = (
                f"SES's Query API at / takes an {_FORM} body, not "
                f"{media_type or 'an untyped one'}. (API v2 is served under /v2/.)"
            )
            self._refuse(SESError("UnsupportedMediaType", message, status=415))
            return
        status, payload = self._answer(body)
        head = {"Content-Type": _XML, "x-amzn-RequestId": _request_id(payload)}
        self._send(status, payload, head, close=False)

    do_GET = do_PUT = do_DELETE = do_PATCH = do_POST  # the REST paths; the Query API refuses them

    def _answer(self, body: bytes) -> tuple[int, bytes]:
        region, attempt = self._region_and_attempt()
        try:
            return respond(self.server.backend, region, body, attempt)
        except Exception as exc:
            status, _, payload = self._error(self._failure(exc))
            return status, payload

    def _answer_rest(self, service: str, body: bytes) -> restjson.Answer:
        region, attempt = self._region_and_attempt()
        try:
            return restjson.respond(
                self.server.backend,
                service,
                region,
                self.command,
                self.path,
                self.headers,  # type: ignore[arg-type]  # case-insensitive, as the codec wants
                body,
                attempt,
            )
        except Exception as exc:
            return self._error(self._failure(exc))

    def _region_and_attempt(self) -> tuple[str, int]:
        region = _region(self.headers.get("Authorization", "")) or self.server.default_region
        return region, sdk_attempt(self.headers.get("amz-sdk-request"))

    def _failure(self, exc: Exception) -> SESError:
        """What the codec let through, as an SES error."""
        if isinstance(exc, NotEmulatedError):
            # The fake has recorded the call, so the test fails at teardown. 501
            # is not among the statuses SDKs retry.
            message = f"pytest-ses does not emulate the SES operation {exc.operation}."
            return SESError("NotEmulated", message, status=501, sender_fault=False)
        with self.server.lock:  # a bug in the fake: keep serving, keep the traceback
            self.server.errors.append(exc)
        message = f"pytest-ses failed: {type(exc).__name__}: {exc}"
        return SESError("InternalFailure", message, status=500, sender_fault=False)

    def _content_length(self) -> int | None:
        """The declared body length, or None once a refusal has been sent.

        A REST request without a body (a GET, a DELETE) may leave it out: 0.
        """
        if "Transfer-Encoding" in self.headers:
            message = "Send the body with a Content-Length; chunked encoding is not supported."
            self._refuse(SESError("MissingContentLength", message, status=411))
            return None
        values = {v.strip() for v in self.headers.get_all("Content-Length", [])}
        if not values:
            if self._rest_service() is not None:
                return 0
            message = "The request must carry a Content-Length header."
            self._refuse(SESError("MissingContentLength", message, status=411))
            return None
        value = values.pop()
        if values or not _LENGTH.fullmatch(value):
            message = f"Content-Length {value[:40]!r} is not a single non-negative integer."
            self._refuse(SESError("MalformedRequest", message, status=400))
            return None
        return int(value)

    def _drain(self, length: int) -> None:
        """Answer 413, then read and drop the body in chunks so the client can read the answer."""
        self._refuse(_too_large(length))
        left = min(length, MAX_DRAIN)
        while left > 0:
            chunk = self.rfile.read(min(left, _CHUNK))
            if not chunk:
                break
            left -= len(chunk)

    def _send(self, status: int, payload: bytes, headers: dict[str, str], *, close: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(payload)))
        for name, value in headers.items():
            self.send_header(name, value)
        if close:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)


def _too_large(length: int) -> SESError:
    message = f"The request body is {length} bytes; pytest-ses accepts at most {MAX_BODY}."
    return SESError("RequestEntityTooLarge", message, status=413)


def _region(authorization: str) -> str | None:
    """The region of a SigV4 credential scope (AKID/date/region/service/aws4_request)."""
    match = _CREDENTIAL.search(authorization)
    if match is None:
        return None
    parts = match.group(1).split("/")
    if len(parts) != 5 or not _REGION.fullmatch(parts[2]):
        return None
    return parts[2]


def _request_id(payload: bytes) -> str:
    # The codec ends every envelope, result or error, with the RequestId.
    start = payload.rfind(b"<RequestId>") + len(b"<RequestId>")
    end = payload.find(b"</RequestId>", start)
    return payload[start:end].decode("ascii", "replace") if end > start else ""
