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
    """A compiled template: a generated function per program (the template, each partial)."""

    main: _Program
    partials: dict[str, _Program]

    def render(self, data: Any) -> str:
        out: list[str] = []
        self.main((data, None, data, {}), self.partials, out, 0)
        return "".join(out)


@functools.lru_cache(maxsize=512)
def compile_template(text: str) -> Compiled:
    """``text`` compiled; raises :class:`TemplateSyntaxError`."""
    tokens = _strip_standalone(_tokenize(text))
    partials: dict[str, tuple[Node, ...]] = {}
    try:
        nodes, _ = _parse(tokens, 0, None, partials)
    except RecursionError:
        raise TemplateSyntaxError("The template nests blocks too deeply.") from None
    _check_partials(nodes, partials)
    for body in list(partials.values()):
        _check_partials(body, partials)
    # Without an "@" anywhere no expression reads @index and the like: loops need not set them.
    private = "@" in text
    return Compiled(
        _generate(nodes, private),
        {name: _generate(body, private) for name, body in partials.items()},
    )


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


# A frame: (this, the parent frame, the root data, private variables such as @index).
_Frame: TypeAlias = tuple[Any, Any, Any, dict[str, Any]]
_Program: TypeAlias = Callable[[_Frame, dict[str, Any], list[str], int], None]


def _resolve(path: Arg, frame: _Frame) -> Any:
    if isinstance(path, Literal):
        return path.value
    parts = path.parts
    if parts and parts[0].startswith("@"):
        name = parts[0][1:]
        if name == "root":
            value = frame[2]
        else:
            found = frame
            for _ in range(path.up):
                found = found[1] if found[1] is not None else found
            value = found[3].get(name, MISSING)
        return _walk(value, parts[1:])
    target = frame
    for _ in range(path.up):
        if target[1] is not None:
            target = target[1]
    return _walk(target[0], parts)


def _getter(arg: Arg) -> Callable[[_Frame], Any]:
    """A function giving ``arg``'s value in a frame, where generated code does not inline it."""
    if isinstance(arg, Literal):
        value = arg.value
        return lambda frame: value
    if arg.up or (arg.parts and arg.parts[0].startswith("@")):
        return lambda frame: _resolve(arg, frame)
    parts = arg.parts
    return lambda frame: _walk(frame[0], parts)


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
    if type(value) is int:  # the commonest value that is not a string: a quantity, an id
        return str(value)
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


def _printed(value: Any, expr: Arg) -> str:
    if value is MISSING:
        raise MissingVariable(expr.text if isinstance(expr, Path) else str(expr.value))
    return text_of(value)


def _looked_up(value: Any, key: Any) -> Any:
    if value is MISSING:
        return MISSING
    found = _walk(value, (text_of(key),))
    return None if found is MISSING else found  # an absent key prints nothing


def _items(value: Any) -> list[tuple[Any, Any]]:
    if isinstance(value, list):
        return list(enumerate(value))
    if isinstance(value, dict):
        return list(value.items())
    return []


def _values(value: Any) -> list[Any]:
    """:func:`_items` without the keys, for loops whose body reads no ``@`` variable."""
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        return list(value.values())
    return []


def _too_deep(name: str) -> None:
    raise TemplateSyntaxError(f"The partial {name} includes itself too deeply.")


def _generate(nodes: tuple[Node, ...], private: bool = True) -> _Program:
    """``nodes`` as one Python function: no tree walk, no call per node when rendering.

    ``private``: whether loops set @index, @key, @first and @last (else they keep their
    frame's, which nothing reads).
    """
    writer = _Writer(private)
    writer.emit(nodes, "f0", 0, " ")
    try:
        code = compile("\n".join(writer.lines), "<pytest-ses template>", "exec")
    except (SyntaxError, RecursionError, MemoryError):  # CPython's limits on nested blocks
        raise TemplateSyntaxError("The template nests blocks too deeply.") from None
    exec(code, writer.names)
    program: _Program = writer.names["program"]
    return program


