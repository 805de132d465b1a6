#!/usr/bin/env python3
"""Generates s3-model.json: the slice of botocore's S3 model (shapes, http bindings,
paginators, aws-CLI argument names) that `cairn s3api` needs. Regenerate with
    python3 Sources/CairnClient/Model/generate_model.py > Sources/CairnClient/Model/s3-model.json
We take the model from botocore (the aws CLI's own source of truth) so that skeletons, argument
names and output field order match the aws CLI exactly."""
import json
import re
import botocore.session
from botocore import xform_name

s = botocore.session.get_session()
m = s.get_service_model("s3")
# Every operation of the model: the aws CLI offers them all (`aws s3api help`).
OPS = list(m.operation_names)
pag = s.get_paginator_model("s3")
shapes = {}


def first_sentence(doc):
    t = re.sub(r"<[^>]+>", "", doc or "").strip()
    t = re.sub(r"\s+", " ", t)
    mm = re.match(r"(.+?\.)(\s|$)", t)
    return (mm.group(1) if mm else t)[:200]


def visit(shape):
    if shape.name in shapes:
        return
    d = {"type": shape.type_name}
    shapes[shape.name] = d
    if shape.type_name == "structure":
        mem = []
        for name, ms in shape.members.items():
            e = {"name": name, "shape": ms.name}
            ser = ms.serialization
            # botocore merges the member's traits over its shape's: take the merged view.
            for k in ("location", "name", "flattened", "xmlNamespace", "streaming", "xmlAttribute",
                      "timestampFormat", "jsonvalue", "eventstream"):
                if k in ser:
                    e["loc" if k == "location" else ("wire" if k == "name" else k)] = ser[k]
            if name in shape.required_members:
                e["required"] = True
            e["doc"] = first_sentence(ms.documentation)
            mem.append(e)
            visit(ms)
        d["members"] = mem
        if "payload" in shape.serialization:
            d["payload"] = shape.serialization["payload"]
        if shape.serialization.get("name"):
            d["xmlName"] = shape.serialization["name"]
        if shape.serialization.get("xmlNamespace"):
            d["xmlNamespace"] = shape.serialization["xmlNamespace"]
    elif shape.type_name == "list":
        d["member"] = shape.member.name
        # None when the member ref has no locationName: serialisation says `member`, while a
        # flattened list's parser then falls back to the structure member's name.
        if "name" in shape.member.serialization:
            d["memberName"] = shape.member.serialization["name"]
        if shape.serialization.get("flattened"):
            d["flattened"] = True
        visit(shape.member)
    elif shape.type_name == "map":
        d["key"] = shape.key.name
        d["value"] = shape.value.name
        d["keyName"] = shape.key.serialization.get("name", "key")
        d["valueName"] = shape.value.serialization.get("name", "value")
        if shape.serialization.get("flattened"):
            d["flattened"] = True
        visit(shape.key)
        visit(shape.value)
    else:
        if getattr(shape, "enum", None):
            d["enum"] = list(shape.enum)
        if shape.type_name == "timestamp" and shape.serialization.get("timestampFormat"):
            d["timestampFormat"] = shape.serialization["timestampFormat"]


ops = {}
for name in OPS:
    o = m.operation_model(name)
    e = {"method": o.http["method"], "uri": o.http["requestUri"],
         "cli": xform_name(name, "-")}
    if o.input_shape is not None:
        e["input"] = o.input_shape.name
        visit(o.input_shape)
    if o.output_shape is not None:
        e["output"] = o.output_shape.name
        visit(o.output_shape)
    if o.http_checksum:
        e["checksum"] = {k: v for k, v in o.http_checksum.items() if isinstance(v, (str, bool))}
    if o.http_checksum_required:
        e["checksumRequired"] = True
    if o.endpoint and o.endpoint.get("hostPrefix"):
        e["hostPrefix"] = o.endpoint["hostPrefix"]
    # The endpoint rules sign Object Lambda calls as `s3-object-lambda`.
    if any(p.name == "UseObjectLambdaEndpoint" and p.value for p in o.static_context_parameters):
        e["signingName"] = "s3-object-lambda"
    if pag.get_paginator(name) if name in pag._paginator_config else None:
        p = dict(pag.get_paginator(name))
        for k in ("input_token", "output_token", "result_key", "non_aggregate_keys"):
            if k in p and isinstance(p[k], str):
                p[k] = [p[k]]
        e["paginator"] = p
    ops[name] = e

# aws-CLI argument names: members as the CLI hyphenates them.
for sh in shapes.values():
    for mem in sh.get("members", []):
        mem["cli"] = xform_name(mem["name"], "-")

# The JSON is embedded into the binary as is (Package.swift: `.embedInCode`); the first key says
# where it came from (JSON has no comments; the decoder ignores it).
print(json.dumps({"generatedBy": "Sources/CairnClient/Model/generate_model.py from botocore " + botocore.__version__ + "; do not edit",
                  "operations": ops, "shapes": shapes}, sort_keys=False, separators=(",", ":")))
