"""ListBuckets paged as S3 has since 2024: max-buckets, continuation-token, prefix, bucket-region
(ListBuckets API reference). Without max-buckets every bucket comes in one answer."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from cairntest import error_code, http_status, parse_error

NAMES = ["alpha-1", "alpha-2", "alpha-3", "beta-1", "beta-2", "gamma-1", "gamma.2"]


@pytest.fixture
def named(s3):
    for n in NAMES:
        s3.create_bucket(Bucket=n)
    return s3


def test_list_buckets_without_parameters_returns_all_without_token(named):
    resp = named.list_buckets()
    assert [b["Name"] for b in resp["Buckets"]] == NAMES
    assert "ContinuationToken" not in resp
    assert "Prefix" not in resp


def test_list_buckets_pages_with_max_buckets_and_continuation_token(named):
    seen, token, pages = [], None, 0
    while True:
        kw = {"MaxBuckets": 3}
        if token:
            kw["ContinuationToken"] = token
        resp = named.list_buckets(**kw)
        pages += 1
        seen += [b["Name"] for b in resp["Buckets"]]
        assert all(b["BucketRegion"] == "us-east-1" for b in resp["Buckets"])
        token = resp.get("ContinuationToken")
        if not token:
            break
    assert seen == NAMES
    assert pages == 3


def test_list_buckets_paginator_with_prefix(named):
    pages = list(named.get_paginator("list_buckets").paginate(Prefix="alpha-", PaginationConfig={"PageSize": 2}))
    assert [b["Name"] for p in pages for b in p["Buckets"]] == ["alpha-1", "alpha-2", "alpha-3"]
    assert all(p["Prefix"] == "alpha-" for p in pages)
    assert len(pages) == 2


def test_list_buckets_bucket_region_filters(named):
    assert [b["Name"] for b in named.list_buckets(BucketRegion="us-east-1")["Buckets"]] == NAMES
    assert named.list_buckets(BucketRegion="eu-west-1")["Buckets"] == []


def test_list_buckets_with_the_aws_cli(named, aws):
    out = aws.json("s3api", "list-buckets", "--prefix", "gamma", "--max-items", "1")
    assert [b["Name"] for b in out["Buckets"]] == ["gamma-1"]
    assert out.get("NextToken")


@pytest.mark.parametrize("value", ["0", "10001", "abc", "-1"])
def test_list_buckets_max_buckets_out_of_range_is_invalid_argument(server, named, value):
    resp = server.signed_request("GET", "/", query=f"max-buckets={value}")
    assert resp.status_code == 400
    err = parse_error(resp.content)
    assert err["Code"] == "InvalidArgument"
    assert err["ArgumentName"] == "max-buckets"


def test_list_buckets_bad_continuation_token_is_invalid_argument(named):
    with pytest.raises(ClientError) as e:
        named.list_buckets(MaxBuckets=1, ContinuationToken="%%%not-a-token")
    assert http_status(e.value) == 400
    assert error_code(e.value) == "InvalidArgument"
