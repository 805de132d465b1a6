"""Issue 17: mutated real requests against a live server (tests/integration/protocolfuzz.py).

A short deterministic run per seed here; scripts/fuzz-protocol runs long ones (RELIABILITY.md).
Every answer must be a complete HTTP response with S3 error XML, or a closed connection; never a
500, a hang or a crash; and nothing a rejected write sent may become visible."""

from __future__ import annotations

import socket

import pytest

from protocolfuzz import ProtocolFuzzer, read_answer


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_mutated_requests_get_s3_answers_and_change_nothing(start_server, seed):
    server = start_server(extra_args=["--idle-timeout", "3"])
    fuzzer = ProtocolFuzzer("127.0.0.1", server.port, server.default_user, seed=seed,
                            alive=server.is_running)
    findings = fuzzer.run(250)
    assert server.is_running(), server.log_tail(40)
    assert not findings, "\n".join(findings[:10])
    # The run must have exercised both outcomes, or it proves nothing.
    assert fuzzer.counts.get("200", 0) > 10 and fuzzer.counts.get("400", 0) + fuzzer.counts.get("403", 0) > 50


def raw(server, wire: bytes, *, half_close: bool = True):
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        s.sendall(wire)
        if half_close:
            s.shutdown(socket.SHUT_WR)
        return read_answer(s, False, 10)


@pytest.mark.parametrize("wire", [
    b"GET / HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n",
    b"PUT /b/k HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\nabc",
    b"PUT /b/k HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n",
], ids=["header-line", "content-length", "chunk-size"])
def test_unparseable_http_is_400_bad_request_xml(server, wire):
    ans = raw(server, wire)
    assert ans.status == 400, ans
    assert b"<Code>BadRequest</Code>" in ans.body
    assert b"An error occurred when parsing the HTTP request." in ans.body
    assert ans.headers.get("connection") == "close"
    assert server.is_running()


@pytest.mark.parametrize("body", [
    b"<a>" * 10_000 + b"</a>" * 10_000,
    b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
    b"<Delete><Object><Key>&b;</Key></Object></Delete>",
    b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b"<Delete><Object><Key>&x;</Key></Object></Delete>",
    b"<?K?><Delete><Object><Key>a</Key></Object></Delete>",
], ids=["deep-nesting", "entity-expansion", "external-entity", "processing-instruction"])
def test_hostile_xml_bodies_are_malformed_xml(server, s3, bucket, body):
    # The deep one killed the server (stack overflow in the XML parser) before XMLShapeLimits.
    import base64
    import hashlib
    md5 = base64.b64encode(hashlib.md5(body).digest()).decode()
    r = server.signed_request("POST", f"/{bucket}", query="delete", body=body, headers={"Content-MD5": md5})
    assert r.status_code == 400, r.text
    assert "<Code>MalformedXML</Code>" in r.text
    assert server.is_running()
    s3.put_object(Bucket=bucket, Key="still", Body=b"alive")


def test_invalid_utf8_in_an_xml_body_is_malformed_xml(server, s3, bucket):
    # Foundation's XMLParser crashed the server on this element name (found by the fuzzer, seed 6).
    r = server.signed_request("PUT", f"/{bucket}", query="versioning",
                              body=b"<Vers\xc3(ioningConfiguration><Status>Suspended</Status></VersioningConfiguration>")
    assert r.status_code == 400 and "<Code>MalformedXML</Code>" in r.text, r.text
    assert server.is_running()
    s3.put_object(Bucket=bucket, Key="still", Body=b"alive")


def test_the_xml_declaration_is_still_accepted(server, s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    body = b'\xef\xbb\xbf<?xml version="1.0" encoding="UTF-8"?>\n<Delete><Object><Key>k</Key></Object><Quiet>true</Quiet></Delete>'
    import base64
    import hashlib
    r = server.signed_request("POST", f"/{bucket}", query="delete", body=body,
                              headers={"Content-MD5": base64.b64encode(hashlib.md5(body).digest()).decode()})
    assert r.status_code == 200, r.text
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket)
