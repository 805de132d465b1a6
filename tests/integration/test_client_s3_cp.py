"""`cairn s3 cp` and `mv`: recursive uploads, downloads and S3 -> S3 copies of a nested tree with
awkward names and a multipart file, filters in the aws CLI's order, --dryrun and --quiet; the
printed lines are compared with `aws s3 cp` run against the same server."""

from __future__ import annotations

import os

from s3cmdtest import CHUNK, TREE, bucket_contents, lines, read_tree, s3c, s3cmds, write_tree  # noqa: F401


def renamed(proc, old, new):
    return sorted(proc.stdout.decode().replace(old, new).splitlines())


def test_cp_recursive_up_down_and_s3_to_s3(s3cmds, s3c):
    work = s3cmds.work
    write_tree(work / "src", TREE)
    for b in ["mine", "theirs", "copies"]:
        s3c.create_bucket(Bucket=b)
    # Upload: the same lines as aws (bucket name aside), the same objects.
    mine = s3cmds.cairn("cp", "--recursive", "src", "s3://mine/up")
    theirs = s3cmds.aws("cp", "--recursive", "src", "s3://theirs/up", "--no-progress")
    assert renamed(mine, "s3://mine/", "s3://X/") == renamed(theirs, "s3://theirs/", "s3://X/")
    assert "upload: src/ünïcødé/ç+plus.txt to s3://mine/up/ünïcødé/ç+plus.txt" in lines(mine)
    assert bucket_contents(s3c, "mine", "up/") == TREE
    # The big file went in parts of the configured chunk size; content types guessed as aws does.
    big = s3c.head_object(Bucket="mine", Key="up/big/large.bin")
    assert big["ETag"].endswith(f'-{-(-len(TREE["big/large.bin"]) // CHUNK)}"')
    for key in ["top.txt", "a-b.json", "big/large.bin"]:
        assert s3c.head_object(Bucket="mine", Key="up/" + key)["ContentType"] == \
            s3c.head_object(Bucket="theirs", Key="up/" + key)["ContentType"]
    # Download into a folder that does not exist yet.
    mine = s3cmds.cairn("cp", "--recursive", "s3://mine/up/", "down")
    theirs = s3cmds.aws("cp", "--recursive", "s3://mine/up/", "down-aws", "--no-progress")
    assert renamed(mine, " to down/", " to D/") == renamed(theirs, " to down-aws/", " to D/")
    assert read_tree(work / "down") == TREE
    # S3 -> S3: CopyObject below the threshold, UploadPartCopy above it; nothing via the client.
    mine = s3cmds.cairn("cp", "--recursive", "s3://mine/up", "s3://copies/c", "--debug")
    theirs = s3cmds.aws("cp", "--recursive", "s3://mine/up", "s3://theirs/c", "--no-progress")
    assert renamed(mine, "s3://copies/", "s3://X/") == renamed(theirs, "s3://theirs/", "s3://X/")
    err = mine.stderr.decode()
    assert "x-amz-copy-source-range: bytes=0-262143" in err and "uploadId=" in err
    assert bucket_contents(s3c, "copies", "c/") == TREE
    assert s3c.head_object(Bucket="copies", Key="c/big/large.bin")["ContentType"] == big["ContentType"]


