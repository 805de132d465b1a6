"""`cairn s3 ls`, `mb` and `rb`: the lines and exit codes of `aws s3 ls|mb|rb` against the same
server, byte for byte."""

from __future__ import annotations

from cairntest import KiB
from s3cmdtest import s3c, s3cmds  # noqa: F401 - fixtures


def same(s3cmds, *args, rc=0):
    mine, theirs = s3cmds.cairn(*args, check=False), s3cmds.aws(*args, check=False)
    assert mine.returncode == rc and theirs.returncode == rc, (mine, theirs)
    assert mine.stdout.decode() == theirs.stdout.decode(), f"cairn:\n{mine.stdout.decode()}\naws:\n{theirs.stdout.decode()}"
    return mine.stdout.decode()


def test_ls_buckets_prefixes_recursive_human_summarize(s3cmds, s3c):
    s3c.create_bucket(Bucket="lsb")
    s3c.create_bucket(Bucket="other")
    for key, size in [("a.txt", 1), ("b.bin", 1536), ("dir/x.txt", 10), ("dir/sub/y.bin", 3 * 1024 * KiB + 5),
                      ("dir/sub/z", 0), ("ünï code/é.txt", 999), ("with space.txt", 1024)]:
        s3c.put_object(Bucket="lsb", Key=key, Body=b"x" * size)
    out = same(s3cmds, "ls")
    assert " lsb\n" in out and " other\n" in out
    assert same(s3cmds, "ls", "--bucket-name-prefix", "ot").endswith(" other\n")
    assert same(s3cmds, "ls", "--page-size", "1") == out  # one bucket a page, all pages
    assert same(s3cmds, "ls", "--bucket-region", "us-east-1") == out
    assert same(s3cmds, "ls", "--bucket-region", "eu-west-3") == ""
    out = same(s3cmds, "ls", "s3://lsb")
    assert "                           PRE dir/\n" in out and "a.txt" in out
    same(s3cmds, "ls", "s3://lsb/dir/")
    same(s3cmds, "ls", "s3://lsb/dir")  # a prefix without the slash shows the folder itself
    same(s3cmds, "ls", "s3://lsb/dir/sub/y")
    out = same(s3cmds, "ls", "s3://lsb", "--recursive", "--human-readable", "--summarize")
    assert "3.0 MiB dir/sub/y.bin" in out and "1 Byte a.txt" in out and "Total Objects: 7" in out
    same(s3cmds, "ls", "s3://lsb/", "--recursive", "--summarize")
    same(s3cmds, "ls", "s3://lsb", "--recursive", "--page-size", "2")
    same(s3cmds, "ls", "lsb/dir/")  # the scheme is optional
    # A prefix that matches nothing: no output, exit code 1.
    assert same(s3cmds, "ls", "s3://lsb/nothing-here", rc=1) == ""
    # An empty bucket lists nothing and succeeds.
    same(s3cmds, "ls", "s3://other")


def test_ls_missing_bucket_is_a_service_error(s3cmds):
    p = s3cmds.cairn("ls", "s3://no-such-bucket-here", check=False)
    assert p.returncode == 254
    assert "An error occurred (NoSuchBucket) when calling the ListObjectsV2 operation" in p.stderr.decode()


def test_mb_and_rb_force(s3cmds, s3c):
    assert s3cmds.cairn("mb", "s3://made").stdout.decode() == "make_bucket: made\n"
    s3c.head_bucket(Bucket="made")
    # Again: us-east-1 answers 200 to its owner, and both clients say so.
    same(s3cmds, "mb", "s3://made")
    # A bad name fails as aws's does (stderr and exit code 1).
    mine, theirs = s3cmds.cairn("mb", "s3://Bad_Name", check=False), s3cmds.aws("mb", "s3://Bad_Name", check=False)
    assert mine.returncode == theirs.returncode == 1
    assert mine.stderr.decode() == theirs.stderr.decode()
    assert mine.stderr.decode().startswith("make_bucket failed: s3://Bad_Name An error occurred (InvalidBucketName)")
    for k in ["a", "b/c", "d e"]:
        s3c.put_object(Bucket="made", Key=k, Body=b"1")
    # Not empty: rb refuses; --force deletes each object (one line each) and then the bucket.
    p = s3cmds.cairn("rb", "s3://made", check=False)
    assert p.returncode == 1 and "(BucketNotEmpty)" in p.stderr.decode() and "DeleteBucket" in p.stderr.decode()
    p = s3cmds.cairn("rb", "s3://made", "--force")
    assert p.stdout.decode().splitlines()[-1] == "remove_bucket: made"
    assert sorted(p.stdout.decode().splitlines()[:-1]) == ["delete: s3://made/a", "delete: s3://made/b/c", "delete: s3://made/d e"]
    assert "made" not in [b["Name"] for b in s3c.list_buckets()["Buckets"]]
    # A key in the path is refused; a path that is not s3:// too.
    assert s3cmds.cairn("rb", "s3://made/key", check=False).returncode == 255
    assert s3cmds.cairn("mb", "made", check=False).returncode == 252


def test_website_on_cairn_is_not_implemented_as_aws_sees_it(s3cmds, s3c):
    s3c.create_bucket(Bucket="site")
    mine = s3cmds.cairn("website", "s3://site", "--index-document", "index.html", check=False)
    theirs = s3cmds.aws("website", "s3://site", "--index-document", "index.html", check=False)
    assert mine.returncode == 254 and theirs.returncode != 0
    assert mine.stderr == theirs.stderr
    assert b"(NotImplemented) when calling the PutBucketWebsite operation" in mine.stderr
