#!/usr/bin/env python3
"""Writes s3api_arguments.json: for every `aws s3api` operation, the arguments the aws CLI's own
argument table offers (name, required, boolean), and its `--generate-cli-skeleton input` document
(enums take their first value, as `cairn` does; botocore picks one at random). The Swift test
S3APIAllOperationsTests checks `cairn s3api` against it. Regenerate with
    python3 Tests/Fixtures/generate_s3api_arguments.py > Tests/Fixtures/s3api_arguments.json
"""
import json
import random
import sys

import awscli
import botocore
from awscli.clidriver import create_clidriver
from botocore.utils import ArgumentGenerator

random.choice = lambda seq: seq[0]
table = create_clidriver()._get_command_table()["s3api"]._get_command_table()
ops = {}
for name in sorted(table):
    if name == "wait":  # waiters, not an operation of the model
        continue
    op = table[name]
    args = []
    for arg_name, arg in op.arg_table.items():
        model = getattr(arg, "argument_model", None)
        # A positional (`outfile`) is required by argparse whatever the argument object says.
        required = bool(arg.required) or bool(getattr(arg, "positional_arg", False))
        args.append({"name": arg_name, "required": required,
                     "boolean": type(arg).__name__ == "BooleanArgument",
                     "type": model.type_name if model is not None else None})
    shape = op._operation_model.input_shape
    skeleton = ArgumentGenerator().generate_skeleton(shape) if shape is not None else {}
    ops[name] = {"operation": op._operation_model.name, "arguments": args, "skeleton": skeleton}
json.dump({"awscli": awscli.__version__, "botocore": botocore.__version__, "operations": ops},
          sys.stdout, indent=1, default=lambda d: d.strftime("%Y-%m-%dT%H:%M:%S"))
sys.stdout.write("\n")
