"""Bucket-level rules around multipart uploads: request payment, lifecycle
AbortIncompleteMultipartUpload (with its sweeper), and DeleteBucket with uploads in progress.

AWS behaviour mirrored here:
  * Put/GetBucketRequestPayment: Payer BucketOwner (default) or Requester; on a Requester Pays
    bucket a request sent with x-amz-request-payer: requester is answered with
    x-amz-request-charged: requester (RequestCharged: "If present, indicates that the requester
    was successfully charged for the request"); on a BucketOwner bucket the header is absent;
    a requester-pays bucket refuses (403 AccessDenied) a non-owner who did not send the header;
  * Put/Get/DeleteBucketLifecycleConfiguration; Get without a configuration -> 404
    NoSuchLifecycleConfiguration "The lifecycle configuration does not exist";
    CreateMultipartUpload and ListParts answer x-amz-abort-date / x-amz-abort-rule-id when an
    AbortIncompleteMultipartUpload rule's filter matches the key (API reference, AbortDate);
    lifecycle times are creation + days, rounded up to the next midnight UTC (S3 User Guide,
    lifecycle), so the abort date lies in (initiation + 1 day, initiation + 2 days];
  * DeleteBucket succeeds on a bucket that holds no objects, whatever uploads are in progress
    (uploads are not objects), and BucketNotEmpty when it holds an object.
"""

from __future__ import annotations

import datetime as dt

import pytest
from botocore.exceptions import ClientError

from cairntest import error_code, http_status, wait_until
from test_multipart_helpers import (blob_count, body_of, complete, create_upload,
                                    upload_parts)

RULE = {
    "ID": "abort-rule",
    "Filter": {"Prefix": "tmp/"},
    "Status": "Enabled",
    "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1},
}


def _err(call) -> ClientError:
    with pytest.raises(ClientError) as e:
        call()
    return e.value


# -- request payment ------------------------------------------------------------------------

def test_request_payment_defaults_to_bucket_owner_and_can_be_set_to_requester(alice):
    alice.create_bucket(Bucket="payer")
    assert alice.get_bucket_request_payment(Bucket="payer")["Payer"] == "BucketOwner"
    resp = alice.put_bucket_request_payment(Bucket="payer",
                                            RequestPaymentConfiguration={"Payer": "Requester"})
    assert http_status(resp) == 200
    assert alice.get_bucket_request_payment(Bucket="payer")["Payer"] == "Requester"
    alice.put_bucket_request_payment(Bucket="payer",
                                     RequestPaymentConfiguration={"Payer": "BucketOwner"})
    assert alice.get_bucket_request_payment(Bucket="payer")["Payer"] == "BucketOwner"


def test_multipart_calls_on_requester_pays_bucket_report_request_charged(alice):
    s3 = alice
    s3.create_bucket(Bucket="payer")
    s3.put_bucket_request_payment(Bucket="payer",
                                  RequestPaymentConfiguration={"Payer": "Requester"})
    s3.put_object(Bucket="payer", Key="src", Body=b"copy me", RequestPayer="requester")
    rp = {"RequestPayer": "requester"}

    created = s3.create_multipart_upload(Bucket="payer", Key="k", **rp)
    upload_id = created["UploadId"]
    responses = {"CreateMultipartUpload": created}
    responses["UploadPart"] = s3.upload_part(Bucket="payer", Key="k", UploadId=upload_id,
                                             PartNumber=1, Body=body_of(6 * 1024 * 1024, 1),
                                             **rp)
    responses["UploadPartCopy"] = s3.upload_part_copy(
        Bucket="payer", Key="k", UploadId=upload_id, PartNumber=2,
        CopySource={"Bucket": "payer", "Key": "src"}, **rp)
    responses["ListParts"] = s3.list_parts(Bucket="payer", Key="k", UploadId=upload_id, **rp)
    responses["ListMultipartUploads"] = s3.list_multipart_uploads(Bucket="payer", **rp)
    parts = [{"PartNumber": 1, "ETag": responses["UploadPart"]["ETag"]},
             {"PartNumber": 2, "ETag": responses["UploadPartCopy"]["CopyPartResult"]["ETag"]}]
    responses["CompleteMultipartUpload"] = complete(s3, "payer", "k", upload_id, parts, **rp)
    responses["GetObject"] = s3.get_object(Bucket="payer", Key="k", PartNumber=2, **rp)
    responses["HeadObject"] = s3.head_object(Bucket="payer", Key="k", **rp)
    responses["GetObjectAttributes"] = s3.get_object_attributes(
        Bucket="payer", Key="k", ObjectAttributes=["ObjectSize"], **rp)
    other = create_upload(s3, "payer", "other", **rp)
    responses["AbortMultipartUpload"] = s3.abort_multipart_upload(Bucket="payer", Key="other",
                                                                  UploadId=other, **rp)
    for name, resp in responses.items():
        assert resp.get("RequestCharged") == "requester", name
    assert responses["GetObject"]["Body"].read() == b"copy me"


