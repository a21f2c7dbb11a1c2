"""A real SAML 2.0 IdP for the tests: pysaml2's server behind a small WSGI app with its own
login page. python -m tests.sso.idp.serve PORT DIR (DIR holds key.pem, cert.pem, sp.xml and
users.json: {"users": {name: attributes}, "mode": "" | "unsigned" | "wrong_audience" |
"expired" | "tampered", "authn_class": "..."}; the "slo_*" modes spoil the LogoutResponse:
"slo_unsigned", "slo_tampered", "slo_unknown_request", "slo_wrong_destination",
"slo_wrong_issuer").

Single logout (HTTP-Redirect): /slo answers a service's LogoutRequest (and appends the NameID
it named to DIR/logouts.json); /initiate-logout?user=NAME[&unsigned=1] is the IdP ending
NAME's session: a redirect carrying its LogoutRequest to the service that NAME signed in to."""

import base64
import html
import json
import re
import sys
import zlib
from pathlib import Path
from socketserver import ThreadingMixIn
from urllib.parse import parse_qs, urlencode
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.ident import code
from saml2.metadata import entity_descriptor
from saml2.saml import NAMEID_FORMAT_TRANSIENT
from saml2.server import Server

PASSWORD = "university-pass"  # noqa: S105
PASSWORD_CLASS = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


def tampered(info: dict) -> dict:
    """The signed redirect ``info`` with its message altered after signing (its ID), the
    signature kept as it was."""
    location = dict(info["headers"])["Location"]
    base, _, query = location.partition("?")
    fields = parse_qs(query)
    xml = zlib.decompress(base64.b64decode(fields["SAMLResponse"][0]), -15).decode()
    xml = re.sub(r' ID="([^"]+)"', r' ID="\1-altered"', xml, count=1)
    packed = zlib.compressobj(9, zlib.DEFLATED, -15)
    fields["SAMLResponse"] = [
        base64.b64encode(packed.compress(xml.encode()) + packed.flush()).decode()
    ]
    return {"headers": [("Location", f"{base}?{urlencode(fields, doseq=True)}")]}


