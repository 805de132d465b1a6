"""`cairn s3 sync` and `rm`: a second sync does nothing (and neither does aws's sync after
cairn's, which checks the size and time rules and the downloaded files' mtimes), changes are
sent, --delete, --size-only, --exact-timestamps, filters; rm of one object and of a prefix."""

from __future__ import annotations

import os

from s3cmdtest import TREE, bucket_contents, lines, read_tree, s3c, s3cmds, write_tree  # noqa: F401


def test_sync_up_twice_changes_and_delete(s3cmds, s3c):
    work = s3cmds.work
    write_tree(work / "src", TREE)
    s3c.create_bucket(Bucket="bkt")
    s3c.create_bucket(Bucket="theirs")
    mine = s3cmds.cairn("sync", "src", "s3://bkt/s")
    theirs = s3cmds.aws("sync", "src", "s3://theirs/s", "--no-progress")
    assert sorted(mine.stdout.decode().replace("s3://bkt/", "s3://X/").splitlines()) == \
        sorted(theirs.stdout.decode().replace("s3://theirs/", "s3://X/").splitlines())
    assert bucket_contents(s3c, "bkt", "s/") == TREE
    # Nothing changed: neither client sends anything.
    assert s3cmds.cairn("sync", "src", "s3://bkt/s").stdout == b""
    assert s3cmds.aws("sync", "src", "s3://bkt/s", "--no-progress").stdout == b""
    # A changed size is sent; a removed file is deleted only with --delete (and not if excluded).
    (work / "src/a/one.txt").write_bytes(b"one, longer now\n")
    os.remove(work / "src/top.txt")
    os.remove(work / "src/with space.txt")
    assert lines(s3cmds.cairn("sync", "src", "s3://bkt/s")) == ["upload: src/a/one.txt to s3://bkt/s/a/one.txt"]
    p = s3cmds.cairn("sync", "src", "s3://bkt/s", "--delete", "--exclude", "with *")
    assert lines(p) == ["delete: s3://bkt/s/top.txt"]
    assert "with space.txt" in bucket_contents(s3c, "bkt", "s/")
    p = s3cmds.cairn("sync", "src", "s3://bkt/s", "--delete", "--dryrun")
    assert lines(p) == lines(s3cmds.aws("sync", "src", "s3://bkt/s", "--delete", "--dryrun"))
    assert lines(p) == ["(dryrun) delete: s3://bkt/s/with space.txt"]
    # --only-show-errors: a sync that works prints nothing.
    assert s3cmds.cairn("sync", "src", "s3://bkt/only", "--only-show-errors").stdout == b""
    assert bucket_contents(s3c, "bkt", "only/") == {k: v for k, v in TREE.items() if k not in ("top.txt", "with space.txt")} | {"a/one.txt": b"one, longer now\n"}
    s3cmds.cairn("sync", "src", "s3://bkt/s", "--delete")
    expected = {k: v for k, v in TREE.items() if k not in ("top.txt", "with space.txt")}
    expected["a/one.txt"] = b"one, longer now\n"
    assert bucket_contents(s3c, "bkt", "s/") == expected


def test_sync_down_times_size_only_exact_timestamps(s3cmds, s3c):
    work = s3cmds.work
    s3c.create_bucket(Bucket="bkt")
    for k, v in TREE.items():
        s3c.put_object(Bucket="bkt", Key="p/" + k, Body=v)
    p = s3cmds.cairn("sync", "s3://bkt/p", "down")
    assert len(lines(p)) == len(TREE) and all(line.startswith("download: s3://bkt/p/") for line in lines(p))
    assert read_tree(work / "down") == TREE
    # The files took the objects' times, so both clients see nothing to do.
    assert s3cmds.cairn("sync", "s3://bkt/p", "down").stdout == b""
    assert s3cmds.aws("sync", "s3://bkt/p", "down", "--no-progress").stdout == b""
    # A local file older than its object (same size): kept, except with --exact-timestamps.
    f = work / "down/top.txt"
    old = f.stat().st_mtime - 1000
    os.utime(f, (old, old))
    assert s3cmds.cairn("sync", "s3://bkt/p", "down").stdout == b""
    # --exact-timestamps: any difference counts. A download's mtime is whole seconds (as aws sets
    # it) and Cairn's LastModified has milliseconds, so only a file given the object's exact time
    # is left alone; aws decides the same.
    listed = s3c.list_objects_v2(Bucket="bkt", Prefix="p/a-b.json")["Contents"][0]
    exact = listed["LastModified"].timestamp()  # the listing's time, with its milliseconds
    os.utime(work / "down/a-b.json", (exact, exact))
    mine = s3cmds.cairn("sync", "s3://bkt/p", "down", "--exact-timestamps", "--dryrun")
    theirs = s3cmds.aws("sync", "s3://bkt/p", "down", "--exact-timestamps", "--dryrun")
    assert lines(mine) == lines(theirs)
    assert "(dryrun) download: s3://bkt/p/top.txt to down/top.txt" in lines(mine)
    # Every object but a-b.json differs, unless its LastModified fell on a whole second (then the
    # download's whole-second mtime is exact too).
    whole = {o["Key"] for o in s3c.list_objects_v2(Bucket="bkt", Prefix="p/")["Contents"]
             if o["LastModified"].microsecond == 0 and o["Key"] != "p/a-b.json"}
    assert len(lines(mine)) == len(TREE) - 1 - len(whole) and not any("a-b.json" in line for line in lines(mine))
    p = s3cmds.cairn("sync", "s3://bkt/p", "down", "--exact-timestamps", "--exclude", "*", "--include", "top.txt")
    assert lines(p) == ["download: s3://bkt/p/top.txt to down/top.txt"]
    # A newer local file of the same size is downloaded again, unless --size-only.
    new = f.stat().st_mtime + 1000
    os.utime(f, (new, new))
    assert s3cmds.cairn("sync", "s3://bkt/p", "down", "--size-only").stdout == b""
    assert lines(s3cmds.cairn("sync", "s3://bkt/p", "down")) == ["download: s3://bkt/p/top.txt to down/top.txt"]
    # --delete removes local files the prefix does not have.
    (work / "down/extra.txt").write_bytes(b"x")
    dry = ["sync", "s3://bkt/p", "down", "--delete", "--dryrun"]
    assert lines(s3cmds.cairn(*dry)) == lines(s3cmds.aws(*dry)) == ["(dryrun) delete: down/extra.txt"]
    assert lines(s3cmds.cairn("sync", "s3://bkt/p", "down", "--delete")) == ["delete: down/extra.txt"]
    assert not (work / "down/extra.txt").exists()