def test_no_request_charged_on_a_bucket_owner_bucket(alice):
    s3 = alice
    s3.create_bucket(Bucket="owner-pays")
    created = s3.create_multipart_upload(Bucket="owner-pays", Key="k", RequestPayer="requester")
    part = s3.upload_part(Bucket="owner-pays", Key="k", UploadId=created["UploadId"],
                          PartNumber=1, Body=b"x", RequestPayer="requester")
    listed = s3.list_parts(Bucket="owner-pays", Key="k", UploadId=created["UploadId"],
                           RequestPayer="requester")
    for resp in (created, part, listed):
        assert "RequestCharged" not in resp
        assert "x-amz-request-charged" not in resp["ResponseMetadata"]["HTTPHeaders"]


def test_requester_pays_bucket_refuses_non_owner_without_the_header(alice, bob):
    alice.create_bucket(Bucket="payer")
    alice.put_bucket_request_payment(Bucket="payer",
                                     RequestPaymentConfiguration={"Payer": "Requester"})
    e = _err(lambda: bob.create_multipart_upload(Bucket="payer", Key="k"))
    assert http_status(e) == 403
    assert error_code(e) == "AccessDenied"
    e = _err(lambda: bob.list_multipart_uploads(Bucket="payer"))
    assert error_code(e) == "AccessDenied"


# -- lifecycle ------------------------------------------------------------------------------

def test_lifecycle_put_get_delete_and_abort_headers(s3, bucket):
    e = _err(lambda: s3.get_bucket_lifecycle_configuration(Bucket=bucket))
    assert error_code(e) == "NoSuchLifecycleConfiguration"
    assert http_status(e) == 404
    assert e.response["Error"]["Message"] == "The lifecycle configuration does not exist"

    resp = s3.put_bucket_lifecycle_configuration(Bucket=bucket,
                                                 LifecycleConfiguration={"Rules": [RULE]})
    assert http_status(resp) == 200
    rules = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert len(rules) == 1
    rule = rules[0]
    assert rule["ID"] == "abort-rule"
    assert rule["Status"] == "Enabled"
    assert rule["Filter"].get("Prefix") == "tmp/"
    assert rule["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 1}

    before = dt.datetime.now(dt.timezone.utc)
    created = s3.create_multipart_upload(Bucket=bucket, Key="tmp/scratch.bin")
    after = dt.datetime.now(dt.timezone.utc)
    assert created.get("AbortRuleId") == "abort-rule"
    abort_date = created.get("AbortDate")
    assert abort_date is not None, "x-amz-abort-date missing"
    # initiation + 1 day, rounded up to the next midnight UTC
    assert before + dt.timedelta(days=1) - dt.timedelta(seconds=2) <= abort_date
    assert abort_date <= after + dt.timedelta(days=2) + dt.timedelta(seconds=2)

    upload_id = created["UploadId"]
    s3.upload_part(Bucket=bucket, Key="tmp/scratch.bin", UploadId=upload_id, PartNumber=1,
                   Body=b"part")
    listed = s3.list_parts(Bucket=bucket, Key="tmp/scratch.bin", UploadId=upload_id)
    assert listed.get("AbortRuleId") == "abort-rule"
    assert listed.get("AbortDate") == abort_date

    # a key outside the rule's prefix gets no abort date
    outside = s3.create_multipart_upload(Bucket=bucket, Key="keep/scratch.bin")
    assert "AbortDate" not in outside and "AbortRuleId" not in outside
    outside_parts = s3.list_parts(Bucket=bucket, Key="keep/scratch.bin",
                                  UploadId=outside["UploadId"])
    assert "AbortDate" not in outside_parts

    resp = s3.delete_bucket_lifecycle(Bucket=bucket)
    assert http_status(resp) == 204
    e = _err(lambda: s3.get_bucket_lifecycle_configuration(Bucket=bucket))
    assert error_code(e) == "NoSuchLifecycleConfiguration"
    later = s3.create_multipart_upload(Bucket=bucket, Key="tmp/later.bin")
    assert "AbortDate" not in later and "AbortRuleId" not in later


def test_abort_rule_days_must_be_a_positive_32_bit_integer(s3, bucket):
    """0, negative and past-2^31 day counts are refused; the largest allowed one still gives an
    abort date (clamped to 9999-12-31) instead of overflowing."""
    for days in (0, -1, 2**31, 200_000_000_000):
        rule = dict(RULE, AbortIncompleteMultipartUpload={"DaysAfterInitiation": days})
        e = _err(lambda: s3.put_bucket_lifecycle_configuration(Bucket=bucket,
                                                                LifecycleConfiguration={"Rules": [rule]}))
        assert (http_status(e), error_code(e)) == (400, "InvalidArgument"), days
    rule = dict(RULE, AbortIncompleteMultipartUpload={"DaysAfterInitiation": 2**31 - 1})
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [rule]})
    created = s3.create_multipart_upload(Bucket=bucket, Key="tmp/far")
    assert created["AbortDate"].year == 9999
    assert s3.list_parts(Bucket=bucket, Key="tmp/far", UploadId=created["UploadId"])["AbortDate"].year == 9999


