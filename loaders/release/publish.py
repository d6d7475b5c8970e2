"""``peacetalks publish``: put a release folder on the Hugging Face Hub or into a local git repository.

Both targets get the same thing: one commit whose tree is exactly the release folder (stale files
deleted), made only if the branch is still where it was read (the parent commit), and the tag
``vX.Y.Z``. A version whose tag exists is refused. Nothing is half-made: the Hub commit is one
atomic ``create_commit`` with ``parent_commit``; the git commit, branch and tag are moved in one
``git update-ref`` transaction. The Hub token comes only from huggingface_hub's own mechanisms
(``HF_TOKEN``, the stored login) and is never printed.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from peacetalks.errors import PublishError, ReleaseError
from peacetalks.release.checksums import release_files, verify_manifest
from peacetalks.release.folder import release_version
from peacetalks.release.semver import Version
from peacetalks.storage.paths import check_path

BRANCH = "main"
# Files of the target that a publish never deletes although they are not in the release.
KEEP = frozenset({".gitattributes"})
_ZERO = "0" * 40


@dataclass(frozen=True)
class PublishPlan:
    """What a publish adds, changes and deletes, against the branch head it read (``parent``)."""

    target: str
    version: Version
    parent: str | None
    added: list[str]
    changed: list[str]
    deleted: list[str]
    unchanged: list[str]

    @property
    def tag(self) -> str:
        return self.version.tag

    @property
    def empty(self) -> bool:
        return not (self.added or self.changed or self.deleted)


@dataclass(frozen=True)
class PublishResult:
    plan: PublishPlan
    commit: str | None  # None on a dry run
    dry_run: bool


def git_blob_oid(path: Path) -> str:
    """The git object id of a file's content (what git and the Hub report as a regular file's oid)."""
    data = path.read_bytes()
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _checked_release(dist: Path) -> tuple[Version, list[str]]:
    try:
        version = release_version(dist)
    except ReleaseError as exc:
        raise PublishError(exc.code, exc.message, path=exc.path or str(dist), data=exc.data) from None
    problems = verify_manifest(dist)
    if problems:
        first = problems[0]
        raise PublishError(
            "release-modified",
            f"{len(problems)} file(s) differ from SHA256SUMS, e.g. {first.file} [{first.code}]",
            path=str(dist),
            data={"files": [p.file for p in problems]},
        )
    return version, release_files(dist)


def make_plan(
    target: str,
    version: Version,
    dist: Path,
    files: list[str],
    remote: Mapping[str, tuple[str, str | None]],
    parent: str | None,
) -> PublishPlan:
    """Compare the release with the target's files: ``remote`` maps path -> (git oid, LFS sha256 or None)."""
    added: list[str] = []
    changed: list[str] = []
    unchanged: list[str] = []
    for rel in files:
        if rel not in remote:
            added.append(rel)
            continue
        oid, lfs_sha = remote[rel]
        same = lfs_sha == _sha256(dist / rel) if lfs_sha else oid == git_blob_oid(dist / rel)
        (unchanged if same else changed).append(rel)
    deleted = sorted(set(remote) - set(files) - KEEP)
    return PublishPlan(target, version, parent, added, changed, deleted, unchanged)


# --- the Hugging Face Hub -------------------------------------------------------------------------


def publish_hub(
    dist: Path | str,
    repo_id: str,
    *,
    dry_run: bool = False,
    private: bool | None = None,
    endpoint: str | None = None,
) -> PublishResult:
    """Publish a release folder to the dataset repo ``repo_id`` as one commit and the tag ``vX.Y.Z``."""
    from huggingface_hub import CommitOperationAdd, CommitOperationDelete, HfApi, RepoFile
    from huggingface_hub.errors import HfHubHTTPError, RepositoryNotFoundError

    folder = Path(dist)
    version, files = _checked_release(folder)
    api = HfApi(endpoint=endpoint or os.environ.get("HF_ENDPOINT") or None)
    target = f"hub:{repo_id}"
    try:
        if not dry_run:
            api.create_repo(repo_id, repo_type="dataset", exist_ok=True, private=private)
        try:
            refs = api.list_repo_refs(repo_id, repo_type="dataset")
        except RepositoryNotFoundError:
            return PublishResult(make_plan(target, version, folder, files, {}, None), None, True)
        if any(t.name == version.tag for t in refs.tags):
            raise PublishError(
                "tag-exists",
                f"the repository already has the tag {version.tag}",
                path=target,
                data={"tag": version.tag},
            )
        parent = next((b.target_commit for b in refs.branches if b.name == BRANCH), None)
        remote: dict[str, tuple[str, str | None]] = {}
        if parent is not None:
            for entry in api.list_repo_tree(repo_id, repo_type="dataset", revision=parent, recursive=True):
                if isinstance(entry, RepoFile):
                    remote[entry.path] = (entry.blob_id, entry.lfs.sha256 if entry.lfs else None)
        plan = make_plan(target, version, folder, files, remote, parent)
        if dry_run:
            return PublishResult(plan, None, True)
        commit = parent
        if not plan.empty:
            operations: list[CommitOperationAdd | CommitOperationDelete] = [
                CommitOperationAdd(path_in_repo=rel, path_or_fileobj=str(folder / rel))
                for rel in (*plan.added, *plan.changed)
            ]
            operations += [CommitOperationDelete(path_in_repo=rel) for rel in plan.deleted]
            info = api.create_commit(
                repo_id,
                operations,
                commit_message=f"Release {version}",
                commit_description=_describe(plan),
                repo_type="dataset",
                revision=BRANCH,
                parent_commit=parent,
            )
            commit = info.oid
        api.create_tag(
            repo_id, tag=version.tag, tag_message=f"PeaceTalks-DE {version}", revision=commit, repo_type="dataset"
        )
        return PublishResult(plan, commit, False)
    except HfHubHTTPError as exc:
        status = exc.response.status_code if exc.response is not None else None
        code = {412: "parent-moved", 409: "conflict"}.get(status or 0, "hub-error")
        raise PublishError(code, str(exc).splitlines()[0], path=target, data={"status": status}) from None


