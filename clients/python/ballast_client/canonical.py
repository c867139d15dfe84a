"""Canonical JSON and YAML of a TrainingConfig, byte-identical to server/domain/canonical-config.ts.

canonical_json(value) is RFC 8785 (JSON Canonicalization Scheme): no whitespace, keys sorted by
UTF-16 code units, numbers as ECMAScript's Number.prototype.toString, strings as JSON.stringify.
canonical_yaml(value) is the block-style YAML whose rules are documented at the top of
canonical-config.ts; it reads back identically under YAML 1.2 (core schema) and YAML 1.1.

Python integers are numbers: like JSON.parse on the server, an integer beyond 2**53 is rounded to
the nearest double before it is written (12345678901234567890 -> 12345678901234567000).
"""

import math
import re
from typing import Any, List, Optional, Tuple, Union

__all__ = ["CanonicalFormError", "canonical_json", "canonical_yaml", "js_number", "js_string"]


class CanonicalFormError(ValueError):
    """A value that has no canonical form (NaN, a set, a lone surrogate, a cycle...)."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__("cannot canonicalise %s: %s" % (path or "(root)", reason))
        self.path = path
        self.reason = reason


def _float_of(value: Union[int, float], path: str) -> float:
    if isinstance(value, int):
        try:
            return float(value)
        except OverflowError:
            raise CanonicalFormError(path, "Infinity is not a JSON number") from None
    return value


def _non_finite_name(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    return "Infinity" if value > 0 else "-Infinity"


def js_number(value: Union[int, float], path: str = "") -> str:
    """ECMAScript Number.prototype.toString of the double nearest to value (-0 is written 0)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise CanonicalFormError(path, "%s is not a number" % type(value).__name__)
    number = _float_of(value, path)
    if not math.isfinite(number):
        raise CanonicalFormError(path, "%s is not a JSON number" % _non_finite_name(number))
    if number == 0:
        return "0"
    text = repr(number)  # shortest digits that round-trip, as ECMAScript asks
    sign = ""
    if text.startswith("-"):
        sign, text = "-", text[1:]
    mantissa, _, exponent_text = text.partition("e")
    exponent = int(exponent_text) if exponent_text else 0
    int_part, _, frac_part = mantissa.partition(".")
    all_digits = int_part + frac_part
    stripped = all_digits.lstrip("0")
    leading_zeros = len(all_digits) - len(stripped)
    digits = stripped.rstrip("0")
    k = len(digits)
    n = len(int_part) - leading_zeros + exponent  # value = 0.<digits> x 10^n
    if k <= n <= 21:
        out = digits + "0" * (n - k)
    elif 0 < n <= 21:
        out = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        out = "0." + "0" * (-n) + digits
    else:
        e = n - 1
        exp = ("+" if e >= 0 else "-") + str(abs(e))
        out = (digits if k == 1 else digits[0] + "." + digits[1:]) + "e" + exp
    return sign + out


def _yaml_number(json_text: str) -> str:
    mantissa, sep, exponent = json_text.partition("e")
    if not sep or "." in mantissa:
        return json_text
    return mantissa + ".0e" + exponent


_JSON_SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_JSON_ESCAPE_RE = re.compile('["\\\\\x00-\x1f]')
_YAML_ESCAPE_RE = re.compile('["\\\\\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]')
_SURROGATE_RE = re.compile("[\ud800-\udfff]")
_PLAIN_STRING_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_ ./+-]*")
_YAML_RESERVED_WORDS = frozenset(["true", "false", "yes", "no", "on", "off", "y", "n", "null"])
_YAML_IMPLICIT_KEY_LIMIT = 1024


def _escape(match: "re.Match[str]") -> str:
    char = match.group(0)
    return _JSON_SHORT_ESCAPES.get(char) or "\\u%04x" % ord(char)


def js_string(value: str) -> str:
    """JSON.stringify of a string: short escapes, other controls as \\u00xx, the rest raw."""
    return '"' + _JSON_ESCAPE_RE.sub(_escape, value) + '"'


