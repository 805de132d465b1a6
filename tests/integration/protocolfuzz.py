"""A protocol fuzzer for a live S3 server: real requests (as boto3 and the aws CLI send them),
mutated, sent over raw sockets, every answer checked.

Two kinds of mutation:
  * structured, then signed: a header, query parameter, path or body is changed and the request is
    signed again (SigV4, real payload hash, sometimes UNSIGNED-PAYLOAD or aws-chunked), so the
    mutation reaches the parsers behind authentication;
  * raw, after signing: bytes flipped, the request cut short, Content-Length lied about, chunked
    framing broken, header blocks bloated, requests pipelined.

What must hold (issue 17): every answer is a complete HTTP response with a 1xx-5xx status whose
error bodies are S3 error XML, or the connection is closed; never a 500 for a client's mistake;
the server never dies or hangs; and a rejected write changes nothing (checked at the end against
listings: every object and part there was answered 2xx).

Used by tests/integration/test_protocol_fuzz.py (a short deterministic run in CI) and by
scripts/fuzz-protocol (long runs against a fresh server). Holds no tests itself.
"""

from __future__ import annotations

import base64
import hashlib
import random
import re
import socket
import time
from dataclasses import dataclass, field
from typing import Callable
from urllib.parse import quote
from xml.etree import ElementTree

import awschunked
from cairntest import User, sign_headers

S3_NS = "{http://s3.amazonaws.com/doc/2006-03-01/}"

# Values that break parsers: empty, signs, overflow, junk, encodings, very long, control bytes.
VALUE_POOL: list[str] = [
    "", " ", "0", "-1", "1", "00001", "+5", "1e3", "0x10", "18446744073709551616",
    "99999999999999999999999", "2147483648", "-9223372036854775809", "abc", "=", '"', '""', "\\",
    "bytes=", "bytes=0-", "bytes=-0", "bytes=5-1", "bytes=0-0,1-1", "bytes=-", "bytes=99999999999999999999-",
    "a" * 1025, "a" * 9000, "%", "%ZZ", "%00", "%C3%28", "/", "//", "../..", "é", "\u202e", "😀",
    "\x01", "\x7f", "AAAA", "AAAAAA==", "!!!!", "Mon, 32 Dec 2025 25:61:61 GMT", "20251304T256161Z",
    "true", "false", "null", "<x/>", "&amp;", "&#0;", "*", "**", "\t", "x" * 257,
    "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", "STREAMING-UNSIGNED-PAYLOAD-TRAILER", "UNSIGNED-PAYLOAD",
    "aws-chunked", "gzip", "CRC32", "crc32", "SHA1", "SHA999", "COMPOSITE", "FULL_OBJECT",
    "GOVERNANCE", "COMPLIANCE", "ON", "OFF", "AES256", "aws:kms", "aws:kms:dsse", "STANDARD", "GLACIER",
    "COPY", "REPLACE", "public-read", "private", "x-amz-checksum-crc32", "id=1", "uri=http://x",
]

RAW_BYTE_VALUES: list[bytes] = [b"\xff\xfe", b"\xc3\x28", b"\x00", b"\r\n", b"\r", b"\n", b"a\r\n b",
                                b"\xe2\x80", b"\x80" * 20]

