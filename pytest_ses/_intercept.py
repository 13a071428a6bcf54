"""Hooks into botocore: a dormant before-send handler on every session.

Every service id that reaches SES's endpoint is covered: ``ses`` (API v1,
answered through the Query codec) and ``sesv2`` and ``pinpoint-email`` (answered
through the REST-JSON codec), so that no SES call leaves the process while a
fake is active, whichever API the application uses.

The handlers go into ``botocore.handlers.BUILTIN_HANDLERS``, which every
botocore session copies when it is created, and every client copies from its
session. Installing them the moment ``botocore.handlers`` is first imported
(see :func:`watch_botocore_import`) therefore reaches every SES client in the
process, whenever and however it was made. While no fake is active each
handler returns at its first line and botocore carries on as if it were not
there. The plugin does not import botocore itself, so projects that never use
it pay nothing at start-up.

aiobotocore (and so aioboto3) sessions are botocore sessions too and get the
same handlers, with two additions made only once aiobotocore is imported:
its emitters swap the before-send handler for one that returns the awaitable
response aiobotocore reads (see :func:`_map_aio_handlers`), and its endpoint
module's ``asyncio`` is proxied so that retry back-off runs on the virtual
clock (see :class:`_AsyncioProxy`).
"""

from __future__ import annotations

import atexit
import contextvars
import functools
import importlib.abc
import importlib.machinery
import os
import sys
import threading
import time
import types
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from botocore.awsrequest import AWSPreparedRequest, AWSRequest, AWSResponse

    from pytest_ses._response import Factory
    from pytest_ses._wire.query import Backend
    from pytest_ses._wire.restjson import Answer

SERVICE_EVENT = "ses"  # botocore's hyphenized service id for SES (API v1, Query)
# The REST-JSON services on SES's endpoint: API v2, and pinpoint-email before it.
REST_SERVICE_EVENTS = ("sesv2", "pinpoint-email")
SERVICE_EVENTS = (SERVICE_EVENT, *REST_SERVICE_EVENTS)
MAX_BACKOFF = 20  # seconds: botocore standard mode's cap
_ENV_WHILE_ACTIVE = {"AWS_EC2_METADATA_DISABLED": "true"}
_OUR_RETRY_EVENTS = tuple(f"needs-retry.{service}." for service in SERVICE_EVENTS)
_ANSWERED = "_pytest_ses_response"  # set on a request once the fake answered it


# os.environ's mapping of encoded names to encoded values (POSIX), for reads in C;
# None where it is not that (then os.environ is read as usual).
def _encoded_environ() -> dict[bytes, bytes] | None:
    data: Any = getattr(os.environ, "_data", None)
    return data if os.name == "posix" and type(data) is dict else None


_ENCODED_ENVIRON = _encoded_environ()
_EC2_KEY = b"AWS_EC2_METADATA_DISABLED"
_REGION_KEY = b"AWS_DEFAULT_REGION"


class Active(Protocol):
    """What an active fake offers the hooks (private to the package, so users never see it)."""

    @property
    def _backend(self) -> Backend: ...

    @property
    def _default_region(self) -> str: ...

    def _retry_sleep(self, seconds: float) -> None: ...


_stack: list[Active] = []
_stack_lock = threading.Lock()
_retry_pending = threading.local()
# request-created -> before-send of the same request (same thread or task): what
# before-send cannot see. (URL, the client's region, which a custom endpoint_url hides,
# botocore's attempt number (it makes a new request for each), and what botocore
# serialized: the Query API's form fields before url-encoding, so the fake need not
# parse back what botocore encoded (a dict: only the Query API's requests have one); a
# REST-JSON body (bytes), only when botocore validated the params it came from, so that
# the fake need not check again what botocore checked.)
_Pending = tuple["str | None", "str | None", int, "dict[str, Any] | bytes | None"]
_pending: contextvars.ContextVar[_Pending | None] = contextvars.ContextVar(
    "pytest_ses_pending", default=None
)


