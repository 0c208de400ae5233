"""The command-line binary the tests compare the Python answers with.

Its path is DETENTE_BIN, or `<CARGO_TARGET_DIR or the repository's target>/debug/detente`
(scripts/test builds it, with the workspace's tests, before running pytest). A test that
needs it fails, rather than skips, when it is missing: the comparison is the point.
"""

import json
import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]


def binary() -> Path:
    """The `detente` binary to compare with; fails the test when there is none."""
    given = os.environ.get("DETENTE_BIN")
    if given:
        path = Path(given)
    else:
        target = Path(os.environ.get("CARGO_TARGET_DIR") or "target")
        path = (target if target.is_absolute() else REPO / target) / "debug" / "detente"
    if not path.is_file():
        pytest.fail(
            f"no detente binary at {path}: build it with `cargo build -p detente-cli` "
            "or point DETENTE_BIN at one",
            pytrace=False,
        )
    return path


def run_status(*args: str) -> "subprocess.CompletedProcess[str]":
    """`detente ARGS...` run to its end: exit status, standard output and error."""
    return subprocess.run(
        [str(binary()), *args], capture_output=True, text=True, timeout=300, check=False
    )


def run(*args: str) -> str:
    """What `detente ARGS...` writes on standard output; fails the test if it fails."""
    done = run_status(*args)
    assert done.returncode == 0, f"detente {' '.join(args)} failed:\n{done.stderr}"
    return done.stdout


def run_json(*args: str) -> dict:
    """The JSON `detente ARGS... --format json` writes."""
    return json.loads(run(*args, "--format", "json"))