def main() -> None:
    port, directory = int(sys.argv[1]), Path(sys.argv[2])
    base = f"http://127.0.0.1:{port}"
    config = IdPConfig()
    config_dict = {
        "entityid": f"{base}/idp",
        "xmlsec_binary": "/usr/bin/xmlsec1",
        "key_file": str(directory / "key.pem"),
        "cert_file": str(directory / "cert.pem"),
        "metadata": {"local": [str(directory / "sp.xml"), str(directory / "other-sp.xml")]},
        "service": {
            "idp": {
                "endpoints": {
                    "single_sign_on_service": [(f"{base}/sso", BINDING_HTTP_REDIRECT)],
                    "single_logout_service": [(f"{base}/slo", BINDING_HTTP_REDIRECT)],
                },
                "name_id_format": [NAMEID_FORMAT_TRANSIENT],
                # Signed AuthnRequests and LogoutRequests only, checked with the SP's metadata.
                "want_authn_requests_signed": True,
                "policy": {"default": {"lifetime": {"minutes": 5}}},
            }
        },
    }
    config.load(config_dict)
    idp = Server(config=config)
    # The same IdP issuing assertions that expired ten minutes ago (signed as such).
    stale_config = IdPConfig()
    stale_config.load(
        {
            **config_dict,
            "service": {
                "idp": {
                    **config_dict["service"]["idp"],
                    "policy": {"default": {"lifetime": {"minutes": -10}}},
                }
            },
        }
    )
    stale = Server(config=stale_config)

    # Who signed in to which service under which NameID, for IdP-initiated logout.
    issued: dict[str, tuple] = {}

    def state() -> dict:
        return json.loads((directory / "users.json").read_text())

    def query_of(environ) -> dict:
        return {k: v[0] for k, v in parse_qs(environ["QUERY_STRING"]).items()}

    def redirect(start_response, info) -> list:
        start_response("302 Found", [("Location", dict(info["headers"])["Location"])])
        return [b""]

    def app(environ, start_response):
        path = environ["PATH_INFO"]
        if path == "/metadata":
            start_response("200 OK", [("Content-Type", "text/xml")])
            return [str(entity_descriptor(config)).encode()]
        if path == "/sso":
            query = {k: v[0] for k, v in parse_qs(environ["QUERY_STRING"]).items()}
            fields = "".join(
                f'<input type="hidden" name="{k}" value="{html.escape(v)}">'
                for k, v in query.items()
            )
            page = (
                '<!doctype html><html lang="en"><head><title>Example University sign-in'
                "</title></head><body><main><h1>Example University sign-in (SAML)</h1>"
                f'<form method="post" action="/login">{fields}'
                '<p><label for="u">University ID</label> <input id="u" name="username"></p>'
                '<p><label for="p">Password</label> <input id="p" name="password" '
                'type="password"></p><button type="submit">Sign in to Example University'
                "</button></form></main></body></html>"
            )
            start_response("200 OK", [("Content-Type", "text/html")])
            return [page.encode()]
        if path == "/login":
            size = int(environ.get("CONTENT_LENGTH") or 0)
            form = {k: v[0] for k, v in parse_qs(environ["wsgi.input"].read(size).decode()).items()}
            current = state()
            user = current["users"].get(form.get("username"))
            if user is None or form.get("password") != PASSWORD:
                start_response("403 Forbidden", [("Content-Type", "text/plain")])
                return [b"Wrong university ID or password."]
            request = idp.parse_authn_request(
                form["SAMLRequest"],
                BINDING_HTTP_REDIRECT,
                relay_state=form.get("RelayState"),
                sigalg=form.get("SigAlg"),
                signature=form.get("Signature"),
            ).message
            mode = current.get("mode", "")
            signed = mode != "unsigned"
            name_id = idp.ident.transient_nameid(
                form["username"], sp_name_qualifier=request.issuer.text
            )
            issued[form["username"]] = (name_id, request.issuer.text)
            response = (stale if mode == "expired" else idp).create_authn_response(
                identity=user,
                in_response_to=request.id,
                destination=request.assertion_consumer_service_url,
                sp_entity_id=(
                    "https://other.example/sp" if mode == "wrong_audience" else request.issuer.text
                ),
                name_id_policy=request.name_id_policy,
                userid=form["username"],
                name_id=name_id,
                sign_assertion=signed,
                sign_response=signed,
                authn={"class_ref": current.get("authn_class") or PASSWORD_CLASS},
            )
            text = str(response)
            if mode == "tampered":
                text = text.replace(user["eduPersonPrincipalName"][0], "mallory@uni.example.edu")
            info = idp.apply_binding(
                BINDING_HTTP_POST,
                text,
                request.assertion_consumer_service_url,
                form.get("RelayState", ""),
                response=True,
            )
            start_response("200 OK", [("Content-Type", "text/html")])
            return [info["data"].encode() if isinstance(info["data"], str) else info["data"]]
        if path == "/slo":
            query = query_of(environ)
            request = idp.parse_logout_request(
                query["SAMLRequest"],
                BINDING_HTTP_REDIRECT,
                relay_state=query.get("RelayState"),
                sigalg=query.get("SigAlg"),
                signature=query.get("Signature"),
            ).message
            log = directory / "logouts.json"
            seen = json.loads(log.read_text()) if log.exists() else []
            log.write_text(json.dumps([*seen, code(request.name_id)]))
            mode = state().get("mode", "")
            response = idp.create_logout_response(request, [BINDING_HTTP_REDIRECT])
            destination = response.destination
            if mode == "slo_unknown_request":
                response.in_response_to = "id-never-sent-by-northstar"
            elif mode == "slo_wrong_destination":
                response.destination = "https://other.example/slo"
            elif mode == "slo_wrong_issuer":
                response.issuer.text = "https://other.example/idp"
            info = idp.apply_binding(
                BINDING_HTTP_REDIRECT,
                str(response),
                destination,
                query.get("RelayState", ""),
                response=True,
                sign=mode != "slo_unsigned",
            )
            if mode == "slo_tampered":
                info = tampered(info)
            return redirect(start_response, info)
        if path == "/initiate-logout":
            query = query_of(environ)
            name_id, sp_entity_id = issued[query["user"]]
            (slo,) = idp.metadata.single_logout_service(
                sp_entity_id, BINDING_HTTP_REDIRECT, "spsso"
            )
            _, request = idp.create_logout_request(slo["location"], sp_entity_id, name_id=name_id)
            return redirect(
                start_response,
                idp.apply_binding(
                    BINDING_HTTP_REDIRECT,
                    str(request),
                    slo["location"],
                    "idp-initiated",
                    sign=query.get("unsigned") != "1",
                ),
            )
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"Not found"]

    server = make_server("127.0.0.1", port, app, _Server, _Quiet)
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
