"""Data-subject requests (SG-45): the DPO records a person's request to exercise a right,
finds what the node holds about them, answers or refuses on a stated legal ground within the
due date, and the requester's details are deleted after closing."""

from interlock.subjects.policy import (
    LegalGround,
    RequestKind,
    RequestStatus,
    SubjectRequestPolicy,
)
from interlock.subjects.requests import SubjectRequests
from interlock.subjects.views import SearchResult, SubjectRequest

__all__ = [
    "LegalGround",
    "RequestKind",
    "RequestStatus",
    "SearchResult",
    "SubjectRequest",
    "SubjectRequestPolicy",
    "SubjectRequests",
]
