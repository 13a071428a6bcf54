"""The Handlebars subset SES renders templates with; knows nothing of SES's operations.

Supported: ``{{path}}`` (dotted, ``this``, ``../``, ``@index``/``@key``/``@first``/
``@last``/``@root``), ``{{{path}}}`` and ``{{& path}}``, the block helpers ``if``,
``unless``, ``each`` and ``with`` (each with ``{{else}}``), ``{{lookup obj key}}``,
inline partials (``{{#* inline "name"}}...{{/inline}}`` and ``{{> name}}``), comments
``{{! }}`` and ``{{!-- --}}``, ``~`` whitespace control and Handlebars' standalone-line
rule. Values are inserted as given: SES does not HTML-escape.

A template is compiled once per text (:func:`compile_template` is cached).
:class:`TemplateSyntaxError` is raised at compile time, :class:`MissingVariable`
when an output expression names a value the data lacks.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from typing import Any, NamedTuple, TypeAlias

BLOCK_HELPERS = frozenset(("if", "unless", "each", "with"))


class TemplateSyntaxError(Exception):
    """The template cannot be compiled."""


class MissingVariable(Exception):
    """An output expression names a path the data does not have."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path


class _Missing:
    """What a path that leads nowhere evaluates to (falsy; empty in loops)."""

    def __bool__(self) -> bool:
        return False


MISSING: Any = _Missing()

# One {{...}} tag: comments first (their body may hold "}}"), then triple-stash, then the rest.
_TAG = re.compile(
    r"\{\{(~?)(?:(!--.*?--)|(!.*?)|(\{)(.*?)\}|([^{}]?.*?))(~?)\}\}",
    re.DOTALL,
)
_ARG = re.compile(r'\s*(?:"((?:[^"\\]|\\.)*)"|\'((?:[^\'\\]|\\.)*)\'|([^\s"\']+))')
_STANDALONE_KINDS = frozenset("#/^!>*e")  # blocks, closes, inverses, comments, partials, else


class Path(NamedTuple):
    """A variable reference: how many ``../`` up, then the parts; ``text`` as written."""

    text: str
    up: int
    parts: tuple[str, ...]


class Literal(NamedTuple):
    value: Any


Arg: TypeAlias = Path | Literal


class Output(NamedTuple):
    expr: Arg
    helper: str | None  # "lookup", or None for a plain value
    args: tuple[Arg, ...]


class Block(NamedTuple):
    helper: str
    args: tuple[Arg, ...]
    body: tuple[Node, ...]
    inverse: tuple[Node, ...]


class Partial(NamedTuple):
    name: str
    context: Arg | None


Node: TypeAlias = str | Output | Block | Partial


class Compiled(NamedTuple):
    """A compiled template: its nodes and the inline partials it defines."""

    nodes: tuple[Node, ...]
    partials: dict[str, tuple[Node, ...]]

    def render(self, data: Any) -> str:
        out: list[str] = []
        _render(self.nodes, _Frame(data, None, data, {}), self.partials, out, 0)
        return "".join(out)


@functools.lru_cache(maxsize=512)
def compile_template(text: str) -> Compiled:
    """``text`` compiled; raises :class:`TemplateSyntaxError`."""
    tokens = _strip_standalone(_tokenize(text))
    partials: dict[str, tuple[Node, ...]] = {}
    nodes, end = _parse(tokens, 0, None, partials)
    if end != len(tokens):  # pragma: no cover - _parse consumes all at top level
        raise TemplateSyntaxError("Unexpected closing tag.")
    _check_partials(nodes, partials)
    for body in list(partials.values()):
        _check_partials(body, partials)
    return Compiled(nodes, partials)


def render(text: str, data: Any) -> str:
    """``text`` rendered with ``data``."""
    return compile_template(text).render(data)


# -- tokens ------------------------------------------------------------------------------------

