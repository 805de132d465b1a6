"""Keys byte for byte: every operation that carries a key in a URL or an XML body takes it
exactly as sent (spaces, tabs, CR, LF, Unicode, entities), lists it once, and DeleteObjects
deletes exactly the keys named and nothing else."""

from __future__ import annotations

import base64
import hashlib
import json
import random
from urllib.parse import unquote
from xml.etree import ElementTree

import pytest
from botocore.exceptions import ClientError

from cairntest import S3_NS, error_code, key_path

NASTY_KEYS = [
    " ", "  ", "a ", " a", "\t", "a\nb", "a\r\nb", "\r", "?versionId", "%", "+", "a+b c",
    "&<>\"'", "ü/ß/日本", "a//b", "//lead", "a/../b", "x/./y", "trail/",
    "k" * 1000 + "ü" * 12,  # 1,024 bytes: S3's longest key
]


def under(prefix: str, key: str) -> str:
    """`prefix + key`, shortened at the front of the key to stay within 1,024 bytes."""
    k = prefix + key
    return k if len(k.encode("utf-8")) <= 1024 else prefix + key[len(prefix):]


def body_for(key: str) -> bytes:
    return b"body of " + key.encode("utf-8")


def all_keys(s3, bucket, page_size: int = 7) -> list[str]:
    keys, token = [], None
    while True:
        kw = dict(Bucket=bucket, MaxKeys=page_size)
        if token:
            kw["ContinuationToken"] = token
        page = s3.list_objects_v2(**kw)
        keys += [o["Key"] for o in page.get("Contents", [])]
        if not page.get("IsTruncated"):
            return keys
        token = page["NextContinuationToken"]


def all_keys_v1(s3, bucket) -> list[str]:
    keys, marker = [], ""
    while True:
        page = s3.list_objects(Bucket=bucket, MaxKeys=7, Marker=marker)
        contents = [o["Key"] for o in page.get("Contents", [])]
        keys += contents
        if not page.get("IsTruncated"):
            return keys
        marker = contents[-1]


def raw_listing(server, bucket, query: str) -> tuple[list[str], str | None]:
    """A listing as sent on the wire (no client-side decoding): keys and EncodingType."""
    resp = server.signed_request("GET", key_path(bucket), query=query)
    assert resp.status_code == 200, resp.text
    root = ElementTree.fromstring(resp.content)
    keys = [e.text or "" for e in root.iter(f"{S3_NS}Key")]
    enc = root.find(f"{S3_NS}EncodingType")
    return keys, (enc.text if enc is not None else None)


def utf8_sorted(keys):
    return sorted(keys, key=lambda k: k.encode("utf-8"))


