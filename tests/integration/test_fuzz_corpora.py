"""Issue 17: the libFuzzer corpora (fuzz/corpus/<target>/, seeds from fuzz/make_seeds.py plus what
fuzzing found) replayed through every target of the ordinary debug build of cairn-fuzz. Inputs
that once crashed a parser stay in the corpus, so this is their regression test; scripts/fuzz
does the fuzzing itself (RELIABILITY.md)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from cairntest import CAIRN_BIN

ROOT = Path(__file__).resolve().parents[2]
FUZZ_BIN = Path(CAIRN_BIN).with_name("cairn-fuzz")
TARGETS = ["aws-chunked", "endpoint", "headers", "xml", "sigv4", "policy", "values", "post-form"]


@pytest.mark.parametrize("target", TARGETS)
def test_corpus_replays_without_a_crash(target):
    corpus = ROOT / "fuzz" / "corpus" / target
    files = list(corpus.iterdir())
    assert len(files) >= 2, f"no corpus for {target}"
    proc = subprocess.run([str(FUZZ_BIN), target, str(corpus)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert f"{target}: {len(files)} inputs, no crash" in proc.stdout
