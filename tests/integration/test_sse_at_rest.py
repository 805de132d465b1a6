"""Encryption at rest: no plaintext and no SSE-C key on disk, tampered blobs never yield altered
data, and ETags as AWS documents them for each mode.

AWS behaviour followed (sources):
  * ETag (Object.ETag in the S3 API reference / botocore's model): "Objects created by the PUT
    Object, POST Object, or Copy operation ... encrypted by SSE-S3 or plaintext, have ETags that
    are an MD5 digest of their object data. ... encrypted by SSE-C or SSE-KMS, have ETags that are
    not an MD5 digest of their object data. If an object is created by either the Multipart Upload
    or Part Copy operation, the ETag is not an MD5 digest, regardless of the method of encryption."
  * SSE-C: "Amazon S3 does not store the encryption key you provide. Instead, it stores a
    randomly salted HMAC value of the encryption key" (S3 User Guide, SSE-C).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cairntest import MiB, quoted_etag, unique_name
from test_multipart_helpers import body_of, complete, multipart_etag
from test_sse_helpers import (  # noqa: F401 (fixtures)
    CHUNK, KEY_A, KEY_B, KMS_KEY, all_modes, b64, bkt, blob_files, files_containing, key_md5_b64,
    mode_kms, mode_s3, mode_ssec, pattern_body, s3e, srv, sse_client, sse_server, sse_tls_cert,
    ssec, ssec_headers, start_tls_server, streamed_get)

ENCRYPTED_MODES = ["sse-c", "sse-s3", "sse-kms"]


def _encryption_config(algorithm: str, key: str | None = None) -> dict:
    default = {"SSEAlgorithm": algorithm}
    if key:
        default["KMSMasterKeyID"] = key
    return {"Rules": [{"ApplyServerSideEncryptionByDefault": default}]}


def test_no_plaintext_and_no_key_on_disk(start_tls_server):
    """1 MiB of a distinctive repeated 16-byte pattern written under every mode (single part,
    multipart, bucket defaults, CopyObject, UploadPartCopy) never appears in any file under the
    data folder; neither do the SSE-C keys (raw or base64), in the data folder or the log."""
    srv = start_tls_server()
    s3 = srv.client()
    b = unique_name("scan")
    s3.create_bucket(Bucket=b)
    modes = {m: all_modes()[m] for m in ENCRYPTED_MODES}
    modes["sse-c-b"] = mode_ssec(KEY_B, "sse-c-b")
    patterns = []

    def pat(i: int) -> bytes:
        p = f"CAIRN-PLAIN{i:05d}".encode()
        assert len(p) == 16
        patterns.append(p)
        return p

    i = 0
    for name, mode in modes.items():
        # single-part PUT
        data = pattern_body(pat(i)); i += 1
        s3.put_object(Bucket=b, Key=f"{name}/put", Body=data, **mode.write)
        assert s3.get_object(Bucket=b, Key=f"{name}/put", **mode.read)["Body"].read() == data
        # multipart (3 parts)
        data = pattern_body(pat(i), MiB + 5000); i += 1
        upload_id = s3.create_multipart_upload(Bucket=b, Key=f"{name}/mpu",
                                               **mode.write)["UploadId"]
        parts = []
        for n, (lo, hi) in enumerate([(0, 300_000), (300_000, 700_000), (700_000, len(data))], 1):
            r = s3.upload_part(Bucket=b, Key=f"{name}/mpu", UploadId=upload_id, PartNumber=n,
                               Body=data[lo:hi], **mode.part)
            parts.append({"PartNumber": n, "ETag": r["ETag"]})
        complete(s3, b, f"{name}/mpu", upload_id, parts)
        assert s3.get_object(Bucket=b, Key=f"{name}/mpu", **mode.read)["Body"].read() == data
        # an upload left in progress (parts on disk, never completed)
        data = pattern_body(pat(i), 200_000); i += 1
        upload_id = s3.create_multipart_upload(Bucket=b, Key=f"{name}/open",
                                               **mode.write)["UploadId"]
        s3.upload_part(Bucket=b, Key=f"{name}/open", UploadId=upload_id, PartNumber=1,
                       Body=data, **mode.part)
    # copies from a plaintext source into every encrypted mode (CopyObject and UploadPartCopy)
    src_data = pattern_body(pat(i)); i += 1
    s3.put_object(Bucket=f"{b}", Key="plain-src", Body=src_data)
    for name, mode in modes.items():
        s3.copy_object(Bucket=b, Key=f"{name}/copy", CopySource={"Bucket": b, "Key": "plain-src"},
                       **mode.write)
        upload_id = s3.create_multipart_upload(Bucket=b, Key=f"{name}/upc",
                                               **mode.write)["UploadId"]
        r = s3.upload_part_copy(Bucket=b, Key=f"{name}/upc", UploadId=upload_id, PartNumber=1,
                                CopySource={"Bucket": b, "Key": "plain-src"}, **mode.part)
        complete(s3, b, f"{name}/upc", upload_id,
                 [{"PartNumber": 1, "ETag": r["CopyPartResult"]["ETag"]}])
    s3.delete_object(Bucket=b, Key="plain-src")
    # bucket default encryption (SSE-S3, then KMS)
    for j, cfg in enumerate([_encryption_config("AES256"),
                             _encryption_config("aws:kms", KMS_KEY)]):
        s3.put_bucket_encryption(Bucket=b, ServerSideEncryptionConfiguration=cfg)
        data = pattern_body(pat(i)); i += 1
        s3.put_object(Bucket=b, Key=f"default{j}", Body=data)
        assert s3.get_object(Bucket=b, Key=f"default{j}")["Body"].read() == data
    s3.close()

    data_dir = Path(srv.data_dir)
    assert blob_files(srv), "no blob files at all?"
    keys = [KEY_A, KEY_B, b64(KEY_A).encode(), b64(KEY_B).encode()]
    hits = files_containing(data_dir, patterns + keys)
    assert hits == [], f"plaintext or SSE-C key found on disk: {hits[:10]}"
    # after a restart too (WAL checkpoint, start-up cleanup)
    srv.restart()
    hits = files_containing(data_dir, patterns + keys)
    assert hits == [], f"plaintext or SSE-C key found on disk after restart: {hits[:10]}"
    # the key is never logged either (the log is outside the data folder)
    log = srv.log_path.read_bytes()
    for k in keys:
        assert k not in log, "an SSE-C key appears in the server log"


# -- tampering ----------------------------------------------------------------------------------

SIZE = 20 * CHUNK + 1234  # 21 chunks


def _put_and_find_blob(srv, s3, bucket: str, key: str, data: bytes, mode) -> Path:
    before = blob_files(srv)
    s3.put_object(Bucket=bucket, Key=key, Body=data, **mode.write)
    new = blob_files(srv) - before
    assert len(new) == 1, f"expected exactly one new blob file, got {sorted(new)}"
    return Path(new.pop())


def _flip_middle_byte(path: Path) -> int:
    raw = bytearray(path.read_bytes())
    at = len(raw) // 2
    raw[at] ^= 0x5A
    path.write_bytes(bytes(raw))
    return at


def _raw_read_headers(mode) -> dict:
    return ssec_headers(mode.key) if mode.key is not None else {}


def _assert_never_altered(status: int, received: bytes, complete_: bool, expected: bytes,
                          what: str) -> None:
    """A read of a range covering the tampered chunk: an error status, or a 2xx whose body is cut
    short; whatever body bytes arrived are a prefix of the original plaintext."""
    if 200 <= status < 300:
        assert not (complete_ and received == expected), \
            f"{what}: the tampered object was served in full with status {status}"
        assert not complete_, f"{what}: a complete {status} response with altered data"
        assert expected.startswith(received), \
            f"{what}: received bytes differ from the original plaintext (altered data served)"
    else:
        assert status >= 400, status


@pytest.mark.parametrize("mode_name", ENCRYPTED_MODES)
def test_tampered_blob_never_yields_altered_data(srv, s3e, bkt, mode_name):
    mode = all_modes()[mode_name]
    data = body_of(SIZE, 31)
    blob = _put_and_find_blob(srv, s3e, bkt, "obj", data, mode)
    assert data[:4096] not in blob.read_bytes()
    at = _flip_middle_byte(blob)
    frac = at / blob.stat().st_size
    middle = int(SIZE * frac)
    hdrs = _raw_read_headers(mode)

    # whole object
    st, _h, got, done = streamed_get(srv, bkt, "obj", headers=hdrs)
    _assert_never_altered(st, got, done, data, "full GET")
    # a range covering the chunks around the flipped byte (generously: 3 chunks either side)
    lo = max(0, (middle // CHUNK - 3) * CHUNK)
    hi = min(SIZE - 1, (middle // CHUNK + 4) * CHUNK - 1)
    st, _h, got, done = streamed_get(srv, bkt, "obj",
                                     headers={**hdrs, "Range": f"bytes={lo}-{hi}"})
    _assert_never_altered(st, got, done, data[lo:hi + 1], f"GET bytes={lo}-{hi}")
    # ?partNumber=1 is the whole single-part object
    st, _h, got, done = streamed_get(srv, bkt, "obj", headers=hdrs, query="partNumber=1")
    _assert_never_altered(st, got, done, data, "GET ?partNumber=1")

    # ranges far from the flipped chunk still work
    for lo, hi in [(0, CHUNK - 1), (100, 2 * CHUNK + 5), (SIZE - CHUNK, SIZE - 1)]:
        st, _h, got, done = streamed_get(srv, bkt, "obj",
                                         headers={**hdrs, "Range": f"bytes={lo}-{hi}"})
        assert st == 206 and done and got == data[lo:hi + 1], (lo, hi, st, len(got))


@pytest.mark.parametrize("mode_name", ENCRYPTED_MODES)
def test_tampered_part_blob(srv, s3e, bkt, mode_name):
    """A multipart object: flipping a byte in one part's blob breaks reads of that part only."""
    mode = all_modes()[mode_name]
    parts = [body_of(3 * CHUNK, 41), body_of(5 * CHUNK + 77, 42)]
    upload_id = s3e.create_multipart_upload(Bucket=bkt, Key="mpu", **mode.write)["UploadId"]
    listed = []
    r = s3e.upload_part(Bucket=bkt, Key="mpu", UploadId=upload_id, PartNumber=1, Body=parts[0],
                        **mode.part)
    listed.append({"PartNumber": 1, "ETag": r["ETag"]})
    before = blob_files(srv)
    r = s3e.upload_part(Bucket=bkt, Key="mpu", UploadId=upload_id, PartNumber=2, Body=parts[1],
                        **mode.part)
    listed.append({"PartNumber": 2, "ETag": r["ETag"]})
    new = blob_files(srv) - before
    assert len(new) == 1, sorted(new)
    complete(s3e, bkt, "mpu", upload_id, listed)
    part2_blob = Path(new.pop())
    if not part2_blob.exists():
        pytest.skip("the server moved part blobs on completion; covered by the single-part test")
    _flip_middle_byte(part2_blob)
    hdrs = _raw_read_headers(mode)
    st, _h, got, done = streamed_get(srv, bkt, "mpu", headers=hdrs, query="partNumber=2")
    _assert_never_altered(st, got, done, parts[1], "GET ?partNumber=2")
    st, _h, got, done = streamed_get(srv, bkt, "mpu", headers=hdrs)
    _assert_never_altered(st, got, done, parts[0] + parts[1], "full GET")
    st, _h, got, done = streamed_get(srv, bkt, "mpu", headers=hdrs, query="partNumber=1")
    assert st == 206 and done and got == parts[0]


