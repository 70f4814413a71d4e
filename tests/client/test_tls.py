"""TLS verification stays on unless turned off; a CA bundle adds to the public authorities."""

from __future__ import annotations

import ssl
from pathlib import Path

import certifi
import pytest

from credits_client.api.client import ssl_verify
from credits_client.config import ConfigError, load_settings


def test_verification_choices(tmp_path: Path) -> None:
    assert ssl_verify(True, None) is True
    assert ssl_verify(False, certifi.where()) is False
    context = ssl_verify(True, certifi.where())
    assert isinstance(context, ssl.SSLContext)
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname


def test_a_bundle_that_is_not_pem_is_refused(tmp_path: Path) -> None:
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate")
    with pytest.raises(ssl.SSLError):
        ssl_verify(True, junk)
    config = tmp_path / "c.toml"
    config.write_text(f'ca_bundle = "{certifi.where()}"\nverify = true\n')
    assert load_settings(config, {}).ca_bundle == Path(certifi.where())
    with pytest.raises(ConfigError, match="ca_bundle"):
        load_settings(config, {"ca_bundle": str(tmp_path / "missing.pem")})
    with pytest.raises(ConfigError, match="not a PEM file"):
        load_settings(config, {"ca_bundle": str(junk)})