def test_keys_round_trip_byte_for_byte_through_every_keyed_operation(server, s3, bucket):
    for k in NASTY_KEYS:
        s3.put_object(Bucket=bucket, Key=k, Body=body_for(k))

    for k in NASTY_KEYS:
        assert s3.get_object(Bucket=bucket, Key=k)["Body"].read() == body_for(k), repr(k)
        assert s3.head_object(Bucket=bucket, Key=k)["ContentLength"] == len(body_for(k)), repr(k)

    expected = utf8_sorted(NASTY_KEYS)
    # boto3 asks for encoding-type=url and decodes; each key listed once, in UTF-8 byte order.
    assert all_keys(s3, bucket) == expected
    assert all_keys_v1(s3, bucket) == expected
    # Without encoding-type the keys travel as XML text (CR as &#13;) and must still be exact.
    for query in ("list-type=2&max-keys=1000", "max-keys=1000"):
        keys, enc = raw_listing(server, bucket, query)
        assert enc is None
        assert keys == expected, query
        keys, enc = raw_listing(server, bucket, query + "&encoding-type=url")
        assert enc == "url"
        assert [unquote(k) for k in keys] == expected, query

    # CopyObject with a nasty key as source and as destination.
    for k in NASTY_KEYS:
        dest = under("copy/", k)
        s3.copy_object(Bucket=bucket, Key=dest, CopySource={"Bucket": bucket, "Key": k})
        assert s3.get_object(Bucket=bucket, Key=dest)["Body"].read() == body_for(k), repr(k)

    # Multipart: CreateMultipartUpload, ListMultipartUploads, UploadPartCopy from a nasty source,
    # Complete onto a nasty key.
    uploads = {}
    for k in NASTY_KEYS:
        uploads[k] = s3.create_multipart_upload(Bucket=bucket, Key=under("mpu/", k))["UploadId"]
    listed = s3.list_multipart_uploads(Bucket=bucket, Prefix="mpu/")["Uploads"]
    assert utf8_sorted(u["Key"] for u in listed) == utf8_sorted(under("mpu/", k) for k in NASTY_KEYS)
    assert {u["Key"]: u["UploadId"] for u in listed} == {under("mpu/", k): u for k, u in uploads.items()}
    for k, upload_id in uploads.items():
        dest = under("mpu/", k)
        part = s3.upload_part_copy(Bucket=bucket, Key=dest, UploadId=upload_id, PartNumber=1,
                                   CopySource={"Bucket": bucket, "Key": k})
        s3.complete_multipart_upload(
            Bucket=bucket, Key=dest, UploadId=upload_id,
            MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["CopyPartResult"]["ETag"]}]})
        assert s3.get_object(Bucket=bucket, Key=dest)["Body"].read() == body_for(k), repr(k)

    everything = utf8_sorted(NASTY_KEYS + [under("copy/", k) for k in NASTY_KEYS]
                             + [under("mpu/", k) for k in NASTY_KEYS])
    assert all_keys(s3, bucket) == everything

    # DeleteObject on half of the originals, DeleteObjects on the rest: nothing else touched.
    singles, batch = NASTY_KEYS[::2], NASTY_KEYS[1::2]
    for k in singles:
        s3.delete_object(Bucket=bucket, Key=k)
    resp = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in batch]})
    assert utf8_sorted(d["Key"] for d in resp["Deleted"]) == utf8_sorted(batch)
    assert not resp.get("Errors")
    remaining = [k for k in everything if k not in NASTY_KEYS]
    assert all_keys(s3, bucket) == remaining

    s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in remaining]})
    assert all_keys(s3, bucket) == []
    s3.delete_bucket(Bucket=bucket)


def test_delete_objects_with_a_trailing_space_deletes_only_that_key(s3, bucket):
    for k in ("report", "report "):
        s3.put_object(Bucket=bucket, Key=k, Body=k.encode())
    resp = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "report "}]})
    assert [d["Key"] for d in resp["Deleted"]] == ["report "]
    assert all_keys(s3, bucket) == ["report"]
    assert s3.get_object(Bucket=bucket, Key="report")["Body"].read() == b"report"


def test_delete_objects_with_whitespace_only_keys_lets_the_bucket_be_emptied(s3, bucket):
    for k in (" ", "\t", "\n"):
        s3.put_object(Bucket=bucket, Key=k, Body=b"x")
    with pytest.raises(ClientError) as e:
        s3.delete_bucket(Bucket=bucket)
    assert error_code(e.value) == "BucketNotEmpty"
    resp = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in all_keys(s3, bucket)]})
    assert utf8_sorted(d["Key"] for d in resp["Deleted"]) == utf8_sorted([" ", "\t", "\n"])
    s3.delete_bucket(Bucket=bucket)


def delete_objects_raw(server, bucket, body: bytes) -> list[str]:
    """DeleteObjects with `body` sent as is (signed, Content-MD5); the keys it reports deleted."""
    md5 = base64.b64encode(hashlib.md5(body).digest()).decode()
    resp = server.signed_request("POST", key_path(bucket), query="delete=", body=body,
                                 headers={"Content-MD5": md5, "Content-Type": "application/xml"})
    assert resp.status_code == 200, resp.text
    root = ElementTree.fromstring(resp.content)
    return [e.find(f"{S3_NS}Key").text for e in root.iter(f"{S3_NS}Deleted")]


def test_xml_character_references_and_literal_line_ends_are_kept(server, s3, bucket):
    """A body may carry CR, LF and tab as references or literally; both mean the same key, and
    an entity is decoded once (`&amp;lt;` is the four characters `&lt;`)."""
    for k in ("a\rb", "a\nb", "a\r\nb", "t\tt", "&lt;"):
        s3.put_object(Bucket=bucket, Key=k, Body=b"x")
    body = (b'<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
            b"<Object><Key>a&#13;b</Key></Object>"
            b"<Object><Key>a\r\nb</Key></Object>"
            b"<Object><Key>t&#9;t</Key></Object>"
            b"<Object><Key>&amp;lt;</Key></Object>"
            b"</Delete>")
    deleted = delete_objects_raw(server, bucket, body)
    assert utf8_sorted(deleted) == utf8_sorted(["a\rb", "a\r\nb", "t\tt", "&lt;"])
    assert all_keys(s3, bucket) == ["a\nb"]


