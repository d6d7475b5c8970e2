"""``peacetalks view``: write the static site of a corpus folder (or of a release with its texts).

The site is one folder: ``index.html`` (the articles with their split and counts, counts per label,
category and polarity, the charts), ``articles/DOC_ID.html`` (the text with every layer marked),
``compare/DOC_ID.html`` with ``compare=(A, B)`` (each item one layer has and the other has not, as
:func:`peacetalks.review.agreement.disagreements` finds them), ``charts/*.svg``, ``view.css`` and
``view.js``. Nothing is fetched: the pages use no CDN and no web font. The folder is built beside
``out`` and renamed into place, so a killed run leaves the previous site; ``out`` must be absent,
empty, or a site written before (it holds :data:`MARKER`), never another folder to overwrite.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from peacetalks.errors import ViewError
from peacetalks.schema.columns import status_column
from peacetalks.schema.names import check_name
from peacetalks.schema.scheme import Scheme, load_scheme
from peacetalks.schema.tables import ARGUMENTS, ARTICLES, BLOCKS, ENTITIES, EVENTS, SPLITS, STANCES, Table
from peacetalks.storage.layers import GOLD, PASSES, layer_dir, read_layer
from peacetalks.storage.parquet import atomic_folder, read_table
from peacetalks.storage.paths import check_path
from peacetalks.storage.roots import corpus_root
from peacetalks.storage.status import KINDS, NO_STATUS, read_status, wide
from peacetalks.view import charts
from peacetalks.view.corpus_charts import agreement_scores, entity_names, layer_charts
from peacetalks.view.spans import Span, nest, render

if TYPE_CHECKING:
    import jinja2
    from markupsafe import Markup

    from peacetalks.review.agreement import AgreementReport

MARKER = ".peacetalks-view"
STATUS_COLUMNS = tuple(status_column(kind) for kind in KINDS)  # an article's status per kind, in the index
RELEASE_TABLES = "tables"
RELEASE_DOCUMENTS = "data/documents"
BLOCK_TAGS = {"headline": "h1", "subheading": "h2"}
PALETTE = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1", "#76b7b2", "#edc948", "#ff9da7", "#9c755f")
FORM_BORDERS = ("solid", "dashed", "dotted", "double")
TYPE_STYLES = ("font-weight: 600", "font-style: italic", "opacity: 0.8")
ProgressFn = Callable[[str], None]


@dataclass(frozen=True)
class Site:
    """What :func:`build_site` wrote: the folder, the layer shown, the articles, the charts, the compared layers."""

    out: Path
    layer: str
    articles: list[str]
    charts: list[str]
    compare: tuple[str, str] | None


@dataclass(frozen=True)
class _Corpus:
    root: Path  # the folder holding corpus/ and annotations/ (a release's tables/)
    articles: pl.DataFrame
    blocks: pl.DataFrame
    splits: pl.DataFrame


def build_site(
    root: Path | str | None,
    out: Path | str,
    *,
    layer: str = GOLD,
    compare: tuple[str, str] | None = None,
    progress: ProgressFn | None = None,
) -> Site:
    """Write the site of ``layer`` (gold by default) of the corpus at ``root`` into ``out``.

    ``root`` is a corpus folder or a release folder whose texts are in its ``documents`` config
    (built with ``--include-text`` or rehydrated); a stand-off release raises ``texts-missing``.
    """
    out = check_path(out, "folder", "--out")
    _check_out(out)
    corpus = _read_corpus(root)
    scheme = load_scheme()
    tables = read_layer(corpus.root, layer)
    doc_ids = [check_name(d, "doc_id", path=ARTICLES.relpath()) for d in corpus.articles["doc_id"].to_list()]
    names = entity_names(tables[ENTITIES], scheme)
    agreement_pair = compare or _default_pair(corpus.root)
    report = None
    if agreement_pair is not None:
        from peacetalks.review.agreement import agreement

        report = agreement(corpus.root, *agreement_pair)
    env = _environment()
    context: dict[str, Any] = {"layer": layer, "compare": compare, "scheme_version": scheme.version}
    diffs: dict[Any, pl.DataFrame] = {}
    if compare is not None:
        from peacetalks.review.agreement import disagreements

        diffs = disagreements(corpus.root, *compare).partition_by("doc_id", as_dict=True)
    by_doc = _Partitions(tables, corpus.blocks)
    with atomic_folder(out, replace=True) as tmp:
        tmp.chmod(_folder_mode())  # a temporary folder is made 0700; a site is for reading
        (tmp / MARKER).write_text("written by peacetalks view; replaced as a whole by the next run\n", encoding="utf-8")
        _static(tmp, scheme)
        chart_list = layer_charts(tables, scheme, report)
        (tmp / "charts").mkdir()
        for chart in chart_list:
            (tmp / "charts" / f"{chart.name}.svg").write_text(chart.svg(), encoding="utf-8")
        (tmp / "articles").mkdir()
        if compare is not None:
            (tmp / "compare").mkdir()
        for article in corpus.articles.iter_rows(named=True):
            doc = article["doc_id"]
            if progress is not None:
                progress(doc)
            parts = by_doc.of(doc)
            page = _article_page(article, parts, names, scheme)
            html = env.get_template("article.html.j2").render(**context, article=article, **page)
            (tmp / "articles" / f"{doc}.html").write_text(html, encoding="utf-8")
            if compare is not None:
                empty = pl.DataFrame(schema=next(iter(diffs.values())).schema) if diffs else None
                body = _diff_body(article["text"], parts[BLOCKS], diffs.get((doc,), empty), compare)
                html = env.get_template("compare.html.j2").render(**context, article=article, body=body)
                (tmp / "compare" / f"{doc}.html").write_text(html, encoding="utf-8")
        index = _index(corpus, layer, tables, scheme, chart_list, report)
        html = env.get_template("index.html.j2").render(**context, **index)
        (tmp / "index.html").write_text(html, encoding="utf-8")
    return Site(out, layer, doc_ids, [c.name for c in chart_list], compare)


# -- the input --------------------------------------------------------------------------------


def _check_out(out: Path) -> None:
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise ViewError(
            "out-not-a-site",
            f"the folder holds files and no {MARKER}: it is not a site written by peacetalks view, "
            "and it is never overwritten",
            path=str(out),
        )


def _read_corpus(root: Path | str | None) -> _Corpus:
    release = Path(root) / RELEASE_TABLES if root is not None else None
    if release is not None and ARTICLES.path(release).is_file():
        articles = _with_release_texts(Path(root or "."), read_table(release, ARTICLES))
        folder = release
    else:
        folder = corpus_root(root)
        articles = read_table(folder, ARTICLES)
    missing = articles.filter(pl.col("text").is_null())["doc_id"].to_list()
    if missing:
        raise ViewError(
            "texts-missing",
            f"{len(missing)} article(s) of this stand-off release have no text: {', '.join(missing[:5])}"
            + (" ..." if len(missing) > 5 else ""),
            path=str(root),
            data={"doc_ids": missing},
        )
    return _Corpus(
        folder,
        articles.sort("published", "doc_id"),
        read_table(folder, BLOCKS, missing_ok=True),
        read_table(folder, SPLITS, missing_ok=True),
    )


def _with_release_texts(release: Path, articles: pl.DataFrame) -> pl.DataFrame:
    """Fill the null texts of a release's articles from its ``documents`` config, where that has them."""
    files = sorted((release / RELEASE_DOCUMENTS).glob("*.parquet"))
    if not files:
        return articles
    fields = ["text", "kicker", "headline"]
    texts = pl.scan_parquet(files).select("doc_id", *fields).collect()
    joined = articles.join(texts, on="doc_id", how="left", suffix="__doc")
    return joined.with_columns(pl.coalesce(f, f"{f}__doc").alias(f) for f in fields).select(articles.columns)