def _describe(plan: PublishPlan) -> str:
    return (
        f"{len(plan.added)} added, {len(plan.changed)} changed, {len(plan.deleted)} deleted, "
        f"{len(plan.unchanged)} unchanged"
    )


# --- a local git repository -----------------------------------------------------------------------


def _git(repo: Path, *args: str, env: Mapping[str, str] | None = None, stdin: str | None = None) -> str:
    """Run git in ``repo``; raise PublishError ``git-failed`` with git's own message on failure."""
    proc = subprocess.run(
        ["git", "-C", str(repo), *args],
        capture_output=True,
        text=True,
        input=stdin,
        env={**os.environ, **(env or {})},
        check=False,
    )
    if proc.returncode != 0:
        raise PublishError("git-failed", f"git {args[0]}: {proc.stderr.strip()}", path=str(repo))
    return proc.stdout


def _rev(repo: Path, ref: str) -> str | None:
    proc = subprocess.run(
        ["git", "-C", str(repo), "rev-parse", "-q", "--verify", f"{ref}^{{commit}}"],
        capture_output=True,
        text=True,
        check=False,
    )
    return proc.stdout.strip() or None


def _git_files(repo: Path, commit: str | None) -> dict[str, tuple[str, str | None]]:
    if commit is None:
        return {}
    out = _git(repo, "ls-tree", "-r", "-z", commit)
    files: dict[str, tuple[str, str | None]] = {}
    for entry in out.split("\0"):
        if entry:
            meta, _, path = entry.partition("\t")
            files[path] = (meta.split()[2], None)
    return files


def _identity(repo: Path) -> dict[str, str]:
    """Author/committer for the commit: git's own configuration, with a fallback when it has none."""
    name = subprocess.run(["git", "-C", str(repo), "config", "user.name"], capture_output=True, text=True).stdout
    if name.strip():
        return {}
    who = {"NAME": "peacetalks release", "EMAIL": "peacetalks@localhost"}
    return {f"GIT_{role}_{k}": v for role in ("AUTHOR", "COMMITTER") for k, v in who.items()}


def publish_git(dist: Path | str, repo: Path | str, *, dry_run: bool = False) -> PublishResult:
    """Publish a release folder into the local git repository ``repo`` (created if missing)."""
    folder, path = Path(dist).resolve(), check_path(repo, "folder", "the target repository").resolve()
    version, files = _checked_release(folder)
    target = str(path)
    exists = (path / ".git").exists() or (path / "HEAD").is_file()
    if path.exists() and any(path.iterdir()) and not exists:
        raise PublishError("not-a-git-repo", "the folder exists and is not a git repository", path=target)
    if exists and _rev(path, f"refs/tags/{version.tag}"):
        raise PublishError(
            "tag-exists", f"the repository already has the tag {version.tag}", path=target, data={"tag": version.tag}
        )
    parent = _rev(path, f"refs/heads/{BRANCH}") if exists else None
    plan = make_plan(target, version, folder, files, _git_files(path, parent), parent)
    if dry_run:
        return PublishResult(plan, None, True)
    if not exists:
        path.mkdir(parents=True, exist_ok=True)
        _git(path, "init", "-q", "-b", BRANCH)
    bare = _git(path, "rev-parse", "--is-bare-repository").strip() == "true"
    if not bare and _git(path, "status", "--porcelain", "--untracked-files=no").strip():
        raise PublishError("dirty-worktree", "the repository has uncommitted changes", path=target)
    with tempfile.TemporaryDirectory(prefix=".peacetalks-index.") as scratch:
        env = {"GIT_INDEX_FILE": str(Path(scratch) / "index"), **_identity(path)}
        git_dir = _git(path, "rev-parse", "--absolute-git-dir").strip()
        _git(folder, "--git-dir", git_dir, "--work-tree", str(folder), "add", "--", *files, env=env)
        tree = _git(path, "write-tree", env=env).strip()
    parents = ["-p", parent] if parent else []
    commit = _git(
        path, "commit-tree", tree, *parents, "-m", f"Release {version}\n\n{_describe(plan)}", env=_identity(path)
    )
    commit = commit.strip()
    old = parent or _ZERO
    transaction = (
        f"start\nupdate refs/heads/{BRANCH} {commit} {old}\ncreate refs/tags/{version.tag} {commit}\nprepare\ncommit\n"
    )
    _git(path, "update-ref", "--stdin", stdin=transaction)
    if not bare and _git(path, "symbolic-ref", "-q", "HEAD").strip() == f"refs/heads/{BRANCH}":
        _git(path, "reset", "-q", "--hard", "HEAD")
    return PublishResult(plan, commit, False)
