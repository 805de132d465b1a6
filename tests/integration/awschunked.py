"""aws-chunked request bodies for the integrity tests: encoding in every payload mode, SigV4
chunk and trailer signatures, and sending such a body over a raw HTTP or HTTPS connection.

Framing (S3 API reference, "Signature Calculations for the Authorization Header: Transferring
Payload in Multiple Chunks" and "Signature calculations for trailing headers"):

    STREAMING-AWS4-HMAC-SHA256-PAYLOAD
        hex(size);chunk-signature=SIG\\r\\n DATA \\r\\n ... 0;chunk-signature=SIG\\r\\n \\r\\n
    STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER
        ... 0;chunk-signature=SIG\\r\\n x-amz-checksum-crc32:VALUE\\r\\n
        x-amz-trailer-signature:TSIG\\r\\n \\r\\n
    STREAMING-UNSIGNED-PAYLOAD-TRAILER (what botocore sends over HTTPS)
        hex(size)\\r\\n DATA \\r\\n ... 0\\r\\n x-amz-checksum-crc32:VALUE\\r\\n \\r\\n

chunk signature   = HMAC(signing key, "AWS4-HMAC-SHA256-PAYLOAD\\n" amzdate "\\n" scope "\\n"
                         previous signature "\\n" hex(sha256("")) "\\n" hex(sha256(chunk data)))
trailer signature = HMAC(signing key, "AWS4-HMAC-SHA256-TRAILER\\n" amzdate "\\n" scope "\\n"
                         previous signature "\\n" hex(sha256("name:value\\n" ...)))
The first previous signature is the seed: the request's own (Authorization header) signature.

This module holds no tests; test_integrity_awschunked_vectors.py checks it against AWS's
published examples before the server tests rely on it.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import re
import socket
import ssl
from dataclasses import dataclass, field
from typing import Callable

from cairntest import KiB, MiB, REGION, User, key_path, sign_headers  # noqa: F401 (MiB re-exported)

UNSIGNED_TRAILER = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
SIGNED = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
SIGNED_TRAILER = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
MODES = (UNSIGNED_TRAILER, SIGNED, SIGNED_TRAILER)

EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


def hmac_sha256(key: bytes, msg: str) -> bytes:
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


def signing_key(secret: str, date: str, region: str = REGION, service: str = "s3") -> bytes:
    k = hmac_sha256(("AWS4" + secret).encode(), date)
    k = hmac_sha256(k, region)
    k = hmac_sha256(k, service)
    return hmac_sha256(k, "aws4_request")


@dataclass
class Signing:
    """What chunk and trailer signatures need: the derived key, the request's x-amz-date, the
    credential scope and the seed (the request's own signature)."""
    key: bytes
    amz_date: str
    scope: str
    seed: str

    @classmethod
    def from_headers(cls, headers: dict[str, str], secret: str) -> "Signing":
        h = {k.lower(): v for k, v in headers.items()}
        auth = h["authorization"]
        seed = re.search(r"Signature=([0-9a-f]{64})", auth).group(1)
        scope = re.search(r"Credential=[^/]+/([^,\s]+)", auth).group(1)
        date, region, service, _ = scope.split("/")
        return cls(signing_key(secret, date, region, service), h["x-amz-date"], scope, seed)

    def chunk_signature(self, previous: str, data: bytes) -> str:
        sts = "\n".join(["AWS4-HMAC-SHA256-PAYLOAD", self.amz_date, self.scope, previous,
                         EMPTY_SHA256, hashlib.sha256(data).hexdigest()])
        return hmac.new(self.key, sts.encode(), hashlib.sha256).hexdigest()

    def trailer_signature(self, previous: str, trailers: list[tuple[str, str]]) -> str:
        canonical = "".join(f"{name}:{value}\n" for name, value in trailers)
        sts = "\n".join(["AWS4-HMAC-SHA256-TRAILER", self.amz_date, self.scope, previous,
                         hashlib.sha256(canonical.encode()).hexdigest()])
        return hmac.new(self.key, sts.encode(), hashlib.sha256).hexdigest()


def split(data: bytes, chunk_size: int) -> list[bytes]:
    return [data[i:i + chunk_size] for i in range(0, len(data), chunk_size)]


@dataclass
class Encoded:
    body: bytes
    chunk_signatures: list[str] = field(default_factory=list)   # data chunks, then the final one
    trailer_signature: str | None = None


def encode(chunks: list[bytes], mode: str, signing: Signing | None = None,
           trailers: list[tuple[str, str]] | None = None, *,
           tamper_chunk_signature: int | None = None,
           tamper_trailer_signature: bool = False) -> Encoded:
    """An aws-chunked body of `chunks` (then the final zero-length chunk) in `mode`.

    `tamper_chunk_signature=i` replaces the signature sent with chunk i (the final chunk is
    len(chunks)) by a wrong one while the chain continues from the correct value."""
    trailers = list(trailers or [])
    signed = mode in (SIGNED, SIGNED_TRAILER)
    if signed and signing is None:
        raise ValueError("signed modes need a Signing")
    if mode == SIGNED and trailers:
        raise ValueError("STREAMING-AWS4-HMAC-SHA256-PAYLOAD has no trailers")
    out = bytearray()
    sigs: list[str] = []
    previous = signing.seed if signed else ""
    for i, data in enumerate(list(chunks) + [b""]):
        if signed:
            sig = signing.chunk_signature(previous, data)
            previous = sig
            sent = ("0" * 64 if sig != "0" * 64 else "1" * 64) if tamper_chunk_signature == i else sig
            sigs.append(sig)
            out += f"{len(data):x};chunk-signature={sent}\r\n".encode()
        else:
            out += f"{len(data):x}\r\n".encode()
        if data:
            out += data + b"\r\n"
    tsig = None
    for name, value in trailers:
        out += f"{name}:{value}\r\n".encode()
    if mode == SIGNED_TRAILER:
        tsig = signing.trailer_signature(previous, trailers)
        sent = ("0" * 64) if tamper_trailer_signature else tsig
        out += f"x-amz-trailer-signature:{sent}\r\n".encode()
    out += b"\r\n"
    return Encoded(bytes(out), sigs, tsig)


# -- sending ---------------------------------------------------------------------------------

@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes
    request_headers: dict[str, str]


def http_chunked(body: bytes, http_chunk: int) -> bytes:
    """`body` as an HTTP/1.1 `Transfer-Encoding: chunked` stream of `http_chunk`-byte chunks."""
    out = bytearray()
    for i in range(0, len(body), http_chunk):
        piece = body[i:i + http_chunk]
        out += f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    out += b"0\r\n\r\n"
    return bytes(out)


def connection(server, timeout: float = 30) -> http.client.HTTPConnection:
    cafile = getattr(server, "cafile", None)
    if cafile:
        ctx = ssl.create_default_context(cafile=str(cafile))
        return http.client.HTTPSConnection("127.0.0.1", server.port, timeout=timeout, context=ctx)
    return http.client.HTTPConnection("127.0.0.1", server.port, timeout=timeout)


def send_raw(server, method: str, path: str, headers: dict[str, str], wire_body: bytes,
             *, timeout: float = 30) -> tuple[int, dict[str, str], bytes]:
    """Sends headers and exactly `wire_body` (already framed) and reads the response. The server
    may answer an error before the whole body is sent; the response is still read."""
    conn = connection(server, timeout)
    try:
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        for k, v in headers.items():
            conn.putheader(k, v)
        conn.endheaders()
        try:
            view = memoryview(wire_body)
            for i in range(0, len(view), 64 * KiB):
                conn.send(view[i:i + 64 * KiB])
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError, socket.timeout):
            pass
        resp = conn.getresponse()
        data = resp.read()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data
    finally:
        conn.close()


