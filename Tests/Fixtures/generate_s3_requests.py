#!/usr/bin/env python3
"""Writes s3_requests.json: what botocore itself sends (method, host, signing service, path, query,
headers, body) for a table of S3 calls, captured just before sending. The Swift test S3APIAllOperationsTests builds
the same calls with ModelCodec and compares. Regenerate with
    python3 Tests/Fixtures/generate_s3_requests.py > Tests/Fixtures/s3_requests.json
"""
import base64
import json
import sys
from urllib.parse import parse_qsl, unquote, urlsplit

import botocore
import botocore.session
from botocore.config import Config

GRANT = {"Grantee": {"Type": "CanonicalUser", "ID": "abc", "DisplayName": "me"}, "Permission": "READ"}
CASES = [
    ("PutBucketTagging", {"Bucket": "b", "Tagging": {"TagSet": [{"Key": "k&<>\"'", "Value": ""}, {"Value": "v2", "Key": "k2"}]}}),
    ("PutObjectTagging", {"Bucket": "b", "Key": "dir/ob j", "VersionId": "v1", "Tagging": {"TagSet": [{"Key": "a", "Value": "1"}]}}),
    ("PutBucketVersioning", {"Bucket": "b", "VersioningConfiguration": {"Status": "Enabled", "MFADelete": "Disabled"}}),
    ("PutBucketCors", {"Bucket": "b", "CORSConfiguration": {"CORSRules": [
        {"AllowedMethods": ["GET", "PUT"], "AllowedOrigins": ["*"], "MaxAgeSeconds": 300, "ExposeHeaders": []}]}}),
    ("PutBucketPolicy", {"Bucket": "b", "Policy": "{\"Version\": \"2012-10-17\", \"Statement\": []}"}),
    ("DeleteObjects", {"Bucket": "b", "Delete": {"Objects": [{"Key": "a\nb\r"}, {"Key": "c", "VersionId": "v"}], "Quiet": True}}),
    ("PutBucketLifecycleConfiguration", {"Bucket": "b", "LifecycleConfiguration": {"Rules": [
        {"ID": "r1", "Filter": {"Prefix": ""}, "Status": "Enabled", "Expiration": {"Date": "2030-01-01"},
         "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7}}]}}),
    ("PutBucketAcl", {"Bucket": "b", "AccessControlPolicy": {"Grants": [GRANT], "Owner": {"ID": "abc"}}}),
    ("PutObjectRetention", {"Bucket": "b", "Key": "k", "Retention": {"Mode": "GOVERNANCE", "RetainUntilDate": "2030-01-02T03:04:05.5Z"},
                            "BypassGovernanceRetention": True}),
    ("PutBucketNotificationConfiguration", {"Bucket": "b", "NotificationConfiguration": {"QueueConfigurations": [
        {"QueueArn": "arn:q", "Events": ["s3:ObjectCreated:*"],
         "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "p/"}]}}}]}}),
    ("SelectObjectContent", {"Bucket": "b", "Key": "k", "Expression": "select * from s3object", "ExpressionType": "SQL",
                             "InputSerialization": {"CSV": {}}, "OutputSerialization": {"JSON": {}}}),
    ("CreateBucket", {"Bucket": "b", "CreateBucketConfiguration": {"LocationConstraint": "eu-west-1"}, "ObjectLockEnabledForBucket": False}),
    ("GetObjectAttributes", {"Bucket": "b", "Key": "k", "ObjectAttributes": ["ETag", "ObjectParts"], "MaxParts": 2}),
    ("HeadObject", {"Bucket": "b", "Key": "k", "IfModifiedSince": "2020-05-06T07:08:09Z", "PartNumber": 1}),
    ("ListObjectVersions", {"Bucket": "b", "Prefix": "p", "EncodingType": "url", "MaxKeys": 5}),
    ("PutBucketOwnershipControls", {"Bucket": "b", "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}}),
    ("PutObjectLegalHold", {"Bucket": "b", "Key": "k", "LegalHold": {"Status": "ON"}, "ChecksumAlgorithm": "SHA256"}),
    ("RestoreObject", {"Bucket": "b", "Key": "k", "RestoreRequest": {"Days": 2, "GlacierJobParameters": {"Tier": "Bulk"}}}),
    ("PutBucketRequestPayment", {"Bucket": "b", "RequestPaymentConfiguration": {"Payer": "Requester"}}),
    ("GetBucketLocation", {"Bucket": "b"}),
    ("ListBuckets", {"MaxBuckets": 3}),
    ("WriteGetObjectResponse", {"RequestRoute": "route-1", "RequestToken": "t", "StatusCode": 200,
                                "Metadata": {"a": "b"}, "LastModified": "2021-01-02T03:04:05Z"}),
]
DROP = {"host", "x-amz-date", "authorization", "user-agent", "x-amz-content-sha256", "content-length", "expect",
        "amz-sdk-invocation-id", "amz-sdk-request", "x-amz-user-agent"}


class Captured(Exception):
    pass


def main():
    session = botocore.session.get_session()
    client = session.create_client("s3", endpoint_url="http://127.0.0.1:9", region_name="us-east-1",
                                   aws_access_key_id="a", aws_secret_access_key="b",
                                   config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}))
    out = []
    for name, params in CASES:
        seen = {}

        def capture(request, **kwargs):
            seen["r"] = request
            raise Captured()

        client.meta.events.register("before-send.s3", capture)
        try:
            getattr(client, botocore.xform_name(name))(**params)
        except Captured:
            pass
        finally:
            client.meta.events.unregister("before-send.s3", capture)
        r = seen["r"]
        url = urlsplit(r.url)
        body = r.body if isinstance(r.body, bytes) else (r.body or b"")
        scope = r.headers["Authorization"].decode().split("Credential=")[1].split(",")[0].split("/")
        out.append({"operation": name, "params": params, "method": r.method, "host": url.netloc, "service": scope[3],
                    "path": unquote(url.path),
                    "query": sorted(parse_qsl(url.query, keep_blank_values=True)),
                    "headers": sorted([k.lower(), v if isinstance(v, str) else v.decode()]
                                      for k, v in r.headers.items() if k.lower() not in DROP),
                    "body": base64.b64encode(body).decode()})
    json.dump({"botocore": botocore.__version__, "requests": out}, sys.stdout, indent=1)
    sys.stdout.write("\n")


main()
