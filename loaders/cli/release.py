"""Commands that build and publish releases: release, rehydrate, publish."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from peacetalks.cli._options import EngineOpt, FormatOpt, OutputFormat, RayAddressOpt, RootOpt, corpus_folder, engine_of
from peacetalks.cli._render import err, escape, out, plural

if TYPE_CHECKING:
    from peacetalks.release.publish import PublishResult

# The release modules import datasets and huggingface_hub (about a second): each command imports
# them when it runs, so the other commands (validate, import, ...) start without them.

OutOpt = Annotated[
    Path, typer.Option("--out", help="Folder that holds the release folders v<version>/.", metavar="PATH")
]


def release_cmd(
    version: Annotated[str, typer.Option("--version", help="The release version, MAJOR.MINOR.PATCH.", metavar="X.Y.Z")],
    root: RootOpt = None,
    out_dir: OutOpt = Path("dist"),
    include_text: Annotated[
        bool, typer.Option("--include-text", help="Include texts whose licence forbids redistribution (private use).")
    ] = False,
    previous: Annotated[
        Path | None,
        typer.Option("--previous", help="An earlier release folder to compare with (e.g. a checkout).", metavar="PATH"),
    ] = None,
    repo: Annotated[
        str | None,
        typer.Option(
            "--repo", help="The Hub dataset repo it will be published to, named in its card.", metavar="OWNER/NAME"
        ),
    ] = None,
    date: Annotated[
        str | None,
        typer.Option(
            "--date", help="The release date (default: today, UTC, or $SOURCE_DATE_EPOCH).", metavar="YYYY-MM-DD"
        ),
    ] = None,
    engine: EngineOpt = None,
    ray_address: RayAddressOpt = None,
) -> None:
    """Validate the corpus and build release VERSION (Hub layout) into OUT/vVERSION/."""
    folder = corpus_folder(root)
    import datetime as dt

    from peacetalks.release.build import build_release

    try:
        day = dt.date.fromisoformat(date) if date is not None else None
    except ValueError:
        raise typer.BadParameter(f"{date!r} is not a date YYYY-MM-DD", param_hint="--date") from None
    run_on = engine_of(engine, ray_address)
    result = build_release(
        folder,
        version,
        out_dir,
        include_text=include_text,
        previous=previous,
        repo=repo,
        date=day,
        engine=run_on.value,
        ray_address=ray_address,
    )
    state = "unchanged (identical rebuild)" if result.unchanged else "built"
    out.print(f"{state}: {result.folder} ({plural(len(result.files), 'files')})")
    for config, splits in result.split_sizes.items():
        sizes = ", ".join(f"{split} {n}" for split, n in splits.items()) or "no rows"
        err.print(f"  {config}: {sizes}")
    if result.standoff:
        err.print(f"stand-off (no text): {', '.join(result.standoff)}")
    err.print(f"compared with: {result.previous or 'nothing (first release)'}")


def rehydrate_cmd(
    release: Annotated[Path, typer.Argument(metavar="RELEASE", help="A stand-off release folder.", file_okay=False)],
    out_dir: Annotated[Path, typer.Option("--out", help="New folder for the release with texts.", metavar="PATH")],
    texts: Annotated[
        Path | None, typer.Option("--texts", help="Folder with local copies of the texts (*.txt).", metavar="PATH")
    ] = None,
    fetch: Annotated[
        bool,
        typer.Option("--fetch", help="Fetch each article from its url (after the local copies of --texts, if given)."),
    ] = False,
    fmt: FormatOpt = OutputFormat.text,
) -> None:
    """Fill the texts of a stand-off release in: from local copies whose sha256 matches, or fetched.

    With --fetch a page that changed since the release is taken as the article's text, and its
    annotations are re-based onto it: each one that moved or was dropped is listed.
    """
    if texts is None and not fetch:
        raise typer.BadParameter("give --texts PATH (local copies), --fetch (each article's url), or both")
    from peacetalks.cli._fetch import progress_bar, render_texts
    from peacetalks.release.build import rehydrate_release

    with progress_bar(enabled=fetch and fmt is OutputFormat.text) as progress:
        result = rehydrate_release(release, texts, out_dir, fetch=fetch, progress=progress)
    if fmt is OutputFormat.json:
        got = result.texts
        articles = [a.to_dict() for a in got.articles] if got is not None else []
        out.print_json(json.dumps({"folder": str(result.folder), "articles": articles}, ensure_ascii=False))
        return
    if result.texts is not None:
        render_texts(result.texts)
    out.print(f"rehydrated: {escape(str(result.folder))}")


def _render(result: PublishResult) -> None:
    plan = result.plan
    if result.recovered:
        err.print(f"finished the interrupted publish of {result.recovered}: the work tree is up to date")
    for what, paths in (("add", plan.added), ("change", plan.changed), ("delete", plan.deleted)):
        for path in paths:
            out.print(f"{what} {escape(path)}")
    summary = (
        f"{len(plan.added)} added, {len(plan.changed)} changed, {len(plan.deleted)} deleted, "
        f"{len(plan.unchanged)} unchanged"
    )
    if result.dry_run:
        err.print(f"dry run: would publish {plan.version} to {plan.target} as {plan.tag} ({summary})")
    elif result.recovered == plan.tag and plan.empty:
        err.print(f"{plan.version} is published to {plan.target}: commit {result.commit}, tag {plan.tag}")
    else:
        err.print(f"published {plan.version} to {plan.target}: commit {result.commit}, tag {plan.tag} ({summary})")
    if result.lfs is False:
        err.print(
            "note: git-lfs is not installed, so the files .gitattributes gives to LFS are plain git blobs; "
            "the Hub refuses those on push. Install git-lfs and publish into a new repository before pushing."
        )


def publish_cmd(
    dist: Annotated[
        Path, typer.Argument(metavar="DIST", help="A release folder built by 'peacetalks release'.", file_okay=False)
    ],
    repo: Annotated[
        str | None, typer.Option("--repo", help="Hub dataset repository ORG/NAME.", metavar="ORG/NAME")
    ] = None,
    to: Annotated[
        Path | None, typer.Option("--to", help="A local git repository instead of the Hub.", metavar="PATH")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would be added, changed, deleted.")] = False,
    private: Annotated[bool, typer.Option("--private", help="Create the Hub repository as private.")] = False,
    timeout: Annotated[
        float | None,
        typer.Option(
            "--timeout", help="Seconds without progress on a Hub request before giving up (default 60).", min=0.1
        ),
    ] = None,
) -> None:
    """Publish a release as one commit and the tag vX.Y.Z (Hub: huggingface_hub's token; or --to PATH)."""
    if (repo is None) == (to is None):
        raise typer.BadParameter("give exactly one of --repo ORG/NAME and --to PATH")
    from peacetalks.release.publish import publish_git, publish_hub

    if to is not None:
        result = publish_git(dist, to, dry_run=dry_run)
    else:
        assert repo is not None
        result = publish_hub(dist, repo, dry_run=dry_run, private=private or None, timeout=timeout)
    _render(result)
