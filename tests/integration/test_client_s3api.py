"""`cairn s3api`: every option of the upload-part spec and the rest of the multipart family,
against a live `cairn server`, with outputs compared to what the aws CLI prints for the same calls."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import subprocess

import pytest

from cairntest import MiB, unique_name
from clienttest import Cairn, assert_same_output, aws_raw, relay_bytes


@pytest.fixture
def cairn(server, work):
    u = server.default_user
    return Cairn(server.endpoint, work, u.access_key, u.secret_key)


@pytest.fixture
def upload(s3, bucket):
    """(bucket, key, upload id) of a fresh multipart upload."""
    key = "multipart/01"
    uid = s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
    return bucket, key, uid


def write(path, data: bytes):
    path.write_bytes(data)
    return path


def test_spec_example_upload_part(server, s3, cairn, work):
    """The spec's example, with `aws` replaced by `cairn`: the output is the spec's JSON shape."""
    s3.create_bucket(Bucket="my-bucket")
    uid = s3.create_multipart_upload(Bucket="my-bucket", Key="multipart/01")["UploadId"]
    data = os.urandom(5 * MiB)
    write(work / "part01", data)
    out = cairn.s3api("upload-part", "--bucket", "my-bucket", "--key", "multipart/01", "--part-number", "1",
                      "--body", "part01", "--upload-id", uid).stdout.decode()
    parsed = json.loads(out)
    assert parsed["ETag"] == f'"{hashlib.md5(data).hexdigest()}"'
    # 4-space indentation and the ETag's quotes escaped, exactly as in the spec.
    assert f'    "ETag": "\\"{hashlib.md5(data).hexdigest()}\\""' in out
    parts = s3.list_parts(Bucket="my-bucket", Key="multipart/01", UploadId=uid)["Parts"]
    assert [p["PartNumber"] for p in parts] == [1] and parts[0]["Size"] == 5 * MiB


def test_upload_part_output_identical_to_aws(server, upload, cairn, work):
    bucket, key, uid = upload
    write(work / "p", b"hello part" * 1000)
    for fmt in ("json", "text", "table"):
        assert_same_output(cairn, server, work, "upload-part", "--bucket", bucket, "--key", key, "--part-number", "1",
                           "--body", "p", "--upload-id", uid, "--output", fmt)
    out = assert_same_output(cairn, server, work, "upload-part", "--bucket", bucket, "--key", key,
                             "--part-number", "2", "--body", "p", "--upload-id", uid)
    assert set(json.loads(out)) >= {"ETag"}


def test_upload_part_content_md5_auto_and_given(server, upload, cairn, work):
    bucket, key, uid = upload
    data = b"abc" * 4096
    write(work / "p", data)
    good = base64.b64encode(hashlib.md5(data).digest()).decode()
    out = cairn.json("upload-part", "--bucket", bucket, "--key", key, "--part-number", "1", "--body", "p",
                     "--upload-id", uid, "--content-md5", good)
    assert out["ETag"] == f'"{hashlib.md5(data).hexdigest()}"'
    # A wrong Content-MD5 is sent as given: the server rejects it (BadDigest), exit 254.
    bad = base64.b64encode(hashlib.md5(b"other").digest()).decode()
    p = cairn.s3api("upload-part", "--bucket", bucket, "--key", key, "--part-number", "2", "--body", "p",
                    "--upload-id", uid, "--content-md5", bad, check=False)
    assert p.returncode == 254
    assert "An error occurred (BadDigest) when calling the UploadPart operation:" in p.stderr.decode()
    # Auto: the header is computed and sent (visible with --debug).
    p = cairn.s3api("upload-part", "--bucket", bucket, "--key", key, "--part-number", "3", "--body", "p",
                    "--upload-id", uid, "--debug")
    assert f"Content-MD5: {good}" in p.stderr.decode()


def test_upload_part_content_length(server, s3, upload, cairn, work):
    bucket, key, uid = upload
    data = os.urandom(10000)
    write(work / "p", data)
    out = cairn.json("upload-part", "--bucket", bucket, "--key", key, "--part-number", "1", "--body", "p",
                     "--upload-id", uid, "--content-length", "4000")
    assert out["ETag"] == f'"{hashlib.md5(data[:4000]).hexdigest()}"'
    assert s3.list_parts(Bucket=bucket, Key=key, UploadId=uid)["Parts"][0]["Size"] == 4000


def test_upload_part_no_such_upload(server, bucket, cairn, work):
    write(work / "p", b"x")
    p = cairn.s3api("upload-part", "--bucket", bucket, "--key", "k", "--part-number", "1", "--body", "p",
                    "--upload-id", "does-not-exist", check=False)
    assert p.returncode == 254
    err = p.stderr.decode().strip()
    theirs = aws_raw(server, work, "upload-part", "--bucket", bucket, "--key", "k", "--part-number", "1",
                     "--body", "p", "--upload-id", "does-not-exist", check=False).stderr.decode().strip()
    assert err.startswith("An error occurred (NoSuchUpload) when calling the UploadPart operation: ")
    assert err == theirs.splitlines()[-1]


def test_upload_part_usage_errors(server, cairn, work):
    p = cairn.s3api("upload-part", "--bucket", "b", "--key", "k", "--part-number", "1", check=False)
    assert p.returncode == 252
    assert "error: the following arguments are required: --upload-id" in p.stderr.decode()
    p = cairn.s3api("upload-part", "--bucket", "b", check=False)
    assert "required: --key, --part-number, --upload-id" in p.stderr.decode()
    help_text = cairn.s3api("upload-part", "--help").stdout.decode()
    assert "--upload-id <value>\n" in help_text and "[--sse-customer-key <value>]" in help_text
    p = cairn.s3api("upload-part", "--bucket", "b", "--key", "k", "--part-number", "x", "--upload-id", "u", check=False)
    assert p.returncode == 252
    p = cairn.s3api("upload-part", "--bucket", "b", "--key", "k", "--part-number", "1", "--upload-id", "u",
                    "--bogus", "1", check=False)
    assert p.returncode == 252 and "Unknown options: --bogus" in p.stderr.decode()


def test_upload_part_sse_customer_key(server, upload, cairn, work):
    """The raw key is base64-encoded for the wire and its MD5 computed; the same call through the
    aws CLI gives the same result (the server answers both alike)."""
    bucket, key, uid = upload
    write(work / "p", b"secret data")
    raw = "0123456789abcdef0123456789abcdef"
    args = ["upload-part", "--bucket", bucket, "--key", key, "--part-number", "1", "--body", "p", "--upload-id", uid,
            "--sse-customer-algorithm", "AES256", "--sse-customer-key", raw]
    p = cairn.s3api(*args, "--debug", check=False)
    err = p.stderr.decode()
    assert f"x-amz-server-side-encryption-customer-key: {base64.b64encode(raw.encode()).decode()}" in err
    md5 = base64.b64encode(hashlib.md5(raw.encode()).digest()).decode()
    assert f"x-amz-server-side-encryption-customer-key-MD5: {md5}" in err
    theirs = aws_raw(server, work, *args, check=False)
    assert (p.returncode == 0) == (theirs.returncode == 0)
    if p.returncode == 0:
        assert json.loads(p.stdout) == json.loads(theirs.stdout)
    else:
        assert err.strip().splitlines()[-1] == theirs.stderr.decode().strip().splitlines()[-1]
    # An explicit --sse-customer-key-md5 is sent as given.
    p = cairn.s3api(*args, "--sse-customer-key-md5", "AAAAAAAAAAAAAAAAAAAAAA==", "--debug", check=False)
    assert "x-amz-server-side-encryption-customer-key-MD5: AAAAAAAAAAAAAAAAAAAAAA==" in p.stderr.decode()


def test_upload_part_sse_customer_key_accepted(start_server, work):
    """The success path: an SSE-C multipart upload (server accepting SSE-C over plain HTTP, for
    tests), parts sent by `cairn s3api upload-part --sse-customer-*` and by the aws CLI answer with
    the same JSON members in the same order, and the object reads back with the key."""
    srv = start_server(extra_args=["--sse-c-insecure-http"])
    s3 = srv.client()
    s3.create_bucket(Bucket="ssec")
    raw = "0123456789abcdef0123456789abcdef"
    md5 = base64.b64encode(hashlib.md5(raw.encode()).digest()).decode()
    uid = s3.create_multipart_upload(Bucket="ssec", Key="k", SSECustomerAlgorithm="AES256",
                                     SSECustomerKey=raw)["UploadId"]
    u = srv.default_user
    c = Cairn(srv.endpoint, work, u.access_key, u.secret_key)
    write(work / "p1", b"a" * (5 * MiB))
    write(work / "p2", b"tail")
    ssec = ["--sse-customer-algorithm", "AES256", "--sse-customer-key", raw]
    ours = c.json("upload-part", "--bucket", "ssec", "--key", "k", "--part-number", "1", "--body", "p1",
                  "--upload-id", uid, *ssec)
    # ETag, the default CRC32 both CLIs add, then the SSE-C members (botocore's output order).
    assert list(ours) == ["ETag", "ChecksumCRC32", "SSECustomerAlgorithm", "SSECustomerKeyMD5"]
    assert ours["SSECustomerAlgorithm"] == "AES256" and ours["SSECustomerKeyMD5"] == md5
    theirs = json.loads(aws_raw(srv, work, "upload-part", "--bucket", "ssec", "--key", "k", "--part-number", "2",
                                "--body", "p2", "--upload-id", uid, *ssec).stdout)
    assert list(theirs) == list(ours) and theirs["SSECustomerKeyMD5"] == md5
    s3.complete_multipart_upload(Bucket="ssec", Key="k", UploadId=uid, MultipartUpload={"Parts": [
        {"PartNumber": 1, "ETag": ours["ETag"]}, {"PartNumber": 2, "ETag": theirs["ETag"]}]},
        SSECustomerAlgorithm="AES256", SSECustomerKey=raw)
    body = s3.get_object(Bucket="ssec", Key="k", SSECustomerAlgorithm="AES256", SSECustomerKey=raw)["Body"].read()
    assert body == b"a" * (5 * MiB) + b"tail"


def test_endpoint_from_the_environment(server, bucket, cairn, broken_endpoints):
    """AWS_ENDPOINT_URL_S3 over AWS_ENDPOINT_URL, --endpoint-url over both (the aws CLI's order)."""
    nowhere = broken_endpoints["refused"]

    def buckets(*args, **env):
        p = cairn.s3api("list-buckets", *args, endpoint=False, env=cairn.env(**env), check=False)
        return [b["Name"] for b in json.loads(p.stdout)["Buckets"]] if p.returncode == 0 else p.stderr.decode()

    assert bucket in buckets(AWS_ENDPOINT_URL=server.endpoint)
    assert bucket in buckets(AWS_ENDPOINT_URL=nowhere, AWS_ENDPOINT_URL_S3=server.endpoint)
    assert "Could not connect" in buckets(AWS_ENDPOINT_URL=server.endpoint, AWS_ENDPOINT_URL_S3=nowhere)
    assert bucket in buckets("--endpoint-url", server.endpoint, AWS_ENDPOINT_URL_S3=nowhere)


def test_upload_part_request_payer(server, upload, cairn, work):
    bucket, key, uid = upload
    write(work / "p", b"payer")
    args = ["upload-part", "--bucket", bucket, "--key", key, "--part-number", "1", "--body", "p",
            "--upload-id", uid, "--request-payer", "requester"]
    p = cairn.s3api(*args, "--debug")
    assert "x-amz-request-payer: requester" in p.stderr.decode()
    assert_same_output(cairn, server, work, *args)


def test_cli_input_json_and_yaml(server, s3, upload, cairn, work):
    bucket, key, uid = upload
    write(work / "p", b"from json")
    doc = {"Bucket": bucket, "Key": key, "PartNumber": 1, "UploadId": uid}
    (work / "in.json").write_text(json.dumps(doc))
    out = cairn.json("upload-part", "--cli-input-json", "file://in.json", "--body", "p")
    assert out["ETag"] == f'"{hashlib.md5(b"from json").hexdigest()}"'
    # Inline, and the command line wins over the document.
    out = cairn.json("upload-part", "--cli-input-json", json.dumps(doc), "--part-number", "2", "--body", "p")
    nums = [p["PartNumber"] for p in s3.list_parts(Bucket=bucket, Key=key, UploadId=uid)["Parts"]]
    assert nums == [1, 2]
    (work / "in.yaml").write_text(f"Bucket: {bucket}\nKey: {key}\nPartNumber: 3\nUploadId: '{uid}'\n")
    cairn.json("upload-part", "--cli-input-yaml", "file://in.yaml", "--body", "p")
    nums = [p["PartNumber"] for p in s3.list_parts(Bucket=bucket, Key=key, UploadId=uid)["Parts"]]
    assert nums == [1, 2, 3]
    # Missing required member in the document: botocore's wording, exit 252.
    (work / "bad.json").write_text(json.dumps({"Bucket": bucket}))
    p = cairn.s3api("upload-part", "--cli-input-json", "file://bad.json", check=False)
    assert p.returncode == 252 and 'Missing required parameter in input: "Key"' in p.stderr.decode()
    # Body given in the document is taken literally.
    doc["PartNumber"] = 4
    doc["Body"] = "literal body"
    cairn.json("upload-part", "--cli-input-json", json.dumps(doc))
    part4 = [p for p in s3.list_parts(Bucket=bucket, Key=key, UploadId=uid)["Parts"] if p["PartNumber"] == 4][0]
    assert part4["ETag"] == f'"{hashlib.md5(b"literal body").hexdigest()}"'


def test_generate_cli_skeleton(server, cairn, work):
    mine = cairn.s3api("upload-part", "--generate-cli-skeleton", endpoint=False).stdout.decode()
    theirs = aws_raw(server, work, "upload-part", "--generate-cli-skeleton").stdout.decode()
    # botocore picks a random enum value (ChecksumAlgorithm): compare keys, order and the rest.
    norm = lambda s: re.sub(r'"ChecksumAlgorithm": "[A-Z0-9]+"', '"ChecksumAlgorithm": "X"', s)
    assert norm(mine) == norm(theirs)
    mine = cairn.s3api("upload-part", "--generate-cli-skeleton", "input", endpoint=False).stdout.decode()
    assert norm(mine) == norm(theirs)
    args = ["upload-part", "--generate-cli-skeleton", "output", "--bucket", "b", "--key", "k", "--part-number", "1",
            "--upload-id", "u"]
    assert cairn.s3api(*args).stdout.decode() == aws_raw(server, work, *args).stdout.decode()
    # `output` still wants the required arguments, and sends nothing either way.
    p = cairn.s3api("upload-part", "--generate-cli-skeleton", "output", check=False)
    assert p.returncode == 252
    y = cairn.s3api("upload-part", "--generate-cli-skeleton", "yaml-input", endpoint=False).stdout.decode()
    assert "UploadId: '' # [REQUIRED]" in y
    # The YAML skeleton, filled in, is accepted by --cli-input-yaml.
    yaml = pytest.importorskip("yaml")  # PyYAML comes with the aws CLI
    assert set(yaml.safe_load(y)) == set(json.loads(mine))
    for op in ("create-multipart-upload", "complete-multipart-upload", "list-parts", "list-multipart-uploads",
               "upload-part-copy", "abort-multipart-upload"):
        m = cairn.s3api(op, "--generate-cli-skeleton", endpoint=False).stdout.decode()
        t = aws_raw(server, work, op, "--generate-cli-skeleton").stdout.decode()
        assert json.loads(m).keys() == json.loads(t).keys(), op


def test_query_and_output_formats_match_aws(server, s3, upload, cairn, work):
    bucket, key, uid = upload
    for n in (1, 2, 3):
        s3.upload_part(Bucket=bucket, Key=key, UploadId=uid, PartNumber=n, Body=b"x" * (n * 100))
    base = ["list-parts", "--bucket", bucket, "--key", key, "--upload-id", uid]
    queries = ["Parts[*].PartNumber", "Parts[0].ETag", "Parts[-1].Size", "Parts[*].[PartNumber, Size]",
               "{first: Parts[0].PartNumber, owner: Owner.DisplayName}", "Parts[?Size > `150`].PartNumber",
               "Parts[?PartNumber == `2`] | [0].Size", "length(Parts)", "Owner"]
    for i, q in enumerate(queries):
        # json for every query; text and table for a few shapes (list of lists, hash, scalar).
        for fmt in ("json", "text", "table") if i in (3, 4, 7) else ("json",):
            assert_same_output(cairn, server, work, *base, "--query", q, "--output", fmt)
    for fmt in ("json", "text", "table"):
        assert_same_output(cairn, server, work, *base, "--output", fmt,
                           normalise=lambda s: re.sub(r"\d{4}-\d\d-\d\dT[\d:.]+Z", "T", s))


def test_list_parts_pagination_matches_aws(server, s3, upload, cairn, work):
    bucket, key, uid = upload
    for n in range(1, 8):
        s3.upload_part(Bucket=bucket, Key=key, UploadId=uid, PartNumber=n, Body=b"p%d" % n)
    base = ["list-parts", "--bucket", bucket, "--key", key, "--upload-id", uid]
    strip = lambda s: re.sub(r'"LastModified": "[^"]+"', '"LastModified": "T"', s)
    assert_same_output(cairn, server, work, *base, normalise=strip)
    assert_same_output(cairn, server, work, *base, "--page-size", "2", normalise=strip)
    out = assert_same_output(cairn, server, work, *base, "--max-items", "3", "--page-size", "2", normalise=strip)
    token = json.loads(out)["NextToken"]
    out = assert_same_output(cairn, server, work, *base, "--max-items", "3", "--starting-token", token, normalise=strip)
    assert [p["PartNumber"] for p in json.loads(out)["Parts"]] == [4, 5, 6]
    assert_same_output(cairn, server, work, *base, "--no-paginate", "--max-parts", "2", normalise=strip)


def test_list_multipart_uploads_matches_aws(server, s3, bucket, cairn, work):
    for i in range(5):
        s3.create_multipart_upload(Bucket=bucket, Key=f"k{i % 3}")
    strip = lambda s: re.sub(r'"(Initiated|UploadId|NextToken)": "[^"]+"', r'"\1": "X"', s)
    assert_same_output(cairn, server, work, "list-multipart-uploads", "--bucket", bucket, normalise=strip)
    out = assert_same_output(cairn, server, work, "list-multipart-uploads", "--bucket", bucket, "--max-items", "2",
                             "--page-size", "1", normalise=strip)
    assert len(json.loads(out)["Uploads"]) == 2
    # The text format prints a paginated response page by page, NextToken last, as the aws CLI does.
    strip_text = lambda s: re.sub(r"\S{40,}", "X", re.sub(r"\d{4}-\d\d-\d\dT[\d:.]+Z", "T", s))
    for extra in (["--page-size", "2"], ["--max-items", "3", "--page-size", "2"]):
        assert_same_output(cairn, server, work, "list-multipart-uploads", "--bucket", bucket, "--output", "text",
                           *extra, normalise=strip_text)
    full = cairn.json("list-multipart-uploads", "--bucket", bucket, "--max-items", "2")
    rest = cairn.json("list-multipart-uploads", "--bucket", bucket, "--starting-token", full["NextToken"])
    assert len(full["Uploads"]) + len(rest["Uploads"]) == 5


def test_multipart_family_end_to_end_matches_aws(server, s3, bucket, cairn, work):
    """create -> upload-part (x2) -> upload-part-copy -> list-parts -> complete; abort; with the
    aws CLI doing the same calls on another key, outputs compared."""
    write(work / "big", os.urandom(5 * MiB))
    write(work / "small", b"tail")
    s3.put_object(Bucket=bucket, Key="src", Body=b"0123456789" * 1000)
    ids = {}
    for who, key in (("cairn", "a"), ("aws", "b")):
        runner = (lambda *a: cairn.s3api(*a)) if who == "cairn" else (lambda *a: aws_raw(server, work, *a))
        out = json.loads(runner("create-multipart-upload", "--bucket", bucket, "--key", key).stdout)
        assert set(out) == {"Bucket", "Key", "UploadId"}
        ids[who] = out["UploadId"]
        uid = out["UploadId"]
        e1 = json.loads(runner("upload-part", "--bucket", bucket, "--key", key, "--part-number", "1", "--body", "big",
                               "--upload-id", uid).stdout)["ETag"]
        copy = json.loads(runner("upload-part-copy", "--bucket", bucket, "--key", key, "--part-number", "2",
                                 "--copy-source", f"{bucket}/src", "--copy-source-range", "bytes=0-99",
                                 "--upload-id", uid).stdout)
        assert set(copy) == {"CopyPartResult"}
        e2 = copy["CopyPartResult"]["ETag"]
        parts = {"Parts": [{"ETag": e1, "PartNumber": 1}, {"ETag": e2, "PartNumber": 2}]}
        (work / f"parts-{who}.json").write_text(json.dumps(parts))
        done = json.loads(runner("complete-multipart-upload", "--bucket", bucket, "--key", key, "--upload-id", uid,
                                 "--multipart-upload", f"file://parts-{who}.json").stdout)
        ids[who + "-done"] = done
    a, b = ids["cairn-done"], ids["aws-done"]
    assert a.keys() == b.keys() and a["ETag"] == b["ETag"]
    # Inline JSON for --multipart-upload, and abort.
    uid = s3.create_multipart_upload(Bucket=bucket, Key="c")["UploadId"]
    e = s3.upload_part(Bucket=bucket, Key="c", UploadId=uid, PartNumber=1, Body=b"only")["ETag"]
    out = cairn.json("complete-multipart-upload", "--bucket", bucket, "--key", "c", "--upload-id", uid,
                     "--multipart-upload", json.dumps({"Parts": [{"ETag": e, "PartNumber": 1}]}))
    assert out["Key"] == "c" and s3.get_object(Bucket=bucket, Key="c")["Body"].read() == b"only"
    # The aws CLI's shorthand syntax for the parts list.
    uid = s3.create_multipart_upload(Bucket=bucket, Key="e")["UploadId"]
    e1 = s3.upload_part(Bucket=bucket, Key="e", UploadId=uid, PartNumber=1, Body=b"a" * (5 * MiB))["ETag"]
    e2 = s3.upload_part(Bucket=bucket, Key="e", UploadId=uid, PartNumber=2, Body=b"b")["ETag"]
    cairn.json("complete-multipart-upload", "--bucket", bucket, "--key", "e", "--upload-id", uid,
               "--multipart-upload", f"Parts=[{{ETag='{e1}',PartNumber=1}},{{ETag='{e2}',PartNumber=2}}]")
    assert s3.head_object(Bucket=bucket, Key="e")["ContentLength"] == 5 * MiB + 1
    uid = s3.create_multipart_upload(Bucket=bucket, Key="d")["UploadId"]
    assert cairn.s3api("abort-multipart-upload", "--bucket", bucket, "--key", "d", "--upload-id", uid).stdout == b""
    p = cairn.s3api("abort-multipart-upload", "--bucket", bucket, "--key", "d", "--upload-id", uid, check=False)
    assert p.returncode == 254 and "(NoSuchUpload) when calling the AbortMultipartUpload operation" in p.stderr.decode()


def test_basics_match_aws(server, s3, cairn, work):
    name, other = unique_name("basics"), unique_name("basics")
    mine = cairn.s3api("create-bucket", "--bucket", name).stdout.decode()
    theirs = aws_raw(server, work, "create-bucket", "--bucket", other).stdout.decode()
    assert mine.replace(name, "B") == theirs.replace(other, "B")
    strip = lambda s: re.sub(r'"(CreationDate|LastModified|ID)": "[^"]+"', r'"\1": "X"', s)
    strip_dates = lambda s: re.sub(r"\w{3}, \d\d \w{3} \d{4} [\d:]+ GMT", "D", strip(s))
    assert_same_output(cairn, server, work, "list-buckets", normalise=strip)
    write(work / "f.txt", b"hello world")
    assert_same_output(cairn, server, work, "put-object", "--bucket", name, "--key", "dir/f.txt", "--body", "f.txt",
                       "--content-type", "text/plain", "--metadata", "a=1,b=two")
    assert_same_output(cairn, server, work, "head-object", "--bucket", name, "--key", "dir/f.txt", normalise=strip_dates)
    mine = cairn.s3api("get-object", "--bucket", name, "--key", "dir/f.txt", "out1").stdout.decode()
    theirs = aws_raw(server, work, "get-object", "--bucket", name, "--key", "dir/f.txt", "out2").stdout.decode()
    assert strip_dates(mine) == strip_dates(theirs)
    assert (work / "out1").read_bytes() == b"hello world" == (work / "out2").read_bytes()
    s3.put_object(Bucket=name, Key="dir/a b+c", Body=b"1")
    s3.put_object(Bucket=name, Key="top", Body=b"2")
    assert_same_output(cairn, server, work, "list-objects-v2", "--bucket", name, normalise=strip)
    assert_same_output(cairn, server, work, "list-objects-v2", "--bucket", name, "--delimiter", "/", normalise=strip)
    assert_same_output(cairn, server, work, "list-objects-v2", "--bucket", name, "--max-items", "1", normalise=strip)
    assert_same_output(cairn, server, work, "list-objects-v2", "--bucket", name, "--query", "Contents[].Key",
                       "--output", "text")
    assert_same_output(cairn, server, work, "delete-object", "--bucket", name, "--key", "top")
    p = cairn.s3api("head-object", "--bucket", name, "--key", "top", check=False)
    t = aws_raw(server, work, "head-object", "--bucket", name, "--key", "top", check=False)
    assert p.returncode == 254
    assert p.stderr.decode().strip() == t.stderr.decode().strip().splitlines()[-1]
    p = cairn.s3api("get-object", "--bucket", name, "--key", "top", "x", check=False)
    assert p.returncode == 254 and "(NoSuchKey) when calling the GetObject operation" in p.stderr.decode()


def test_credentials_profiles_and_config_files(server, bucket, work):
    """Credentials and endpoint from ~/.aws files (isolated with AWS_SHARED_CREDENTIALS_FILE /
    AWS_CONFIG_FILE), --profile, AWS_PROFILE, and wrong keys -> InvalidAccessKeyId."""
    u = server.default_user
    (work / "creds").write_text(f"[default]\naws_access_key_id = wrong\naws_secret_access_key = wrong\n\n"
                                f"[good]\naws_access_key_id = {u.access_key}\naws_secret_access_key = {u.secret_key}\n")
    (work / "conf").write_text(f"[profile good]\nregion = us-east-1\ns3 =\n    endpoint_url = {server.endpoint}\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({"AWS_SHARED_CREDENTIALS_FILE": str(work / "creds"), "AWS_CONFIG_FILE": str(work / "conf"),
                "HOME": str(work)})
    from cairntest import CAIRN_BIN

    def run(*args, extra=None):
        return subprocess.run([CAIRN_BIN, "s3api", *args], env={**env, **(extra or {})}, capture_output=True, cwd=work)

    p = run("list-buckets", "--profile", "good")
    assert p.returncode == 0 and bucket in p.stdout.decode()
    p = run("list-buckets", extra={"AWS_PROFILE": "good"})
    assert p.returncode == 0 and bucket in p.stdout.decode()
    p = run("list-buckets", "--endpoint-url", server.endpoint)
    assert p.returncode == 254 and "(InvalidAccessKeyId) when calling the ListBuckets operation" in p.stderr.decode()
    # --profile ignores AWS_ACCESS_KEY_ID; without --profile the environment wins.
    p = run("list-buckets", "--profile", "good", extra={"AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "y"})
    assert p.returncode == 0
    p = run("list-buckets", "--endpoint-url", server.endpoint,
            extra={"AWS_ACCESS_KEY_ID": u.access_key, "AWS_SECRET_ACCESS_KEY": u.secret_key})
    assert p.returncode == 0
    p = run("list-buckets", "--profile", "missing")
    assert p.returncode == 255 and "The config profile (missing) could not be found" in p.stderr.decode()


def test_cli_auto_prompt_through_a_pty(server, upload, cairn, work):
    """--cli-auto-prompt asks for each missing required parameter on the terminal."""
    pexpect = pytest.importorskip("pexpect")
    bucket, key, uid = upload
    write(work / "p", b"prompted")
    from cairntest import CAIRN_BIN
    child = pexpect.spawn(CAIRN_BIN, ["s3api", "upload-part", "--bucket", bucket, "--body", "p", "--cli-auto-prompt",
                                      "--endpoint-url", server.endpoint], cwd=str(work), env=cairn.env(), timeout=20)
    child.expect(r"--key \(string\) \[required\]: ")
    child.sendline(key)
    child.expect(r"--part-number \(integer\) \[required\]: ")
    child.sendline("1")
    child.expect(r"--upload-id \(string\) \[required\]: ")
    child.sendline(uid)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    assert hashlib.md5(b"prompted").hexdigest() in child.before.decode()
    # Without a terminal it is a usage error.
    p = cairn.s3api("upload-part", "--bucket", bucket, "--body", "p", "--cli-auto-prompt", check=False,
                    input=b"")
    assert p.returncode == 252


def test_region_session_token_and_debug(server, bucket, cairn, work):
    """--region goes into the signature scope (the server answers as it answers the aws CLI);
    AWS_SESSION_TOKEN is sent as x-amz-security-token; --debug shows requests and responses."""
    p = cairn.s3api("list-objects-v2", "--bucket", bucket, "--region", "eu-west-1", "--debug", check=False)
    t = aws_raw(server, work, "list-objects-v2", "--bucket", bucket, "--region", "eu-west-1", check=False)
    assert (p.returncode == 0) == (t.returncode == 0)
    assert "/eu-west-1/s3/aws4_request" in p.stderr.decode()
    if p.returncode != 0:
        assert p.stderr.decode().strip().splitlines()[-1] == t.stderr.decode().strip().splitlines()[-1]
    p = cairn.s3api("list-buckets", "--debug", env=cairn.env(AWS_SESSION_TOKEN="tok123"), check=False)
    err = p.stderr.decode()
    assert "x-amz-security-token: tok123" in err
    assert "> GET " in err and "< HTTP " in err


@pytest.fixture
def tls_proxy(server, tmp_path):
    """A TLS endpoint with a self-signed certificate, relaying bytes to the (plain HTTP) server."""
    import shutil
    import socket
    import ssl
    import threading
    if shutil.which("openssl") is None:
        pytest.skip("openssl not installed")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    # Valid for 127.0.0.1, so that trusting it (--ca-bundle) is all a client needs.
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                    "-keyout", str(key), "-out", str(cert), "-days", "1"], check=True, capture_output=True)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    port = listener.getsockname()[1]

    def serve():
        while True:
            try:
                raw, _ = listener.accept()
            except OSError:
                return
            try:
                conn = ctx.wrap_socket(raw, server_side=True)
            except (OSError, ssl.SSLError):
                raw.close()
                continue
            up = socket.create_connection(("127.0.0.1", server.port))
            threading.Thread(target=relay_bytes, args=(conn, up), daemon=True).start()
            threading.Thread(target=relay_bytes, args=(up, conn), daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    yield f"https://127.0.0.1:{port}"
    listener.close()


def test_https_endpoint_and_no_verify_ssl(server, bucket, cairn, tls_proxy):
    p = cairn.s3api("list-buckets", "--endpoint-url", tls_proxy, "--cli-connect-timeout", "2", endpoint=False,
                    env=cairn.env(AWS_MAX_ATTEMPTS="1"), check=False)
    assert p.returncode == 255  # the self-signed certificate is refused, saying so
    assert p.stderr.decode().strip().startswith(f"SSL validation failed for {tls_proxy}/ ")
    assert "CERTIFICATE_VERIFY_FAILED" in p.stderr.decode()
    out = cairn.json("list-buckets", "--endpoint-url", tls_proxy, "--no-verify-ssl", endpoint=False)
    assert bucket in [b["Name"] for b in out["Buckets"]]


def test_ca_bundle_from_the_option_the_environment_and_the_profile(server, bucket, cairn, tls_proxy, tmp_path, work):
    """The proxy's self-signed certificate, trusted through --ca-bundle, AWS_CA_BUNDLE or the
    profile's ca_bundle (botocore's order), verifies; another certificate does not; a missing file
    fails in the aws CLI's words."""
    cert = tmp_path / "cert.pem"

    def names(p):
        return [b["Name"] for b in json.loads(p.stdout)["Buckets"]]
    assert bucket in names(cairn.s3api("list-buckets", "--endpoint-url", tls_proxy, "--ca-bundle", cert, endpoint=False))
    assert bucket in names(cairn.s3api("list-buckets", "--endpoint-url", tls_proxy, endpoint=False,
                                       env=cairn.env(AWS_CA_BUNDLE=str(cert))))
    profile = work / "aws-config-ca-bundle"
    profile.write_text(f"[default]\nregion = us-east-1\nca_bundle = {cert}\n")
    assert bucket in names(cairn.s3api("list-buckets", "--endpoint-url", tls_proxy, endpoint=False,
                                       env=cairn.env(AWS_CONFIG_FILE=str(profile))))
    listing = cairn.run("s3", "ls", "--endpoint-url", tls_proxy, "--ca-bundle", cert, endpoint=False)
    assert bucket in listing.stdout.decode()

    other_cert, other_key = tmp_path / "other.pem", tmp_path / "other-key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=other",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(other_key), "-out", str(other_cert),
                    "-days", "1"], check=True, capture_output=True)
    p = cairn.s3api("list-buckets", "--endpoint-url", tls_proxy, "--ca-bundle", other_cert, endpoint=False, check=False)
    assert p.returncode == 255 and "CERTIFICATE_VERIFY_FAILED" in p.stderr.decode()
    # The option wins over the environment, as in botocore.
    p = cairn.s3api("list-buckets", "--endpoint-url", tls_proxy, "--ca-bundle", other_cert, endpoint=False, check=False,
                    env=cairn.env(AWS_CA_BUNDLE=str(cert)))
    assert p.returncode == 255

    missing = tmp_path / "missing.pem"
    p = cairn.s3api("list-buckets", "--endpoint-url", tls_proxy, "--ca-bundle", missing, endpoint=False, check=False)
    t = subprocess.run(["aws", "s3api", "list-buckets", "--endpoint-url", tls_proxy, "--ca-bundle", str(missing)],
                       env=cairn.env(), capture_output=True, timeout=60)
    assert p.returncode == t.returncode == 255
    assert p.stderr.decode().strip() == t.stderr.decode().strip() == f"SSL validation failed for {tls_proxy}/ [Errno 2] No such file or directory"


