"""A real S3 endpoint for the object-storage tests: moto's server, in its own process on
127.0.0.1, started once per test session. Each test gets a bucket of its own and the default
storage pointed at it, exactly as S3_BUCKET would point it (config/object_storage.py)."""

import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from dataclasses import dataclass

import pytest

from config.object_storage import s3_storage

# Any keys do for moto; they reach boto through the environment, as in production.
KEY_ID, SECRET = "storage-test-key", "storage-test-secret"


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def s3_endpoint(tmp_path_factory):
    port = _free_port()
    url = "http://127.0.0.1:%d" % port
    # The server logs every request: to a file, so a full pipe never stalls it.
    log = tmp_path_factory.mktemp("moto") / "server.log"
    with open(log, "wb") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=output, stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(url + "/moto-api/", timeout=1).close()
            break
        except OSError as error:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                raise RuntimeError("moto's S3 server did not start: %s" % log.read_text()) from error
            time.sleep(0.1)
    yield url
    server.terminate()
    server.wait(timeout=10)


@dataclass
class Bucket:
    name: str
    client: object

    def keys(self):
        return [item["Key"] for item in self.client.list_objects_v2(Bucket=self.name).get("Contents", [])]

    def read(self, key):
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()


@pytest.fixture
def bucket(s3_endpoint, settings, monkeypatch):
    """An empty private bucket, and the default storage (letters, decision letters,
    attachments) in it. Setting STORAGES makes Django drop its storage instances, so the next
    use, in this thread or a worker's, builds the S3 storage from these settings."""
    import boto3

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    name = "agency-files-%s" % uuid.uuid4().hex[:12]
    client = boto3.client("s3", endpoint_url=s3_endpoint, aws_access_key_id=KEY_ID, aws_secret_access_key=SECRET,
                          region_name="us-east-1")
    client.create_bucket(Bucket=name)
    settings.STORAGES = {**settings.STORAGES, "default": s3_storage(bucket=name, endpoint_url=s3_endpoint)}
    return Bucket(name, client)
