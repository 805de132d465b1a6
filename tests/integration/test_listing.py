"""ListObjectsV2, ListObjects (v1) and ListObjectVersions on an unversioned bucket.

Note: boto3 sends encoding-type=url on every listing unless the caller sets EncodingType,
and then url-decodes (unquote_plus) the keys itself. When a test passes EncodingType="url"
explicitly, botocore returns the keys exactly as the server sent them."""

from urllib.parse import unquote_plus
from xml.etree import ElementTree

import pytest
from botocore.exceptions import ClientError

from cairntest import S3_NS, error_code, http_status, key_path, quoted_etag

TREE = ["a/1", "a/2", "a/b/3", "b/1", "c", "d/e/f"]


def put_keys(s3, bucket, keys):
    for k in keys:
        s3.put_object(Bucket=bucket, Key=k, Body=k.encode())


@pytest.fixture
def tree(s3, bucket):
    put_keys(s3, bucket, TREE)
    return bucket


def keys_of(resp):
    return [o["Key"] for o in resp.get("Contents", [])]


def prefixes_of(resp):
    return [p["Prefix"] for p in resp.get("CommonPrefixes", [])]


def test_list_objects_v2_returns_all_keys_in_order_with_entry_fields(s3, tree):
    resp = s3.list_objects_v2(Bucket=tree)
    assert keys_of(resp) == TREE
    assert resp["KeyCount"] == len(TREE)
    assert resp["IsTruncated"] is False
    assert resp["Name"] == tree
    assert resp["MaxKeys"] == 1000
    first = resp["Contents"][0]
    assert first["Size"] == len(b"a/1")
    assert first["ETag"] == quoted_etag(b"a/1")
    assert first["StorageClass"] == "STANDARD"
    assert "LastModified" in first
    # ListObjectsV2 omits Owner unless fetch-owner=true
    assert "Owner" not in first


def test_listings_show_storage_class_and_checksum_fields(s3, bucket):
    """The fields a listing reads out of the stored record: storage class, checksum algorithm and
    type (full-object for a PUT, composite for a multipart upload that asked for it), in
    ListObjectsV2, ListObjects and ListObjectVersions alike."""
    s3.put_object(Bucket=bucket, Key="cold", Body=b"c", StorageClass="STANDARD_IA")
    s3.put_object(Bucket=bucket, Key="plain", Body=b"p", ChecksumAlgorithm="SHA256")
    uid = s3.create_multipart_upload(Bucket=bucket, Key="multi", ChecksumAlgorithm="SHA1",
                                     ChecksumType="COMPOSITE")["UploadId"]
    part = s3.upload_part(Bucket=bucket, Key="multi", UploadId=uid, PartNumber=1, Body=b"m", ChecksumAlgorithm="SHA1")
    s3.complete_multipart_upload(Bucket=bucket, Key="multi", UploadId=uid, MultipartUpload={
        "Parts": [{"PartNumber": 1, "ETag": part["ETag"], "ChecksumSHA1": part["ChecksumSHA1"]}]})
    for entries in (s3.list_objects_v2(Bucket=bucket)["Contents"], s3.list_objects(Bucket=bucket)["Contents"]):
        by_key = {e["Key"]: e for e in entries}
        assert by_key["cold"]["StorageClass"] == "STANDARD_IA"
        assert by_key["plain"]["StorageClass"] == "STANDARD"
        assert (by_key["plain"]["ChecksumAlgorithm"], by_key["plain"]["ChecksumType"]) == (["SHA256"], "FULL_OBJECT")
        assert (by_key["multi"]["ChecksumAlgorithm"], by_key["multi"]["ChecksumType"]) == (["SHA1"], "COMPOSITE")
    versions = {v["Key"]: v for v in s3.list_object_versions(Bucket=bucket)["Versions"]}
    assert versions["cold"]["StorageClass"] == "STANDARD_IA" and versions["plain"]["StorageClass"] == "STANDARD"


def test_list_objects_v2_orders_keys_by_utf8_bytes(s3, bucket):
    keys = ["é", "~tilde", "a", "B", "a/b", "a-b", "a0"]
    put_keys(s3, bucket, keys)
    assert keys_of(s3.list_objects_v2(Bucket=bucket)) == sorted(keys, key=lambda k: k.encode())


def test_list_objects_v2_on_empty_bucket(s3, bucket):
    resp = s3.list_objects_v2(Bucket=bucket)
    assert resp["KeyCount"] == 0
    assert "Contents" not in resp
    assert resp["IsTruncated"] is False


def test_list_objects_v2_with_prefix_returns_only_matching_keys(s3, tree):
    resp = s3.list_objects_v2(Bucket=tree, Prefix="a/")
    assert keys_of(resp) == ["a/1", "a/2", "a/b/3"]
    assert resp["Prefix"] == "a/"
    assert resp["KeyCount"] == 3
    assert keys_of(s3.list_objects_v2(Bucket=tree, Prefix="zzz")) == []