@pytest.fixture
def broken_endpoints():
    """Three ways for a request to get no HTTP response: nothing listening (a port bound but not
    listening), a server that closes the connection after reading the request, one that never answers."""
    import socket
    import threading
    refused = socket.socket()
    refused.bind(("127.0.0.1", 0))
    closer, hanger = socket.socket(), socket.socket()
    for s in (closer, hanger):
        s.bind(("127.0.0.1", 0))
        s.listen(8)
    held = []

    def close_after_request():
        while True:
            try:
                c, _ = closer.accept()
            except OSError:
                return
            c.recv(65536)
            c.close()

    def never_answer():
        while True:
            try:
                held.append(hanger.accept()[0])
            except OSError:
                return

    threading.Thread(target=close_after_request, daemon=True).start()
    threading.Thread(target=never_answer, daemon=True).start()
    yield {name: f"http://127.0.0.1:{s.getsockname()[1]}" for name, s in
           (("refused", refused), ("closed", closer), ("hung", hanger))}
    for s in [refused, closer, hanger, *held]:
        s.close()


def test_transport_errors_are_named_by_cause(cairn, broken_endpoints):
    """botocore's messages for each cause, exit 255, after the configured attempts."""
    def err(url, *extra):
        p = cairn.s3api("list-buckets", "--endpoint-url", url, *extra, endpoint=False,
                        env=cairn.env(AWS_MAX_ATTEMPTS="1"), check=False)
        assert p.returncode == 255
        return p.stderr.decode().strip()
    u = broken_endpoints
    assert err(u["refused"]) == f'Could not connect to the endpoint URL: "{u["refused"]}/"'
    assert err(u["closed"]) == ("Connection was closed before we received a valid response from endpoint URL: "
                                f'"{u["closed"]}/".')
    assert err(u["hung"], "--cli-read-timeout", "1") == f'Read timeout on endpoint URL: "{u["hung"]}/"'


