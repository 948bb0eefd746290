"""pyproject.toml, environment.yml and requirements.lock name the same packages at the same versions."""
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def norm(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def lock_versions():
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if line and not line.startswith("#"):
            name, version = line.split("==")
            pins[norm(name)] = version.strip()
    return pins


def pyproject_names():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = project["dependencies"] + [r for extra in project["optional-dependencies"].values() for r in extra]
    return {norm(re.split(r"[<>=!~ ;\[]", r)[0]) for r in reqs}


def environment_pins():
    pins = {}
    for line in (ROOT / "environment.yml").read_text().splitlines():
        m = re.match(r"^\s+- ([A-Za-z0-9_.-]+)=([0-9][^\s]*)$", line)
        if m and m.group(1) != "python":
            pins[norm(m.group(1))] = m.group(2)
    return pins


def test_environment_yml_lists_the_pyproject_packages():
    assert set(environment_pins()) == pyproject_names()


def test_environment_yml_pins_the_locked_versions():
    lock = lock_versions()
    for name, version in environment_pins().items():
        assert lock.get(name) == version, f"{name}: environment.yml {version}, requirements.lock {lock.get(name)}"


def test_every_dependency_is_locked_exactly():
    lock = lock_versions()
    assert pyproject_names() <= set(lock), pyproject_names() - set(lock)
