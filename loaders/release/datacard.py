"""The statistics sections of DATACARD.md, generated from the data (never typed by hand).

A generated section sits between ``<!-- BEGIN GENERATED: name -->`` and ``<!-- END GENERATED: name -->``;
:func:`update_card` rewrites those sections, :func:`stale_sections` says which are out of date.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from peacetalks.errors import ReleaseError
from peacetalks.release.coverage import coverage_counts, render_coverage
from peacetalks.schema.scheme import load_scheme
from peacetalks.schema.tables import ANNOTATION_TABLES, ARGUMENTS, ARTICLES, ENTITIES, EVENTS, STANCES, STATUS, Table
from peacetalks.storage.gold_versions import read_gold_versions
from peacetalks.storage.layers import PASSES
from peacetalks.storage.parquet import read_table
from peacetalks.storage.roots import is_packaged, resolve_root
from peacetalks.storage.transaction import folder_lock, transaction
from peacetalks.text.tokenize import count_tokens

if TYPE_CHECKING:
    from peacetalks.review.agreement import AgreementReport
    from peacetalks.storage.transaction import Transaction
    from peacetalks.view.charts import Chart

CARD_NAME = "DATACARD.md"  # the data card, at the top of a corpus folder (a checkout)

_BLOCK = re.compile(
    r"(<!-- BEGIN GENERATED: (?P<name>[a-z-]+) -->\n)(?P<body>.*?)(<!-- END GENERATED: (?P=name) -->)", re.DOTALL
)


def _counts(df: pl.DataFrame, column: str, order: tuple[str, ...]) -> dict[str, int]:
    found = dict(df.group_by(column).len().iter_rows()) if df.height else {}
    return {name: int(found.get(name, 0)) for name in order}


STATISTICS_TABLES = (ARTICLES, ENTITIES, EVENTS, ARGUMENTS, STANCES)


def corpus_statistics(root: Path | str | None = None) -> dict[str, Any]:
    """The statistics of the corpus folder at ``root`` (see :func:`statistics`)."""
    folder = resolve_root(root)
    frames = {table: read_table(folder, table) for table in STATISTICS_TABLES}
    return statistics(frames | {STATUS: read_table(folder, STATUS, missing_ok=True)})


def statistics(frames: Mapping[Table, pl.DataFrame]) -> dict[str, Any]:
    """Counts of articles, characters, tokens, entities, mentions, events, arguments and stances, by label.

    ``frames`` are the corpus tables (a release computes its card from the tables it releases), and the
    status table for the annotation coverage.
    """
    scheme = load_scheme()
    articles = frames[ARTICLES]
    entities = frames[ENTITIES]
    events = frames[EVENTS]
    arguments = frames[ARGUMENTS]
    stances = frames[STANCES]
    return {
        "coverage": coverage_counts(frames),  # no status table: every article in no status
        "articles": articles.height,
        "characters": int(articles["text"].str.len_chars().sum()),
        "tokens": count_tokens(articles["text"].to_list()),
        "entities": entities.select(pl.struct("doc_id", "entity_id").n_unique()).item() if entities.height else 0,
        "mentions": entities.height,
        "mentions_per_label": _counts(entities, "label", scheme.entity_labels),
        "mentions_per_form": _counts(entities.filter(pl.col("form").is_not_null()), "form", scheme.entity_forms),
        "mentions_per_type": _counts(entities, "mention_type", scheme.mention_types),
        "events": events.height,
        "events_per_category": _counts(events, "category", scheme.category_names),
        "events_per_realis": _counts(events, "realis", scheme.realis),
        "arguments": arguments.height,
        "arguments_per_role": _counts(arguments, "role", scheme.argument_roles),
        "stances": stances.height,
        "stances_per_polarity": _counts(stances, "polarity", scheme.stance_polarities),
        "stances_per_attribution": _counts(stances, "attribution", scheme.stance_attributions),
    }


def _table(title: str, counts: Mapping[str, int]) -> str:
    rows = "\n".join(f"| {name} | {n} |" for name, n in counts.items())
    return f"| {title} | count |\n|---|---|\n{rows}\n"


def render_statistics(stats: Mapping[str, Any]) -> str:
    overview = {
        "articles": stats["articles"],
        "characters": stats["characters"],
        "tokens (spaCy de rules)": stats["tokens"],
        "entities": stats["entities"],
        "mentions": stats["mentions"],
        "events": stats["events"],
        "event arguments": stats["arguments"],
        "stances": stats["stances"],
    }
    parts = [
        _table("corpus", overview),
        _table("mentions per label", stats["mentions_per_label"]),
        _table(f"mentions per form ({load_scheme().name_mention_type} mentions)", stats["mentions_per_form"]),
        _table("mentions per type", stats["mentions_per_type"]),
        _table("events per category", stats["events_per_category"]),
        _table("events per realis", stats["events_per_realis"]),
        _table("arguments per role", stats["arguments_per_role"]),
        _table("stances per polarity", stats["stances_per_polarity"]),
        _table("stances per attribution", stats["stances_per_attribution"]),
        "Annotation coverage (articles per kind):\n\n" + render_coverage(stats["coverage"]),
    ]
    return "\n".join(parts)


def render_versions(root: Path) -> str:
    """The versions of the scheme and codebook, and those gold records it was annotated and checked under."""
    scheme = load_scheme()
    gold = read_gold_versions(root)
    if gold is None:
        recorded = "Gold records no versions it was annotated under."
    else:
        guidelines = f" and the annotation guidelines {gold.guidelines}" if gold.guidelines else ""
        recorded = f"Gold was annotated and checked under scheme {gold.scheme}, codebook {gold.codebook}{guidelines}."
    return (
        f"- **Versions:** annotation scheme {scheme.version}, stance codebook {scheme.codebook_version}. "
        f"{recorded} Each release's changelog lists the version of every part.\n"
    )


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def render_agreement(root: Path, a: str = PASSES[0], b: str = PASSES[1]) -> str:
    """Agreement between the two annotation passes (``peacetalks agree a b``), as Markdown tables."""
    from peacetalks.review.agreement import agreement

    if not _layers_exist(root, a, b):
        return f"No agreement figures: the layers {a} and {b} are not both present.\n" + render_suggestion_changes(root)
    report = agreement(root, a, b)
    lines = [
        (
            f"Pass `{b}` against pass `{a}` (the reference), over the whole corpus; computed by "
            f"`peacetalks agree {a} {b}`.\n"
        ),
        *_agreement_tables(report),
    ]
    perfect = sum(1 for kind in report.kinds for x in kind.attributes if x.kappa == 1.0)
    shared, own = _shared_entity_ids(root, a, b)
    lines += [
        "",
        (
            f"What these figures measure: {perfect} of the attributes above have kappa 1.000, and `{b}` "
            f"names {shared} of `{a}`'s {own} entities with the very same id, although ids are free slugs "
            "each pass makes up. The two passes were made by two runs of similar annotators from the same "
            "material, so the figures measure the consistency of such runs, not the agreement of "
            "independent annotators."
        ),
    ]
    return "\n".join(lines) + "\n" + render_suggestion_changes(root)


INDEPENDENT_PASS = "annotator-c"  # the pass made from the article, the guidelines and the scheme alone


def render_independent(root: Path, layer: str = INDEPENDENT_PASS) -> str:
    """Agreement of the independent pass with gold (``peacetalks agree gold LAYER``), as Markdown tables."""
    from peacetalks.review.agreement import agreement

    if not _layers_exist(root, layer):
        return f"No independent pass: the layer {layer} is not present.\n"
    report = agreement(root, "gold", layer)
    lines = [
        (
            f"Pass `{layer}` against gold (the reference), over the articles `{layer}` covers; computed by "
            f"`peacetalks agree gold {layer}`. Gold is the adjudicated merge of the first two passes, "
            f"corrected under the guidelines; `{layer}` saw none of them.\n"
        ),
        *_agreement_tables(report),
        "",
        _quoted_in_guidelines(root),
    ]
    return "\n".join(lines) + "\n"


_STANCE_ID = re.compile(r"\bs[0-9]{4}\b")
_BOLD = re.compile(r"\*\*(.+?)\*\*")


def _quoted_in_guidelines(root: Path) -> str:
    """How much of gold the guidelines quote as their examples: the limit of a pass that follows them.

    Counted from annotations/GUIDELINES.md: the stance ids it names, and the gold triggers and mentions
    whose text is a bold example there (the guidelines bold the annotated words of their examples).
    """
    from peacetalks.storage.gold_versions import GUIDELINES
    from peacetalks.storage.layers import read_layer

    path = root / GUIDELINES
    if not path.is_file():
        return "The corpus has no annotation guidelines to compare the pass with."
    text = path.read_text(encoding="utf-8")
    bold = pl.Series(sorted(set(_BOLD.findall(text))), dtype=pl.String)
    gold = read_layer(root, "gold")
    stances = gold[STANCES]["stance_id"]
    cited = stances.is_in(pl.Series(sorted(set(_STANCE_ID.findall(text))), dtype=pl.String)).sum()
    triggers = gold[EVENTS]["trigger_text"].is_in(bold).sum()
    mentions = gold[ENTITIES]["text"].is_in(bold).sum()
    return (
        "What these figures measure: the guidelines were written on this article and quote its decisions as "
        f"their examples. They name {cited} of gold's {len(stances)} stances by id, and {triggers} of its "
        f"{gold[EVENTS].height} event triggers and {mentions} of its {gold[ENTITIES].height} mentions appear "
        "in them as bold example words. An annotator who follows them reproduces much of gold by "
        "construction, so the figures show how completely the guidelines determine gold for the article they "
        "were written from, and where they leave room; they are no estimate of agreement on a new article."
    )


def _agreement_tables(report: AgreementReport) -> list[str]:
    """The label scores and the attribute agreement of ``report`` as two Markdown tables."""
    lines = [
        "| kind | item | label | A | B | exact P | exact R | exact F1 | partial F1 |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {kind.kind} | {s.item} | {s.label} | {s.n_a} | {s.n_b} | {_fmt(s.exact.precision)} | "
        f"{_fmt(s.exact.recall)} | {_fmt(s.exact.f1)} | {_fmt(s.partial.f1)} |"
        for kind in report.kinds
        for s in kind.scores
    ]
    lines += [
        "",
        "Categorical attributes on matched items (`evidence`/`holder`: stances paired by their evidence alone,",
        "compared on the holder's entity):\n",
        "| kind | item | attribute | pairs | observed | Cohen's kappa | Krippendorff's alpha |",
        "|---|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {kind.kind} | {x.item} | {x.attribute} | {x.pairs} | {_fmt(x.observed)} | {_fmt(x.kappa)} | "
        f"{_fmt(x.alpha)} |"
        for kind in report.kinds
        for x in kind.attributes
    ]
    clusters = [c for kind in report.kinds for c in kind.clusters]
    if clusters:
        lines += [
            "",
            "Clusters (`entity_id` of mentions, `cluster_id` of event triggers) on the mentions matched by span:\n",
            "| item | column | clusters A | clusters B | matched | metric | P | R | F1 |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for c in clusters:
            if c.not_scored is not None:
                lines.append(f"| {c.item} | {c.column} | - | - | {c.matched} | - | - | - | {c.not_scored} |")
                continue
            lines += [
                f"| {c.item} | {c.column} | {c.clusters_a} | {c.clusters_b} | {c.matched} | {m.metric} | "
                f"{_fmt(m.precision)} | {_fmt(m.recall)} | {_fmt(m.f1)} |"
                for m in c.scores
            ]
    return lines


# The item whose scores say how much a person changed the suggestions of a kind.
_SUGGESTED_ITEMS = {"entities": "mention", "events": "trigger"}


def render_suggestion_changes(root: Path) -> str:
    """How much the people changed the machine suggestions they started from; empty without a machine layer.

    For each machine layer and each person's layer, per kind, on the articles both have complete: the
    suggestions the person kept as they were (exact span and label), and the items the person has that
    were not suggested (``peacetalks agree PASS MACHINE``, the pass as the reference).
    """
    from peacetalks.review.agreement import ALL_LABELS, agreement
    from peacetalks.storage.layers import layer_names
    from peacetalks.storage.machine import machine_layers
    from peacetalks.storage.status import complete_doc_ids, read_status

    machines = machine_layers(root)
    if not machines:
        return ""
    people = [name for name in layer_names(root) if name not in machines]
    rows = []
    for machine in machines:
        for person in people:
            for kind, item in _SUGGESTED_ITEMS.items():
                shared = set(complete_doc_ids(read_status(root, machine), kind).to_list()) & set(
                    complete_doc_ids(read_status(root, person), kind).to_list()
                )
                if not shared:
                    continue
                report = agreement(root, person, machine, kinds=[kind], doc_ids=sorted(shared))
                score = report.score(kind, item, ALL_LABELS)
                kept, added = score.exact.matched_b, score.n_a - score.exact.matched_a
                rows.append(
                    f"| {machine} | {person} | {kind} | {len(shared)} | {score.n_b} | {kept} "
                    f"({_fmt(score.exact.precision)}) | {score.n_a} | {added} |"
                )
    intro = (
        f"\nMachine suggestions ({', '.join(f'`{m}`' for m in machines)}, `peacetalks suggest`) and the passes "
        "made from them, on the articles both have complete: the suggestions a person kept as they were (exact "
        "span and label; the share is the suggestions' precision against the pass) and the items the person has "
        "that were not suggested (`peacetalks agree PASS MACHINE`).\n"
    )
    if not rows:
        return intro + "\nNo pass has complete articles in common with the suggestions yet.\n"
    head = [
        "| machine layer | pass | kind | articles | suggested | kept as suggested | in the pass | added by the pass |",
        "|---|---|---|---|---|---|---|---|",
    ]
    return intro + "\n" + "\n".join(head + rows) + "\n"


def _shared_entity_ids(root: Path, a: str, b: str) -> tuple[int, int]:
    """How many of layer ``a``'s entity ids (per article) layer ``b`` uses too, and how many ``a`` has."""

    from peacetalks.schema.tables import ENTITIES
    from peacetalks.storage.layers import layer_dir
    from peacetalks.storage.parquet import read_table

    ids_a, ids_b = (read_table(root, ENTITIES, layer_dir(x)).select("doc_id", "entity_id").unique() for x in (a, b))
    return ids_a.join(ids_b, on=["doc_id", "entity_id"], how="semi").height, ids_a.height


