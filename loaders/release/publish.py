"""``peacetalks publish``: put a release folder on the Hugging Face Hub or into a local git repository.

Both targets get the same thing: one commit whose tree is exactly the release folder (stale files
deleted), made only if the branch is still where it was read (the parent commit), and the tag
``vX.Y.Z``. A version whose tag exists is refused. Nothing is half-made: the Hub commit is one
atomic ``create_commit`` with ``parent_commit``; the git commit, branch and tag are moved in one
``git update-ref`` transaction. The Hub token comes only from huggingface_hub's own mechanisms
(``HF_TOKEN``, the stored login) and is never printed.

Before anything is sent, the release folder is checked against its ``SHA256SUMS`` (every file
hashed; symbolic links and files the manifest does not list are refused), so a publish commits
exactly the files that were built. Both targets get the Hub's LFS rules in ``.gitattributes``
when they have none (:data:`GITATTRIBUTES`), so a ``--to`` repository can be pushed to the Hub as
it is. Every request to the Hub has a timeout; a network failure or a 5xx answer is one
``PublishError`` naming the cause.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from peacetalks.errors import PublishError, ReleaseError
from peacetalks.loading.hub import DEFAULT_TIMEOUT, hub_timeout
from peacetalks.loading.manifest import check_release, release_files
from peacetalks.release.folder import release_version
from peacetalks.release.semver import Version
from peacetalks.storage.digests import sha256_file
from peacetalks.storage.paths import check_path

BRANCH = "main"
ATTRIBUTES = ".gitattributes"
# Files of the target that a publish never deletes although they are not in the release.
KEEP = frozenset({ATTRIBUTES})
_ZERO = "0" * 40
_EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"  # git's id of the empty tree
# The LFS rules a target gets when it has no .gitattributes: the kinds of large or binary files
# the Hub stores in LFS (its own default .gitattributes covers these and more), the release's
# Parquet files first.
_LFS_PATTERNS = (
    "*.parquet",
    "*.arrow",
    "*.avro",
    "*.orc",
    "*.feather",
    "*.npy",
    "*.npz",
    "*.pkl",
    "*.pickle",
    "*.pt",
    "*.pth",
    "*.bin",
    "*.safetensors",
    "*.h5",
    "*.onnx",
    "*.msgpack",
    "*.tar",
    "*.tgz",
    "*.gz",
    "*.bz2",
    "*.xz",
    "*.zst",
    "*.zip",
    "*.7z",
    "*.rar",
    "*.lz4",
    "*.db",
    "*.sqlite",
    "*.jsonl.gz",
)
GITATTRIBUTES = "".join(f"{pattern} filter=lfs diff=lfs merge=lfs -text\n" for pattern in _LFS_PATTERNS)
# A Hub repo id: owner (user or organisation) and name, as the Hub spells them.
_REPO_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,95}/[A-Za-z0-9][A-Za-z0-9_.-]{0,95}$")


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
    """What a publish did. ``recovered``: the tag of an interrupted earlier publish whose work tree
    this run brought up to date; ``lfs``: whether git-lfs turned LFS-ruled files into pointers
    (``None`` for the Hub, which does that itself)."""

    plan: PublishPlan
    commit: str | None  # None on a dry run
    dry_run: bool
    recovered: str | None = None
    lfs: bool | None = None


def git_blob_oid(path: Path) -> str:
    """The git object id of a file's content (what git and the Hub report as a regular file's oid)."""
    data = path.read_bytes()
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def _checked_release(dist: Path) -> tuple[Version, list[str]]:
    """The release's version and files, after checking every file against SHA256SUMS."""
    try:
        version = release_version(dist)
    except ReleaseError as exc:
        raise PublishError(exc.code, exc.message, path=exc.path or str(dist), data=exc.data) from None
    check_release(dist, PublishError, full=True)
    return version, release_files(dist)


