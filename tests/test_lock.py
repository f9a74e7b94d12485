"""requirements.lock: what the Docker image installs. Every runtime dependency of
pyproject.toml is pinned there, inside its range, with hashes, and the image installs it that
way. A floor raised in pyproject.toml without `make lock` fails here."""

from __future__ import annotations

import re
import tomllib

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from tests.conftest import ROOT
from tests.test_deployment import dockerignored, parse_dockerfile

LOCK = ROOT / "requirements.lock"
#: The image: Python 3.11 on Linux.
IMAGE = {"python_version": "3.11", "python_full_version": "3.11.9", "sys_platform": "linux"}
_PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^\s;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$")


def _pins() -> dict[str, list[tuple[str, str | None, int]]]:
    """name → [(version, marker, hashes)] as the lock lists them."""
    pins: dict[str, list[tuple[str, str | None, int]]] = {}
    current: list[tuple[str, str | None, int]] | None = None
    for line in LOCK.read_text("utf-8").splitlines():
        if match := _PIN.match(line):
            entry = (match[2], match[3], 0)
            current = pins.setdefault(canonicalize_name(match[1]), [])
            current.append(entry)
        elif line.strip().startswith("--hash=sha256:") and current:
            version, marker, hashes = current[-1]
            current[-1] = (version, marker, hashes + 1)
    return pins


def _for_image(entries: list[tuple[str, str | None, int]]) -> list[tuple[str, str | None, int]]:
    return [e for e in entries if e[1] is None or Marker(e[1]).evaluate(IMAGE)]


def _dependencies() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    return [Requirement(spec) for spec in project["dependencies"]]


def test_every_pin_has_hashes() -> None:
    pins = _pins()
    assert len(pins) > 30
    for name, entries in pins.items():
        for version, _, hashes in entries:
            assert hashes >= 1, f"{name}=={version} has no hash"


@pytest.mark.parametrize("requirement", _dependencies(), ids=lambda r: r.name)
def test_every_dependency_is_pinned_inside_its_range(requirement: Requirement) -> None:
    if requirement.marker is not None and not requirement.marker.evaluate(IMAGE):
        return
    entries = _for_image(_pins().get(canonicalize_name(requirement.name), []))
    assert len(entries) == 1, f"{requirement.name}: one pin for the image, found {entries}"
    version = entries[0][0]
    assert requirement.specifier.contains(version, prereleases=True), (
        f"{requirement.name}=={version} is outside {requirement.specifier}: run make lock"
    )


def test_the_image_installs_the_lock_with_hashes_and_nothing_else() -> None:
    instructions = parse_dockerfile((ROOT / "Dockerfile").read_text("utf-8"))
    builder = [i for i in instructions if i.stage == 0]
    runs = [i for i in builder if i.keyword == "RUN" and "pip install" in i.value]
    locked = [i for i in runs if "-r requirements.lock" in i.value]
    assert len(locked) == 1
    assert "--require-hashes" in locked[0].value
    assert "--no-deps" in locked[0].value
    # Every other install is the project itself, without dependencies of its own choosing.
    for run in runs:
        if run is not locked[0]:
            assert re.search(r"pip install --no-deps \.(\s|$)", run.value), run.value
            assert run.line > locked[0].line
    assert not dockerignored("requirements.lock")


#: Versions with known advisories (pyproject.toml's comment names them): the range of each
#: must start above them, whatever the lock pins today.
ADVISORY_FLOORS = {
    "aiohttp": "3.14.1",
    "jinja2": "3.1.6",
    "cryptography": "50",
    "pillow": "12.1.1",
    "urllib3": "2.7",
    "h11": "0.16",
}


@pytest.mark.parametrize(("name", "floor"), sorted(ADVISORY_FLOORS.items()))
def test_no_range_admits_a_version_with_a_known_advisory(name: str, floor: str) -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    ranges = {
        canonicalize_name(requirement.name): requirement.specifier
        for requirement in map(Requirement, project["dependencies"])
    }
    assert name in ranges, name
    floors = [Version(s.version) for s in ranges[name] if s.operator in (">=", ">", "~=", "==")]
    assert floors, (name, str(ranges[name]))
    assert max(floors) >= Version(floor), (name, str(ranges[name]))
