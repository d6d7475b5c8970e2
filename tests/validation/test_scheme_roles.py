"""The labels the rules rely on come from scheme.yaml by role: renaming one there renames it in every rule."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import yaml

from peacetalks.errors import SchemeError
from peacetalks.interchange.mapping import Mapping
from peacetalks.schema.scheme import Scheme, load_scheme, parse_scheme, scheme_dir
from peacetalks.validation.checks import rules
from peacetalks.validation.checks._issues import ROW
from tests.conftest import PROJECT, tiny_frames

ENT, EVT = "annotations/entities.parquet", "annotations/events.parquet"


def _raw() -> tuple[dict[str, Any], dict[str, Any]]:
    folder = scheme_dir()
    scheme: dict[str, Any] = yaml.safe_load((folder / "scheme.yaml").read_text(encoding="utf-8"))
    codebook: dict[str, Any] = yaml.safe_load((folder / "stance_targets.yaml").read_text(encoding="utf-8"))
    return scheme, codebook


def _rename(raw: dict[str, Any], section: str, old: str, new: str) -> None:
    """Rename a label in one label section (a mapping or a list) and wherever a role names it."""
    labels = raw[section]
    raw[section] = {(new if k == old else k): v for k, v in labels.items()} if isinstance(labels, dict) else labels
    for key, value in raw.items():
        if value == old:
            raw[key] = new
    for column, value in list(raw["import_defaults"].items()):
        if value == old:
            raw["import_defaults"][column] = new
    mapping = raw["plover_mapping"]
    mapping.update({k: new for k, v in mapping.items() if v == old})
    for rule in mapping["rules"]:
        when = rule["when"]
        when.update({k: new for k, v in when.items() if v == old})
        if old in when.get("category", ()):
            when["category"] = [new if c == old else c for c in when["category"]]


def _written(tmp_path: Path, raw: dict[str, Any], codebook: dict[str, Any]) -> Scheme:
    """The scheme as the loader reads it from a scheme.yaml in ``tmp_path``."""
    (tmp_path / "scheme.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    again = yaml.safe_load((tmp_path / "scheme.yaml").read_text(encoding="utf-8"))
    return parse_scheme(again, codebook)


@pytest.fixture
def renamed(tmp_path: Path) -> Scheme:
    """The shipped scheme with realis OTHER renamed IRREAL and mention type NAM renamed PROPER."""
    raw, codebook = _raw()
    _rename(raw, "realis", "OTHER", "IRREAL")
    _rename(raw, "mention_types", "NAM", "PROPER")
    return _written(tmp_path, raw, codebook)


def _events(**values: object) -> pl.DataFrame:
    events = tiny_frames()["events"].head(1).with_row_index(ROW)
    return events.with_columns(pl.lit(v, dtype=events.schema[c]).alias(c) for c, v in values.items())


def _codes(issues: list[Any]) -> list[tuple[str | None, str]]:
    return [(i.column, i.code) for i in issues]


def test_the_shipped_roles_name_labels_of_the_scheme() -> None:
    scheme = load_scheme()
    assert scheme.name_mention_type in scheme.mention_types
    assert scheme.plain_name_form in scheme.entity_forms
    assert scheme.modal_realis in scheme.realis
    assert scheme.default_license in scheme.licenses
    assert set(scheme.redistributable_licenses) <= set(scheme.licenses)


def test_renamed_modal_realis_moves_the_modality_rule(renamed: Scheme) -> None:
    assert renamed.modal_realis == "IRREAL"
    needs = rules.event_issues(_events(realis="IRREAL", modality=None), renamed, EVT)
    assert _codes(needs) == [("modality", "modality-mismatch")]
    assert "realis is IRREAL" in needs[0].message
    # The old name is an ordinary value now: it forbids a modality instead of requiring one.
    old = rules.event_issues(_events(realis="OTHER", modality="FUTURE"), renamed, EVT)
    assert _codes(old) == [("modality", "modality-mismatch")]
    assert _codes(rules.event_issues(_events(realis="IRREAL", modality="FUTURE"), renamed, EVT)) == []


def test_renamed_name_mention_type_moves_the_form_rule(renamed: Scheme) -> None:
    entities = tiny_frames()["entities"].with_row_index(ROW)
    as_proper = entities.with_columns(pl.lit("PROPER").alias("mention_type"))
    assert _codes(rules.entity_issues(as_proper, renamed, ENT)) == []
    # NAM is no longer the name type: a NAM mention with a form is now a mismatch, each of the three.
    found = rules.entity_issues(entities, renamed, ENT)
    assert _codes(found) == [("form", "form-mismatch")] * 3
    assert "only for PROPER mentions" in found[0].message


def test_import_defaults_follow_the_scheme(renamed: Scheme, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("peacetalks.interchange.mapping.load_scheme", lambda: renamed)
    assert Mapping().defaults == {"mention_type": "PROPER", "realis": "ACTUAL"}


@pytest.mark.parametrize(
    ("section", "old"),
    [
        ("realis", "OTHER"),
        ("mention_types", "NAM"),
        ("entity_forms", "NAME"),
        ("licenses", "tagesschau-terms"),
        ("entity_labels", "GPE"),  # a stance holder label
    ],
)
def test_a_role_naming_a_label_that_is_gone_is_an_error(tmp_path: Path, section: str, old: str) -> None:
    """Renaming a label but not the role that names it fails loudly instead of changing a rule."""
    raw, codebook = _raw()
    labels = raw[section]
    raw[section] = {(f"{old}_X" if k == old else k): v for k, v in labels.items()}
    with pytest.raises(SchemeError, match=old):
        _written(tmp_path, raw, codebook)


# Literals that are not scheme labels although they spell one: git's environment variable names.
# (A CLI option's metavar, such as NAME, is not looked at either.)
ALLOWED = {
    ("release/publish.py", "NAME"),
    ("release/publish.py", "AUTHOR"),
}


def _not_rules(tree: ast.AST) -> set[int]:
    """The string constants that are no rule: docstrings, and metavars of CLI options."""
    kinds = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    docs = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, kinds) and node.body and isinstance(node.body[0], ast.Expr)
    }
    return docs | {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.keyword) and node.arg == "metavar"}


def test_no_label_literal_in_the_package() -> None:
    """No module compares with or defaults to a scheme label written out: each comes from scheme.yaml."""
    s = load_scheme()
    labels = {
        *s.entity_labels,
        *s.entity_forms,
        *s.mention_types,
        *s.realis,
        *s.modalities,
        *s.stance_polarities,
        *s.stance_attributions,
        *s.argument_roles,
        *s.category_names,
        *s.licenses,
    }
    package = PROJECT / "loaders"
    found = set()
    for path in sorted(package.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docs = _not_rules(tree)
        rel = path.relative_to(package).as_posix()
        found |= {
            (rel, node.value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in labels
            if id(node) not in docs
        }
    assert found - ALLOWED == set()
