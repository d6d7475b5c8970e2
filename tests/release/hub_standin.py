"""A stand-in for the Hugging Face Hub on 127.0.0.1, written for this project's tests.

It covers only the commit, tag and download protocol that ``huggingface_hub`` and ``datasets`` use
for a dataset repository: create repo, refs, revision info, tree listing, paths-info, validate-yaml,
preupload (every file "regular", no LFS or Xet: run the client with ``HF_HUB_DISABLE_XET=1``), the
NDJSON commit, tags, and ``resolve`` downloads (HEAD and GET). It does NOT cover authentication (any
token or none is accepted), the Hub's own checks of cards and metadata, LFS, pull requests or
anything else. It is strict where publishing depends on it: a commit whose ``parentCommit`` is not
the branch head gets 412, a tag that exists gets 409, deleting a missing file gets 404, creating a
repository that exists gets 409, and a route it does not implement gets 404 naming it.

It can also misbehave on purpose (:meth:`HubStandIn.fail`), for the requests whose method and path
match: ``reset`` (the connection is reset, TCP RST, before any answer), ``hang`` (the request is read
and never answered, until the server stops), ``die`` (half of the request body is read, then the
connection is dropped: a server dying mid-upload) and ``status`` (an error answer such as 503).
A refused connection needs no server: :func:`refused_endpoint` is a port nobody listens on.
"""

from __future__ import annotations

import base64
import hashlib
import json
import socket
import struct
import sys
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import yaml

_ZERO_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"


def blob_oid(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


@dataclass
class Commit:
    oid: str
    parent: str | None
    files: dict[str, bytes]
    title: str


@dataclass
class Repo:
    repo_id: str
    commits: dict[str, Commit] = field(default_factory=dict)
    branches: dict[str, str] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)

    def resolve(self, revision: str) -> Commit | None:
        oid = self.branches.get(revision) or self.tags.get(revision) or revision
        found = self.commits.get(oid)
        if found is None and len(revision) >= 7:
            found = next((c for o, c in self.commits.items() if o.startswith(revision)), None)
        return found


FAULTS = ("reset", "hang", "die", "status")


@dataclass
class Fault:
    """How to misbehave on requests whose method is ``method`` (any if None) and path contains ``path``."""

    mode: str
    method: str | None
    path: str
    status: int
    times: int | None  # None: every matching request

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method == method) and self.path in path and self.times != 0