def render_adjudication(root: Path) -> str:
    """Decisions taken in the review files under annotations/review/, per kind of item.

    ``edited`` counts the kept versions the adjudicator changed in the review file: the version kept
    differs from that layer's own version of the conflict (:func:`~peacetalks.review.adjudicate.fresh_conflicts`),
    so such a decision is not a plain choice between the two passes.
    """
    import yaml

    from peacetalks.review.adjudicate import fresh_conflicts

    rows = []
    for path in sorted((root / "annotations" / "review").glob("*.yaml")):
        review = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        a, b = str(review.get("a")), str(review.get("b"))
        fresh = {c.id: c for c in fresh_conflicts(root, a, b)} if _layers_exist(root, a, b) else {}
        decided: dict[tuple[str, str], list[int]] = {}
        for conflict in review.get("conflicts") or []:
            key = (str(conflict.get("kind")), str(conflict.get("decision")))
            counts = decided.setdefault(key, [0, 0])
            counts[0] += 1
            now = fresh.get(str(conflict.get("id")))
            sides = {"a": ("a",), "b": ("b",), "both": ("a", "b")}.get(str(conflict.get("decision")), ())
            if now is not None and any(_edited(conflict.get(side), getattr(now, side)) for side in sides):
                counts[1] += 1
        for (kind, decision), (n, edited) in sorted(decided.items()):
            rows.append(f"| {path.name} | {kind} | {decision} | {n} | {edited if fresh else '-'} |")
    if not rows:
        return "No review files.\n"
    header = "| review file | kind | decision | conflicts | kept version edited |\n|---|---|---|---|---|\n"
    return header + "\n".join(rows) + "\n" + _corrections_table(root)