def test_disabled_abort_rule_sets_no_abort_date(s3, bucket):
    disabled = dict(RULE, Status="Disabled")
    s3.put_bucket_lifecycle_configuration(Bucket=bucket,
                                          LifecycleConfiguration={"Rules": [disabled]})
    assert s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"][0]["Status"] == \
        "Disabled"
    created = s3.create_multipart_upload(Bucket=bucket, Key="tmp/x")
    assert "AbortDate" not in created


def test_lifecycle_sweeper_aborts_expired_uploads_and_frees_their_parts(start_server):
    # One lifecycle "day" lasts 1 s and the sweeper runs every 0.2 s.
    server = start_server(extra_args=["--lifecycle-day-seconds", "1",
                                      "--lifecycle-sweep-seconds", "0.2"])
    s3 = server.client()
    s3.create_bucket(Bucket="swept")
    s3.put_bucket_lifecycle_configuration(Bucket="swept", LifecycleConfiguration={"Rules": [RULE]})
    baseline = blob_count(server)

    created = s3.create_multipart_upload(Bucket="swept", Key="tmp/expiring")
    assert created.get("AbortRuleId") == "abort-rule"
    assert created["AbortDate"] <= dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=5)
    expiring = created["UploadId"]
    upload_parts(s3, "swept", "tmp/expiring", expiring, [body_of(4096, 1), body_of(10, 2)])
    kept = create_upload(s3, "swept", "keep/staying")
    upload_parts(s3, "swept", "keep/staying", kept, [body_of(100, 3)])
    assert blob_count(server) == baseline + 3

    def gone():
        try:
            s3.list_parts(Bucket="swept", Key="tmp/expiring", UploadId=expiring)
            return False
        except ClientError as exc:
            return error_code(exc) == "NoSuchUpload"

    assert wait_until(gone, 8.0, interval=0.2), "the expired upload was not aborted"
    uploads = s3.list_multipart_uploads(Bucket="swept").get("Uploads", [])
    assert [(u["Key"], u["UploadId"]) for u in uploads] == [("keep/staying", kept)]
    assert wait_until(lambda: blob_count(server) == baseline + 1, 3.0), blob_count(server)
    # the upload outside the rule is intact
    assert len(s3.list_parts(Bucket="swept", Key="keep/staying", UploadId=kept)["Parts"]) == 1


# -- DeleteBucket ---------------------------------------------------------------------------

def test_delete_bucket_with_only_uploads_in_progress_succeeds_and_aborts_them(server, s3):
    s3.create_bucket(Bucket="uploads-only")
    baseline = blob_count(server)
    ids = []
    for key in ("a", "b/c"):
        upload_id = create_upload(s3, "uploads-only", key)
        upload_parts(s3, "uploads-only", key, upload_id, [body_of(2048, 1), body_of(5, 2)])
        ids.append((key, upload_id))
    assert blob_count(server) == baseline + 4

    resp = s3.delete_bucket(Bucket="uploads-only")
    assert http_status(resp) == 204
    e = _err(lambda: s3.head_bucket(Bucket="uploads-only"))
    assert http_status(e) == 404
    assert wait_until(lambda: blob_count(server) == baseline, 2.0), blob_count(server)

    # a new bucket of the same name inherits nothing
    s3.create_bucket(Bucket="uploads-only")
    assert not s3.list_multipart_uploads(Bucket="uploads-only").get("Uploads")
    for key, upload_id in ids:
        e = _err(lambda: s3.list_parts(Bucket="uploads-only", Key=key, UploadId=upload_id))
        assert error_code(e) == "NoSuchUpload"


def test_delete_bucket_with_an_object_is_bucket_not_empty_and_keeps_uploads(s3, bucket):
    s3.put_object(Bucket=bucket, Key="obj", Body=b"x")
    upload_id = create_upload(s3, bucket, "k")
    e = _err(lambda: s3.delete_bucket(Bucket=bucket))
    assert error_code(e) == "BucketNotEmpty"
    assert http_status(e) == 409
    listed = s3.list_multipart_uploads(Bucket=bucket)["Uploads"]
    assert [(u["Key"], u["UploadId"]) for u in listed] == [("k", upload_id)]
