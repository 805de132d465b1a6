"""Several nodes: three `cairn server` processes on one PostgreSQL database and one data folder,
driven by boto3 and the aws CLI with requests spread over the nodes. Every node sees every write;
races across nodes have one winner; a SIGKILLed node loses nothing acknowledged and another node
finishes its upload; the lifecycle sweeper runs on the background lease's holder and moves when
that node dies; `scripts/cluster` brings up PostgreSQL, three nodes and HAProxy in one command."""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from cairntest import (
    CAIRN_BIN, REPO_ROOT, AwsCli, CairnServer, InterruptedUpload, MiB, User, error_code, free_port, unique_name,
    wait_until,
)
from postgres_cluster import PostgresCluster

HEARTBEAT = 0.5  # lease: 1.5 s; a silent node is dead after 5 s
PART = 64 * 1024  # the nodes' minimum part size
ABORT_RULE = {"ID": "abort-tmp", "Filter": {"Prefix": "tmp/"}, "Status": "Enabled",
              "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1}}


class ClusterNode(CairnServer):
    """A node: its own port, log and access log; the cluster's data folder and database."""

    def __init__(self, base_dir: Path, data_dir: Path, metadata_url: str, node_id: str):
        super().__init__(base_dir, min_part_size=PART, extra_args=[
            "--metadata", metadata_url, "--node-id", node_id, "--heartbeat-seconds", str(HEARTBEAT),
            "--lifecycle-day-seconds", "1", "--lifecycle-sweep-seconds", "0.3",
            "--access-log", str(base_dir / "access.log")])
        self.data_dir = data_dir
        self.node_id = node_id
        self.metadata_url = metadata_url

    def log(self) -> str:
        """The log of the node's current (or last) run: the log file keeps every run's."""
        text = self.log_path.read_text(errors="replace")
        return text[text.rfind("\n=== start:"):]

    def operations(self, operation: str) -> int:
        """How many requests of this S3 log operation (REST.PUT.PART, ...) the node served."""
        path = self.base_dir / "access.log"
        lines = path.read_text().splitlines() if path.exists() else []
        return sum(1 for line in lines if json.loads(line).get("operation") == operation)

    def tmp_files(self) -> list[Path]:
        folder = self.data_dir / "tmp" / self.node_id
        return [p for p in folder.iterdir() if p.is_file()] if folder.exists() else []


class Cluster:
    def __init__(self, nodes: list[ClusterNode], workdir: Path):
        self.nodes, self.workdir = nodes, workdir
        self._clients: dict[tuple[str, int], object] = {}

    def client(self, node: ClusterNode):
        key = (node.node_id, node.port)
        if key not in self._clients:
            self._clients[key] = node.client()
        return self._clients[key]

    def any(self):
        """A boto3 client on a node picked at random among the running ones, per call."""
        return AnyNode(self)

    def aws(self, node: ClusterNode) -> AwsCli:
        return AwsCli(node, self.workdir)

    def blob_count(self) -> int:
        """Blob files in the shared data folder plus inline blobs in the shared database."""
        return self.nodes[0].stored_blob_count()


class AnyNode:
    def __init__(self, cluster: Cluster):
        self.cluster = cluster

    def __getattr__(self, name):
        def call(*args, **kwargs):
            node = random.choice([n for n in self.cluster.nodes if n.is_running()])
            return getattr(self.cluster.client(node), name)(*args, **kwargs)
        return call


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    postgres = PostgresCluster()
    postgres.start()
    base = tmp_path_factory.mktemp("cluster")
    url = postgres.create_database()
    nodes = [ClusterNode(base / f"n{i}", base / "data", url, f"n{i}") for i in (1, 2, 3)]
    (base / "cli").mkdir()
    try:
        for node in nodes:
            node.start()
        yield Cluster(nodes, base / "cli")
    finally:
        for node in nodes:
            node.stop()
        postgres.stop()


@pytest.fixture(autouse=True)
def _logs_on_failure(request, cluster):
    # conftest's report hook appends these servers' log tails to a failing test's report.
    request.node._cairn_servers = cluster.nodes
    for node in cluster.nodes:
        if not node.is_running():
            node.start()


def multipart_etag(bodies: list[bytes]) -> str:
    digests = b"".join(hashlib.md5(b).digest() for b in bodies)
    return f'"{hashlib.md5(digests).hexdigest()}-{len(bodies)}"'


def test_every_node_lists_every_node(cluster):
    names = [n.node_id for n in cluster.nodes]
    listed = re.compile(r"nodes: " + ", ".join(rf"{name} \(127\.0\.0\.1:\d+\)" for name in names))
    for node in cluster.nodes:
        assert wait_until(lambda: listed.search(node.log()), 5), node.log_tail(20)
        assert f"node {node.node_id} at 127.0.0.1:{node.port} joined" in node.log()


def test_multipart_parts_on_every_node_listed_completed_and_read_through_any_node(cluster):
    n1, n2, n3 = cluster.nodes
    c1, c2, c3 = (cluster.client(n) for n in cluster.nodes)
    bucket = unique_name("mp")
    cluster.any().create_bucket(Bucket=bucket)
    upload = c1.create_multipart_upload(Bucket=bucket, Key="big")["UploadId"]
    bodies = [os.urandom(PART + n) for n in range(6)] + [os.urandom(1000)]
    etags = {}
    for number, body in enumerate(bodies[:6], start=1):
        client = cluster.client(cluster.nodes[number % 3])
        etags[number] = client.upload_part(Bucket=bucket, Key="big", UploadId=upload, PartNumber=number, Body=body)["ETag"]
    # Part 7 with the aws CLI, on the second node.
    part_file = cluster.workdir / "part7"
    part_file.write_bytes(bodies[6])
    etags[7] = cluster.aws(n2).json("s3api", "upload-part", "--bucket", bucket, "--key", "big", "--upload-id", upload,
                                    "--part-number", "7", "--body", str(part_file))["ETag"]
    for client in (c1, c2, c3):
        listed = client.list_parts(Bucket=bucket, Key="big", UploadId=upload)["Parts"]
        assert [(p["PartNumber"], p["ETag"], p["Size"]) for p in listed] == \
            [(n, etags[n], len(bodies[n - 1])) for n in range(1, 8)]
        assert [u["UploadId"] for u in client.list_multipart_uploads(Bucket=bucket)["Uploads"]] == [upload]
    done = c3.complete_multipart_upload(Bucket=bucket, Key="big", UploadId=upload, MultipartUpload={
        "Parts": [{"PartNumber": n, "ETag": etags[n]} for n in range(1, 8)]})
    assert done["ETag"] == multipart_etag(bodies)
    whole = b"".join(bodies)
    for client in (c1, c2, c3):
        got = client.get_object(Bucket=bucket, Key="big")
        assert got["ETag"] == done["ETag"] and got["Body"].read() == whole
        assert client.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []
    out = cluster.workdir / "big.out"
    cluster.aws(n1)("s3api", "get-object", "--bucket", bucket, "--key", "big", str(out))
    assert out.read_bytes() == whole
    assert [o["Key"] for o in cluster.aws(n3).json("s3api", "list-objects-v2", "--bucket", bucket)["Contents"]] == ["big"]


def test_concurrent_complete_on_two_nodes_has_one_winner_and_the_same_answer_on_retry(cluster):
    c1, c2, c3 = (cluster.client(n) for n in cluster.nodes)
    bucket = unique_name("race")
    c1.create_bucket(Bucket=bucket)
    c1.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    for round_ in range(3):
        key = f"k{round_}"
        upload = c2.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
        bodies = [os.urandom(PART), os.urandom(10)]
        parts = [{"PartNumber": n, "ETag": client.upload_part(Bucket=bucket, Key=key, UploadId=upload, PartNumber=n,
                                                              Body=bodies[n - 1])["ETag"]}
                 for n, client in ((1, c1), (2, c2))]
        barrier = threading.Barrier(2)
        answers: list = [None, None]

        def complete(i, client):
            barrier.wait()
            try:
                answers[i] = client.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload,
                                                              MultipartUpload={"Parts": parts})
            except ClientError as exc:
                answers[i] = exc

        threads = [threading.Thread(target=complete, args=(i, c)) for i, c in enumerate((c1, c2))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        # Both get the one completion: the loser, queued on the upload's row lock, finds the upload
        # completed by the same request and answers what the winner answered.
        assert all(isinstance(a, dict) for a in answers), answers
        assert {(a["ETag"], a["VersionId"]) for a in answers} == {(multipart_etag(bodies), answers[0]["VersionId"])}
        versions = c3.list_object_versions(Bucket=bucket, Prefix=key)
        assert [(v["Key"], v["VersionId"]) for v in versions["Versions"]] == [(key, answers[0]["VersionId"])]
        retry = c3.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload, MultipartUpload={"Parts": parts})
        assert (retry["ETag"], retry["VersionId"]) == (answers[0]["ETag"], answers[0]["VersionId"])
        assert c3.get_object(Bucket=bucket, Key=key)["Body"].read() == b"".join(bodies)


