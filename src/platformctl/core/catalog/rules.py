"""Field formats exactly as ``@backstage/catalog-model`` checks them.

Ported from ``validation/KubernetesValidatorFunctions.ts``, ``CommonValidatorFunctions.ts`` and
``makeValidator.ts`` (catalog-model 1.10.1); ``FieldFormatEntityPolicy`` applies them.  Lengths
are JavaScript ``String.length`` (UTF-16 code units); the patterns only admit ASCII anyway.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

_DNS_LABEL = re.compile(r"[a-z0-9]+(?:-+[a-z0-9]+)*\Z")
_API_SUFFIX = re.compile(r"[a-z0-9A-Z]+\Z")
_KIND = re.compile(r"[a-zA-Z][a-z0-9A-Z]*\Z")
_OBJECT_NAME = re.compile(r"(?:[A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\Z")
_TAG = re.compile(r"[a-z0-9:+#]+(?:-[a-z0-9:+#]+)*\Z")


def _js_len(value: str) -> int:
    if value.isascii():
        return len(value)
    return len(value.encode("utf-16-le")) // 2


def is_valid_dns_label(value: Any) -> bool:
    return isinstance(value, str) and 1 <= _js_len(value) <= 63 and bool(_DNS_LABEL.match(value))


def is_valid_dns_subdomain(value: Any) -> bool:
    return (
        isinstance(value, str)
        and 1 <= _js_len(value) <= 253
        and all(is_valid_dns_label(part) for part in value.split("."))
    )


def _prefix_and_or_suffix(value: Any, prefix_ok: Any, suffix_ok: Any) -> bool:
    if not isinstance(value, str):
        return False
    parts = value.split("/")
    if len(parts) == 1:
        return bool(suffix_ok(parts[0]))
    if len(parts) == 2:
        return bool(prefix_ok(parts[0]) and suffix_ok(parts[1]))
    return False


def is_valid_api_version(value: Any) -> bool:
    return isinstance(value, str) and _api_version(value)


@lru_cache(maxsize=1024)
def _api_version(value: str) -> bool:
    return _prefix_and_or_suffix(
        value,
        is_valid_dns_subdomain,
        lambda n: 1 <= _js_len(n) <= 63 and bool(_API_SUFFIX.match(n)),
    )


def is_valid_kind(value: Any) -> bool:
    return isinstance(value, str) and 1 <= _js_len(value) <= 63 and bool(_KIND.match(value))


def is_valid_object_name(value: Any) -> bool:
    return isinstance(value, str) and 1 <= _js_len(value) <= 63 and bool(_OBJECT_NAME.match(value))


is_valid_entity_name = is_valid_object_name
is_valid_namespace = is_valid_dns_label


@lru_cache(maxsize=16384)
def _label_key(value: str) -> bool:
    return _prefix_and_or_suffix(value, is_valid_dns_subdomain, is_valid_object_name)


def is_valid_label_key(value: Any) -> bool:
    # Keys repeat across thousands of entities: memoised.
    return isinstance(value, str) and _label_key(value)


def is_valid_label_value(value: Any) -> bool:
    return value == "" or is_valid_object_name(value)


is_valid_annotation_key = is_valid_label_key


def is_valid_annotation_value(value: Any) -> bool:
    return isinstance(value, str)


def is_valid_tag(value: Any) -> bool:
    return isinstance(value, str) and _tag(value)


@lru_cache(maxsize=16384)
def _tag(value: str) -> bool:
    return 1 <= _js_len(value) <= 63 and bool(_TAG.match(value))


def is_non_empty_string(value: Any) -> bool:
    # JavaScript's trim() also strips Unicode spaces; str.strip() is close enough here.
    return isinstance(value, str) and len(value.strip()) >= 1


_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.\-]*):(.*)\Z", re.S)
_SPECIAL = {"http", "https", "ws", "wss", "ftp"}
_FORBIDDEN_HOST = set(" #%/:<>?@[\\]^|\t\n\r\x00")


# http(s)://host[:port][/path...] with an ASCII host of labels and printable ASCII after it
_PLAIN_HTTP_URL = re.compile(
    r"https?://([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*)"
    r"(?::[0-9]{1,4})?(?:[/?#][!-~]*)?\Z"
)


def is_valid_url(value: Any) -> bool:
    """Approximates WHATWG ``new URL(value)`` (no base): a scheme is required, and the
    special schemes (http, https, ws, wss, ftp) need a non-empty, well-formed host."""
    if not isinstance(value, str):
        return False
    plain = _PLAIN_HTTP_URL.match(value)
    if plain:
        last = plain.group(1).rsplit(".", 1)[-1]
        # a host ending in a number is an IPv4 address to the URL parser: the general path
        if not (last.isdigit() or last[:2].lower() == "0x"):
            return True  # the common case, settled without the general walk below
    text = value.strip(
        "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f"
        "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f "
    )
    text = text.replace("\t", "").replace("\n", "").replace("\r", "")
    match = _SCHEME.match(text)
    if not match:
        return False
    scheme = match.group(1).lower()
    rest = match.group(2)
    if scheme not in _SPECIAL:
        return True
    rest = rest.lstrip("/\\")
    authority = re.split(r"[/\\?#]", rest, maxsplit=1)[0]
    host_port = authority.rsplit("@", 1)[-1]
    if host_port.startswith("["):
        end = host_port.find("]")
        if end == -1:
            return False
        host, port = host_port[: end + 1], host_port[end + 1 :]
        if port and not port.startswith(":"):
            return False
        port = port[1:]
    else:
        host, _, port = host_port.partition(":")
        if not host or any(c in _FORBIDDEN_HOST for c in host):
            return False
        if not host.isascii() and not _idna_ok(host):
            return False
    return not port or (port.isdigit() and int(port) <= 65535)
    return True


def _idna_ok(host: str) -> bool:
    """A non-ASCII host goes through IDNA (domain to ASCII): characters it prohibits, such as
    the U+FFFD that invalid UTF-8 becomes, make ``new URL()`` fail."""
    for label in host.split("."):
        if label.isascii():
            continue
        try:
            label.encode("idna")
        except UnicodeError as exc:
            if "label too long" not in str(exc) and "label empty" not in str(exc):
                return False
    return True


# The expectation texts FieldFormatEntityPolicy prints for each validator.
EXPECT_OBJECT_NAME = (
    "a string that is sequences of [a-zA-Z0-9] separated by any of [-_.], "
    "at most 63 characters in total"
)
EXPECT_PREFIX_SUFFIX = "a valid prefix and/or suffix"
EXPECT_DNS_LABEL = (
    "a string that is sequences of [a-z0-9] separated by [-], at most 63 characters in total"
)
EXPECT_TAG = (
    "a string that is sequences of [a-z0-9+#] separated by [-], at most 63 characters in total"
)
EXPECT_STRING = "a string"
EXPECT_KIND = "a string that is a sequence of [a-zA-Z][a-z0-9A-Z], at most 63 characters in total"
EXPECT_URL = "a string that is a valid url"
EXPECT_NON_EMPTY = "a non empty string"


def suggest_name(value: Any) -> str | None:
    """A valid entity name close to ``value``, for hints."""
    if not isinstance(value, str):
        return None
    candidate = re.sub(r"[^A-Za-z0-9_.-]+", "-", value.strip()).strip("-_.")
    candidate = re.sub(r"-{2,}", "-", candidate)[:63].strip("-_.")
    return candidate.lower() if candidate and is_valid_object_name(candidate) else None


def looks_templated(value: Any) -> bool:
    return isinstance(value, str) and (
        "${{" in value or "{{" in value or "{%" in value or value.startswith("${")
    )
