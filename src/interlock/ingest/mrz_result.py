"""The result of reading one machine-readable zone, and the reader that fills it in.

The reader takes a zone whose shape is already checked (:mod:`interlock.ingest.mrz_shape`)
and its :class:`~interlock.ingest.mrz_layout.Layout`, verifies every check digit and reads
the fields; anything doubtful becomes a located :class:`Issue`, never an exception.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from interlock.ingest.mrz_fields import (
    FILLER,
    check_digit,
    check_matches,
    is_mrz_code,
    parse_birth_date,
    parse_expiry_date,
    parse_name,
    parse_sex,
    strip_fillers,
)
from interlock.ingest.mrz_layout import DOCUMENT_CODE, ISSUING_STATE, Layout, MrzType, Span
from interlock.ingest.mrz_shape import where
from interlock.model import Issue, Sex, TravelDocument, Traveller

_DateParser = Callable[[str, date], date | None]
_EXPECTED_CODES: dict[MrzType, str] = {
    MrzType.TD1: "IAC",
    MrzType.TD2: "IAC",
    MrzType.TD3: "P",
    MrzType.MRVA: "V",
    MrzType.MRVB: "V",
}


@dataclass(slots=True)
class MrzResult:
    """What one machine-readable zone says, with its check-digit results and warnings.

    ``document_number`` is the number as printed, fillers included (``A2222222<``); a long
    TD1/TD2 number is joined with its continuation from the optional data. ``issues`` holds
    every warning with its line; ``warnings`` gives them as text.
    """

    type: MrzType
    document_code: str
    issuing_state: str
    surname: str
    given_names: str
    document_number: str
    nationality: str
    birth_date: date | None
    sex: Sex | None
    expiry_date: date | None
    optional_data: str
    personal_number: str | None
    checks: dict[str, bool]
    issues: list[Issue] = field(default_factory=list)

    @property
    def warnings(self) -> list[str]:
        """Every warning as ``location: reason`` text (failing check digits included)."""
        return [str(issue) for issue in self.issues]

    @property
    def all_valid(self) -> bool:
        """True when every check digit of the zone is right."""
        return all(self.checks.values())

    def to_traveller(self) -> Traveller:
        """The traveller the zone describes, with the document as a :class:`TravelDocument`."""
        documents = []
        number = strip_fillers(self.document_number)
        if number:
            documents.append(
                TravelDocument(
                    type=self.document_code[:1],
                    number=number,
                    issuing_country=self.issuing_state or None,
                    expiry=self.expiry_date,
                )
            )
        return Traveller(
            surname=self.surname,
            given_names=self.given_names,
            birth_date=self.birth_date,
            sex=self.sex,
            nationality=self.nationality or None,
            documents=documents,
        )


class ZoneReader:
    """Reads the fields of one validated zone, collecting check results and warnings."""

    def __init__(self, lines: list[str], layout: Layout, location: str, first_line: int) -> None:
        self.lines = lines
        self.layout = layout
        self.location = location
        self.first_line = first_line
        self.checks: dict[str, bool] = {}
        self.issues: list[Issue] = []

    def result(self, today: date) -> MrzResult:
        """Verify the check digits and read every field."""
        layout, lines = self.layout, self.lines
        number, overflow_used = self._verify()
        optional = [span.take(lines) for span in layout.optional]
        optional[0] = optional[0][overflow_used:]
        personal = None
        if layout.personal_check is not None:
            personal = strip_fillers(layout.optional[0].take(lines)) or None
        surname, given_names = parse_name(layout.name.take(lines))
        return MrzResult(
            type=layout.type,
            document_code=self._document_code(),
            issuing_state=self._code(ISSUING_STATE, "issuing state"),
            surname=surname,
            given_names=given_names,
            document_number=number,
            nationality=self._code(layout.nationality, "nationality"),
            birth_date=self._date(layout.birth_date, "birth", parse_birth_date, today),
            sex=self._sex(),
            expiry_date=self._date(layout.expiry_date, "expiry", parse_expiry_date, today),
            optional_data=" ".join(p for p in map(strip_fillers, optional) if p),
            personal_number=personal,
            checks=self.checks,
            issues=self.issues,
        )

    def _verify(self) -> tuple[str, int]:
        """Check every check digit; return the document number and the optional data it used."""
        layout, lines = self.layout, self.lines
        number, number_check, check_span, overflow_used = self._document_number()
        self._check("document_number", number, number_check, check_span)
        self._check_span("birth_date", layout.birth_date, layout.birth_check)
        self._check_span("expiry_date", layout.expiry_date, layout.expiry_check)
        if layout.personal_check is not None:
            self._check_span("personal_number", layout.optional[0], layout.personal_check)
        if layout.composite is not None:
            composite = "".join(span.take(lines) for span in layout.composite_over)
            self._check("composite", composite, layout.composite.take(lines), layout.composite)
        return number, overflow_used

    def _document_number(self) -> tuple[str, str, Span, int]:
        """The number, its check character and span, and how much optional data it used."""
        layout, lines = self.layout, self.lines
        number = layout.document_number.take(lines)
        check = layout.document_check
        found = check.take(lines)
        if found != FILLER or layout.overflow is None:
            return number, found, check, 0
        run = layout.overflow.take(lines).split(FILLER, 1)[0]
        if not run:
            return number, found, check, 0
        return number + run[:-1], run[-1], layout.overflow, len(run)

    def _check_span(self, name: str, value: Span, check: Span) -> None:
        self._check(name, value.take(self.lines), check.take(self.lines), check)

    def _check(self, name: str, value: str, found: str, span: Span) -> None:
        """Record whether ``found`` is the check digit of ``value``; warn at ``span`` if not."""
        ok = check_matches(value, found)
        self.checks[name] = ok
        if not ok:
            expected = check_digit(value)
            self._warn(span, f"check digit for {name} fails: expected {expected}, found {found}")

    def _warn(self, span: Span, reason: str) -> None:
        self.issues.append(Issue(where(self.location, self.first_line + span.line), reason))

    def _document_code(self) -> str:
        code = strip_fillers(DOCUMENT_CODE.take(self.lines))
        if not code or code[0] not in _EXPECTED_CODES[self.layout.type]:
            self._warn(DOCUMENT_CODE, f"document code {code!r} is unusual for {self.layout.type}")
        return code

    def _code(self, span: Span, what: str) -> str:
        code = strip_fillers(span.take(self.lines))
        if not is_mrz_code(code):
            self._warn(span, f"unknown {what} code {code!r}")
        return code

    def _sex(self) -> Sex | None:
        char = self.layout.sex.take(self.lines)
        sex = parse_sex(char)
        if sex is None:
            self._warn(self.layout.sex, f"sex {char!r} is not M, F, X or <")
        return sex

    def _date(self, span: Span, what: str, parse: _DateParser, today: date) -> date | None:
        text = span.take(self.lines)
        value = parse(text, today)
        if value is None:
            self._warn(span, f"{what} date {text!r} is not a valid date")
        return value