def check_repo_id(repo_id: str) -> None:
    """Refuse a Hub repo id that is not ``owner/name`` (code ``bad-repo-id``)."""
    if not _REPO_ID.fullmatch(repo_id):
        shown = repo_id if len(repo_id) <= 100 else f"{repo_id[:100]}..."
        raise PublishError(
            "bad-repo-id",
            f"{shown!r} is not a Hub dataset repository id of the form OWNER/NAME (a user or organisation, "
            "then the name; letters, digits, '-', '_', '.')",
            data={"repo_id": shown},
        )


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
        same = lfs_sha == sha256_file(dist / rel) if lfs_sha else oid == git_blob_oid(dist / rel)
        (unchanged if same else changed).append(rel)
    deleted = sorted(set(remote) - set(files) - KEEP)
    if ATTRIBUTES not in remote:
        added.append(ATTRIBUTES)
    return PublishPlan(target, version, parent, added, changed, deleted, unchanged)


# --- the Hugging Face Hub -------------------------------------------------------------------------


def _secret() -> str | None:
    from huggingface_hub import get_token

    return get_token()


def _scrub(text: str) -> str:
    """``text`` with the Hub token (if any) blanked out: no message of ours ever carries it."""
    secret = _secret()
    return text.replace(secret, "<token>") if secret else text


def _cause(exc: BaseException) -> str:
    """The innermost reason of a network failure, in its own words (``[Errno 111] Connection refused``)."""
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    for found in reversed(seen):
        text = str(found).strip()
        if text:
            return f"{type(found).__name__}: {text.splitlines()[0]}"
    return type(exc).__name__


