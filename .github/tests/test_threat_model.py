"""Every defence in docs/threat-model.md names the tests that show it: those tests must exist."""

import fnmatch
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
THREAT_MODEL = ROOT / "docs" / "threat-model.md"


def named_tests() -> set[str]:
    return set(re.findall(r"`(test_[\w*]+)`", THREAT_MODEL.read_text()))


def named_files() -> set[str]:
    return set(re.findall(r"`([\w/.-]+/test_\w+\.py)`", THREAT_MODEL.read_text()))


def defined_tests() -> set[str]:
    found = subprocess.run(
        ["git", "grep", "-h", "-o", "-E", r"def test_\w+", "--", "*.py"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return {line.removeprefix("def ") for line in found.split()} - {"def"}


def test_the_threat_model_names_tests() -> None:
    assert len(named_tests()) >= 10


def test_every_test_the_threat_model_names_exists() -> None:
    defined = defined_tests()
    missing = [name for name in named_tests() if not fnmatch.filter(defined, name)]
    assert not missing, f"docs/threat-model.md names tests that do not exist: {missing}"


def test_every_test_file_the_threat_model_names_exists() -> None:
    missing = [path for path in named_files() if not (ROOT / path).is_file()]
    assert not missing, f"docs/threat-model.md names test files that do not exist: {missing}"
