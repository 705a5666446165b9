"""Schema versions: `PRAGMA user_version` and an ordered list of steps.

Each step is frozen SQL: once released it never changes, so a register saved by any older
version upgrades the same way. Each step and its version bump commit in one transaction.
A test checks that applying every step gives exactly the schema of the current models.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.errors import RegisterFromNewerVersion

V1_SCHEMA = """
CREATE TABLE activity (
	id INTEGER NOT NULL, 
	"on" DATE NOT NULL, 
	minutes INTEGER NOT NULL, 
	kind VARCHAR(32) NOT NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT activity_minutes CHECK (minutes BETWEEN 1 AND 1440)
);
CREATE INDEX ix_activity_on ON activity ("on");
CREATE TABLE audit_entry (
	id INTEGER NOT NULL, 
	at DATETIME NOT NULL, 
	action VARCHAR(48) NOT NULL, 
	detail VARCHAR(255) NOT NULL, 
	PRIMARY KEY (id)
);
CREATE TABLE case_ (
	id INTEGER NOT NULL, 
	opened_on DATE NOT NULL, 
	status VARCHAR(8) NOT NULL, 
	closed_on DATE, 
	outcome VARCHAR(32), 
	memo TEXT, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT case_status CHECK (status IN ('open', 'closed')), 
	CONSTRAINT case_closed_on CHECK ((status = 'open' AND closed_on IS NULL) OR (status = 'closed' AND closed_on IS NOT NULL))
);
CREATE INDEX ix_case__closed_on ON case_ (closed_on);
CREATE INDEX ix_case__opened_on ON case_ (opened_on);
CREATE INDEX ix_case__status ON case_ (status);
CREATE TABLE key_value (
	"key" VARCHAR(64) NOT NULL, 
	value TEXT NOT NULL, 
	PRIMARY KEY ("key")
);
CREATE TABLE profile (
	id INTEGER NOT NULL, 
	roles VARCHAR(64) NOT NULL, 
	component VARCHAR(16) NOT NULL, 
	code VARCHAR(32) NOT NULL, 
	signing_private_key BLOB NOT NULL, 
	signing_public_key BLOB NOT NULL, 
	sealing_private_key BLOB NOT NULL, 
	sealing_public_key BLOB NOT NULL, 
	codelist_version VARCHAR(16) NOT NULL, 
	created_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (code)
);
CREATE TABLE case_ground (
	case_id INTEGER NOT NULL, 
	ground VARCHAR(48) NOT NULL, 
	PRIMARY KEY (case_id, ground), 
	FOREIGN KEY(case_id) REFERENCES case_ (id) ON DELETE CASCADE
);
CREATE TABLE case_topic (
	case_id INTEGER NOT NULL, 
	topic VARCHAR(48) NOT NULL, 
	PRIMARY KEY (case_id, topic), 
	FOREIGN KEY(case_id) REFERENCES case_ (id) ON DELETE CASCADE
);
CREATE INDEX ix_case_topic_topic ON case_topic (topic);
CREATE TABLE contact_moment (
	id INTEGER NOT NULL, 
	case_id INTEGER NOT NULL, 
	"on" DATE NOT NULL, 
	minutes INTEGER NOT NULL, 
	mode VARCHAR(32) NOT NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT contact_minutes CHECK (minutes BETWEEN 1 AND 1440), 
	FOREIGN KEY(case_id) REFERENCES case_ (id) ON DELETE CASCADE
);
CREATE INDEX ix_contact_case_on ON contact_moment (case_id, "on");
CREATE INDEX ix_contact_moment_case_id ON contact_moment (case_id);
CREATE INDEX ix_contact_moment_on ON contact_moment ("on");
CREATE TABLE referral (
	id INTEGER NOT NULL, 
	case_id INTEGER NOT NULL, 
	target VARCHAR(48) NOT NULL, 
	referred_on DATE NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(case_id) REFERENCES case_ (id) ON DELETE CASCADE
);
CREATE INDEX ix_referral_case_id ON referral (case_id);
CREATE INDEX ix_referral_referred_on ON referral (referred_on);
"""


V2_EXPORTS = """
CREATE TABLE recipient (
	id INTEGER NOT NULL, 
	code VARCHAR(32) NOT NULL, 
	component VARCHAR(16) NOT NULL, 
	role VARCHAR(16) NOT NULL, 
	signing_public_key BLOB NOT NULL, 
	sealing_public_key BLOB NOT NULL, 
	fingerprint VARCHAR(64) NOT NULL, 
	imported_at DATETIME NOT NULL, 
	active BOOLEAN NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (fingerprint)
);
CREATE TABLE export_record (
	id INTEGER NOT NULL, 
	quarter VARCHAR(7) NOT NULL, 
	level VARCHAR(12) NOT NULL, 
	submission_id VARCHAR(36) NOT NULL, 
	revision INTEGER NOT NULL, 
	supersedes VARCHAR(36), 
	sha256 VARCHAR(64) NOT NULL, 
	file_name VARCHAR(255) NOT NULL, 
	sealed BOOLEAN NOT NULL, 
	nil_return BOOLEAN NOT NULL, 
	created_at DATETIME NOT NULL, 
	received_at DATETIME, 
	receipt_by VARCHAR(32), 
	PRIMARY KEY (id), 
	UNIQUE (sha256)
);
CREATE INDEX ix_export_record_quarter ON export_record (quarter);
"""


# Step 3 (coordination). Kept as a SQL constant plus a step function so that, if another
# branch appends its own step first, renumbering at merge time is a one-line change.
V4_COORDINATION = """
CREATE TABLE roster_entry (
	id INTEGER NOT NULL, 
	code VARCHAR(32) NOT NULL, 
	component VARCHAR(16) NOT NULL, 
	role VARCHAR(16) NOT NULL, 
	signing_public_key BLOB NOT NULL, 
	sealing_public_key BLOB NOT NULL, 
	fingerprint VARCHAR(64) NOT NULL, 
	active_from DATE NOT NULL, 
	active_until DATE, 
	enrolled_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (code), 
	UNIQUE (fingerprint)
);
CREATE TABLE submission (
	id INTEGER NOT NULL, 
	submission_id VARCHAR(36) NOT NULL, 
	revision INTEGER NOT NULL, 
	sha256 VARCHAR(64) NOT NULL, 
	level VARCHAR(12) NOT NULL, 
	sender_code VARCHAR(32) NOT NULL, 
	sender_fingerprint VARCHAR(64) NOT NULL, 
	component VARCHAR(16) NOT NULL, 
	quarter VARCHAR(7) NOT NULL, 
	codelist_version VARCHAR(16) NOT NULL, 
	nil_return BOOLEAN NOT NULL, 
	payload TEXT NOT NULL, 
	imported_at DATETIME NOT NULL, 
	superseded_by_id INTEGER, 
	excluded BOOLEAN NOT NULL, 
	file_name VARCHAR(255) NOT NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT submission_revision UNIQUE (submission_id, revision), 
	UNIQUE (sha256), 
	FOREIGN KEY(superseded_by_id) REFERENCES submission (id)
);
CREATE INDEX ix_submission_stream ON submission (quarter, level, sender_code);
CREATE TABLE submission_source (
	id INTEGER NOT NULL, 
	submission_id INTEGER NOT NULL, 
	source_submission_id VARCHAR(36) NOT NULL, 
	revision INTEGER NOT NULL, 
	sender_code VARCHAR(32) NOT NULL, 
	component VARCHAR(16) NOT NULL, 
	period VARCHAR(7) NOT NULL, 
	sha256 VARCHAR(64) NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(submission_id) REFERENCES submission (id) ON DELETE CASCADE
);
CREATE INDEX ix_submission_source_sha256 ON submission_source (sha256);
CREATE INDEX ix_submission_source_submission_id ON submission_source (submission_id);
"""


def _run_script(conn: Any, script: str) -> None:
    for statement in script.split(";\n"):
        if statement.strip():
            conn.execute(statement)


def _step_1(conn: Any) -> None:
    _run_script(conn, V1_SCHEMA)


def _step_2(conn: Any) -> None:
    """Recipient cards and the history of exported quarterly files."""
    _run_script(conn, V2_EXPORTS)


# Step 3: covering indexes for the case list and quarter figures. Per-case totals (count,
# sum of minutes, last date) and the period filter read only these indexes, never the table;
# the one-column indexes they make redundant are dropped.
V3_INDEXES = """
DROP INDEX ix_contact_case_on;
DROP INDEX ix_contact_moment_case_id;
DROP INDEX ix_contact_moment_on;
CREATE INDEX ix_contact_case_totals ON contact_moment (case_id, "on", minutes);
CREATE INDEX ix_contact_on_totals ON contact_moment ("on", case_id, minutes)
"""


def _step_3(conn: Any) -> None:
    _run_script(conn, V3_INDEXES)


def _step_coordination(conn: Any) -> None:
    """Roster of enrolled senders, imported submissions and their VP-level provenance."""
    _run_script(conn, V4_COORDINATION)




# Step 5: retention. A closed case whose quarters were all exported and received can be
# reduced to what those files already hold: its memo goes, the flag records that it happened.
V5_RETENTION = """
ALTER TABLE case_ ADD COLUMN reduced BOOLEAN NOT NULL DEFAULT 0
"""


def _step_5(conn: Any) -> None:
    _run_script(conn, V5_RETENTION)


# Steps 6 and 7 do nothing, and must do nothing forever. They were kept free for two branches
# that in the end needed no schema change, and registers at versions 6 and 7 exist
# (tests/data/register-v6, -v7): such a register has already "run" these steps as no-ops. Giving
# either step work now would skip it for those registers. A new change is a new step at the end.
def _step_6_reserved(conn: Any) -> None:
    """Nothing, forever (see above)."""


def _step_7_reserved(conn: Any) -> None:
    """Nothing, forever (see above)."""


# Step 8 (issue 14): a coordinator's own nicknames for roster codes, kept only here.
V8_NICKNAMES = """
CREATE TABLE roster_nickname (
	code VARCHAR(32) NOT NULL, 
	nickname VARCHAR(40) NOT NULL, 
	PRIMARY KEY (code)
)
"""


def _step_8_nicknames(conn: Any) -> None:
    _run_script(conn, V8_NICKNAMES)


# Step 9 (issue 19): the publication ledger, every report this register published.
V9_PUBLICATIONS = """
CREATE TABLE publication (
	id INTEGER NOT NULL, 
	published_at DATETIME NOT NULL, 
	year INTEGER NOT NULL, 
	quarter VARCHAR(7), 
	level VARCHAR(12) NOT NULL, 
	component VARCHAR(16), 
	report_day DATE NOT NULL, 
	format VARCHAR(8) NOT NULL, 
	lang VARCHAR(8) NOT NULL, 
	k INTEGER NOT NULL, 
	hidden INTEGER NOT NULL, 
	cells INTEGER NOT NULL, 
	publication TEXT NOT NULL, 
	certificate TEXT, 
	app_version VARCHAR(32) NOT NULL, 
	file_name VARCHAR(255) NOT NULL, 
	file_sha256 VARCHAR(64) NOT NULL, 
	file_data BLOB NOT NULL, 
	PRIMARY KEY (id)
);
CREATE INDEX ix_publication_scope ON publication (year, quarter, level)
"""


def _step_9_publications(conn: Any) -> None:
    _run_script(conn, V9_PUBLICATIONS)


# Step 10 (issue 19): a period published as one. The plan of a period protects every table
# the register could publish for it together (at central level the Defence report and each
# component's report); every report of the period is published from it (plan_id).
V10_PERIOD_PLANS = """
CREATE TABLE publication_plan (
	id INTEGER NOT NULL, 
	made_at DATETIME NOT NULL, 
	year INTEGER NOT NULL, 
	quarter VARCHAR(7), 
	k INTEGER NOT NULL, 
	figures_sha256 VARCHAR(64) NOT NULL, 
	publication TEXT NOT NULL, 
	certificate TEXT, 
	PRIMARY KEY (id)
);
CREATE INDEX ix_publication_plan_period ON publication_plan (year, quarter);
ALTER TABLE publication ADD COLUMN plan_id INTEGER
"""


def _step_10_period_plans(conn: Any) -> None:
    _run_script(conn, V10_PERIOD_PLANS)


# Step 11 (issue 19): reports other registers published (a component coordinator's), carried
# in the quarterly files they forwarded; every later report is protected against them too.
V11_FOREIGN_PUBLICATIONS = """
CREATE TABLE foreign_publication (
	id INTEGER NOT NULL, 
	received_at DATETIME NOT NULL, 
	ledger_position INTEGER NOT NULL, 
	origin_code VARCHAR(32) NOT NULL, 
	component VARCHAR(16) NOT NULL, 
	origin_ref VARCHAR(32) NOT NULL, 
	published_at DATETIME NOT NULL, 
	year INTEGER NOT NULL, 
	quarter VARCHAR(7), 
	digest VARCHAR(64) NOT NULL, 
	k INTEGER NOT NULL, 
	hidden INTEGER NOT NULL, 
	cells INTEGER NOT NULL, 
	publication TEXT NOT NULL, 
	submission_id VARCHAR(36) NOT NULL, 
	PRIMARY KEY (id)
);
CREATE INDEX ix_foreign_publication_origin ON foreign_publication (origin_code, origin_ref)
"""


def _step_11_foreign_publications(conn: Any) -> None:
    _run_script(conn, V11_FOREIGN_PUBLICATIONS)


# Step n brings the schema from version n-1 to n. Append; never edit a released step.
STEPS: list[Callable[[Any], None]] = [_step_1, _step_2, _step_3, _step_coordination, _step_5,
                                      _step_6_reserved, _step_7_reserved, _step_8_nicknames,
                                      _step_9_publications, _step_10_period_plans,
                                      _step_11_foreign_publications]
LATEST_VERSION = len(STEPS)


def schema_version(conn: Any) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def check_not_newer(conn: Any) -> int:
    found = schema_version(conn)
    if found > LATEST_VERSION:
        raise RegisterFromNewerVersion(found=found, supported=LATEST_VERSION)
    return found


def needs_migration(conn: Any) -> bool:
    return check_not_newer(conn) < LATEST_VERSION


def migrate(conn: Any, target: int | None = None) -> list[int]:
    """Apply the missing steps on a raw (autocommit) connection, up to ``target`` (default:
    the latest; tools/make_old_registers.py stops earlier); return the versions reached."""
    current = check_not_newer(conn)
    target = LATEST_VERSION if target is None else target
    if not 0 <= target <= LATEST_VERSION:
        raise ValueError(f"no schema version {target}")
    reached: list[int] = []
    for version in range(current + 1, target + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            STEPS[version - 1](conn)
            conn.execute(f"PRAGMA user_version = {int(version)}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        reached.append(version)
    return reached
