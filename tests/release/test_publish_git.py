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


def test_the_repository_carries_the_lfs_rules(two_releases: tuple[Path, Path], tmp_path: Path) -> None:
    """The commit has a .gitattributes giving Parquet and Arrow files to LFS; git applies it to the release's files."""
    repo = tmp_path / "published"
    result = publish_git(two_releases[0], repo)
    assert ".gitattributes" in result.plan.added
    assert "*.parquet filter=lfs diff=lfs merge=lfs -text" in git(repo, "show", "v0.1.0:.gitattributes").splitlines()
    shard = "data/entities/train-00000-of-00001.parquet"
    assert git(repo, "check-attr", "filter", "--", shard) == f"{shard}: filter: lfs"
    assert git(repo, "check-attr", "filter", "--", "README.md") == "README.md: filter: unspecified"
    publish_git(two_releases[1], repo)  # kept, not deleted, by the next version
    assert "filter=lfs" in git(repo, "show", "v0.2.0:.gitattributes")


def test_an_existing_gitattributes_is_kept(two_releases: tuple[Path, Path], tmp_path: Path) -> None:
    """A clone of a Hub repository has the Hub's own .gitattributes: the publish keeps it as it is."""
    repo = tmp_path / "clone"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / ".gitattributes").write_text("*.parquet filter=lfs diff=lfs merge=lfs -text\n*.bin -text\n")
    git(repo, "add", ".gitattributes")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "initial commit")
    result = publish_git(two_releases[0], repo)
    assert ".gitattributes" not in result.plan.added + result.plan.deleted
    assert git(repo, "show", "v0.1.0:.gitattributes").endswith("*.bin -text")


@pytest.mark.skipif(not publish_mod.lfs_available(), reason="git-lfs is not installed on this machine")
def test_with_git_lfs_the_parquet_files_are_pointers(two_releases: tuple[Path, Path], tmp_path: Path) -> None:
    repo = tmp_path / "published"
    publish_git(two_releases[0], repo)
    shard = "data/entities/train-00000-of-00001.parquet"
    assert git(repo, "show", f"v0.1.0:{shard}").startswith("version https://git-lfs.github.com/spec/v1")
    assert (repo / shard).read_bytes() == (two_releases[0] / shard).read_bytes()


@pytest.mark.parametrize("kind", ["file", "folder"])
def test_a_symlink_in_the_release_is_refused(two_releases: tuple[Path, Path], tmp_path: Path, kind: str) -> None:
    """A link (to a file outside, or to a folder) is refused before anything is written: nothing leaks."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "hostname").write_text("secret-host\n")
    folder = two_releases[0]
    link = folder / ("notes.txt" if kind == "file" else "extra")
    link.symlink_to(outside / "hostname" if kind == "file" else outside)
    repo = tmp_path / "published"
    with pytest.raises(PublishError) as exc:
        publish_git(folder, repo)
    assert exc.value.code == "release-modified"
    assert f"{link.name} [symlink-in-release]" in exc.value.message
    assert not repo.exists()


def test_a_link_replacing_a_listed_file_is_refused(two_releases: tuple[Path, Path], tmp_path: Path) -> None:
    """Even a link whose target has the right content: a release holds regular files only."""
    folder = two_releases[0]
    copy = tmp_path / "copy.md"
    copy.write_bytes((folder / "CHANGELOG.md").read_bytes())
    (folder / "CHANGELOG.md").unlink()
    (folder / "CHANGELOG.md").symlink_to(copy)
    with pytest.raises(PublishError) as exc:
        publish_git(folder, tmp_path / "published")
    assert "CHANGELOG.md [symlink-in-release]" in exc.value.message
    assert "CHANGELOG.md [missing-release-file]" in exc.value.message


def test_unlisted_files_and_a_missing_manifest_are_refused(two_releases: tuple[Path, Path], tmp_path: Path) -> None:
    folder = two_releases[0]
    (folder / "data" / "extra.parquet").write_bytes(b"not listed")
    (folder / "notes.txt").write_text("not listed\n")
    with pytest.raises(PublishError) as exc:
        publish_git(folder, tmp_path / "published")
    assert exc.value.code == "release-modified"
    assert exc.value.data["files"] == ["data/extra.parquet", "notes.txt"]  # every problem, in one run
    (folder / "SHA256SUMS").unlink()
    with pytest.raises(PublishError) as exc:
        publish_git(folder, tmp_path / "published")
    assert exc.value.code == "missing-manifest"


_KILL_AT_RESET = """
import os, signal, sys
from pathlib import Path
import peacetalks.release.publish as publish

real = publish._git

def killing(repo, *args, **kwargs):
    if args and args[0] == "reset":
        os.kill(os.getpid(), signal.SIGKILL)
    return real(repo, *args, **kwargs)

publish._git = killing
publish.publish_git(sys.argv[1], sys.argv[2])
"""


def _publish_killed_before_reset(folder: Path, repo: Path) -> None:
    import signal
    import sys

    proc = subprocess.run([sys.executable, "-c", _KILL_AT_RESET, str(folder), str(repo)], capture_output=True)
    assert proc.returncode == -signal.SIGKILL, proc.stderr


@pytest.mark.parametrize("first", [True, False])
def test_a_publish_killed_before_the_worktree_update_is_finished_by_the_next_run(
    two_releases: tuple[Path, Path], tmp_path: Path, first: bool
) -> None:
    """SIGKILL between the ref transaction and the work-tree reset: tag and branch moved, work tree stale.

    The rerun of the same version finishes it (no ``tag-exists``, no second commit); so does the next version.
    """
    repo = tmp_path / "published"
    if not first:
        publish_git(two_releases[0], repo)
    folder = two_releases[0] if first else two_releases[1]
    tag = "v0.1.0" if first else "v0.2.0"
    _publish_killed_before_reset(folder, repo)
    assert git(repo, "rev-parse", tag) == git(repo, "rev-parse", "main")
    assert git(repo, "status", "--porcelain", "--untracked-files=no") != ""  # the stale work tree
    commits = git(repo, "rev-list", "--count", "main")
    again = publish_git(folder, repo)
    assert again.recovered == tag
    assert again.plan.empty
    assert git(repo, "rev-list", "--count", "main") == commits
    assert git(repo, "status", "--porcelain") == ""
    assert all((repo / f).read_bytes() == (folder / f).read_bytes() for f in release_files(folder))
    if first:
        publish_git(two_releases[1], repo)
        assert git(repo, "tag", "--list").split() == ["v0.1.0", "v0.2.0"]


def test_after_a_kill_the_next_version_also_recovers(two_releases: tuple[Path, Path], tmp_path: Path) -> None:
    repo = tmp_path / "published"
    _publish_killed_before_reset(two_releases[0], repo)
    result = publish_git(two_releases[1], repo)
    assert result.recovered == "v0.1.0"
    assert git(repo, "tag", "--list").split() == ["v0.1.0", "v0.2.0"]
    assert git(repo, "status", "--porcelain") == ""


def test_uncommitted_changes_are_never_taken_for_an_interrupted_publish(
    two_releases: tuple[Path, Path], tmp_path: Path
) -> None:
    """A user's edit in the work tree is not reset away: the publish refuses the dirty tree as before."""
    repo = tmp_path / "published"
    _publish_killed_before_reset(two_releases[0], repo)
    (repo / "mine.txt").write_text("my work\n")
    git(repo, "add", "mine.txt")
    with pytest.raises(PublishError) as exc:
        publish_git(two_releases[1], repo)
    assert exc.value.code == "dirty-worktree"
    assert (repo / "mine.txt").read_text() == "my work\n"
