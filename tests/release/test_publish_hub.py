"""peacetalks publish --repo: the real huggingface_hub client against the Hub stand-in on 127.0.0.1.

The stand-in (tests/release/hub_standin.py) covers the commit, tag and download protocol only: not
authentication and not the Hub's own checks of cards. A smoke test against the real Hub runs only
when HF_TOKEN and PEACETALKS_HUB_SMOKE_REPO are set.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from huggingface_hub import CommitOperationAdd, HfApi
from typer.testing import CliRunner

from peacetalks.cli import app
from peacetalks.errors import PublishError
from peacetalks.release.publish import publish_hub
from tests.release.hub_standin import HubStandIn
from tests.release.test_release import load_in_fresh_process

REPO = "peacetalks/PeaceTalks-DE"


def _tags(hub: HubStandIn) -> list[str]:
    return sorted(hub.repos[REPO].tags)


def test_two_versions_publish_and_load_by_tag(hub: HubStandIn, two_releases: tuple[Path, Path]) -> None:
    """Each version is one commit and a tag; load_dataset(repo, revision=tag) equals the release folder."""
    for folder in two_releases:
        publish_hub(folder, REPO)
    repo = hub.repos[REPO]
    assert _tags(hub) == ["v0.1.0", "v0.2.0"]
    assert len(repo.commits) == 3  # the repository's first commit and one per version
    for folder, tag in zip(two_releases, _tags(hub), strict=True):
        files = repo.resolve(tag).files  # type: ignore[union-attr]
        assert {k: v for k, v in files.items() if k != ".gitattributes"} == {
            str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()
        }
        remote = load_in_fresh_process(REPO, revision=tag, env=dict(os.environ))
        assert remote == load_in_fresh_process(str(folder))


def test_stale_files_are_deleted_in_the_same_commit(hub: HubStandIn, two_releases: tuple[Path, Path]) -> None:
    publish_hub(two_releases[0], REPO)
    api = HfApi(endpoint=hub.endpoint)
    api.upload_file(path_or_fileobj=b"old", path_in_repo="stale.txt", repo_id=REPO, repo_type="dataset")
    result = publish_hub(two_releases[1], REPO)
    assert result.plan.deleted == ["stale.txt"]
    assert "stale.txt" not in hub.repos[REPO].resolve("v0.2.0").files  # type: ignore[union-attr]


def test_an_existing_tag_is_refused(hub: HubStandIn, two_releases: tuple[Path, Path]) -> None:
    publish_hub(two_releases[0], REPO)
    head = hub.repos[REPO].branches["main"]
    with pytest.raises(PublishError) as exc:
        publish_hub(two_releases[0], REPO)
    assert exc.value.code == "tag-exists"
    assert hub.repos[REPO].branches["main"] == head


def test_a_concurrent_commit_makes_the_publish_fail(
    hub: HubStandIn, two_releases: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A commit between reading the head and committing gets 412 from the parent check: nothing is overwritten."""
    publish_hub(two_releases[0], REPO)
    real = HfApi.list_repo_tree

    def racing(self: HfApi, *args: object, **kwargs: object) -> object:
        listing = list(real(self, *args, **kwargs))  # type: ignore[arg-type]
        HfApi(endpoint=hub.endpoint).upload_file(
            path_or_fileobj=b"meanwhile", path_in_repo="other.txt", repo_id=REPO, repo_type="dataset"
        )
        return iter(listing)

    monkeypatch.setattr(HfApi, "list_repo_tree", racing)
    with pytest.raises(PublishError) as exc:
        publish_hub(two_releases[1], REPO)
    assert exc.value.code == "parent-moved"
    assert _tags(hub) == ["v0.1.0"]
    assert "other.txt" in hub.repos[REPO].resolve("main").files  # type: ignore[union-attr]