# A token: ("text", str) or (kind, content, strip_left, strip_right), kind one of
# "{" (output), "&" (raw output), "#", "/", "^", "e" (else), "!", ">", "*" (inline open).
_Token: TypeAlias = list[Any]


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    pos = 0
    for match in _TAG.finditer(text):
        if match.start() > pos:
            tokens.append(["text", text[pos : match.start()]])
        pos = match.end()
        left, dash_comment, comment, triple, triple_body, body, right = match.groups()
        if dash_comment is not None or comment is not None:
            tokens.append(["!", "", left, right])
            continue
        if triple is not None:
            tokens.append(["&", triple_body.strip(), left, right])
            continue
        content = body.strip()
        if not content:
            raise TemplateSyntaxError("Empty expression {{}}.")
        head = content[0]
        if content == "else" or content.startswith("else "):
            tokens.append(["e", content[4:].strip(), left, right])
        elif head == "#" and content[1:].lstrip().startswith("*"):
            tokens.append(["*", content[1:].lstrip()[1:].strip(), left, right])
        elif head in "#/^>&":
            tokens.append([head, content[1:].strip(), left, right])
        else:
            tokens.append(["{", content, left, right])
    if pos < len(text):
        tokens.append(["text", text[pos:]])
    if "{{" in "".join(t[1] for t in tokens if t[0] == "text"):
        raise TemplateSyntaxError("Unclosed expression: '{{' without '}}'.")
    _apply_tildes(tokens)
    return tokens


def _apply_tildes(tokens: list[_Token]) -> None:
    for i, token in enumerate(tokens):
        if token[0] == "text":
            continue
        if token[2] and i > 0 and tokens[i - 1][0] == "text":
            tokens[i - 1][1] = tokens[i - 1][1].rstrip()
        if token[3] and i + 1 < len(tokens) and tokens[i + 1][0] == "text":
            tokens[i + 1][1] = tokens[i + 1][1].lstrip()


def _strip_standalone(tokens: list[_Token]) -> list[_Token]:
    """Handlebars drops the line of a block, else, comment or partial tag standing alone on it.

    Decided on the text as written, then applied, so consecutive standalone
    lines (``{{/each}}`` then ``{{/if}}``) are all dropped.
    """
    last = len(tokens) - 1
    texts = [t[1] if t[0] == "text" else None for t in tokens]

    def clear_before(i: int) -> bool:
        if i == 0:
            return True
        head = texts[i - 1]
        if head is None:
            return False
        cut = head.rfind("\n")
        if cut == -1:
            return i == 1 and not head.strip(" \t")
        return not head[cut + 1 :].strip(" \t")

    def clear_after(i: int) -> bool:
        if i == last:
            return True
        tail = texts[i + 1]
        if tail is None:
            return False
        cut = tail.find("\n")
        if cut == -1:
            return i + 1 == last and not tail.strip(" \t")
        return not tail[:cut].strip(" \t\r")

    standalone = [
        i
        for i, token in enumerate(tokens)
        if token[0] in _STANDALONE_KINDS and clear_before(i) and clear_after(i)
    ]
    for i in standalone:
        if i > 0:
            head = tokens[i - 1][1]
            tokens[i - 1][1] = head[: head.rfind("\n") + 1]
        if i < last:
            tail = tokens[i + 1][1]
            tokens[i + 1][1] = tail[tail.find("\n") + 1 :] if "\n" in tail else ""
    return [t for t in tokens if t[0] != "text" or t[1]]


# -- parsing -----------------------------------------------------------------------------------


def _parse(
    tokens: list[_Token], pos: int, closing: str | None, partials: dict[str, tuple[Node, ...]]
) -> tuple[tuple[Node, ...], int]:
    """Nodes from ``pos`` up to the ``{{/closing}}`` or ``{{else}}`` (not consumed)."""
    nodes: list[Node] = []
    while pos < len(tokens):
        token = tokens[pos]
        kind = token[0]
        if kind == "text":
            nodes.append(token[1])
        elif kind in ("/", "e"):
            if closing is None:
                raise TemplateSyntaxError(
                    f"{{{{{'/' + token[1] if kind == '/' else 'else'}}}}} without an open block."
                )
            return tuple(nodes), pos
        elif kind == "!":
            pass
        elif kind in ("{", "&"):
            nodes.append(_output(token[1]))
        elif kind == ">":
            words = _split(token[1])
            if not words:
                raise TemplateSyntaxError("A partial needs a name: {{> name}}.")
            name = words[0]
            nodes.append(Partial(name.strip("\"'"), _arg(words[1]) if len(words) > 1 else None))
        elif kind == "*":
            words = _split(token[1])
            if len(words) != 2 or words[0] != "inline":
                raise TemplateSyntaxError(f"Unsupported decorator {{{{#*{token[1]}}}}}.")
            body, pos = _parse(tokens, pos + 1, "inline", partials)
            _expect_close(tokens, pos, "inline")
            partials[words[1].strip("\"'")] = body
        elif kind == "^":
            raise TemplateSyntaxError(f"Inverse sections {{{{^{token[1]}}}}} are not supported.")
        else:  # "#"
            block, pos = _parse_block(tokens, pos, partials)
            nodes.append(block)
        pos += 1
    if closing is not None:
        raise TemplateSyntaxError(f"{{{{#{closing}}}}} is not closed.")
    return tuple(nodes), pos


