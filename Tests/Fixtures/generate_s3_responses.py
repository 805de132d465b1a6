#!/usr/bin/env python3
"""Writes s3_responses.json: for every S3 operation whose output is parsed from headers and XML,
a sample response (headers, and an XML body written by botocore's own rest-xml serializer from
the output shape's member-name skeleton) and what botocore's parser makes of it, as the aws CLI
sees it (timestamps left as sent; handle_expires_header applied). The Swift test
S3APIAllOperationsTests parses the same responses with ModelCodec and compares. Regenerate with
    python3 Tests/Fixtures/generate_s3_responses.py > Tests/Fixtures/s3_responses.json
"""
import base64
import json
import sys
from xml.etree import ElementTree

import botocore
import botocore.session
from botocore import handlers, parsers, serialize
from botocore.utils import ArgumentGenerator

model = botocore.session.get_session().get_service_model("s3")
writer = serialize.RestXMLSerializer()
skeletons = ArgumentGenerator(use_member_names=True)


def header_value(shape, value):
    if shape.type_name == "timestamp":
        return "Thu, 01 Jan 1970 00:00:00 GMT"
    if shape.type_name == "boolean":
        return "true"
    if shape.type_name == "list":
        return ",".join(str(v) for v in value)
    return str(value)


def xml_body(shape, value, root):
    pseudo = ElementTree.Element("")
    writer._serialize(shape, value, pseudo, root)
    return ElementTree.tostring(list(pseudo)[0], encoding="utf-8")


out = []
for name in model.operation_names:
    op = model.operation_model(name)
    shape = op.output_shape
    # GetBucketLocation is parsed by a handler (its root text); GetBucketNotification's `Event`
    # and `Events` share one element name, which botocore itself parses into raw Elements.
    if shape is None or op.has_event_stream_output or name in ("GetBucketLocation", "GetBucketNotification"):
        continue
    payload = shape.serialization.get("payload")
    if payload and shape.members[payload].type_name == "blob":
        continue  # streamed to an outfile
    sample = skeletons.generate_skeleton(shape)
    headers, body_members = {}, {}
    for member, mshape in shape.members.items():
        loc = mshape.serialization.get("location")
        if loc == "header":
            headers[mshape.serialization.get("name", member)] = header_value(mshape, sample[member])
        elif loc == "headers":
            for k, v in sample[member].items():
                headers[mshape.serialization.get("name", "") + k] = v
        elif loc is None and member != payload and sample.get(member) is not None:
            body_members[member] = sample[member]
    if payload and shape.members[payload].type_name == "string":
        body = b"Policy document"
    elif payload:
        p = shape.members[payload]
        body = xml_body(p, sample[payload], p.serialization.get("name", payload))
    else:
        body = xml_body(shape, body_members, name + "Result") if body_members else b""
    response = {"status_code": 200, "headers": headers, "body": body}
    customized = {}
    handlers.handle_expires_header(op, dict(response, headers=dict(headers)), customized)
    parsed = parsers.RestXMLParser(timestamp_parser=lambda t: t).parse(response, shape)
    parsed.pop("ResponseMetadata", None)
    parsed.update(customized)
    out.append({"operation": name, "headers": sorted(headers.items()), "body": base64.b64encode(body).decode(),
                "parsed": parsed})
json.dump({"botocore": botocore.__version__, "responses": out}, sys.stdout, indent=1,
          default=lambda d: d.isoformat())
sys.stdout.write("\n")
