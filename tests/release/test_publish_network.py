"""peacetalks publish --repo against a Hub that is missing, refuses, resets, hangs, dies mid-upload or fails.

Every case is the real huggingface_hub client against the stand-in on 127.0.0.1
(tests/release/hub_standin.py, which says what it covers) misbehaving on purpose; each must end in
one coded PublishError naming the cause (one line from the CLI, no traceback), leave the Hub's
branch and tags as they were, and never show the token.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from peacetalks.cli import main
from peacetalks.errors import PublishError
from peacetalks.loading.load import load
from peacetalks.release.publish import GITATTRIBUTES, publish_hub
from tests.release.hub_standin import HubStandIn, refused_endpoint

REPO = "peacetalks/PeaceTalks-DE"
SECRET = "hf_standin_secret_token_9876543210"
CREATE = ("POST", "/api/repos/create")


def test_an_existing_repository_is_used_without_creating_it(hub: HubStandIn, two_releases: tuple[Path, Path]) -> None:
    hub.create_repo(REPO)
    publish_hub(two_releases[0], REPO)
    publish_hub(two_releases[1], REPO)
    assert CREATE not in hub.requests
    assert sorted(hub.repos[REPO].tags) == ["v0.1.0", "v0.2.0"]


def test_a_missing_repository_is_created_once(hub: HubStandIn, two_releases: tuple[Path, Path]) -> None:
    publish_hub(two_releases[0], REPO)
    publish_hub(two_releases[1], REPO)
    assert hub.requests.count(CREATE) == 1
    assert sorted(hub.repos[REPO].tags) == ["v0.1.0", "v0.2.0"]


def test_a_repository_without_gitattributes_gets_the_lfs_rules(
    hub: HubStandIn, two_releases: tuple[Path, Path]
) -> None:
    hub.create_repo(REPO)
    repo = hub.repos[REPO]
    first = repo.commits[repo.branches["main"]]
    first.files.pop(".gitattributes")
    result = publish_hub(two_releases[0], REPO)
    assert ".gitattributes" in result.plan.added
    files = repo.resolve("v0.1.0").files  # type: ignore[union-attr]
    assert files[".gitattributes"] == GITATTRIBUTES.encode()
    assert "*.parquet filter=lfs diff=lfs merge=lfs -text" in GITATTRIBUTES.splitlines()


@pytest.mark.parametrize("repo_id", ["PeaceTalks-DE", "/PeaceTalks-DE", "a/b/c", "owner/", "own er/name", "a/.."])
def test_a_repo_id_without_owner_is_refused(hub: HubStandIn, two_releases: tuple[Path, Path], repo_id: str) -> None:
    with pytest.raises(PublishError) as exc:
        publish_hub(two_releases[0], repo_id)
    assert exc.value.code == "bad-repo-id"
    assert hub.requests == []  # refused before any request


def _state(hub: HubStandIn) -> tuple[dict[str, str], dict[str, str]]:
    repo = hub.repos[REPO]
    return dict(repo.branches), dict(repo.tags)


# (fault, method, path, expected code, words the message must contain)
FAULTS = [
    ("reset", "GET", "/refs", "hub-unreachable", "cannot talk to the Hub"),
    ("status", "GET", "/refs", "hub-error", "503"),
    ("status", "POST", "/commit/", "hub-error", "500"),
    ("hang", "GET", "/refs", "hub-unreachable", "within 1 s"),
    ("hang", "POST", "/commit/", "hub-unreachable", "within 1 s"),
    ("die", "POST", "/commit/", "hub-unreachable", "cannot talk to the Hub"),
    ("reset", "POST", "/tag/", "hub-unreachable", "cannot talk to the Hub"),
]


@pytest.mark.parametrize(("fault", "method", "path", "code", "words"), FAULTS)
def test_a_misbehaving_hub_is_one_clean_error(
    hub: HubStandIn,
    two_releases: tuple[Path, Path],
    fault: str,
    method: str,
    path: str,
    code: str,
    words: str,
) -> None:
    publish_hub(two_releases[0], REPO)
    before = _state(hub)
    hub.fail(fault, method=method, path=path, status=500 if "commit" in path else 503)
    with pytest.raises(PublishError) as exc:
        publish_hub(two_releases[1], REPO, timeout=1 if fault == "hang" else 30)  # no timeout by load
    assert exc.value.code == code
    assert words in exc.value.message
    assert hub.endpoint in exc.value.message
    if path != "/tag/":
        assert _state(hub) == before  # nothing changed on the Hub
    else:
        assert _state(hub)[1] == before[1]  # the commit landed, the tag did not: the next run adds only the tag
    hub.faults.clear()
    again = publish_hub(two_releases[1], REPO)
    assert "v0.2.0" in hub.repos[REPO].tags
    assert again.commit == hub.repos[REPO].branches["main"]


def test_a_refused_connection_is_one_clean_error(two_releases: tuple[Path, Path]) -> None:
    endpoint = refused_endpoint()
    with pytest.raises(PublishError) as exc:
        publish_hub(two_releases[0], REPO, endpoint=endpoint, timeout=2)
    assert exc.value.code == "hub-unreachable"
    assert endpoint in exc.value.message
    assert "refused" in exc.value.message.lower()


def test_a_name_that_does_not_resolve_is_one_clean_error(two_releases: tuple[Path, Path]) -> None:
    """``.invalid`` never resolves (RFC 6761): the DNS failure is named, whether or not a resolver answers."""
    with pytest.raises(PublishError) as exc:
        publish_hub(two_releases[0], REPO, endpoint="http://hub.peacetalks.invalid", timeout=2)
    assert exc.value.code == "hub-unreachable"
    assert "hub.peacetalks.invalid" in exc.value.message


@pytest.mark.parametrize(
    ("fault", "path"), [("reset", "/refs"), ("hang", "/refs"), ("die", "/commit/"), ("status", "/commit/")]
)
def test_cli_network_failures_print_one_line_and_never_the_token(
    hub: HubStandIn,
    two_releases: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    fault: str,
    path: str,
) -> None:
    """Exit 1 with one error line and a hint; the token is in no output, nor in huggingface_hub's debug log."""
    monkeypatch.setenv("HF_TOKEN", SECRET)
    publish_hub(two_releases[0], REPO)
    hub.fail(fault, path=path)
    with caplog.at_level(logging.DEBUG, logger="huggingface_hub"):
        code = main(["publish", str(two_releases[1]), "--repo", REPO, "--timeout", "1"])
    assert any(r.name.startswith("huggingface_hub") for r in caplog.records)  # the debug log was captured
    printed = capsys.readouterr()
    assert code == 1
    errors = [line for line in printed.err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, printed.err
    assert "[hub-unreachable]" in errors[0] or "[hub-error]" in errors[0]
    assert "Traceback" not in printed.err + printed.out
    assert "hint:" in printed.err
    assert SECRET not in printed.err + printed.out + caplog.text
    assert "authorization" not in caplog.text.lower() or "<TOKEN>" in caplog.text


def test_cli_debug_shows_a_traceback_without_the_token(
    hub: HubStandIn, two_releases: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_TOKEN", SECRET)
    hub.fail("status", path="/refs", status=502)
    with pytest.raises(PublishError) as exc:
        main(["publish", str(two_releases[0]), "--repo", REPO, "--debug"])
    assert exc.value.code == "hub-error"
    shown = f"{exc.value!s} {exc.value.data!r} {exc.value.__cause__!r} {exc.value.__context__!r}"
    assert SECRET not in shown


def test_cli_repo_id_without_owner(
    hub: HubStandIn, two_releases: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["publish", str(two_releases[0]), "--repo", "PeaceTalks-DE"])
    printed = capsys.readouterr().err
    assert code == 1
    assert "[bad-repo-id]" in printed
    assert "hint: name the repository as --repo OWNER/NAME" in printed
    assert hub.requests == []


def test_load_from_a_hub_that_never_answers_gives_up(
    hub: HubStandIn, two_releases: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """load(source=OWNER/NAME) runs under the same request timeout as publish, so a hanging Hub ends in an error."""
    import datasets.config
    import huggingface_hub.constants

    import peacetalks.loading.hub

    publish_hub(two_releases[0], REPO)
    monkeypatch.setattr(huggingface_hub.constants, "ENDPOINT", hub.endpoint)
    url = hub.endpoint + "/{repo_id}/resolve/{revision}/{filename}"
    monkeypatch.setattr(huggingface_hub.constants, "HUGGINGFACE_CO_URL_TEMPLATE", url)
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path / "hf-cache"))
    monkeypatch.setenv("HF_DATASETS_CACHE", str(tmp_path / "ds-cache"))
    monkeypatch.setattr(datasets.config, "HF_ENDPOINT", hub.endpoint)
    monkeypatch.setattr(peacetalks.loading.hub, "DEFAULT_TIMEOUT", 1.0)
    hub.fail("hang", path=f"/api/datasets/{REPO}")
    before = len(hub.requests)
    with pytest.raises(Exception) as exc:  # noqa: PT011 - whichever error datasets makes of the timeout
        load("entities", source=REPO, revision="v0.1.0", texts="skip")  # a stand-off release: asked without texts
    assert not isinstance(exc.value, AssertionError)
    asked = hub.requests[before:]
    assert any(path.startswith(f"/api/datasets/{REPO}") for _, path in asked)  # it reached the hanging route
    assert "timed out" in f"{exc.value} {exc.value.__cause__} {exc.value.__context__}".lower()