def _default_pair(root: Path) -> tuple[str, str] | None:
    """The layers the agreement chart compares: the two passes (``PASSES``), else the only two layers there are."""
    layers = root / "annotations" / "layers"
    names = sorted(p.name for p in layers.iterdir() if p.is_dir()) if layers.is_dir() else []
    if all(name in names for name in PASSES):
        return PASSES
    return (names[0], names[1]) if len(names) == 2 else None


class _Partitions:
    """The rows of each table for one article, split once."""

    def __init__(self, tables: dict[Table, pl.DataFrame], blocks: pl.DataFrame) -> None:
        self._frames = {**tables, BLOCKS: blocks}
        self._parts = {t: df.partition_by("doc_id", as_dict=True) for t, df in self._frames.items()}

    def of(self, doc: str) -> dict[Table, pl.DataFrame]:
        return {t: self._parts[t].get((doc,), self._frames[t].clear()) for t in self._frames}


# -- an article page --------------------------------------------------------------------------


def _joined(values: pl.Series) -> str:
    return " ".join(values.to_list())


def _article_page(
    article: dict[str, Any], parts: dict[Table, pl.DataFrame], names: dict[str, str], scheme: Scheme
) -> dict[str, Any]:
    text: str = article["text"]
    entities, events, arguments, stances = parts[ENTITIES], parts[EVENTS], parts[ARGUMENTS], parts[STANCES]
    mention_text = dict(zip(entities["mention_id"].to_list(), entities["text"].to_list(), strict=True))
    targets = {t.id: t.label_en for t in scheme.stance_targets}
    args_of = (
        arguments.filter(pl.col("mention_id").is_not_null())
        .group_by("mention_id")
        .agg(pl.col("event_id").unique().sort())
    )
    arg_events = {m: " ".join(e) for m, e in args_of.iter_rows()}
    holder_of = stances.group_by("holder_mention_id").agg(pl.col("stance_id").sort())
    holders = {m: " ".join(s) for m, s in holder_of.iter_rows()}
    spans = _block_spans(parts[BLOCKS])
    for m in entities.iter_rows(named=True):
        entity = f"{names.get(m['entity_id'], '')} [{m['entity_id']}]"
        info = f"{m['label']} · {m['form'] or '(no form)'} · {m['mention_type']} · {entity}"
        mention_attrs: list[tuple[str, str]] = [
            ("data-mention", m["mention_id"]),
            ("data-entity", m["entity_id"]),
            ("data-label", m["label"]),
            ("data-info", info),
            ("tabindex", "0"),
        ]
        if m["mention_id"] in arg_events:
            mention_attrs.append(("data-args-of", arg_events[m["mention_id"]]))
        if m["mention_id"] in holders:
            mention_attrs.append(("data-holder-of", holders[m["mention_id"]]))
        classes = f"m lab-{m['label']} form-{m['form'] or 'none'} type-{m['mention_type']}"
        spans.append(Span(m["start"], m["end"], "mention", "mark", classes, tuple(mention_attrs)))
    event_rows = []
    for e in events.iter_rows(named=True):
        own = arguments.filter(pl.col("event_id") == e["event_id"])
        args = [
            f"{a['role']}: {mention_text.get(a['mention_id'], '?') if a['mention_id'] else a['text']}"
            for a in own.iter_rows(named=True)
        ]
        info = " · ".join(x for x in (e["category"], e["mode"], e["realis"], e["modality"]) if x) + (
            f" — {'; '.join(args)}" if args else ""
        )
        attrs = (
            ("data-event", e["event_id"]),
            ("data-category", e["category"]),
            ("data-info", info),
            ("tabindex", "0"),
        )
        spans.append(Span(e["trigger_start"], e["trigger_end"], "trigger", "mark", f"ev cat-{e['category']}", attrs))
        event_rows.append({**e, "arguments": args, "context": ", ".join(e["context"] or [])})
    for a in arguments.filter(pl.col("mention_id").is_null()).iter_rows(named=True):
        if a["start"] is not None and a["end"] is not None:
            arg_attrs = (
                ("data-argument", a["argument_id"]),
                ("data-args-of", a["event_id"]),
                ("data-info", f"{a['role']} of {a['event_id']}"),
            )
            spans.append(Span(a["start"], a["end"], "argument", "span", f"arg role-{a['role']}", arg_attrs))
    stance_rows = []
    for s in stances.iter_rows(named=True):
        holder = mention_text.get(s["holder_mention_id"], s["holder_mention_id"])
        target = targets.get(s["target_id"], s["target_id"])
        info = f"{holder} → {target}: {s['polarity']} ({s['attribution']})"
        attrs = (
            ("data-stance", s["stance_id"]),
            ("data-polarity", s["polarity"]),
            ("data-info", info),
            ("tabindex", "0"),
        )
        spans.append(Span(s["evidence_start"], s["evidence_end"], "stance", "span", f"st pol-{s['polarity']}", attrs))
        stance_rows.append({**s, "holder": holder, "target": target})
    body = render(text, nest(len(text), spans))
    return {
        "body": body,
        "events": event_rows,
        "stances": stance_rows,
        "counts": {
            "mentions": entities.height,
            "events": events.height,
            "arguments": arguments.height,
            "stances": stances.height,
        },
    }