def test_list_objects_v2_with_delimiter_groups_common_prefixes(s3, tree):
    resp = s3.list_objects_v2(Bucket=tree, Delimiter="/")
    assert keys_of(resp) == ["c"]
    assert prefixes_of(resp) == ["a/", "b/", "d/"]
    assert resp["Delimiter"] == "/"
    # KeyCount counts keys and common prefixes
    assert resp["KeyCount"] == 4


def test_list_objects_v2_with_prefix_and_delimiter(s3, tree):
    resp = s3.list_objects_v2(Bucket=tree, Prefix="a/", Delimiter="/")
    assert keys_of(resp) == ["a/1", "a/2"]
    assert prefixes_of(resp) == ["a/b/"]


def test_list_objects_v2_with_non_slash_delimiter(s3, bucket):
    put_keys(s3, bucket, ["x-1-a", "x-1-b", "x-2", "y"])
    resp = s3.list_objects_v2(Bucket=bucket, Delimiter="-", Prefix="x-")
    # "x-2" has no "-" after the prefix, so it is a key, not a common prefix
    assert prefixes_of(resp) == ["x-1-"]
    assert keys_of(resp) == ["x-2"]


def test_list_objects_v2_max_keys_and_continuation_token_page_manually(s3, bucket):
    keys = [f"k{i}" for i in range(5)]
    put_keys(s3, bucket, keys)

    page1 = s3.list_objects_v2(Bucket=bucket, MaxKeys=2)
    assert keys_of(page1) == ["k0", "k1"]
    assert page1["IsTruncated"] is True
    assert page1["KeyCount"] == 2
    assert page1["MaxKeys"] == 2
    token1 = page1["NextContinuationToken"]

    page2 = s3.list_objects_v2(Bucket=bucket, MaxKeys=2, ContinuationToken=token1)
    assert keys_of(page2) == ["k2", "k3"]
    assert page2["ContinuationToken"] == token1
    assert page2["IsTruncated"] is True

    page3 = s3.list_objects_v2(Bucket=bucket, MaxKeys=2,
                               ContinuationToken=page2["NextContinuationToken"])
    assert keys_of(page3) == ["k4"]
    assert page3["IsTruncated"] is False
    assert "NextContinuationToken" not in page3


def test_list_objects_v2_paginator_visits_every_key_once(s3, bucket):
    keys = sorted(f"p/{i:03d}" for i in range(23))
    put_keys(s3, bucket, keys)
    pages = list(s3.get_paginator("list_objects_v2").paginate(
        Bucket=bucket, PaginationConfig={"PageSize": 5}))
    assert len(pages) == 5
    assert [k for p in pages for k in keys_of(p)] == keys


def test_list_objects_v2_paging_with_delimiter_returns_each_prefix_once(s3, bucket):
    put_keys(s3, bucket, ["a/1", "a/2", "a/3", "b/1", "c", "d/1", "d/2", "e"])
    pages = list(s3.get_paginator("list_objects_v2").paginate(
        Bucket=bucket, Delimiter="/", PaginationConfig={"PageSize": 1}))
    all_keys = [k for p in pages for k in keys_of(p)]
    all_prefixes = [x for p in pages for x in prefixes_of(p)]
    assert all_keys == ["c", "e"]
    assert all_prefixes == ["a/", "b/", "d/"]
    # max-keys counts keys and common prefixes together
    assert all(len(keys_of(p)) + len(prefixes_of(p)) <= 1 for p in pages)
    assert len(pages) == 5


def test_list_objects_v2_start_after_skips_keys_up_to_and_including_it(s3, tree):
    resp = s3.list_objects_v2(Bucket=tree, StartAfter="b/1")
    assert keys_of(resp) == ["c", "d/e/f"]
    assert resp["StartAfter"] == "b/1"
    # StartAfter need not be an existing key
    assert keys_of(s3.list_objects_v2(Bucket=tree, StartAfter="a/11")) == \
        ["a/2", "a/b/3", "b/1", "c", "d/e/f"]


def test_list_objects_v2_encoding_type_url_encodes_keys_and_prefixes(s3, bucket):
    keys = ["dir with space/file+plus.txt", "é/ü", "plain"]
    put_keys(s3, bucket, keys)
    resp = s3.list_objects_v2(Bucket=bucket, EncodingType="url")
    assert resp["EncodingType"] == "url"
    raw_keys = keys_of(resp)
    # botocore did not decode (EncodingType was set by us): the server's encoding is visible
    assert [unquote_plus(k) for k in raw_keys] == sorted(keys, key=lambda k: k.encode())
    encoded_space_key = raw_keys[0]
    assert " " not in encoded_space_key and "+plus" not in encoded_space_key
    assert "plain" in raw_keys

    resp = s3.list_objects_v2(Bucket=bucket, EncodingType="url", Delimiter="/")
    assert sorted(unquote_plus(p) for p in prefixes_of(resp)) == ["dir with space/", "é/"]
    assert all(" " not in p and "é" not in p for p in prefixes_of(resp))


def test_list_objects_v2_default_boto3_decoding_gives_original_keys(s3, bucket):
    keys = ["a b", "a+b", "100%", "ü/ö", "x&y=z?"]
    put_keys(s3, bucket, keys)
    assert keys_of(s3.list_objects_v2(Bucket=bucket)) == sorted(keys, key=lambda k: k.encode())