def test_bodies_with_windows_line_endings_after_the_declaration_are_read(server, s3, bucket):
    """CRLF after `<?xml ...?>` and after the root element is white space (a reference there would
    not be XML); inside, between elements, it is white space too, and in a key it is the key's."""
    for k in ("plain", "cr\rkey"):
        s3.put_object(Bucket=bucket, Key=k, Body=b"x")
    body = (b'<?xml version="1.0" encoding="UTF-8"?>\r\n'
            b'<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/">\r\n'
            b"  <Object>\r\n    <Key>plain</Key>\r\n  </Object>\r\n"
            b"  <Object>\r\n    <Key>cr\rkey</Key>\r\n  </Object>\r\n"
            b"</Delete>\r\n")
    deleted = delete_objects_raw(server, bucket, body)
    assert utf8_sorted(deleted) == utf8_sorted(["plain", "cr\rkey"])
    assert all_keys(s3, bucket) == []


def test_part_numbers_in_complete_may_carry_whitespace_but_etags_may_not(server, s3, bucket):
    up = s3.create_multipart_upload(Bucket=bucket, Key="ws")["UploadId"]
    etag = s3.upload_part(Bucket=bucket, Key="ws", UploadId=up, PartNumber=1, Body=b"p1")["ETag"]

    def complete(part_xml: bytes):
        body = b"<CompleteMultipartUpload>" + part_xml + b"</CompleteMultipartUpload>"
        return server.signed_request("POST", key_path(bucket, "ws"), query=f"uploadId={up}", body=body)

    # An ETag with a space around it is another ETag: InvalidPart, not a silent match.
    resp = complete(b"<Part><PartNumber>1</PartNumber><ETag> " + etag.encode() + b"</ETag></Part>")
    assert resp.status_code == 400 and b"<Code>InvalidPart</Code>" in resp.content, resp.text
    # A number is a number: whitespace around it is ignored, as XML Schema's integer type says.
    resp = complete(b"<Part>\n  <PartNumber> 1 </PartNumber>\n  <ETag>" + etag.encode() + b"</ETag>\n</Part>")
    assert resp.status_code == 200, resp.text
    assert s3.get_object(Bucket=bucket, Key="ws")["Body"].read() == b"p1"


ALPHABET = [" ", "\t", "\n", "\r", "a", "b", "Z", "/", "%", "+", "?", "&", "<", ">", '"', "'",
            "=", "#", "ü", "日", "😀", ".", "~"]


def test_random_keys_are_put_listed_and_deleted_in_batches_without_touching_others(s3, bucket):
    rng = random.Random(20261204)
    keys: set[str] = set()
    while len(keys) < 300:
        k = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 12)))
        if k.strip("./") == "" and "." in k:
            continue  # "." and ".." path segments alone are rewritten by HTTP clients, not by us
        keys.add(k)
    for k in keys:
        s3.put_object(Bucket=bucket, Key=k, Body=k.encode("utf-8"))
    assert all_keys(s3, bucket) == utf8_sorted(keys)

    left = set(keys)
    order = list(keys)
    rng.shuffle(order)
    while order:
        n = rng.randint(1, 60)
        batch, order = order[:n], order[n:]
        resp = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in batch]})
        assert utf8_sorted(d["Key"] for d in resp["Deleted"]) == utf8_sorted(batch)
        assert not resp.get("Errors")
        left -= set(batch)
        assert all_keys(s3, bucket, page_size=100) == utf8_sorted(left)
        for k in rng.sample(sorted(left), min(3, len(left))):
            assert s3.get_object(Bucket=bucket, Key=k)["Body"].read() == k.encode("utf-8")
    s3.delete_bucket(Bucket=bucket)


