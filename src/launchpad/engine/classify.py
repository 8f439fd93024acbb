"""Turn an exception from an HTTP attempt into an error kind and a one-line message.

DNS and TLS failures both reach us as httpx.ConnectError; only the __cause__/__context__ chain tells
them apart (socket.gaierror -> dns, ssl.SSLError -> tls).

Messages come back whole (only flattened): the engine redacts them and only then cuts them to MESSAGE_LIMIT,
because a message cut first may hold part of a secret that no longer matches.
"""

from __future__ import annotations

import socket
import ssl
from typing import Iterator

import httpx

MESSAGE_LIMIT = 200
_WHOLE = 4096  # flatten, but leave cutting to the engine after redaction


def one_line(text: str, limit: int = MESSAGE_LIMIT) -> str:
    """Collapse whitespace and control characters so a message is one line a panel can show."""
    cleaned = "".join(c if c.isprintable() else " " for c in text)
    cleaned = " ".join(cleaned.split())
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 3] + "..."


def causes(error: BaseException) -> Iterator[BaseException]:
    """The error, then its causes/contexts (and members of exception groups), each once."""
    seen: set[int] = set()
    stack = [error]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        if isinstance(current, BaseExceptionGroup):
            stack.extend(current.exceptions)
        for linked in (current.__context__, current.__cause__):
            if linked is not None:
                stack.append(linked)


def _flat(text: str) -> str:
    return one_line(text, _WHOLE)


def _describe(error: BaseException) -> str:
    text = str(error) or type(error).__name__
    return _flat(text)


def classify(error: BaseException) -> tuple[str, str]:
    """(kind, message) for an exception raised while probing."""
    chain = list(causes(error))
    if isinstance(error, httpx.TimeoutException):
        return "timeout", _flat(f"{type(error).__name__}: {_describe(error)}")
    for linked in chain:
        if isinstance(linked, socket.gaierror):
            return "dns", f"cannot resolve the host name: {_describe(linked)}"
    for linked in chain:
        if isinstance(linked, (ssl.SSLError, ssl.CertificateError)):
            reason = getattr(linked, "verify_message", None) or getattr(linked, "reason", None) or _describe(linked)
            return "tls", _flat(f"TLS handshake failed: {reason}")
    if isinstance(error, httpx.TooManyRedirects):
        return "redirects", _describe(error)
    if isinstance(error, httpx.ConnectError):
        root = chain[-1] if chain else error
        for linked in chain:
            if isinstance(linked, OSError) and linked.strerror:
                root = linked
                break
        return "connect", _flat(f"cannot connect: {_describe(root)}")
    if isinstance(error, httpx.RemoteProtocolError) and "buffer too long" in str(error).lower():
        # h11 refuses a header block over its 100 KiB buffer: thousands of headers, or huge ones
        return "too_large", "response headers are over the HTTP parser's size limit"
    if isinstance(error, (httpx.RemoteProtocolError, httpx.NetworkError)):
        return "connect", _flat(f"connection broken: {_describe(error)}")
    if isinstance(error, (httpx.InvalidURL, httpx.UnsupportedProtocol)):
        return "error", _flat(f"invalid URL: {_describe(error)}")
    if isinstance(error, (ConnectionError, OSError)):
        return "connect", _flat(f"cannot connect: {_describe(error)}")
    return "error", _flat(f"{type(error).__name__}: {_describe(error)}")
