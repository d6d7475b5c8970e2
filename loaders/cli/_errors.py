"""Library errors in the CLI's words: the one place that says what to run or pass next.

The library's exceptions carry a code and data (e.g. ``data["option"] == "rebase_annotations"``,
the Python parameter); here a code, or failing that the exception's type, maps to a hint in
terms of this CLI's commands and flags. ``main()`` prints :func:`error_lines` and exits 1.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from peacetalks.errors import ImportFailed, PeaceTalksError, ValidationFailed

# A library parameter (as errors name it in ``data["option"]``) -> the flag of this CLI.
FLAGS = {
    "rebase_annotations": "--rebase",
    "kicker": "--kicker",
    "source": "--source",
    "license": "--license",
    "published": "--published",
    "reassign": "--reassign",
    "force": "--force",
    "user": "--user",
    "typesystem": "--typesystem",
    "allow_empty": "--allow-empty",
    "with_annotations": "--with-annotations",
    "status": "--status",
    "kinds": "--kind",
    "layer": "--layer",
}

Hint = Callable[[PeaceTalksError], str]


def flag(exc: PeaceTalksError) -> str:
    """The CLI flag for the error's ``data["option"]`` (the option itself when the CLI has no such flag)."""
    option = str(exc.data.get("option", ""))
    return FLAGS.get(option, option)


def _codes_in(exc: PeaceTalksError) -> set[str]:
    """The issue codes of an error's report (none when it has no report)."""
    return {i.code for i in exc.report.issues} if isinstance(exc, ValidationFailed) else set()


def _fix_review_file(exc: PeaceTalksError) -> str:
    return f"fix the entry in {exc.path or 'the review file'} and run the command again"


def _target_differs(exc: PeaceTalksError) -> str:
    into = exc.data.get("into", "gold")
    return (
        f"where {into} was corrected after the merge, record the differences with 'peacetalks adjudicate "
        f"{exc.data.get('a', 'A')} {exc.data.get('b', 'B')} --record-corrections' and give each its rule and reason; "
        f"or pass {flag(exc)} to replace it (the current {into} is backed up under {exc.data.get('backups')}/ "
        f"and 'peacetalks adjudicate --restore --into {into}' brings it back)"
    )