# -- ETags --------------------------------------------------------------------------------------

ETAG_RE = re.compile(r'^"[0-9a-f]{32}"$')
MULTIPART_ETAG_RE = re.compile(r'^"[0-9a-f]{32}-(\d+)"$')


@pytest.mark.parametrize("mode_name", ["none", "sse-c", "sse-s3", "sse-kms"])
def test_single_part_etag(s3e, bkt, mode_name):
    mode = all_modes()[mode_name]
    data = body_of(2 * CHUNK + 5, 51)
    put = s3e.put_object(Bucket=bkt, Key="obj", Body=data, **mode.write)
    mode.check(put)
    assert ETAG_RE.match(put["ETag"]), put["ETag"]
    if mode_name in ("none", "sse-s3"):
        assert put["ETag"] == quoted_etag(data)   # AWS: MD5 of the data
    else:
        assert put["ETag"] != quoted_etag(data)   # AWS: not the MD5 of the data
    got = s3e.get_object(Bucket=bkt, Key="obj", **mode.read)
    assert got["Body"].read() == data
    head = s3e.head_object(Bucket=bkt, Key="obj", **mode.read)
    listed = s3e.list_objects_v2(Bucket=bkt)["Contents"][0]
    assert put["ETag"] == got["ETag"] == head["ETag"] == listed["ETag"]
    # If-Match / If-None-Match work with that ETag
    assert s3e.get_object(Bucket=bkt, Key="obj", IfMatch=put["ETag"],
                          **mode.read)["Body"].read() == data