def _edited(kept: object, fresh: dict[str, object] | None) -> bool:
    """Whether a kept version differs from the layer's: a field missing from it is null, as when it is read.

    A review file written before a field existed (``cluster_id`` of scheme 2.1) lacks it in every version.
    """
    if not isinstance(kept, dict) or fresh is None:
        return kept != fresh
    return any(kept.get(k) != fresh.get(k) for k in {*kept, *fresh})


def _corrections_table(root: Path) -> str:
    """The corrections recorded in the review files, per table and change (changed, added, removed)."""
    import yaml

    counts: dict[tuple[str, str, str], int] = {}
    for path in sorted((root / "annotations" / "review").glob("*.yaml")):
        review = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for c in review.get("corrections") or []:
            change = "added" if c.get("before") is None else "removed" if c.get("after") is None else "changed"
            key = (path.name, str(c.get("table")), change)
            counts[key] = counts.get(key, 0) + 1
    if not counts:
        return ""
    lines = [f"| {name} | {table} | {change} | {n} |" for (name, table, change), n in sorted(counts.items())]
    return (
        "\nCorrections after the decisions (gold checked against the guidelines; each with its rule and reason in the"
        " review file):\n\n| review file | table | change | corrections |\n|---|---|---|---|\n"
        + "\n".join(lines)
        + "\n"
    )


