"""CompleteMultipartUpload: validation in AWS's order, discarded parts, retries, conditional
completion and x-amz-mp-object-size.

AWS behaviour mirrored here (S3 API reference, CompleteMultipartUpload and its error list):
  * an empty or invalid body, or a list without parts -> 400 MalformedXML;
  * part numbers not in ascending order -> 400 InvalidPartOrder;
  * a part not uploaded, or whose ETag does not match -> 400 InvalidPart (the ETag may be sent
    with or without its quotes);
  * every part but the last below the minimum (5 MiB) -> 400 EntityTooSmall, the error document
    carrying ProposedSize, MinSizeAllowed, PartNumber and ETag (the part's MD5, unquoted) - a
    captured AWS response: <ProposedSize>102400</ProposedSize><MinSizeAllowed>5242880
    </MinSizeAllowed><PartNumber>1</PartNumber><ETag>17fea6e9...</ETag>;
  * the checks run in that order (MalformedXML, InvalidPartOrder, InvalidPart, EntityTooSmall);
  * parts uploaded but not listed are not part of the object and are deleted;
  * If-None-Match: * -> 412 PreconditionFailed when the key exists; If-Match -> 412 on an ETag
    mismatch, 404 NoSuchKey when there is no object (Conditional writes, S3 User Guide);
  * x-amz-mp-object-size differing from the real size -> 400 InvalidRequest (API reference,
    MpuObjectSize: "it results in an HTTP 400 InvalidRequest error").
"""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from cairntest import error_code, http_status, md5_hex, parse_error, quoted_etag, wait_until
from test_multipart_helpers import (  # noqa: F401 - fixtures
    AWS_MIN_PART, SMALL_MIN_PART, blob_count, body_of, complete, complete_xml, create_upload,
    multipart_etag, q, raw, small_bucket, small_s3, small_server, upload_parts)

BIG = SMALL_MIN_PART * 2  # comfortably above the lowered minimum


def _err(call) -> ClientError:
    with pytest.raises(ClientError) as e:
        call()
    return e.value


@pytest.fixture
def three_parts(small_s3, small_bucket):
    """An upload with parts 1..3 (each above the lowered minimum) ready to complete."""
    s3, bucket = small_s3, small_bucket
    bodies = [body_of(BIG, 1), body_of(BIG + 1, 2), body_of(100, 3)]
    upload_id = create_upload(s3, bucket, "k")
    parts = upload_parts(s3, bucket, "k", upload_id, bodies)
    return s3, bucket, upload_id, bodies, parts


# -- MalformedXML ---------------------------------------------------------------------------

def test_complete_with_no_parts_is_malformed_xml(three_parts):
    s3, bucket, upload_id, _bodies, _parts = three_parts
    e = _err(lambda: complete(s3, bucket, "k", upload_id, []))
    assert error_code(e) == "MalformedXML"
    assert http_status(e) == 400


def test_complete_with_empty_or_invalid_body_is_malformed_xml(small_server, three_parts):
    s3, bucket, upload_id, _bodies, _parts = three_parts
    for body in [b"", b"<CompleteMultipartUpload>", b"not xml at all",
                 b"<CompleteMultipartUpload><Part><PartNumber>1</PartNumber>"
                 b"</CompleteMultipartUpload>"]:
        resp = raw(small_server, "POST", bucket, "k", query=f"uploadId={q(upload_id)}",
                   body=body)
        assert resp.status_code == 400, (body, resp.text)
        assert parse_error(resp.content)["Code"] == "MalformedXML", body
    # the upload is still there
    assert len(s3.list_parts(Bucket=bucket, Key="k", UploadId=upload_id)["Parts"]) == 3


# -- InvalidPartOrder -----------------------------------------------------------------------

def test_descending_part_numbers_is_invalid_part_order(three_parts):
    s3, bucket, upload_id, _bodies, parts = three_parts
    e = _err(lambda: complete(s3, bucket, "k", upload_id, [parts[1], parts[0], parts[2]]))
    assert error_code(e) == "InvalidPartOrder"
    assert http_status(e) == 400


def test_invalid_part_order_is_reported_before_invalid_part(three_parts):
    s3, bucket, upload_id, _bodies, parts = three_parts
    unknown = {"PartNumber": 9, "ETag": quoted_etag(b"never uploaded")}
    e = _err(lambda: complete(s3, bucket, "k", upload_id, [unknown, parts[0]]))
    assert error_code(e) == "InvalidPartOrder"


# -- InvalidPart ----------------------------------------------------------------------------

def test_unknown_part_number_is_invalid_part(three_parts):
    s3, bucket, upload_id, _bodies, parts = three_parts
    unknown = {"PartNumber": 4, "ETag": quoted_etag(b"never uploaded")}
    e = _err(lambda: complete(s3, bucket, "k", upload_id, parts + [unknown]))
    assert error_code(e) == "InvalidPart"
    assert http_status(e) == 400


