"""The statistics sections of DATACARD.md, generated from the data (never typed by hand).

A generated section sits between ``<!-- BEGIN GENERATED: name -->`` and ``<!-- END GENERATED: name -->``;
:func:`update_card` rewrites those sections, :func:`stale_sections` says which are out of date.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import polars as pl

from peacetalks.paths import resolve_root
from peacetalks.scheme import load_scheme
from peacetalks.storage import read_table, write_text_atomic
from peacetalks.tables import ARGUMENTS, ARTICLES, ENTITIES, EVENTS, STANCES

_BLOCK = re.compile(
    r"(<!-- BEGIN GENERATED: (?P<name>[a-z-]+) -->\n)(?P<body>.*?)(<!-- END GENERATED: (?P=name) -->)", re.DOTALL
)


def count_tokens(texts: list[str]) -> int:
    """Tokens by spaCy's German tokenizer rules (``spacy.blank("de")``; no model is loaded)."""
    import spacy

    tokenizer: Any = spacy.blank("de").tokenizer
    return sum(len(doc) for doc in tokenizer.pipe(texts))


def _counts(df: pl.DataFrame, column: str, order: tuple[str, ...]) -> dict[str, int]:
    found = dict(df.group_by(column).len().iter_rows()) if df.height else {}
    return {name: int(found.get(name, 0)) for name in order}


def corpus_statistics(root: Path | str | None = None) -> dict[str, Any]:
    folder = resolve_root(root)
    scheme = load_scheme()
    articles = read_table(folder, ARTICLES)
    entities = read_table(folder, ENTITIES)
    events = read_table(folder, EVENTS)
    arguments = read_table(folder, ARGUMENTS)
    stances = read_table(folder, STANCES)
    return {
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
        _table("mentions per form (NAM mentions)", stats["mentions_per_form"]),
        _table("mentions per type", stats["mentions_per_type"]),
        _table("events per category", stats["events_per_category"]),
        _table("events per realis", stats["events_per_realis"]),
        _table("arguments per role", stats["arguments_per_role"]),
        _table("stances per polarity", stats["stances_per_polarity"]),
        _table("stances per attribution", stats["stances_per_attribution"]),
    ]
    return "\n".join(parts)


Generator = Callable[[Path], str]


def generators() -> dict[str, Generator]:
    """The generated sections of the card, by name."""
    return {"statistics": lambda root: render_statistics(corpus_statistics(root))}


def _render_card(card: str, root: Path, sections: Mapping[str, Generator]) -> str:
    def replace(match: re.Match[str]) -> str:
        make = sections.get(match["name"])
        body = match["body"] if make is None else make(root)
        return f"{match.group(1)}{body}{match.group(4)}"

    return _BLOCK.sub(replace, card)


def stale_sections(card_path: Path, root: Path | str | None = None) -> list[str]:
    """Names of generated sections whose content differs from what the data gives now."""
    card = card_path.read_text(encoding="utf-8")
    folder = resolve_root(root)
    fresh = _render_card(card, folder, generators())
    old = {m["name"]: m["body"] for m in _BLOCK.finditer(card)}
    new = {m["name"]: m["body"] for m in _BLOCK.finditer(fresh)}
    return sorted(name for name in new if old.get(name) != new[name])


def update_card(card_path: Path, root: Path | str | None = None) -> list[str]:
    """Rewrite the generated sections in place (atomically); returns the names that changed."""
    changed = stale_sections(card_path, root)
    if changed:
        card = card_path.read_text(encoding="utf-8")
        write_text_atomic(card_path, _render_card(card, resolve_root(root), generators()))
    return changed