HEADERS_OF_S3 = [
    "Content-MD5", "Content-Type", "Content-Encoding", "Content-Language", "Content-Disposition",
    "Cache-Control", "Expires", "Range", "If-Match", "If-None-Match", "If-Modified-Since",
    "If-Unmodified-Since", "x-amz-copy-source", "x-amz-copy-source-range",
    "x-amz-copy-source-if-match", "x-amz-copy-source-if-none-match", "x-amz-metadata-directive",
    "x-amz-tagging-directive", "x-amz-tagging", "x-amz-meta-fuzz", "x-amz-server-side-encryption",
    "x-amz-server-side-encryption-aws-kms-key-id", "x-amz-server-side-encryption-context",
    "x-amz-server-side-encryption-customer-algorithm", "x-amz-server-side-encryption-customer-key",
    "x-amz-server-side-encryption-customer-key-MD5", "x-amz-storage-class", "x-amz-acl",
    "x-amz-grant-read", "x-amz-grant-full-control", "x-amz-object-lock-mode",
    "x-amz-object-lock-retain-until-date", "x-amz-object-lock-legal-hold",
    "x-amz-bypass-governance-retention", "x-amz-checksum-crc32", "x-amz-checksum-crc32c",
    "x-amz-checksum-crc64nvme", "x-amz-checksum-sha1", "x-amz-checksum-sha256",
    "x-amz-checksum-algorithm", "x-amz-checksum-type", "x-amz-sdk-checksum-algorithm",
    "x-amz-checksum-mode", "x-amz-trailer", "x-amz-decoded-content-length", "x-amz-mp-object-size",
    "x-amz-expected-bucket-owner", "x-amz-request-payer", "x-amz-website-redirect-location",
    "x-amz-object-attributes", "x-amz-max-parts", "x-amz-part-number-marker",
    "x-amz-bucket-object-lock-enabled", "x-amz-object-ownership", "x-amz-write-offset-bytes",
    "x-amz-date", "x-amz-content-sha256", "x-amz-security-token", "Expect", "Transfer-Encoding",
    "Content-Length", "Origin", "Access-Control-Request-Method", "Authorization", "Host",
]

QUERY_OF_S3 = [
    "uploads", "uploadId", "partNumber", "versionId", "tagging", "acl", "policy", "policyStatus",
    "lifecycle", "versioning", "versions", "retention", "legal-hold", "object-lock", "attributes",
    "list-type", "max-keys", "prefix", "delimiter", "encoding-type", "continuation-token",
    "start-after", "marker", "key-marker", "version-id-marker", "upload-id-marker",
    "part-number-marker", "max-parts", "max-uploads", "fetch-owner", "response-content-type",
    "response-expires", "response-cache-control", "x-id", "delete", "select", "restore", "cors",
    "website", "encryption", "notification", "logging", "replication", "ownershipControls",
    "publicAccessBlock", "requestPayment", "accelerate", "location", "uploadPart", "torrent",
    "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-Date", "X-Amz-Expires",
    "Signature", "AWSAccessKeyId", "Expires",
]

METHODS = ["GET", "PUT", "POST", "DELETE", "HEAD", "OPTIONS", "PATCH", "get", "TRACE", "CONNECT"]


@dataclass
class Request:
    """One HTTP request before signing. `path` is already URL-encoded; `query` pairs are raw."""
    seed: str
    method: str
    bucket: str
    key: str | None
    query: list[tuple[str, str]] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    writes_key: str | None = None          # the object this request creates when answered 2xx
    writes_part: int | None = None         # the part of the shared upload it creates when 2xx
    chunked_mode: str | None = None        # aws-chunked framing mode, if any

    def path(self) -> str:
        p = "/" + self.bucket
        if self.key is not None:
            p += "/" + quote(self.key, safe="/~")
        return p

    def query_string(self) -> str:
        parts = []
        for k, v in self.query:
            parts.append(quote(k, safe="~") + ("=" + quote(v, safe="~") if v is not None else ""))
        return "&".join(parts)


@dataclass
class Answer:
    status: int | None          # None: the connection closed (or timed out) without a response
    headers: dict[str, str]
    body: bytes
    hung: bool = False


@dataclass
class Finding:
    iteration: int
    what: str
    request: bytes
    answer: Answer | None

    def __str__(self) -> str:
        shown = self.request[:600]
        status = self.answer.status if self.answer else None
        body = self.answer.body[:400] if self.answer else b""
        return (f"#{self.iteration}: {self.what}\n  status={status} body={body!r}\n"
                f"  request={shown!r}{'...' if len(self.request) > 600 else ''}")


# -- sending and reading -------------------------------------------------------------------------

