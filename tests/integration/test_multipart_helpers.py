"""Shared helpers and fixtures for the test_multipart_* files (this module holds no tests).

Import what a test file needs: `from test_multipart_helpers import ...`; fixtures imported into
a test module are picked up by pytest like local ones."""

from __future__ import annotations

import base64
import hashlib
import os
import zlib
from pathlib import Path
from urllib.parse import quote
from xml.etree import ElementTree

import pytest
import requests

from cairntest import CairnServer, MiB, key_path, unique_name

# AWS's minimum size of every part but the last (5 MiB), and the lowered minimum the
# `--min-part-size` server option sets for tests that need small parts.
AWS_MIN_PART = 5 * MiB
SMALL_MIN_PART = 1024

NO_SUCH_UPLOAD_MESSAGE = ("The specified upload does not exist. The upload ID may be invalid, "
                          "or the upload may have been aborted or completed.")
PART_NUMBER_MESSAGE = "Part number must be an integer between 1 and 10000, inclusive"


# -- data and ETags ---------------------------------------------------------------------------

def body_of(size: int, seed: int) -> bytes:
    """Deterministic, incompressible-looking bytes (distinct per seed)."""
    out = bytearray()
    counter = 0
    while len(out) < size:
        out += hashlib.sha256(f"{seed}:{counter}".encode()).digest()
        counter += 1
    return bytes(out[:size])


def multipart_etag(parts: list[bytes]) -> str:
    """AWS's multipart ETag, computed independently: hex MD5 of the concatenated *binary*
    MD5 digests of the parts, then "-" and the number of parts, in quotes."""
    digest = hashlib.md5(b"".join(hashlib.md5(p).digest() for p in parts)).hexdigest()
    return f'"{digest}-{len(parts)}"'


def crc32_b64(data: bytes) -> str:
    return base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()


# -- multipart calls --------------------------------------------------------------------------

def create_upload(s3, bucket: str, key: str, **kwargs) -> str:
    return s3.create_multipart_upload(Bucket=bucket, Key=key, **kwargs)["UploadId"]


def upload_parts(s3, bucket: str, key: str, upload_id: str, bodies: list[bytes], *,
                 numbers: list[int] | None = None, **kwargs) -> list[dict]:
    """Uploads bodies as parts 1..N (or `numbers`); returns the Complete parts list."""
    numbers = numbers or list(range(1, len(bodies) + 1))
    parts = []
    for number, body in zip(numbers, bodies):
        resp = s3.upload_part(Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=number,
                              Body=body, **kwargs)
        parts.append({"PartNumber": number, "ETag": resp["ETag"]})
    return parts


def complete(s3, bucket: str, key: str, upload_id: str, parts: list[dict], **kwargs):
    return s3.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id,
                                        MultipartUpload={"Parts": parts}, **kwargs)


def multipart_object(s3, bucket: str, key: str, bodies: list[bytes], **create_kwargs) -> str:
    """Creates, uploads and completes; returns the object's ETag."""
    upload_id = create_upload(s3, bucket, key, **create_kwargs)
    parts = upload_parts(s3, bucket, key, upload_id, bodies)
    return complete(s3, bucket, key, upload_id, parts)["ETag"]


def complete_xml(parts: list[dict]) -> bytes:
    items = "".join(f"<Part><PartNumber>{p['PartNumber']}</PartNumber><ETag>{p['ETag']}</ETag>"
                    f"</Part>" for p in parts)
    return (f'<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">{items}'
            f"</CompleteMultipartUpload>").encode()


# -- raw signed requests ------------------------------------------------------------------------

def q(value) -> str:
    """A query-string value encoded the way SigV4 canonicalises it."""
    return quote(str(value), safe="-_.~")


def raw(server: CairnServer, method: str, bucket: str, key: str = "", *, query: str = "",
        headers: dict | None = None, body: bytes = b"") -> requests.Response:
    """A SigV4-signed request sent with `requests`, bypassing botocore's client-side checks."""
    return server.signed_request(method, key_path(bucket, key), query=query, headers=headers,
                                 body=body)


def xml_children(body: bytes) -> dict[str, str]:
    """Child elements of the root of an XML document (namespace stripped)."""
    root = ElementTree.fromstring(body)
    return {child.tag.split("}")[-1]: (child.text or "") for child in root}


def xml_root_tag(body: bytes) -> str:
    return ElementTree.fromstring(body).tag.split("}")[-1]


# -- storage --------------------------------------------------------------------------------

def blob_count(server: CairnServer) -> int:
    """Stored object and part bodies: files under the data folder's blobs/ plus the small ones kept
    inline in the metadata store."""
    return server.stored_blob_count()


# -- fixtures -------------------------------------------------------------------------------

@pytest.fixture
def small_server(start_server) -> CairnServer:
    """A server whose minimum part size is lowered to SMALL_MIN_PART bytes."""
    return start_server(min_part_size=SMALL_MIN_PART)


@pytest.fixture
def small_s3(small_server):
    return small_server.client()


@pytest.fixture
def small_bucket(small_s3) -> str:
    name = unique_name("mpu")
    small_s3.create_bucket(Bucket=name)
    return name
