"""ListParts and ListMultipartUploads.

AWS behaviour mirrored here (S3 API reference, ListParts / ListMultipartUploads):
  * ListParts: max-parts defaults to 1,000 and is capped at 1,000; part-number-marker starts the
    listing after that part; a truncated page says IsTruncated and NextPartNumberMarker (the
    marker for the next request); Initiator and Owner carry ID and DisplayName; StorageClass;
    each part's PartNumber, ETag, Size, LastModified and, for an upload created with a checksum
    algorithm, the part's checksum;
  * ListMultipartUploads: "uploads in the response are first sorted by key. Additionally,
    uploads are sorted in ascending order within each key by the upload initiation time";
    prefix; delimiter rolls keys up into CommonPrefixes; key-marker alone lists keys after it,
    key-marker + upload-id-marker continue after that upload; max-uploads with IsTruncated,
    NextKeyMarker and NextUploadIdMarker.
"""

from __future__ import annotations

import datetime as dt
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import unquote_plus

from cairntest import ALICE, quoted_etag
from test_multipart_helpers import (body_of, complete, crc32_b64, create_upload,
                                    multipart_etag, upload_parts)


def _near_now(when: dt.datetime) -> bool:
    return abs((dt.datetime.now(dt.timezone.utc) - when).total_seconds()) < 300


# -- ListParts ------------------------------------------------------------------------------

def test_list_parts_reports_parts_initiator_owner_and_storage_class(alice):
    s3 = alice
    s3.create_bucket(Bucket="parts")
    bodies = [body_of(3000, 1), body_of(10, 2), body_of(777, 3)]
    upload_id = create_upload(s3, "parts", "dir/k")
    upload_parts(s3, "parts", "dir/k", upload_id, bodies, numbers=[1, 5, 9])

    resp = s3.list_parts(Bucket="parts", Key="dir/k", UploadId=upload_id)
    assert resp["Bucket"] == "parts"
    assert resp["Key"] == "dir/k"
    assert resp["UploadId"] == upload_id
    assert resp["IsTruncated"] is False
    assert resp["MaxParts"] == 1000
    assert resp.get("PartNumberMarker", 0) == 0
    assert resp["StorageClass"] == "STANDARD"
    assert resp["Initiator"] == {"ID": ALICE.id, "DisplayName": ALICE.display_name}
    assert resp["Owner"] == {"ID": ALICE.id, "DisplayName": ALICE.display_name}
    got = [(p["PartNumber"], p["ETag"], p["Size"]) for p in resp["Parts"]]
    assert got == [(n, quoted_etag(b), len(b)) for n, b in zip([1, 5, 9], bodies)]
    for part in resp["Parts"]:
        assert _near_now(part["LastModified"])


def test_list_parts_of_a_checksum_upload_shows_each_parts_checksum(s3, bucket):
    bodies = [body_of(2048, 1), body_of(99, 2)]
    created = s3.create_multipart_upload(Bucket=bucket, Key="k", ChecksumAlgorithm="CRC32")
    assert created.get("ChecksumAlgorithm") == "CRC32"
    upload_id = created["UploadId"]
    upload_parts(s3, bucket, "k", upload_id, bodies, ChecksumAlgorithm="CRC32")
    resp = s3.list_parts(Bucket=bucket, Key="k", UploadId=upload_id)
    assert resp.get("ChecksumAlgorithm") == "CRC32"
    assert [p.get("ChecksumCRC32") for p in resp["Parts"]] == [crc32_b64(b) for b in bodies]


def test_list_parts_pages_with_max_parts_and_part_number_marker(s3, bucket):
    numbers = [1, 2, 3, 7, 10]
    upload_id = create_upload(s3, bucket, "k")
    upload_parts(s3, bucket, "k", upload_id, [f"part {n}".encode() for n in numbers],
                 numbers=numbers)

    page1 = s3.list_parts(Bucket=bucket, Key="k", UploadId=upload_id, MaxParts=2)
    assert [p["PartNumber"] for p in page1["Parts"]] == [1, 2]
    assert page1["MaxParts"] == 2
    assert page1["IsTruncated"] is True
    assert page1["NextPartNumberMarker"] == 2

    page2 = s3.list_parts(Bucket=bucket, Key="k", UploadId=upload_id, MaxParts=2,
                          PartNumberMarker=page1["NextPartNumberMarker"])
    assert page2["PartNumberMarker"] == 2
    assert [p["PartNumber"] for p in page2["Parts"]] == [3, 7]
    assert page2["IsTruncated"] is True
    assert page2["NextPartNumberMarker"] == 7

    page3 = s3.list_parts(Bucket=bucket, Key="k", UploadId=upload_id, MaxParts=2,
                          PartNumberMarker=7)
    assert [p["PartNumber"] for p in page3["Parts"]] == [10]
    assert page3["IsTruncated"] is False

    # a marker between part numbers starts after it
    mid = s3.list_parts(Bucket=bucket, Key="k", UploadId=upload_id, PartNumberMarker=5)
    assert [p["PartNumber"] for p in mid["Parts"]] == [7, 10]
    # a marker past the last part gives an empty, untruncated page
    past = s3.list_parts(Bucket=bucket, Key="k", UploadId=upload_id, PartNumberMarker=10)
    assert past.get("Parts", []) == []
    assert past["IsTruncated"] is False