def _parse_block(
    tokens: list[_Token], pos: int, partials: dict[str, tuple[Node, ...]]
) -> tuple[Block, int]:
    """The block opened at ``pos``, and the position of its closing tag."""
    words = _split(tokens[pos][1])
    if not words:
        raise TemplateSyntaxError("A block needs a helper: {{#if ...}}.")
    helper = words[0]
    if helper not in BLOCK_HELPERS:
        raise TemplateSyntaxError(f"Unsupported block helper '{helper}'.")
    args = tuple(_arg(w) for w in words[1:])
    if len(args) != 1:
        raise TemplateSyntaxError(f"{{{{#{helper}}}}} takes one argument.")
    body, pos = _parse(tokens, pos + 1, helper, partials)
    inverse: tuple[Node, ...] = ()
    if tokens[pos][0] == "e":
        if tokens[pos][1]:
            raise TemplateSyntaxError("Chained {{else if}} is not supported.")
        inverse, pos = _parse(tokens, pos + 1, helper, partials)
        if tokens[pos][0] == "e":
            raise TemplateSyntaxError(f"Two {{{{else}}}} in one {{{{#{helper}}}}}.")
    _expect_close(tokens, pos, helper)
    return Block(helper, args, body, inverse), pos


def _expect_close(tokens: list[_Token], pos: int, helper: str) -> None:
    if tokens[pos][0] != "/" or tokens[pos][1] != helper:
        raise TemplateSyntaxError(f"{{{{#{helper}}}}} is closed by {{{{/{tokens[pos][1]}}}}}.")


def _output(content: str) -> Output:
    words = _split(content)
    if len(words) == 1:
        return Output(_arg(words[0]), None, ())
    if words[0] == "lookup" and len(words) == 3:
        return Output(_arg(words[1]), "lookup", (_arg(words[2]),))
    raise TemplateSyntaxError(f"Unsupported helper in {{{{{content}}}}}.")


def _split(content: str) -> list[str]:
    words = []
    pos = 0
    while pos < len(content):
        match = _ARG.match(content, pos)
        if match is None or match.end() == pos:
            break
        if match.group(0).strip():
            words.append(match.group(0).strip())
        pos = match.end()
    if content[pos:].strip():
        raise TemplateSyntaxError(f"Cannot parse {{{{{content}}}}}.")
    return words


def _arg(word: str) -> Arg:
    if word[0] in "\"'":
        return Literal(word[1:-1])
    if word in ("true", "false", "null"):
        return Literal(json.loads(word))
    if re.fullmatch(r"-?\d+(?:\.\d+)?", word):
        return Literal(json.loads(word))
    return _path(word)


def _path(word: str) -> Path:
    up = 0
    rest = word
    while rest.startswith("../"):
        up += 1
        rest = rest[3:]
    if rest in ("this", "."):
        parts: tuple[str, ...] = ()
    else:
        if rest.startswith("this.") or rest.startswith("./"):
            rest = rest[5:] if rest.startswith("this.") else rest[2:]
        parts = tuple(re.split(r"[./]", rest))
        if not all(parts):
            raise TemplateSyntaxError(f"Invalid path '{word}'.")
    return Path(word, up, parts)