def test_cp_single_files_like_aws(s3cmds, s3c):
    work = s3cmds.work
    s3c.create_bucket(Bucket="bkt")
    (work / "f.txt").write_bytes(b"hello")
    (work / "dir").mkdir()
    cases = [
        ("f.txt", "s3://bkt/"),                 # key from the file name
        ("f.txt", "s3://bkt"),                  # a bucket alone, too
        ("f.txt", "s3://bkt/renamed.txt"),
        ("s3://bkt/f.txt", "dir"),              # an existing folder keeps the name
        ("s3://bkt/renamed.txt", "got.txt"),
        ("s3://bkt/f.txt", "newdir/"),          # a trailing slash makes the folder
        ("s3://bkt/f.txt", "s3://bkt/sub/"),
    ]
    for src, dst in cases:
        mine, theirs = s3cmds.cairn("cp", src, dst), s3cmds.aws("cp", src, dst, "--no-progress")
        assert mine.stdout == theirs.stdout, (src, dst, mine.stdout, theirs.stdout)
    assert (work / "dir/f.txt").read_bytes() == (work / "got.txt").read_bytes() == (work / "newdir/f.txt").read_bytes() == b"hello"
    # A missing source: aws's words and exit codes (fatal error 1; no local file 255).
    mine = s3cmds.cairn("cp", "s3://bkt/nope", "x", check=False)
    theirs = s3cmds.aws("cp", "s3://bkt/nope", "x", check=False)
    assert mine.returncode == theirs.returncode == 1 and mine.stderr == theirs.stderr
    assert mine.stderr.decode() == 'fatal error: An error occurred (404) when calling the HeadObject operation: Key "nope" does not exist\n'
    p = s3cmds.cairn("cp", "missing.txt", "s3://bkt/", check=False)
    assert p.returncode == 255 and "The user-provided path missing.txt does not exist." in p.stderr.decode()
    # A folder without --recursive fails as aws's does.
    mine, theirs = s3cmds.cairn("cp", "dir", "s3://bkt/x", check=False), s3cmds.aws("cp", "dir", "s3://bkt/x", check=False)
    assert mine.returncode == theirs.returncode == 1 and mine.stderr == theirs.stderr
    assert mine.stderr.decode().startswith("upload failed: dir/ to s3://bkt/x [Errno 21] Is a directory: ")
    # A failed upload is reported per file and the command exits 1.
    p = s3cmds.cairn("cp", "f.txt", "s3://no-such-bucket/f.txt", check=False)
    assert p.returncode == 1
    assert p.stderr.decode().startswith("upload failed: ./f.txt to s3://no-such-bucket/f.txt An error occurred (NoSuchBucket)")
    # --only-show-errors keeps the failure; --quiet drops it too (the exit code still says it).
    p = s3cmds.cairn("cp", "f.txt", "s3://no-such-bucket/f.txt", "--only-show-errors", check=False)
    assert p.returncode == 1 and p.stdout == b"" and p.stderr.decode().startswith("upload failed: ./f.txt")
    p = s3cmds.cairn("cp", "f.txt", "s3://no-such-bucket/f.txt", "--quiet", check=False)
    assert p.returncode == 1 and p.stdout == p.stderr == b""


def test_cp_filters_in_order_dryrun_quiet(s3cmds, s3c):
    work = s3cmds.work
    write_tree(work / "src", TREE)
    s3c.create_bucket(Bucket="bkt")
    filter_sets = [
        ["--exclude", "*", "--include", "*.txt"],
        ["--include", "*.txt", "--exclude", "*"],           # the order decides: nothing is left
        ["--exclude", "*", "--include", "*.txt", "--exclude", "a/*"],
        ["--exclude", "big/*", "--exclude", "ünïcødé/*"],
        ["--exclude=*.bin", "--include=a/b/*"],
    ]
    for filters in filter_sets:
        mine = s3cmds.cairn("cp", "--recursive", "src", "s3://bkt/f", "--dryrun", *filters)
        theirs = s3cmds.aws("cp", "--recursive", "src", "s3://bkt/f", "--dryrun", *filters)
        assert lines(mine) == lines(theirs), filters
        assert all(line.startswith("(dryrun) upload: ") for line in lines(mine))
    assert "Contents" not in s3c.list_objects_v2(Bucket="bkt")  # --dryrun sent nothing
    assert lines(s3cmds.cairn("cp", "--recursive", "src", "s3://bkt/f", "--dryrun", *filter_sets[1])) == []
    # Filters on an S3 source, for real, with --quiet.
    assert s3cmds.cairn("cp", "--recursive", "src", "s3://bkt/all", "--quiet").stdout == b""
    p = s3cmds.cairn("cp", "--recursive", "s3://bkt/all", "txt", "--exclude", "*", "--include", "*.txt", "--quiet")
    assert p.stdout == b"" and p.stderr == b""
    assert read_tree(work / "txt") == {k: v for k, v in TREE.items() if k.endswith(".txt")}


