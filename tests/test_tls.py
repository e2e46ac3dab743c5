"""wss:// is one setting away: the hub serves the feed and the console link over TLS with the
center's certificate (here a self-signed one made by openssl), and a plain ws:// client or a
client that does not trust the certificate gets nowhere."""

from __future__ import annotations

import asyncio
import json
import ssl
import subprocess

import pytest
from websockets.asyncio.client import connect

from console.hub_client import Credentials, HubClient
from db.store import EventStore
from hub.engine import Engine
from hub.server import tls_context
from resources import scenario as scenarios
from tests import needs
from tests.recorder import Recorder
from tests.test_console_link import Replica, wait
from tests.test_faults import slip


@pytest.fixture
def certificate(tmp_path):
    needs.tool("openssl", "openssl")
    cert, key = tmp_path / "hub.pem", tmp_path / "hub.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return cert, key


def test_the_hub_speaks_wss_with_the_centers_certificate(tmp_path, certificate) -> None:
    cert, key = certificate
    demo = scenarios.load()
    engine = Engine(EventStore.open(f"sqlite:///{tmp_path / 't.sqlite3'}", demo.roster), demo,
                    Recorder(), workstation="hub", tls=tls_context(cert, key))
    engine.start()
    trusting = ssl.create_default_context(cafile=str(cert))
    assert engine.url.startswith("wss://")

    async def send_slip(url: str, context: ssl.SSLContext | None) -> dict:
        async with connect(url, ssl=context) as ws:
            await ws.send(slip(1))
            return json.loads(await ws.recv())

    replica = Replica()
    client = HubClient(engine.url, demo.roster, replica,
                       Credentials(token=engine.console_link.local_session("lead", "ws")),
                       workstation="ws", tls=trusting)
    client.start()
    try:
        assert asyncio.run(send_slip(f"{engine.url}/feed", trusting))["type"] == "ack"
        client.connected.wait(10)
        wait(lambda: "1001" in replica.state.incidents)
        with pytest.raises(ssl.SSLCertVerificationError):
            asyncio.run(send_slip(f"{engine.url}/feed", ssl.create_default_context()))
        plain = engine.url.replace("wss://", "ws://")
        with pytest.raises(Exception):  # noqa: B017 - any failure: TLS is not optional
            asyncio.run(send_slip(f"{plain}/feed", None))
    finally:
        client.stop()
        engine.stop()