def refused_endpoint() -> str:
    """An endpoint on 127.0.0.1 where nothing listens (a connection to it is refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], OSError):  # a connection it dropped on purpose is not an error
            super().handle_error(request, client_address)


class HubStandIn:
    """The state (repositories) and the HTTP server; use as a context manager."""

    def __init__(self) -> None:
        self.repos: dict[str, Repo] = {}
        self.lock = threading.Lock()
        self.requests: list[tuple[str, str]] = []
        self.faults: list[Fault] = []
        self.stopping = threading.Event()
        self.server = _Server(("127.0.0.1", 0), _handler(self))
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def fail(
        self, mode: str, *, method: str | None = None, path: str = "", status: int = 503, times: int | None = None
    ) -> None:
        """Misbehave (``reset``, ``hang``, ``die`` or ``status``) on matching requests, ``times`` times."""
        if mode not in FAULTS:
            raise ValueError(f"unknown fault {mode!r}; expected one of {', '.join(FAULTS)}")
        with self.lock:
            self.faults.append(Fault(mode, method, path, status, times))

    def _fault(self, method: str, path: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.matches(method, path):
                    if fault.times is not None:
                        fault.times -= 1
                    return fault
        return None

    @property
    def endpoint(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> HubStandIn:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()  # releases hanging requests
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    # state changes, each under the lock
    def create_repo(self, repo_id: str) -> bool:
        with self.lock:
            if repo_id in self.repos:
                return False
            repo = Repo(repo_id)
            files = {".gitattributes": b"*.parquet filter=lfs diff=lfs merge=lfs -text\n"}
            first = Commit(self._commit_oid(None, files, "initial commit"), None, files, "initial commit")
            repo.commits[first.oid] = first
            repo.branches["main"] = first.oid
            self.repos[repo_id] = repo
            return True

    @staticmethod
    def _commit_oid(parent: str | None, files: dict[str, bytes], title: str) -> str:
        digest = hashlib.sha1(usedforsecurity=False)
        digest.update(f"{parent}\n{title}\n".encode())
        for path in sorted(files):
            digest.update(f"{path}\0{blob_oid(files[path])}\n".encode())
        return digest.hexdigest()


class _Error(Exception):
    def __init__(self, status: int, message: str, code: str | None = None, **extra: str) -> None:
        super().__init__(message)
        self.status, self.message, self.code, self.extra = status, message, code, extra


def _handler(hub: HubStandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        # plumbing -----------------------------------------------------------------------------
        def _body(self) -> bytes:
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

        def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None, *, head: bool = False) -> None:
            self.send_response(status)
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if not head:
                self.wfile.write(body)

        def _json(self, status: int, data: Any) -> None:
            self._send(status, json.dumps(data).encode(), {"Content-Type": "application/json"})

        def _misbehave(self, fault: Fault) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if fault.mode == "status":
                self._body()
                headers = {"Content-Type": "application/json", "X-Error-Message": "stand-in fault"}
                self._send(fault.status, json.dumps({"error": "stand-in fault"}).encode(), headers)
                return
            if fault.mode == "hang":
                self._body()
                hub.stopping.wait()
            elif fault.mode == "die":
                self.rfile.read(length // 2)
            # reset, die, and a hang at shutdown: drop the connection with a TCP reset, no answer
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()

        def _dispatch(self, method: str) -> None:
            url = urlsplit(self.path)
            hub.requests.append((method, url.path))
            fault = hub._fault(method, url.path)
            if fault is not None:
                self._misbehave(fault)
                return
            body = self._body() if method == "POST" else b""
            try:
                self._route(method, url.path, parse_qs(url.query), body)
            except _Error as err:
                headers = {"Content-Type": "application/json", "X-Error-Message": err.message}
                if err.code:
                    headers["X-Error-Code"] = err.code
                payload = json.dumps({"error": err.message, **err.extra}).encode()
                self._send(err.status, payload, headers, head=method == "HEAD")

        def do_GET(self) -> None:
            self._dispatch("GET")

        def do_HEAD(self) -> None:
            self._dispatch("HEAD")

        def do_POST(self) -> None:
            self._dispatch("POST")

        # routes --------------------------------------------------------------------------------
        def _repo(self, repo_id: str) -> Repo:
            repo = hub.repos.get(repo_id)
            if repo is None:
                raise _Error(404, f"Repository {repo_id} not found", "RepoNotFound")
            return repo

        def _commit(self, repo: Repo, revision: str) -> Commit:
            found = repo.resolve(unquote(revision))
            if found is None:
                raise _Error(404, f"Invalid rev id: {revision}", "RevisionNotFound")
            return found

        def _route(self, method: str, path: str, query: dict[str, list[str]], body: bytes) -> None:
            parts = [unquote(p) for p in path.strip("/").split("/")]
            if method == "POST" and parts == ["api", "repos", "create"]:
                return self._create(json.loads(body))
            if method == "POST" and parts == ["api", "validate-yaml"]:
                return self._validate_yaml(json.loads(body))
            if parts[:2] == ["api", "datasets"] and len(parts) >= 4:
                repo = self._repo(f"{parts[2]}/{parts[3]}")
                rest = parts[4:]
                if method == "GET" and not rest:
                    return self._info(repo, "main")
                if method == "GET" and rest[0] == "revision" and len(rest) >= 2:
                    return self._info(repo, "/".join(rest[1:]))
                if method == "GET" and rest == ["refs"]:
                    return self._refs(repo)
                if method == "GET" and rest[0] == "tree" and len(rest) >= 2:
                    return self._tree(repo, rest[1], "/".join(rest[2:]), query)
                if method == "POST" and rest[0] == "paths-info" and len(rest) == 2:
                    return self._paths_info(repo, rest[1], body)
                if method == "POST" and rest[0] == "preupload" and len(rest) == 2:
                    return self._preupload(repo, rest[1], json.loads(body))
                if method == "POST" and rest[0] == "commit" and len(rest) == 2:
                    return self._do_commit(repo, rest[1], body)
                if method == "POST" and rest[0] == "tag" and len(rest) == 2:
                    return self._tag(repo, rest[1], json.loads(body))
            if method in ("GET", "HEAD") and parts[:1] == ["datasets"] and len(parts) >= 6 and parts[3] == "resolve":
                repo = self._repo(f"{parts[1]}/{parts[2]}")
                return self._resolve(repo, parts[4], "/".join(parts[5:]), head=method == "HEAD")
            raise _Error(404, f"the Hub stand-in does not implement {method} {path}")

        def _create(self, payload: dict[str, Any]) -> None:
            if payload.get("type") != "dataset":
                raise _Error(400, "the stand-in holds dataset repositories only")
            repo_id = f"{payload['organization']}/{payload['name']}"
            if not hub.create_repo(repo_id):
                raise _Error(409, "You already created this dataset repo", url=f"{hub.endpoint}/datasets/{repo_id}")
            self._json(200, {"url": f"{hub.endpoint}/datasets/{repo_id}", "name": repo_id})

        def _validate_yaml(self, payload: dict[str, Any]) -> None:
            content = str(payload.get("content", ""))
            if content.startswith("---\n"):
                front = content[4:].split("\n---\n", 1)[0]
                try:
                    parsed = yaml.safe_load(front)
                except yaml.YAMLError as exc:
                    self._json(400, {"errors": [{"message": f"invalid YAML: {exc}"}], "warnings": []})
                    return
                if not isinstance(parsed, dict):
                    self._json(400, {"errors": [{"message": "metadata must be a mapping"}], "warnings": []})
                    return
            self._json(200, {"errors": [], "warnings": []})

        def _info(self, repo: Repo, revision: str) -> None:
            commit = self._commit(repo, revision)
            self._json(
                200,
                {
                    "_id": repo.repo_id,
                    "id": repo.repo_id,
                    "author": repo.repo_id.split("/")[0],
                    "sha": commit.oid,
                    "private": False,
                    "disabled": False,
                    "gated": False,
                    "downloads": 0,
                    "likes": 0,
                    "tags": [],
                    "lastModified": "2025-02-12T00:00:00.000Z",
                    "createdAt": "2025-02-12T00:00:00.000Z",
                    "siblings": [{"rfilename": p} for p in sorted(commit.files)],
                },
            )

        def _refs(self, repo: Repo) -> None:
            def ref(kind: str, name: str, oid: str) -> dict[str, str]:
                return {"name": name, "ref": f"refs/{kind}/{name}", "targetCommit": oid}

            self._json(
                200,
                {
                    "branches": [ref("heads", n, o) for n, o in sorted(repo.branches.items())],
                    "tags": [ref("tags", n, o) for n, o in sorted(repo.tags.items())],
                    "converts": [],
                    "pullRequests": [],
                },
            )

        @staticmethod
        def _entries(commit: Commit, prefix: str, recursive: bool) -> list[dict[str, Any]]:
            base = f"{prefix.strip('/')}/" if prefix.strip("/") else ""
            out: dict[str, dict[str, Any]] = {}
            for path, data in sorted(commit.files.items()):
                if not path.startswith(base):
                    continue
                rest = path[len(base) :].split("/")
                for depth in range(1, len(rest)):
                    folder = base + "/".join(rest[:depth])
                    if recursive or depth == 1:
                        out.setdefault(folder, {"type": "directory", "path": folder, "oid": _ZERO_TREE, "size": 0})
                    if not recursive:
                        break
                if recursive or len(rest) == 1:
                    out[path] = {"type": "file", "path": path, "oid": blob_oid(data), "size": len(data)}
            return [out[k] for k in sorted(out)]

        def _tree(self, repo: Repo, revision: str, prefix: str, query: dict[str, list[str]]) -> None:
            commit = self._commit(repo, revision)
            recursive = query.get("recursive", ["false"])[0].lower() in ("true", "1")
            entries = self._entries(commit, prefix, recursive)
            if prefix and not entries and prefix not in commit.files:
                raise _Error(404, f"{prefix} does not exist on {revision}", "EntryNotFound")
            self._json(200, entries)

        def _paths_info(self, repo: Repo, revision: str, body: bytes) -> None:
            commit = self._commit(repo, revision)
            form = parse_qs(body.decode())
            out = []
            for path in form.get("paths", []):
                if path in commit.files:
                    data = commit.files[path]
                    out.append({"type": "file", "path": path, "oid": blob_oid(data), "size": len(data)})
                elif any(p.startswith(path.rstrip("/") + "/") for p in commit.files):
                    out.append({"type": "directory", "path": path, "oid": _ZERO_TREE, "size": 0})
            self._json(200, out)

        def _preupload(self, repo: Repo, revision: str, payload: dict[str, Any]) -> None:
            commit = self._commit(repo, revision)
            files = []
            for item in payload.get("files", []):
                path = item["path"]
                existing = commit.files.get(path)
                files.append(
                    {
                        "path": path,
                        "uploadMode": "regular",
                        "shouldIgnore": False,
                        "oid": blob_oid(existing) if existing is not None else None,
                    }
                )
            self._json(200, {"files": files, "commitOid": commit.oid})

        def _do_commit(self, repo: Repo, revision: str, body: bytes) -> None:
            lines = [json.loads(line) for line in body.decode().splitlines() if line.strip()]
            if not lines or lines[0].get("key") != "header":
                raise _Error(400, "the commit payload must start with a header line")
            header = lines[0]["value"]
            branch = unquote(revision)
            with hub.lock:
                head = repo.branches.get(branch)
                if head is None:
                    raise _Error(404, f"Invalid rev id: {branch}", "RevisionNotFound")
                parent = header.get("parentCommit")
                if parent is not None and parent != head:
                    raise _Error(412, "A commit has happened since. Please refresh and try again.")
                files = dict(repo.commits[head].files)
                for line in lines[1:]:
                    key, value = line["key"], line["value"]
                    if key == "file":
                        files[value["path"]] = base64.b64decode(value["content"])
                    elif key == "deletedFile":
                        if value["path"] not in files:
                            raise _Error(404, "A file with this name doesn't exist", "EntryNotFound")
                        del files[value["path"]]
                    elif key == "deletedFolder":
                        prefix = value["path"].rstrip("/") + "/"
                        for path in [p for p in files if p.startswith(prefix)]:
                            del files[path]
                    else:
                        raise _Error(400, f"the Hub stand-in does not accept '{key}' operations (no LFS)")
                title = str(header.get("summary", ""))
                oid = hub._commit_oid(head, files, title)
                repo.commits[oid] = Commit(oid, head, files, title)
                repo.branches[branch] = oid
            self._json(
                200,
                {
                    "success": True,
                    "commitOid": oid,
                    "commitUrl": f"{hub.endpoint}/datasets/{repo.repo_id}/commit/{oid}",
                },
            )

        def _tag(self, repo: Repo, revision: str, payload: dict[str, Any]) -> None:
            with hub.lock:
                commit = self._commit(repo, revision)
                tag = str(payload["tag"])
                if tag in repo.tags:
                    raise _Error(409, f"Tag {tag} already exists")
                repo.tags[tag] = commit.oid
            self._json(200, {"name": tag, "ref": f"refs/tags/{tag}", "targetCommit": commit.oid})

        def _resolve(self, repo: Repo, revision: str, path: str, *, head: bool) -> None:
            commit = self._commit(repo, revision)
            if path not in commit.files:
                raise _Error(404, f"Entry not found: {path}", "EntryNotFound")
            data = commit.files[path]
            headers = {
                "Content-Type": "application/octet-stream",
                "ETag": f'"{blob_oid(data)}"',
                "X-Repo-Commit": commit.oid,
                "Accept-Ranges": "bytes",
            }
            wanted = self.headers.get("Range")
            if wanted and wanted.startswith("bytes="):
                first, _, last = wanted[len("bytes=") :].partition("-")
                start = int(first) if first else max(len(data) - int(last), 0)
                end = min(int(last), len(data) - 1) if first and last else len(data) - 1
                headers["Content-Range"] = f"bytes {start}-{end}/{len(data)}"
                self._send(206, data[start : end + 1], headers, head=head)
                return
            self._send(200, data, headers, head=head)

    return Handler