def test_list_parts_default_page_is_1000_parts_of_1100(start_server):
    server = start_server(min_part_size=1)
    s3 = server.client(max_pool_connections=16)
    s3.create_bucket(Bucket="many")
    upload_id = create_upload(s3, "many", "k")
    count = 1100
    bodies = {n: f"{n:05d}".encode() for n in range(1, count + 1)}

    def put(n):
        return n, s3.upload_part(Bucket="many", Key="k", UploadId=upload_id, PartNumber=n,
                                 Body=bodies[n])["ETag"]

    with ThreadPoolExecutor(max_workers=8) as pool:
        etags = dict(pool.map(put, bodies))

    page1 = s3.list_parts(Bucket="many", Key="k", UploadId=upload_id)
    assert len(page1["Parts"]) == 1000
    assert page1["MaxParts"] == 1000
    assert page1["IsTruncated"] is True
    assert page1["NextPartNumberMarker"] == 1000
    assert [p["PartNumber"] for p in page1["Parts"]] == list(range(1, 1001))

    page2 = s3.list_parts(Bucket="many", Key="k", UploadId=upload_id, PartNumberMarker=1000)
    assert [p["PartNumber"] for p in page2["Parts"]] == list(range(1001, count + 1))
    assert page2["IsTruncated"] is False

    # max-parts above 1,000 is capped at 1,000
    capped = s3.list_parts(Bucket="many", Key="k", UploadId=upload_id, MaxParts=5000)
    assert len(capped["Parts"]) == 1000
    assert capped["IsTruncated"] is True

    parts = [{"PartNumber": n, "ETag": etags[n]} for n in range(1, count + 1)]
    done = complete(s3, "many", "k", upload_id, parts)
    assert done["ETag"] == multipart_etag([bodies[n] for n in range(1, count + 1)])
    data = s3.get_object(Bucket="many", Key="k")["Body"].read()
    assert data == b"".join(bodies[n] for n in range(1, count + 1))


# -- ListMultipartUploads -------------------------------------------------------------------

def _create_in_order(s3, bucket, keys):
    """Creates uploads one after another (distinct initiation times); returns (key, id) in
    the order AWS lists them: by key, then initiation time."""
    created = []
    for key in keys:
        created.append((key, create_upload(s3, bucket, key)))
        time.sleep(0.05)
    order = {key: i for i, key in enumerate(sorted(set(keys)))}
    return sorted(created, key=lambda kv: order[kv[0]])  # stable: keeps creation order


def _pairs(resp):
    return [(u["Key"], u["UploadId"]) for u in resp.get("Uploads", [])]


def test_list_multipart_uploads_orders_by_key_then_initiation_time(s3, bucket):
    expected = _create_in_order(s3, bucket, ["b", "a", "a/x", "b", "a", "c/d/e", "b"])
    resp = s3.list_multipart_uploads(Bucket=bucket)
    assert resp["Bucket"] == bucket
    assert resp["IsTruncated"] is False
    assert resp["MaxUploads"] == 1000
    assert _pairs(resp) == expected
    for upload in resp["Uploads"]:
        assert upload["StorageClass"] == "STANDARD"
        assert upload["Initiator"]["ID"] and upload["Owner"]["ID"]
        assert _near_now(upload["Initiated"])
    initiated_b = [u["Initiated"] for u in resp["Uploads"] if u["Key"] == "b"]
    assert initiated_b == sorted(initiated_b)


