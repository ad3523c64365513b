"""The Dockerfile and the package list cannot be built here; these checks keep them from rotting."""

import importlib.util
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def dockerfile_lines() -> list[str]:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    joined = re.sub(r"\\\n", " ", text)
    return [
        line.strip() for line in joined.splitlines() if line.strip() and not line.startswith("#")
    ]


def test_dockerfile_runs_as_non_root_with_auditor_entrypoint() -> None:
    lines = dockerfile_lines()
    assert lines[0].startswith("FROM python:") and "slim" in lines[0]
    users = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert users and users[-1] not in ("root", "0")
    assert 'ENTRYPOINT ["auditor"]' in lines
    assert 'CMD ["daemon", "--config", "/etc/auditor/auditor.toml"]' in lines
    assert any(line.startswith("VOLUME") and "reports" in line for line in lines)
    assert any(line.startswith("RUN pip install .") for line in lines)


def test_dockerfile_holds_no_secrets() -> None:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8").lower()
    for word in ("client_secret", "password", "token=", "azure_client_secret", "sig="):
        assert word not in text
    assert not re.search(r"^\s*(env|arg)\s+\w*(secret|key|token)\w*", text, re.MULTILINE)


def test_setup_finds_every_package_folder() -> None:
    spec = importlib.util.spec_from_file_location("project_setup", ROOT / "setup.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # only defines packages(): setup() runs under __main__
    found = {
        ".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "auditor").rglob("__init__.py")
    } | {
        ".".join(("auditor_rules", *p.parent.relative_to(ROOT / "rules").parts))
        for p in (ROOT / "rules").rglob("__init__.py")
    }
    assert set(module.packages()) == found
    assert {"auditor.collect.areas", "auditor_rules.network"} <= found


def test_ci_runs_make_test() -> None:
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