def _check_partials(nodes: tuple[Node, ...], partials: dict[str, tuple[Node, ...]]) -> None:
    for node in nodes:
        if isinstance(node, Partial) and node.name not in partials:
            raise TemplateSyntaxError(f"The partial {node.name} could not be found.")
        if isinstance(node, Block):
            _check_partials(node.body, partials)
            _check_partials(node.inverse, partials)


# -- rendering ---------------------------------------------------------------------------------


class _Frame(NamedTuple):
    this: Any
    parent: _Frame | None
    root: Any
    private: dict[str, Any]  # @index, @key, @first, @last


def _resolve(path: Arg, frame: _Frame) -> Any:
    if isinstance(path, Literal):
        return path.value
    parts = path.parts
    if parts and parts[0].startswith("@"):
        name = parts[0][1:]
        if name == "root":
            value = frame.root
        else:
            found: _Frame | None = frame
            for _ in range(path.up):
                found = found.parent if found and found.parent else found
            value = found.private.get(name, MISSING) if found else MISSING
        return _walk(value, parts[1:])
    target = frame
    for _ in range(path.up):
        if target.parent is not None:
            target = target.parent
    return _walk(target.this, parts)


def _walk(value: Any, parts: tuple[str, ...]) -> Any:
    for part in parts:
        if isinstance(value, dict):
            value = value.get(part, MISSING)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        elif isinstance(value, list) and part == "length":
            value = len(value)
        else:
            return MISSING
    return value


def text_of(value: Any) -> str:
    """How a JSON value prints: as JavaScript would, and without HTML escaping."""
    if isinstance(value, str):
        return value
    if value is None or value is MISSING:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e21 else repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return ",".join(text_of(item) for item in value)
    return "[object Object]"


def truthy(value: Any) -> bool:
    """Handlebars' truth: false, null, missing, "", 0 and [] are false; {} is true."""
    if isinstance(value, dict):
        return True
    return bool(value)


def _render(
    nodes: tuple[Node, ...], frame: _Frame, partials: dict[str, tuple[Node, ...]],
    out: list[str], depth: int,
) -> None:  # fmt: skip
    append = out.append
    for node in nodes:
        if type(node) is str:
            append(node)
        elif type(node) is Output:
            value = _resolve(node.expr, frame)
            if node.helper == "lookup":
                key = text_of(_resolve(node.args[0], frame))
                value = _walk(value, (key,)) if value is not MISSING else MISSING
                if value is MISSING:
                    value = None  # lookup of an absent key prints nothing, as in Handlebars
            if value is MISSING:
                expr = node.expr
                raise MissingVariable(expr.text if isinstance(expr, Path) else str(expr.value))
            append(text_of(value))
        elif type(node) is Block:
            _block(node, frame, partials, out, depth)
        elif type(node) is Partial:
            if depth > 32:
                raise TemplateSyntaxError(f"The partial {node.name} includes itself too deeply.")
            inner = frame
            if node.context is not None:
                value = _resolve(node.context, frame)
                inner = _Frame(value, frame, frame.root, {})
            _render(partials[node.name], inner, partials, out, depth + 1)


def _block(
    node: Block, frame: _Frame, partials: dict[str, tuple[Node, ...]], out: list[str], depth: int
) -> None:
    value = _resolve(node.args[0], frame)
    helper = node.helper
    if helper in ("if", "unless"):
        chosen = node.body if truthy(value) == (helper == "if") else node.inverse
        _render(chosen, frame, partials, out, depth)
    elif helper == "with":
        if truthy(value):
            _render(node.body, _Frame(value, frame, frame.root, {}), partials, out, depth)
        else:
            _render(node.inverse, frame, partials, out, depth)
    else:  # each
        items: list[tuple[Any, Any]]
        if isinstance(value, list):
            items = list(enumerate(value))
        elif isinstance(value, dict):
            items = list(value.items())
        else:
            items = []
        if not items:
            _render(node.inverse, frame, partials, out, depth)
            return
        last = len(items) - 1
        for i, (key, item) in enumerate(items):
            private: dict[str, Any] = {"index": i, "first": i == 0, "last": i == last}
            if isinstance(value, dict):
                private["key"] = key
            _render(node.body, _Frame(item, frame, frame.root, private), partials, out, depth)


Renderer: TypeAlias = Callable[[Any], str]
