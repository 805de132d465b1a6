#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets (Sources/CairnFuzz/FuzzTargets.swift) into
fuzz/corpus/<target>/: real requests as boto3 and the aws CLI send them, framed the way each
target reads its input. Run it again after changing a target's input format; libFuzzer adds what
it finds to the same folders (scripts/fuzz)."""

import base64
import datetime as dt
import hashlib
import json
import sys
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "integration"))
import awschunked  # noqa: E402
from cairntest import User, sign_headers  # noqa: E402

CORPUS = ROOT / "fuzz" / "corpus"
FUZZ_USER = User("AKIAFUZZ", "fuzz-secret")
NOW = dt.datetime(2026, 12, 4, 0, 0, 0)          # FuzzTargets.sigV4's clock
KEY = bytes([7] * 32)                            # FuzzTargets.awsChunked's signing key
SCOPE = "20261204/us-east-1/s3/aws4_request"


def write(target: str, name: str, data: bytes) -> None:
    d = CORPUS / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data)


def aws_chunked() -> None:
    signing = awschunked.Signing(KEY, "20261204T000000Z", SCOPE, "0" * 64)
    body = bytes(range(256)) * 3
    crc = base64.b64encode(__import__("zlib").crc32(body).to_bytes(4, "big")).decode()
    for mode_byte, mode in enumerate([awschunked.UNSIGNED_TRAILER, awschunked.SIGNED, awschunked.SIGNED_TRAILER]):
        trailers = [] if mode == awschunked.SIGNED else [("x-amz-checksum-crc32", crc)]
        for piece in (1, 7, 255):
            enc = awschunked.encode(awschunked.split(body, 300), mode, signing if mode != awschunked.UNSIGNED_TRAILER else None, trailers)
            write("aws-chunked", f"{mode.lower()}-{piece}", bytes([mode_byte, piece]) + enc.body)
        enc = awschunked.encode([], mode, signing if mode != awschunked.UNSIGNED_TRAILER else None, trailers)
        write("aws-chunked", f"{mode.lower()}-empty", bytes([mode_byte, 64]) + enc.body)


def endpoint() -> None:
    seeds = [
        ("GET", "/", "", "127.0.0.1:9000", "0"),
        ("GET", "/bucket", "list-type=2&prefix=a%2Fb&delimiter=%2F&max-keys=10&encoding-type=url", "", "0"),
        ("PUT", "/bucket/key%20with%20space", "partNumber=3&uploadId=abc", "", "0"),
        ("PUT", "/bucket/dest", "", "", "1"),
        ("POST", "/bucket/key", "uploads", "", "0"),
        ("POST", "/bucket/key", "uploadId=xyz", "", "0"),
        ("DELETE", "/bucket/key", "versionId=3HL4kqtJlcpXroDTDmJ%2BrmSpXd3dIbrHY", "", "0"),
        ("POST", "/bucket", "delete", "", "0"),
        ("GET", "/key", "tagging", "bucket.s3.example.com", "0"),
        ("PUT", "/bucket", "lifecycle", "", "0"),
        ("GET", "/bucket/key", "attributes&versionId=null", "", "0"),
        ("HEAD", "/bucket/k", "partNumber=1&response-content-type=text%2Fplain", "", "0"),
        ("GET", "/bucket", "versions&key-marker=a&version-id-marker=b", "", "0"),
        ("PUT", "/bucket/key", "retention&versionId=x", "", "0"),
        ("GET", "/bucket", "uploads&key-marker=a&upload-id-marker=b&max-uploads=2", "", "0"),
    ]
    for i, s in enumerate(seeds):
        write("endpoint", f"seed-{i:02}", "\n".join(s).encode())


def headers() -> None:
    seeds = [
        {"Content-MD5": "1B2M2Y8AsgTpgAmY7PhCfg==", "x-amz-checksum-crc32": "AAAAAA==", "Content-Length": "0"},
        {"x-amz-sdk-checksum-algorithm": "CRC64NVME", "x-amz-trailer": "x-amz-checksum-crc64nvme",
         "x-amz-decoded-content-length": "1048576", "Content-Encoding": "aws-chunked"},
        {"x-amz-checksum-algorithm": "SHA256", "x-amz-checksum-type": "COMPOSITE", "x-amz-mp-object-size": "123"},
        {"If-Match": '"abc", "def"', "If-None-Match": "*", "If-Modified-Since": "Fri, 04 Dec 2026 00:00:00 GMT",
         "x-amz-copy-source-if-match": '"x"', "x-amz-copy-source-if-unmodified-since": "2026-12-04T00:00:00.000Z"},
        {"x-amz-server-side-encryption-customer-algorithm": "AES256",
         "x-amz-server-side-encryption-customer-key": base64.b64encode(b"k" * 32).decode(),
         "x-amz-server-side-encryption-customer-key-MD5": base64.b64encode(hashlib.md5(b"k" * 32).digest()).decode()},
        {"x-amz-server-side-encryption": "aws:kms", "x-amz-server-side-encryption-aws-kms-key-id": "key",
         "x-amz-server-side-encryption-context": base64.b64encode(b'{"a":"b"}').decode(),
         "x-amz-server-side-encryption-bucket-key-enabled": "true"},
        {"Content-Type": "text/plain", "Cache-Control": "no-cache", "Content-Disposition": "attachment",
         "Expires": "Thu, 01 Dec 1994 16:00:00 GMT", "x-amz-meta-a": "b", "x-amz-meta-Ünï": "v",
         "x-amz-storage-class": "STANDARD_IA", "x-amz-metadata-directive": "REPLACE",
         "x-amz-website-redirect-location": "/x"},
        {"x-amz-object-lock-mode": "GOVERNANCE", "x-amz-object-lock-retain-until-date": "2030-01-01T00:00:00.000Z",
         "x-amz-object-lock-legal-hold": "ON"},
        {"Range": "bytes=0-99", "x-amz-copy-source-range": "bytes=100-199", "x-amz-object-attributes": "ETag,Checksum,ObjectParts",
         "x-amz-max-parts": "10", "x-amz-part-number-marker": "2"},
        {"x-amz-tagging": "a=b&c=d%20e", "x-amz-tagging-directive": "COPY"},
    ]
    for i, h in enumerate(seeds):
        write("headers", f"seed-{i:02}", "\n".join(f"{k}: {v}" for k, v in h.items()).encode())


XML = [
    (0, b'<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Part><ETag>"d41d8cd98f00b204e9800998ecf8427e"</ETag>'
        b'<PartNumber>1</PartNumber><ChecksumCRC32>AAAAAA==</ChecksumCRC32></Part><Part><ETag>"x"</ETag><PartNumber>2</PartNumber></Part></CompleteMultipartUpload>'),
    (1, b'<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Object><Key>a\r\nb</Key><VersionId>v1</VersionId></Object>'
        b'<Object><Key>&lt;&amp;&gt;</Key></Object><Quiet>true</Quiet></Delete>'),
    (2, b'<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag><Tag><Key>a b</Key><Value></Value></Tag></TagSet></Tagging>'),
    (3, b'<LifecycleConfiguration><Rule><ID>r</ID><Filter><And><Prefix>x/</Prefix><Tag><Key>a</Key><Value>b</Value></Tag>'
        b'<ObjectSizeGreaterThan>10</ObjectSizeGreaterThan></And></Filter><Status>Enabled</Status><Expiration><Days>3</Days></Expiration>'
        b'<NoncurrentVersionExpiration><NoncurrentDays>2</NoncurrentDays><NewerNoncurrentVersions>1</NewerNoncurrentVersions></NoncurrentVersionExpiration>'
        b'<AbortIncompleteMultipartUpload><DaysAfterInitiation>1</DaysAfterInitiation></AbortIncompleteMultipartUpload></Rule></LifecycleConfiguration>'),
    (4, b'<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status>Enabled</Status><MfaDelete>Disabled</MfaDelete></VersioningConfiguration>'),
    (5, b'<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>GOVERNANCE</Mode>'
        b'<Days>1</Days></DefaultRetention></Rule></ObjectLockConfiguration>'),
    (6, b'<Retention><Mode>COMPLIANCE</Mode><RetainUntilDate>2030-01-01T00:00:00.000Z</RetainUntilDate></Retention>'),
    (7, b'<LegalHold><Status>ON</Status></LegalHold>'),
    (8, b'<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>aws:kms</SSEAlgorithm>'
        b'<KMSMasterKeyID>k</KMSMasterKeyID></ApplyServerSideEncryptionByDefault><BucketKeyEnabled>true</BucketKeyEnabled></Rule></ServerSideEncryptionConfiguration>'),
    (9, b'<CreateBucketConfiguration><LocationConstraint>us-east-1</LocationConstraint></CreateBucketConfiguration>'),
    (10, b'<RequestPaymentConfiguration><Payer>Requester</Payer></RequestPaymentConfiguration>'),
    (11, b'<AccessControlPolicy xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner><ID>o</ID></Owner><AccessControlList>'
         b'<Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser"><ID>o</ID></Grantee>'
         b'<Permission>FULL_CONTROL</Permission></Grant><Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="Group">'
         b'<URI>http://acs.amazonaws.com/groups/global/AllUsers</URI></Grantee><Permission>READ</Permission></Grant></AccessControlList></AccessControlPolicy>'),
    (12, b'<CORSConfiguration><CORSRule><ID>r</ID><AllowedOrigin>https://*.example.com</AllowedOrigin><AllowedMethod>PUT</AllowedMethod>'
         b'<AllowedMethod>GET</AllowedMethod><AllowedHeader>*</AllowedHeader><ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>3000</MaxAgeSeconds>'
         b'</CORSRule></CORSConfiguration>'),
    (13, b'<OwnershipControls xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Rule><ObjectOwnership>BucketOwnerEnforced</ObjectOwnership></Rule></OwnershipControls>'),
    (14, b'<PublicAccessBlockConfiguration><BlockPublicAcls>true</BlockPublicAcls><IgnorePublicAcls>false</IgnorePublicAcls>'
         b'<BlockPublicPolicy>true</BlockPublicPolicy><RestrictPublicBuckets>false</RestrictPublicBuckets></PublicAccessBlockConfiguration>'),
    (15, b'<Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><TagSet><Tag><Key>team</Key><Value>a&amp;b</Value></Tag></TagSet></Tagging>'),
]


def xml() -> None:
    for i, (kind, body) in enumerate(XML):
        write("xml", f"seed-{i:02}", bytes([kind]) + body)


def sigv4() -> None:
    def signed(method, path, query="", headers=None, body=b"", payload=None):
        url = "http://127.0.0.1:9000" + path + (f"?{query}" if query else "")
        h = sign_headers(method, url, FUZZ_USER, headers=headers or {}, body=body, payload_hash=payload, when=NOW)
        return "\n".join([method, path, query] + [f"{k}: {v}" for k, v in h.items()]).encode()
    write("sigv4", "put", signed("PUT", "/bucket/key", body=b"hello", headers={"x-amz-checksum-crc32": "NhCmhg=="}))
    write("sigv4", "get-range", signed("GET", "/bucket/a%20b", headers={"Range": "bytes=0-1"}))
    write("sigv4", "list", signed("GET", "/bucket", "list-type=2&prefix=x"))
    write("sigv4", "chunked", signed("PUT", "/bucket/key", headers={"Content-Encoding": "aws-chunked",
                                     "x-amz-decoded-content-length": "5", "x-amz-trailer": "x-amz-checksum-crc32"},
                                     payload=awschunked.SIGNED_TRAILER))
    write("sigv4", "unsigned", signed("PUT", "/bucket/key", payload="UNSIGNED-PAYLOAD"))
    # Presigned (query) forms: SigV4 and SigV2.
    write("sigv4", "presigned-v4", b"GET\n/bucket/key\nX-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAFUZZ%2F20261204%2Fus-east-1%2Fs3%2Faws4_request"
          b"&X-Amz-Date=20261204T000000Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature=" + b"0" * 64 + b"\nhost: 127.0.0.1:9000")
    write("sigv4", "presigned-v2", b"GET\n/bucket/key\nAWSAccessKeyId=AKIAFUZZ&Signature=abc%3D&Expires=1796346000\nhost: 127.0.0.1:9000")
    write("sigv4", "header-v2", b"PUT\n/bucket/key\n\nhost: 127.0.0.1:9000\ndate: Fri, 04 Dec 2026 00:00:00 GMT\n"
          b"content-type: text/plain\nauthorization: AWS AKIAFUZZ:frJIUN8DYpKDtOLCwo//yllqDzg=\nx-amz-meta-a: b")


def policy() -> None:
    docs = [
        {"Version": "2012-10-17", "Statement": [{"Sid": "Public", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                                                  "Resource": "arn:aws:s3:::fuzz-bucket/*"}]},
        {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": {"AWS": ["arn:aws:iam::123456789012:user/bob", "*"]},
                                                  "NotAction": ["s3:Get*", "s3:List*"], "NotResource": "arn:aws:s3:::fuzz-bucket/pub/*",
                                                  "Condition": {"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "2001:db8::/32"]},
                                                                "Bool": {"aws:SecureTransport": "false"},
                                                                "StringLikeIfExists": {"s3:prefix": ["home/${aws:username}/*"]},
                                                                "ForAnyValue:StringEquals": {"s3:RequestObjectTag/a": ["b"]},
                                                                "NumericLessThanEquals": {"s3:max-keys": "10"},
                                                                "DateGreaterThan": {"aws:CurrentTime": "2026-01-01T00:00:00Z"}}}]},
    ]
    for i, d in enumerate(docs):
        write("policy", f"seed-{i:02}", json.dumps(d).encode())


def post_form() -> None:
    """Browser forms as boto3's generate_presigned_post builds them (SigV4 and SigV2 signatures over
    the policy, signed for FuzzTargets' AKIAFUZZ user), and policy documents alone."""
    import hmac
    policy_doc = {"expiration": "2026-12-05T00:00:00Z",
                  "conditions": [{"bucket": "fuzz-bucket"}, ["starts-with", "$key", "uploads/"], {"acl": "public-read"},
                                 ["content-length-range", 1, 1048576], ["eq", "$success_action_status", "201"],
                                 ["starts-with", "$Content-Type", "image/"], {"x-amz-meta-a": "b"},
                                 {"x-amz-algorithm": "AWS4-HMAC-SHA256"}, {"x-amz-credential": f"AKIAFUZZ/{SCOPE}"},
                                 {"x-amz-date": "20261204T000000Z"}]}
    policy = base64.b64encode(json.dumps(policy_doc).encode()).decode()
    key = ("AWS4" + FUZZ_USER.secret_key).encode()
    for part in SCOPE.split("/"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    v4 = [("key", "uploads/${filename}"), ("acl", "public-read"), ("success_action_status", "201"), ("Content-Type", "image/png"),
          ("x-amz-meta-a", "b"), ("x-amz-algorithm", "AWS4-HMAC-SHA256"), ("x-amz-credential", f"AKIAFUZZ/{SCOPE}"),
          ("x-amz-date", "20261204T000000Z"), ("policy", policy),
          ("x-amz-signature", hmac.new(key, policy.encode(), hashlib.sha256).hexdigest())]
    v2 = [("key", "a/b.txt"), ("AWSAccessKeyId", "AKIAFUZZ"), ("policy", policy),
          ("signature", base64.b64encode(hmac.new(FUZZ_USER.secret_key.encode(), policy.encode(), hashlib.sha1).digest()).decode()),
          ("success_action_redirect", "https://example.com/done")]
    anonymous = [("key", "public/${filename}"), ("Content-Disposition", "attachment"), ("x-amz-storage-class", "STANDARD")]

    def form(fields, boundary="----cairnfuzz7MA4YWxk"):
        out = b"".join(f'--{boundary}\r\nContent-Disposition: form-data; name="{n}"\r\n\r\n{v}\r\n'.encode() for n, v in fields)
        out += f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="p.png"\r\nContent-Type: image/png\r\n\r\n'.encode()
        out += bytes(range(40)) + f"\r\n--{boundary}\r\n".encode() + b'Content-Disposition: form-data; name="submit"\r\n\r\nUpload\r\n'
        return f"multipart/form-data; boundary={boundary}\n".encode() + out + f"--{boundary}--\r\n".encode()
    for name, fields in (("v4", v4), ("v2", v2), ("anonymous", anonymous)):
        for piece in (1, 13, 255):
            write("post-form", f"form-{name}-{piece}", bytes([0, piece]) + form(fields))
    write("post-form", "form-quoted-boundary", bytes([2, 64]) + form(v4, "x").replace(b"boundary=x", b'boundary="x"'))
    write("post-form", "policy", bytes([1]) + json.dumps(policy_doc).encode())
    write("post-form", "policy-empty-conditions", bytes([3]) + b'{"expiration": "2026-12-05T00:00:00.000Z", "conditions": []}')


def values() -> None:
    seeds = [(0, "bytes=0-99"), (0, "bytes=-500"), (0, "bytes=9500-"), (1, "/bucket/key%20x?versionId=abc"),
             (1, "bucket/key"), (2, "Fri, 04 Dec 2026 00:00:00 GMT"), (2, "Friday, 04-Dec-26 00:00:00 GMT"),
             (2, "Fri Dec  4 00:00:00 2026"), (3, "2026-12-04T00:00:00.000Z"), (3, "20261204T000000Z"),
             (4, "d41d8cd98f00b204e9800998ecf8427e"), (5, "null"), (5, "3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY"),
             (6, "10000"), (7, "AAAA"), (8, "Fri, 04 Dec 2026 00:00:00 +0000"), (9, "a=b&c&d=%20&e=%ZZ")]
    for i, (kind, s) in enumerate(seeds):
        write("values", f"seed-{i:02}", bytes([kind]) + s.encode())


if __name__ == "__main__":
    for make in (aws_chunked, endpoint, headers, xml, sigv4, policy, values, post_form):
        make()
    print(f"seeds written under {CORPUS}")
