"""The ``AWSResponse`` the before-send hooks hand botocore, built cheaply.

botocore's constructor copies the headers into a ``HeadersDict`` through
``MutableMapping.update``: for each header a Python ``__setitem__``, a new
case-folding key object and a Python ``__hash__``. For a fake that answers in
microseconds that is a visible share of a call. :func:`factory` fills the
same ``HeadersDict`` directly with keys made once per header name, after
checking on one response built the ordinary way that this botocore's
response and headers hold what the fast path writes, and nothing more; where
they do not, it builds every response the ordinary way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from botocore.awsrequest import AWSResponse

Factory = Callable[[str, int, Mapping[str, str], bytes], "AWSResponse"]
_MAX_NAMES = 64  # header names remembered; SES's answers use a handful


class Body:
    """The raw stream botocore reads a response body from."""

    def __init__(self, payload: bytes) -> None:
        self._payload = payload

    def stream(self, **kwargs: Any) -> Iterator[bytes]:
        yield self._payload


def plain(url: str, status: int, headers: Mapping[str, str], payload: bytes) -> AWSResponse:
    """A response made by botocore's own constructor, its body already read."""
    from botocore.awsrequest import AWSResponse

    response = AWSResponse(url, status, headers, Body(payload))  # type: ignore[arg-type]
    # What botocore would otherwise join from the stream; the attribute dates from 2019.
    response._content = payload  # type: ignore[attr-defined]
    return response


def factory() -> Factory:
    """The fastest way to build responses that this botocore reads exactly as :func:`plain`'s."""
    from botocore import awsrequest

    key_type: Any = getattr(awsrequest, "_HeaderKey", None)
    headers_type: Any = getattr(awsrequest, "HeadersDict", None)
    response_type: Any = awsrequest.AWSResponse
    if key_type is None or headers_type is None:
        return plain
    probe = plain("https://email.us-east-1.amazonaws.com/", 200, {"Content-Type": "x"}, b"{}")
    if (
        vars(probe).keys() != {"url", "status_code", "headers", "raw", "_content"}
        or type(probe.headers) is not headers_type
        or vars(probe.headers) != {"_dict": {key_type("Content-Type"): "x"}}
    ):
        return plain
    keys: dict[str, Any] = {}
    new = object.__new__

    def fast(url: str, status: int, headers: Mapping[str, str], payload: bytes) -> AWSResponse:
        table = {}
        for name, value in headers.items():
            key = keys.get(name)
            if key is None:
                key = key_type(name)
                if len(keys) < _MAX_NAMES:
                    keys[name] = key
            table[key] = value
        folded: Any = new(headers_type)
        folded._dict = table
        response = new(response_type)
        response.url = url
        response.status_code = status
        response.headers = folded
        response.raw = Body(payload)
        response._content = payload
        return response  # type: ignore[no-any-return]

    return fast
