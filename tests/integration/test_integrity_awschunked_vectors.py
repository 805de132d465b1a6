"""The aws-chunked test helper (awschunked.py) checked against AWS's published examples before
any server test relies on it. No server is started here.

Sources (S3 API reference, example credentials AKIAIOSFODNN7EXAMPLE /
wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY, 20130524T000000Z, us-east-1, PUT
/examplebucket/chunkObject.txt on s3.amazonaws.com, x-amz-storage-class REDUCED_REDUNDANCY,
66,560 bytes of 'a' in 64 KiB chunks):
- "Signature Calculations for the Authorization Header: Transferring Payload in Multiple Chunks
  (Chunked Upload)" (sigv4-streaming.html): seed, chunk and final signatures, Content-Length 66824.
- "Signature calculations for trailing headers (chunked uploads)" (sigv4-streaming-trailers.html):
  STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER with x-amz-trailer: x-amz-checksum-crc32c.
"""

from __future__ import annotations

import datetime as dt

from awschunked import SIGNED, SIGNED_TRAILER, UNSIGNED_TRAILER, Signing, encode, http_chunked, split
from cairntest import User, sign_headers
from test_integrity_helpers import checksum, crc32c_py, crc64nvme_py, crc32c, crc64nvme

EXAMPLE_USER = User("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
EXAMPLE_TIME = dt.datetime(2013, 5, 24, 0, 0, 0)
EXAMPLE_URL = "https://s3.amazonaws.com/examplebucket/chunkObject.txt"
DATA = b"a" * 66560


def example_signing(mode: str, headers: dict[str, str]) -> tuple[dict[str, str], Signing]:
    hdrs = {"Host": "s3.amazonaws.com", "x-amz-storage-class": "REDUCED_REDUNDANCY",
            "Content-Encoding": "aws-chunked", "x-amz-decoded-content-length": "66560", **headers}
    signed = sign_headers("PUT", EXAMPLE_URL, EXAMPLE_USER, headers=hdrs, payload_hash=mode,
                          when=EXAMPLE_TIME)
    return signed, Signing.from_headers(signed, EXAMPLE_USER.secret_key)


def test_streaming_payload_example_seed_and_chunk_signatures():
    signed, signing = example_signing(SIGNED, {"Content-Length": "66824"})
    assert signed["Authorization"] == (
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
        "SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;"
        "x-amz-decoded-content-length;x-amz-storage-class, "
        "Signature=4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9")
    assert signing.scope == "20130524/us-east-1/s3/aws4_request"
    enc = encode(split(DATA, 64 * 1024), SIGNED, signing)
    assert enc.chunk_signatures == [
        "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
        "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
        "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9",
    ]
    # The documented Content-Length of the encoded body, and its exact framing.
    assert len(enc.body) == 66824
    assert enc.body == (
        b"10000;chunk-signature=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648\r\n"
        + b"a" * 65536 + b"\r\n"
        + b"400;chunk-signature=0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497\r\n"
        + b"a" * 1024 + b"\r\n"
        + b"0;chunk-signature=b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9\r\n"
        + b"\r\n")


def test_streaming_payload_trailer_example():
    signed, signing = example_signing(SIGNED_TRAILER, {"x-amz-trailer": "x-amz-checksum-crc32c"})
    assert signed["Authorization"].endswith(
        "SignedHeaders=content-encoding;host;x-amz-content-sha256;x-amz-date;"
        "x-amz-decoded-content-length;x-amz-storage-class;x-amz-trailer, "
        "Signature=106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e")
    crc = checksum("CRC32C", DATA)
    assert crc == "sOO8/Q=="  # the trailer value in AWS's example
    enc = encode(split(DATA, 64 * 1024), SIGNED_TRAILER, signing, [("x-amz-checksum-crc32c", crc)])
    assert enc.chunk_signatures == [
        "b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2",
        "1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7",
        "2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992",
    ]
    assert enc.trailer_signature == \
        "d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435"
    assert enc.body.endswith(
        b"0;chunk-signature=2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992\r\n"
        b"x-amz-checksum-crc32c:sOO8/Q==\r\n"
        b"x-amz-trailer-signature:d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435"
        b"\r\n\r\n")


def test_trailer_signature_string_to_sign():
    # The trailer string to sign hashes "name:value\n"; an earlier revision of AWS's trailer page
    # (kept in minio-go's signer tests) signs x-amz-checksum-crc32c:wdBDMA== after the final
    # chunk signature e05ab64f... to 41e14ac6....
    _signed, signing = example_signing(SIGNED_TRAILER, {"x-amz-trailer": "x-amz-checksum-crc32c"})
    assert signing.trailer_signature(
        "e05ab64fe1dfdbf0b5870abbaabdb063c371d4e96f2767e6934d90529c5ae850",
        [("x-amz-checksum-crc32c", "wdBDMA==")],
    ) == "41e14ac611e27a8bb3d66c3bad6856f209297767d5dd4fc87d8fa9e422e03faf"


def test_unsigned_trailer_framing_matches_botocore():
    """STREAMING-UNSIGNED-PAYLOAD-TRAILER as botocore's AwsChunkedWrapper frames it."""
    from io import BytesIO

    from botocore.httpchecksum import AwsChunkedWrapper, Crc32Checksum

    data = bytes(range(256)) * 5000  # 1.28 MB: two 1 MiB aws-chunks
    wrapped = AwsChunkedWrapper(BytesIO(data), checksum_cls=Crc32Checksum,
                                checksum_name="x-amz-checksum-crc32").read()
    ours = encode(split(data, 1024 * 1024), UNSIGNED_TRAILER,
                  trailers=[("x-amz-checksum-crc32", checksum("CRC32", data))]).body
    assert ours == wrapped


def test_http_chunked_framing():
    assert http_chunked(b"abcdefghij", 4) == b"4\r\nabcd\r\n4\r\nefgh\r\n2\r\nij\r\n0\r\n\r\n"


def test_crc_check_values():
    """CRC-32C and CRC-64/NVME check values (CRC catalogue, input "123456789"), for both the
    pure-Python reference and the implementation the tests use (awscrt when installed)."""
    for f in (crc32c_py, crc32c):
        assert f(b"123456789") == 0xE3069283
    for f in (crc64nvme_py, crc64nvme):
        assert f(b"123456789") == 0xAE8B14860A799888
    sample = bytes(range(256)) * 7 + b"tail"
    assert crc32c(sample) == crc32c_py(sample)
    assert crc64nvme(sample) == crc64nvme_py(sample)