def test_mv_recursive_and_single(s3cmds, s3c):
    work = s3cmds.work
    write_tree(work / "src", TREE)
    s3c.create_bucket(Bucket="bkt")
    p = s3cmds.cairn("mv", "--recursive", "src", "s3://bkt/m", "--exclude", "big/*")
    assert all(line.startswith("move: src/") for line in lines(p))
    assert read_tree(work / "src") == {"big/large.bin": TREE["big/large.bin"]}
    # S3 -> S3 move of a prefix, then one object back to a file.
    s3cmds.cairn("mv", "--recursive", "s3://bkt/m/", "s3://bkt/n/")
    assert bucket_contents(s3c, "bkt", "m/") == {}
    p = s3cmds.cairn("mv", "s3://bkt/n/top.txt", "top.txt")
    assert p.stdout.decode() == "move: s3://bkt/n/top.txt to ./top.txt\n"
    assert (work / "top.txt").read_bytes() == TREE["top.txt"]
    # Moving an object onto itself is refused before anything is deleted.
    p = s3cmds.cairn("mv", "s3://bkt/n/a-b.json", "s3://bkt/n/", check=False)
    assert p.returncode == 255 and "Cannot mv a file onto itself" in p.stderr.decode()
    assert s3c.get_object(Bucket="bkt", Key="n/a-b.json")["Body"].read() == TREE["a-b.json"]


def test_object_options_as_aws_sends_them(s3cmds, s3c):
    """--content-type, --cache-control, --metadata, --sse, --expires, ...: the objects made by
    both clients have the same headers, for a single PUT, a multipart upload and copies."""
    work = s3cmds.work
    write_tree(work / "src", {"small.txt": TREE["top.txt"], "big.bin": TREE["big/large.bin"]})
    s3c.create_bucket(Bucket="bkt")
    opts = ["--cache-control", "max-age=60", "--content-disposition", "attachment", "--content-language", "fr",
            "--metadata", "color=blue,size=L", "--sse", "AES256", "--expires", "2030-01-02T03:04:05Z"]
    s3cmds.cairn("cp", "--recursive", "src", "s3://bkt/mine", *opts)
    s3cmds.aws("cp", "--recursive", "src", "s3://bkt/theirs", "--no-progress", *opts)
    fields = ["ContentType", "CacheControl", "ContentDisposition", "ContentLanguage", "Metadata", "ServerSideEncryption", "Expires"]

    def props(key):
        h = s3c.head_object(Bucket="bkt", Key=key)
        return {f: h.get(f) for f in fields}

    for name in ["small.txt", "big.bin"]:
        assert props("mine/" + name) == props("theirs/" + name)
    assert props("mine/big.bin")["Metadata"] == {"color": "blue", "size": "L"}
    assert s3c.head_object(Bucket="bkt", Key="mine/big.bin")["ETag"].endswith('-4"')
    # Copies: the source's properties are kept (a multipart copy carries them itself) unless
    # --metadata replaces them.
    s3cmds.cairn("cp", "--recursive", "s3://bkt/mine/", "s3://bkt/kept/")
    for name in ["small.txt", "big.bin"]:
        assert props("kept/" + name)["Metadata"] == {"color": "blue", "size": "L"}
        assert props("kept/" + name)["CacheControl"] == "max-age=60"
    s3cmds.cairn("cp", "--recursive", "s3://bkt/mine/", "s3://bkt/replaced/", "--metadata", "color=red")
    for name in ["small.txt", "big.bin"]:
        assert props("replaced/" + name)["Metadata"] == {"color": "red"}
    # A content type given wins over the guess; bad values are refused before any request.
    s3cmds.cairn("cp", "src/small.txt", "s3://bkt/typed", "--content-type", "application/x-mine")
    assert s3c.head_object(Bucket="bkt", Key="typed")["ContentType"] == "application/x-mine"
    assert s3cmds.cairn("cp", "src/small.txt", "s3://bkt/x", "--sse", "nope", check=False).returncode == 64
    assert s3cmds.cairn("cp", "src/small.txt", "s3://bkt/x", "--metadata", "novalue", check=False).returncode == 64