def race(calls):
    """Runs the calls at once (a barrier); returns their results or ClientErrors, in order."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, call):
        barrier.wait()
        try:
            results[i] = call()
        except ClientError as exc:
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_overwrite_races_across_nodes_leave_one_whole_winner_and_no_orphan_blob(cluster):
    clients = [cluster.client(n) for n in cluster.nodes]
    bucket = unique_name("overwrite")
    clients[0].create_bucket(Bucket=bucket)
    clients[0].put_object(Bucket=bucket, Key="k", Body=b"first")
    before = cluster.blob_count()
    bodies = [os.urandom(PART + i) for i in range(12)]
    results = race([lambda i=i: clients[i % 3].put_object(Bucket=bucket, Key="k", Body=bodies[i]) for i in range(12)])
    assert all(isinstance(r, dict) for r in results), results
    seen = {c.get_object(Bucket=bucket, Key="k")["Body"].read() for c in clients}
    assert len(seen) == 1 and seen <= set(bodies)
    # Twelve replacements of one key: every replaced blob freed, whichever node wrote it.
    assert wait_until(lambda: cluster.blob_count() == before, 5), (cluster.blob_count(), before)

    # If-None-Match: * on a new key from every node at once: exactly one writer wins.
    results = race([lambda i=i: clients[i % 3].put_object(Bucket=bucket, Key="once", Body=bodies[i], IfNoneMatch="*")
                    for i in range(9)])
    winners = [i for i, r in enumerate(results) if isinstance(r, dict)]
    assert len(winners) == 1, results
    assert {error_code(r) for i, r in enumerate(results) if i not in winners} == {"PreconditionFailed"}
    assert clients[2].get_object(Bucket=bucket, Key="once")["Body"].read() == bodies[winners[0]]

    # Versioned: every write is a version, one of them current, on every node.
    clients[1].put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    results = race([lambda i=i: clients[i % 3].put_object(Bucket=bucket, Key="v", Body=bodies[i]) for i in range(9)])
    ids = {r["VersionId"] for r in results}
    for client in clients:
        versions = client.list_object_versions(Bucket=bucket, Prefix="v")["Versions"]
        assert {v["VersionId"] for v in versions} == ids and len(versions) == 9
        latest = [v for v in versions if v["IsLatest"]]
        assert len(latest) == 1
        got = client.get_object(Bucket=bucket, Key="v")
        assert got["VersionId"] == latest[0]["VersionId"] == versions[0]["VersionId"]


def test_a_node_killed_mid_upload_loses_nothing_acknowledged_and_another_node_finishes_the_upload(cluster):
    n1, n2, n3 = cluster.nodes
    c1, c2, c3 = (cluster.client(n) for n in cluster.nodes)
    bucket = unique_name("kill")
    c2.create_bucket(Bucket=bucket)
    acked = os.urandom(300_000)
    c2.put_object(Bucket=bucket, Key="acked", Body=acked)
    upload = c2.create_multipart_upload(Bucket=bucket, Key="mp")["UploadId"]
    bodies = [os.urandom(PART), os.urandom(PART + 1), os.urandom(77)]
    etags = {1: c2.upload_part(Bucket=bucket, Key="mp", UploadId=upload, PartNumber=1, Body=bodies[0])["ETag"]}

    # A PUT streaming into n2 when it is SIGKILLed, and one streaming into n1 that must survive
    # n2's restart (n2 cleans up only its own tmp/n2/).
    doomed = InterruptedUpload(n2, bucket, "doomed", total=64 * MiB, send_first=8 * MiB)
    survivor = InterruptedUpload(n1, bucket, "survivor", total=16 * MiB, send_first=4 * MiB)
    doomed.start()
    survivor.start()
    assert doomed.first_part_sent.wait(60) and survivor.first_part_sent.wait(60)
    assert wait_until(lambda: n2.tmp_files() and n1.tmp_files(), 15), "both bodies should be streaming into tmp/<node>/"
    n2.kill()
    doomed.release.set()
    doomed.join(30)

    # Everything n2 acknowledged is there, through the other nodes; the upload goes on without it.
    assert c1.get_object(Bucket=bucket, Key="acked")["Body"].read() == acked
    etags[2] = c3.upload_part(Bucket=bucket, Key="mp", UploadId=upload, PartNumber=2, Body=bodies[1])["ETag"]
    etags[3] = c1.upload_part(Bucket=bucket, Key="mp", UploadId=upload, PartNumber=3, Body=bodies[2])["ETag"]
    assert [p["PartNumber"] for p in c3.list_parts(Bucket=bucket, Key="mp", UploadId=upload)["Parts"]] == [1, 2, 3]
    c1.complete_multipart_upload(Bucket=bucket, Key="mp", UploadId=upload, MultipartUpload={
        "Parts": [{"PartNumber": n, "ETag": etags[n]} for n in (1, 2, 3)]})
    assert c3.get_object(Bucket=bucket, Key="mp")["Body"].read() == b"".join(bodies)
    with pytest.raises(ClientError) as e:
        c3.head_object(Bucket=bucket, Key="doomed")
    assert e.value.response["Error"]["Code"] == "404"

    leftovers = n2.tmp_files()
    assert leftovers, "the killed PUT should have left its temporary file"
    n2.start()
    assert not any(p.exists() for p in leftovers), "n2's restart removes its own temporary files"
    assert n1.tmp_files(), "n1's upload in progress is not n2's to clean"
    survivor.release.set()
    survivor.join(60)
    assert survivor.status == 200, survivor.error
    assert c2.head_object(Bucket=bucket, Key="survivor")["ContentLength"] == 16 * MiB
    assert cluster.client(n2).get_object(Bucket=bucket, Key="mp")["Body"].read() == b"".join(bodies)


def lease_holders(node: ClusterNode, since: int = 0) -> list[str]:
    return re.findall(r"node (\S+) holds the background lease", node.log()[since:])


def test_the_lifecycle_sweeper_runs_on_the_lease_holder_and_moves_when_the_holder_is_killed(cluster):
    s3 = cluster.any()
    bucket = unique_name("lease")
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [ABORT_RULE]})
    marks = {n.node_id: len(n.log()) for n in cluster.nodes}

    def aborted_by(upload):
        def gone():
            try:
                s3.list_parts(Bucket=bucket, Key="tmp/x", UploadId=upload)
                return False
            except ClientError as exc:
                return error_code(exc) == "NoSuchUpload"
        assert wait_until(gone, 10, interval=0.2), "the expired upload was not aborted"
        sweepers = [n for n in cluster.nodes if "lifecycle: aborted" in n.log()[marks[n.node_id]:]]
        return sweepers

    first = s3.create_multipart_upload(Bucket=bucket, Key="tmp/x")["UploadId"]
    sweepers = aborted_by(first)
    # Only a node that held the lease swept (normally exactly one).
    assert sweepers and all(lease_holders(n) for n in sweepers), [n.node_id for n in sweepers]
    holder = sweepers[0]
    holder.kill()
    marks = {n.node_id: len(n.log()) for n in cluster.nodes}
    others = [n for n in cluster.nodes if n is not holder]
    # The lease runs out 1.5 s after the holder's last renewal; another node takes it.
    assert wait_until(lambda: any(lease_holders(n, marks[n.node_id]) for n in others), 10), \
        [n.log_tail(10) for n in others]
    second = s3.create_multipart_upload(Bucket=bucket, Key="tmp/x")["UploadId"]
    sweepers = aborted_by(second)
    assert sweepers and holder not in sweepers
    assert all(lease_holders(n, marks[n.node_id]) for n in sweepers)


def test_a_node_stopped_gracefully_leaves_the_node_list_and_hands_its_lease_over_at_once(cluster):
    def last_lease_line(node):
        lines = re.findall(r"node \S+ (holds|no longer holds) the background lease", node.log())
        return lines[-1] if lines else None

    assert wait_until(lambda: any(last_lease_line(n) == "holds" for n in cluster.nodes), 5)
    holder = next(n for n in cluster.nodes if last_lease_line(n) == "holds")
    others = [n for n in cluster.nodes if n is not holder]
    marks = {n.node_id: len(n.log()) for n in others}
    holder.stop()
    assert f"node {holder.node_id} left" in holder.log()
    # Released, not expired: the next heartbeat of another node (0.5 s) takes it.
    assert wait_until(lambda: any(lease_holders(n, marks[n.node_id]) for n in others), 2), \
        [n.log_tail(5) for n in others]
    listed_without = re.compile(r"nodes: " + ", ".join(rf"{n.node_id} \(127\.0\.0\.1:\d+\)" for n in others) + "\n")
    assert all(wait_until(lambda: listed_without.search(n.log()[marks[n.node_id]:]), 3) for n in others)


class Balancer:
    """HAProxy's endpoint, as the aws CLI helpers take a server."""

    def __init__(self, port: int, user: User):
        self.endpoint, self.default_user = f"http://127.0.0.1:{port}", user

    def log_tail(self, lines: int = 30) -> str:
        return "(see the nodes' logs in the cluster folder)"