def test_wrong_etag_is_invalid_part(three_parts):
    s3, bucket, upload_id, bodies, parts = three_parts
    wrong = [parts[0], {"PartNumber": 2, "ETag": quoted_etag(bodies[0])}, parts[2]]
    e = _err(lambda: complete(s3, bucket, "k", upload_id, wrong))
    assert error_code(e) == "InvalidPart"
    assert http_status(e) == 400


def test_invalid_part_is_reported_before_entity_too_small(small_s3, small_bucket):
    s3, bucket = small_s3, small_bucket
    upload_id = create_upload(s3, bucket, "k")
    parts = upload_parts(s3, bucket, "k", upload_id, [b"tiny", b"tiny too"])
    bad = [parts[0], {"PartNumber": 2, "ETag": quoted_etag(b"something else")}]
    e = _err(lambda: complete(s3, bucket, "k", upload_id, bad))
    assert error_code(e) == "InvalidPart"


def test_etags_are_accepted_with_or_without_quotes(three_parts):
    s3, bucket, upload_id, bodies, parts = three_parts
    mixed = [{"PartNumber": p["PartNumber"], "ETag": p["ETag"].strip('"') if i % 2 == 0
              else p["ETag"]} for i, p in enumerate(parts)]
    assert not mixed[0]["ETag"].startswith('"')
    done = complete(s3, bucket, "k", upload_id, mixed)
    assert done["ETag"] == multipart_etag(bodies)
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"".join(bodies)


# -- EntityTooSmall -------------------------------------------------------------------------

def test_non_last_part_below_lowered_minimum_is_entity_too_small_with_details(small_s3,
                                                                            small_bucket):
    s3, bucket = small_s3, small_bucket
    small_first = body_of(SMALL_MIN_PART - 1, 1)
    upload_id = create_upload(s3, bucket, "k")
    parts = upload_parts(s3, bucket, "k", upload_id, [small_first, b"last"])
    e = _err(lambda: complete(s3, bucket, "k", upload_id, parts))
    assert error_code(e) == "EntityTooSmall"
    assert http_status(e) == 400
    # botocore keeps every child of <Error> in e.response["Error"]
    err = e.response["Error"]
    assert err["Message"] == "Your proposed upload is smaller than the minimum allowed size"
    assert err["ProposedSize"] == str(len(small_first))
    assert err["MinSizeAllowed"] == str(SMALL_MIN_PART)
    assert err["PartNumber"] == "1"
    assert err["ETag"] == md5_hex(small_first)  # AWS writes it without quotes

    # the upload survives the failure: replace the small part and complete
    fixed = s3.upload_part(Bucket=bucket, Key="k", UploadId=upload_id, PartNumber=1,
                           Body=body_of(SMALL_MIN_PART, 7))["ETag"]
    done = complete(s3, bucket, "k", upload_id, [{"PartNumber": 1, "ETag": fixed}, parts[1]])
    assert done["ETag"] == multipart_etag([body_of(SMALL_MIN_PART, 7), b"last"])


def test_default_minimum_part_size_is_5_mib(server, s3, bucket):
    # Default server (no --min-part-size): AWS's 5 MiB. The raw error document is parsed.
    upload_id = create_upload(s3, bucket, "k")
    first, second = body_of(64 * 1024, 1), body_of(10, 2)
    parts = upload_parts(s3, bucket, "k", upload_id, [first, second])
    resp = raw(server, "POST", bucket, "k", query=f"uploadId={q(upload_id)}",
               body=complete_xml(parts))
    assert resp.status_code == 400, resp.text
    err = parse_error(resp.content)
    assert err["Code"] == "EntityTooSmall"
    assert err["MinSizeAllowed"] == str(AWS_MIN_PART)
    assert err["ProposedSize"] == str(len(first))
    assert err["PartNumber"] == "1"
    assert err["ETag"].strip('"') == md5_hex(first)
    assert err["ETag"] == md5_hex(first), "AWS sends the part's ETag unquoted here"


def test_only_the_last_part_may_be_small_and_a_later_small_part_is_named(small_s3,
                                                                        small_bucket):
    s3, bucket = small_s3, small_bucket
    bodies = [body_of(BIG, 1), body_of(10, 2), body_of(BIG, 3), body_of(5, 4)]
    upload_id = create_upload(s3, bucket, "k")
    parts = upload_parts(s3, bucket, "k", upload_id, bodies)
    e = _err(lambda: complete(s3, bucket, "k", upload_id, parts))
    assert error_code(e) == "EntityTooSmall"
    assert e.response["Error"]["PartNumber"] == "2"
    assert e.response["Error"]["ProposedSize"] == "10"
    # dropping part 2 from the list leaves only the last part small: accepted
    kept = [parts[0], parts[2], parts[3]]
    assert complete(s3, bucket, "k", upload_id, kept)["ETag"] == \
        multipart_etag([bodies[0], bodies[2], bodies[3]])


