"""The aws CLI (v1) against Cairn: `aws s3` high-level commands and `aws s3api`."""

import json
import os

import pytest

from cairntest import ALICE, BOB, MiB, AwsCli, md5_hex, quoted_etag


@pytest.fixture
def workdir(aws):
    return aws.workdir


def write(path, data: bytes):
    path.write_bytes(data)
    return path


def out(proc) -> str:
    return proc.stdout.decode()


def test_s3_mb_then_ls_lists_the_bucket(aws):
    proc = aws("s3", "mb", "s3://cli-bucket")
    assert "make_bucket: cli-bucket" in out(proc)
    listing = out(aws("s3", "ls"))
    assert any(line.split()[-1] == "cli-bucket" for line in listing.splitlines())


def test_s3_cp_small_file_up_and_down_round_trips(aws, workdir, s3):
    aws("s3", "mb", "s3://cli-bucket")
    data = b"small file content\n" * 10
    src = write(workdir / "small.txt", data)
    proc = aws("s3", "cp", src, "s3://cli-bucket/dir/small.txt")
    assert "upload:" in out(proc)
    assert s3.head_object(Bucket="cli-bucket", Key="dir/small.txt")["ETag"] == quoted_etag(data)

    dst = workdir / "small-down.txt"
    aws("s3", "cp", "s3://cli-bucket/dir/small.txt", dst)
    assert dst.read_bytes() == data


def test_s3_cp_5_mib_file_below_multipart_threshold_round_trips(aws, workdir):
    aws("s3", "mb", "s3://cli-bucket")
    data = os.urandom(5 * MiB)
    src = write(workdir / "five.bin", data)
    aws("s3", "cp", src, "s3://cli-bucket/five.bin")
    dst = workdir / "five-down.bin"
    aws("s3", "cp", "s3://cli-bucket/five.bin", dst)
    assert dst.read_bytes() == data
    head = aws.json("s3api", "head-object", "--bucket", "cli-bucket", "--key", "five.bin")
    assert head["ETag"] == quoted_etag(data)
    assert head["ContentLength"] == 5 * MiB


def test_s3_cp_to_and_from_stdout_and_special_key(aws, workdir):
    aws("s3", "mb", "s3://cli-bucket")
    key = "dir with space/ü+x.txt"
    aws("s3", "cp", "-", f"s3://cli-bucket/{key}", input=b"from stdin")
    proc = aws("s3", "cp", f"s3://cli-bucket/{key}", "-")
    assert proc.stdout == b"from stdin"


def test_s3_ls_lists_objects_and_prefixes(aws, workdir):
    aws("s3", "mb", "s3://cli-bucket")
    f = write(workdir / "f.txt", b"12345")
    aws("s3", "cp", f, "s3://cli-bucket/top.txt")
    aws("s3", "cp", f, "s3://cli-bucket/dir/inner.txt")

    lines = out(aws("s3", "ls", "s3://cli-bucket")).splitlines()
    assert any(line.split() == ["PRE", "dir/"] for line in lines), lines
    top = [line for line in lines if line.endswith("top.txt")]
    assert len(top) == 1 and top[0].split()[2] == "5", lines

    recursive = out(aws("s3", "ls", "--recursive", "s3://cli-bucket")).splitlines()
    assert sorted(line.split()[-1] for line in recursive) == ["dir/inner.txt", "top.txt"]

    inner = out(aws("s3", "ls", "s3://cli-bucket/dir/")).splitlines()
    assert [line.split()[-1] for line in inner] == ["inner.txt"]


