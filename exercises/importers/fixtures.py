"""Static checks of the fixtures against the register of sources (``seeds/sources.json``).

Every citation must name a registered source; where a source's text is on disk, its SHA-256 must
match the register and each excerpt cited from it must occur in it. The same checks run over the
database's rows (``check_fixtures --database``), for sources added through the admin.
"""

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from exercises.models.sources import CITATION_TARGETS, MAX_EXCERPT_WORDS

_SPACE = re.compile(r"\s+")
_TRANSLATE = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "*": "", "`": ""})


def normalize_text(text: str) -> str:
    """What excerpts are compared on: typographic quotes, dashes, markup and line breaks ignored."""
    return _SPACE.sub(" ", text.translate(_TRANSLATE)).strip()


@dataclass(frozen=True)
class Problem:
    where: str
    message: str
    error: bool = True

    def __str__(self):
        return f"{'error' if self.error else 'warning'}: {self.where}: {self.message}"


@dataclass
class CitationRecord:
    where: str
    source: str | None
    via: str | None
    excerpt: str
    targets: list[str] = field(default_factory=list)


@dataclass
class RegisteredSource:
    key: str
    document: str
    sha256: str
    text: str | None = None  # normalised text, when on disk
    path: Path | None = None


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)
    citations: int = 0
    verified: int = 0
    sources: int = 0
    texts: int = 0

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.error]


def _load_json(path: Path, report: Report) -> list | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        report.problems.append(Problem(str(path), "file not found"))
        return None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        report.problems.append(Problem(str(path), f"not valid JSON: {exc}"))
        return None
    if not isinstance(data, list):
        report.problems.append(Problem(str(path), "a fixture is a JSON list of objects"))
        return None
    return data


def load_register(path: Path, text_roots: Iterable[Path], report: Report) -> dict[str, RegisteredSource]:
    """The registered sources, with their texts where found under ``text_roots``."""
    register: dict[str, RegisteredSource] = {}
    for index, obj in enumerate(_load_json(path, report) or []):
        fields = obj.get("fields", {}) if isinstance(obj, dict) else {}
        where = f"{path.name} #{index}"
        if obj.get("model") != "exercises.source" or not fields.get("key"):
            report.problems.append(Problem(where, "the register holds only exercises.source objects with a key"))
            continue
        key = fields["key"]
        if key in register:
            report.problems.append(Problem(where, f"source {key!r} is registered twice"))
        source = RegisteredSource(key, fields.get("document", ""), fields.get("sha256", ""))
        register[key] = source
        if not source.document:
            continue
        for root in text_roots:
            candidate = Path(root) / source.document
            if candidate.is_file():
                raw = candidate.read_bytes()
                source.path = candidate
                try:
                    source.text = normalize_text(raw.decode("utf-8"))
                except UnicodeDecodeError:  # a data set's workbook: its hash is checked, not excerpts
                    source.text = None
                report.texts += 1
                digest = hashlib.sha256(raw).hexdigest()
                if source.sha256 and digest != source.sha256:
                    report.problems.append(
                        Problem(where, f"SHA-256 of {candidate} is {digest}, the register says {source.sha256}")
                    )
                break
    report.sources = len(register)
    return register


def citations_in_fixture(path: Path, report: Report) -> Iterator[CitationRecord]:
    for index, obj in enumerate(_load_json(path, report) or []):
        if not isinstance(obj, dict):
            report.problems.append(Problem(f"{path.name} #{index}", "not an object"))
            continue
        fields = obj.get("fields", {})
        if obj.get("model") == "exercises.source":
            report.problems.append(
                Problem(f"{path.name} #{index}", "sources belong in the register (seeds/sources.json)")
            )
        if obj.get("model") != "exercises.citation":
            continue
        source, via = fields.get("source"), fields.get("via")
        yield CitationRecord(
            where=f"{path.name} #{index} (citation {fields.get('key', '?')})",
            source=source[0] if isinstance(source, list) and source else source,
            via=via[0] if isinstance(via, list) and via else via,
            excerpt=fields.get("excerpt", "") or "",
            targets=[t for t in CITATION_TARGETS if fields.get(t)],
        )


def citations_in_database() -> Iterator[CitationRecord]:
    from exercises.models import Citation

    for citation in Citation.objects.select_related("source", "via").order_by("pk").iterator():
        yield CitationRecord(
            where=f"database citation {citation.source.key}/{citation.key}",
            source=citation.source.key,
            via=citation.via.key if citation.via_id else None,
            excerpt=citation.excerpt,
            targets=[t for t in CITATION_TARGETS if getattr(citation, f"{t}_id")],
        )


def check_citations(records: Iterable[CitationRecord], register: dict[str, RegisteredSource], report: Report):
    for record in records:
        report.citations += 1
        if record.source not in register:
            report.problems.append(Problem(record.where, f"source {record.source!r} is not in the register"))
            continue
        if record.via and record.via not in register:
            report.problems.append(Problem(record.where, f"via source {record.via!r} is not in the register"))
        if len(record.targets) != 1:
            report.problems.append(
                Problem(record.where, f"cites {len(record.targets)} records; a citation cites exactly one")
            )
        words = len(record.excerpt.split())
        if words > MAX_EXCERPT_WORDS:
            report.problems.append(
                Problem(record.where, f"excerpt has {words} words; keep it to {MAX_EXCERPT_WORDS} at most")
            )
        source = register[record.source]
        if record.excerpt and source.text is not None:
            if normalize_text(record.excerpt) in source.text:
                report.verified += 1
            else:
                report.problems.append(
                    Problem(
                        record.where,
                        f"excerpt does not occur in {source.path}: {record.excerpt!r}",
                        # A hashed text is fixed, so a missing excerpt is an error; a living
                        # document (no hash) may have been edited, so it is a warning.
                        error=bool(source.sha256),
                    )
                )


def check(fixture_paths: Iterable[Path], register_path: Path, text_roots: Iterable[Path], database=False) -> Report:
    report = Report()
    register = load_register(register_path, text_roots, report)
    for path in fixture_paths:
        check_citations(citations_in_fixture(path, report), register, report)
    if database:
        from exercises.models import Source

        for key in Source.objects.exclude(key__in=register).values_list("key", flat=True):
            report.problems.append(Problem(f"database source {key}", "not in the register (seeds/sources.json)"))
        check_citations(citations_in_database(), register, report)
    return report