def test_list_objects_v2_raw_xml_without_encoding_type_has_plain_keys(server, s3, bucket):
    s3.put_object(Bucket=bucket, Key="a b&c", Body=b"x")
    raw = server.signed_request("GET", key_path(bucket), query="list-type=2")
    assert raw.status_code == 200
    assert raw.headers["Content-Type"].startswith("application/xml")
    root = ElementTree.fromstring(raw.content)
    assert root.tag == f"{S3_NS}ListBucketResult"
    assert [e.text for e in root.iter(f"{S3_NS}Key")] == ["a b&c"]


def test_list_objects_v2_fetch_owner_includes_owner(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    owner = s3.list_buckets()["Owner"]
    resp = s3.list_objects_v2(Bucket=bucket, FetchOwner=True)
    assert resp["Contents"][0]["Owner"]["ID"] == owner["ID"]


def test_list_objects_v2_fetch_owner_shows_users_file_identity(alice):
    alice.create_bucket(Bucket="alice-data")
    alice.put_object(Bucket="alice-data", Key="k", Body=b"x")
    entry = alice.list_objects_v2(Bucket="alice-data", FetchOwner=True)["Contents"][0]
    assert entry["Owner"] == {"ID": "canonical-id-alice-0001", "DisplayName": "alice"}


def test_list_objects_v2_invalid_continuation_token_gives_InvalidArgument(s3, bucket):
    with pytest.raises(ClientError) as e:
        s3.list_objects_v2(Bucket=bucket, ContinuationToken="not-a-token-!!")
    # AWS: 400 InvalidArgument "The continuation token provided is incorrect"
    assert error_code(e.value) == "InvalidArgument"
    assert http_status(e.value) == 400


# -- ListObjects (v1) ----------------------------------------------------------------------

def test_list_objects_v1_marker_paging_without_delimiter(s3, bucket):
    keys = [f"k{i}" for i in range(5)]
    put_keys(s3, bucket, keys)
    page1 = s3.list_objects(Bucket=bucket, MaxKeys=2)
    assert keys_of(page1) == ["k0", "k1"]
    assert page1["IsTruncated"] is True
    # AWS returns NextMarker only when a delimiter is given; clients use the last key.
    assert "NextMarker" not in page1
    page2 = s3.list_objects(Bucket=bucket, MaxKeys=2, Marker="k1")
    assert keys_of(page2) == ["k2", "k3"]
    assert page2["Marker"] == "k1"
    page3 = s3.list_objects(Bucket=bucket, MaxKeys=2, Marker="k3")
    assert keys_of(page3) == ["k4"]
    assert page3["IsTruncated"] is False


def test_list_objects_v1_includes_owner(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    owner = s3.list_buckets()["Owner"]
    entry = s3.list_objects(Bucket=bucket)["Contents"][0]
    assert entry["Owner"]["ID"] == owner["ID"]
    assert entry["ETag"] == quoted_etag(b"x")
    assert entry["Size"] == 1


def test_list_objects_v1_next_marker_with_delimiter(s3, bucket):
    put_keys(s3, bucket, ["a/1", "a/2", "b", "c/1", "d"])
    page1 = s3.list_objects(Bucket=bucket, Delimiter="/", MaxKeys=2)
    assert prefixes_of(page1) == ["a/"]
    assert keys_of(page1) == ["b"]
    assert page1["IsTruncated"] is True
    assert page1["NextMarker"] == "b"
    page2 = s3.list_objects(Bucket=bucket, Delimiter="/", MaxKeys=2,
                            Marker=page1["NextMarker"])
    assert prefixes_of(page2) == ["c/"]
    assert keys_of(page2) == ["d"]
    assert page2["IsTruncated"] is False


def test_list_objects_v1_paginator_visits_every_key(s3, bucket):
    keys = sorted(f"q{i:02d}" for i in range(11))
    put_keys(s3, bucket, keys)
    pages = list(s3.get_paginator("list_objects").paginate(
        Bucket=bucket, PaginationConfig={"PageSize": 3}))
    assert [k for p in pages for k in keys_of(p)] == keys


# -- ListObjectVersions (unversioned bucket) ------------------------------------------------

def test_list_object_versions_on_unversioned_bucket_reports_null_versions(s3, bucket):
    put_keys(s3, bucket, ["x", "y/z"])
    resp = s3.list_object_versions(Bucket=bucket)
    versions = resp["Versions"]
    assert [v["Key"] for v in versions] == ["x", "y/z"]
    for v in versions:
        assert v["VersionId"] == "null"
        assert v["IsLatest"] is True
        assert v["ETag"] == quoted_etag(v["Key"].encode())
        assert v["Size"] == len(v["Key"])
    assert "DeleteMarkers" not in resp
    assert resp["IsTruncated"] is False


def test_list_object_versions_with_prefix_and_delimiter(s3, tree):
    resp = s3.list_object_versions(Bucket=tree, Delimiter="/", Prefix="a/")
    assert [v["Key"] for v in resp["Versions"]] == ["a/1", "a/2"]
    assert prefixes_of(resp) == ["a/b/"]
