"""The registry of every code peacetalks reports: validation issues and raised errors, each with its meaning.

A code is a stable kebab-case name. An *issue* is one problem collected into a report
(:class:`peacetalks.validation.report.Issue`); an *error* is the ``code`` of an exception the
library raises (:class:`peacetalks.errors.PeaceTalksError`). Some codes are both, with one
meaning: ``missing-file`` is an issue of the validator and the code of a ``TableReadError``.

``tests/test_codes.py`` scans the package for codes in use and fails when one is missing here,
or when a code listed here is used nowhere; the README's table of codes is generated from this
module (``python -m peacetalks.codes --markdown``; ``--write README.md`` rewrites it in place).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path


class Kind(StrEnum):
    ISSUE = "issue"
    ERROR = "error"


class Severity(StrEnum):
    """How much an issue weighs: an error makes a report invalid; a warning is listed and fails only ``--strict``."""

    ERROR = "error"
    WARNING = "warning"


ISSUE = frozenset({Kind.ISSUE})
ERROR = frozenset({Kind.ERROR})
BOTH = frozenset({Kind.ISSUE, Kind.ERROR})

# The groups of the validator's checks (``peacetalks validate``), in the order the README lists them.
VALIDATION_GROUPS = (
    "files",
    "shards",
    "table structure",
    "ids and references",
    "scheme values",
    "spans",
    "event roles",
    "articles",
    "consistency",
    "stance rules",
    "event clusters",
    "splits",
    "annotation status",
    "gold versions",
)
# The other groups: issues of an import or a release check, and errors.
OTHER_GROUPS = (
    "import",
    "stand-off texts",
    "release",
    "publish",
    "ingest",
    "split settings",
    "load",
    "corpus folder",
    "writes",
    "review",
    "scheme",
    "export",
    "status",
    "names and paths",
    "view",
    "suggestions",
    "shard",
    "engine",
)


@dataclass(frozen=True)
class Code:
    """One code: its name, whether it is an issue or an error (or both), its group and what it means."""

    name: str
    kinds: frozenset[Kind]
    group: str
    meaning: str
    severity: Severity = Severity.ERROR  # of the issue (an error raised is always an error)

    @property
    def is_issue(self) -> bool:
        return Kind.ISSUE in self.kinds

    @property
    def is_error(self) -> bool:
        return Kind.ERROR in self.kinds

    @property
    def kind(self) -> str:
        """``issue``, ``error`` or ``issue, error``; an issue that is a warning says so (``issue (warning)``)."""
        names = [k.value for k in Kind if k in self.kinds]
        if self.is_issue and self.severity is Severity.WARNING:
            names[0] = f"{names[0]} (warning)"
        return ", ".join(names)


def _group(
    group: str, kinds: frozenset[Kind], entries: Iterable[tuple[str, str]], *, warnings: Iterable[str] = ()
) -> list[Code]:
    """The codes of a group; the issues named in ``warnings`` are warnings, every other one an error."""
    warn = set(warnings)
    return [
        Code(name, kinds, group, meaning, Severity.WARNING if name in warn else Severity.ERROR)
        for name, meaning in entries
    ]


_ALL: list[Code] = [
    # --- the validator ----------------------------------------------------------------------
    *_group(
        "files",
        BOTH,
        [
            ("missing-file", "a table's Parquet file is absent"),
            ("unreadable-file", "a table's file is not readable Parquet (truncated, corrupt)"),
            ("table-file-and-folder", "a table that is both one file (x.parquet) and a folder of shards (x/)"),
            (
                "bad-shards",
                (
                    "a table's shard folder holding anything but part-00000.parquet, part-00001.parquet, ... "
                    "from 0 without gaps, or shards whose columns differ"
                ),
            ),
            ("mixed-layout", "a corpus with some tables in one file and others in shard folders"),
            ("shard-counts-differ", "tables of a sharded corpus with different numbers of shards"),
            (
                "bad-layer-manifest",
                "a machine layer's layer.yaml that cannot be read or lacks origin: machine, suggester or version",
            ),
        ],
    ),
    *_group(
        "shards",
        ISSUE,
        [
            (
                "doc-split-across-shards",
                "rows of a document in a shard other than the one its article is in (of the same or another table)",
            ),
        ],
    ),
    *_group(
        "table structure",
        ISSUE,
        [
            ("missing-column", "a required column is absent"),
            ("extra-column", "a column that is not part of the table"),
            ("wrong-type", "a column has the wrong data type"),
            ("null-value", "a required value is null"),
            ("empty-value", "a value that must not be empty is the empty string"),
            ("malformed-value", "a value does not match its column's pattern"),
            ("value-out-of-range", "a number outside its column's range (a suggestion's score outside 0..1)"),
        ],
    ),
    *_group(
        "ids and references",
        BOTH,
        [("unknown-doc", "a doc_id that has no article (as an error: a status set for it)")],
    ),
    *_group(
        "ids and references",
        ISSUE,
        [
            ("duplicate-id", "a doc_id, or a mention/event/argument/stance/block id within a document, repeats"),
            ("unknown-event", "an event_id that names no event of the document"),
            ("unknown-mention", "a mention_id (or holder_mention_id) that names no mention of the document"),
            ("event-in-other-doc", "an event_id that names an event of another document"),
            ("mention-in-other-doc", "a mention_id that names a mention of another document"),
            ("bad-argument-target", "an argument needs exactly one of: a mention_id, or a span of its own"),
        ],
    ),
    *_group(
        "scheme values",
        BOTH,
        [("value-not-in-scheme", "a label, category, context, role or polarity the scheme does not define")],
    ),
    *_group(
        "scheme values",
        ISSUE,
        [
            ("unknown-target", "a stance target that is not in the codebook"),
            ("mode-not-allowed", "an event mode the event's category does not allow"),
        ],
    ),
    *_group(
        "spans",
        ISSUE,
        [
            ("span-out-of-bounds", "a span starts before 0 or ends after the end of the text"),
            ("empty-span", "a span ends where (or before) it starts"),
            ("incomplete-span", "a span has a start without an end, or an end without a start"),
            ("span-text-mismatch", "the recorded text of a span is not the text at its offsets"),
            ("span-whitespace", "a span starts or ends with white space"),
            ("span-inside-word", "a span starts or ends inside a word (a letter or digit on both sides)"),
            ("crossing-mentions", "two NAME mentions cross (overlap without nesting)"),
            ("too-many-overlaps", "so many mentions overlap in one document that not every crossing was checked"),
            ("duplicate-span", "the same span twice with the same label"),
        ],
        warnings=["span-inside-word"],
    ),
    *_group(
        "event roles",
        ISSUE,
        [
            ("role-not-allowed", "an argument role the event's PLOVER category does not allow"),
            ("missing-required-role", "an event lacks an argument role its category requires"),
        ],
    ),
    *_group(
        "articles",
        ISSUE,
        [
            ("text-not-nfc", "an article text is not in Unicode NFC"),
            ("text-has-cr", "an article text contains a carriage return"),
            ("empty-text", "an article text is empty"),
            ("sha256-mismatch", "text_sha256 does not match the article text"),
            ("malformed-doc-id", "a doc_id that is not lower-case letters and digits joined by '-'"),
            ("malformed-language", "a language that is not a two- or three-letter lower-case code"),
            ("malformed-sha256", "a text_sha256 (or raw_sha256) is not 64 lower-case hex digits"),
        ],
    ),
    *_group("articles", BOTH, [("future-date", "a publication date after today")]),
    *_group(
        "consistency",
        ISSUE,
        [
            ("entity-label-conflict", "the same entity carries different labels in one document"),
            ("bad-holder-label", "a stance holder is a mention whose label cannot hold a stance"),
            ("form-mismatch", "a NAM mention without a form, or a form on a mention that is not NAM"),
            ("modality-mismatch", "realis OTHER without a modality, or a modality with another realis"),
        ],
    ),
    *_group(
        "stance rules",
        ISSUE,
        [
            (
                "quote-attribution",
                "a DIRECT_QUOTE stance whose evidence has no quotation, or whose event is outside the quotation marks",
            ),
            (
                "missing-agreement-holder",
                "a party (ACTOR) of an agreement a stance links to holds no stance of that target and polarity",
            ),
            ("duplicate-stance", "two stances of one entity with the same target and polarity on overlapping evidence"),
            ("stance-event-outside-evidence", "a stance's event whose trigger lies outside the stance's evidence"),
        ],
        warnings=["quote-attribution", "missing-agreement-holder", "duplicate-stance", "stance-event-outside-evidence"],
    ),
    *_group(
        "event clusters",
        ISSUE,
        [
            ("malformed-cluster-id", "an event's cluster_id that is not lower-case letters and digits joined by '-'"),
            ("cluster-mixes-categories", "the event mentions of one cluster (one event) have more than one category"),
            (
                "partial-event-clusters",
                "an article some of whose event mentions have a cluster_id and others none (null: no coreference)",
            ),
        ],
    ),
    *_group(
        "splits",
        ISSUE,
        [
            ("split-leakage", "the same text (ignoring case and white space) in two splits"),
            ("near-duplicate-leakage", "two near-duplicate articles (shingle similarity >= 0.7) in two splits"),
        ],
    ),
    *_group(
        "annotation status",
        ISSUE,
        [("incomplete-gold", "an article of a split whose gold for a kind is not complete (or has no status)")],
        warnings=["incomplete-gold"],
    ),
    *_group(
        "gold versions",
        BOTH,
        [("bad-gold-versions", "annotations/gold.yaml is not YAML, or lacks or malforms a version")],
    ),
    *_group(
        "gold versions",
        ISSUE,
        [
            ("gold-version-mismatch", "gold annotated under another major version of the scheme or codebook"),
            (
                "gold-version-stale",
                "gold checked under another minor or patch version of the scheme or codebook, or other guidelines",
            ),
            ("unversioned-gold", "gold has annotations but annotations/gold.yaml records no versions"),
        ],
        warnings=["gold-version-stale", "unversioned-gold"],
    ),
    # --- importing a tool's export ----------------------------------------------------------
    *_group("import", BOTH, [("not-utf8", "a file is not UTF-8 text (another encoding, or a UTF-16 byte-order mark)")]),
    *_group(
        "import",
        ISSUE,
        [
            ("ambiguous-doc-option", "doc names one article but the input holds several documents"),
            ("unknown-article", "a document matches no article of the corpus (by id or text)"),
            ("duplicate-document", "an article is given twice in one import"),
            ("text-mismatch", "the tool's text is not the article's text"),
            ("text-not-normalised", "the tool's text differs from the article's by Unicode normalisation only"),
            ("discontinuous-span", "a span of several fragments, which the corpus cannot hold"),
            ("attribute-not-applicable", "an attribute maps to a column the annotation's kind does not have"),
            ("event-label-not-category", "an event's type maps to something that is not an event category"),
            ("holder-not-mention", "a stance's holder relation points at something that is not a mention"),
            ("stance-event-not-event", "a stance's event relation points at something that is not an event"),
            ("relation-not-from-event", "an argument relation does not start at an event trigger"),
            ("event-coref-not-event", "an event-coref relation joins something that is not an event trigger"),
            ("stance-incomplete", "a stance lacks a holder, target or polarity"),
            ("mapping-unreadable", "the mapping file cannot be read as YAML"),
            ("mapping-invalid", "the mapping file names something the scheme does not have, or is malformed"),
            ("unmapped-name", "a label, role, relation or attribute of the tool that the mapping does not map"),
            ("brat-missing-text", "a brat .ann file without its .txt file"),
            ("brat-malformed-line", "a line of a brat .ann file that cannot be parsed"),
            ("brat-duplicate-id", "an id used twice in a brat .ann file"),
            ("brat-unknown-reference", "a brat annotation refers to an id that is not defined"),
            ("brat-span-out-of-bounds", "a brat span ends after the end of the .txt"),
            ("brat-text-mismatch", "a brat span's text is not the .txt's text at its offsets"),
            ("webanno-tsv-unsupported-version", "a WebAnno TSV file that is not of format version 3"),
            ("webanno-tsv-malformed-line", "a line of a WebAnno TSV file that cannot be parsed"),
            ("webanno-tsv-text-mismatch", "a WebAnno TSV token's form is not the text at its offsets"),
            ("webanno-tsv-unknown-reference", "a WebAnno TSV slot or governor names no annotation or token"),
            ("uima-missing-typesystem", "a UIMA XMI file without a type system"),
            ("uima-unreadable", "a UIMA CAS (XMI or JSON) that cannot be read"),
            ("label-studio-malformed", "a Label Studio task or result that is not of the expected shape"),
            ("label-studio-unknown-reference", "a Label Studio relation names a region that does not exist"),
            ("doccano-malformed-line", "a line of a doccano JSONL file that is not of the expected shape"),
            ("doccano-missing-text", "a doccano record without its text"),
            ("uima-malformed", "a UIMA annotation whose begin or end is not an integer offset"),
            ("input-too-large", "a file to import is larger than the import limit (README, 'Import limits')"),
            ("offset-too-large", "an offset (or number) beyond the import limit of 10,000,000"),
            ("json-too-deep", "JSON nested too deeply to be parsed"),
            ("yaml-aliases", "a YAML file with more aliases than the limit (an alias bomb)"),
        ],
    ),
    *_group(
        "import",
        ERROR,
        [
            ("import-failed", "an import found problems; its report lists them and nothing was written"),
            ("unknown-format", "an import format that does not exist"),
            ("input-not-found", "the file or folder to import does not exist"),
            ("option-not-applicable", "an import option given for a format it does not apply to"),
            ("bad-annotator", "the annotator name 'gold', which names the gold tables, not a layer"),
            ("import-empty", "an import that yields no annotation; nothing was written (unless allowed)"),
        ],
    ),
    # --- stand-off releases: local texts ----------------------------------------------------
    *_group(
        "stand-off texts",
        ISSUE,
        [
            ("text-missing", "no local copy of an article text a stand-off release needs"),
            ("text-sha256-mismatch", "a local text whose sha256 is not the one the release records"),
            ("url-unknown", "a stand-off article whose URL is not recorded, so its text cannot be fetched"),
            ("page-not-found", "an article's page answered 404 or 410 (a dead link)"),
            ("page-unreachable", "an article's page got no answer: DNS, refused, reset or timed out, after retries"),
            ("page-http-error", "an article's page answered another error (403, 5xx after retries), or is too large"),
            ("page-changed", "an article's page no longer has the released text and its annotations need a re-base"),
        ],
    ),
    *_group(
        "stand-off texts",
        BOTH,
        [("no-article-in-page", "an HTML page in which no article of the raw form (headline, image, text) is found")],
    ),
    *_group(
        "stand-off texts",
        ERROR,
        [
            ("texts-missing", "a stand-off release used without the texts of its articles; rehydrate it first"),
            ("texts-not-fetched", "the texts of some stand-off articles could not be got; nothing was written"),
        ],
    ),
    # --- releases ---------------------------------------------------------------------------
    *_group(
        "release",
        BOTH,
        [
            ("missing-manifest", "a release folder without its SHA256SUMS manifest"),
        ],
    ),
    *_group(
        "release",
        ISSUE,
        [
            ("bad-manifest", "a SHA256SUMS that is not UTF-8 or has lines other than '<sha256>  <path>'"),
            ("missing-release-file", "a file listed in SHA256SUMS is absent"),
            ("unlisted-release-file", "a file of the release that SHA256SUMS does not list"),
            ("checksum-mismatch", "a release file whose sha256 differs from SHA256SUMS"),
            ("size-mismatch", "a release file whose size differs from the one croissant.json records"),
            ("symlink-in-release", "a symbolic link inside a release folder (a release holds regular files only)"),
            ("bad-croissant", "a release's croissant.json that cannot be read or lists no files"),
            ("croissant-invalid", "the Croissant metadata does not validate"),
            ("croissant-warning", "the Croissant validator warns about the metadata"),
        ],
        warnings=["croissant-warning"],
    ),
    *_group(
        "release",
        ERROR,
        [
            (
                "validation-failed",
                "the corpus (or a merge, or rehydrated texts) does not validate; its report lists why",
            ),
            ("bad-version", "a version that is not of the form MAJOR.MINOR.PATCH"),
            ("version-not-greater", "a version not above the last release"),
            ("version-exists", "the version is released already and this build differs from it"),
            ("stale-data-card", "the data card's generated sections differ from what the data gives"),
            ("not-a-release", "a folder that is not a release"),
            ("unreadable-release", "a release whose tables cannot be read"),
            ("damaged-release", "a release folder whose croissant.json is not UTF-8, not JSON or names no version"),
            ("output-exists", "the output folder exists already"),
            ("release-modified", "a release whose files differ from its SHA256SUMS, or that holds symlinks"),
        ],
    ),
    *_group(
        "publish",
        ERROR,
        [
            ("tag-exists", "the target already has the release's tag"),
            ("parent-moved", "someone committed to the Hub repo meanwhile"),
            ("conflict", "the Hub refused the commit as conflicting"),
            ("hub-error", "the Hub refused a request or failed with a server error (5xx)"),
            (
                "hub-unreachable",
                "no answer from the Hub (publish, load): no route, DNS, refused, reset, cut off or timed out",
            ),
            ("bad-repo-id", "a Hub repository id that is not OWNER/NAME"),
            ("git-failed", "a git command failed"),
            ("not-a-git-repo", "the target folder exists and is not a git repository"),
            ("dirty-worktree", "the target repository has uncommitted changes"),
        ],
    ),
    # --- ingest and splits ------------------------------------------------------------------
    *_group(
        "ingest",
        ERROR,
        [
            ("file-not-found", "the raw article file does not exist"),
            ("too-few-lines", "a raw article lacks the image, kicker+headline or teaser line, or a paragraph"),
            ("control-character", "a raw article (or a kicker given) holds control characters, e.g. NUL or ESC"),
            ("bad-source", "a source name without a letter or digit to make the doc_id of"),
            ("bad-image-line", "a raw article's first line is not a Markdown image with a caption"),
            ("bad-kicker", "the kicker given is not a prefix of the headline line"),
            ("no-kicker-split", "kicker and headline cannot be told apart; give the kicker"),
            ("unknown-license", "a licence the scheme does not list"),
            ("rebase-required", "the article's text changed and annotations would move; ask for a re-base"),
            ("missing-metadata", "an input gives no source or publication date, and no option gives it"),
            ("duplicate-article", "an article whose text (ignoring case and white space) the corpus has already"),
            ("bad-record", "a JSONL line that is not a record of the documented fields (README, 'Adding articles')"),
            ("unknown-input-form", "a file whose form ingest cannot tell (by its suffix or its first bytes)"),
            ("has-annotations", "removing an article that has annotations (gold or a layer), without saying so"),
        ],
    ),
    *_group(
        "ingest",
        ISSUE,
        [
            (
                "standoff-without-url",
                (
                    "an article whose licence forbids redistributing its text was ingested without its URL, so a "
                    "stand-off release cannot say where to get it"
                ),
            )
        ],
        warnings=["standoff-without-url"],
    ),
    *_group(
        "split settings",
        ERROR,
        [
            ("bad-ratios", "split ratios that are not three finite non-negative numbers summing to 1"),
            ("bad-group-by", "a group_by the splitter does not know"),
            ("bad-split-settings", "corpus/splits.yaml cannot be read"),
            ("split-settings-changed", "the split settings differ from the stored ones; reassigning is needed"),
        ],
    ),
    # --- loading ----------------------------------------------------------------------------
    *_group(
        "load",
        ERROR,
        [
            ("unknown-config", "a config that does not exist (or is not flat, where a flat one is needed)"),
            ("unknown-option", "an option the config does not take"),
            ("unknown-split", "a split that does not exist"),
            ("unknown-table", "a table that does not exist"),
            ("unknown-tagset", "a tagset that does not exist"),
            ("unknown-mention-type", "mention types the scheme does not define"),
            ("missing-config", "a release without the files of the config asked for"),
            ("missing-table", "a corpus folder without a table's file"),
            ("needs-folder", "scanning needs a local folder, not a Hub repo"),
            ("unknown-source", "a folder that is neither a corpus nor a release"),
            ("source-not-found", "a source that is neither a folder nor a Hub repo id"),
            ("revision-needs-hub", "a revision given for a source that is not a Hub repo"),
            ("texts-need-release", "local texts given for a source that is not a stand-off release"),
            ("options-need-corpus", "config options given for a source that is not a corpus folder"),
            ("tags-not-mappable", "ner_tags of a release that are not the default tag set, so tagset= cannot map them"),
            ("cannot-rehydrate", "a text field of a release's config that no rule fills in from the local texts"),
            ("bad-argument", "an argument of the wrong type (the error names the parameter and what it takes)"),
            ("hub-not-found", "a Hub repo id that is no local folder, and the Hub has no such repo or revision"),
            ("texts-not-found", "local texts named by a folder that does not exist"),
        ],
    ),
    *_group(
        "corpus folder",
        ERROR,
        [
            (
                "not-a-corpus",
                "a folder named as the corpus that holds neither corpus/articles.parquet nor corpus/articles/",
            ),
            ("no-corpus-found", "no corpus folder at or above the current directory, for a command that writes"),
            ("corpus-exists", "peacetalks init on a folder that is a corpus already"),
            ("bundled-read-only", "a write aimed at the corpus bundled with an installed package"),
            ("no-data-card", "the corpus folder has no DATACARD.md to check or update"),
        ],
    ),
    *_group(
        "writes",
        ERROR,
        [
            ("folder-locked", "another command is writing the corpus (or the release folder); it names that command"),
            ("interrupted-change", "an interrupted change of the corpus is waiting to be finished and cannot be now"),
            ("folder-unwritable", "the folder to write cannot hold its lock (.peacetalks/): not a folder, read-only"),
        ],
    ),
    *_group(
        "shard",
        ERROR,
        [
            (
                "bad-shard-option",
                "peacetalks shard given none or several of --shards, --docs-per-shard and --single, or 0",
            ),
        ],
    ),
    # --- review -----------------------------------------------------------------------------
    *_group(
        "review",
        ERROR,
        [
            ("unknown-layer", "an annotator layer that has no annotation tables"),
            ("bad-target", "adjudicating into one of the layers being merged"),
            ("target-differs", "the target layer exists and differs from the merge; replacing it needs force"),
            ("merge-invalid", "the adjudicated merge does not validate; nothing was written"),
            ("layer-invalid", "a layer to adjudicate does not validate; fix it (its problems are listed) first"),
            (
                "stale-review-file",
                "a review file written before either layer changed (or that records no fingerprints)",
            ),
            ("bad-review-file", "the review file is not valid YAML or not of the expected shape"),
            ("bad-review-entry", "a conflict of the review file without an id, or of an unknown kind"),
            ("bad-decision", "a decision that is not one of the allowed ones, or keeps a null version"),
            ("bad-kept-version", "a version in the review file that is malformed or has values of the wrong type"),
            (
                "bad-corrections",
                "the review file's corrections do not fit the merge or lack a rule or reason (each one is listed)",
            ),
            ("no-backup", "no backup of the layer to restore"),
            ("backup-incomplete", "a backup without its manifest, or whose files differ from it; it is never restored"),
        ],
    ),
    *_group(
        "review",
        ISSUE,
        [
            (
                "bad-correction",
                "a correction of the review file of the wrong shape: no item, unknown fields, no change",
            ),
            ("correction-without-reason", "a correction without the guidelines rule or the reason that required it"),
            ("correction-item-gone", "a correction whose item ('before') the merge no longer has"),
            ("correction-before-differs", "a correction whose 'before' differs from the merge's item (fields named)"),
        ],
    ),
    # --- scheme and export ------------------------------------------------------------------
    *_group("scheme", ERROR, [("scheme-invalid", "the annotation scheme files are unreadable or inconsistent")]),
    *_group(
        "export",
        ERROR,
        [("export-failed", "an export cannot be written: an unknown format or an unknown article")],
    ),
    *_group(
        "status",
        ERROR,
        [
            ("bad-status", "a status or kind the scheme does not define, or 'adjudicated' for an annotator layer"),
            ("missing-status", "a release of an article that has no annotation status for some kind"),
        ],
    ),
    # --- names and paths -----------------------------------------------------------------
    *_group(
        "names and paths",
        BOTH,
        [
            ("bad-name", "a file or folder name from data or an option (doc_id, layer, version) that breaks the rule"),
        ],
    ),
    *_group(
        "names and paths",
        ERROR,
        [
            ("path-escapes", "a path that, with symbolic links resolved, lies outside the folder it belongs in"),
            ("not-a-file", "a path given for a file that is a folder (or neither)"),
            ("not-a-folder", "a path given for a folder that is a file (or neither)"),
            ("broken-symlink", "a path that is a symbolic link to nothing"),
            ("os-error", "the system refused a file operation no check foresaw (permissions, a full disk)"),
        ],
    ),
    *_group(
        "suggestions",
        ERROR,
        [
            ("human-layer", "suggest into a layer a person made (it has annotation tables and no layer.yaml)"),
            ("machine-layer", "a machine-made layer (peacetalks suggest) given where a person's pass is needed"),
            ("empty-lexicon", "no complete gold of the kinds asked for, so there is nothing to learn suggestions from"),
        ],
    ),
    *_group(
        "engine",
        ERROR,
        [
            (
                "bad-engine",
                "an engine other than local or daft, or a Ray address for the local engine (validate --engine)",
            ),
            ("engine-not-installed", "the daft engine without its packages: install peacetalks[scale]"),
            ("engine-unreachable", "the Ray cluster named by --ray-address cannot be joined"),
        ],
    ),
    *_group(
        "view",
        ERROR,
        [
            ("out-not-a-site", "peacetalks view's --out is a folder with files that is not a site it wrote"),
        ],
    ),
]

CODES: dict[str, Code] = {c.name: c for c in _ALL}
if len(CODES) != len(_ALL):  # pragma: no cover - a typo in the list above
    raise RuntimeError("a code is listed twice in peacetalks.codes")


def lookup(name: str) -> Code:
    """The registered code ``name``; KeyError when it is not registered."""
    return CODES[name]


def severity(name: str) -> Severity:
    """The severity of issue code ``name``: the one place it is decided (an unregistered code is an error)."""
    code = CODES.get(name)
    return Severity.ERROR if code is None else code.severity


def issue_codes(groups: Iterable[str] | None = None) -> list[str]:
    """The names of the issue codes, optionally only those of ``groups``."""
    wanted = None if groups is None else set(groups)
    return [c.name for c in _ALL if c.is_issue and (wanted is None or c.group in wanted)]


def validation_codes() -> list[str]:
    """The issue codes the validator (``peacetalks.validate``) can report."""
    return issue_codes(VALIDATION_GROUPS)


def error_codes() -> list[str]:
    """The codes an exception of the library can carry."""
    return [c.name for c in _ALL if c.is_error]


def markdown() -> str:
    """The tables of the README: the validator's issue codes, then every other code."""

    def table(codes: Iterable[Code], *, groups: tuple[str, ...]) -> list[str]:
        rows = ["| code | kind | group | meaning |", "|---|---|---|---|"]
        ordered = sorted(codes, key=lambda c: groups.index(c.group))  # stable: the registry's order within a group
        rows += [f"| `{c.name}` | {c.kind} | {c.group} | {c.meaning} |" for c in ordered]
        return rows

    checks = [c for c in _ALL if c.group in VALIDATION_GROUPS]
    others = [c for c in _ALL if c.group not in VALIDATION_GROUPS]
    lines = [
        *table(checks, groups=VALIDATION_GROUPS),
        "",
        "Imports, release checks and the library's exceptions use these codes. An exception carries its",
        "code as `exc.code`, with `message`, `path`, `line` or `row` where known, and `data` (what the caller",
        'can act on, e.g. `{"option": "rebase_annotations"}`). A code can be an issue and an error, with one',
        "meaning:",
        "",
        *table(others, groups=OTHER_GROUPS),
    ]
    return "\n".join(lines) + "\n"


START = "<!-- codes:start: generated from peacetalks/codes.py, do not edit by hand -->"
END = "<!-- codes:end -->"


def replace_block(document: str) -> str:
    """``document`` with the text between the START and END markers replaced by :func:`markdown`."""
    head, sep, rest = document.partition(START)
    _, sep_end, tail = rest.partition(END)
    if not sep or not sep_end:
        raise ValueError(f"the document has no {START} ... {END} block")
    return f"{head}{START}\n{markdown()}{END}{tail}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m peacetalks.codes", description=__doc__)
    parser.add_argument("--markdown", action="store_true", help="print the tables of codes as Markdown")
    parser.add_argument("--write", metavar="FILE", type=Path, help="rewrite the block of codes in FILE")
    args = parser.parse_args(argv)
    if args.write is not None:
        target: Path = args.write
        fresh = replace_block(target.read_text(encoding="utf-8"))
        tmp = target.with_name(f".{target.name}.codes-tmp")
        tmp.write_text(fresh, encoding="utf-8")
        os.replace(tmp, target)  # the whole new file or the old one, never half of it
    if args.markdown or args.write is None:
        sys.stdout.write(markdown())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