def test_same_data_same_key_sse_c_etags_do_not_reveal_md5(s3e, bkt):
    data = body_of(1000, 52)
    e1 = s3e.put_object(Bucket=bkt, Key="a", Body=data, **ssec(KEY_A))["ETag"]
    e2 = s3e.put_object(Bucket=bkt, Key="b", Body=data, **ssec(KEY_B))["ETag"]
    assert quoted_etag(data) not in (e1, e2)


@pytest.mark.parametrize("mode_name", ["none", "sse-c", "sse-s3", "sse-kms"])
def test_multipart_etags_consistent(s3e, bkt, mode_name):
    mode = all_modes()[mode_name]
    parts = [body_of(CHUNK + 11, 61), body_of(2000, 62), body_of(CHUNK * 2, 63)]
    create = s3e.create_multipart_upload(Bucket=bkt, Key="mpu", **mode.write)
    upload_id = create["UploadId"]
    etags = []
    for n, p in enumerate(parts, 1):
        r = s3e.upload_part(Bucket=bkt, Key="mpu", UploadId=upload_id, PartNumber=n, Body=p,
                            **mode.part)
        assert ETAG_RE.match(r["ETag"]), r["ETag"]
        if mode_name in ("none", "sse-s3"):
            assert r["ETag"] == quoted_etag(p)
        etags.append(r["ETag"])
    listed = s3e.list_parts(Bucket=bkt, Key="mpu", UploadId=upload_id)["Parts"]
    assert [p["ETag"] for p in listed] == etags
    assert [p["Size"] for p in listed] == [len(p) for p in parts]
    done = complete(s3e, bkt, "mpu", upload_id,
                    [{"PartNumber": n, "ETag": e} for n, e in enumerate(etags, 1)])
    m = MULTIPART_ETAG_RE.match(done["ETag"])
    assert m and m.group(1) == "3", done["ETag"]
    if mode_name in ("none", "sse-s3"):
        assert done["ETag"] == multipart_etag(parts)
    got = s3e.get_object(Bucket=bkt, Key="mpu", **mode.read)
    assert got["Body"].read() == b"".join(parts)
    head = s3e.head_object(Bucket=bkt, Key="mpu", **mode.read)
    part = s3e.get_object(Bucket=bkt, Key="mpu", PartNumber=2, **mode.read)
    assert part["Body"].read() == parts[1]
    listed_obj = s3e.list_objects_v2(Bucket=bkt)["Contents"][0]
    assert done["ETag"] == got["ETag"] == head["ETag"] == part["ETag"] == listed_obj["ETag"]
    # completing again with the same list (a client's retry) returns the same ETag
    again = complete(s3e, bkt, "mpu", upload_id,
                     [{"PartNumber": n, "ETag": e} for n, e in enumerate(etags, 1)])
    assert again["ETag"] == done["ETag"]


# -- chunk-boundary sizes -------------------------------------------------------------------------

@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK])
@pytest.mark.parametrize("mode_name", ENCRYPTED_MODES)
def test_round_trip_at_chunk_boundaries(s3e, bkt, mode_name, size):
    mode = all_modes()[mode_name]
    data = body_of(size, 70 + size % 7)
    s3e.put_object(Bucket=bkt, Key="obj", Body=data, **mode.write)
    got = s3e.get_object(Bucket=bkt, Key="obj", **mode.read)
    assert got["Body"].read() == data
    assert got["ContentLength"] == size
    mode.check(got)
    head = s3e.head_object(Bucket=bkt, Key="obj", **mode.read)
    assert head["ContentLength"] == size
    if size:
        n = min(size, 3)
        r = s3e.get_object(Bucket=bkt, Key="obj", Range=f"bytes=-{n}", **mode.read)
        assert r["Body"].read() == data[-n:]
        r = s3e.get_object(Bucket=bkt, Key="obj", Range=f"bytes={size - 1}-", **mode.read)
        assert r["Body"].read() == data[-1:]
