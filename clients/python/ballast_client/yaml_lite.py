"""A small YAML reader for config.yaml files, standard library only.

Reads the YAML that people write for a TrainingConfig and everything canonical_yaml() writes,
resolving plain scalars by the YAML 1.2 core schema as the server does (only true/false are
booleans; `yes`, `on` and `2024-01-01` stay strings):
  - block mappings and block sequences (including `- key: value` items and `- - x`),
  - plain, 'single-quoted' and "double-quoted" scalars (with JSON/YAML escapes),
  - flow collections written on one line: [0.9, 0.999], {warmup: 500, min_lr: 0.0},
  - comments, a leading `---` and a trailing `...`.
Not supported (a YamlError names the line): anchors and aliases, tags, block scalars (| and >),
multi-line flow collections or plain scalars spanning lines, several documents. JSON parses too,
when it fits those rules; TrainingConfig.load() reads *.json files with the json module instead.
"""

import math
import re
from typing import Any, Dict, List, Optional, Tuple

__all__ = ["YamlError", "parse_yaml"]


class YamlError(ValueError):
    def __init__(self, line: int, message: str) -> None:
        super().__init__("Invalid config YAML: %s at line %d" % (message, line))
        self.line = line


_INT_RE = re.compile(r"[-+]?[0-9]+")
_OCT_RE = re.compile(r"0o[0-7]+")
_HEX_RE = re.compile(r"0x[0-9a-fA-F]+")
_FLOAT_RE = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_INF_RE = re.compile(r"[-+]?\.(?:inf|Inf|INF)")
_NAN_RE = re.compile(r"\.(?:nan|NaN|NAN)")


def _resolve_plain(text: str) -> Any:
    if text in ("", "~", "null", "Null", "NULL"):
        return None
    if text in ("true", "True", "TRUE"):
        return True
    if text in ("false", "False", "FALSE"):
        return False
    if _INT_RE.fullmatch(text):
        return int(text)
    if _OCT_RE.fullmatch(text):
        return int(text[2:], 8)
    if _HEX_RE.fullmatch(text):
        return int(text[2:], 16)
    if _FLOAT_RE.fullmatch(text):
        return float(text)
    if _INF_RE.fullmatch(text):
        return -math.inf if text.startswith("-") else math.inf
    if _NAN_RE.fullmatch(text):
        return math.nan
    return text


_DQ_ESCAPES = {
    "0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v", "f": "\f", "r": "\r", "e": "\x1b",
    " ": " ", '"': '"', "/": "/", "\\": "\\", "N": "\x85", "_": "\xa0", "L": "\u2028", "P": "\u2029",
}