def test_sync_s3_to_s3(s3cmds, s3c):
    s3c.create_bucket(Bucket="src")
    s3c.create_bucket(Bucket="dst")
    for k, v in TREE.items():
        s3c.put_object(Bucket="src", Key=k, Body=v)
    p = s3cmds.cairn("sync", "s3://src", "s3://dst/copy", "--exclude", "big/*")
    assert len(lines(p)) == len(TREE) - 1 and all(line.startswith("copy: s3://src/") for line in lines(p))
    assert s3cmds.cairn("sync", "s3://src", "s3://dst/copy", "--exclude", "big/*").stdout == b""
    assert lines(s3cmds.cairn("sync", "s3://src", "s3://dst/copy")) == ["copy: s3://src/big/large.bin to s3://dst/copy/big/large.bin"]
    assert bucket_contents(s3c, "dst", "copy/") == TREE


def test_rm_single_recursive_and_filtered(s3cmds, s3c):
    s3c.create_bucket(Bucket="bkt")
    for k, v in TREE.items():
        s3c.put_object(Bucket="bkt", Key="r/" + k, Body=v)
    s3c.put_object(Bucket="bkt", Key="r/folder/", Body=b"")  # a folder marker is deleted too
    s3c.put_object(Bucket="bkt", Key="keep", Body=b"k")
    p = s3cmds.cairn("rm", "s3://bkt/r/top.txt")
    assert p.stdout.decode() == "delete: s3://bkt/r/top.txt\n"
    mine = s3cmds.cairn("rm", "--recursive", "s3://bkt/r", "--exclude", "*.txt", "--dryrun")
    theirs = s3cmds.aws("rm", "--recursive", "s3://bkt/r", "--exclude", "*.txt", "--dryrun")
    assert lines(mine) == lines(theirs) and "(dryrun) delete: s3://bkt/r/folder/" in lines(mine)
    p = s3cmds.cairn("rm", "--recursive", "s3://bkt/r/")
    assert len(lines(p)) == len(TREE)  # the rest of the tree plus the marker
    assert [o["Key"] for o in s3c.list_objects_v2(Bucket="bkt")["Contents"]] == ["keep"]


def test_download_skips_keys_that_leave_the_folder(s3cmds, s3c):
    """A key such as `../escape.txt` is not written outside the destination (aws's warning, exit 2)."""
    work = s3cmds.work
    s3c.create_bucket(Bucket="bkt")
    s3c.put_object(Bucket="bkt", Key="p/ok.txt", Body=b"ok")
    s3c.put_object(Bucket="bkt", Key="p/../escape.txt", Body=b"bad")
    s3c.put_object(Bucket="bkt", Key="p/a/../../up.txt", Body=b"bad")
    for cmd in (["cp", "--recursive"], ["sync"]):
        p = s3cmds.cairn(*cmd, "s3://bkt/p/", "down", check=False)
        assert p.returncode == 2
        assert sorted(p.stderr.decode().splitlines()) == [
            "warning: Skipping file ../escape.txt. File references a parent directory.",
            "warning: Skipping file a/../../up.txt. File references a parent directory."]
        assert not (work / "escape.txt").exists() and not (work / "up.txt").exists()
    assert (work / "down/ok.txt").read_bytes() == b"ok"
