"""`cairn server` options exercised by real clients: --region, --access-key/--secret-key,
CAIRN_MASTER_KEY, and --domain with boto3's and the aws CLI's own virtual-hosted addressing."""

from __future__ import annotations

import base64
import os
import subprocess

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from cairntest import REGION, AwsCli, CairnServer, ServerStartError, User, aws_cli_command


class EnvServer(CairnServer):
    """A server whose process gets `env` on top of the usual environment."""

    def __init__(self, *args, env: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.env = dict(env or {})

    def environment(self) -> dict[str, str]:
        return {**super().environment(), **self.env}


@pytest.fixture
def servers():
    started: list[CairnServer] = []
    yield started
    for s in started:
        s.stop()


def boto(endpoint, user: User, region=REGION, addressing_style="path"):
    return boto3.client("s3", endpoint_url=endpoint, region_name=region,
                        aws_access_key_id=user.access_key, aws_secret_access_key=user.secret_key,
                        config=Config(signature_version="s3v4", s3={"addressing_style": addressing_style},
                                      retries={"total_max_attempts": 1}))


def test_region_option_with_boto3_and_the_aws_cli(tmp_path, servers):
    srv = CairnServer(tmp_path / "srv", extra_args=["--region", "eu-west-1"])
    servers.append(srv)
    srv.start()
    s3 = boto(srv.endpoint, srv.default_user, region="eu-west-1")
    s3.create_bucket(Bucket="euro", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    assert s3.get_bucket_location(Bucket="euro")["LocationConstraint"] == "eu-west-1"
    head = s3.head_bucket(Bucket="euro")
    assert head["ResponseMetadata"]["HTTPHeaders"]["x-amz-bucket-region"] == "eu-west-1"
    assert s3.list_buckets()["Buckets"][0]["BucketRegion"] == "eu-west-1"
    # A constraint naming another region: AWS's code and message.
    with pytest.raises(ClientError) as e:
        s3.create_bucket(Bucket="elsewhere", CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
    err = e.value.response
    assert err["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert err["Error"]["Code"] == "IllegalLocationConstraintException"
    assert err["Error"]["Message"] == ("The us-west-2 location constraint is incompatible for the region "
                                       "specific endpoint this request was sent to.")
    # `aws s3 mb --region` sends the constraint itself.
    (tmp_path / "cli").mkdir()
    AwsCli(srv, tmp_path / "cli")("s3", "mb", "s3://cli-euro", "--region", "eu-west-1")
    assert s3.get_bucket_location(Bucket="cli-euro")["LocationConstraint"] == "eu-west-1"


def test_access_key_flags_take_precedence_over_the_environment(tmp_path, servers):
    flags = User("AKIAFLAGSUSER0000001", "secret-given-on-the-command-line")
    srv = CairnServer(tmp_path / "srv", extra_args=["--access-key", flags.access_key,
                                                    "--secret-key", flags.secret_key])
    servers.append(srv)
    srv.start()  # CAIRN_ACCESS_KEY / CAIRN_SECRET_KEY hold the test admin's pair
    s3 = boto(srv.endpoint, flags)
    s3.create_bucket(Bucket="flagged")
    s3.put_object(Bucket="flagged", Key="k", Body=b"v")
    with pytest.raises(ClientError) as e:
        boto(srv.endpoint, srv.admin).list_buckets()
    assert e.value.response["Error"]["Code"] == "InvalidAccessKeyId"


def test_master_key_from_the_environment(tmp_path, servers):
    key = base64.b64encode(os.urandom(32)).decode()
    srv = EnvServer(tmp_path / "srv", env={"CAIRN_MASTER_KEY": key})
    servers.append(srv)
    srv.start()
    s3 = srv.client()
    s3.create_bucket(Bucket="sealed")
    s3.put_object(Bucket="sealed", Key="k", Body=b"secret bytes", ServerSideEncryption="AES256")
    assert not (srv.data_dir / "keys" / "master.key").exists()  # the environment's key, none generated
    srv.restart()
    s3 = srv.client()  # the port may have changed
    assert s3.get_object(Bucket="sealed", Key="k")["Body"].read() == b"secret bytes"
    # Another master key cannot open what the first one sealed.
    srv.stop()
    srv.env["CAIRN_MASTER_KEY"] = base64.b64encode(os.urandom(32)).decode()
    srv.start()
    with pytest.raises(ClientError) as e:
        srv.client().get_object(Bucket="sealed", Key="k")["Body"].read()
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
    # A malformed key stops the server at start, saying what is wrong.
    srv.stop()
    srv.env["CAIRN_MASTER_KEY"] = "c2hvcnQ="
    with pytest.raises(ServerStartError):
        srv.start(timeout=10)
    assert "CAIRN_MASTER_KEY must be base64 of 32 bytes" in srv.log_tail()


# A resolver hook for clients in this process and in the aws CLI's: names under .localhost are
# 127.0.0.1 (glibc here resolves only "localhost" itself), so the clients' own virtual-hosted URLs
# (http://BUCKET.localhost:PORT/KEY) reach the server with Host: BUCKET.localhost:PORT.
RESOLVER = '''
import socket
_getaddrinfo = socket.getaddrinfo
def _localhost_subdomains(host, *args, **kwargs):
    if isinstance(host, str) and host.endswith(".localhost"):
        host = "127.0.0.1"
    return _getaddrinfo(host, *args, **kwargs)
socket.getaddrinfo = _localhost_subdomains
'''


@pytest.fixture
def localhost_subdomains(tmp_path, monkeypatch):
    hook = tmp_path / "resolver"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(RESOLVER)
    import socket
    monkeypatch.setattr(socket, "getaddrinfo", socket.getaddrinfo)  # the real one, restored at teardown
    exec(RESOLVER, {})  # noqa: S102 - installs the hook for this process's clients (boto3)
    return hook


def test_virtual_hosted_addressing_with_boto3_and_the_aws_cli(tmp_path, servers, localhost_subdomains):
    srv = CairnServer(tmp_path / "srv", domain="localhost")
    servers.append(srv)
    srv.start()
    endpoint = f"http://localhost:{srv.port}"
    s3 = boto(endpoint, srv.default_user, addressing_style="virtual")
    urls: list[str] = []
    s3.meta.events.register("before-send.s3", lambda request, **_: urls.append(request.url))
    s3.create_bucket(Bucket="vhost")
    s3.put_object(Bucket="vhost", Key="dir/a.txt", Body=b"alpha")
    up = s3.create_multipart_upload(Bucket="vhost", Key="mp")["UploadId"]
    part = s3.upload_part(Bucket="vhost", Key="mp", UploadId=up, PartNumber=1, Body=b"p" * 1000)
    assert s3.list_parts(Bucket="vhost", Key="mp", UploadId=up)["Parts"][0]["Size"] == 1000
    s3.complete_multipart_upload(Bucket="vhost", Key="mp", UploadId=up,
                                 MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]})
    assert [o["Key"] for o in s3.list_objects_v2(Bucket="vhost")["Contents"]] == ["dir/a.txt", "mp"]
    assert s3.get_object(Bucket="vhost", Key="mp")["Body"].read() == b"p" * 1000
    assert urls and all(u.startswith(f"http://vhost.localhost:{srv.port}/") for u in urls), urls

    # The aws CLI with addressing_style = virtual in its config file.
    config = tmp_path / "aws-config"
    config.write_text("[default]\nregion = us-east-1\ns3 =\n    addressing_style = virtual\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ACCESS_KEY_ID=srv.default_user.access_key, AWS_SECRET_ACCESS_KEY=srv.default_user.secret_key,
               AWS_CONFIG_FILE=str(config), AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "none"),
               AWS_EC2_METADATA_DISABLED="true", AWS_MAX_ATTEMPTS="1",
               PYTHONPATH=os.pathsep.join(filter(None, [str(localhost_subdomains), env.get("PYTHONPATH")])))
    (tmp_path / "b.txt").write_bytes(b"bravo")

    def aws_cli(*args):
        return subprocess.run(aws_cli_command() + ["--endpoint-url", endpoint, "--debug", *args], env=env,
                              cwd=tmp_path, capture_output=True, timeout=120, check=True)

    p = aws_cli("s3", "cp", "b.txt", "s3://vhost/dir/b.txt")
    assert f"vhost.localhost:{srv.port}" in p.stderr.decode()
    out = aws_cli("s3", "ls", "s3://vhost/dir/").stdout.decode()
    assert "a.txt" in out and "b.txt" in out
    assert s3.get_object(Bucket="vhost", Key="dir/b.txt")["Body"].read() == b"bravo"