def test_list_multipart_uploads_pages_with_markers(s3, bucket):
    expected = _create_in_order(s3, bucket, ["k1", "k2", "k1", "k3", "k2", "k1"])
    seen = []
    kwargs = {}
    pages = 0
    while True:
        resp = s3.list_multipart_uploads(Bucket=bucket, MaxUploads=2, **kwargs)
        pages += 1
        assert resp["MaxUploads"] == 2
        assert len(resp.get("Uploads", [])) <= 2
        seen += _pairs(resp)
        if not resp["IsTruncated"]:
            break
        # the next markers name the last upload of this page
        assert (resp["NextKeyMarker"], resp["NextUploadIdMarker"]) == seen[-1]
        kwargs = {"KeyMarker": resp["NextKeyMarker"],
                  "UploadIdMarker": resp["NextUploadIdMarker"]}
        assert pages < 10, "paging does not end"
    assert seen == expected
    assert pages == 3

    # the markers are echoed
    resp = s3.list_multipart_uploads(Bucket=bucket, KeyMarker=expected[1][0],
                                     UploadIdMarker=expected[1][1])
    assert resp["KeyMarker"] == expected[1][0]
    assert resp["UploadIdMarker"] == expected[1][1]
    assert _pairs(resp) == expected[2:]


def test_list_multipart_uploads_key_marker_alone_lists_later_keys(s3, bucket):
    expected = _create_in_order(s3, bucket, ["a", "b", "b", "c"])
    resp = s3.list_multipart_uploads(Bucket=bucket, KeyMarker="b")
    # every upload of key "b" itself is skipped
    assert _pairs(resp) == [kv for kv in expected if kv[0] > "b"]
    resp = s3.list_multipart_uploads(Bucket=bucket, KeyMarker="a")
    assert _pairs(resp) == [kv for kv in expected if kv[0] > "a"]


def test_list_multipart_uploads_prefix_and_delimiter(s3, bucket):
    keys = ["photos/2024/a.jpg", "photos/2024/b.jpg", "photos/2025/c.jpg", "photos/top.jpg",
            "photos/2024/a.jpg", "docs/x.txt", "readme"]
    expected = _create_in_order(s3, bucket, keys)

    resp = s3.list_multipart_uploads(Bucket=bucket, Prefix="photos/", Delimiter="/")
    assert resp["Prefix"] == "photos/"
    assert resp["Delimiter"] == "/"
    assert _pairs(resp) == [kv for kv in expected if kv[0] == "photos/top.jpg"]
    assert [p["Prefix"] for p in resp["CommonPrefixes"]] == ["photos/2024/", "photos/2025/"]

    resp = s3.list_multipart_uploads(Bucket=bucket, Delimiter="/")
    assert _pairs(resp) == [kv for kv in expected if kv[0] == "readme"]
    assert [p["Prefix"] for p in resp["CommonPrefixes"]] == ["docs/", "photos/"]

    resp = s3.list_multipart_uploads(Bucket=bucket, Prefix="photos/2024/")
    assert _pairs(resp) == [kv for kv in expected if kv[0].startswith("photos/2024/")]
    assert len(resp["Uploads"]) == 3
    assert not resp.get("CommonPrefixes")


def test_list_multipart_uploads_omits_completed_and_aborted(s3, bucket):
    keep = create_upload(s3, bucket, "keep")
    gone = create_upload(s3, bucket, "aborted")
    done = create_upload(s3, bucket, "completed")
    s3.abort_multipart_upload(Bucket=bucket, Key="aborted", UploadId=gone)
    complete(s3, bucket, "completed", done,
             upload_parts(s3, bucket, "completed", done, [b"x"]))
    assert _pairs(s3.list_multipart_uploads(Bucket=bucket)) == [("keep", keep)]


def test_list_multipart_uploads_with_special_characters_in_keys(s3, bucket):
    key = "dir with space/\u00fc+&=?#%.bin"
    upload_id = create_upload(s3, bucket, key)
    assert _pairs(s3.list_multipart_uploads(Bucket=bucket)) == [(key, upload_id)]
    # encoding-type=url: keys come back URL-encoded (botocore does not decode them for this
    # operation; AWS encodes like ListObjects, which botocore decodes with unquote_plus)
    resp = s3.list_multipart_uploads(Bucket=bucket, EncodingType="url")
    assert resp.get("EncodingType") == "url"
    encoded = resp["Uploads"][0]["Key"]
    assert " " not in encoded and "\u00fc" not in encoded
    assert unquote_plus(encoded) == key