def test_s3_rm_deletes_objects_and_rb_deletes_bucket(aws, workdir, s3):
    aws("s3", "mb", "s3://cli-bucket")
    f = write(workdir / "f.txt", b"x")
    for k in ["a.txt", "d/b.txt", "d/c.txt"]:
        aws("s3", "cp", f, f"s3://cli-bucket/{k}")
    proc = aws("s3", "rm", "s3://cli-bucket/a.txt")
    assert "delete: s3://cli-bucket/a.txt" in out(proc)
    assert [o["Key"] for o in s3.list_objects_v2(Bucket="cli-bucket")["Contents"]] == \
        ["d/b.txt", "d/c.txt"]
    aws("s3", "rm", "--recursive", "s3://cli-bucket/d/")
    assert s3.list_objects_v2(Bucket="cli-bucket")["KeyCount"] == 0
    aws("s3", "rb", "s3://cli-bucket")
    assert s3.list_buckets()["Buckets"] == []


def test_s3_rb_of_non_empty_bucket_fails_with_BucketNotEmpty(aws, workdir):
    aws("s3", "mb", "s3://cli-bucket")
    aws("s3", "cp", write(workdir / "f", b"x"), "s3://cli-bucket/f")
    proc = aws("s3", "rb", "s3://cli-bucket", check=False)
    assert proc.returncode != 0
    assert b"BucketNotEmpty" in proc.stderr


def test_s3_sync_uploads_a_directory_tree(aws, workdir, s3):
    aws("s3", "mb", "s3://cli-bucket")
    tree = workdir / "tree"
    (tree / "sub" / "deeper").mkdir(parents=True)
    files = {"a.txt": b"a", "sub/b.txt": b"bb", "sub/deeper/c.txt": b"ccc"}
    for rel, data in files.items():
        write(tree / rel, data)
    aws("s3", "sync", tree, "s3://cli-bucket/backup/")
    listing = s3.list_objects_v2(Bucket="cli-bucket")["Contents"]
    assert {o["Key"]: o["Size"] for o in listing} == \
        {f"backup/{k}": len(v) for k, v in files.items()}
    # a second sync has nothing to do
    assert out(aws("s3", "sync", tree, "s3://cli-bucket/backup/")).strip() == ""

    down = workdir / "restored"
    aws("s3", "sync", "s3://cli-bucket/backup/", down)
    for rel, data in files.items():
        assert (down / rel).read_bytes() == data


def test_s3api_put_get_head_object_json(aws, workdir):
    aws("s3", "mb", "s3://cli-bucket")
    data = b"s3api body"
    src = write(workdir / "body.txt", data)
    put = aws.json("s3api", "put-object", "--bucket", "cli-bucket", "--key", "api/obj.txt",
                   "--body", src, "--content-type", "text/plain",
                   "--metadata", "color=blue,size=small")
    assert put["ETag"] == quoted_etag(data)

    head = aws.json("s3api", "head-object", "--bucket", "cli-bucket", "--key", "api/obj.txt")
    assert head["ContentLength"] == len(data)
    assert head["ETag"] == quoted_etag(data)
    assert head["ContentType"] == "text/plain"
    assert head["Metadata"] == {"color": "blue", "size": "small"}

    dst = workdir / "got.txt"
    got = aws.json("s3api", "get-object", "--bucket", "cli-bucket", "--key", "api/obj.txt", dst)
    assert got["ContentLength"] == len(data)
    assert got["ETag"] == quoted_etag(data)
    assert got["Metadata"] == {"color": "blue", "size": "small"}
    assert dst.read_bytes() == data

    ranged = aws.json("s3api", "get-object", "--bucket", "cli-bucket", "--key", "api/obj.txt",
                      "--range", "bytes=0-4", workdir / "part.txt")
    assert ranged["ContentRange"] == f"bytes 0-4/{len(data)}"
    assert (workdir / "part.txt").read_bytes() == data[:5]