def _layers_exist(root: Path, *names: str) -> bool:
    from peacetalks.storage.layers import layer_exists

    return all(layer_exists(root, name) for name in names)


Generator = Callable[[Path], str]


# -- charts ------------------------------------------------------------------------------------

CHARTS_DIR = "datacard"  # the charts of the card, as SVG files in this folder beside DATACARD.md


def card_charts(root: Path, frames: Mapping[Table, pl.DataFrame] | None = None) -> list[Chart]:
    """The charts of the card: of gold (from ``frames`` when given), and of agreement of the two passes."""
    from peacetalks.storage.layers import layer_exists, read_layer
    from peacetalks.view.corpus_charts import layer_charts

    tables = (
        {t: frames[t] for t in ANNOTATION_TABLES} if frames is not None else read_layer(root, "gold", missing_ok=True)
    )
    report = None
    if all(layer_exists(root, name) for name in PASSES):
        from peacetalks.review.agreement import agreement

        report = agreement(root, *PASSES)
    return layer_charts(tables, load_scheme(), report)


def render_charts(charts: list[Chart]) -> str:
    """The card's charts section: one image per chart, and the digest of each chart's data.

    The digests make the section stale when the data of a chart changes, whatever machine drew
    the SVG; :func:`stale_chart_files` checks the files themselves.
    """
    lines = [f"![{c.title}]({CHARTS_DIR}/{c.name}.svg)\n" for c in charts]
    digests = ", ".join(f"{c.name} {c.digest}" for c in charts)
    return "\n".join(lines) + f"\n<!-- chart data: {digests} -->\n"


