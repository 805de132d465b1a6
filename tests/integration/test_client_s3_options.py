"""`cairn s3` options beyond paths and filters, each checked on a live server and, where the aws
CLI can run the same command, against what it does: canned ACLs and grants (moto_server keeps
ACLs; on Cairn the header is seen by a bucket policy's `s3:x-amz-acl` condition), requester
pays, checksum mode, `--copy-props`, archived (GLACIER) objects, keys that differ only by case,
`mb --tags` and `--no-sign-request`."""

from __future__ import annotations

import json
import os
import shutil

import boto3
import pytest

from cairntest import KiB
from s3cmdtest import S3Cmds, s3c, s3cmds  # noqa: F401 - fixtures
from clienttest import flip_stored_byte
from test_client_moto import moto  # noqa: F401 - fixture
from test_client_s3_moto import MOTO_CONFIG

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"


def grants_of(s3c, bucket, key):  # noqa: F811
    acl = s3c.get_object_acl(Bucket=bucket, Key=key)
    return sorted((g["Permission"], g["Grantee"].get("URI") or g["Grantee"].get("ID", "")) for g in acl["Grants"])


def same_outcome(mine, theirs, rename=()):
    """Exit code and both streams (lines in any order: files finish in any order), with
    names that differ between the two runs replaced."""
    def text(b):
        t = b.decode()
        for old, new in rename:
            t = t.replace(old, new)
        return sorted(t.splitlines())
    # The v1 aws CLI exits 255 on a service error where v2 (and cairn) exit 254.
    rc = 254 if theirs.returncode == 255 and "An error occurred (" in theirs.stderr.decode() else theirs.returncode
    got, want = (mine.returncode, text(mine.stdout), text(mine.stderr)), (rc, text(theirs.stdout), text(theirs.stderr))
    assert got == want, "\n".join(["cairn:", *map(str, got), "aws:", *map(str, want)])


@pytest.mark.skipif(shutil.which("moto_server") is None, reason="moto_server not installed")
def test_acl_and_grants_like_aws_against_moto(moto, work):  # noqa: F811
    cmds = S3Cmds(moto, work, MOTO_CONFIG)
    s3m = boto3.client("s3", endpoint_url=moto.endpoint, region_name="us-east-1",
                       aws_access_key_id=moto.default_user.access_key, aws_secret_access_key=moto.default_user.secret_key)
    s3m.create_bucket(Bucket="acl")
    (work / "f.txt").write_bytes(b"hello")
    (work / "big.bin").write_bytes(os.urandom(6 * 1024 * 1024))  # multipart: the ACL goes with CreateMultipartUpload
    owner = s3m.get_bucket_acl(Bucket="acl")["Owner"]["ID"]
    for run, side in ((cmds.cairn, "mine"), (cmds.aws, "theirs")):
        run("cp", "f.txt", f"s3://acl/{side}/public.txt", "--acl", "public-read")
        run("cp", "big.bin", f"s3://acl/{side}/big.bin", "--acl", "public-read")
        run("cp", "f.txt", f"s3://acl/{side}/granted.txt", "--grants", f"read=uri={ALL_USERS}", f"full=id={owner}")
        run("cp", f"s3://acl/{side}/public.txt", f"s3://acl/{side}/copied.txt", "--acl", "public-read")
        run("cp", f"s3://acl/{side}/big.bin", f"s3://acl/{side}/big-copy.bin", "--acl", "public-read")
    for name in ("public.txt", "big.bin", "granted.txt", "copied.txt", "big-copy.bin"):
        assert grants_of(s3m, "acl", f"mine/{name}") == grants_of(s3m, "acl", f"theirs/{name}"), name
        assert ("READ", ALL_USERS) in grants_of(s3m, "acl", f"mine/{name}"), name
    assert ("FULL_CONTROL", owner) in grants_of(s3m, "acl", "mine/granted.txt")
    # Bad values are refused before any request, as aws's argument parser does.
    assert cmds.cairn("cp", "f.txt", "s3://acl/x", "--acl", "wide-open", check=False).returncode == 64
    p = cmds.cairn("cp", "f.txt", "s3://acl/x", "--grants", "write=id=1", check=False)
    assert p.returncode == 64 and "permission must be one of: read|readacl|writeacl|full" in p.stderr.decode()


