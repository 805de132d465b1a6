#!/usr/bin/env python3
"""CompleteMultipartUpload latency for many parts, and a full ListParts walk.

Builds one upload of --parts parts of --part-kib KiB each (the server must allow small parts, e.g.
`cairn server --min-part-size 1`; moto accepts small parts only in its default config for the last
part, so pass --min-part-size to cairn and compare on equal footing), then times ListParts paged by
1,000 and CompleteMultipartUpload. Prints one JSON line.
"""
import argparse, json, time, concurrent.futures as cf
import boto3
from botocore.config import Config

ap = argparse.ArgumentParser()
ap.add_argument("--endpoint", required=True)
ap.add_argument("--parts", type=int, default=10000)
ap.add_argument("--part-kib", type=int, default=1)
ap.add_argument("--concurrency", type=int, default=8)
ap.add_argument("--access-key", default="cairnadmin")
ap.add_argument("--secret-key", default="cairnadmin-secret-key")
ap.add_argument("--label", default="")
a = ap.parse_args()

s3 = boto3.client("s3", endpoint_url=a.endpoint, region_name="us-east-1", aws_access_key_id=a.access_key,
                  aws_secret_access_key=a.secret_key,
                  config=Config(s3={"addressing_style": "path"}, max_pool_connections=a.concurrency * 2,
                                retries={"max_attempts": 3}))
bucket, key = "completebench", f"obj-{a.parts}"
try:
    s3.create_bucket(Bucket=bucket)
except s3.exceptions.ClientError:
    pass
upload = s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
body = b"p" * (a.part_kib << 10)

def put(n):
    return n, s3.upload_part(Bucket=bucket, Key=key, UploadId=upload, PartNumber=n, Body=body)["ETag"]

t0 = time.perf_counter()
with cf.ThreadPoolExecutor(a.concurrency) as pool:
    etags = dict(pool.map(put, range(1, a.parts + 1)))
t_upload = time.perf_counter() - t0

t0 = time.perf_counter()
listed, marker, pages = 0, 0, 0
while True:
    r = s3.list_parts(Bucket=bucket, Key=key, UploadId=upload, MaxParts=1000, PartNumberMarker=marker)
    listed += len(r.get("Parts", []))
    pages += 1
    if not r.get("IsTruncated"):
        break
    marker = r["NextPartNumberMarker"]
t_list = time.perf_counter() - t0

parts = [{"PartNumber": n, "ETag": etags[n]} for n in range(1, a.parts + 1)]
t0 = time.perf_counter()
s3.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload, MultipartUpload={"Parts": parts})
t_complete = time.perf_counter() - t0
s3.delete_object(Bucket=bucket, Key=key)
print(json.dumps({"label": a.label, "parts": a.parts, "upload_s": round(t_upload, 2), "upload_req_s": round(a.parts / t_upload),
                  "listparts_full_s": round(t_list, 3), "listparts_pages": pages, "listed": listed,
                  "complete_s": round(t_complete, 3)}))