class _Cursor:
    """Scans one line's content from a position; flow and quoted scalars live on one line."""

    def __init__(self, text: str, line: int) -> None:
        self.text = text
        self.pos = 0
        self.line = line

    def error(self, message: str) -> YamlError:
        return YamlError(self.line, message)

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def skip_spaces(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos] in " \t":
            self.pos += 1

    def at_end(self) -> bool:
        """True at the end of the line or at a comment."""
        self.skip_spaces()
        return self.pos >= len(self.text) or self.text[self.pos] == "#"

    def double_quoted(self) -> str:
        self.pos += 1
        out: List[str] = []
        while True:
            if self.pos >= len(self.text):
                raise self.error("unterminated double-quoted string (multi-line strings are not supported)")
            char = self.text[self.pos]
            if char == '"':
                self.pos += 1
                return "".join(out)
            if char == "\\":
                code = self.text[self.pos + 1: self.pos + 2]
                if code in _DQ_ESCAPES:
                    out.append(_DQ_ESCAPES[code])
                    self.pos += 2
                    continue
                width = {"x": 2, "u": 4, "U": 8}.get(code)
                digits = self.text[self.pos + 2: self.pos + 2 + width] if width else ""
                if not width or not re.fullmatch(r"[0-9a-fA-F]{%d}" % width, digits):
                    raise self.error("invalid escape \\%s" % code)
                point = int(digits, 16)
                self.pos += 2 + width
                # A surrogate pair written as two \u escapes (JSON style) is one code point.
                if 0xD800 <= point < 0xDC00 and re.match(r"\\u[dD][c-fC-F][0-9a-fA-F]{2}", self.text[self.pos: self.pos + 6]):
                    low = int(self.text[self.pos + 2: self.pos + 6], 16)
                    point = 0x10000 + ((point - 0xD800) << 10) + (low - 0xDC00)
                    self.pos += 6
                out.append(chr(point))
                continue
            out.append(char)
            self.pos += 1

    def single_quoted(self) -> str:
        self.pos += 1
        out: List[str] = []
        while True:
            if self.pos >= len(self.text):
                raise self.error("unterminated single-quoted string (multi-line strings are not supported)")
            char = self.text[self.pos]
            if char == "'":
                if self.text[self.pos + 1: self.pos + 2] == "'":
                    out.append("'")
                    self.pos += 2
                    continue
                self.pos += 1
                return "".join(out)
            out.append(char)
            self.pos += 1

    def plain(self, flow: bool) -> str:
        """A plain scalar up to ': ', ' #', the end of the line, or (in flow) , [ ] { }."""
        start = self.pos
        while self.pos < len(self.text):
            char = self.text[self.pos]
            nxt = self.text[self.pos + 1: self.pos + 2]
            if char == ":" and (nxt == "" or nxt in " \t" or (flow and nxt in ",[]{}")):
                break
            if char == "#" and self.pos > start and self.text[self.pos - 1] in " \t":
                break
            if flow and char in ",[]{}":
                break
            self.pos += 1
        return self.text[start: self.pos].rstrip(" \t")

    def scalar(self, flow: bool) -> Any:
        char = self.peek()
        if char == '"':
            return self.double_quoted()
        if char == "'":
            return self.single_quoted()
        if char in ("&", "*", "!"):
            raise self.error("anchors, aliases and tags are not supported")
        if char in ("|", ">"):
            raise self.error("block scalars (| and >) are not supported")
        if char == "@" or char == "`":
            raise self.error("a plain scalar cannot start with %s" % char)
        return _resolve_plain(self.plain(flow))

    def flow(self) -> Any:
        self.skip_spaces()
        char = self.peek()
        if char == "[":
            self.pos += 1
            items: List[Any] = []
            while True:
                self.skip_spaces()
                if self.peek() == "]":
                    self.pos += 1
                    return items
                if self.peek() == "":
                    raise self.error("unterminated flow sequence (flow collections must fit on one line)")
                items.append(self.flow())
                self.skip_spaces()
                if self.peek() == ",":
                    self.pos += 1
                elif self.peek() != "]":
                    raise self.error("expected , or ] in a flow sequence")
        if char == "{":
            self.pos += 1
            mapping: Dict[str, Any] = {}
            while True:
                self.skip_spaces()
                if self.peek() == "}":
                    self.pos += 1
                    return mapping
                if self.peek() == "":
                    raise self.error("unterminated flow mapping (flow collections must fit on one line)")
                key = self.flow()
                self.skip_spaces()
                value: Any = None
                if self.peek() == ":":
                    self.pos += 1
                    self.skip_spaces()
                    value = None if self.peek() in (",", "}") else self.flow()
                _put(mapping, key, value, self)
                self.skip_spaces()
                if self.peek() == ",":
                    self.pos += 1
                elif self.peek() != "}":
                    raise self.error("expected , or } in a flow mapping")
        return self.scalar(flow=True)


def _put(mapping: Dict[str, Any], key: Any, value: Any, cursor: _Cursor) -> None:
    if isinstance(key, (dict, list)):
        raise cursor.error("complex mapping keys are not supported")
    # The server's YAML (core schema) turns every key into a string when it builds JSON.
    key = _key_string(key)
    if key in mapping:
        raise cursor.error('map keys must be unique; "%s" is repeated' % key)
    mapping[key] = value


def _key_string(key: Any) -> str:
    if isinstance(key, str):
        return key
    if key is None:
        return ""
    if isinstance(key, bool):
        return "true" if key else "false"
    from .canonical import js_number

    return js_number(key) if isinstance(key, int) or math.isfinite(key) else ("NaN" if math.isnan(key) else "Infinity" if key > 0 else "-Infinity")


_Line = Tuple[int, str, int]  # (indent, content, line number)


def _lines(text: str) -> List[_Line]:
    out: List[_Line] = []
    if text.startswith("\ufeff"):
        text = text[1:]
    for number, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1):
        stripped = raw.lstrip(" ")
        if "\t" in raw[: len(raw) - len(stripped)]:
            raise YamlError(number, "tabs are not allowed in indentation")
        content = stripped.rstrip(" \t")
        if content == "" or content.startswith("#"):
            continue
        if content in ("---", "...") or content.startswith("--- ") or content.startswith("%"):
            if out and content != "...":
                raise YamlError(number, "only one YAML document is supported")
            if content.startswith("--- ") and not _Cursor(content[4:], number).at_end():
                raise YamlError(number, "content after --- is not supported")
            continue
        out.append((len(raw) - len(stripped), content, number))
    return out


