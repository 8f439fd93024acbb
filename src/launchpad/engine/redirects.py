"""The request that follows a redirect response, built the way httpx's own client builds it.

Why it exists: the probe engine sends each attempt through its client's transport directly
(`handle_async_request`, httpx's documented transport API) instead of `AsyncClient.send`, whose cookie jar,
auth and redirect layers were about a fifth of a request's CPU (bench/bench_http_layers.py). Without
`client.send` there is no `response.next_request`, so this module builds it, on public httpx API only, with
the rules of httpx 0.28's `_build_redirect_request` / `_redirect_method` / `_redirect_url` /
`_redirect_headers` (their private methods are not called: they may change under us):
- only a 301, 302, 303, 307 or 308 with a Location header is a redirect (`Response.has_redirect_location`);
- 303 becomes GET (not HEAD), 302 becomes GET (not HEAD), 301 after POST becomes GET; 307 and 308 keep the method;
- the Location is joined against the request URL (relative, scheme-relative); an absolute Location without a
  host takes the request's host; a Location without a fragment keeps the request's (RFC 7231 7.1.2), as httpx;
- an unparsable Location is `httpx.RemoteProtocolError("Invalid URL in location header: ...")`, as httpx;
- leaving the origin (scheme, host, port) updates the Host header and drops Authorization, except a plain
  http:80 -> https:443 upgrade of the same host;
- the Cookie header is dropped and rebuilt from the cookie jar: here the attempt's own jar, holding only what
  this attempt's redirect responses set (a login-style hop still works, as in a fresh browser), never anything
  from an earlier attempt: every attempt is a fresh visitor;
- when the method becomes GET the body and its headers (Content-Length, Transfer-Encoding) are dropped.
"""

from __future__ import annotations

import httpx

_DEFAULT_PORTS = {"http": 80, "https": 443}


def next_request(request: httpx.Request, response: httpx.Response, cookies: httpx.Cookies) -> httpx.Request:
    """The request a redirect response asks for (a response whose `has_redirect_location` is true).

    `cookies` is the jar of one attempt: the response's Set-Cookie go in, the next request carries what applies."""
    method = redirect_method(request.method, response.status_code)
    url = redirect_url(request, response.headers["Location"])
    becomes_get = method != request.method and method == "GET"
    following = httpx.Request(method, url, headers=redirect_headers(request, url, becomes_get),
                              stream=None if becomes_get else request.stream, extensions=request.extensions)
    cookies.extract_cookies(response)
    cookies.set_cookie_header(following)
    return following


def redirect_method(method: str, status: int) -> str:
    """RFC 7231 for 303, what browsers do for 302, and POST -> GET on 301 (requests issue 1704), as httpx."""
    if status in (303, 302) and method != "HEAD":
        return "GET"
    if status == 301 and method == "POST":
        return "GET"
    return method


def redirect_url(request: httpx.Request, location: str) -> httpx.URL:
    try:
        url = httpx.URL(location)
    except httpx.InvalidURL as error:
        raise httpx.RemoteProtocolError(f"Invalid URL in location header: {error}.", request=request) from None
    if url.scheme and not url.host:  # "http:/path": absolute form without a host (httpx issue 771)
        url = url.copy_with(host=request.url.host)
    if url.is_relative_url:
        url = request.url.join(url)
    if request.url.fragment and not url.fragment:
        url = url.copy_with(fragment=request.url.fragment)
    return url


def redirect_headers(request: httpx.Request, url: httpx.URL, becomes_get: bool) -> httpx.Headers:
    headers = httpx.Headers(request.headers)
    if not same_origin(url, request.url):
        if not _is_https_upgrade(request.url, url):
            headers.pop("Authorization", None)
        headers["Host"] = url.netloc.decode("ascii")
    if becomes_get:
        headers.pop("Content-Length", None)
        headers.pop("Transfer-Encoding", None)
    headers.pop("Cookie", None)
    return headers


def _port(url: httpx.URL) -> int | None:
    return url.port if url.port is not None else _DEFAULT_PORTS.get(url.scheme)


def same_origin(url: httpx.URL, other: httpx.URL) -> bool:
    return url.scheme == other.scheme and url.host == other.host and _port(url) == _port(other)


def _is_https_upgrade(url: httpx.URL, location: httpx.URL) -> bool:
    return (url.host == location.host and url.scheme == "http" and _port(url) == 80
            and location.scheme == "https" and _port(location) == 443)
