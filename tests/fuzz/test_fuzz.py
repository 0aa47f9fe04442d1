"""The fuzz corpus through the real CLI: every case exits 2 with one line naming its key.

Cases and their counts: fuzz_cases.py (``python tests/fuzz/fuzz_cases.py``). Each runs in its
own process (see fuzz_server.py and conftest.py) with a timeout: a case the CLI accepted would
start real work, and is reported as such instead of hanging the suite.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from conftest import run_fresh
from fuzz_cases import COMMANDS, EXAMPLES, all_cases, counts

CASES = all_cases()
TIMEOUT = 60  # s; a refusal takes well under 1 s


def _argv(case, tmp, shared) -> list[str]:
    return [part.replace("{tmp}", str(tmp)).replace("{shared}", str(shared))
            .replace("{examples}", str(EXAMPLES)) for part in case.argv]


def _prepare(case, tmp) -> None:
    if case.config is not None:
        path = tmp / "config.toml"
        if isinstance(case.config, bytes):
            path.write_bytes(case.config)
        else:
            path.write_text(case.config, encoding="utf-8")


def assert_refused(case, result: dict) -> None:
    """Exit 2, no traceback, one line ``multiscale CMD: error: ...`` naming ``case.names``.

    argparse's own refusals (a bad option value) print their usage block first: it is
    standard and set aside; the line after it is the one checked.
    """
    stderr = result["stderr"]
    assert not result["timed_out"], f"accepted: the command started work\n{stderr}"
    assert "Traceback" not in stderr, stderr
    assert result["rc"] == 2, f"exit {result['rc']}\n{stderr}\n{result['stdout'][-2000:]}"
    lines = [line for line in stderr.splitlines() if line.strip()]
    if lines and lines[0].startswith("usage: multiscale"):
        lines = [line for line in lines if not line.startswith(("usage:", " "))]
    assert len(lines) == 1, stderr
    assert lines[0].startswith(f"multiscale {case.command}: error: "), lines[0]
    assert case.names in lines[0], f"{case.names!r} not named in: {lines[0]}"


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    """``folders(case)``: a new, empty folder for the case (cheaper than ``tmp_path``)."""
    root = tmp_path_factory.mktemp("fuzz-cases")
    return lambda case: Path(tempfile.mkdtemp(prefix="case-", dir=root))


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_refused_with_one_line_naming_the_key(case, cli, shared, folders):
    tmp = folders(case)
    _prepare(case, tmp)
    result = cli(_argv(case, tmp, shared), tmp, TIMEOUT)
    assert_refused(case, result)


def test_corpus_covers_every_command():
    by_command, by_category = counts(CASES)
    assert len(CASES) >= 150
    assert all(by_command[command] >= 10 for command in COMMANDS), by_command
    assert {"nan", "inf", "huge", "negative", "zero", "unknown-key", "encoding", "binary",
            "truncated", "empty", "directory", "bad-path"} <= set(by_category)


@pytest.mark.parametrize("command", ["sweep", "classify", "calibrate"])
def test_a_fresh_interpreter_gives_the_servers_answer(command, cli, shared, tmp_path):
    """The forked children answer as ``python -m multiscale.cli`` does (one case a command:
    a fresh interpreter costs ~2 s)."""
    case = next(c for c in CASES if c.command == command)
    _prepare(case, tmp_path)
    argv = _argv(case, tmp_path, shared)
    fresh = run_fresh(argv, tmp_path, TIMEOUT)
    assert_refused(case, fresh)
    forked = cli(argv, tmp_path, TIMEOUT)
    assert (forked["rc"], forked["stderr"], forked["stdout"]) == (
        fresh["rc"], fresh["stderr"], fresh["stdout"])