def active() -> Active | None:
    """The fake answering SES calls now, if any."""
    return _stack[-1] if _stack else None


@contextmanager
def activate(fake: Active) -> Iterator[None]:
    """Make ``fake`` answer every SES call in the process until the block ends."""
    saved = push(fake)
    try:
        yield
    finally:
        pop(fake, saved)


def push(fake: Active) -> dict[str, str | None]:
    """Start :func:`activate`'s block; what it returns goes to :func:`pop`.

    Apart for the ``ses`` fixture, which every test using SES runs, to spare it
    a context manager.
    """
    if not _installed:
        install()
    saved = _patch_environ(fake._default_region)
    with _stack_lock:
        _stack.append(fake)
    return saved


def pop(fake: Active, saved: dict[str, str | None]) -> None:
    """End :func:`activate`'s block for ``fake``."""
    with _stack_lock:
        _stack.remove(fake)
    _restore_environ(saved)


def _patch_environ(region: str) -> dict[str, str | None]:
    # No credentials and no region must still work: never wait on the
    # instance-metadata endpoint, and let boto3.client("ses") find a region.
    # Only what differs is written (each write is a putenv) and so restored.
    environ = os.environ
    encoded = _ENCODED_ENVIRON
    data: object = getattr(environ, "_data", None)
    if (
        encoded is not None
        and data is encoded  # os.environ not replaced since
        and encoded.get(_EC2_KEY) == b"true"
    ):
        # What nearly every test finds; checked in os.environ's own mapping, as
        # reading os.environ encodes the name and decodes the value in Python code.
        found = encoded.get(_REGION_KEY)
        if found:
            return {}
        saved: dict[str, str | None] = {"AWS_DEFAULT_REGION": None if found is None else ""}
        environ["AWS_DEFAULT_REGION"] = region
        return saved
    saved = {}
    for key, value in _ENV_WHILE_ACTIVE.items():
        current = environ.get(key)
        if current != value:
            saved[key] = current
            environ[key] = value
    current = environ.get("AWS_DEFAULT_REGION")
    if not current:  # botocore reads AWS_REGION only on Lambda
        saved["AWS_DEFAULT_REGION"] = current
        environ["AWS_DEFAULT_REGION"] = region
    return saved


def _restore_environ(saved: dict[str, str | None]) -> None:
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


# -- the handlers -------------------------------------------------------------------------------


def _note_request(request: AWSRequest, **kwargs: Any) -> None:
    """request-created: note the client's region, the attempt and what was serialized."""
    if _stack:
        context = request.context
        data = request.data
        if type(data) is not dict and (data is None or data is not _validated_body.get()):
            data = None
        _pending.set(
            (
                request.url,
                context.get("client_region"),
                context.get("retries", {}).get("attempt", 1),
                data,
            )
        )


def _choose_signer(**kwargs: Any) -> Any:
    """choose-signer: while faked, sign nothing, so no credentials are needed or sent."""
    if _stack:
        import botocore

        return botocore.UNSIGNED
    return None


def _before_send(
    request: AWSPreparedRequest, event_name: str = "", **kwargs: Any
) -> AWSResponse | None:
    """before-send: answer from the active fake instead of the network."""
    if not _stack:
        return None
    fake = _stack[-1]
    answered: AWSResponse | None = getattr(request, _ANSWERED, None)
    if answered is not None:  # the handler was reached twice for one request
        return answered
    pending = _pending.get()
    if pending is not None and pending[0] == request.url:
        _pending.set(None)
        _, noted_region, attempt, fields = pending
        region = noted_region or _region_from_url(request.url) or fake._default_region
    else:  # not seen at request-created (another handler changed the request)
        from pytest_ses._wire import sdk_attempt

        region = _region_from_url(request.url) or fake._default_region
        attempt = sdk_attempt(request.headers.get("amz-sdk-request"))
        fields = None
    make_response, respond, respond_fields = _answer_imports()
    if fields is not None:
        status, payload = respond_fields(fake._backend, region, fields, attempt)
    else:
        status, payload = respond(fake._backend, region, _body_bytes(request.body), attempt)
    headers = {"Content-Type": "text/xml", "Content-Length": str(len(payload))}
    response = make_response(request.url, status, headers, payload)
    setattr(request, _ANSWERED, response)
    return response


