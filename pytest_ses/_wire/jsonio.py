"""JSON in and out for the REST-JSON codec, at the cost of the C code alone.

``json.loads`` and ``json.dumps`` wrap the C scanner and encoder in three
Python calls each, and ``dumps`` builds a new encoder every time; on a small
body that wrapping costs more than the parsing. Here the C objects are made
once and called directly: a ``JSONDecoder``'s ``scan_once`` and an encoder
from ``json.encoder.c_make_encoder``, the objects ``json`` itself calls (not
documented, unchanged from Python 3.10 to 3.13). Where the interpreter has no
C accelerator the ordinary functions serve, with the same results; a test
checks both against ``json.loads`` and ``json.dumps``.
"""

from __future__ import annotations

import json
import json.decoder
import json.encoder
import json.scanner
from collections.abc import Callable
from typing import Any

_WHITESPACE = " \t\n\r"  # JSON's, narrower than str.strip()'s
_ENCODER = json.JSONEncoder(separators=(",", ":"))


def _scanner() -> Callable[[str, int], tuple[Any, int]] | None:
    if getattr(json.scanner, "c_make_scanner", None) is None:
        return None
    decoder: Any = json.decoder.JSONDecoder()
    scan: Callable[[str, int], tuple[Any, int]] = decoder.scan_once
    return scan


def _encoder() -> Callable[[Any, int], Any] | None:
    make: Any = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return None
    # markers None: no check for cycles, which results built from the fake never have.
    encoder: Callable[[Any, int], Any] = make(
        None,
        _ENCODER.default,
        json.encoder.encode_basestring_ascii,
        None,
        ":",
        ",",
        False,
        False,
        True,
    )
    return encoder


_SCAN = _scanner()
_ENCODE = _encoder()


def loads(text: str) -> Any:
    """``json.loads(text)`` for a ``str``: the same value, or the same ValueError."""
    if _SCAN is None or not text or text[0] in _WHITESPACE:
        return json.loads(text)
    try:
        value, end = _SCAN(text, 0)
    except StopIteration as stop:  # the first character starts no value
        raise json.JSONDecodeError("Expecting value", text, stop.value) from None
    if end != len(text) and text[end:].strip(_WHITESPACE):
        raise json.JSONDecodeError("Extra data", text, end)
    return value


def dumps(value: Any) -> bytes:
    """Compact JSON in ASCII (any text, even a lone surrogate, travels as an escape)."""
    if _ENCODE is None or type(value) is str:
        return _ENCODER.encode(value).encode("ascii")
    return "".join(_ENCODE(value, 0)).encode("ascii")
