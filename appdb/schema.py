"""The tables of the app database: accounts, their sessions, one-time links, kiosk tokens,
API client keys and their calls, the audit log, the archive of briefs, the push outbox, and
the urging letters with their answers and the mail outbox.

This is the schema as the code reads and writes it now; ``appdb/migrations`` brings a
database to it (``tests/appdb`` checks that the two agree), so a change here comes with a
new revision there.
"""
from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, DateTime, ForeignKey, Integer, MetaData, String, Table, Text

metadata = MetaData()

users = Table(
    "users", metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(120), nullable=False, unique=True),
    Column("display_name", String(200), nullable=False),
    Column("role", String(20), nullable=False),
    Column("unit_code", String(40)),
    Column("password_hash", String(300)),  # none until set through a one-time link (or SSO only)
    Column("active", Boolean, nullable=False, default=True),
    Column("epoch", Integer, nullable=False, default=0),  # bumped to end the account's sessions
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_sign_in_at", DateTime(timezone=True)),
)

sessions = Table(  # signed-in browsers: a session lives while its row does (logout, a new password,
    "sessions", metadata,  # disabling the account or revoking the kiosk token delete it)
    Column("id", Integer, primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),  # the random id only the cookie holds, digested
    Column("user_id", Integer, ForeignKey("users.id"), index=True),  # a user's session, or
    Column("kiosk_id", Integer, ForeignKey("kiosk_tokens.id"), index=True),  # a wall's
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_seen_at", DateTime(timezone=True), nullable=False),  # its last request (to the minute)
    Column("ip", String(64)),
)

kiosk_tokens = Table(
    "kiosk_tokens", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_by", String(120), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
)

api_clients = Table(
    "api_clients", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(120), nullable=False, unique=True),
    Column("key_hash", String(64), nullable=False, unique=True),
    Column("key_prefix", String(12), nullable=False),  # the key's first characters, to tell keys apart
    Column("indicators", Text),  # JSON list of indicator codes; none: every indicator
    Column("units", Text),  # JSON list of unit codes (with their sub-units); none: every unit
    Column("rate_limit", Integer),  # calls per minute; none: the configured default
    Column("created_by", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
)

api_usage = Table(  # calls of each client key per minute, for its rate limit
    "api_usage", metadata,
    Column("client_id", Integer, ForeignKey("api_clients.id"), primary_key=True),
    Column("minute", Integer, primary_key=True),  # minutes since 1970
    Column("calls", Integer, nullable=False),
)

one_time_links = Table(
    "one_time_links", metadata,
    Column("id", Integer, primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("purpose", String(20), nullable=False),  # "setup" (first admin) or "password"
    Column("user_id", Integer, ForeignKey("users.id")),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("used_at", DateTime(timezone=True)),
)

audit_log = Table(
    "audit_log", metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
    Column("actor", String(200), nullable=False, index=True),
    Column("action", String(40), nullable=False, index=True),
    Column("outcome", String(20), nullable=False),
    Column("target", String(300)),
    Column("ip", String(64)),
    Column("detail", Text),
)

briefs = Table(
    "briefs", metadata,
    Column("id", Integer, primary_key=True),
    Column("period_start", Date, nullable=False),
    Column("period_end", Date, nullable=False),
    Column("language", String(2), nullable=False),
    Column("unit_code", String(40)),  # the scope of a unit user's brief; none: the whole ministry
    Column("requested_by", String(200), nullable=False),
    Column("trigger", String(20), nullable=False),  # schedule, screen or cli
    Column("status", String(20), nullable=False, index=True),  # running, retrying, done, failed
    Column("step", String(40)),  # the step being made; the screen shows it as a share of all steps
    Column("attempts", Integer, nullable=False, default=0),
    Column("error", Text),
    Column("data_version", String(60)),
    Column("directory", String(500)),
    Column("files", Text),  # JSON list of file names in the directory
    Column("created_at", DateTime(timezone=True), nullable=False, index=True),
    Column("finished_at", DateTime(timezone=True)),
)

goc_outbox = Table(
    "goc_outbox", metadata,
    Column("id", Integer, primary_key=True),  # the sending order
    Column("idempotency_key", String(200), nullable=False, unique=True),
    Column("period_type", String(20), nullable=False),
    Column("period", String(20), nullable=False),
    Column("period_start", Date, nullable=False),
    Column("period_end", Date, nullable=False),
    Column("complete", Boolean, nullable=False),
    Column("data_version", String(60), nullable=False),
    Column("trigger", String(20), nullable=False),  # publish, schedule or cli
    Column("rows", Integer, nullable=False),
    Column("payload", Text),  # the JSON body; dropped once acknowledged
    Column("payload_sha256", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", DateTime(timezone=True), nullable=False, index=True),
    Column("last_attempt_at", DateTime(timezone=True)),
    Column("last_error", Text),
    Column("acknowledged_at", DateTime(timezone=True), index=True),
    Column("receipt_status", Integer),
    Column("receipt", Text),  # what the receiver answered
)

urgings = Table(  # urging letters (công văn đôn đốc): draft -> issued -> sent -> answered
    "urgings", metadata,
    Column("id", Integer, primary_key=True),
    Column("unit_code", String(40), nullable=False, index=True),
    Column("unit_name", String(300), nullable=False),
    Column("contact_email", String(320)),  # the unit's address when drafted
    Column("as_of", Date, nullable=False),  # the day whose state the letter reports
    Column("language", String(2), nullable=False),
    Column("data_version", String(60), nullable=False),
    Column("content", Text, nullable=False),  # JSON: the tasks and dossiers listed, as they were
    Column("state", String(20), nullable=False, index=True),  # draft, issued, sent, answered
    Column("created_by", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, index=True),
    Column("number", String(40)),  # from the outgoing register, entered at issue
    Column("issued_on", Date),
    Column("issued_by", String(200)),
    Column("issued_at", DateTime(timezone=True)),
    Column("sent_at", DateTime(timezone=True)),
    Column("answer_due_on", Date),  # the last working day to answer, counted from sending
    Column("answered_by", String(200)),
    Column("answered_at", DateTime(timezone=True)),
    Column("directory", String(500)),
    Column("files", Text),  # JSON list of file names in the directory
)

urging_answers = Table(  # the unit's answer, per task listed: when it expects to finish, and a note
    "urging_answers", metadata,
    Column("urging_id", Integer, ForeignKey("urgings.id"), primary_key=True),
    Column("task_id", String(100), primary_key=True),
    Column("expected_on", Date),
    Column("note", Text),
)

mail_outbox = Table(  # every e-mail from the moment it is queued until the SMTP server accepts it
    "mail_outbox", metadata,
    Column("id", Integer, primary_key=True),
    Column("idempotency_key", String(200), nullable=False, unique=True),  # urging:<id>, digest:<unit>:<day>
    Column("kind", String(20), nullable=False),  # urging or digest
    Column("urging_id", Integer, ForeignKey("urgings.id")),
    Column("recipient", String(320), nullable=False),
    Column("subject", String(500), nullable=False),
    Column("body", Text, nullable=False),
    Column("attachment", String(500)),  # path of the file attached (the letter's PDF)
    Column("message_id", String(200), nullable=False, unique=True),  # the Message-ID header, kept across tries
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", DateTime(timezone=True), nullable=False, index=True),
    Column("last_attempt_at", DateTime(timezone=True)),
    Column("last_error", Text),
    Column("sent_at", DateTime(timezone=True), index=True),
)
