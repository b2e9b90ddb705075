"""The node's legal audit log: append-only and hash-chained (SG-33, SG-34)."""

from interlock.audit.log import AuditEvent, AuditLog, AuditRecord, Outcome, VerifyReport, record

__all__ = ["AuditEvent", "AuditLog", "AuditRecord", "Outcome", "VerifyReport", "record"]
