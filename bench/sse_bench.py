#!/usr/bin/env python3
"""PUT and GET throughput of one object, plain vs SSE-S3 vs SSE-KMS vs SSE-C, against one server.

Uses boto3 multipart (8 MiB parts, 4 threads) for the PUT and a streamed GET read in 1 MiB
chunks; prints MB/s per mode as JSON lines. SSE-C needs HTTPS (pass --verify CERT) or a server
started with --sse-c-insecure-http.
"""
import argparse, json, os, time
import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config

ap = argparse.ArgumentParser()
ap.add_argument("--endpoint", required=True)
ap.add_argument("--size-mib", type=int, default=512)
ap.add_argument("--verify", default=None)
ap.add_argument("--kms-key", default=None)
ap.add_argument("--access-key", default="cairnadmin")
ap.add_argument("--secret-key", default="cairnadmin-secret-key")
a = ap.parse_args()
s3 = boto3.client("s3", endpoint_url=a.endpoint, region_name="us-east-1", verify=a.verify,
                  aws_access_key_id=a.access_key, aws_secret_access_key=a.secret_key,
                  config=Config(s3={"addressing_style": "path"}, max_pool_connections=16))
bucket = "ssebench"
try:
    s3.create_bucket(Bucket=bucket)
except s3.exceptions.ClientError:
    pass
path = "/tmp/ssebench.bin"
if not os.path.exists(path) or os.path.getsize(path) != a.size_mib << 20:
    with open(path, "wb") as f:
        for _ in range(a.size_mib):
            f.write(os.urandom(1 << 20))
cfg = TransferConfig(multipart_chunksize=8 << 20, max_concurrency=4)
key = os.urandom(32)
modes = {"plain": {}, "SSE-S3": {"ServerSideEncryption": "AES256"},
         "SSE-C": {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": key}}
if a.kms_key:
    modes["SSE-KMS"] = {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": a.kms_key}
read_args = {"SSE-C": {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": key}}
size = a.size_mib << 20
for mode, extra in modes.items():
    t0 = time.perf_counter()
    s3.upload_file(path, bucket, mode, ExtraArgs=extra, Config=cfg)
    put = time.perf_counter() - t0
    t0 = time.perf_counter()
    body = s3.get_object(Bucket=bucket, Key=mode, **read_args.get(mode, {}))["Body"]
    n = 0
    for chunk in iter(lambda: body.read(1 << 20), b""):
        n += len(chunk)
    get = time.perf_counter() - t0
    assert n == size
    s3.delete_object(Bucket=bucket, Key=mode)
    print(json.dumps({"mode": mode, "size_mib": a.size_mib, "put_MBps": round(size / put / 1e6, 1), "get_MBps": round(size / get / 1e6, 1)}))
