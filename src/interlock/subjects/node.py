"""The node's data-subject requests, as configured (due and detail-keeping periods)."""

from __future__ import annotations

from interlock.retention.policy import Period
from interlock.settings import Settings
from interlock.store import Store
from interlock.subjects.policy import DETAILS_SOURCE, DUE_SOURCE, SubjectRequestPolicy
from interlock.subjects.requests import SubjectRequests


def node_subject_requests(store: Store, settings: Settings) -> SubjectRequests:
    """Data-subject requests over ``store`` with the node's periods."""
    policy = SubjectRequestPolicy(
        due=Period(settings.subject_request_due_months, DUE_SOURCE),
        details=Period(settings.subject_request_details_months, DETAILS_SOURCE),
    )
    return SubjectRequests(store.sessions, policy)