def test_the_aws_cli_lists_deletes_and_empties_a_bucket_of_nasty_keys(s3, bucket, aws, tmp_path):
    keys = list(NASTY_KEYS)
    for k in keys + ["report", "report "]:
        s3.put_object(Bucket=bucket, Key=k, Body=body_for(k))
    listed = aws.json("s3api", "list-objects-v2", "--bucket", bucket)
    assert utf8_sorted(o["Key"] for o in listed["Contents"]) == utf8_sorted(keys + ["report", "report "])

    # delete-objects with a JSON document: exactly the keys named.
    doc = tmp_path / "delete.json"
    doc.write_text(json.dumps({"Objects": [{"Key": "report "}, {"Key": " "}, {"Key": "a\r\nb"}]}))
    out = aws.json("s3api", "delete-objects", "--bucket", bucket, "--delete", f"file://{doc}")
    assert utf8_sorted(d["Key"] for d in out["Deleted"]) == utf8_sorted(["report ", " ", "a\r\nb"])
    left = set(keys + ["report", "report "]) - {"report ", " ", "a\r\nb"}
    assert set(all_keys(s3, bucket)) == left

    # `aws s3 rm --recursive` lists and deletes what is left; then the bucket can go.
    aws("s3", "rm", f"s3://{bucket}", "--recursive")
    assert all_keys(s3, bucket) == []
    aws("s3", "rb", f"s3://{bucket}")


def test_keys_with_the_last_code_point_are_listed_once_under_their_prefix(s3, bucket):
    """U+10FFFF is a valid key character. A range scan bounded by `prefix + U+10FFFF` left out
    `a/U+10FFFF...` keys, and a delimiter listing that skipped a common prefix that way returned it
    twice; uploads likewise."""
    top = "\U0010FFFF"
    keys = ["a/b", "a/" + top, "a/" + top + "x", "a/" + top + top + "/y", "a0", top, top + "z"]
    for k in keys:
        s3.put_object(Bucket=bucket, Key=k, Body=b"x")
        s3.create_multipart_upload(Bucket=bucket, Key=k)
    by_bytes = sorted(keys, key=lambda k: k.encode("utf-8"))
    assert all_keys(s3, bucket, page_size=2) == by_bytes
    under_a = s3.list_objects_v2(Bucket=bucket, Prefix="a/")
    assert [o["Key"] for o in under_a["Contents"]] == [k for k in by_bytes if k.startswith("a/")]
    under_top = s3.list_objects_v2(Bucket=bucket, Prefix=top)
    assert [o["Key"] for o in under_top["Contents"]] == [top, top + "z"]
    for page_size in (1, 2, 1000):
        prefixes, contents, token = [], [], None
        while True:
            kw = dict(Bucket=bucket, Delimiter="/", MaxKeys=page_size)
            if token:
                kw["ContinuationToken"] = token
            page = s3.list_objects_v2(**kw)
            prefixes += [p["Prefix"] for p in page.get("CommonPrefixes", [])]
            contents += [o["Key"] for o in page.get("Contents", [])]
            if not page.get("IsTruncated"):
                break
            token = page["NextContinuationToken"]
        assert prefixes == ["a/"], page_size
        assert contents == ["a0", top, top + "z"], page_size
    uploads = s3.list_multipart_uploads(Bucket=bucket, Delimiter="/")
    assert [p["Prefix"] for p in uploads.get("CommonPrefixes", [])] == ["a/"]
    assert [u["Key"] for u in uploads["Uploads"]] == ["a0", top, top + "z"]
    under_a = s3.list_multipart_uploads(Bucket=bucket, Prefix="a/")
    assert [u["Key"] for u in under_a["Uploads"]] == [k for k in by_bytes if k.startswith("a/")]


@pytest.mark.parametrize("body", [
    b"",
    b'<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Object><Key>a</Key></Object>',
    b'<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Object><Key>a</Key></Object></Delete><Extra/>',
    b'<p:Delete><Object><Key>a</Key></Object></p:Delete>',
    b'<Delete xmlns="http://S3.\tamazonaws.com/"><Object><Key>a</Key></Object></Delete>',
], ids=["empty", "unclosed-root", "second-root", "unbound-prefix", "namespace-with-tab"])
def test_malformed_delete_bodies_are_malformed_xml_and_delete_nothing(server, s3, bucket, body):
    """Bodies Foundation's parser used to accept (or leak on) are S3's 400 MalformedXML, and the
    object they name stays."""
    s3.put_object(Bucket=bucket, Key="a", Body=b"x")
    md5 = base64.b64encode(hashlib.md5(body).digest()).decode()
    resp = server.signed_request("POST", key_path(bucket), query="delete=", body=body,
                                 headers={"Content-MD5": md5, "Content-Type": "application/xml"})
    assert resp.status_code == 400, resp.text
    assert ElementTree.fromstring(resp.content).findtext("Code") == "MalformedXML"
    assert all_keys(s3, bucket) == ["a"]