def _block_spans(blocks: pl.DataFrame) -> list[Span]:
    return [
        Span(b["start"], b["end"], "block", BLOCK_TAGS.get(b["kind"], "p"), f"block kind-{b['kind']}")
        for b in blocks.sort("start").iter_rows(named=True)
    ]


def _diff_body(text: str, blocks: pl.DataFrame, diffs: pl.DataFrame | None, pair: tuple[str, str]) -> Markup:
    spans = _block_spans(blocks)
    if diffs is not None:
        for i, d in enumerate(diffs.iter_rows(named=True)):
            only = pair[0] if d["side"] == "a" else pair[1]
            attrs = (
                ("data-diff", f"{d['side']}-{d['item']}-{i}"),
                ("data-side", d["side"]),
                ("data-item", d["item"]),
                ("data-info", f"only in {only}: {d['item']} {d['label']}"),
                ("tabindex", "0"),
            )
            spans.append(Span(d["start"], d["end"], "diff", "mark", f"diff only-{d['side']} item-{d['item']}", attrs))
    return render(text, nest(len(text), spans))


# -- the index and the charts -----------------------------------------------------------------


def _counts(df: pl.DataFrame, column: str) -> list[dict[str, Any]]:
    return df.group_by(column).len("count").sort(["count", column], descending=[True, False]).to_dicts()


