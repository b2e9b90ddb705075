"""The one settings object. Nothing else in Interlock reads the environment.

Every value can be set with an ``INTERLOCK_`` environment variable, e.g.
``INTERLOCK_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/interlock``.
"""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from interlock.screening.screen import DEFAULT_THRESHOLD


class LogFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


class Settings(BaseSettings):
    """Node configuration."""

    model_config = SettingsConfigDict(env_prefix="INTERLOCK_", extra="ignore")

    data_dir: Path = Field(
        default=Path("data"), description="Folder holding the node's SQLite store and keys."
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the store; default: SQLite file interlock.db in data_dir.",
    )
    log_format: LogFormat = Field(default=LogFormat.TEXT, description="text or json logs.")
    log_level: str = Field(default="WARNING", description="Python logging level name.")
    node_name: str = Field(default="interlock-local", description="This node's name.")
    parse_workers: int = Field(
        default=1,
        ge=0,
        description="Processes that parse during `interlock ingest` while the main one stores; "
        "0 parses in the main process.",
    )
    max_message_bytes: int = Field(
        default=20 * 1024 * 1024, description="Largest message accepted over HTTP, in bytes."
    )
    screen_workers: int = Field(
        default=1,
        ge=0,
        description="Processes that share the screening of large messages with the node while "
        "`interlock serve` runs (one per spare core); 0 screens in the serving process only.",
    )
    screen_threshold: float = Field(
        default=DEFAULT_THRESHOLD,
        ge=0.0,
        le=1.0,
        description="Lowest score of a match stored when travellers are screened (ingest, "
        "retro-screening).",
    )
    retro_window_past_days: int = Field(
        default=30,
        ge=0,
        description="Retro-screening covers flights that departed up to this many days ago.",
    )
    retro_window_future_hours: int = Field(
        default=72,
        ge=0,
        description="… and flights departing up to this many hours from now.",
    )

    route_scope_file: Path | None = Field(
        default=None,
        description="Route scope (SG-03, YAML, docs/route-scope.md): which flights are in "
        "scope, with legal references and expiry dates; messages of other flights are stored, "
        "flagged and not screened. Unset: no route restriction, every flight is screened.",
    )
    review_deadline_minutes: dict[int, int] = Field(
        default={1: 30, 2: 240, 3: 1440},
        description="Minutes from an alert being raised to its review deadline, per priority "
        "(1 highest).",
    )
    playbooks_file: Path | None = Field(
        default=None,
        description="Rapid-response playbooks (YAML, docs/rapid-response.md); default: "
        "playbooks.yaml in data_dir when present, else the built-in playbooks.",
    )
    public_url: str = Field(
        default="http://127.0.0.1:8000",
        description="The node's address as recipients of notifications reach it (ack links).",
    )
    notify_interval_seconds: float = Field(
        default=15.0,
        gt=0,
        description="How often `interlock serve` escalates and sends due notifications.",
    )
    smtp_host: str = Field(default="127.0.0.1", description="SMTP server for e-mail notices.")
    smtp_port: int = Field(default=25, description="Its port.")
    mail_from: str = Field(default="interlock@localhost", description="Sender of e-mail notices.")
    retention_pnr_months: int = Field(
        default=6,
        ge=1,
        description="Months after receipt after which PNR data without a hold is deleted and "
        "held PNR data depersonalised (EU PNR Directive 2016/681 Art. 12(2)-(3), as read in "
        "C-817/19 Ligue des droits humains).",
    )
    retention_max_months: int = Field(
        default=60,
        ge=1,
        description="Months after receipt after which PNR data is deleted whatever holds it "
        "(Directive 2016/681 Art. 12(1) and (4)).",
    )
    depersonalisation_key_file: Path | None = Field(
        default=None,
        description="Key that seals depersonalised PNR data, kept apart from the database; "
        "default: keys/depersonalisation.key in data_dir (created 0600 on first use).",
    )
    unmask_approval_days: int = Field(
        default=7,
        ge=1,
        description="Days an approval to unmask depersonalised PNR data stays valid (node "
        "policy under Directive 2016/681 Art. 12(3)).",
    )
    subject_request_due_months: int = Field(
        default=1,
        ge=1,
        description="Months from receipt of a data-subject request to its answer (GDPR Art. "
        "12(3), LED Art. 12).",
    )
    subject_request_details_months: int = Field(
        default=12,
        ge=1,
        description="Months a closed data-subject request keeps the requester's details.",
    )
    operator_name: str = Field(
        default="[not configured] set INTERLOCK_OPERATOR_NAME to the authority running this node",
        description="The authority running the node, as the transparency page names it.",
    )
    dpo_contact: str = Field(
        default="[not configured] set INTERLOCK_DPO_CONTACT to the DPO's postal or e-mail address",
        description="How to reach the data protection officer (transparency page).",
    )
    complaints_authority: str = Field(
        default="[not configured] set INTERLOCK_COMPLAINTS_AUTHORITY to the data protection "
        "supervisory authority and how to reach it",
        description="The supervisory authority and how to reach it (transparency page).",
    )
    stats_min_count: int = Field(
        default=5, ge=1, description="Published counts below this show as '<N' (SG-60)."
    )
    transparency_years: int = Field(
        default=5, ge=1, description="Years of statistics on the public transparency page."
    )
    keys_dir: Path | None = Field(
        default=None,
        description="Folder of the node's Ed25519 keys (envelopes, ledger checkpoints, witness "
        "cosignatures) and TLS certificate, made on first start; default: keys in data_dir.",
    )
    tls_hosts: list[str] = Field(
        default=["127.0.0.1", "localhost"],
        description="Names and addresses the node's self-signed TLS certificate is made for.",
    )
    share_push_interval_seconds: float = Field(
        default=0.5,
        gt=0,
        description="How often `interlock serve` pushes queued shares to partners (at once when "
        "a share is made).",
    )
    share_pull_interval_seconds: float = Field(
        default=30.0,
        gt=0,
        description="How often `interlock serve` asks every partner for messages it may have "
        "missed (pull catch-up; also on start and when a gap is seen).",
    )
    token: SecretStr | None = Field(
        default=None,
        description="API token the command line acts with (``interlock users token``); "
        "otherwise it signs in as ``user``.",
    )
    user: str | None = Field(
        default=None, description="Account the command line signs in as (``--as`` overrides)."
    )
    password: SecretStr | None = Field(
        default=None,
        description="That account's password, for scripts; asked for at the prompt when unset.",
    )

    @property
    def resolved_playbooks_file(self) -> Path | None:
        """The playbooks file in force, or None for the built-in playbooks."""
        if self.playbooks_file is not None:
            return self.playbooks_file
        default = self.data_dir / "playbooks.yaml"
        return default if default.exists() else None

    @property
    def resolved_keys_dir(self) -> Path:
        """The folder of the node's keys."""
        return self.keys_dir if self.keys_dir is not None else self.data_dir / "keys"

    @property
    def resolved_database_url(self) -> str:
        """The database URL in force: the configured one, or SQLite in the data folder."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'interlock.db').resolve()}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()