def read_answer(sock: socket.socket, head_request: bool, timeout: float) -> Answer:
    """Reads one HTTP/1.1 response from `sock` (interim 1xx answers are skipped)."""
    sock.settimeout(timeout)
    buf = b""
    deadline = time.monotonic() + timeout

    def more() -> bytes:
        if time.monotonic() > deadline:
            raise socket.timeout()
        return sock.recv(65536)

    try:
        while True:
            while b"\r\n\r\n" not in buf:
                chunk = more()
                if not chunk:
                    return Answer(None, {}, buf)
                buf += chunk
            head, buf = buf.split(b"\r\n\r\n", 1)
            lines = head.split(b"\r\n")
            parts = lines[0].split(b" ", 2)
            if len(parts) < 2 or not parts[0].startswith(b"HTTP/1.") or not parts[1].isdigit():
                return Answer(-1, {}, head)
            status = int(parts[1])
            headers: dict[str, str] = {}
            for line in lines[1:]:
                name, _, value = line.partition(b":")
                headers[name.decode("latin-1").strip().lower()] = value.decode("latin-1").strip()
            if 100 <= status < 200:
                continue
            break
        if head_request or status in (204, 304):
            return Answer(status, headers, b"")
        if "content-length" in headers:
            n = int(headers["content-length"])
            while len(buf) < n:
                chunk = more()
                if not chunk:
                    return Answer(-2, headers, buf)   # a response cut short is a finding
                buf += chunk
            return Answer(status, headers, buf[:n])
        if headers.get("transfer-encoding", "").lower() == "chunked":
            body = b""
            while True:
                while b"\r\n" not in buf:
                    chunk = more()
                    if not chunk:
                        return Answer(-2, headers, body)
                    buf += chunk
                size_line, buf = buf.split(b"\r\n", 1)
                size = int(size_line.split(b";")[0], 16)
                while len(buf) < size + 2:
                    chunk = more()
                    if not chunk:
                        return Answer(-2, headers, body)
                    buf += chunk
                if size == 0:
                    return Answer(status, headers, body)
                body += buf[:size]
                buf = buf[size + 2:]
        while True:   # until close
            chunk = more()
            if not chunk:
                return Answer(status, headers, buf)
            buf += chunk
    except socket.timeout:
        return Answer(None, {}, buf, hung=True)
    except (ConnectionResetError, BrokenPipeError):
        return Answer(None, {}, buf)


def send(host: str, port: int, wire: bytes, *, head_request: bool, half_close: bool,
         timeout: float) -> Answer:
    with socket.create_connection((host, port), timeout=timeout) as sock:
        try:
            sock.sendall(wire)
            if half_close:
                sock.shutdown(socket.SHUT_WR)
        except OSError:   # the server already answered and closed (or reset) the connection
            pass
        return read_answer(sock, head_request, timeout)


def serialize(method: str, target: str, headers: list[tuple[str, bytes | str]], body: bytes,
              version: str = "HTTP/1.1") -> bytes:
    out = bytearray(f"{method} {target} {version}\r\n".encode("latin-1", "replace"))
    for name, value in headers:
        raw = value if isinstance(value, bytes) else value.encode("utf-8", "surrogateescape")
        out += name.encode("latin-1", "replace") + b": " + raw + b"\r\n"
    out += b"\r\n" + body
    return bytes(out)


# -- the fuzzer ----------------------------------------------------------------------------------