def test_scripts_cluster_starts_postgres_three_nodes_and_haproxy_and_stops_them(tmp_path):
    # Not under tmp_path (mode 0700): as root, PostgreSQL runs as nobody and must reach its folder.
    folder = Path(tempfile.mkdtemp(prefix="cairn-cluster-", dir="/tmp"))
    folder.chmod(0o755)
    port = free_port()
    env = dict(os.environ, CAIRN_BIN=CAIRN_BIN, CAIRN_ACCESS_KEY="clusterkey", CAIRN_SECRET_KEY="cluster-secret")
    script = str(REPO_ROOT / "scripts" / "cluster")
    out = subprocess.run([script, "start", "--dir", str(folder), "--port", str(port)], env=env, capture_output=True,
                         text=True, timeout=120)
    try:
        assert out.returncode == 0, out.stderr
        assert f"endpoint http://127.0.0.1:{port}" in out.stdout
        state = json.loads((folder / "state.json").read_text())
        assert [n["node"] for n in state["nodes"]] == ["node1", "node2", "node3"]
        # The aws CLI through HAProxy: a multipart `s3 cp` whose parts land on every node.
        work = tmp_path / "cli"
        work.mkdir()
        (work / "aws-config").write_text("[default]\nregion = us-east-1\ns3 =\n    addressing_style = path\n"
                                         "    multipart_threshold = 5MB\n    multipart_chunksize = 5MB\n")
        user = User("clusterkey", "cluster-secret")
        aws = AwsCli(Balancer(port, user), work)
        body = os.urandom(16 * MiB)
        (work / "in").write_bytes(body)
        aws("s3", "mb", "s3://through-haproxy", user=user)
        aws("s3", "cp", str(work / "in"), "s3://through-haproxy/file", user=user)
        aws("s3", "cp", "s3://through-haproxy/file", str(work / "out"), user=user)
        assert (work / "out").read_bytes() == body
        parts = [sum(1 for line in Path(n["access_log"]).read_text().splitlines()
                     if json.loads(line).get("operation") == "REST.PUT.PART") for n in state["nodes"]]
        assert sum(parts) == 4 and all(p >= 1 for p in parts), parts
    finally:
        stopped = subprocess.run([script, "stop", "--dir", str(folder)], capture_output=True, text=True, timeout=60)
    assert stopped.returncode == 0, stopped.stderr
    shutil.rmtree(folder, ignore_errors=True)
    for pid in [n["pid"] for n in state["nodes"]] + [state["haproxy_pid"]]:
        assert wait_until(lambda: not Path(f"/proc/{pid}").exists() or
                          Path(f"/proc/{pid}/stat").read_text().split(") ")[1].startswith("Z"), 10)