def stale_chart_files(folder: Path, charts: list[Chart]) -> list[str]:
    """The charts whose SVG under ``folder/datacard/`` is missing or drawn from other data."""
    from peacetalks.view.charts import svg_digest

    stale = []
    for chart in charts:
        path = folder / CHARTS_DIR / f"{chart.name}.svg"
        if not path.is_file() or svg_digest(path.read_text(encoding="utf-8")) != chart.digest:
            stale.append(chart.name)
    return stale


def write_charts(tx: Transaction, folder: Path, charts: list[Chart]) -> list[Path]:
    """Stage each chart as ``folder/datacard/NAME.svg`` in ``tx``; returns the paths."""
    return [tx.write_text(folder / CHARTS_DIR / f"{chart.name}.svg", chart.svg()) for chart in charts]


def generators(frames: Mapping[Table, pl.DataFrame] | None = None) -> dict[str, Generator]:
    """The generated sections of the card, by name.

    The statistics come from ``frames`` when given (the tables a release is built from), else from
    the corpus folder; agreement and adjudication from the folder's annotator layers and review files.
    """
    return {
        "versions": render_versions,
        "statistics": lambda root: render_statistics(corpus_statistics(root) if frames is None else statistics(frames)),
        "agreement": render_agreement,
        "independent": render_independent,
        "adjudication": render_adjudication,
        "charts": lambda root: render_charts(card_charts(root, frames)),
    }


def render_generated(card: str, root: Path, frames: Mapping[Table, pl.DataFrame] | None = None) -> str:
    """``card`` with every generated section rewritten from the data (see :func:`generators`)."""
    sections = generators(frames)

    def replace(match: re.Match[str]) -> str:
        make = sections.get(match["name"])
        body = match["body"] if make is None else make(root)
        return f"{match.group(1)}{body}{match.group(4)}"

    return _BLOCK.sub(replace, card)


def stale_in(card: str, fresh: str) -> list[str]:
    """Names of the generated sections of ``card`` whose content differs from those of ``fresh``."""
    old = {m["name"]: m["body"] for m in _BLOCK.finditer(card)}
    new = {m["name"]: m["body"] for m in _BLOCK.finditer(fresh)}
    return sorted(name for name in new if old.get(name) != new[name])


def card_file(root: Path | str | None = None) -> Path:
    """The data card of the corpus at ``root``: ``ROOT/DATACARD.md``."""
    return resolve_root(root) / CARD_NAME