def test_an_interrupted_publish_leaves_no_commit_or_tag(
    hub: HubStandIn, two_releases: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An exception while the files are being read for the commit leaves the branch and tags as they were."""
    publish_hub(two_releases[0], REPO)
    head = hub.repos[REPO].branches["main"]
    real = CommitOperationAdd.b64content
    calls: list[int] = []

    def flaky(self: CommitOperationAdd) -> bytes:
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("simulated interruption")
        return real(self)

    monkeypatch.setattr(CommitOperationAdd, "b64content", flaky)
    with pytest.raises(RuntimeError):
        publish_hub(two_releases[1], REPO)
    assert hub.repos[REPO].branches["main"] == head
    assert _tags(hub) == ["v0.1.0"]


def test_dry_run_shows_the_plan_and_changes_nothing(hub: HubStandIn, two_releases: tuple[Path, Path]) -> None:
    first = publish_hub(two_releases[0], REPO, dry_run=True)
    assert first.commit is None
    assert "README.md" in first.plan.added
    assert REPO not in hub.repos
    publish_hub(two_releases[0], REPO)
    plan = publish_hub(two_releases[1], REPO, dry_run=True).plan
    assert "CHANGELOG.md" in plan.changed
    assert "data/documents/test-00000-of-00001.parquet" in plan.added
    assert _tags(hub) == ["v0.1.0"]


def test_cli_publish_never_prints_the_token(
    hub: HubStandIn, two_releases: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "hf_standin_secret_token_0123456789"
    monkeypatch.setenv("HF_TOKEN", secret)
    runner = CliRunner()
    done = runner.invoke(app, ["publish", str(two_releases[0]), "--repo", REPO])
    assert done.exit_code == 0, done.output
    assert f"to hub:{REPO}" in done.output
    again = runner.invoke(app, ["publish", str(two_releases[0]), "--repo", REPO])
    assert again.exit_code == 1
    assert secret not in done.output + again.output


@pytest.mark.skipif(
    not (os.environ.get("HF_TOKEN") and os.environ.get("PEACETALKS_HUB_SMOKE_REPO")),
    reason="smoke test against the real Hub: needs HF_TOKEN and PEACETALKS_HUB_SMOKE_REPO (a private test repo)",
)
def test_smoke_real_hub_dry_run(two_releases: tuple[Path, Path]) -> None:  # pragma: no cover - needs network
    plan = publish_hub(two_releases[0], os.environ["PEACETALKS_HUB_SMOKE_REPO"], dry_run=True).plan
    assert plan.added or plan.changed or plan.unchanged


def test_a_publish_cut_off_before_its_tag_resumes_without_a_second_commit(
    hub: HubStandIn, two_releases: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """If tagging fails after the (atomic) commit, publishing again only adds the tag."""
    real = HfApi.create_tag
    monkeypatch.setattr(HfApi, "create_tag", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("cut off")))
    with pytest.raises(RuntimeError):
        publish_hub(two_releases[0], REPO)
    commits = len(hub.repos[REPO].commits)
    monkeypatch.setattr(HfApi, "create_tag", real)
    result = publish_hub(two_releases[0], REPO)
    assert result.plan.empty
    assert len(hub.repos[REPO].commits) == commits
    assert hub.repos[REPO].tags["v0.1.0"] == hub.repos[REPO].branches["main"]


def test_plan_compares_lfs_files_by_sha256(two_releases: tuple[Path, Path]) -> None:
    """A remote LFS file counts as unchanged when its sha256 matches, changed otherwise."""
    from peacetalks.release.checksums import sha256_file
    from peacetalks.release.publish import make_plan
    from peacetalks.release.semver import parse_version

    folder = two_releases[0]
    rel = "data/entities/train-00000-of-00001.parquet"
    same = make_plan(
        "t", parse_version("0.1.0"), folder, [rel], {rel: ("pointer-oid", sha256_file(folder / rel))}, None
    )
    other = make_plan("t", parse_version("0.1.0"), folder, [rel], {rel: ("pointer-oid", "0" * 64)}, None)
    assert (same.unchanged, other.changed) == ([rel], [rel])