@pytest.fixture
def flaky_endpoint():
    """An S3 stand-in that answers `fail` requests with 503 SlowDown, then a ListBuckets result."""
    import http.server
    import threading
    state = {"seen": 0, "fail": 2}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            state["seen"] += 1
            if state["seen"] <= state["fail"]:
                body = (b'<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code>'
                        b'<Message>Please reduce your request rate.</Message></Error>')
                self.send_response(503)
            else:
                body = (b'<?xml version="1.0" encoding="UTF-8"?><ListAllMyBucketsResult>'
                        b'<Owner><ID>o</ID><DisplayName>d</DisplayName></Owner><Buckets><Bucket><Name>flaky</Name>'
                        b'<CreationDate>2026-01-01T00:00:00.000Z</CreationDate></Bucket></Buckets>'
                        b'</ListAllMyBucketsResult>')
                self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *a):
            pass

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_address[1]}", state
    srv.shutdown()


def test_retries_5xx_with_backoff(cairn, flaky_endpoint):
    url, state = flaky_endpoint
    env = cairn.env(AWS_MAX_ATTEMPTS="5")
    out = json.loads(cairn.s3api("list-buckets", "--endpoint-url", url, endpoint=False, env=env).stdout)
    assert out["Buckets"][0]["Name"] == "flaky" and state["seen"] == 3
    # Out of attempts: the last error, in the aws CLI's words, exit 254.
    state.update(seen=0, fail=10)
    p = cairn.s3api("list-buckets", "--endpoint-url", url, endpoint=False, env=cairn.env(AWS_MAX_ATTEMPTS="2"),
                    check=False)
    assert p.returncode == 254 and state["seen"] == 2
    assert p.stderr.decode().strip() == ("An error occurred (SlowDown) when calling the ListBuckets operation "
                                         "(reached max retries: 1): Please reduce your request rate.")
