"""HTTP hardening of the dashboard, in one place (applied by :func:`dashboard.app.create_app`).

- **Headers** on every response: a Content-Security-Policy as tight as Dash's renderer
  allows (scripts from this server only, plus the hashes of Dash's own inline scripts;
  no ``eval``; no framing; no plugins), ``X-Frame-Options: DENY``,
  ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: no-referrer``; the
  ``Server`` header says ``sim-dashboard`` without any version (the development
  server's ``Werkzeug/x Python/y`` banner is replaced by :class:`QuietRequestHandler`;
  gunicorn sends its name without a version).
- **Host check** (DNS rebinding): a request whose ``Host`` is not one of this
  machine's names for the server (:attr:`Settings.allowed_hosts`) gets 400.
- **Debug routes**: ``/_reload-hash`` (hot reload, a debug feature) answers 404.
- **Request bodies**: a callback body must be strict JSON (no ``NaN``/``Infinity``,
  no number beyond float range) shaped like what Dash's renderer sends, for a
  callback this app has; anything else gets 400 before any callback runs.  A
  callback that still fails on the values it was sent (a wrong type in a field)
  answers 400, its traceback kept in the server log only.
"""

from __future__ import annotations

import json
import logging
import math
import socket

from flask import Response, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import HTTPException
from werkzeug.serving import WSGIRequestHandler

log = logging.getLogger(__name__)

CALLBACK_ROUTE = "/_dash-update-component"
BLOCKED_ROUTES = ("/_reload-hash",)
SERVER_NAME = "sim-dashboard"
LOOPBACK = ("127.0.0.1", "localhost", "::1")
WILDCARDS = ("0.0.0.0", "::", "")


def _reject_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError("number out of range")
    return value


def strict_loads(text, **kwargs):
    """``json.loads`` refusing NaN, Infinity and numbers beyond float range."""
    return json.loads(text, parse_constant=_reject_constant, parse_float=_finite_float, **kwargs)


class StrictJSONProvider(DefaultJSONProvider):
    """Flask's JSON, but a request body with ``NaN``/``Infinity`` is a bad request (400)."""

    def loads(self, s, **kwargs):
        return strict_loads(s, **kwargs)


class QuietRequestHandler(WSGIRequestHandler):
    """The development server's handler without its ``Werkzeug/x Python/y`` banner."""

    def version_string(self) -> str:
        return SERVER_NAME


def own_hosts(bound: str) -> set[str]:
    """Names and addresses under which this machine serves ``bound`` (a bind address)."""
    hosts = set(LOOPBACK)
    if bound not in WILDCARDS:
        hosts.add(bound.strip("[]").lower())
        return hosts
    # bound to every interface (a workshop on a LAN): this machine's names and addresses
    names = {socket.gethostname()}
    try:
        names.add(socket.getfqdn())
    except OSError:
        pass
    hosts |= {n.lower() for n in names if n}
    for name in list(names):
        try:
            hosts |= {str(ai[4][0]).lower() for ai in socket.getaddrinfo(name, None)}
        except OSError:
            pass
    return hosts


def _host_of(header: str) -> str:
    """The host part of a ``Host`` header (``[::1]:8050`` -> ``::1``), lower case."""
    h = header.strip().lower()
    if h.startswith("["):
        return h[1:h.find("]")] if "]" in h else h
    return h.rsplit(":", 1)[0] if h.count(":") == 1 else h


def _valid_ref(item) -> bool:
    return (isinstance(item, dict) and isinstance(item.get("property"), str)
            and isinstance(item.get("id"), (str, dict)))


def _valid_refs(value) -> bool:
    """A list of ``{"id", "property"}`` (pattern-matching callbacks: lists of them)."""
    return isinstance(value, list) and all(
        _valid_ref(x) or (isinstance(x, list) and all(_valid_ref(y) for y in x)) for x in value)


def check_callback_body(body, callbacks: dict) -> str | None:
    """Why a callback request body is malformed, or ``None``."""
    if not isinstance(body, dict):
        return "not a JSON object"
    output = body.get("output")
    if not isinstance(output, str) or output not in callbacks:
        return "unknown callback output"
    outputs = body.get("outputs")
    if not (_valid_ref(outputs) or _valid_refs(outputs)):
        return "malformed outputs"
    if not _valid_refs(body.get("inputs")):
        return "malformed inputs"
    if "state" in body and not _valid_refs(body["state"]):
        return "malformed state"
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(c, str) for c in changed):
        return "malformed changedPropIds"
    spec = callbacks[output]
    n_in, n_state = len(spec.get("inputs", [])), len(spec.get("state", []))
    if len(body["inputs"]) != n_in or len(body.get("state", [])) != n_state:
        return "wrong number of inputs or state"
    return None


def harden(app, settings, bound_host: str | None = None) -> None:
    """Install the protections of this module on a Dash ``app``."""
    server = app.server
    server.json = StrictJSONProvider(server)
    allowed = set(settings.allowed_hosts) | own_hosts(bound_host or "127.0.0.1")
    any_host = "*" in allowed

    @server.before_request
    def _guard():
        host = _host_of(request.headers.get("Host", ""))
        if not any_host and host not in allowed:
            log.warning("refused a request for Host %r", host[:80])
            return Response("unexpected Host header\n", status=400, mimetype="text/plain")
        if request.path in BLOCKED_ROUTES:
            return Response("not found\n", status=404, mimetype="text/plain")
        if request.path == CALLBACK_ROUTE and request.method == "POST":
            try:
                body = strict_loads(request.get_data(cache=True, as_text=False) or b"null")
            except (ValueError, RecursionError):
                return Response("malformed JSON body\n", status=400, mimetype="text/plain")
            problem = check_callback_body(body, app.callback_map)
            if problem:
                return Response(f"bad callback request: {problem}\n", status=400,
                                mimetype="text/plain")
        return None

    csp = content_security_policy(app)

    @server.after_request
    def _headers(response):
        h = response.headers
        h["Content-Security-Policy"] = csp
        h["X-Frame-Options"] = "DENY"
        h["X-Content-Type-Options"] = "nosniff"
        h["Referrer-Policy"] = "no-referrer"
        h["Cross-Origin-Opener-Policy"] = "same-origin"
        h.pop("Server", None)  # the server's own header says "sim-dashboard" (or "gunicorn")
        return response

    @server.errorhandler(Exception)
    def _error(err):
        if isinstance(err, HTTPException):
            return err
        if request.path == CALLBACK_ROUTE and isinstance(
                err, (TypeError, ValueError, KeyError, IndexError, AttributeError, OverflowError)):
            # values a callback cannot use: the client's request is at fault
            log.warning("callback refused a malformed request", exc_info=err)
            return Response("bad callback request\n", status=400, mimetype="text/plain")
        log.exception("internal error")
        return Response("internal error\n", status=500, mimetype="text/plain")


def content_security_policy(app) -> str:
    """The CSP header: scripts from this server and Dash's inline scripts by hash.

    ``style-src 'unsafe-inline'``: plotly.js and the components write ``<style>``
    elements and style attributes at run time (styles cannot run code).
    """
    scripts = " ".join(["'self'", *app.csp_hashes()])
    return "; ".join([
        "default-src 'self'",
        f"script-src {scripts}",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])
