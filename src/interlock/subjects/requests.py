"""Data-subject requests (SG-45): recorded, searched, exported, answered or refused, on time.

The DPO records a request from a person to exercise a right (access, rectification, erasure,
restriction) with the details the person gave to identify themselves, the date it was
received and the date it is due (one month after receipt by default, see
:mod:`interlock.subjects.policy`). A request is ``open`` until it is ``answered``,
``partially-answered`` or ``refused``; a refusal, and the part withheld from a partial answer,
must state a legal ground from a closed list and a reason. Open requests past their due date
are *overdue* and listed as such.

For an access request the DPO searches the stored travellers that are the person
(:mod:`interlock.subjects.search`) and builds the export of what the node holds about them
(:mod:`interlock.subjects.export`); both are accesses to personal data, so each takes a stated
purpose (SG-01) and is written to the audit log with the request id, counts and pseudonymous
traveller ids, never the requester's details (SG-33, SG-37). Rectification, erasure and
restriction are answered by recording what was done (a note and the traveller ids touched);
this module does not change traveller data itself.

The requester's details are kept only to answer: closing a request schedules their deletion
after the policy's period, and :meth:`SubjectRequests.purge_details` deletes them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from interlock.access.purpose import AccessPurpose, DataRegime, stated_reason
from interlock.access.roles import Action, Principal, check
from interlock.audit.log import AuditEvent, Outcome, record
from interlock.errors import ConflictError, ForbiddenError, RefusedError
from interlock.retention.policy import add_months
from interlock.store.schema_subject_requests import SubjectRequestEventRow, SubjectRequestRow
from interlock.subjects.export import build_export
from interlock.subjects.policy import (
    CLOSED,
    LegalGround,
    RequestKind,
    RequestStatus,
    SubjectRequestPolicy,
)
from interlock.subjects.search import Identity, find_travellers
from interlock.subjects.views import (
    SearchResult,
    SubjectRequest,
    listing,
    request_row,
    request_view,
    stored_identity,
)

EXTENSION_MONTHS = 2
"""How far past the normal period a due date may be set (GDPR Art. 12(3): by two further
months where necessary, the person being told why)."""

SUBJECT_KIND = "subject-request"
REGIMES = (DataRegime.API, DataRegime.PNR)
"""The regimes of the data a search or an export reads: manifests (API) and bookings (PNR)."""


def _clean(value: str | None) -> str | None:
    text = (value or "").strip()
    return text or None


def _today() -> date:
    return datetime.now(UTC).date()


def _parse_kind(kind: str | RequestKind) -> RequestKind:
    if not str(kind).strip():
        raise RefusedError(
            "a kind is required: one of " + ", ".join(k.value for k in RequestKind),
            location="kind",
        )
    try:
        return RequestKind(str(kind).strip().lower())
    except ValueError:
        raise RefusedError(
            f"unknown kind {kind!r}: one of " + ", ".join(k.value for k in RequestKind),
            location="kind",
        ) from None


def parse_ground(ground: str | LegalGround | None) -> LegalGround:
    """A legal ground from the closed list; refused (422, field ``ground``) otherwise."""
    choices = "; ".join(f"{g.value} ({g.text})" for g in LegalGround)
    if ground is None or not str(ground).strip():
        raise RefusedError(f"a legal ground is required: one of {choices}", location="ground")
    try:
        return LegalGround(str(ground).strip().lower())
    except ValueError:
        raise RefusedError(
            f"unknown legal ground {ground!r}: one of {choices}", location="ground"
        ) from None


class SubjectRequests:
    """Record, list, search, export, answer and refuse data-subject requests; purge the
    requester's details when their time is up. Everything needs ``subject-request.manage``
    (the DPO); searches also ``traveller.search``, exports ``traveller.read``."""

    def __init__(
        self, sessions: sessionmaker[Session], policy: SubjectRequestPolicy | None = None
    ) -> None:
        self._sessions = sessions
        self.policy = policy or SubjectRequestPolicy()

    # --- recording and reading ----------------------------------------------------------------

    def add(
        self,
        principal: Principal,
        kind: str | RequestKind,
        *,
        surname: str | None = None,
        given_names: str | None = None,
        birth_date: date | None = None,
        document_number: str | None = None,
        received_on: date | None = None,
        due_on: date | None = None,
        today: date | None = None,
    ) -> SubjectRequest:
        """Record a request. The due date defaults to the policy's period after receipt; it may
        be set later (an extension) by at most :data:`EXTENSION_MONTHS` more months."""
        check(principal, Action.SUBJECT_REQUEST)
        today = today or _today()
        chosen = _parse_kind(kind)
        identity = Identity(
            _clean(surname), _clean(given_names), birth_date, _clean(document_number)
        )
        if identity.surname is None and identity.document_number is None:
            raise RefusedError(
                "the requester's surname (with birth date) or a document number is required "
                "to find their data",
                location="surname",
            )
        received = received_on or today
        if received > today:
            raise RefusedError(f"received on {received} is in the future", location="received_on")
        normal = add_months(received, self.policy.due.months)
        due = due_on or normal
        latest = add_months(received, self.policy.due.months + EXTENSION_MONTHS)
        if not received <= due <= latest:
            raise RefusedError(
                f"the due date must lie between {received} and {latest} "
                f"({self.policy.due.months} month(s) after receipt, extendable by "
                f"{EXTENSION_MONTHS})",
                location="due_on",
            )
        now = datetime.now(UTC)
        with self._sessions.begin() as session:
            row = SubjectRequestRow(
                kind=chosen.value,
                status=RequestStatus.OPEN.value,
                received_on=received,
                due_on=due,
                created_by=principal.username,
                created_at=now,
                surname=identity.surname,
                given_names=identity.given_names,
                birth_date=identity.birth_date,
                document_number=identity.document_number,
                found_ids=[],
                touched_ids=[],
            )
            session.add(row)
            session.flush()
            detail = {
                "kind": chosen.value,
                "due_on": due.isoformat(),
                "extended": due > normal,
                "by_name": identity.by_name,
                "by_document": identity.by_document,
            }
            self._event(session, row.id, principal, "recorded", detail, now)
            record(
                session,
                AuditEvent.by(
                    principal,
                    "subject-request.add",
                    subject_kind=SUBJECT_KIND,
                    subject_id=str(row.id),
                    detail=detail,
                ),
            )
            return request_view(row, today)

    def all(
        self,
        principal: Principal,
        *,
        status: str | RequestStatus | None = None,
        overdue: bool = False,
        today: date | None = None,
    ) -> list[SubjectRequest]:
        """Requests, oldest due first; ``overdue``: open requests past their due date."""
        check(principal, Action.SUBJECT_REQUEST)
        today = today or _today()
        query = select(SubjectRequestRow)
        if status is not None:
            try:
                wanted = RequestStatus(str(status).strip().lower())
            except ValueError:
                raise RefusedError(
                    f"unknown status {status!r}: one of "
                    + ", ".join(s.value for s in RequestStatus),
                    location="status",
                ) from None
            query = query.where(SubjectRequestRow.status == wanted.value)
        if overdue:
            query = query.where(
                SubjectRequestRow.status == RequestStatus.OPEN.value,
                SubjectRequestRow.due_on < today,
            )
        with self._sessions() as session:
            rows = session.execute(
                query.order_by(SubjectRequestRow.due_on, SubjectRequestRow.id)
            ).scalars()
            return [request_view(row, today) for row in rows]

    def get(self, principal: Principal, request_id: int) -> SubjectRequest:
        """One request with the requester's details and its timeline; the reading is audited
        (the details are personal data)."""
        check(principal, Action.SUBJECT_REQUEST)
        with self._sessions.begin() as session:
            row = request_row(session, request_id)
            events = session.execute(
                select(SubjectRequestEventRow)
                .where(SubjectRequestEventRow.request_id == request_id)
                .order_by(SubjectRequestEventRow.id)
            ).scalars()
            timeline = [
                {"at": e.at.isoformat(), "actor": e.actor, "kind": e.kind, "detail": e.detail}
                for e in events
            ]
            record(
                session,
                AuditEvent.by(
                    principal,
                    "subject-request.read",
                    subject_kind=SUBJECT_KIND,
                    subject_id=str(request_id),
                ),
            )
            return request_view(row, _today(), timeline)

    # --- access: search and export --------------------------------------------------------

    def search(self, principal: Principal, access: AccessPurpose, request_id: int) -> SearchResult:
        """The stored travellers that are the requester (exact name and birth date, or
        document number). The ids found are kept on the request for the export."""
        check(principal, Action.SUBJECT_REQUEST)
        check(principal, Action.TRAVELLER_SEARCH)
        self._check_regimes(principal, access, "subject-request.search", request_id)
        with self._sessions.begin() as session:
            row, identity = _with_identity(session, request_id, "search with")
            found = find_travellers(session, identity)
            ids = [f.traveller_id for f in found]
            row.found_ids = ids
            travellers = listing(session, ids)
            for item in travellers:
                item["matched_by"] = next(
                    f.matched_by for f in found if f.traveller_id == item["traveller_id"]
                )
            detail = {
                "found": len(ids),
                "traveller_ids": ids,
                "by": sorted({m for f in found for m in f.matched_by}),
            }
            self._event(session, request_id, principal, "searched", detail)
            record(
                session,
                AuditEvent.by(
                    principal,
                    "subject-request.search",
                    access=access,
                    subject_kind=SUBJECT_KIND,
                    subject_id=str(request_id),
                    detail=detail,
                ),
            )
            return SearchResult(request_id, travellers)

    def export(
        self, principal: Principal, access: AccessPurpose, request_id: int
    ) -> dict[str, Any]:
        """What the node holds about the requester, as JSON. The search is run again, so the
        export holds what is stored now; the export itself is not stored."""
        check(principal, Action.SUBJECT_REQUEST)
        check(principal, Action.TRAVELLER_READ)
        self._check_regimes(principal, access, "subject-request.export", request_id)
        with self._sessions.begin() as session:
            row, identity = _with_identity(session, request_id, "export for")
            ids = [f.traveller_id for f in find_travellers(session, identity)]
            row.found_ids = ids
            content = build_export(session, ids)
            counts = {
                key: len(content[key])
                for key in (
                    "travellers",
                    "flights",
                    "bookings",
                    "screening_matches",
                    "alerts",
                    "actions",
                )
            }
            detail = {
                "traveller_ids": ids,
                "counts": counts,
                "alert_ids": [a["id"] for a in content["alerts"]],
            }
            now = datetime.now(UTC)
            self._event(session, request_id, principal, "exported", detail, now)
            record(
                session,
                AuditEvent.by(
                    principal,
                    "subject-request.export",
                    access=access,
                    subject_kind=SUBJECT_KIND,
                    subject_id=str(request_id),
                    detail=detail,
                ),
            )
            return {
                "request": {
                    "id": row.id,
                    "kind": row.kind,
                    "received_on": row.received_on.isoformat(),
                    "due_on": row.due_on.isoformat(),
                },
                "generated_at": now.isoformat(),
                "generated_by": principal.username,
                **content,
            }

    # --- closing ----------------------------------------------------------------------------

    def answer(
        self,
        principal: Principal,
        request_id: int,
        *,
        note: str | None,
        touched_ids: Sequence[int] = (),
        partial: bool = False,
        ground: str | LegalGround | None = None,
        reason: str | None = None,
        today: date | None = None,
    ) -> SubjectRequest:
        """Close a request as answered: ``note`` says what was sent or done, ``touched_ids``
        the traveller ids concerned (for rectification, erasure, restriction: the records
        corrected, erased or restricted). A ``partial`` answer also names the legal ground and
        the reason for what was withheld."""
        check(principal, Action.SUBJECT_REQUEST)
        text = stated_reason(note, location="note", what="a note of what was answered or done")
        chosen = parse_ground(ground) if partial else None
        why = (
            stated_reason(reason, location="reason", what="a reason for what was withheld")
            if partial
            else None
        )
        touched = sorted({int(i) for i in touched_ids})
        if any(i < 1 for i in touched):
            raise RefusedError("traveller ids are positive numbers", location="touched_ids")
        status = RequestStatus.PARTIALLY_ANSWERED if partial else RequestStatus.ANSWERED
        return self._close(
            principal,
            request_id,
            status,
            today,
            answer=text,
            touched=touched,
            ground=chosen,
            reason=why,
        )

    def refuse(
        self,
        principal: Principal,
        request_id: int,
        *,
        ground: str | LegalGround | None,
        reason: str | None,
        today: date | None = None,
    ) -> SubjectRequest:
        """Close a request as refused, on a legal ground from the closed list and a reason."""
        check(principal, Action.SUBJECT_REQUEST)
        chosen = parse_ground(ground)
        why = stated_reason(reason, what="a reason for the refusal")
        return self._close(
            principal,
            request_id,
            RequestStatus.REFUSED,
            today,
            answer=None,
            touched=[],
            ground=chosen,
            reason=why,
        )

    def _close(
        self,
        principal: Principal,
        request_id: int,
        status: RequestStatus,
        today: date | None,
        *,
        answer: str | None,
        touched: list[int],
        ground: LegalGround | None,
        reason: str | None,
    ) -> SubjectRequest:
        today = today or _today()
        now = datetime.now(UTC)
        with self._sessions.begin() as session:
            row = request_row(session, request_id, lock=True)
            if row.status != RequestStatus.OPEN.value:
                raise ConflictError(f"request {request_id} is {row.status}, not open")
            row.status = status.value
            row.closed_by = principal.username
            row.closed_at = now
            row.answer = answer
            row.touched_ids = touched
            row.legal_ground = ground.value if ground else None
            row.refusal_reason = reason
            row.purge_after = add_months(today, self.policy.details.months)
            detail = {
                "status": status.value,
                "ground": row.legal_ground,
                "touched_ids": touched,
                "late": today > row.due_on,
                "purge_after": row.purge_after.isoformat(),
            }
            self._event(session, request_id, principal, status.value, detail, now)
            action = (
                "subject-request.refuse"
                if status is RequestStatus.REFUSED
                else ("subject-request.answer")
            )
            record(
                session,
                AuditEvent.by(
                    principal,
                    action,
                    reason=reason,
                    subject_kind=SUBJECT_KIND,
                    subject_id=str(request_id),
                    detail=detail,
                ),
            )
            return request_view(row, today)

    # --- deleting the requester's details -----------------------------------------------------

    def purge_details(self, principal: Principal | None, *, today: date | None = None) -> list[int]:
        """Delete the requester's details of every closed request whose period after closing
        has passed; the request's record (kind, dates, outcome, ground, ids) stays.
        ``principal`` ``None`` is the node's scheduled job. Returns the request ids purged."""
        if principal is not None:
            check(principal, Action.SUBJECT_REQUEST)
        today = today or _today()
        now = datetime.now(UTC)
        with self._sessions.begin() as session:
            query = select(SubjectRequestRow).where(
                SubjectRequestRow.status.in_([s.value for s in CLOSED]),
                SubjectRequestRow.purge_after.is_not(None),
                SubjectRequestRow.purge_after <= today,
                SubjectRequestRow.details_purged_at.is_(None),
            )
            if session.get_bind().dialect.name == "postgresql":
                query = query.with_for_update()
            rows = list(session.execute(query.order_by(SubjectRequestRow.id)).scalars())
            for row in rows:
                row.surname = row.given_names = row.document_number = None
                row.birth_date = None
                row.details_purged_at = now
                actor = principal.username if principal else "node"
                session.add(
                    SubjectRequestEventRow(
                        request_id=row.id, at=now, actor=actor, kind="details-purged", detail={}
                    )
                )
            ids = [row.id for row in rows]
            if ids:
                record(
                    session,
                    AuditEvent.by(
                        principal,
                        "subject-request.purge",
                        subject_kind=SUBJECT_KIND,
                        detail={"request_ids": ids},
                    ),
                )
            return ids

    # --- helpers ------------------------------------------------------------------------------

    def _check_regimes(
        self, principal: Principal, access: AccessPurpose, action: str, request_id: int
    ) -> None:
        """Refuse (403, audited) a purpose outside the regimes of the data read (SG-01)."""
        try:
            for regime in REGIMES:
                access.check_regime(regime)
        except ForbiddenError as err:
            with self._sessions.begin() as session:
                record(
                    session,
                    AuditEvent.by(
                        principal,
                        action,
                        access=access,
                        outcome=Outcome.REFUSED,
                        subject_kind=SUBJECT_KIND,
                        subject_id=str(request_id),
                        detail={"why": err.reason},
                    ),
                )
            raise

    @staticmethod
    def _event(
        session: Session,
        request_id: int,
        principal: Principal,
        kind: str,
        detail: dict[str, Any],
        at: datetime | None = None,
    ) -> None:
        session.add(
            SubjectRequestEventRow(
                request_id=request_id,
                at=at or datetime.now(UTC),
                actor=principal.username,
                kind=kind,
                detail=detail,
            )
        )


def _with_identity(
    session: Session, request_id: int, what: str
) -> tuple[SubjectRequestRow, Identity]:
    """The request (locked) and the requester's details; 409 once they have been purged."""
    row = request_row(session, request_id, lock=True)
    identity = stored_identity(row)
    if identity is None:
        raise ConflictError(
            f"the requester's details of request {request_id} have been purged: nothing to {what}"
        )
    return row, identity