def _read_card(card_path: Path, root: Path | str | None) -> str:
    try:
        return card_path.read_text(encoding="utf-8")
    except FileNotFoundError:
        folder = resolve_root(root)
        why = (
            "the corpus bundled with an installed package carries no data card (it belongs to the source "
            "checkout, with the annotator layers and review files its agreement sections are computed from)"
            if card_path == card_file(folder) and is_packaged(folder)
            else "the file does not exist"
        )
        raise ReleaseError("no-data-card", f"no data card: {why}", path=str(card_path)) from None


def has_charts(card: str) -> bool:
    """Whether ``card`` has a generated charts section."""
    return any(m["name"] == "charts" for m in _BLOCK.finditer(card))


def stale_sections(card_path: Path, root: Path | str | None = None) -> list[str]:
    """Names of generated sections whose content differs from what the data gives now.

    ``charts`` is stale too when an SVG file beside the card is missing or drawn from other data.
    """
    card = _read_card(card_path, root)
    folder = resolve_root(root)
    stale = stale_in(card, render_generated(card, folder))
    if has_charts(card) and "charts" not in stale and stale_chart_files(card_path.parent, card_charts(folder)):
        stale.append("charts")
    return sorted(stale)


def update_card(card_path: Path, root: Path | str | None = None) -> list[str]:
    """Rewrite the generated sections and the chart files, all or nothing, under the corpus lock.

    Returns the names of the sections that changed.
    """
    folder = resolve_root(root)
    with folder_lock(folder, "card"):
        changed = stale_sections(card_path, folder)
        if changed:
            card = _read_card(card_path, folder)
            text = render_generated(card, folder)
            charts = card_charts(folder) if has_charts(card) else []
            # the card and its charts change together (the card's folder: the corpus, or the --card PATH's)
            with transaction(card_path.parent, "card") as tx:
                write_charts(tx, card_path.parent, charts)
                tx.write_text(card_path, text)
    return changed


# Croissant RAI properties answered by a section of the data card: property -> the section's title
# (a heading, or a paragraph opening with the title in bold, like "**Maintenance.**"), or a generated section.
RAI_SECTIONS = {
    "dataCollection": "Data Collection and Processing",
    "dataPreprocessingProtocol": "Preprocessing / cleaning / labelling",
    "dataAnnotationProtocol": "Annotation process",
    "dataAnnotationPlatform": "Annotation platform",
    "dataAnnotationAnalysis": "generated:agreement",
    "annotatorDemographics": "Who are the annotators?",
    "machineAnnotationTools": "Who are the annotators?",
    "dataBiases": "Bias, Risks, and Limitations",
    "dataLimitations": "Bias, Risks, and Limitations",
    "dataUseCases": "Uses",
    "personalSensitiveInformation": "Personal and Sensitive Information",
    "dataReleaseMaintenancePlan": "Maintenance",
}
_HEADING = re.compile(r"^(#+) +(.*?) *$", re.MULTILINE)
_COMMENT = re.compile(r"<!--.*?-->\n?", re.DOTALL)


def card_section(card: str, title: str) -> str | None:
    """The Markdown text of the card's section ``title``, or None when the card has no such section.

    A heading's section runs to the next heading of the same or a higher level; a bold-titled
    paragraph (``**Title.** text``) is that paragraph. Generated sections are left out, except
    ``generated:NAME``, which is that generated section's content.
    """
    if title.startswith("generated:"):
        found = {m["name"]: m["body"] for m in _BLOCK.finditer(card)}
        body = found.get(title.removeprefix("generated:"))
        return body.strip() or None if body is not None else None
    text = _BLOCK.sub("", card)
    for match in _HEADING.finditer(text):
        if match[2] == title:
            level = len(match[1])
            rest = text[match.end() :]
            stop = next((m.start() for m in _HEADING.finditer(rest) if len(m[1]) <= level), len(rest))
            return _COMMENT.sub("", rest[:stop]).strip() or None
    bold = re.search(rf"^\*\*{re.escape(title)}\.\*\* *(.*?)(?:\n\n|\Z)", text, re.MULTILINE | re.DOTALL)
    return bold[1].strip() if bold else None


def rai_properties(card: str) -> dict[str, str]:
    """The Croissant RAI properties the data card answers, each with its section's text."""
    found = {key: card_section(card, title) for key, title in RAI_SECTIONS.items()}
    return {key: text for key, text in found.items() if text}