def run_on_terminal(s3cmds, *args):
    """`cairn s3 ARGS` with stdout on a pseudo-terminal; returns what the terminal received."""
    import os
    import pty
    import subprocess

    from cairntest import CAIRN_BIN
    main, sub = pty.openpty()
    proc = subprocess.Popen([CAIRN_BIN, "s3", *args, "--endpoint-url", s3cmds.server.endpoint], cwd=s3cmds.work,
                            env=s3cmds.client.env(), stdout=sub, stderr=subprocess.PIPE)
    os.close(sub)
    out = b""
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the terminal closed when the process ended
            break
        if not chunk:
            break
        out += chunk
    os.close(main)
    assert proc.wait(timeout=60) == 0, proc.stderr.read()
    return out.decode().replace("\r\n", "\n")


def test_progress_line_on_a_terminal_only(s3cmds, s3c):
    work = s3cmds.work
    write_tree(work / "src", TREE)
    s3c.create_bucket(Bucket="bkt")
    total = sum(len(v) for v in TREE.values())
    out = run_on_terminal(s3cmds, "cp", "--recursive", "src", "s3://bkt/t")
    # One line for the whole transfer, in aws's words, under the results and gone at the end.
    assert "\rCompleted " in out and "file(s) remaining" in out
    from s3cmdtest import human
    assert f"/{human(total)} (" in out
    results = [line.split("\r")[-1].strip() for line in out.split("\n") if "upload:" in line]
    assert sorted(results) == sorted(f"upload: src/{k} to s3://bkt/t/{k}" for k in TREE)
    # The progress line is wiped under the last result, which ends the output.
    assert out.endswith("\n") and out.rstrip("\n").split("\n")[-1].split("\r")[-1].startswith("upload: ")
    # Deletes count files; --no-progress draws nothing; nothing goes into a pipe.
    out = run_on_terminal(s3cmds, "rm", "--recursive", "s3://bkt/t", "--exclude", "big/*")
    assert f"\rCompleted 1 file(s) with {len(TREE) - 2} file(s) remaining" in out
    assert "\r" not in run_on_terminal(s3cmds, "cp", "--recursive", "src", "s3://bkt/u", "--no-progress")
    assert b"\r" not in s3cmds.cairn("cp", "--recursive", "src", "s3://bkt/v").stdout