_BY_CODE: dict[str, Hint] = {
    "validation-failed": lambda _exc: "run 'peacetalks validate' to see every problem",
    "import-failed": lambda _exc: "fix the listed lines (or the mapping file) and run the import again",
    "layer-invalid": lambda exc: (
        f"run 'peacetalks validate --layer {exc.data.get('layer')}', fix the layer, and adjudicate again"
    ),
    "merge-invalid": lambda exc: (
        f"change the decisions (or the kept versions) in {exc.data.get('review_file')} and run the command again"
    ),
    "value-not-in-scheme": lambda _exc: "run 'peacetalks validate' to find the row",
    "missing-file": lambda _exc: "run 'peacetalks validate' to check the corpus folder",
    "unreadable-file": lambda _exc: "run 'peacetalks validate' to check the corpus folder",
    # view
    "out-not-a-site": lambda _exc: "name a new or empty folder with --out (view replaces only a site it wrote)",
    "texts-missing": lambda _exc: (
        "get the texts with 'peacetalks rehydrate RELEASE --fetch --out DIR' (or --texts DIR for local copies) "
        "and use that folder"
    ),
    "texts-not-fetched": lambda exc: (
        "give local copies of those articles with --texts DIR (a .txt each, plain text or the raw form); "
        + (
            "a page that changed needs 'peacetalks rehydrate RELEASE --fetch --out DIR', which re-bases the "
            "annotations and lists each one that moved or was dropped; "
            if _codes_in(exc) & {"page-changed"}
            else ""
        )
        + "try again later for page-unreachable and page-http-error (the pages got are kept in the cache)"
    ),
    "no-article-in-page": lambda _exc: "check that the file is an article page (it needs a headline, image and text)",
    # corpus folder
    "not-a-corpus": lambda exc: (
        f"make it a corpus with 'peacetalks init {exc.path}' (or name a corpus folder with --root PATH)"
        if exc.data.get("next") == "init"
        else ""
    ),
    "corpus-exists": lambda _exc: "add articles to it with 'peacetalks ingest FILE...'",
    "no-corpus-found": lambda _exc: "run the command inside a corpus folder, or name one with --root PATH",
    "bundled-read-only": lambda _exc: "run the command inside a corpus folder, or name one with --root PATH",
    "folder-locked": lambda exc: (
        "wait for it to finish and run this command again "
        f"(PEACETALKS_LOCK_TIMEOUT=SECONDS waits longer than {exc.data.get('waited_s')} s)"
    ),
    "interrupted-change": lambda _exc: "run any peacetalks command on the folder as a user who can write it",
    "folder-unwritable": lambda _exc: "name a folder you can write (or create it)",
    # ingest
    "rebase-required": lambda exc: f"pass {flag(exc)} to move the annotations onto the new text",
    "no-kicker-split": lambda exc: f"give the kicker with {flag(exc)}",
    "bad-kicker": lambda exc: f"give with {flag(exc)} the words the headline line starts with",
    "unknown-license": lambda exc: f"pass {flag(exc)} with one of: {', '.join(exc.data.get('allowed', []))}",
    "future-date": lambda exc: f"check the date given with {flag(exc)}" if exc.data.get("option") else "",
    "missing-metadata": lambda exc: f"pass {flag(exc)} (it applies to every input without its own)",
    "duplicate-article": lambda exc: (
        f"leave the input out, or remove the other first with 'peacetalks remove {exc.data.get('doc_id')}'"
    ),
    "has-annotations": lambda exc: f"pass {flag(exc)} to remove the annotations too (they are backed up)",
    "bad-record": lambda _exc: "fix the record (the README lists the fields of a JSONL record)",
    "unknown-input-form": lambda _exc: "give the file a suffix: .txt for the raw form, .jsonl for JSONL records",
    # splits
    "split-settings-changed": lambda exc: (
        f"pass {flag(exc)} to reassign every article (the change is logged in corpus/splits.yaml)"
    ),
    # import
    "option-not-applicable": lambda exc: f"leave out {flag(exc)}",
    "import-empty": lambda exc: (
        f"check the file, --user and cancelled annotations; pass {flag(exc)} to write the empty layer anyway"
    ),
    "unknown-format": lambda exc: f"choose one of: {', '.join(exc.data.get('allowed', []))}",
    # review
    "unknown-layer": lambda _exc: "name a folder under annotations/layers/ (see 'peacetalks import'), or 'gold'",
    "target-differs": _target_differs,
    "bad-review-file": _fix_review_file,
    "stale-review-file": lambda exc: (
        f"its decisions were made on other versions of the layers: move {exc.path} away and run the command "
        "again for a new review file (or bring the layers back to what was reviewed)"
    ),
    "bad-review-entry": _fix_review_file,
    "bad-corrections": lambda exc: (
        f"give every listed correction in {exc.path} its 'rule' and 'reason', and make its 'before' the merge's "
        "item (or remove a correction the merge no longer needs), then run the command again"
    ),
    "bad-decision": _fix_review_file,
    "bad-kept-version": _fix_review_file,
    "backup-incomplete": lambda exc: (
        f"restore a complete one (--backup NAME): {', '.join(exc.data.get('available', [])) or 'there is none'}"
    ),
    # engine
    "engine-not-installed": lambda _exc: "install the engine with: pip install 'peacetalks[scale]'",
    "engine-unreachable": lambda exc: (
        f"check that a Ray cluster runs at {exc.data.get('address')} ('ray status' there), "
        "or leave out --ray-address to run Daft on this machine"
    ),
    # suggestions
    "human-layer": lambda _exc: "write the suggestions into a layer of their own: --layer NAME (default: suggestions)",
    "machine-layer": lambda exc: (
        f"compare a person's layer with it instead: peacetalks agree {exc.data.get('layer')} ANNOTATOR"
    ),
    "empty-lexicon": lambda _exc: (
        "adjudicate (or set complete with 'peacetalks status set') the gold of some articles first"
    ),
    "bad-layer-manifest": lambda _exc: "run 'peacetalks suggest' again to rewrite the layer",
    # release and publish
    "version-not-greater": lambda exc: (
        f"choose a version above {exc.data.get('last')}, e.g. --version {exc.data.get('next')}"
    ),
    "version-exists": lambda exc: f"choose a version above {exc.data.get('version')}",
    "stale-data-card": lambda _exc: "run 'peacetalks card' to regenerate them, review and commit the card",
    "output-exists": lambda _exc: "choose a new --out folder",
    "cannot-rehydrate": lambda _exc: "rebuild the release with 'peacetalks rehydrate', which rebuilds every config",
    "release-modified": lambda _exc: "rebuild the release with 'peacetalks release' (or get it again)",
    "missing-manifest": lambda _exc: "use a release folder as 'peacetalks release' builds it (with its SHA256SUMS)",
    "damaged-release": lambda exc: (
        f"move the damaged release {exc.data.get('folder', '')} out of the way (or rebuild it into a new --out)"
    ),
    "hub-unreachable": lambda exc: (
        "check the network and HF_ENDPOINT, then publish again (nothing was changed on the Hub unless it"
        " reports the tag)"
        + (f"; or allow more time with --timeout (now {exc.data['timeout']:g} s)" if "timeout" in exc.data else "")
    ),
    "hub-error": lambda exc: "the Hub failed; publish again later" if (exc.data.get("status") or 0) >= 500 else "",
    "bad-repo-id": lambda _exc: "name the repository as --repo OWNER/NAME, e.g. --repo my-org/PeaceTalks-DE",
    "tag-exists": lambda _exc: "publish a new version: build it with 'peacetalks release --version ...'",
    "parent-moved": lambda _exc: "someone committed meanwhile; run the publish again",
    "dirty-worktree": lambda _exc: "commit or stash the changes",
    # annotation status
    "bad-status": lambda exc: (
        f"pass {flag(exc)} with one of: {', '.join(exc.data.get('allowed', []))}"
        if exc.data.get("allowed")
        else f"check {flag(exc)}"
    ),
    "unknown-doc": lambda _exc: "run 'peacetalks status' to list the articles and their status",
    "missing-status": lambda _exc: (
        "give each a status with 'peacetalks status set DOC_ID --status STATUS' (not-started when nobody has"
        " annotated it; complete or adjudicated only when its gold is finished)"
    ),
}
# Used when the code has no entry above; the first class of the exception's MRO found wins.
_BY_TYPE: dict[type[PeaceTalksError], Hint] = {
    ImportFailed: _BY_CODE["import-failed"],
    ValidationFailed: _BY_CODE["validation-failed"],
}