def put_aws_chunked(server, bucket: str, key: str, data: bytes, *, mode: str = SIGNED,
                    chunk_size: int = 64 * KiB, chunks: list[bytes] | None = None,
                    trailer: str | None = None, trailer_value: str | None = None,
                    extra_trailers: list[tuple[str, str]] | None = None,
                    announce_trailer: bool = True,
                    decoded_length: int | None = None, http_chunk: int | None = None,
                    headers: dict[str, str] | None = None, query: str = "",
                    user: User | None = None,
                    tamper_chunk_signature: int | None = None,
                    tamper_trailer_signature: bool = False,
                    mutate: Callable[[bytes], bytes] | None = None,
                    timeout: float = 30) -> Response:
    """PUTs `data` (object or part, per `query`) as an aws-chunked body in `mode`.

    trailer: a checksum header name (x-amz-checksum-crc32 ...) sent as a trailer, announced in
    x-amz-trailer; its value is `trailer_value` (default: computed by the caller and passed in).
    http_chunk: send with Transfer-Encoding: chunked in HTTP chunks of that size (as botocore does
    over HTTPS); otherwise with a Content-Length of the encoded body.
    mutate: rewrites the encoded aws-chunked body before it is sent (framing errors)."""
    user = user or server.default_user
    path = key_path(bucket, key) + (f"?{query}" if query else "")
    chunks = split(data, chunk_size) if chunks is None else chunks
    trailers: list[tuple[str, str]] = []
    if trailer:
        if trailer_value is None:
            raise ValueError("trailer_value is required with trailer")
        trailers.append((trailer, trailer_value))
    trailers += list(extra_trailers or [])
    # The encoded length must be known before signing when Content-Length is sent, and the
    # signatures need the seed, so encode once with a dummy seed to learn the length (signature
    # lengths are fixed).
    dummy = Signing(b"k", "20000101T000000Z", "20000101/us-east-1/s3/aws4_request", "0" * 64)
    length = len(encode(chunks, mode, dummy, trailers).body)
    hdrs = {
        "Content-Encoding": "aws-chunked",
        "x-amz-decoded-content-length": str(len(data) if decoded_length is None else decoded_length),
    }
    if trailer and announce_trailer:
        hdrs["x-amz-trailer"] = trailer
    if http_chunk is None and mutate is None:
        hdrs["Content-Length"] = str(length)
    hdrs.update(headers or {})
    url = f"http://{server.host}{path}"
    signed_hdrs = sign_headers("PUT", url, user, headers=hdrs, payload_hash=mode)
    signing = Signing.from_headers(signed_hdrs, user.secret_key)
    encoded = encode(chunks, mode, signing if mode != UNSIGNED_TRAILER else None, trailers,
                     tamper_chunk_signature=tamper_chunk_signature,
                     tamper_trailer_signature=tamper_trailer_signature)
    body = encoded.body
    if mutate is not None:
        body = mutate(body)
    send_hdrs = dict(signed_hdrs)
    if http_chunk is not None:
        send_hdrs.pop("Content-Length", None)
        send_hdrs["Transfer-Encoding"] = "chunked"
        wire = http_chunked(body, http_chunk)
    else:
        if mutate is not None:
            send_hdrs["Content-Length"] = str(len(body))
        wire = body
    status, rh, rb = send_raw(server, "PUT", path, send_hdrs, wire, timeout=timeout)
    return Response(status, rh, rb, send_hdrs)