class _Writer:
    """Writes a program's source; its constants and helpers go in ``names``, its globals."""

    def __init__(self, private: bool = True) -> None:
        self.private = private
        self.names: dict[str, Any] = {
            "MISSING": MISSING, "_walk": _walk, "_printed": _printed, "_looked_up": _looked_up,
            "_items": _items, "_values": _values, "_too_deep": _too_deep,
        }  # fmt: skip
        # Frame fN's ``this`` is also in sN: read without indexing the frame.
        self.lines = ["def program(f0, partials, out, depth):", " a = out.append", " s0 = f0[0]"]

    def const(self, value: Any) -> str:
        name = f"c{len(self.names)}"
        self.names[name] = value
        return name

    def value_of(self, arg: Arg, frame: str, pad: str) -> str:
        """An expression for ``arg``'s value; a path of plain names or ``this`` is read inline.

        A dotted path is walked by statements written first, into ``t``, one name a line.
        """
        this = "s" + frame[1:]
        if isinstance(arg, Path) and not arg.up and arg.parts and arg.parts[0][0] != "@":
            parts = arg.parts
            if len(parts) == 1:
                return (
                    f"({this}.get({parts[0]!r}, MISSING) if type({this}) is dict "
                    f"else _walk({this}, {self.const(parts)}))"
                )
            self.lines.append(f"{pad}t = {this}")
            for part in parts:
                self.lines.append(
                    f"{pad}t = t.get({part!r}, MISSING) if type(t) is dict "
                    f"else _walk(t, {self.const((part,))})"
                )
            return "t"
        if isinstance(arg, Path) and not arg.up and not arg.parts:
            return this
        return f"{self.const(_getter(arg))}({frame})"

    def emit(self, body: tuple[Node, ...], frame: str, level: int, pad: str) -> None:
        lines = self.lines
        if not body:
            lines.append(f"{pad}pass")
        for node in body:
            if type(node) is str:
                lines.append(f"{pad}a({node!r})")
            elif type(node) is Output:
                lines.append(f"{pad}v = {self.value_of(node.expr, frame, pad)}")
                if node.helper == "lookup":
                    key = self.value_of(node.args[0], frame, pad)
                    lines.append(f"{pad}v = _looked_up(v, {key})")
                lines.append(
                    f"{pad}a(v if type(v) is str else _printed(v, {self.const(node.expr)}))"
                )
            elif type(node) is Partial:
                inner = frame
                if node.context is not None:
                    inner = f"f{level + 1}"
                    context = self.value_of(node.context, frame, pad)
                    lines.append(f"{pad}{inner} = ({context}, {frame}, {frame}[2], {frame}[3])")
                lines.append(f"{pad}if depth > 32: _too_deep({node.name!r})")
                lines.append(f"{pad}partials[{node.name!r}]({inner}, partials, out, depth + 1)")
            elif type(node) is Block:
                self.emit_block(node, frame, level, pad)

    def emit_block(self, node: Block, frame: str, level: int, pad: str) -> None:
        lines = self.lines
        value = self.value_of(node.args[0], frame, pad)
        inner = f"f{level + 1}"
        if node.helper in ("if", "unless"):
            # truthy() inline: Handlebars' truth is Python's but for an empty {} (true)
            if value != "t":
                lines.append(f"{pad}t = {value}")
            truth = "(t or isinstance(t, dict))"
            lines.append(f"{pad}if {truth if node.helper == 'if' else 'not ' + truth}:")
            self.emit(node.body, frame, level, pad + " ")
        elif node.helper == "with":
            lines.append(f"{pad}w{level} = {value}")
            lines.append(f"{pad}if w{level} or isinstance(w{level}, dict):")
            lines.append(f"{pad} {inner} = (w{level}, {frame}, {frame}[2], {frame}[3])")
            lines.append(f"{pad} s{level + 1} = w{level}")
            self.emit(node.body, inner, level + 1, pad + " ")
        elif not self.private:  # each, in a template that reads no @ variable
            n = level
            lines.append(f"{pad}items{n} = _values({value})")
            lines.append(f"{pad}if items{n}:")
            lines.append(f"{pad} for s{n + 1} in items{n}:")
            lines.append(f"{pad}  {inner} = (s{n + 1}, {frame}, {frame}[2], {frame}[3])")
            self.emit(node.body, inner, level + 1, pad + "  ")
        else:  # each: @index, @key, @first and @last are the frame's private variables
            n = level
            lines.append(f"{pad}items{n} = _items({value})")
            lines.append(f"{pad}if items{n}:")
            lines.append(f"{pad} last{n} = len(items{n}) - 1")
            lines.append(f"{pad} for i{n}, (k{n}, it{n}) in enumerate(items{n}):")
            lines.append(
                f"{pad}  {inner} = (it{n}, {frame}, {frame}[2], {{'index': i{n}, 'key': k{n}, "
                f"'first': i{n} == 0, 'last': i{n} == last{n}}})"
            )
            lines.append(f"{pad}  s{n + 1} = it{n}")
            self.emit(node.body, inner, level + 1, pad + "  ")
        if node.inverse:
            lines.append(f"{pad}else:")
            self.emit(node.inverse, frame, level, pad + " ")
