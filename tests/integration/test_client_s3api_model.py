"""The model walk: for every operation of botocore's S3 model, `cairn s3api` offers the same
operation as the aws CLI's s3api, its help synopsis lists the same parameters (documented ones,
booleans with their `--no-` form, the `outfile` positional, pagination options), and its
`--generate-cli-skeleton` prints the same input skeleton (same members, same nesting, same order;
string values aside, since botocore picks an enum's value at random). The aws CLI runs in this
process through its own driver (~0.02 s a call), so one test covers all 111 operations.

Not compared: `--cli-input-yaml` and `--cli-auto-prompt`, which `cairn` has from the aws CLI v2
and the v1 CLI installed here lacks."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import subprocess

from cairntest import CAIRN_BIN

V2_ONLY = {"cli-input-yaml", "cli-auto-prompt"}


def aws_driver():
    import awscli  # noqa: F401 - sets AWS_DATA_PATH at import
    from awscli.clidriver import create_clidriver
    return create_clidriver()


def aws_operations(driver):
    """The s3api operations and their argument tables (`wait` is the waiters, not an operation)."""
    table = driver._get_command_table()["s3api"]._get_command_table()
    return {name: cmd for name, cmd in table.items() if name != "wait"}


def aws_help_params(cmd) -> set[str]:
    """What `aws s3api OP help` lists in its synopsis: the documented arguments."""
    return {name for name, arg in cmd.arg_table.items() if not getattr(arg, "_UNDOCUMENTED", False)} - V2_ONLY


def aws_skeleton(cmd) -> str | None:
    """What `aws s3api OP --generate-cli-skeleton` prints, from the operation's own
    GenerateCliSkeletonArgument (operations with an outfile have none)."""
    from argparse import Namespace
    arg = cmd.arg_table.get("generate-cli-skeleton")
    if arg is None:
        return None
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        arg.generate_json_skeleton(call_parameters={}, parsed_args=Namespace(generate_cli_skeleton="input"), parsed_globals=None)
    return out.getvalue()


def cairn(*args):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    return subprocess.run([CAIRN_BIN, *args], capture_output=True, env=env, timeout=30)


def cairn_help_params(op) -> set[str]:
    p = cairn("s3api", op, "--help")
    assert p.returncode == 0, (op, p.stderr)
    synopsis = p.stdout.decode().split("\nGlobal options")[0]
    names = set(re.findall(r"--([a-z0-9-]+)", synopsis)) - V2_ONLY
    if "<outfile>" in synopsis:
        names.add("outfile")
    return names


def shape_of(text: str):
    """The skeleton's members in order, with every string value blanked (enums are random)."""
    def blank(v):
        if isinstance(v, list) and v and all(isinstance(x, tuple) for x in v):
            return [(k, blank(x)) for k, x in v]
        if isinstance(v, list):
            return [blank(x) for x in v]
        return "" if isinstance(v, str) else v
    return blank(json.loads(text, object_pairs_hook=list))


def test_every_operation_has_the_aws_cli_parameters_and_skeleton():
    driver = aws_driver()
    ops = aws_operations(driver)
    assert len(ops) >= 100, len(ops)
    # The same operations: cairn names its choices when given an unknown one.
    p = cairn("s3api", "no-such-operation")
    listed = set(p.stderr.decode().split("valid choices are:")[1].split())
    assert listed == set(ops), (set(ops) ^ listed)
    mismatches = []
    skeletons = 0
    for op, cmd in sorted(ops.items()):
        theirs, mine = aws_help_params(cmd), cairn_help_params(op)
        if theirs != mine:
            mismatches.append(f"{op} help: only aws {sorted(theirs - mine)}, only cairn {sorted(mine - theirs)}")
        expected = aws_skeleton(cmd)
        got = cairn("s3api", op, "--generate-cli-skeleton")
        if expected is None:
            # Operations with an outfile (get-object, ...) have no skeleton in the aws CLI.
            if got.returncode == 0:
                mismatches.append(f"{op}: aws has no skeleton, cairn printed one")
            continue
        skeletons += 1
        if got.returncode != 0 or shape_of(got.stdout.decode()) != shape_of(expected):
            mismatches.append(f"{op} skeleton:\n  cairn {got.stdout.decode()!r} {got.stderr.decode()!r}\n  aws   {expected!r}")
    assert not mismatches, "\n".join(mismatches)
    assert skeletons >= 100, skeletons
