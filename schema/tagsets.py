"""Token-level NER tag sets (``tagsets.yaml`` beside this module): how a mention becomes a BIO class.

A tag set maps a mention's scheme label and form (NAME, DERIV, PART; a mention without a form,
NOM or PRO, counts as NAME) to a class, or to none (the mention is not tagged). Every class C
gives the tags ``B-C`` and ``I-C``; the tag list is ``O``, then ``B-``/``I-`` per class in the
order forms x labels first produce them, so tag ``1 + 2k`` is ``B-`` and ``2 + 2k`` is ``I-``
of class ``k``. The tagger (:mod:`peacetalks.text.bio`), the ``tokens`` config and the token
exports all read their tags from here.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import yaml

from peacetalks.errors import SchemeError
from peacetalks.schema.scheme import Scheme, load_scheme, scheme_dir

DEFAULT_TAGSET = "peacetalks"


@dataclass(frozen=True)
class TagSet:
    name: str
    description: str
    labels: dict[str, str] | None
    forms: dict[str, str | None]

    def class_of(self, label: str, form: str | None) -> str | None:
        """The class of a mention with this scheme label and form, or None when it is not tagged."""
        template = self.forms.get(form or load_scheme().plain_name_form)
        if template is None:
            return None
        mapped = self.labels[label] if self.labels is not None else label
        return template.replace("{label}", mapped)

    def classes(self, scheme: Scheme) -> list[str]:
        found: dict[str, None] = {}
        for form in scheme.entity_forms:
            for label in scheme.entity_labels:
                cls = self.class_of(label, form)
                if cls is not None:
                    found[cls] = None
        return list(found)

    def tags(self, scheme: Scheme) -> list[str]:
        """``O``, then ``B-C``, ``I-C`` per class C: the names of the tag ids."""
        return ["O"] + [f"{prefix}-{cls}" for cls in self.classes(scheme) for prefix in ("B", "I")]


@functools.cache
def tagsets() -> dict[str, TagSet]:
    """The tag sets of ``schema/tagsets.yaml``, checked against the scheme."""
    scheme = load_scheme()
    path = scheme_dir() / "tagsets.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    out = {}
    for name, spec in raw.items():
        labels = spec.get("labels")
        forms = spec["forms"]
        if labels is not None and set(labels) != set(scheme.entity_labels):
            raise SchemeError(f"{name} must map exactly the scheme's labels {scheme.entity_labels}", path=path.name)
        if set(forms) != set(scheme.entity_forms):
            raise SchemeError(f"{name} must map exactly the scheme's forms {scheme.entity_forms}", path=path.name)
        out[str(name)] = TagSet(str(name), str(spec.get("description", "")), labels, forms)
    return out


def tag_mapping(source: str, target: str, scheme: Scheme | None = None) -> list[int]:
    """For each tag id of tag set ``source``, the id of the same tag in ``target`` (0, ``O``, when untagged).

    A tag set is a mapping of a mention's label and form to a class, so the tags of one set give
    those of another: ``B-GPEpart`` of ``peacetalks`` is ``B-LOCpart`` in ``germeval2014`` and ``O``
    in ``conll2003``. Raises SchemeError when a class of ``source`` would map to two classes.
    """
    s = scheme or load_scheme()
    src, dst = tagsets()[source], tagsets()[target]
    src_tags, dst_tags = src.tags(s), dst.tags(s)
    found: dict[int, int] = {0: 0}
    for form in s.entity_forms:
        for label in s.entity_labels:
            cls, mapped = src.class_of(label, form), dst.class_of(label, form)
            if cls is None:
                continue
            for prefix in ("B", "I"):
                i = src_tags.index(f"{prefix}-{cls}")
                j = 0 if mapped is None else dst_tags.index(f"{prefix}-{mapped}")
                if found.setdefault(i, j) != j:
                    message = f"tag {src_tags[i]} of {source} maps to two tags of {target}"
                    raise SchemeError(message, path="tagsets.yaml")
    return [found.get(i, 0) for i in range(len(src_tags))]