def _before_send_rest(
    request: AWSPreparedRequest, event_name: str = "", **kwargs: Any
) -> AWSResponse | None:
    """before-send for SES's REST-JSON services (sesv2, pinpoint-email): the same, as REST-JSON.

    A handler of its own, so that v1's path (:func:`_before_send`) pays nothing for it.
    """
    if not _stack:
        return None
    fake = _stack[-1]
    answered: AWSResponse | None = getattr(request, _ANSWERED, None)
    if answered is not None:
        return answered
    make_response, respond = _rest_imports()
    url = request.url
    service, target, url_region = _rest_request(url, event_name)
    pending = _pending.get()
    body = request.body
    if pending is not None and pending[0] == url:
        _pending.set(None)
        region = pending[1] or url_region or fake._default_region
        attempt = pending[2]
        # The body botocore serialized from params it validated, unchanged since.
        validated = pending[3] is body and body is not None
    else:
        from pytest_ses._wire import sdk_attempt

        region = url_region or fake._default_region
        attempt = sdk_attempt(request.headers.get("amz-sdk-request"))
        validated = False
    answer: Answer = respond(
        fake._backend,
        service,
        region,
        request.method or "GET",
        target,
        request.headers,
        body if type(body) is bytes else _body_bytes(body),  # botocore's JSON: bytes
        attempt,
        validated,
    )
    status, headers, payload = answer
    headers["Content-Length"] = str(len(payload))
    response = make_response(url, status, headers, payload)
    setattr(request, _ANSWERED, response)
    return response


@functools.lru_cache(maxsize=256)
def _rest_request(url: str, event_name: str) -> tuple[str, str, str | None]:
    """A REST request's service, its path and query as sent, and the region its URL names.

    Cached: a test calls the same few URLs again and again.
    """
    target = "/" + url.split("://", 1)[-1].partition("/")[2]
    parts = event_name.split(".")  # before-send.<service id>.<operation>
    if len(parts) > 1 and parts[1] in REST_SERVICE_EVENTS:
        service = parts[1]
    else:  # called without botocore's event name: the path tells the API apart
        service = "sesv2" if target.startswith("/v2/") else "pinpoint-email"
    return service, target, _region_from_url(url)


@functools.cache
def _rest_imports() -> tuple[Factory, Any]:
    from pytest_ses._wire.restjson import respond

    return _response_factory(), respond


@functools.cache
def _answer_imports() -> tuple[Factory, Any, Any]:
    # Imported on first use rather than with this module: the plugin must not import botocore.
    from pytest_ses._wire.query import respond, respond_fields

    return _response_factory(), respond, respond_fields


@functools.cache
def _response_factory() -> Factory:
    from pytest_ses._response import factory

    return factory()


def _aio_before_send(request: AWSPreparedRequest, **kwargs: Any) -> Any:
    """before-send for aiobotocore clients: the same answer, in the response type it awaits.

    aiobotocore's emitters register this in place of :func:`_before_send` (see
    :func:`_map_aio_handlers`), so botocore's clients never pay for telling the two apart.
    """
    return _for_aio(_before_send(request, **kwargs))


def _aio_before_send_rest(request: AWSPreparedRequest, **kwargs: Any) -> Any:
    """:func:`_before_send_rest` for aiobotocore clients (see :func:`_aio_before_send`)."""
    return _for_aio(_before_send_rest(request, **kwargs))


def _for_aio(response: AWSResponse | None) -> Any:
    if response is None:
        return None
    from aiobotocore.awsrequest import AioAWSResponse

    raw = _AioBody(response.raw._payload, response.headers)
    return AioAWSResponse(response.url, response.status_code, response.headers, raw)


