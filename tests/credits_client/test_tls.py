"""TLS verification stays on unless turned off; the app trusts the system's certificate store, and
a CA bundle adds to it. Checked against a real TLS server on 127.0.0.1, with certificates made by
the `openssl` command. A CA "installed in the system store" is installed in a mount namespace of
one child process (`unshare`, util-linux), so the machine's own store is never touched."""

from __future__ import annotations

import http.server
import os
import shutil
import ssl
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from credits_client.api.client import ssl_verify
from credits_client.config import ConfigError, load_settings
from tests.support.tls import Authority, make_authority, serving_tls

# Connects the way the store does (ssl_verify's answer as httpx's `verify`), with nothing but the
# system store and, when given, a bundle; prints what happened.
CLIENT = """
import sys, httpx
from credits_client.api.client import ssl_verify
for bundle in sys.argv[2:] or [None]:
    try:
        print(httpx.get(sys.argv[1], verify=ssl_verify(True, bundle)).text)
    except httpx.ConnectError as error:
        print("refused:", error)
"""


class _Hello(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"hello over TLS"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def company_ca(tmp_path: Path) -> Authority:
    return make_authority(tmp_path / "company-ca")


@pytest.fixture
def tls_server(company_ca: Authority) -> Iterator[str]:
    """https://127.0.0.1:PORT/, with a certificate of the company CA."""
    with serving_tls(company_ca, _Hello) as url:
        yield f"{url}/"


def run_with_the_ca_in_the_system_store(
    ca: Path, store: Path, url: str, *bundles: Path
) -> list[str]:
    """Run CLIENT in a mount namespace where the system store OpenSSL reads holds only `ca`, as
    after `update-ca-certificates` with the company CA (the machine's own store is untouched)."""
    defaults = ssl.get_default_verify_paths()
    system_dir = Path(os.path.realpath(defaults.openssl_capath))
    system_file = Path(os.path.realpath(defaults.openssl_cafile))
    store.mkdir()
    shutil.copy(ca, store / system_file.name)
    hashed = subprocess.run(
        ["openssl", "x509", "-hash", "-noout", "-in", str(ca)],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    shutil.copy(ca, store / f"{hashed}.0")
    mounts = [f"mount --bind {store} {system_dir}"]
    if system_file.parent != system_dir:
        mounts.append(f"mount --bind {store / system_file.name} {system_file}")
    # Only the compiled-in locations: SSL_CERT_FILE and SSL_CERT_DIR would name a store by hand.
    env = {k: v for k, v in os.environ.items() if k not in ("SSL_CERT_FILE", "SSL_CERT_DIR")}
    command = " && ".join([*mounts, 'exec "$@"'])
    argv = [sys.executable, "-c", CLIENT, url, *map(str, bundles)]
    result = subprocess.run(
        ["unshare", "--mount", "--map-root-user", "sh", "-c", command, "sh", *argv],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_a_company_ca_installed_in_the_system_store_is_trusted(
    tls_server: str, company_ca: Authority, tmp_path: Path
) -> None:
    other = make_authority(tmp_path / "other-ca")
    answers = run_with_the_ca_in_the_system_store(
        company_ca.ca, tmp_path / "store", tls_server, other.ca
    )
    # A bundle adds to the system store: the company CA is still trusted beside it.
    assert answers == ["hello over TLS"]
    answers = run_with_the_ca_in_the_system_store(company_ca.ca, tmp_path / "store2", tls_server)
    assert answers == ["hello over TLS"]


def test_a_ca_bundle_is_trusted_and_an_unknown_ca_is_not(
    tls_server: str, company_ca: Authority, tmp_path: Path
) -> None:
    assert httpx.get(tls_server, verify=ssl_verify(True, company_ca.ca)).text == "hello over TLS"
    other = make_authority(tmp_path / "other-ca")
    with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
        httpx.get(tls_server, verify=ssl_verify(True, other.ca))


def test_verification_choices(company_ca: Authority) -> None:
    bundle_file = str(company_ca.ca)
    assert ssl_verify(False, bundle_file) is False
    for bundle in (None, bundle_file):
        context = ssl_verify(True, bundle)
        assert isinstance(context, ssl.SSLContext)
        assert context.verify_mode == ssl.CERT_REQUIRED
        assert context.check_hostname


def test_a_bundle_that_is_not_pem_is_refused(tmp_path: Path, company_ca: Authority) -> None:
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate")
    with pytest.raises(ssl.SSLError):
        ssl_verify(True, junk)
    config = tmp_path / "c.toml"
    config.write_text(f'ca_bundle = "{company_ca.ca}"\nverify = true\n')
    assert load_settings(config, {}).ca_bundle == company_ca.ca
    with pytest.raises(ConfigError, match="ca_bundle"):
        load_settings(config, {"ca_bundle": str(tmp_path / "missing.pem")})
    with pytest.raises(ConfigError, match="not a PEM file"):
        load_settings(config, {"ca_bundle": str(junk)})