def publish_hub(
    dist: Path | str,
    repo_id: str,
    *,
    dry_run: bool = False,
    private: bool | None = None,
    endpoint: str | None = None,
    timeout: float | None = None,
) -> PublishResult:
    """Publish a release folder to the dataset repo ``repo_id`` as one commit and the tag ``vX.Y.Z``.

    The repository is created only when it does not exist (``private`` applies then). Each request
    waits at most ``timeout`` seconds for progress. PublishError ``hub-unreachable`` (no route, DNS,
    refused, reset, timed out, cut off mid-upload) or ``hub-error`` (the Hub answered with an error)
    names the cause; ``parent-moved`` and ``conflict`` are the Hub refusing a commit. ``timeout``
    defaults to :data:`DEFAULT_TIMEOUT`.
    """
    timeout = DEFAULT_TIMEOUT if timeout is None else timeout
    import httpx2
    from huggingface_hub.errors import HfHubHTTPError

    check_repo_id(repo_id)
    folder = Path(dist)
    version, files = _checked_release(folder)
    base = endpoint or os.environ.get("HF_ENDPOINT") or None
    from huggingface_hub import constants

    shown = base or constants.ENDPOINT
    target = f"hub:{repo_id}"
    try:
        with hub_timeout(timeout):
            return _publish_hub(folder, repo_id, version, files, target, base, dry_run=dry_run, private=private)
    except HfHubHTTPError as exc:
        status = exc.response.status_code if exc.response is not None else None
        code = {412: "parent-moved", 409: "conflict"}.get(status or 0, "hub-error")
        message = _scrub(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
        if status is not None and status >= 500:
            message = f"the Hub at {shown} failed with {status} (a server error; try again later): {message}"
        raise PublishError(code, message, path=target, data={"status": status, "endpoint": shown}) from None
    except httpx2.TimeoutException as exc:
        raise PublishError(
            "hub-unreachable",
            _scrub(f"no progress from the Hub at {shown} within {timeout:g} s ({_cause(exc)})"),
            path=target,
            data={"endpoint": shown, "timeout": timeout},
        ) from None
    except (httpx2.TransportError, OSError) as exc:
        raise PublishError(
            "hub-unreachable",
            _scrub(f"cannot talk to the Hub at {shown}: {_cause(exc)}"),
            path=target,
            data={"endpoint": shown},
        ) from None


def _publish_hub(
    folder: Path,
    repo_id: str,
    version: Version,
    files: list[str],
    target: str,
    endpoint: str | None,
    *,
    dry_run: bool,
    private: bool | None,
) -> PublishResult:
    from huggingface_hub import CommitOperationAdd, CommitOperationDelete, HfApi, RepoFile
    from huggingface_hub.errors import RepositoryNotFoundError

    api = HfApi(endpoint=endpoint)
    try:
        refs = api.list_repo_refs(repo_id, repo_type="dataset")
    except RepositoryNotFoundError:
        if dry_run:
            return PublishResult(make_plan(target, version, folder, files, {}, None), None, True)
        # exist_ok: a repository created meanwhile by someone else is used, not an error
        api.create_repo(repo_id, repo_type="dataset", exist_ok=True, private=private)
        refs = api.list_repo_refs(repo_id, repo_type="dataset")
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
            CommitOperationAdd(
                path_in_repo=rel,
                path_or_fileobj=GITATTRIBUTES.encode() if rel == ATTRIBUTES else str(folder / rel),
            )
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
    out = _git(repo, "ls-tree", "-r", "-z", "--long", commit)
    files: dict[str, tuple[str, str | None]] = {}
    small: dict[str, str] = {}  # path -> blob id of blobs small enough to be LFS pointers
    for entry in out.split("\0"):
        if entry:
            meta, _, path = entry.partition("\t")
            _mode, _kind, oid, size = meta.split()
            files[path] = (oid, None)
            if size.isdigit() and int(size) <= _LFS_POINTER_MAX:
                small[path] = oid
    for path, oid in small.items():  # an LFS pointer names the sha256 of the content it stands for
        found = _POINTER.match(_git(repo, "cat-file", "blob", oid))
        if found:
            files[path] = (oid, found.group(1))
    return files


_LFS_POINTER_MAX = 1024  # git-lfs pointer files are about 130 bytes; it never writes one over 1024
_POINTER = re.compile(r"\Aversion https://git-lfs\.github\.com/spec/v1\noid sha256:([0-9a-f]{64})\nsize [0-9]+\n")


def _identity(repo: Path) -> dict[str, str]:
    """Author/committer for the commit: git's own configuration, with a fallback when it has none."""
    name = subprocess.run(["git", "-C", str(repo), "config", "user.name"], capture_output=True, text=True).stdout
    if name.strip():
        return {}
    who = {"NAME": "peacetalks release", "EMAIL": "peacetalks@localhost"}
    return {f"GIT_{role}_{k}": v for role in ("AUTHOR", "COMMITTER") for k, v in who.items()}


def lfs_available() -> bool:
    """Whether git-lfs is installed (then ``git add`` stores LFS-ruled files as pointers)."""
    try:
        proc = subprocess.run(["git", "lfs", "version"], capture_output=True, text=True, check=False)
    except OSError:
        return False
    return proc.returncode == 0


def _worktree_on_branch(repo: Path) -> bool:
    if _git(repo, "rev-parse", "--is-bare-repository").strip() == "true":
        return False
    proc = subprocess.run(["git", "-C", str(repo), "symbolic-ref", "-q", "HEAD"], capture_output=True, text=True)
    return proc.stdout.strip() == f"refs/heads/{BRANCH}"


def _recover(repo: Path) -> str | None:
    """Finish a publish killed between its ref update and its work-tree update; the tag it made, if so.

    That state is exact: the branch head is a release commit carrying a ``v*`` tag, the index holds
    the tree of its parent (the empty tree for a first publish), and the work tree matches the index.
    Then nothing of anyone's is in the work tree, and ``git reset --hard`` only brings it up to date.
    """
    if not _worktree_on_branch(repo):
        return None
    head = _rev(repo, f"refs/heads/{BRANCH}")
    if head is None:
        return None
    tags = [t for t in _git(repo, "tag", "--points-at", head).split() if t.startswith("v")]
    subject = _git(repo, "log", "-1", "--format=%s", head).strip()
    if not tags or not subject.startswith("Release "):
        return None
    previous = _rev(repo, f"{head}^")
    before = _git(repo, "rev-parse", f"{previous}^{{tree}}").strip() if previous else _EMPTY_TREE
    index = _git(repo, "write-tree").strip()
    if index == _git(repo, "rev-parse", f"{head}^{{tree}}").strip() or index != before:
        return None
    clean = subprocess.run(["git", "-C", str(repo), "diff-files", "--quiet"], capture_output=True, check=False)
    if clean.returncode != 0:
        return None
    _git(repo, "reset", "-q", "--hard", "HEAD")
    return tags[0]


def _add_attributes(repo: Path, parent: str | None, env: Mapping[str, str]) -> str:
    """Put the parent's .gitattributes (else :data:`GITATTRIBUTES`) into the index ``env`` names; its text."""
    if parent is not None and _git_files(repo, parent).get(ATTRIBUTES):
        text = _git(repo, "show", f"{parent}:{ATTRIBUTES}")
    else:
        text = GITATTRIBUTES
    oid = _git(repo, "hash-object", "-w", "--stdin", stdin=text).strip()
    _git(repo, "update-index", "--add", "--cacheinfo", f"100644,{oid},{ATTRIBUTES}", env=env)
    return text


def publish_git(dist: Path | str, repo: Path | str, *, dry_run: bool = False) -> PublishResult:
    """Publish a release folder into the local git repository ``repo`` (created if missing).

    The commit carries a ``.gitattributes`` with LFS rules (the repository's own if it has one),
    and with git-lfs installed the files those rules name are committed as LFS pointers, as
    ``git add`` in a clone of a Hub repository makes them; so the repository can be pushed to the
    Hub. A publish killed after moving the refs and before updating the work tree is finished by
    the next run (:func:`_recover`).
    """
    folder, path = Path(dist).resolve(), check_path(repo, "folder", "the target repository").resolve()
    version, files = _checked_release(folder)
    target = str(path)
    check_path(path, "folder", "the target repository")
    exists = (path / ".git").exists() or (path / "HEAD").is_file()
    if path.exists() and any(path.iterdir()) and not exists:
        raise PublishError("not-a-git-repo", "the folder exists and is not a git repository", path=target)
    recovered = _recover(path) if exists and not dry_run else None
    if recovered == version.tag:
        head = _rev(path, f"refs/heads/{BRANCH}")
        plan = make_plan(target, version, folder, files, _git_files(path, head), head)
        if plan.empty:
            return PublishResult(plan, head, False, recovered=recovered, lfs=lfs_available())
    if exists and _rev(path, f"refs/tags/{version.tag}"):
        raise PublishError(
            "tag-exists", f"the repository already has the tag {version.tag}", path=target, data={"tag": version.tag}
        )
    parent = _rev(path, f"refs/heads/{BRANCH}") if exists else None
    plan = make_plan(target, version, folder, files, _git_files(path, parent), parent)
    lfs = lfs_available()
    if dry_run:
        return PublishResult(plan, None, True, lfs=lfs)
    if not exists:
        path.mkdir(parents=True, exist_ok=True)
        _git(path, "init", "-q", "-b", BRANCH)
    bare = _git(path, "rev-parse", "--is-bare-repository").strip() == "true"
    if not bare and _git(path, "status", "--porcelain", "--untracked-files=no").strip():
        raise PublishError("dirty-worktree", "the repository has uncommitted changes", path=target)
    with tempfile.TemporaryDirectory(prefix=".peacetalks-index.") as scratch:
        env = {"GIT_INDEX_FILE": str(Path(scratch) / "index"), **_identity(path)}
        attributes = Path(scratch) / "attributes"
        attributes.write_text(_add_attributes(path, parent, env), encoding="utf-8")
        git_dir = _git(path, "rev-parse", "--absolute-git-dir").strip()
        # The release folder has no .gitattributes of its own: the commit's rules apply to the add
        # (with git-lfs installed, its clean filter stores the files as pointers under .git/lfs).
        _git(
            folder,
            "-c",
            f"core.attributesFile={attributes}",
            "--git-dir",
            git_dir,
            "--work-tree",
            str(folder),
            "add",
            "--",
            *files,
            env=env,
        )
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
    return PublishResult(plan, commit, False, recovered=recovered, lfs=lfs)