# -- discarded parts, no copy, retries ------------------------------------------------------

def test_parts_not_listed_are_discarded_and_completion_copies_no_byte(small_server,
                                                                      three_parts):
    s3, bucket, upload_id, bodies, parts = three_parts
    before = blob_count(small_server)
    done = complete(s3, bucket, "k", upload_id, [parts[0], parts[2]])
    assert done["ETag"] == multipart_etag([bodies[0], bodies[2]])
    assert done["ETag"].endswith('-2"')
    data = s3.get_object(Bucket=bucket, Key="k")["Body"].read()
    assert data == bodies[0] + bodies[2]
    head = s3.head_object(Bucket=bucket, Key="k")
    assert head["ContentLength"] == len(bodies[0]) + len(bodies[2])
    # part 2's blob is freed, and no concatenated copy was written: the object refers to the
    # two part blobs (issue: "Completion copies no byte")
    assert wait_until(lambda: blob_count(small_server) == before - 1, 2.0), \
        f"{blob_count(small_server)} blobs after completing 2 of 3 parts, {before} before"


def test_completing_again_with_the_same_list_returns_the_same_result(three_parts):
    s3, bucket, upload_id, bodies, parts = three_parts
    first = complete(s3, bucket, "k", upload_id, parts)
    again = complete(s3, bucket, "k", upload_id, parts)
    assert http_status(again) == 200
    assert again["ETag"] == first["ETag"] == multipart_etag(bodies)
    assert again["Key"] == "k" and again["Bucket"] == bucket
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"".join(bodies)


def test_completing_again_with_a_different_list_is_no_such_upload(three_parts):
    s3, bucket, upload_id, bodies, parts = three_parts
    complete(s3, bucket, "k", upload_id, parts)
    e = _err(lambda: complete(s3, bucket, "k", upload_id, parts[:2]))
    assert error_code(e) == "NoSuchUpload"
    assert http_status(e) == 404
    # the object is untouched
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"".join(bodies)


def test_upload_part_after_complete_is_no_such_upload(three_parts):
    s3, bucket, upload_id, _bodies, parts = three_parts
    complete(s3, bucket, "k", upload_id, parts)
    e = _err(lambda: s3.upload_part(Bucket=bucket, Key="k", UploadId=upload_id, PartNumber=4,
                                    Body=b"late"))
    assert error_code(e) == "NoSuchUpload"


# -- conditional completion -----------------------------------------------------------------

def test_if_none_match_star_on_existing_key_is_precondition_failed(three_parts):
    s3, bucket, upload_id, bodies, parts = three_parts
    s3.put_object(Bucket=bucket, Key="k", Body=b"already here")
    e = _err(lambda: complete(s3, bucket, "k", upload_id, parts, IfNoneMatch="*"))
    assert error_code(e) == "PreconditionFailed"
    assert http_status(e) == 412
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"already here"


def test_if_none_match_star_on_absent_key_completes(three_parts):
    s3, bucket, upload_id, bodies, parts = three_parts
    done = complete(s3, bucket, "k", upload_id, parts, IfNoneMatch="*")
    assert done["ETag"] == multipart_etag(bodies)


def test_if_match_with_wrong_etag_is_precondition_failed(three_parts):
    s3, bucket, upload_id, bodies, parts = three_parts
    s3.put_object(Bucket=bucket, Key="k", Body=b"current")
    e = _err(lambda: complete(s3, bucket, "k", upload_id, parts,
                              IfMatch=quoted_etag(b"something else")))
    assert error_code(e) == "PreconditionFailed"
    assert http_status(e) == 412
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"current"


def test_if_match_with_current_etag_completes(three_parts):
    s3, bucket, upload_id, bodies, parts = three_parts
    s3.put_object(Bucket=bucket, Key="k", Body=b"current")
    done = complete(s3, bucket, "k", upload_id, parts, IfMatch=quoted_etag(b"current"))
    assert done["ETag"] == multipart_etag(bodies)
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"".join(bodies)


def test_if_match_when_key_is_absent_is_no_such_key(three_parts):
    s3, bucket, upload_id, _bodies, parts = three_parts
    e = _err(lambda: complete(s3, bucket, "k", upload_id, parts,
                              IfMatch=quoted_etag(b"anything")))
    assert error_code(e) == "NoSuchKey"
    assert http_status(e) == 404


def test_mpu_object_size_mismatch_is_invalid_request(three_parts):
    s3, bucket, upload_id, bodies, parts = three_parts
    total = sum(map(len, bodies))
    e = _err(lambda: complete(s3, bucket, "k", upload_id, parts, MpuObjectSize=total + 1))
    assert http_status(e) == 400
    assert error_code(e) == "InvalidRequest"
    done = complete(s3, bucket, "k", upload_id, parts, MpuObjectSize=total)
    assert done["ETag"] == multipart_etag(bodies)
