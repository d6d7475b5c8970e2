"""peacetalks publish --to PATH: a local git repository gets one commit and one tag per version."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

import peacetalks.release.publish as publish_mod
from peacetalks.cli import app
from peacetalks.errors import PublishError
from peacetalks.release.checksums import release_files
from peacetalks.release.publish import publish_git
from tests.release.test_release import load_in_fresh_process


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True).stdout.strip()


def test_two_versions_each_tag_checks_out_as_released(two_releases: tuple[Path, Path], tmp_path: Path) -> None:
    """Each tag, checked out in a clone, holds exactly the release's files and loads the same."""
    repo = tmp_path / "published"
    for folder in two_releases:
        publish_git(folder, repo)
    assert git(repo, "tag", "--list").split() == ["v0.1.0", "v0.2.0"]
    assert git(repo, "rev-list", "--count", "main") == "2"
    assert git(repo, "status", "--porcelain") == ""
    for folder, tag in zip(two_releases, ("v0.1.0", "v0.2.0"), strict=True):
        clone = tmp_path / f"clone-{tag}"
        subprocess.run(["git", "clone", "-q", "--branch", tag, str(repo), str(clone)], check=True, capture_output=True)
        assert release_files(clone) == release_files(folder)
        assert all((clone / f).read_bytes() == (folder / f).read_bytes() for f in release_files(folder))
        assert load_in_fresh_process(str(clone)) == load_in_fresh_process(str(folder))
    log = (tmp_path / "clone-v0.2.0" / "CHANGELOG.md").read_text()
    assert "Compared with 0.1.0." in log


def test_an_existing_tag_is_refused(two_releases: tuple[Path, Path], tmp_path: Path) -> None:
    repo = tmp_path / "published"
    publish_git(two_releases[0], repo)
    with pytest.raises(PublishError) as exc:
        publish_git(two_releases[0], repo)
    assert exc.value.code == "tag-exists"


def test_dry_run_lists_changes_and_writes_nothing(two_releases: tuple[Path, Path], tmp_path: Path) -> None:
    repo = tmp_path / "published"
    assert publish_git(two_releases[0], repo, dry_run=True).commit is None
    assert not repo.exists()
    publish_git(two_releases[0], repo)
    plan = publish_git(two_releases[1], repo, dry_run=True).plan
    assert "data/documents/test-00000-of-00001.parquet" in plan.added
    assert "CHANGELOG.md" in plan.changed
    assert plan.deleted == []
    assert git(repo, "tag", "--list").split() == ["v0.1.0"]


def test_stale_files_are_deleted(two_releases: tuple[Path, Path], tmp_path: Path) -> None:
    """Files of the previous commit that the release does not have are gone from the new commit."""
    repo = tmp_path / "published"
    publish_git(two_releases[0], repo)
    (repo / "stale.txt").write_text("old\n")
    git(repo, "add", "stale.txt")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "stale")
    result = publish_git(two_releases[1], repo)
    assert result.plan.deleted == ["stale.txt"]
    assert "stale.txt" not in git(repo, "ls-tree", "-r", "--name-only", "v0.2.0").split()


def test_an_interrupted_publish_leaves_no_commit_or_tag(
    two_releases: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure before the ref transaction moves neither the branch nor a tag, and the tree stays clean."""
    repo = tmp_path / "published"
    publish_git(two_releases[0], repo)
    head = git(repo, "rev-parse", "main")
    real = publish_mod._git

    def failing(where: Path, *args: str, **kwargs: object) -> str:
        if args and args[0] == "update-ref":
            raise RuntimeError("simulated interruption")
        return real(where, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(publish_mod, "_git", failing)
    with pytest.raises(RuntimeError):
        publish_git(two_releases[1], repo)
    assert git(repo, "rev-parse", "main") == head
    assert git(repo, "tag", "--list").split() == ["v0.1.0"]
    assert git(repo, "status", "--porcelain") == ""


def test_a_modified_release_is_refused(two_releases: tuple[Path, Path], tmp_path: Path) -> None:
    (two_releases[0] / "README.md").write_text("edited\n")
    with pytest.raises(PublishError) as exc:
        publish_git(two_releases[0], tmp_path / "published")
    assert exc.value.code == "release-modified"


def test_cli_publish_to_path(two_releases: tuple[Path, Path], tmp_path: Path) -> None:
    runner = CliRunner()
    dry = runner.invoke(app, ["publish", str(two_releases[0]), "--to", str(tmp_path / "r"), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "add README.md" in dry.stdout
    done = runner.invoke(app, ["publish", str(two_releases[0]), "--to", str(tmp_path / "r")])
    assert done.exit_code == 0, done.output
    both = runner.invoke(app, ["publish", str(two_releases[0])])
    assert both.exit_code == 2