def test_s3api_list_objects_v2_json(aws, workdir):
    aws("s3", "mb", "s3://cli-bucket")
    src = write(workdir / "f", b"1234")
    for k in ["p/1", "p/2", "q/3", "r"]:
        aws("s3api", "put-object", "--bucket", "cli-bucket", "--key", k, "--body", src)
    listing = aws.json("s3api", "list-objects-v2", "--bucket", "cli-bucket")
    assert [o["Key"] for o in listing["Contents"]] == ["p/1", "p/2", "q/3", "r"]
    assert all(o["Size"] == 4 and o["ETag"] == quoted_etag(b"1234") for o in listing["Contents"])

    grouped = aws.json("s3api", "list-objects-v2", "--bucket", "cli-bucket",
                       "--delimiter", "/", "--prefix", "")
    assert [p["Prefix"] for p in grouped["CommonPrefixes"]] == ["p/", "q/"]
    assert [o["Key"] for o in grouped["Contents"]] == ["r"]

    # the CLI follows continuation tokens itself when --page-size is small
    paged = aws.json("s3api", "list-objects-v2", "--bucket", "cli-bucket", "--page-size", "1")
    assert [o["Key"] for o in paged["Contents"]] == ["p/1", "p/2", "q/3", "r"]


def test_s3api_delete_objects_json(aws, workdir, s3):
    aws("s3", "mb", "s3://cli-bucket")
    src = write(workdir / "f", b"x")
    for k in ["a", "b", "c"]:
        aws("s3api", "put-object", "--bucket", "cli-bucket", "--key", k, "--body", src)
    resp = aws.json("s3api", "delete-objects", "--bucket", "cli-bucket", "--delete",
                    json.dumps({"Objects": [{"Key": "a"}, {"Key": "b"}, {"Key": "zz"}],
                                "Quiet": False}))
    assert sorted(d["Key"] for d in resp["Deleted"]) == ["a", "b", "zz"]
    assert [o["Key"] for o in s3.list_objects_v2(Bucket="cli-bucket")["Contents"]] == ["c"]


def test_s3api_head_object_on_missing_key_fails_with_404(aws):
    aws("s3", "mb", "s3://cli-bucket")
    proc = aws("s3api", "head-object", "--bucket", "cli-bucket", "--key", "nope", check=False)
    assert proc.returncode != 0
    assert b"404" in proc.stderr or b"Not Found" in proc.stderr


def test_cli_with_wrong_secret_fails_with_SignatureDoesNotMatch(aws):
    proc = aws("s3", "ls", secret_key="wrong-secret", check=False)
    assert proc.returncode != 0
    assert b"SignatureDoesNotMatch" in proc.stderr


def test_cli_second_user_gets_AccessDenied(users_server, tmp_path):
    (tmp_path / "cli-users").mkdir()
    cli = AwsCli(users_server, tmp_path / "cli-users")
    cli("s3", "mb", "s3://alice-cli", user=ALICE)
    src = tmp_path / "cli-users" / "f.txt"
    src.write_bytes(b"alice's")
    cli("s3", "cp", src, "s3://alice-cli/f.txt", user=ALICE)

    assert "alice-cli" in out(cli("s3", "ls", user=ALICE))
    assert "alice-cli" not in out(cli("s3", "ls", user=BOB))
    for args in (["s3", "ls", "s3://alice-cli"],
                 ["s3", "cp", "s3://alice-cli/f.txt", "-"],
                 ["s3", "cp", str(src), "s3://alice-cli/bob.txt"],
                 ["s3api", "get-object", "--bucket", "alice-cli", "--key", "f.txt", "out"]):
        proc = cli(*args, user=BOB, check=False)
        assert proc.returncode != 0, args
        assert b"AccessDenied" in proc.stderr or b"403" in proc.stderr, (args, proc.stderr)


def test_s3api_copy_object_json(aws, workdir):
    aws("s3", "mb", "s3://cli-bucket")
    data = b"copy me"
    aws("s3api", "put-object", "--bucket", "cli-bucket", "--key", "src",
        "--body", write(workdir / "f", data))
    resp = aws.json("s3api", "copy-object", "--bucket", "cli-bucket", "--key", "dst",
                    "--copy-source", "cli-bucket/src")
    assert resp["CopyObjectResult"]["ETag"] == quoted_etag(data)
    assert md5_hex(data) in resp["CopyObjectResult"]["ETag"]
