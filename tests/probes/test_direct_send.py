"""Probes sent through their transport directly (probe_engine._send, engine/redirects.py), against real servers
on 127.0.0.1 that record what they receive.

Without AsyncClient.send the engine builds each redirect itself, with httpx's rules: relative and scheme-relative
Locations, Authorization kept on the origin and dropped when leaving it, 303/302/301-after-POST turned into GET
with the body headers gone, 307 keeping the method, loops and limits reported as before. Cookies: a cookie a
redirect sets goes on to the next hop of the same attempt, never to a later attempt. A probe the environment
routes through a proxy still goes through it (client.send and its proxy mount); one the proxy does not claim, and
only those, take the direct path. The certificate is still read over TLS on the direct path.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone

import httpx
import pytest

from launchpad.core.probes.conditions import parse_condition
from launchpad.core.probes.probe_config import ProbeSpec
from launchpad.engine import probe_engine
from launchpad.engine.probe_engine import ProbeEngine, _direct_transport
from launchpad.engine.redirects import next_request, redirect_method, redirect_url

from .recording import ForwardProxy, Recording

T0 = datetime(2026, 5, 1, 12, 0, tzinfo=timezone.utc)
TOKEN = "Bearer t0k3n-9f2x"


def redirect(status: int, location: str, *extra: str) -> tuple[int, list[str], bytes]:
    return status, [f"Location: {location}", *extra], b""


OK = (200, [], b"landed")


async def attempts(probe: ProbeSpec, count: int = 1, env=None):
    engine = ProbeEngine([probe], [], env=env or {"TOKEN": TOKEN}, t0=T0)
    try:
        return [await engine.attempt(probe) for _ in range(count)], engine._client_for(probe)
    finally:
        await engine.aclose()


def probe(url: str, **overrides) -> ProbeSpec:
    overrides.setdefault("headers", (("Authorization", "${TOKEN}"),))
    return ProbeSpec(name="p", url=url, interval=5.0, timeout=2.0, **overrides)


@pytest.fixture
async def here():
    server = await Recording().start()
    yield server
    server.close()


@pytest.fixture
async def there():
    server = await Recording().start()
    yield server
    server.close()


async def test_a_relative_and_a_scheme_relative_location_are_joined_against_the_request(here):
    here.answers = {"/dir/start?a=1": redirect(302, "next?b=2"),
                    "/dir/next?b=2": redirect(301, f"//127.0.0.1:{here.port}/end"), "/end": OK}
    (result,), client = await attempts(probe(f"{here.url}/dir/start?a=1"))
    assert result.ok and result.status == 200 and result.body_excerpt == "landed", result
    assert here.paths() == ["/dir/start?a=1", "/dir/next?b=2", "/end"]
    assert all(headers["authorization"] == TOKEN for _, _, headers in here.requests)  # the same origin throughout
    assert not client.cookies and isinstance(_direct_transport(client, httpx.URL(here.url)), httpx.AsyncHTTPTransport)


async def test_a_redirect_to_another_origin_drops_authorization_and_sets_its_host(here, there):
    here.answers = {"/go": redirect(307, f"{there.url}/landed")}
    there.answers = {"/landed": OK}
    (result,), _ = await attempts(probe(f"{here.url}/go"))
    assert result.ok, result
    ((_, _, sent_here),) = here.requests
    ((_, _, sent_there),) = there.requests
    assert sent_here["authorization"] == TOKEN and sent_here["host"] == f"127.0.0.1:{here.port}"
    assert "authorization" not in sent_there and sent_there["host"] == f"127.0.0.1:{there.port}"


async def test_a_redirect_to_the_same_host_by_another_name_is_another_origin(here):
    here.answers = {"/go": redirect(302, f"http://localhost:{here.port}/landed"), "/landed": OK}
    (result,), _ = await attempts(probe(f"{here.url}/go"))
    assert result.ok, result
    assert [("authorization" in headers, headers["host"]) for _, _, headers in here.requests] == [
        (True, f"127.0.0.1:{here.port}"), (False, f"localhost:{here.port}")]


@pytest.mark.parametrize("status, method, expected", [
    (303, "POST", "GET"), (302, "POST", "GET"), (301, "POST", "GET"), (307, "POST", "POST"), (308, "POST", "POST"),
    (303, "HEAD", "HEAD"), (301, "PUT", "PUT"),
])
async def test_the_method_after_a_redirect_is_httpx_s(here, status, method, expected):
    here.answers = {"/form": redirect(status, "/result"), "/result": OK}
    (result,), _ = await attempts(probe(f"{here.url}/form", method=method))
    assert result.ok, result
    (first_method, _, first), (second_method, _, second) = here.requests
    assert (first_method, second_method) == (method, expected)
    if method in ("POST", "PUT"):
        assert first["content-length"] == "0"
    # the body goes with the method: a GET carries no body headers, a kept POST keeps its (empty) body
    assert ("content-length" in second) == (expected in ("POST", "PUT"))
    assert second["authorization"] == TOKEN


async def test_loop_and_limit_messages_are_the_ones_reported_before(here):
    here.answers = {"/a": redirect(302, "/b"), "/b": redirect(302, "/a"),
                    **{f"/hop/{n}": redirect(302, f"/hop/{n - 1}") for n in range(1, 6)}, "/hop/0": OK}
    (loop,), _ = await attempts(probe(f"{here.url}/a"))
    (limit,), _ = await attempts(probe(f"{here.url}/hop/5", max_redirects=3))
    (within,), _ = await attempts(probe(f"{here.url}/hop/3", max_redirects=3))
    assert (loop.error_kind, loop.error_message) == ("redirects", f"redirect loop: {here.url}/a was already visited")
    assert (limit.error_kind, limit.error_message) == ("redirects", f"more than 3 redirects (last to {here.url}/hop/1)")
    assert within.ok and within.status == 200


async def test_an_invalid_location_is_classified_as_httpx_s_error_was_and_ignored_when_not_followed(here):
    here.answers = {"/bad": redirect(302, "http://[zz::1]/x")}
    (followed,), _ = await attempts(probe(f"{here.url}/bad"))
    (not_followed,), _ = await attempts(probe(f"{here.url}/bad", follow_redirects=False))
    assert (followed.error_kind, followed.error_message) == (
        "connect", "connection broken: Invalid URL in location header: Invalid IPv6 address: '[zz::1]'.")
    # a probe that does not follow redirects is judged by the 302 itself (client.send built the Location anyway)
    assert (not_followed.error_kind, not_followed.status) == ("status", 302)


async def test_a_cookie_goes_on_through_one_attempts_redirects_but_never_to_the_next_attempt(here):
    here.answers = {"/login": redirect(302, "/home", "Set-Cookie: session=abc; Path=/"),
                    "/home": (200, ["Set-Cookie: seen=1; Path=/"], b"home")}
    spec = probe(f"{here.url}/login")
    engine = ProbeEngine([spec], [], env={"TOKEN": TOKEN}, t0=T0)
    try:
        first = await engine.attempt(spec)
        here.answers["/login"] = redirect(302, "/home")  # no cookie this time: the browser would have none
        second = await engine.attempt(spec)
        client = engine._client_for(spec)
    finally:
        await engine.aclose()
    assert first.ok and second.ok, (first, second)
    assert [(path, headers.get("cookie")) for _, path, headers in here.requests] == [
        ("/login", None), ("/home", "session=abc"), ("/login", None), ("/home", None)]
    assert not client.cookies  # the direct path: the client's jar (client.send's) never saw a response


def test_redirect_rules_agree_with_httpx_for_urls_and_methods():
    request = httpx.Request("GET", "https://example.test:8443/a/b?q=1#frag")
    assert redirect_url(request, "c") == httpx.URL("https://example.test:8443/a/c#frag")
    assert redirect_url(request, "/d#other") == httpx.URL("https://example.test:8443/d#other")
    assert redirect_url(request, "//elsewhere.test/e") == httpx.URL("https://elsewhere.test/e#frag")
    assert redirect_url(request, "http:/f").host == "example.test"
    assert [redirect_method("HEAD", 302), redirect_method("GET", 307), redirect_method("DELETE", 303)] == [
        "HEAD", "GET", "GET"]


def test_an_http_to_https_upgrade_of_the_same_host_keeps_authorization():
    """The one cross-origin hop httpx keeps credentials on: http:80 -> https:443 on the same host (no server here
    listens on 80 or 443, so this checks the request as built)."""
    request = httpx.Request("GET", "http://example.test/x", headers={"Authorization": TOKEN, "Cookie": "a=1"})

    def moved(location: str) -> httpx.Request:
        response = httpx.Response(301, headers={"Location": location}, request=request)
        return next_request(request, response, httpx.Cookies())

    upgrade, away = moved("https://example.test/x"), moved("https://example.test:8443/x")
    assert upgrade.headers["authorization"] == TOKEN and upgrade.headers["host"] == "example.test"
    assert "authorization" not in away.headers and away.headers["host"] == "example.test:8443"
    assert "cookie" not in upgrade.headers and "cookie" not in away.headers


# -- proxies ------------------------------------------------------------------------------------------------


async def test_a_proxied_probe_goes_through_the_proxy_and_an_unproxied_one_takes_the_direct_path(here, monkeypatch):
    proxy = await ForwardProxy().start()
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    monkeypatch.setenv("NO_PROXY", "localhost")
    here.answers = {"/ok": (200, ["Set-Cookie: visited=1; Path=/"], b"ok")}
    proxied = ProbeSpec(name="proxied", url=f"{here.url}/ok", interval=5.0, timeout=2.0)
    direct = ProbeSpec(name="direct", url=f"http://localhost:{here.port}/ok", interval=5.0, timeout=2.0)
    engine = ProbeEngine([proxied, direct], [], env={}, t0=T0)
    try:
        results = {spec.name: await engine.attempt(spec) for spec in (proxied, direct)}
        proxied_client, direct_client = engine._client_for(proxied), engine._client_for(direct)
    finally:
        await engine.aclose()
        proxy.server.close()
    assert all(result.ok for result in results.values()), results
    assert proxy.seen == [f"{here.url}/ok"]  # the proxied one, and only it, went through the proxy
    assert here.paths() == ["/ok", "/ok"]
    assert _direct_transport(proxied_client, httpx.URL(proxied.url)) is None
    assert _direct_transport(direct_client, httpx.URL(direct.url)) is direct_client._transport
    assert proxied_client.cookies and not direct_client.cookies  # client.send's jar saw only the proxied response


async def test_an_injected_client_goes_through_client_send(here):
    here.answers = {"/ok": (200, ["Set-Cookie: visited=1; Path=/"], b"ok")}
    spec = ProbeSpec(name="given", url=f"{here.url}/ok", interval=5.0, timeout=2.0)
    async with httpx.AsyncClient() as given:
        (result,) = await ProbeEngine([spec], [], env={}, t0=T0, client=given).run_once()
        assert result.ok and given.cookies  # its own layers, cookie jar included: the caller's client


async def test_a_client_httpx_built_otherwise_goes_through_client_send(here, monkeypatch):
    """If _on_asyncio does not recognise how httpx built the client, it leaves it as it is: then no direct path."""
    monkeypatch.setattr(probe_engine, "_on_asyncio", lambda client, context: client)
    here.answers = {"/go": redirect(302, "/ok", "Set-Cookie: hop=1; Path=/"), "/ok": (200, [], b"ok")}
    results, client = await attempts(probe(f"{here.url}/go"), count=2)
    assert all(result.ok for result in results), results
    assert _direct_transport(client, httpx.URL(here.url)) is None and client.cookies  # client.send's jar saw them
    # the redirects are still the engine's: the cookie of this attempt's hop, never an earlier attempt's
    assert [(path, headers.get("cookie")) for _, path, headers in here.requests] == [
        ("/go", None), ("/ok", "hop=1"), ("/go", None), ("/ok", "hop=1")]


async def test_the_certificate_is_read_over_tls_on_the_direct_path(tls_server, tmp_path, monkeypatch):
    bundle = tmp_path / "ca.pem"
    tls_server.authority.cert_pem.write_to_path(str(bundle))
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))  # the engine's own verifying client trusts the test CA

    def cert(condition: str) -> ProbeSpec:
        return ProbeSpec(name="cert", url=f"{tls_server.url}/ok", interval=5.0, timeout=2.0,
                         conditions=(parse_condition(condition),))

    (good,), client = await attempts(cert("[CERTIFICATE_EXPIRATION] > 48h"), env={})
    (bad,), _ = await attempts(cert("[CERTIFICATE_EXPIRATION] < 48h"), env={})
    assert good.ok, good.error_message
    assert bad.error_kind == "condition" and "[CERTIFICATE_EXPIRATION]" in bad.error_message
    assert _direct_transport(client, httpx.URL(tls_server.url)) is client._transport