def test_cp_streams_stdin_and_stdout(s3cmds, s3c):
    """`cp - s3://...` reads stdin (one PUT below the threshold, parts above it) and
    `cp s3://... -` writes the object to stdout; neither prints a result line, as aws's."""
    import subprocess

    from cairntest import CAIRN_BIN
    s3c.create_bucket(Bucket="bkt")

    def cairn(*args, data=None):
        return subprocess.run([CAIRN_BIN, "s3", *args, "--endpoint-url", s3cmds.server.endpoint], cwd=s3cmds.work,
                              env=s3cmds.client.env(), input=data, capture_output=True, timeout=60)

    small, big = b"small stream\n", os.urandom(CHUNK * 3 + 1234)
    for key, data, etag_parts in [("s", small, None), ("b", big, 4), ("e", b"", None)]:
        p = cairn("cp", "-", f"s3://bkt/{key}", data=data)
        assert p.returncode == 0 and p.stdout == b"" and p.stderr == b""
        obj = s3c.get_object(Bucket="bkt", Key=key)
        assert obj["Body"].read() == data
        assert obj["ETag"].endswith(f'-{etag_parts}"') if etag_parts else "-" not in obj["ETag"]
        p = cairn("cp", f"s3://bkt/{key}", "-")
        assert p.returncode == 0 and p.stdout == data
    # A prefix as destination names the object `-`, as aws does; --dryrun says what it would do.
    assert cairn("cp", "-", "s3://bkt/dir/", data=b"x").returncode == 0
    assert s3c.get_object(Bucket="bkt", Key="dir/-")["Body"].read() == b"x"
    assert cairn("cp", "-", "s3://bkt/k", "--dryrun", data=b"x").stdout == b"(dryrun) upload: - to s3://bkt/k\n"
    # Failures and misuse.
    p = cairn("cp", "s3://bkt/missing", "-")
    assert p.returncode == 1 and p.stderr.decode().startswith("download failed: s3://bkt/missing to - An error occurred (NoSuchKey)")
    p = cairn("cp", "--recursive", "-", "s3://bkt/x")
    assert p.returncode == 255 and "only compatible with non-recursive cp" in p.stderr.decode()


def test_symlinks_followed_or_not_as_aws(s3cmds, s3c):
    work = s3cmds.work
    write_tree(work / "src", {"real/f.txt": b"f", "g.txt": b"g"})
    (work / "outside").mkdir()
    (work / "outside/o.txt").write_bytes(b"o")
    os.symlink(work / "outside", work / "src/linkdir")
    os.symlink(work / "src/g.txt", work / "src/link.txt")
    s3c.create_bucket(Bucket="bkt")
    for flags in ([], ["--no-follow-symlinks"], ["--follow-symlinks"]):
        mine = s3cmds.cairn("cp", "--recursive", "src", "s3://bkt/l", "--dryrun", *flags)
        theirs = s3cmds.aws("cp", "--recursive", "src", "s3://bkt/l", "--dryrun", *flags)
        assert lines(mine) == lines(theirs), flags
    assert "(dryrun) upload: src/linkdir/o.txt to s3://bkt/l/linkdir/o.txt" in lines(mine)
    assert len(lines(s3cmds.cairn("cp", "--recursive", "src", "s3://bkt/l", "--dryrun", "--no-follow-symlinks"))) == 2
    # A dangling link is skipped with aws's warning, and the exit code says so (2).
    os.symlink(work / "nowhere", work / "src/dangling")
    mine = s3cmds.cairn("cp", "--recursive", "src", "s3://bkt/l", "--dryrun", check=False)
    theirs = s3cmds.aws("cp", "--recursive", "src", "s3://bkt/l", "--dryrun", check=False)
    assert mine.returncode == theirs.returncode == 2 and mine.stderr == theirs.stderr
    assert mine.stderr.decode() == f"warning: Skipping file {work}/src/dangling. File does not exist.\n"