def _body_bytes(body: Any) -> bytes:
    if body is None:
        return b""
    if isinstance(body, str):
        return body.encode("utf-8")
    if isinstance(body, bytes | bytearray):
        return bytes(body)
    data = body.read()
    return data.encode("utf-8") if isinstance(data, str) else bytes(data)


def _needs_retry(event_name: str = "", attempts: int = 1, **kwargs: Any) -> None:
    """needs-retry (every service): note whether the sleep that may follow is ours.

    botocore calls this before it decides to retry; if it then sleeps, the
    sleep is for the attempt counted here.
    """
    ours = _stack and event_name.startswith(_OUR_RETRY_EVENTS)
    _retry_pending.attempts = attempts if ours else 0


def retry_delay(attempts: int) -> float:
    """The virtual back-off after failed attempt number ``attempts``.

    botocore picks a random delay up to ``2 ** (attempts - 1)`` seconds (standard
    mode caps it at 20). The fake takes the upper bound: as no real time passes
    it costs nothing, and it makes outcomes independent of botocore's jitter.
    """
    return float(min(2 ** (attempts - 1), MAX_BACKOFF))


def _region_from_url(url: str) -> str | None:
    host = url.split("://", 1)[-1].split("/", 1)[0]
    labels = host.split(".")
    if len(labels) >= 4 and labels[0] == "email" and labels[-2] == "amazonaws":
        return labels[1]
    return None


class _AioBody:
    """The raw stream aiobotocore awaits a response body from (``await raw.read()``).

    Like aiohttp's response, it also has ``raw_headers``, which aiobotocore
    releases before 2.21 read the response headers from.
    """

    def __init__(self, payload: bytes, headers: Any) -> None:
        self._payload = payload
        self.raw_headers = tuple(
            (name.encode("latin-1"), value.encode("latin-1")) for name, value in headers.items()
        )

    async def read(self, amt: int | None = None) -> bytes:
        return self._payload


def _take_retry_sleep() -> bool:
    """At a retry sleep: if it is an SES retry answered by a fake, advance its clock instead.

    Returns whether it did, in which case the caller must not really sleep.
    """
    fake = active()
    attempts = getattr(_retry_pending, "attempts", 0)
    _retry_pending.attempts = 0
    if fake is not None and attempts:
        fake._retry_sleep(retry_delay(attempts))
        return True
    return False


class _TimeProxy(types.ModuleType):
    """Stands in for ``time`` inside ``botocore.endpoint``.

    botocore's retry loop calls ``time.sleep(delay)`` there. When the retry is
    of an SES call answered by a fake, the fake's virtual clock moves by
    :func:`retry_delay` instead; every other sleep is real.
    """

    def __init__(self) -> None:
        super().__init__("time")

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)

    def sleep(self, seconds: float) -> None:
        if not _take_retry_sleep():
            time.sleep(seconds)


class _AsyncioProxy(types.ModuleType):
    """Stands in for ``asyncio`` inside ``aiobotocore.endpoint``.

    aiobotocore's retry loop awaits ``asyncio.sleep(delay)`` there (in
    ``AioEndpoint._needs_retry``, or ``AioEndpoint._sleep`` in later releases).
    Like :class:`_TimeProxy`, an SES retry answered by a fake moves the fake's
    virtual clock instead, and only yields to the event loop once; every other
    sleep, and everything else in ``asyncio``, is the real one. Neither
    ``asyncio`` itself nor the event loop is touched.
    """

    def __init__(self, real: types.ModuleType) -> None:
        super().__init__("asyncio")
        self._real_asyncio = real

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real_asyncio, name)

    async def sleep(self, delay: float, result: Any = None) -> Any:
        if _take_retry_sleep():
            delay = 0
        return await self._real_asyncio.sleep(delay, result)