def _yaml_string(value: str) -> str:
    if _PLAIN_STRING_RE.fullmatch(value) and not value.endswith(" ") and value.lower() not in _YAML_RESERVED_WORDS:
        return value
    return '"' + _YAML_ESCAPE_RE.sub(_escape, value) + '"'


def _check_string(value: str, path: str) -> None:
    # A Python str holding a surrogate code point is what JavaScript calls a lone surrogate.
    if _SURROGATE_RE.search(value):
        raise CanonicalFormError(path, "string holds a lone UTF-16 surrogate")


def _child_path(path: str, key: Union[str, int]) -> str:
    if isinstance(key, int):
        return "%s[%d]" % (path, key)
    return key if path == "" else "%s.%s" % (path, key)


# A node is ("scalar", json, yaml) | ("array", [nodes]) | ("object", [(key, node)]).
_Node = Tuple[Any, ...]


def _node(value: Any, path: str, ancestors: List[int]) -> _Node:
    if value is None:
        return ("scalar", "null", "null")
    if isinstance(value, bool):
        text = "true" if value else "false"
        return ("scalar", text, text)
    if isinstance(value, (int, float)):
        text = js_number(value, path)
        return ("scalar", text, _yaml_number(text))
    if isinstance(value, str):
        _check_string(value, path)
        return ("scalar", js_string(value), _yaml_string(value))
    if isinstance(value, (list, tuple, dict)):
        if id(value) in ancestors:
            raise CanonicalFormError(path, "value refers to itself")
        ancestors.append(id(value))
        try:
            if isinstance(value, dict):
                for key in value:
                    if not isinstance(key, str):
                        raise CanonicalFormError(_child_path(path, str(key)), "map keys must be strings, not %s" % type(key).__name__)
                    _check_string(key, _child_path(path, key))
                entries = [
                    (key, _node(value[key], _child_path(path, key), ancestors))
                    for key in sorted(value, key=lambda k: k.encode("utf-16-be"))
                ]
                return ("object", entries)
            return ("array", [_node(item, _child_path(path, index), ancestors) for index, item in enumerate(value)])
        finally:
            ancestors.pop()
    raise CanonicalFormError(path, "%s is not a JSON value" % type(value).__name__)


def _to_json(node: _Node) -> str:
    if node[0] == "scalar":
        return node[1]
    if node[0] == "array":
        return "[" + ",".join(_to_json(item) for item in node[1]) + "]"
    return "{" + ",".join(js_string(key) + ":" + _to_json(item) for key, item in node[1]) + "}"


def _inline_yaml(node: _Node) -> Optional[str]:
    if node[0] == "scalar":
        return node[2]
    if not node[1]:
        return "[]" if node[0] == "array" else "{}"
    return None


def _yaml_key(key: str) -> str:
    emitted = _yaml_string(key)
    if len(emitted) > _YAML_IMPLICIT_KEY_LIMIT:
        raise CanonicalFormError(key[:40], "map keys are limited to %d characters in YAML" % _YAML_IMPLICIT_KEY_LIMIT)
    return emitted


def _block_lines(node: _Node) -> List[str]:
    lines: List[str] = []
    if node[0] == "object":
        for key, item in node[1]:
            inline = _inline_yaml(item)
            if inline is not None:
                lines.append("%s: %s" % (_yaml_key(key), inline))
            else:
                lines.append("%s:" % _yaml_key(key))
                lines.extend("  " + line for line in _block_lines(item))
    elif node[0] == "array":
        for item in node[1]:
            inline = _inline_yaml(item)
            if inline is not None:
                lines.append("- " + inline)
            else:
                for index, line in enumerate(_block_lines(item)):
                    lines.append(("- " if index == 0 else "  ") + line)
    return lines


def canonical_json(value: Any) -> str:
    """RFC 8785 canonical JSON of a JSON-like value (dict, list, tuple, str, int, float, bool, None)."""
    return _to_json(_node(value, "", []))


def canonical_yaml(value: Any) -> str:
    """Canonical block YAML of a JSON-like value, one trailing newline."""
    node = _node(value, "", [])
    inline = _inline_yaml(node)
    return (inline if inline is not None else "\n".join(_block_lines(node))) + "\n"
