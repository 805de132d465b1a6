"""Object and bucket tags as boto3 and the aws CLI use them: Put/Get/DeleteObjectTagging (of the
current version or a named one), `x-amz-tagging` on PutObject, CreateMultipartUpload and CopyObject
(with the tagging directive), `x-amz-tagging-count` on GET/HEAD, S3's limits with AWS's errors, and
Put/Get/DeleteBucketTagging."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from botocore.exceptions import ClientError

from cairntest import error_code, headers_of, http_status, key_path, parse_error


def tags(s3, bucket, key, **kw):
    return [(t["Key"], t["Value"]) for t in s3.get_object_tagging(Bucket=bucket, Key=key, **kw)["TagSet"]]


def tag_set(pairs):
    return {"TagSet": [{"Key": k, "Value": v} for k, v in pairs]}


def fails(call, code, status=400, message=None):
    with pytest.raises(ClientError) as e:
        call()
    assert (error_code(e.value), http_status(e.value)) == (code, status), e.value.response
    if message is not None:
        assert e.value.response["Error"]["Message"] == message
    return e.value


def test_object_tagging_put_get_delete_and_tag_count(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"data")
    assert tags(s3, bucket, "k") == []
    assert "TagCount" not in s3.head_object(Bucket=bucket, Key="k")
    r = s3.put_object_tagging(Bucket=bucket, Key="k", Tagging=tag_set([("team", " storage "), ("empty", ""), ("é 東", "a+b=c/d")]))
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 200 and "VersionId" not in r
    got = s3.get_object_tagging(Bucket=bucket, Key="k")
    assert "VersionId" not in got
    assert [(t["Key"], t["Value"]) for t in got["TagSet"]] == [("team", " storage "), ("empty", ""), ("é 東", "a+b=c/d")]
    assert s3.head_object(Bucket=bucket, Key="k")["TagCount"] == 3
    assert s3.get_object(Bucket=bucket, Key="k")["TagCount"] == 3
    # A new set replaces the old one whole; an empty one removes it.
    s3.put_object_tagging(Bucket=bucket, Key="k", Tagging=tag_set([("only", "1")]))
    assert tags(s3, bucket, "k") == [("only", "1")]
    s3.put_object_tagging(Bucket=bucket, Key="k", Tagging={"TagSet": []})
    assert tags(s3, bucket, "k") == []
    s3.put_object_tagging(Bucket=bucket, Key="k", Tagging=tag_set([("only", "1")]))
    r = s3.delete_object_tagging(Bucket=bucket, Key="k")
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert tags(s3, bucket, "k") == []
    assert "TagCount" not in s3.get_object(Bucket=bucket, Key="k")
    # Tags belong to the object written: an overwrite without x-amz-tagging has none.
    s3.put_object_tagging(Bucket=bucket, Key="k", Tagging=tag_set([("a", "1")]))
    s3.put_object(Bucket=bucket, Key="k", Body=b"new")
    assert tags(s3, bucket, "k") == []
    for call in (lambda: s3.get_object_tagging(Bucket=bucket, Key="missing"),
                 lambda: s3.put_object_tagging(Bucket=bucket, Key="missing", Tagging=tag_set([("a", "1")])),
                 lambda: s3.delete_object_tagging(Bucket=bucket, Key="missing")):
        fails(call, "NoSuchKey", 404)


def test_x_amz_tagging_on_put_object_and_on_a_multipart_upload(s3, bucket):
    s3.put_object(Bucket=bucket, Key="p", Body=b"x", Tagging="b=2&a=x+y%2Bz&bare")
    assert tags(s3, bucket, "p") == [("b", "2"), ("a", "x y+z"), ("bare", "")]
    s3.put_object(Bucket=bucket, Key="q", Body=b"x", Tagging=urlencode({"project": "blue sky", "é": "ü/@"}))
    assert tags(s3, bucket, "q") == [("project", "blue sky"), ("é", "ü/@")]
    # The completed object carries the upload's tags; Complete still copies no byte.
    up = s3.create_multipart_upload(Bucket=bucket, Key="mp", Tagging="mp=yes&n=2")["UploadId"]
    parts = [s3.upload_part(Bucket=bucket, Key="mp", UploadId=up, PartNumber=n, Body=bytes([n]) * (5 * 1024 * 1024 if n == 1 else 10))["ETag"]
             for n in (1, 2)]
    s3.complete_multipart_upload(Bucket=bucket, Key="mp", UploadId=up,
                                 MultipartUpload={"Parts": [{"PartNumber": n, "ETag": e} for n, e in zip((1, 2), parts)]})
    assert tags(s3, bucket, "mp") == [("mp", "yes"), ("n", "2")]
    assert s3.head_object(Bucket=bucket, Key="mp")["TagCount"] == 2
    assert s3.head_object(Bucket=bucket, Key="mp", PartNumber=2)["TagCount"] == 2
    s3.put_object_tagging(Bucket=bucket, Key="mp", Tagging=tag_set([("retagged", "1")]))
    assert tags(s3, bucket, "mp") == [("retagged", "1")]
    assert s3.get_object(Bucket=bucket, Key="mp", Range="bytes=0-1")["Body"].read() == b"\x01\x01"
    s3.delete_object_tagging(Bucket=bucket, Key="mp")
    assert "TagCount" not in s3.head_object(Bucket=bucket, Key="mp")
    # An upload created without tags makes an untagged object.
    up = s3.create_multipart_upload(Bucket=bucket, Key="plain")["UploadId"]
    e = s3.upload_part(Bucket=bucket, Key="plain", UploadId=up, PartNumber=1, Body=b"z")["ETag"]
    s3.complete_multipart_upload(Bucket=bucket, Key="plain", UploadId=up, MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": e}]})
    assert tags(s3, bucket, "plain") == []


def test_copy_object_tagging_directive(s3, bucket):
    s3.put_object(Bucket=bucket, Key="src", Body=b"x", Tagging="a=1&b=2")
    src = {"Bucket": bucket, "Key": "src"}
    s3.copy_object(Bucket=bucket, Key="default", CopySource=src)
    assert tags(s3, bucket, "default") == [("a", "1"), ("b", "2")]
    # COPY ignores the request's x-amz-tagging.
    s3.copy_object(Bucket=bucket, Key="copy", CopySource=src, TaggingDirective="COPY", Tagging="c=3")
    assert tags(s3, bucket, "copy") == [("a", "1"), ("b", "2")]
    s3.copy_object(Bucket=bucket, Key="replace", CopySource=src, TaggingDirective="REPLACE", Tagging="c=3")
    assert tags(s3, bucket, "replace") == [("c", "3")]
    s3.copy_object(Bucket=bucket, Key="cleared", CopySource=src, TaggingDirective="REPLACE")
    assert tags(s3, bucket, "cleared") == []
    fails(lambda: s3.copy_object(Bucket=bucket, Key="bad", CopySource=src, TaggingDirective="MERGE"), "InvalidArgument")
    fails(lambda: s3.copy_object(Bucket=bucket, Key="bad", CopySource=src, TaggingDirective="REPLACE", Tagging="aws:x=1"), "InvalidTag")
    fails(lambda: s3.head_object(Bucket=bucket, Key="bad"), "404", 404)


def test_tags_of_a_versioned_objects_older_version(s3, bucket):
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    v1 = s3.put_object(Bucket=bucket, Key="k", Body=b"one", Tagging="v=1")["VersionId"]
    v2 = s3.put_object(Bucket=bucket, Key="k", Body=b"two", Tagging="v=2")["VersionId"]
    got = s3.get_object_tagging(Bucket=bucket, Key="k")
    assert got["VersionId"] == v2 and got["TagSet"] == [{"Key": "v", "Value": "2"}]
    got = s3.get_object_tagging(Bucket=bucket, Key="k", VersionId=v1)
    assert got["VersionId"] == v1 and got["TagSet"] == [{"Key": "v", "Value": "1"}]
    assert s3.put_object_tagging(Bucket=bucket, Key="k", VersionId=v1, Tagging=tag_set([("old", "yes")]))["VersionId"] == v1
    assert tags(s3, bucket, "k", VersionId=v1) == [("old", "yes")]
    assert tags(s3, bucket, "k") == [("v", "2")]
    assert s3.head_object(Bucket=bucket, Key="k", VersionId=v1)["TagCount"] == 1
    assert s3.get_object(Bucket=bucket, Key="k", VersionId=v1)["Body"].read() == b"one"
    # Tagging makes no version.
    listed = s3.list_object_versions(Bucket=bucket)["Versions"]
    assert [(v["VersionId"], v["IsLatest"]) for v in listed] == [(v2, True), (v1, False)]
    assert s3.delete_object_tagging(Bucket=bucket, Key="k", VersionId=v1)["VersionId"] == v1
    assert tags(s3, bucket, "k", VersionId=v1) == []
    assert tags(s3, bucket, "k") == [("v", "2")]
    fails(lambda: s3.get_object_tagging(Bucket=bucket, Key="k", VersionId="0" * 32), "NoSuchVersion", 404)
    # Behind a delete marker: the key is NoSuchKey, the marker itself MethodNotAllowed; the
    # versions below keep their tags.
    marker = s3.delete_object(Bucket=bucket, Key="k")["VersionId"]
    fails(lambda: s3.get_object_tagging(Bucket=bucket, Key="k"), "NoSuchKey", 404)
    fails(lambda: s3.put_object_tagging(Bucket=bucket, Key="k", Tagging=tag_set([("a", "1")])), "NoSuchKey", 404)
    e = fails(lambda: s3.put_object_tagging(Bucket=bucket, Key="k", VersionId=marker, Tagging=tag_set([("a", "1")])),
              "MethodNotAllowed", 405)
    assert headers_of(e)["x-amz-delete-marker"] == "true"
    fails(lambda: s3.delete_object_tagging(Bucket=bucket, Key="k", VersionId=marker), "MethodNotAllowed", 405)
    assert tags(s3, bucket, "k", VersionId=v2) == [("v", "2")]


def test_invalid_tags_are_refused_with_awss_errors(server, s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", Tagging="keep=1")

    def put(pairs):
        return lambda: s3.put_object_tagging(Bucket=bucket, Key="k", Tagging=tag_set(pairs))

    s3.put_object_tagging(Bucket=bucket, Key="k", Tagging=tag_set([(f"{i:03d}" + "k" * 125, "v" * 256) for i in range(10)]))
    assert len(tags(s3, bucket, "k")) == 10
    s3.put_object_tagging(Bucket=bucket, Key="k", Tagging=tag_set([("keep", "1")]))
    fails(put([(f"k{i}", "v") for i in range(11)]), "BadRequest", 400, "Object tags cannot be greater than 10")
    fails(put([("k" * 129, "v")]), "InvalidTag", 400, "The TagKey you have provided is invalid")
    fails(put([("k", "v" * 257)]), "InvalidTag", 400, "The TagValue you have provided is invalid")
    fails(put([("a,b", "v")]), "InvalidTag", 400, "The TagKey you have provided is invalid")
    fails(put([("k", "v*")]), "InvalidTag", 400, "The TagValue you have provided is invalid")
    fails(put([("k", "1"), ("k", "2")]), "InvalidTag", 400, "Cannot provide multiple Tags with the same key")
    fails(put([("aws:created", "1")]), "InvalidTag", 400, "Your TagKey cannot be prefixed with aws:")
    # An empty key (botocore refuses to send one): sent by hand.
    body = b"<Tagging><TagSet><Tag><Key></Key><Value>v</Value></Tag></TagSet></Tagging>"
    import base64
    import hashlib
    r = server.signed_request("PUT", key_path(bucket, "k"), query="tagging", body=body,
                              headers={"Content-MD5": base64.b64encode(hashlib.md5(body).digest()).decode()})
    assert r.status_code == 400 and parse_error(r.content)["Code"] == "InvalidTag"
    r = server.signed_request("PUT", key_path(bucket, "k"), query="tagging", body=b"<Tagging><TagSet><Tag><Key>k</Key></Tag></TagSet></Tagging>")
    assert r.status_code == 400 and parse_error(r.content)["Code"] == "MalformedXML"
    # A refused set leaves the tags as they were.
    assert tags(s3, bucket, "k") == [("keep", "1")]
    # The header form: the same limits; a name twice or a pair with two '=' is InvalidArgument.
    fails(lambda: s3.put_object(Bucket=bucket, Key="h", Body=b"x", Tagging="&".join(f"k{i}=v" for i in range(11))),
          "BadRequest", 400, "Object tags cannot be greater than 10")
    fails(lambda: s3.put_object(Bucket=bucket, Key="h", Body=b"x", Tagging="k=" + "v" * 257), "InvalidTag")
    fails(lambda: s3.put_object(Bucket=bucket, Key="h", Body=b"x", Tagging="a=1&a=2"), "InvalidArgument")
    fails(lambda: s3.put_object(Bucket=bucket, Key="h", Body=b"x", Tagging="TagSet=[{Key=a,Value=b}]"), "InvalidArgument")
    fails(lambda: s3.create_multipart_upload(Bucket=bucket, Key="h", Tagging="aws:k=1"), "InvalidTag")
    fails(lambda: s3.head_object(Bucket=bucket, Key="h"), "404", 404)
    assert "Uploads" not in s3.list_multipart_uploads(Bucket=bucket)


def test_bucket_tagging(s3, bucket):
    fails(lambda: s3.get_bucket_tagging(Bucket=bucket), "NoSuchTagSet", 404)
    fifty = [(f"key{i}", f"value {i}") for i in range(50)]
    s3.put_bucket_tagging(Bucket=bucket, Tagging=tag_set(fifty))
    assert [(t["Key"], t["Value"]) for t in s3.get_bucket_tagging(Bucket=bucket)["TagSet"]] == fifty
    s3.put_bucket_tagging(Bucket=bucket, Tagging=tag_set([("team", "storage"), ("env", "")]))
    assert s3.get_bucket_tagging(Bucket=bucket)["TagSet"] == [{"Key": "team", "Value": "storage"}, {"Key": "env", "Value": ""}]
    fails(lambda: s3.put_bucket_tagging(Bucket=bucket, Tagging=tag_set(fifty + [("one", "more")])), "InvalidTag")
    fails(lambda: s3.put_bucket_tagging(Bucket=bucket, Tagging=tag_set([("k", "1"), ("k", "2")])), "InvalidTag", 400,
          "Cannot provide multiple Tags with the same key")
    fails(lambda: s3.put_bucket_tagging(Bucket=bucket, Tagging=tag_set([("k" * 129, "1")])), "InvalidTag")
    assert len(s3.get_bucket_tagging(Bucket=bucket)["TagSet"]) == 2
    assert s3.delete_bucket_tagging(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"] == 204
    fails(lambda: s3.get_bucket_tagging(Bucket=bucket), "NoSuchTagSet", 404)
    # Bucket tags are not object tags.
    s3.put_object(Bucket=bucket, Key="o", Body=b"x")
    s3.put_bucket_tagging(Bucket=bucket, Tagging=tag_set([("b", "1")]))
    assert tags(s3, bucket, "o") == []
    fails(lambda: s3.get_bucket_tagging(Bucket="no-such-bucket-tags"), "NoSuchBucket", 404)


def test_aws_cli_get_object_tagging(s3, bucket, aws):
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    v1 = s3.put_object(Bucket=bucket, Key="dir/k", Body=b"x", Tagging="team=storage&env=prod")["VersionId"]
    s3.put_object(Bucket=bucket, Key="dir/k", Body=b"y")
    out = aws.json("s3api", "get-object-tagging", "--bucket", bucket, "--key", "dir/k", "--version-id", v1)
    assert out == {"VersionId": v1, "TagSet": [{"Key": "team", "Value": "storage"}, {"Key": "env", "Value": "prod"}]}