def hint_for(exc: PeaceTalksError) -> str:
    """What to do next, in the CLI's words; empty when there is nothing to say."""
    found = _BY_CODE.get(exc.code)
    if found is None:
        found = next((_BY_TYPE[t] for t in type(exc).__mro__ if t in _BY_TYPE), None)
    if found is not None:
        return found(exc)
    return f"see {flag(exc)}" if exc.data.get("option") else ""


# Issues of a report that an option of this CLI resolves: issue code -> what to pass.
_BY_ISSUE = {
    "unknown-article": "name the article with --doc DOC_ID",
    "duplicate-document": "keep one annotator's work with --user NAME",
    "uima-missing-typesystem": "give the type system with --typesystem PATH",
    "split-leakage": "run 'peacetalks split --reassign' to put articles with the same text into one split",
    "near-duplicate-leakage": "run 'peacetalks split --reassign' to put near-duplicate articles into one split",
}


def error_lines(exc: PeaceTalksError) -> list[str]:
    """The lines ``main()`` prints for a library error: the report's issues, the error, the hints."""
    lines: list[str] = []
    hints: list[str] = []
    if isinstance(exc, ValidationFailed):
        issues = exc.report.sorted().issues  # every one: the README promises every problem
        lines += [issue.render() for issue in issues]
        hints += [_BY_ISSUE[code] for code in dict.fromkeys(i.code for i in issues) if code in _BY_ISSUE]
    problems = exc.data.get("problems")
    if isinstance(problems, list) and len(problems) > 1:
        lines += [str(p) for p in problems]
    lines.append(f"error: {exc}")
    hint = hint_for(exc)
    lines += [f"hint: {h}" for h in [*hints, hint] if h]
    return lines


def error_json(exc: PeaceTalksError) -> dict[str, Any]:
    """A library error as data for ``--format json``: the error, its hint, and every issue of its report."""
    found: dict[str, Any] = {"error": exc.to_dict(), "hint": hint_for(exc)}
    if isinstance(exc, ValidationFailed):
        found["report"] = exc.report.to_dict()
    return found