class _ValidationNote:
    """Mixed into REST-JSON SES client classes: notes the bodies a validating serializer made.

    botocore keeps ``parameter_validation`` (from the client's Config or the
    shared config file) out of the Config a client holds; only the serializer
    it chose tells. A client whose serializer validates gets it wrapped in
    :class:`_ValidatedBodies`; a client without (made before the handlers were
    installed, or not validating) is always checked in full.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from botocore.validate import ParamValidationDecorator

        serializer = getattr(self, "_serializer", None)
        if isinstance(serializer, ParamValidationDecorator):
            self._serializer = _ValidatedBodies(serializer)


class _ValidatedBodies:
    """A validating serializer that notes (per thread or task) the request body it last made.

    :func:`_note_request` trusts a body only if it is that very object: a body
    a ``before-call`` handler replaced is checked in full.
    """

    def __init__(self, serializer: Any) -> None:
        self._serializer = serializer

    def serialize_to_request(self, parameters: Any, operation_model: Any) -> Any:
        serialized = self._serializer.serialize_to_request(parameters, operation_model)
        if _stack:
            _validated_body.set(serialized.get("body"))
        return serialized

    def __getattr__(self, name: str) -> Any:  # anything else botocore may ask of its serializer
        return getattr(self._serializer, name)


_validated_body: contextvars.ContextVar[Any] = contextvars.ContextVar(
    "pytest_ses_validated_body", default=None
)


def _add_validation_note(base_classes: list[type], **kwargs: Any) -> None:
    """creating-client-class (sesv2, pinpoint-email): put :class:`_ValidationNote` first."""
    if _ValidationNote not in base_classes:
        base_classes.insert(0, _ValidationNote)


_HANDLERS: Sequence[tuple[str, Any]] = (
    (f"request-created.{SERVICE_EVENT}", _note_request),
    (f"choose-signer.{SERVICE_EVENT}", _choose_signer),
    (f"before-send.{SERVICE_EVENT}", _before_send),
    *(
        entry
        for service in REST_SERVICE_EVENTS
        for entry in (
            (f"request-created.{service}", _note_request),
            (f"choose-signer.{service}", _choose_signer),
            (f"before-send.{service}", _before_send_rest),
            (f"creating-client-class.{service}", _add_validation_note),
        )
    ),
    ("needs-retry", _needs_retry),
)


# -- installation -------------------------------------------------------------------------------

_installed = False
_install_lock = threading.Lock()


def install() -> None:
    """Add the handlers to botocore (idempotent). Imports botocore."""
    global _installed
    with _install_lock:
        if _installed:
            return
        import botocore.endpoint
        import botocore.handlers

        builtin = botocore.handlers.BUILTIN_HANDLERS
        for entry in _HANDLERS:
            if entry not in builtin:
                builtin.append(entry)
        namespace = vars(botocore.endpoint)
        if not isinstance(namespace["time"], _TimeProxy):
            namespace["time"] = _TimeProxy()
        if _BOTOCORE_HANDLERS not in _fired:
            _reach_existing_clients()
        # aiobotocore, now or whenever the application imports it.
        _watch(_AIO_HOOKS, _map_aio_handlers)
        _watch(_AIO_ENDPOINT, _patch_aio_endpoint)
        _installed = True


def _reach_existing_clients() -> None:
    """Register the handlers on sessions and SES clients that exist already.

    Only needed when botocore was imported before the import watcher was in
    place (``mock_ses()`` in a script that made clients first; under pytest the
    plugin's watcher is always first). Those sessions and clients copied
    BUILTIN_HANDLERS before the handlers were on it, so they are found on the
    heap, once. Registering twice is harmless: _before_send answers each
    request once (see _ANSWERED).
    """
    import gc

    from botocore.client import BaseClient
    from botocore.session import Session

    for obj in gc.get_objects():
        if isinstance(obj, Session):
            emitter = obj.get_component("event_emitter")
        elif (
            isinstance(obj, BaseClient)
            and obj.meta.service_model.service_id.hyphenize() in SERVICE_EVENTS
        ):
            emitter = obj.meta.events
        else:
            continue
        for event, handler in _HANDLERS:
            emitter.register(event, handler, unique_id=f"pytest-ses:{event}")


_fired: set[str] = set()  # modules whose watcher ran when they were first imported


class _ImportWatcher(importlib.abc.MetaPathFinder):
    """Calls ``on_load(module)`` right after the module ``target`` is first imported."""

    def __init__(self, target: str, on_load: Callable[[types.ModuleType], None]) -> None:
        self.target = target
        self._on_load = on_load

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: types.ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != self.target:
            return None
        sys.meta_path.remove(self)  # fire once; the module is imported once
        spec = None
        for finder in sys.meta_path:
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                break
        if spec is None or spec.loader is None:
            return spec
        loader = spec.loader
        original_exec = loader.exec_module
        on_load = self._on_load

        def exec_module(module: types.ModuleType) -> None:
            original_exec(module)
            on_load(module)
            _fired.add(fullname)

        loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def _watch(target: str, on_load: Callable[[types.ModuleType], None]) -> None:
    """Run ``on_load`` on the module ``target``: now if it is imported, else once it is."""
    module = sys.modules.get(target)
    if module is not None:
        on_load(module)
        return
    if not any(isinstance(f, _ImportWatcher) and f.target == target for f in sys.meta_path):
        sys.meta_path.insert(0, _ImportWatcher(target, on_load))


def _stop_watching() -> None:
    """At exit, take the watchers that never fired off ``sys.meta_path``.

    No import matters any more by then, and a finder left there keeps this
    module's objects alive into interpreter shutdown, which makes exiting slower.
    """
    sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, _ImportWatcher)]


def _append_handlers(handlers_module: types.ModuleType) -> None:
    # Only the list is touched here: botocore.handlers is still being imported
    # by botocore.session, so install() (which imports more) runs later.
    builtin = handlers_module.BUILTIN_HANDLERS
    for entry in _HANDLERS:
        if entry not in builtin:
            builtin.append(entry)


def watch_botocore_import() -> None:
    """Arrange for the handlers to be installed when botocore is imported (cheap).

    If botocore is already imported, its handler list is extended now. The
    same goes for aiobotocore's handler mapping (see :func:`_map_aio_handlers`).
    """
    _watch(_BOTOCORE_HANDLERS, _append_handlers)
    _watch(_AIO_HOOKS, _map_aio_handlers)
    atexit.register(_stop_watching)


# -- aiobotocore --------------------------------------------------------------------------------

_BOTOCORE_HANDLERS = "botocore.handlers"
_AIO_HOOKS = "aiobotocore.hooks"
_AIO_ENDPOINT = "aiobotocore.endpoint"


def _map_aio_handlers(hooks_module: types.ModuleType) -> None:
    """Have aiobotocore's emitters register :func:`_aio_before_send` for :func:`_before_send`.

    ``AioHierarchicalEmitter`` swaps some of botocore's built-in handlers for
    async versions through ``aiobotocore.hooks._HANDLER_MAPPING`` whenever one
    is registered, which includes every aiobotocore session copying
    ``BUILTIN_HANDLERS``. Done when that module is imported, before any
    aiobotocore session can exist. The other handlers work as they are.
    """
    mapping = getattr(hooks_module, "_HANDLER_MAPPING", None)
    if isinstance(mapping, dict):
        mapping.setdefault(_before_send, _aio_before_send)
        mapping.setdefault(_before_send_rest, _aio_before_send_rest)


def _patch_aio_endpoint(endpoint_module: types.ModuleType) -> None:
    """Put an :class:`_AsyncioProxy` in place of ``asyncio`` in ``aiobotocore.endpoint``."""
    namespace = vars(endpoint_module)
    real = namespace.get("asyncio")
    if isinstance(real, types.ModuleType) and not isinstance(real, _AsyncioProxy):
        namespace["asyncio"] = _AsyncioProxy(real)