def _is_seq_item(content: str) -> bool:
    return content == "-" or content.startswith("- ")


def _split_key(content: str, number: int) -> Optional[Tuple[Any, str]]:
    """(key, rest after ':') when the line is a mapping entry, else None."""
    cursor = _Cursor(content, number)
    if cursor.peek() in ("[", "{"):
        return None
    if cursor.peek() in ('"', "'"):
        key: Any = cursor.scalar(flow=False)
        cursor.skip_spaces()
        if cursor.peek() != ":":
            return None
    else:
        if cursor.peek() == "?":
            raise cursor.error("explicit keys (?) are not supported")
        start = cursor.pos
        cursor.plain(flow=False)
        if cursor.peek() != ":":
            return None
        key = _resolve_plain(content[start: cursor.pos].rstrip(" \t"))
    cursor.pos += 1
    return key, content[cursor.pos:]


class _Parser:
    def __init__(self, lines: List[_Line]) -> None:
        self.lines = lines

    def inline_value(self, rest: str, number: int) -> Any:
        cursor = _Cursor(rest, number)
        cursor.skip_spaces()
        value = cursor.flow() if cursor.peek() in ("[", "{") else cursor.scalar(flow=False)
        if not cursor.at_end():
            raise cursor.error("unexpected text after a value")
        return value

    def node(self, i: int, indent: int) -> Tuple[Any, int]:
        """The block node whose lines start at i with this indent; returns (value, next line)."""
        _, content, number = self.lines[i]
        if _is_seq_item(content):
            return self.sequence(i, indent)
        if _split_key(content, number) is not None:
            return self.mapping(i, indent)
        value = self.inline_value(content, number)
        if i + 1 < len(self.lines) and self.lines[i + 1][0] > indent:
            raise YamlError(self.lines[i + 1][2], "multi-line plain scalars are not supported")
        return value, i + 1

    def child(self, i: int, parent_indent: int, allow_same_indent_seq: bool) -> Tuple[Any, int]:
        """The value of `key:` or `-` with nothing after it: the nested block on the next lines, or null."""
        if i < len(self.lines):
            indent, content, _ = self.lines[i]
            if indent > parent_indent or (allow_same_indent_seq and indent == parent_indent and _is_seq_item(content)):
                return self.node(i, indent)
        return None, i

    def mapping(self, i: int, indent: int) -> Tuple[Dict[str, Any], int]:
        out: Dict[str, Any] = {}
        while i < len(self.lines):
            line_indent, content, number = self.lines[i]
            if line_indent < indent:
                break
            if line_indent > indent:
                raise YamlError(number, "unexpected indentation")
            split = _split_key(content, number)
            if split is None:
                raise YamlError(number, "expected `key: value` in a mapping")
            key, rest = split
            cursor = _Cursor(rest, number)
            if cursor.at_end():
                value, i = self.child(i + 1, indent, allow_same_indent_seq=True)
            else:
                value = self.inline_value(rest, number)
                i += 1
                if i < len(self.lines) and self.lines[i][0] > indent:
                    raise YamlError(self.lines[i][2], "unexpected indentation (multi-line values are not supported)")
            _put(out, key, value, cursor)
        return out, i

    def sequence(self, i: int, indent: int) -> Tuple[List[Any], int]:
        out: List[Any] = []
        while i < len(self.lines):
            line_indent, content, number = self.lines[i]
            if line_indent < indent:
                break
            if line_indent > indent:
                raise YamlError(number, "unexpected indentation")
            if not _is_seq_item(content):
                break
            rest = content[1:]
            body = rest.lstrip(" ")
            if body == "" or body.startswith("#"):
                value, i = self.child(i + 1, indent, allow_same_indent_seq=False)
            else:
                column = indent + 1 + (len(rest) - len(body))
                if _is_seq_item(body) or _split_key(body, number) is not None:
                    # `- key: v` or `- - x`: the item is a block that starts at this column.
                    self.lines[i] = (column, body, number)
                    value, i = self.node(i, column)
                else:
                    value = self.inline_value(body, number)
                    i += 1
                    if i < len(self.lines) and self.lines[i][0] > indent:
                        raise YamlError(self.lines[i][2], "unexpected indentation (multi-line values are not supported)")
            out.append(value)
        return out, i


def parse_yaml(text: str) -> Any:
    """Parses one YAML document (the subset above) into dicts, lists, str, int, float, bool, None."""
    lines = _lines(text)
    if not lines:
        return None
    parser = _Parser(lines)
    value, i = parser.node(0, lines[0][0])
    if i < len(lines):
        raise YamlError(lines[i][2], "unexpected text after the document (check the indentation)")
    return value