class ProtocolFuzzer:
    def __init__(self, host: str, port: int, user: User, *, seed: int = 1,
                 alive: Callable[[], bool] = lambda: True, timeout: float = 10.0,
                 log: Callable[[str], None] = lambda s: None):
        self.host, self.port, self.user = host, port, user
        self.rng = random.Random(seed)
        self.alive, self.timeout, self.log = alive, timeout, log
        self.bucket = f"fuzz-{seed}-{int(time.time() * 1000) % 100000}"
        self.upload_id = ""
        self.findings: list[Finding] = []
        self.acked_keys: set[str] = set()
        self.acked_parts: set[int] = set()
        self.loose_writes = 0          # raw-mutated writes answered 2xx (their key is not known)
        self.counts: dict[str, int] = {}
        self.iteration = 0

    # -- plumbing

    def endpoint(self) -> str:
        return f"http://{self.host}:{self.port}"

    def signed(self, req: Request, *, payload: str | None = None) -> tuple[str, list[tuple[str, str]], bytes]:
        qs = req.query_string()
        target = req.path() + (f"?{qs}" if qs else "")
        body = req.body
        payload_hash = payload
        headers = dict(req.headers)
        if req.chunked_mode:
            headers.setdefault("Content-Encoding", "aws-chunked")
            headers.setdefault("x-amz-decoded-content-length", str(len(body)))
            payload_hash = req.chunked_mode
        hdrs = sign_headers(req.method, self.endpoint() + target, self.user, headers=headers,
                            body=body, payload_hash=payload_hash)
        if req.chunked_mode:
            signing = None
            if req.chunked_mode != awschunked.UNSIGNED_TRAILER:
                signing = awschunked.Signing.from_headers(hdrs, self.user.secret_key)
            trailers = [("x-amz-checksum-crc32", "AAAAAA==")] if "TRAILER" in req.chunked_mode else []
            if trailers:
                hdrs["x-amz-trailer"] = "x-amz-checksum-crc32"
            body = awschunked.encode(awschunked.split(body, 8192) if body else [], req.chunked_mode,
                                     signing, trailers).body
        hdrs["Content-Length"] = str(len(body))
        return target, list(hdrs.items()), body

    def plain(self, method: str, target: str, body: bytes = b"", headers: dict | None = None) -> Answer:
        hdrs = sign_headers(method, self.endpoint() + target, self.user, headers=headers or {}, body=body)
        hdrs["Content-Length"] = str(len(body))
        return send(self.host, self.port, serialize(method, target, list(hdrs.items()), body),
                    head_request=method == "HEAD", half_close=False, timeout=self.timeout)

    def setup(self) -> None:
        assert self.plain("PUT", f"/{self.bucket}").status == 200
        assert self.plain("PUT", f"/{self.bucket}/base", b"base object " * 100).status == 200
        ans = self.plain("POST", f"/{self.bucket}/mp?uploads")
        assert ans.status == 200, ans
        self.upload_id = ElementTree.fromstring(ans.body).find(f"{S3_NS}UploadId").text

    # -- seeds: what boto3 / the aws CLI send

    def seeds(self, i: int) -> list[Callable[[], Request]]:
        b, k = self.bucket, f"fz/{i}"
        body = self.rng.randbytes(self.rng.choice([0, 1, 100, 5000, 70000]))
        crc = base64.b64encode(__import__("zlib").crc32(body).to_bytes(4, "big")).decode()
        part = 1 + i % 9000

        def put():
            return Request("PutObject", "PUT", b, k, headers={"x-amz-checksum-crc32": crc,
                           "Content-Type": "application/octet-stream", "x-amz-meta-a": "b"},
                           body=body, writes_key=k)

        def put_chunked():
            mode = self.rng.choice(awschunked.MODES)
            return Request("PutObject/aws-chunked", "PUT", b, k, body=body, writes_key=k, chunked_mode=mode)

        def upload_part():
            return Request("UploadPart", "PUT", b, "mp", query=[("partNumber", str(part)), ("uploadId", self.upload_id)],
                           body=body, writes_part=part)

        def create_mp():
            return Request("CreateMultipartUpload", "POST", b, k, query=[("uploads", None)],
                           headers={"x-amz-checksum-algorithm": "CRC32"})

        def complete():
            xml = (f'<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
                   f'<Part><ETag>"ETAG-OF-PART-1"</ETag><PartNumber>1</PartNumber></Part>'
                   f'</CompleteMultipartUpload>').encode()
            return Request("CompleteMultipartUpload", "POST", b, "mp", query=[("uploadId", self.upload_id)], body=xml)

        def delete_objects():
            keys = "".join(f"<Object><Key>fz/{j}</Key></Object>" for j in range(self.rng.randint(1, 5)))
            xml = f'<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Quiet>true</Quiet>{keys}</Delete>'.encode()
            md5 = base64.b64encode(hashlib.md5(xml).digest()).decode()
            return Request("DeleteObjects", "POST", b, None, query=[("delete", None)],
                           headers={"Content-MD5": md5}, body=xml)

        def get():
            return Request("GetObject", "GET", b, "base", headers={"Range": "bytes=0-99"})

        def head():
            return Request("HeadObject", "HEAD", b, "base", headers={"x-amz-checksum-mode": "ENABLED"})

        def list_v2():
            return Request("ListObjectsV2", "GET", b, None, query=[("list-type", "2"), ("prefix", "fz/"),
                           ("delimiter", "/"), ("max-keys", "7"), ("encoding-type", "url")])

        def list_parts():
            return Request("ListParts", "GET", b, "mp", query=[("uploadId", self.upload_id), ("max-parts", "3")])

        def copy():
            return Request("CopyObject", "PUT", b, k, headers={"x-amz-copy-source": f"/{b}/base",
                           "x-amz-metadata-directive": "REPLACE"}, writes_key=k)

        def upload_part_copy():
            return Request("UploadPartCopy", "PUT", b, "mp", query=[("partNumber", str(part)), ("uploadId", self.upload_id)],
                           headers={"x-amz-copy-source": f"/{b}/base", "x-amz-copy-source-range": "bytes=0-9"},
                           writes_part=part)

        def tagging():
            xml = b'<Tagging><TagSet><Tag><Key>a</Key><Value>b</Value></Tag></TagSet></Tagging>'
            return Request("PutObjectTagging", "PUT", b, "base", query=[("tagging", None)], body=xml)

        def lifecycle():
            xml = (b'<LifecycleConfiguration><Rule><ID>r</ID><Filter><Prefix>x/</Prefix></Filter>'
                   b'<Status>Enabled</Status><Expiration><Days>3</Days></Expiration></Rule></LifecycleConfiguration>')
            md5 = base64.b64encode(hashlib.md5(xml).digest()).decode()
            return Request("PutBucketLifecycleConfiguration", "PUT", b, None, query=[("lifecycle", None)],
                           headers={"Content-MD5": md5}, body=xml)

        def policy():
            doc = ('{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*",'
                   '"Action":"s3:DeleteBucket","Resource":"arn:aws:s3:::%s"}]}' % b).encode()
            return Request("PutBucketPolicy", "PUT", b, None, query=[("policy", None)], body=doc)

        def versioning():
            xml = b'<VersioningConfiguration><Status>Suspended</Status></VersioningConfiguration>'
            return Request("PutBucketVersioning", "PUT", b, None, query=[("versioning", None)], body=xml)

        def attributes():
            return Request("GetObjectAttributes", "GET", b, "base", query=[("attributes", None)],
                           headers={"x-amz-object-attributes": "ETag,Checksum,ObjectParts,ObjectSize"})

        return [put, put, put_chunked, upload_part, upload_part, create_mp, complete, delete_objects,
                get, head, list_v2, list_parts, copy, upload_part_copy, tagging, lifecycle, policy,
                versioning, attributes]

    # -- structured mutations (the request is signed after them)

    def value(self) -> str:
        r = self.rng.random()
        if r < 0.7:
            return self.rng.choice(VALUE_POOL)
        if r < 0.85:
            return "".join(chr(self.rng.randint(0x20, 0x7e)) for _ in range(self.rng.randint(1, 40)))
        return "".join(chr(self.rng.randint(0x80, 0x2fff)) for _ in range(self.rng.randint(1, 10)))

    def mutate_xml(self, body: bytes) -> bytes:
        choice = self.rng.randrange(9)
        text = body.decode("utf-8", "replace")
        if choice == 0 and ">" in text:        # replace one element's text
            pieces = text.split(">")
            j = self.rng.randrange(len(pieces))
            if "<" in pieces[j]:
                pieces[j] = self.value().replace("<", "&lt;") + pieces[j][pieces[j].index("<"):]
            return ">".join(pieces).encode("utf-8", "surrogateescape")
        if choice == 1:                        # cut short
            return body[: self.rng.randrange(len(body) + 1)]
        if choice == 2:                        # nesting bomb
            n = self.rng.choice([100, 10000, 100000])
            return b"<a>" * n + b"</a>" * n
        if choice == 3:                        # entity expansion (billion laughs)
            return (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">'
                    b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">'
                    b'<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>' + body.replace(b">x/<", b">&d;<"))
        if choice == 4:                        # external entity
            return (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                    + body.replace(b"<Key>", b"<Key>&x;", 1).replace(b"<Value>", b"<Value>&x;", 1))
        if choice == 5:                        # an element repeated many times
            pieces = body.split(b"><")
            if len(pieces) > 2:
                j = self.rng.randrange(1, len(pieces) - 1)
                pieces[j:j + 1] = [pieces[j]] * self.rng.choice([2, 1001, 20000])
            return b"><".join(pieces)
        if choice == 6:                        # bad UTF-8 inside
            j = self.rng.randrange(len(body) + 1)
            return body[:j] + self.rng.choice(RAW_BYTE_VALUES) + body[j:]
        if choice == 7:                        # a different root or namespace
            return body.replace(b"<", b"<x:", 1)
        return self.rng.randbytes(self.rng.randrange(200))

    def mutate_structured(self, req: Request) -> str:
        op = self.rng.randrange(10)
        if op <= 2:
            name = self.rng.choice(HEADERS_OF_S3)
            if name.lower() in ("host", "authorization", "content-length"):
                name = "x-amz-meta-" + name
            req.headers[name] = self.value()
            return f"header {name}"
        if op == 3 and req.headers:
            name = self.rng.choice(list(req.headers))
            del req.headers[name]
            return f"drop header {name}"
        if op == 4:
            name = self.rng.choice(QUERY_OF_S3)
            req.query.append((name, self.rng.choice([None, self.value()])))
            return f"query {name}"
        if op == 5 and req.query:
            j = self.rng.randrange(len(req.query))
            req.query[j] = (req.query[j][0], self.rng.choice([None, self.value()]))
            return f"query value {req.query[j][0]}"
        if op == 6:
            what = self.rng.randrange(4)
            if what == 0:
                req.key = self.value() or None
            elif what == 1:
                req.key = (req.key or "") + self.value()
            elif what == 2:
                req.bucket = self.rng.choice(["A" + self.bucket, self.bucket + "..x", "x" * 64, "b",
                                              self.bucket + "/" + "%", "xn--a", "192.168.1.1"])
            else:
                req.key = "k" * self.rng.choice([1024, 1025, 5000])
            req.writes_key = None   # the key it writes is no longer the tracked one
            req.writes_part = None
            return "path"
        if op == 7:
            req.method = self.rng.choice(METHODS[:7])
            req.writes_key, req.writes_part = None, None
            return "method"
        if op == 8 and req.body.startswith(b"<"):
            req.body = self.mutate_xml(req.body)
            for name in list(req.headers):
                if name.lower() == "content-md5" and self.rng.random() < 0.8:
                    req.headers[name] = base64.b64encode(hashlib.md5(req.body).digest()).decode()
            return "xml body"
        if op == 8 and req.body.startswith(b"{"):
            req.body = self.rng.choice([req.body[:-5], req.body.replace(b"Deny", b"Maybe"),
                                        req.body.replace(b'"*"', b'{"AWS":"' + self.value().encode() + b'"}'),
                                        b"[" * 100000, b'{"Version":"2012-10-17","Statement":' + b"[" * 5000])
            return "json body"
        req.body = self.rng.randbytes(self.rng.choice([0, 1, 17, 100000]))
        return "body"

    # -- raw mutations (after signing)

    def mutate_raw(self, method: str, target: str, headers: list[tuple[str, bytes | str]],
                   body: bytes) -> tuple[bytes, bool, str]:
        op = self.rng.randrange(10)
        half_close = False
        version = "HTTP/1.1"
        if op == 0:    # Content-Length lies
            headers = [(n, v) for n, v in headers if n.lower() != "content-length"]
            headers.append(("Content-Length", self.rng.choice(["-1", "abc", "99999999999999999999",
                                                               str(len(body) + 10), str(max(0, len(body) - 1)),
                                                               "1, 2", ""])))
            half_close = True
            what = "content-length"
        elif op == 1:  # chunked with broken framing
            headers = [(n, v) for n, v in headers if n.lower() != "content-length"]
            headers.append(("Transfer-Encoding", "chunked"))
            framing = awschunked.http_chunked(body, 1000)
            body = self.rng.choice([framing[:-3], b"zz\r\n" + framing, framing.replace(b"\r\n", b"\n", 1),
                                    b"ffffffffffffffff\r\nabc", b"1;" + b"x" * 10000 + b"\r\na\r\n0\r\n\r\n"])
            half_close = True
            what = "chunked framing"
        elif op == 2:  # cut short
            wire = serialize(method, target, headers, body)
            return wire[: self.rng.randrange(len(wire))], True, "truncated"
        elif op == 3:  # bytes flipped
            wire = bytearray(serialize(method, target, headers, body))
            for _ in range(self.rng.randint(1, 8)):
                wire[self.rng.randrange(len(wire))] = self.rng.randrange(256)
            return bytes(wire), True, "flipped"
        elif op == 4:  # a bloated header block
            n = self.rng.choice([100, 1000])
            headers = headers + [(f"x-fuzz-{j}", "v" * self.rng.choice([10, 100])) for j in range(n)]
            what = "many headers"
        elif op == 5:  # one huge header
            headers = headers + [("x-amz-meta-big", "v" * self.rng.choice([8200, 70000, 1_000_000]))]
            what = "huge header"
        elif op == 6:  # raw bytes in a header value
            headers = headers + [(self.rng.choice(HEADERS_OF_S3), self.rng.choice(RAW_BYTE_VALUES))]
            what = "raw header bytes"
        elif op == 7:  # request line
            version = self.rng.choice(["HTTP/1.0", "HTTP/2.0", "HTTP/9.9", "HTTP/1.1x", "FOO"])
            what = "version"
        elif op == 8:  # malformed header lines
            wire = serialize(method, target, headers, body)
            head, _, rest = wire.partition(b"\r\n\r\n")
            bad = self.rng.choice([b"NoColonHere", b" folded: continuation", b"Bad Name: x", b": empty",
                                   b"x-amz-meta-a :b", b"\x00: \x00"])
            return head + b"\r\n" + bad + b"\r\n\r\n" + rest, True, "header line"
        else:          # two requests pipelined, the second mutated
            first = serialize(method, target, headers, body)
            second = serialize(self.rng.choice(METHODS), target + self.rng.choice(["", "%", "?x=%zz"]),
                               headers, body[: len(body) // 2])
            return first + second, True, "pipelined"
        return serialize(method, target, headers, body, version), half_close, what

    # -- checking

    def check(self, what: str, wire: bytes, answer: Answer, method: str) -> None:
        def finding(msg: str) -> None:
            self.findings.append(Finding(self.iteration, f"{msg} [{what}]", wire, answer))
        if answer.hung:
            finding("no answer and no close within the timeout")
            return
        if answer.status is None:
            self.counts["closed"] = self.counts.get("closed", 0) + 1
            return
        if answer.status < 0:
            finding("malformed or cut-short response")
            return
        self.counts[str(answer.status)] = self.counts.get(str(answer.status), 0) + 1
        if answer.status == 500 or answer.status >= 600:
            finding(f"status {answer.status}")
        if answer.status >= 400 and method.upper() != "HEAD" and answer.body:
            try:
                # Keys and ids are echoed exactly; a control character comes back as a character
                # reference (`&#1;`), which S3 writes too but strict XML 1.0 parsers refuse.
                root = ElementTree.fromstring(re.sub(rb"&#(x[0-9a-fA-F]+|[0-9]+);", b"?", answer.body))
                code = root.find("Code")
                if root.tag != "Error" or code is None or not code.text or root.find("Message") is None:
                    finding("error body is not S3 error XML")
            except ElementTree.ParseError:
                finding("error body is not XML")
        elif answer.status >= 400 and method.upper() != "HEAD" and not answer.body:
            finding("error without a body")

    def one(self) -> None:
        self.iteration += 1
        i = self.iteration
        make = self.rng.choice(self.seeds(i))
        req = make()
        if req.seed == "CompleteMultipartUpload":
            # Complete a fresh upload of its own, so the shared one stays open.
            ans = self.plain("POST", f"/{self.bucket}/fz/{i}?uploads")
            uid = ElementTree.fromstring(ans.body).find(f"{S3_NS}UploadId").text
            part = b"p" * 10
            self.plain("PUT", f"/{self.bucket}/fz/{i}?partNumber=1&uploadId={quote(uid)}", part)
            req.key, req.query = f"fz/{i}", [("uploadId", uid)]
            req.body = req.body.replace(b"ETAG-OF-PART-1", hashlib.md5(part).hexdigest().encode())
            req.writes_key = f"fz/{i}"
        kind = self.rng.random()
        raw = False
        if kind < 0.55:
            what = self.mutate_structured(req)
            if self.rng.random() < 0.3:
                what += " + " + self.mutate_structured(req)
        elif kind < 0.9:
            raw = True
            what = "raw"
        else:
            what = "unmutated"
        try:
            target, headers, body = self.signed(req, payload=self.rng.choice([None, None, None, "UNSIGNED-PAYLOAD"]))
        except Exception as e:  # botocore refuses to sign some mutated values: send them unsigned
            qs = req.query_string()
            target = req.path() + (f"?{qs}" if qs else "")
            headers = [("Host", f"{self.host}:{self.port}")] + list(req.headers.items()) + [("Content-Length", str(len(req.body)))]
            body = req.body
            what += f" (unsigned: {type(e).__name__})"
        half_close = False
        if raw:
            wire, half_close, how = self.mutate_raw(req.method, target, headers, body)
            what = f"raw {how}"
        else:
            wire = serialize(req.method, target, headers, body)
        answer = send(self.host, self.port, wire, head_request=req.method.upper() == "HEAD",
                      half_close=half_close, timeout=self.timeout)
        self.check(f"{req.seed}: {what}", wire, answer, req.method)
        ok = answer.status is not None and 200 <= answer.status < 300
        if ok and req.method.upper() in ("PUT", "POST"):
            if raw:
                self.loose_writes += 1
            if req.writes_key:
                self.acked_keys.add(req.writes_key)
            if req.writes_part:
                self.acked_parts.add(req.writes_part)
        if not self.alive():
            self.findings.append(Finding(i, f"server died [{req.seed}: {what}]", wire, answer))
            raise RuntimeError("server died")

    # -- after the run: nothing rejected is visible

    def final_state_findings(self) -> list[str]:
        out = []
        keys: set[str] = set()
        token = None
        while True:
            q = "?list-type=2&prefix=fz%2F" + (f"&continuation-token={quote(token, safe='')}" if token else "")
            ans = self.plain("GET", f"/{self.bucket}{q}")
            if ans.status != 200:
                return [f"final listing failed: {ans.status} {ans.body[:300]!r}"]
            root = ElementTree.fromstring(ans.body)
            keys |= {c.find(f"{S3_NS}Key").text for c in root.findall(f"{S3_NS}Contents")}
            nxt = root.find(f"{S3_NS}NextContinuationToken")
            if nxt is None:
                break
            token = nxt.text
        unexplained = keys - self.acked_keys
        if unexplained and self.loose_writes == 0:
            out.append(f"objects never acknowledged are visible: {sorted(unexplained)[:10]}")
        ans = self.plain("GET", f"/{self.bucket}/mp?uploadId={quote(self.upload_id)}&max-parts=10000")
        if ans.status == 200:
            parts = {int(p.find(f"{S3_NS}PartNumber").text)
                     for p in ElementTree.fromstring(ans.body).findall(f"{S3_NS}Part")}
            if parts - self.acked_parts and self.loose_writes == 0:
                out.append(f"parts never acknowledged are listed: {sorted(parts - self.acked_parts)[:10]}")
        return out

    def run(self, iterations: int, *, stop_after: float | None = None) -> list[str]:
        self.setup()
        start = time.monotonic()
        for _ in range(iterations):
            try:
                self.one()
            except RuntimeError:
                break
            if stop_after and time.monotonic() - start > stop_after:
                break
            if self.iteration % 500 == 0:
                self.log(f"{self.iteration} requests, {len(self.findings)} findings, answers {self.counts}")
        out = [str(f) for f in self.findings]
        if self.alive():
            out += self.final_state_findings()
        return out
