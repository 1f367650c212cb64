"""Where letters, decision letters and attachments are kept: this machine's disk by default
(MEDIA_ROOT), or, with S3_BUCKET set, an S3-compatible bucket that every web and worker machine
shares. Code reaches the files only through the storage API (FieldFile.save/open), so either
works unchanged.

Downloads stay with the views that check who is asking: they stream the file from storage
(FileResponse over storage.open) rather than redirect to a presigned URL. One code path for
disk and bucket, our Content-Disposition (the attachment's detected name) and security headers
on every download, and a bucket that only the servers need to reach; the price is the web
worker's time for files of at most 10 MB."""

from botocore.config import Config
from botocore.exceptions import ConnectionError as BotoConnectionError
from botocore.exceptions import ReadTimeoutError

S3_BACKEND = "storages.backends.s3.S3Storage"

# The bucket's service cannot be reached (refused, unresolved, timed out): the request that
# needed a file answers 503 (config/errors.py), a letter's task or the letters sweep tries
# again later. Any other error of the service is a fault to see, not an outage.
STORAGE_UNREACHABLE = (BotoConnectionError, ReadTimeoutError)

# S3File reads an object into a spooled buffer before it is streamed: small letters stay in
# memory, a large attachment spills to a temporary file instead of holding a worker's memory.
DOWNLOAD_MEMORY_BYTES = 2 * 1024 * 1024


def s3_storage(*, bucket: str, endpoint_url: str = "") -> dict:
    """The STORAGES entry of a private bucket. The keys are not settings: boto reads
    AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_DEFAULT_REGION when the service needs
    one) from the environment, or uses the machine's role where there is one."""
    return {
        "BACKEND": S3_BACKEND,
        "OPTIONS": {
            "bucket_name": bucket,
            # Any S3-compatible service; unset, AWS itself.
            "endpoint_url": endpoint_url or None,
            # No ACL on the objects: the bucket's default (private) applies, nobody reads them directly.
            "default_acl": None,
            # Should a storage URL ever be handed out, it is signed and expires within minutes.
            "querystring_auth": True,
            "querystring_expire": 300,
            # A stored letter is evidence: a name already taken gets a suffix, it never replaces a file.
            "file_overwrite": False,
            "max_memory_size": DOWNLOAD_MEMORY_BYTES,
            # A service that hangs fails within seconds rather than holding a web worker for
            # botocore's default minute per attempt.
            "client_config": Config(connect_timeout=5, read_timeout=30, retries={"max_attempts": 3}),
        },
    }