def test_acl_reaches_cairn(s3cmds, s3c):  # noqa: F811
    """A bucket policy denies PutObject unless `s3:x-amz-acl` is bucket-owner-full-control: only
    the copies given that `--acl` get in (uploads and S3 -> S3 copies), and the refusals read as aws's."""
    work = s3cmds.work
    s3c.create_bucket(Bucket="owned")
    s3c.put_object(Bucket="owned", Key="src.txt", Body=b"source")
    s3c.put_bucket_policy(Bucket="owned", Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::owned/in/*",
        "Condition": {"StringNotEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}}]}))
    (work / "f.txt").write_bytes(b"hello")
    for args in (["cp", "f.txt", "s3://owned/in/f.txt"], ["cp", "s3://owned/src.txt", "s3://owned/in/copy.txt"]):
        same_outcome(s3cmds.cairn(*args, check=False), s3cmds.aws(*args, "--no-progress", check=False))
        assert s3cmds.cairn(*args, check=False).returncode == 1
        p = s3cmds.cairn(*args, "--acl", "bucket-owner-full-control", "--debug")
        assert "x-amz-acl: bucket-owner-full-control" in p.stderr.decode()
    assert s3c.get_object(Bucket="owned", Key="in/copy.txt")["Body"].read() == b"source"
    # --grants go out verbatim as x-amz-grant-* headers, and Cairn applies them where Object
    # Ownership enables ACLs (new buckets are BucketOwnerEnforced, as on AWS).
    s3c.put_bucket_ownership_controls(Bucket="owned", OwnershipControls={"Rules": [{"ObjectOwnership": "ObjectWriter"}]})
    owner = s3c.list_buckets()["Owner"]["ID"]
    p = s3cmds.cairn("cp", "f.txt", "s3://owned/g.txt", "--grants", f"read=uri={ALL_USERS}", f"readacl=id={owner}", "--debug")
    err = p.stderr.decode()
    assert f"x-amz-grant-read: uri={ALL_USERS}" in err and f"x-amz-grant-read-acp: id={owner}" in err
    grants = s3c.get_object_acl(Bucket="owned", Key="g.txt")["Grants"]
    assert {"Grantee": {"Type": "Group", "URI": ALL_USERS}, "Permission": "READ"} in grants


def test_request_payer_on_every_request(s3cmds, s3c):  # noqa: F811
    work = s3cmds.work
    s3c.create_bucket(Bucket="pays")
    (work / "d").mkdir()
    (work / "d" / "a.txt").write_bytes(b"a")
    for args in (["cp", "--recursive", "d", "s3://pays/p/"], ["ls", "s3://pays/p/"], ["sync", "s3://pays/p", "down"],
                 ["rm", "--recursive", "s3://pays/p/"]):
        err = s3cmds.cairn(*args, "--request-payer", "requester", "--debug").stderr.decode()
        # Every request carries it (each request's headers end with its User-Agent).
        assert 1 <= err.count("> x-amz-request-payer: requester") == err.count("> User-Agent:"), (args, err)
    assert (work / "down" / "a.txt").read_bytes() == b"a"
    assert s3cmds.cairn("ls", "s3://pays", "--request-payer", "owner", check=False).returncode == 64


def test_checksum_mode_checks_the_bytes(s3cmds, s3c):  # noqa: F811
    work = s3cmds.work
    s3c.create_bucket(Bucket="sums")
    data = os.urandom(100 * KiB)
    (work / "f.bin").write_bytes(data)
    s3cmds.cairn("cp", "f.bin", "s3://sums/f.bin", "--checksum-algorithm", "SHA256")
    p = s3cmds.cairn("cp", "s3://sums/f.bin", "back.bin", "--checksum-mode", "ENABLED", "--debug")
    assert "x-amz-checksum-mode: ENABLED" in p.stderr.decode() and "x-amz-checksum-sha256:" in p.stderr.decode()
    assert (work / "back.bin").read_bytes() == data
    # One stored byte changes behind the server's back: the SHA-256 the object keeps no longer fits.
    flip_stored_byte(s3cmds.server, len(data), 77)
    p = s3cmds.cairn("cp", "s3://sums/f.bin", "bad.bin", "--checksum-mode", "ENABLED", check=False)
    assert p.returncode == 1 and "SHA256 checksum" in p.stderr.decode(), p.stderr.decode()
    assert not (work / "bad.bin").exists()
    assert s3cmds.cairn("cp", "s3://sums/f.bin", "x", "--checksum-mode", "on", check=False).returncode == 64


@pytest.mark.parametrize("size", [10, 700 * KiB], ids=["CopyObject", "UploadPartCopy"])
def test_copy_props(s3cmds, s3c, size):  # noqa: F811
    """none: nothing of the source; metadata-directive: content headers and metadata; default:
    those and the tags (a multipart copy reads them from the source and sets them itself)."""
    s3c.create_bucket(Bucket="props")
    s3c.put_object(Bucket="props", Key="src", Body=os.urandom(size), ContentType="text/x-source",
                   Metadata={"colour": "blue"}, Tagging="team=storage")
    got = {}
    for props in ("none", "metadata-directive", "default"):
        s3cmds.cairn("cp", "s3://props/src", f"s3://props/{props}", "--copy-props", props)
        head = s3c.head_object(Bucket="props", Key=props)
        tags = s3c.get_object_tagging(Bucket="props", Key=props)["TagSet"]
        got[props] = (head["ContentType"] == "text/x-source", head["Metadata"], tags)
    assert got["none"] == (False, {}, [])
    assert got["metadata-directive"] == (True, {"colour": "blue"}, [])
    assert got["default"] == (True, {"colour": "blue"}, [{"Key": "team", "Value": "storage"}])


def test_archived_objects_are_skipped_like_aws(s3cmds, s3c):  # noqa: F811
    s3c.create_bucket(Bucket="cold")

    def stock():  # mv takes objects away: each run starts with all three
        s3c.put_object(Bucket="cold", Key="c/frozen.txt", Body=b"ice", StorageClass="GLACIER")
        s3c.put_object(Bucket="cold", Key="c/deep.txt", Body=b"deep", StorageClass="DEEP_ARCHIVE")
        s3c.put_object(Bucket="cold", Key="c/warm.txt", Body=b"warm")
    for extra in ([], ["--ignore-glacier-warnings"], ["--force-glacier-transfer"]):
        for verb, dest in (("cp", "{d}"), ("cp", "s3://cold/{d}/"), ("sync", "{d}"), ("mv", "s3://cold/{d}/")):
            stock()
            mine = s3cmds.cairn(verb, *(["--recursive"] if verb != "sync" else []), "s3://cold/c", dest.format(d="mine"), *extra, check=False)
            stock()
            theirs = s3cmds.aws(verb, *(["--recursive"] if verb != "sync" else []), "s3://cold/c", dest.format(d="theirs"), *extra,
                                "--no-progress", check=False)
            same_outcome(mine, theirs, rename=(("mine", "D"), ("theirs", "D")))
            if verb == "cp" and not extra and dest == "{d}":
                assert mine.returncode == 2 and "Object is of storage class GLACIER" in mine.stderr.decode()
    # A single archived object named directly is looked up with HeadObject: the same warning.
    same_outcome(s3cmds.cairn("cp", "s3://cold/c/frozen.txt", "one.txt", check=False),
                 s3cmds.aws("cp", "s3://cold/c/frozen.txt", "one.txt", "--no-progress", check=False))


def test_keys_that_differ_only_by_case(s3cmds, s3c):  # noqa: F811
    work = s3cmds.work
    s3c.create_bucket(Bucket="case")
    s3c.put_object(Bucket="case", Key="k/Report.txt", Body=b"upper")
    s3c.put_object(Bucket="case", Key="k/report.txt", Body=b"lower")
    p = s3cmds.cairn("cp", "--recursive", "s3://case/k", "skip", "--case-conflict", "skip")
    assert sorted(os.listdir(work / "skip")) == ["Report.txt"]
    assert p.stderr.decode() == (f"warning: Skipping s3://case/k/report.txt -> {work}/skip/report.txt because a file whose name "
                                 "differs only by case either exists or is being downloaded.\n")
    p = s3cmds.cairn("sync", "s3://case/k", "warn", "--case-conflict", "warn")
    assert sorted(os.listdir(work / "warn")) == ["Report.txt", "report.txt"]
    assert p.stderr.decode().startswith(f"warning: Downloading s3://case/k/report.txt -> {work}/warn/report.txt despite a file")
    p = s3cmds.cairn("cp", "--recursive", "s3://case/k", "error", "--case-conflict", "error", check=False)
    assert p.returncode == 1 and "Failed to download s3://case/k/report.txt" in p.stderr.decode()
    assert not (work / "error").exists() or os.listdir(work / "error") == []
    p = s3cmds.cairn("cp", "--recursive", "s3://case/k", "ignore")
    assert sorted(os.listdir(work / "ignore")) == ["Report.txt", "report.txt"] and p.stderr == b""


def bucket_tags(s3c, bucket):  # noqa: F811
    try:
        return s3c.get_bucket_tagging(Bucket=bucket)["TagSet"]
    except s3c.exceptions.ClientError as e:
        return e.response["Error"]["Code"]


def test_mb_tags_and_no_sign_request_like_aws(s3cmds, s3c):  # noqa: F811
    """`mb --tags` sends the tags in CreateBucketConfiguration as aws does: the same answer from
    the server, and the same tags (or none) afterwards."""
    mine = s3cmds.cairn("mb", "s3://tagged-mine", "--tags", "team", "storage", "--tags", "env", "a&b", "--debug", check=False)
    assert "<Tags><Tag><Key>team</Key><Value>storage</Value></Tag><Tag><Key>env</Key><Value>a&amp;b</Value></Tag></Tags>" \
        in mine.stderr.decode() or mine.returncode == 0
    mine = s3cmds.cairn("mb", "s3://tagged-mine2", "--tags", "team", "storage", "--tags", "env", "a&b", check=False)
    theirs = s3cmds.aws("mb", "s3://tagged-theirs2", "--tags", "team", "storage", "--tags", "env", "a&b", check=False)
    same_outcome(mine, theirs, rename=(("tagged-mine2", "B"), ("tagged-theirs2", "B")))
    assert bucket_tags(s3c, "tagged-mine2") == bucket_tags(s3c, "tagged-theirs2")
    assert s3cmds.cairn("mb", "s3://odd", "--tags", "lonely", check=False).returncode == 64
    s3c.create_bucket(Bucket="private")
    same_outcome(s3cmds.cairn("ls", "s3://private", "--no-sign-request", check=False),
                 s3cmds.aws("ls", "s3://private", "--no-sign-request", check=False))


def test_source_region_signs_the_source_side(s3cmds, s3c):  # noqa: F811
    """`--source-region`: the source's listing (and a multipart copy's HeadObject) are signed for
    that region, the copies for `--region`."""
    s3c.create_bucket(Bucket="regions")
    s3c.put_object(Bucket="regions", Key="src/a.txt", Body=b"a")
    s3c.put_object(Bucket="regions", Key="src/big.bin", Body=os.urandom(700 * KiB))
    args = ["cp", "--recursive", "s3://regions/src", "s3://regions/{d}/", "--source-region", "eu-west-1"]
    err = s3cmds.cairn(*[a.format(d="debug") for a in args], "--debug").stderr.decode()
    listing = err[err.index("> GET "):].split("> User-Agent")[0]
    assert "list-type=2" in listing and "/eu-west-1/s3/aws4_request" in listing, listing
    copy = err[err.index("x-amz-copy-source"):].split("> User-Agent")[0]
    assert "/us-east-1/s3/aws4_request" in copy, copy
    # The aws CLI v1 installed here sends the source's requests to AWS itself
    # (s3.eu-west-1.amazonaws.com) even with --endpoint-url, so only cairn's result is checked.
    assert s3c.get_object(Bucket="regions", Key="debug/big.bin")["Body"].read() == \
        s3c.get_object(Bucket="regions", Key="src/big.bin")["Body"].read()
    assert s3c.get_object(Bucket="regions", Key="debug/a.txt")["Body"].read() == b"a"
