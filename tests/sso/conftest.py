"""Real identity providers on loopback, one process each per test worker: an OpenID Connect
provider (django-oauth-toolkit, tests/sso/op/) and a SAML IdP (pysaml2's server,
tests/sso/idp/). Each listens on a free port and is stopped when the worker is done."""

import html
import json
import os
import re
import shutil
import socket
import subprocess  # noqa: S404
import sys
import time
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID = "northstar-test"
CLIENT_SECRET = "northstar-test-secret"  # noqa: S105
UNIVERSITY_PASSWORD = "university-pass"  # noqa: S105


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(args: list[str], env: dict, what: str, log: Path) -> subprocess.Popen:
    """Start a provider; its output goes to ``log`` (read it when a test fails)."""
    with log.open("w") as out:
        process = subprocess.Popen(  # noqa: S603
            [sys.executable, *args],
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if "ready" in log.read_text().split():
            return process
        time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"The test {what} did not start:\n{log.read_text()}")


def _rsa_key_pem() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


class OpenIDProvider:
    def __init__(self, url: str, directory: Path):
        self.url = url
        self.directory = directory
        self.set()

    def set(self, users: dict | None = None, mode: str = "") -> None:
        """The claims each user gets, and how the provider misbehaves (validator.py)."""
        (self.directory / "claims.json").write_text(
            json.dumps({"users": users or {}, "mode": mode})
        )

    def sign_in(self, authorize_url: str, username: str) -> str:
        """A person at the provider's own login page; returns where it sends them back."""
        session = requests.Session()
        page = session.get(authorize_url, timeout=10)
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        answer = session.post(
            page.url,
            data={
                "csrfmiddlewaretoken": csrf,
                "username": username,
                "password": UNIVERSITY_PASSWORD,
                "next": html.unescape(
                    re.search(r'name="next" value="([^"]*)"', page.text).group(1)
                ),
            },
            headers={"Referer": page.url},
            allow_redirects=False,
            timeout=10,
        )
        location = urljoin(page.url, answer.headers.get("Location", ""))
        while answer.status_code == 302 and location.startswith(self.url):
            answer = session.get(location, allow_redirects=False, timeout=10)
            location = urljoin(location, answer.headers.get("Location", ""))
        assert answer.status_code == 302, re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", answer.text))[
            :600
        ]
        return location


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):
    directory = tmp_path_factory.mktemp("op")
    (directory / "key.pem").write_text(_rsa_key_pem())
    port = free_port()
    process = _start(
        [
            "-m",
            "tests.sso.op.serve",
            str(port),
            CLIENT_ID,
            CLIENT_SECRET,
            "http://testserver/accounts/sso/oidc/uni/callback/",
            "http://127.0.0.1/accounts/sso/oidc/uni/callback/",
            "http://testserver/accounts/login/",
            "http://127.0.0.1/accounts/login/",
        ],
        {"OP_DIR": str(directory)},
        "OpenID Connect provider",
        directory / "log.txt",
    )
    try:
        yield OpenIDProvider(f"http://127.0.0.1:{port}", directory)
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def oidc(oidc_provider, settings):
    """Northstar configured with the test provider as "Example University"."""
    settings.NORTHSTAR_OIDC_PROVIDERS = [
        {
            "key": "uni",
            "name": "Example University",
            "discovery_url": f"{oidc_provider.url}/o/.well-known/openid-configuration",
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
        }
    ]
    oidc_provider.set()
    yield oidc_provider
    oidc_provider.set()


def _self_signed(directory: Path, name: str) -> None:
    """key.pem and cert.pem for ``name`` in ``directory``."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.x509.oid import NameOID

    key_pem = _rsa_key_pem()
    key = serialization.load_pem_private_key(key_pem.encode(), password=None)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    (directory / "key.pem").write_text(key_pem)
    (directory / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))


class SamlIdP:
    def __init__(self, url: str, directory: Path):
        self.url = url
        self.entity_id = f"{url}/idp"
        self.directory = directory
        self.set()

    def set(self, users: dict | None = None, mode: str = "", authn_class: str = "") -> None:
        (self.directory / "users.json").write_text(
            json.dumps({"users": users or {}, "mode": mode, "authn_class": authn_class})
        )

    def sign_in(self, location: str, username: str) -> dict:
        """A person at the IdP's own login page; returns the form it posts back to us."""
        session = requests.Session()
        page = session.get(location, timeout=10)
        fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', page.text))
        fields = {k: html.unescape(v) for k, v in fields.items()}
        answer = session.post(
            f"{self.url}/login",
            data={**fields, "username": username, "password": UNIVERSITY_PASSWORD},
            timeout=10,
        )
        assert answer.status_code == 200, answer.text[:300]
        posted = dict(re.findall(r'name="(\w+)" value="([^"]*)"', answer.text))
        action = re.search(r'action="([^"]+)"', answer.text).group(1)
        return {"action": html.unescape(action), **{k: html.unescape(v) for k, v in posted.items()}}


@pytest.fixture(scope="session")
def saml_idp(tmp_path_factory):
    """pysaml2's IdP in its own process. Without the xmlsec1 program (Debian's package, which
    .ci/run installs) the SAML tests are skipped with that reason — except in CI, where it is
    a failure, as for the browser tests."""
    if shutil.which("xmlsec1") is None:
        message = "xmlsec1 not found (apt-get install xmlsec1): SAML sign-in tests need it"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from django.test import override_settings

    from accounts.sso import saml

    directory = tmp_path_factory.mktemp("idp")
    _self_signed(directory, "Example University IdP")
    # Northstar's key pair as a service provider: it signs its requests (the IdP insists).
    (directory / "sp").mkdir()
    _self_signed(directory / "sp", "Northstar test SP")
    with override_settings(
        SITE_URL="http://testserver", NORTHSTAR_SAML_IDPS=[], **sp_key_settings(directory)
    ):
        metadata = saml.metadata_xml()
    (directory / "sp.xml").write_text(metadata)
    # Another service, known to the IdP, for the wrong-audience case.
    other = re.sub(r'entityID="[^"]+"', 'entityID="https://other.example/sp"', metadata)
    (directory / "other-sp.xml").write_text(other)
    port = free_port()
    process = _start(
        ["-m", "tests.sso.idp.serve", str(port), str(directory)],
        {},
        "SAML IdP",
        directory / "log.txt",
    )
    try:
        url = f"http://127.0.0.1:{port}"
        (directory / "idp.xml").write_text(requests.get(f"{url}/metadata", timeout=10).text)
        yield SamlIdP(url, directory)
    finally:
        process.terminate()
        process.wait(timeout=10)


def sp_key_settings(directory: Path) -> dict:
    return {
        "NORTHSTAR_SAML_SP_KEY_FILE": str(directory / "sp" / "key.pem"),
        "NORTHSTAR_SAML_SP_CERT_FILE": str(directory / "sp" / "cert.pem"),
    }


@pytest.fixture
def saml_sp(saml_idp, settings):
    """Northstar as a SAML service provider of the test IdP ("Example University"), with its
    key pair."""
    settings.SITE_URL = "http://testserver"
    for name, value in sp_key_settings(saml_idp.directory).items():
        setattr(settings, name, value)
    settings.NORTHSTAR_SAML_IDPS = [
        {
            "key": "uni",
            "name": "Example University",
            "entity_id": saml_idp.entity_id,
            "metadata_file": str(saml_idp.directory / "idp.xml"),
        }
    ]
    saml_idp.set()
    yield saml_idp
    saml_idp.set()