def test_small_downloads_take_one_request(s3cmds, s3c):
    """An object the listing shows below the multipart threshold is fetched with one GET (no
    HeadObject first) and checked against its ETag; a small object made of several parts falls
    back to the ranged download, which can verify it."""
    s3c.create_bucket(Bucket="bkt")
    s3c.put_object(Bucket="bkt", Key="d/one", Body=b"1" * 5000)
    s3c.put_object(Bucket="bkt", Key="d/marker/", Body=b"")  # a folder marker is not a file to fetch
    data = os.urandom(CHUNK + 10)
    up = s3c.create_multipart_upload(Bucket="bkt", Key="d/parts")["UploadId"]
    etags = [s3c.upload_part(Bucket="bkt", Key="d/parts", UploadId=up, PartNumber=n, Body=body)["ETag"]
             for n, body in [(1, data[:CHUNK]), (2, data[CHUNK:])]]
    s3c.complete_multipart_upload(Bucket="bkt", Key="d/parts", UploadId=up, MultipartUpload={
        "Parts": [{"PartNumber": n, "ETag": e} for n, e in enumerate(etags, 1)]})
    p = s3cmds.cairn("cp", "--recursive", "s3://bkt/d", "out", "--exclude", "parts", "--debug")
    assert "> HEAD" not in p.stderr.decode() and p.stderr.decode().count("> GET") == 2  # the listing, the object
    assert (s3cmds.work / "out/one").read_bytes() == b"1" * 5000
    p = s3cmds.cairn("cp", "--recursive", "s3://bkt/d", "out", "--exclude", "one", "--debug")
    assert "> HEAD" in p.stderr.decode()
    assert (s3cmds.work / "out/parts").read_bytes() == data
    assert sorted(os.listdir(s3cmds.work / "out")) == ["one", "parts"]


def test_checksum_algorithm_like_aws(s3cmds, s3c):
    """--checksum-algorithm: the objects keep the checksum aws's uploads give them (whole-object
    values equal; a multipart CRC32 is the composite of cairn's parts), for uploads, copies and
    streams."""
    import base64
    import subprocess
    import zlib

    from cairntest import CAIRN_BIN
    work = s3cmds.work
    small, big = TREE["top.txt"], TREE["big/large.bin"]
    write_tree(work / "src", {"small.txt": small, "big.bin": big})
    s3c.create_bucket(Bucket="bkt")

    def checksum(key, alg):
        return s3c.head_object(Bucket="bkt", Key=key, ChecksumMode="ENABLED").get("Checksum" + alg)

    def composite_crc32(data):
        parts = [data[i:i + CHUNK] for i in range(0, len(data), CHUNK)]
        digest = b"".join(zlib.crc32(p).to_bytes(4, "big") for p in parts)
        return base64.b64encode(zlib.crc32(digest).to_bytes(4, "big")).decode() + f"-{len(parts)}"

    for alg in ["CRC32", "SHA256", "CRC64NVME"]:
        s3cmds.cairn("cp", "--recursive", "src", f"s3://bkt/mine-{alg}", "--checksum-algorithm", alg)
        s3cmds.aws("cp", "--recursive", "src", f"s3://bkt/theirs-{alg}", "--checksum-algorithm", alg, "--no-progress")
        assert checksum(f"mine-{alg}/small.txt", alg) == checksum(f"theirs-{alg}/small.txt", alg) is not None
    assert checksum("mine-CRC64NVME/big.bin", "CRC64NVME") == checksum("theirs-CRC64NVME/big.bin", "CRC64NVME")
    assert checksum("mine-CRC32/big.bin", "CRC32") == composite_crc32(big)
    # Copies are given the algorithm (CopyObject; UploadPartCopy's part checksums complete the upload).
    s3cmds.cairn("cp", "--recursive", "s3://bkt/mine-CRC32/", "s3://bkt/copied/", "--checksum-algorithm", "SHA256")
    assert checksum("copied/small.txt", "SHA256") == checksum("theirs-SHA256/small.txt", "SHA256")
    s3cmds.cairn("cp", "--recursive", "s3://bkt/mine-SHA256/", "s3://bkt/copied32/", "--checksum-algorithm", "CRC32")
    assert checksum("copied32/big.bin", "CRC32") == composite_crc32(big)
    # A stream from stdin, in parts.
    p = subprocess.run([CAIRN_BIN, "s3", "cp", "-", "s3://bkt/streamed", "--checksum-algorithm", "CRC32",
                        "--endpoint-url", s3cmds.server.endpoint], cwd=work, env=s3cmds.client.env(), input=big,
                       capture_output=True, timeout=60)
    assert p.returncode == 0, p.stderr
    assert checksum("streamed", "CRC32") == composite_crc32(big)