def _index(
    corpus: _Corpus,
    layer: str,
    tables: dict[Table, pl.DataFrame],
    scheme: Scheme,
    chart_list: list[charts.Chart],
    report: AgreementReport | None,
) -> dict[str, Any]:
    per_doc = [
        tables[t].group_by("doc_id").len(name)
        for t, name in ((ENTITIES, "mentions"), (EVENTS, "events"), (STANCES, "stances"))
    ]
    articles = corpus.articles.join(corpus.splits.select("doc_id", "split"), on="doc_id", how="left")
    for counts in per_doc:
        articles = articles.join(counts, on="doc_id", how="left")
    articles = articles.with_columns(pl.col("mentions", "events", "stances").fill_null(0))
    status = wide(articles, read_status(corpus.root, layer_dir(layer)), missing=NO_STATUS)
    articles = articles.join(status, on="doc_id", how="left", maintain_order="left")
    targets = {t.id: t.label_en for t in scheme.stance_targets}
    stances = tables[STANCES].with_columns(
        pl.col("target_id").replace_strict(targets, default=pl.col("target_id")).alias("target")
    )
    scores = agreement_scores(report).to_dicts() if report is not None else []
    return {
        "articles": articles.select(
            "doc_id", "published", "headline", "split", "mentions", "events", "stances", *STATUS_COLUMNS
        ).to_dicts(),
        "status_columns": STATUS_COLUMNS,
        "tables": [
            ("Mentions per label", "label", _counts(tables[ENTITIES], "label")),
            (
                "Mentions per form",
                "form",
                _counts(tables[ENTITIES].with_columns(pl.col("form").fill_null("(none)")), "form"),
            ),
            ("Event mentions per category", "category", _counts(tables[EVENTS], "category")),
            ("Event mentions per realis", "realis", _counts(tables[EVENTS], "realis")),
            ("Stances per polarity", "polarity", _counts(tables[STANCES], "polarity")),
            ("Stances per target", "target", _counts(stances, "target")),
        ],
        "charts": chart_list,
        "agreement": {"a": report.a, "b": report.b, "scores": scores} if report is not None else None,
    }


# -- files ------------------------------------------------------------------------------------


def _folder_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o777 & ~mask


def _environment() -> jinja2.Environment:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("peacetalks.view", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _static(folder: Path, scheme: Scheme) -> None:
    templates = resources.files("peacetalks.view") / "templates"
    (folder / "view.js").write_text((templates / "view.js").read_text(encoding="utf-8"), encoding="utf-8")
    css = (templates / "view.css").read_text(encoding="utf-8")
    (folder / "view.css").write_text(css + _scheme_css(scheme), encoding="utf-8")


def _scheme_css(scheme: Scheme) -> str:
    """The colours and styles of the scheme's labels, forms and mention types (not written down twice)."""
    lines = ["\n/* generated from the scheme */"]
    for i, label in enumerate(scheme.entity_labels):
        lines.append(f".lab-{label} {{ --c: {PALETTE[i % len(PALETTE)]}; }}")
    for i, form in enumerate(scheme.entity_forms):
        lines.append(f".form-{form} {{ border-bottom-style: {FORM_BORDERS[i % len(FORM_BORDERS)]}; }}")
    for i, kind in enumerate(scheme.mention_types):
        lines.append(f".type-{kind} {{ {TYPE_STYLES[i % len(TYPE_STYLES)]}; }}")
    for polarity, colour in charts.polarity_colours(scheme.stance_polarities).items():
        lines.append(f".pol-{polarity} {{ --p: {colour}; }}")
    return "\n".join(lines) + "\n"
