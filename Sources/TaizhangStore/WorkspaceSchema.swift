import Foundation
import GRDB

// The workspace's schema, as named migrations (applied in order, once each). A workspace holding a migration
// not listed here was written by a newer build and is refused (see `Workspace.checkVersion`).

extension Workspace {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: submissions and rows") { db in
            try db.execute(sql: """
                CREATE TABLE submissions (
                    id INTEGER PRIMARY KEY,
                    sha256 TEXT NOT NULL UNIQUE,
                    file_name TEXT NOT NULL,
                    size INTEGER NOT NULL,
                    content BLOB NOT NULL,
                    received_at TEXT NOT NULL,
                    received_date TEXT NOT NULL,
                    state TEXT NOT NULL CHECK (state IN ('accepted', 'rejected', 'refused')),
                    unit TEXT,
                    form TEXT,
                    form_version TEXT,
                    period TEXT,
                    recognition TEXT,
                    error_count INTEGER NOT NULL DEFAULT 0,
                    warning_count INTEGER NOT NULL DEFAULT 0,
                    report TEXT NOT NULL,
                    header TEXT,
                    supersedes INTEGER REFERENCES submissions(id)
                );
                CREATE INDEX submissions_by_slot ON submissions(unit, form, period, state);
                CREATE TABLE rows (
                    submission_id INTEGER NOT NULL REFERENCES submissions(id),
                    table_id TEXT NOT NULL,
                    row_index INTEGER NOT NULL,
                    source_row INTEGER,
                    key TEXT,
                    "values" TEXT NOT NULL,
                    PRIMARY KEY (submission_id, table_id, row_index)
                ) WITHOUT ROWID;
                CREATE INDEX rows_by_key ON rows(key);
                \(views)
                """)
        }
        migrator.registerMigration("v2: index the supersession chain") { db in
            // current_submissions asks, for every accepted submission, whether another supersedes it: without
            // this index each ingest scanned all submissions (ingest time grew with the workspace).
            try db.execute(sql: "CREATE INDEX submissions_by_supersedes ON submissions(supersedes)")
        }
        migrator.registerMigration("v3: identity by content or name, verdicts kept as history") { db in
            // Two changes that need the submissions table rebuilt (SQLite cannot drop a UNIQUE constraint):
            // - `identity` replaces the uniqueness of `sha256`: a file is "the same" as an earlier one when its
            //   bytes are, except a file with no bytes at all (empty, or unreadable), which is known by its
            //   name too, so that every such file is recorded under its own name;
            // - `checked_against` records which referenced ledgers a verdict was reached with, so that a
            //   verdict is checked again when they change (verdicts do not depend on the order of arrival).
            // Earlier verdicts are kept in `verdict_history`.
            try db.execute(sql: """
                DROP VIEW current_submissions;
                DROP VIEW first_accepted;
                CREATE TABLE submissions_v3 (
                    id INTEGER PRIMARY KEY,
                    sha256 TEXT NOT NULL,
                    identity TEXT NOT NULL UNIQUE,
                    file_name TEXT NOT NULL,
                    size INTEGER NOT NULL,
                    content BLOB NOT NULL,
                    received_at TEXT NOT NULL,
                    received_date TEXT NOT NULL,
                    state TEXT NOT NULL CHECK (state IN ('accepted', 'rejected', 'refused')),
                    unit TEXT,
                    form TEXT,
                    form_version TEXT,
                    period TEXT,
                    recognition TEXT,
                    error_count INTEGER NOT NULL DEFAULT 0,
                    warning_count INTEGER NOT NULL DEFAULT 0,
                    report TEXT NOT NULL,
                    header TEXT,
                    supersedes INTEGER REFERENCES submissions(id),
                    checked_against TEXT
                );
                INSERT INTO submissions_v3 (id, sha256, identity, file_name, size, content, received_at, received_date,
                    state, unit, form, form_version, period, recognition, error_count, warning_count, report, header,
                    supersedes)
                SELECT id, sha256, sha256, file_name, size, content, received_at, received_date, state, unit, form,
                    form_version, period, recognition, error_count, warning_count, report, header, supersedes
                FROM submissions;
                DROP TABLE submissions;
                ALTER TABLE submissions_v3 RENAME TO submissions;
                CREATE INDEX submissions_by_slot ON submissions(unit, form, period, state);
                CREATE INDEX submissions_by_supersedes ON submissions(supersedes);
                CREATE INDEX submissions_by_sha256 ON submissions(sha256);
                \(views)
                CREATE TABLE verdict_history (
                    id INTEGER PRIMARY KEY,
                    submission_id INTEGER NOT NULL REFERENCES submissions(id),
                    replaced_at TEXT NOT NULL,
                    state TEXT NOT NULL,
                    error_count INTEGER NOT NULL,
                    warning_count INTEGER NOT NULL,
                    report TEXT NOT NULL,
                    checked_against TEXT,
                    supersedes INTEGER
                );
                CREATE INDEX verdict_history_by_submission ON verdict_history(submission_id);
                """)
        }
        migrator.registerMigration("v4: the packages this workspace sends, numbered") { db in
            // A sender's packages for one period are numbered 1, 2, … (the number is signed into the manifest, so
            // the receiver knows which came last). The same contents packaged again keep their number.
            try db.execute(sql: """
                CREATE TABLE sent_packages (
                    sender TEXT NOT NULL,
                    period TEXT NOT NULL,
                    sequence INTEGER NOT NULL,
                    fingerprint TEXT NOT NULL,
                    made_at TEXT NOT NULL,
                    PRIMARY KEY (sender, period, sequence),
                    UNIQUE (sender, period, fingerprint)
                )
                """)
        }
        migrator.registerMigration("v5: users") { db in
            // The web workbench's accounts: the province's staff and one clerk per unit. Passwords are kept as
            // slow salted hashes (PBKDF2-SHA256), API tokens and session tokens only as their SHA-256.
            try db.execute(sql: """
                CREATE TABLE users (
                    id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL UNIQUE,
                    role TEXT NOT NULL CHECK (role IN ('province', 'unit')),
                    unit TEXT,
                    password_hash TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    CHECK ((role = 'unit') = (unit IS NOT NULL))
                );
                CREATE TABLE api_tokens (
                    token_hash TEXT PRIMARY KEY,
                    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    created_at TEXT NOT NULL
                );
                CREATE TABLE sessions (
                    token_hash TEXT PRIMARY KEY,
                    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    csrf TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    expires_at TEXT NOT NULL
                );
                CREATE INDEX sessions_by_expiry ON sessions(expires_at);
                """)
        }
        migrator.registerMigration("v6: file contents and reports in tables of their own") { db in
            // A file's bytes and its report are each the last column of a row of their own, so that a large one is
            // written into the store in pieces (incremental BLOB I/O into a zeroblob) and no later change of the
            // submission's verdict or counts reads and rewrites it: SQLite rewrites a whole row on any update, and
            // holds whole in memory a zeroblob that other values follow.
            try db.execute(sql: """
                CREATE TABLE contents (
                    submission_id INTEGER PRIMARY KEY REFERENCES submissions(id),
                    content BLOB NOT NULL
                );
                INSERT INTO contents (submission_id, content) SELECT id, content FROM submissions;
                CREATE TABLE reports (
                    submission_id INTEGER PRIMARY KEY REFERENCES submissions(id),
                    report TEXT NOT NULL
                );
                INSERT INTO reports (submission_id, report) SELECT id, report FROM submissions;
                DROP VIEW current_submissions;
                DROP VIEW first_accepted;
                ALTER TABLE submissions DROP COLUMN content;
                ALTER TABLE submissions DROP COLUMN report;
                \(views)
                """)
        }
        return migrator
    }

    private static let views = """
        -- The submission that counts for each unit, form and period: accepted and not superseded.
        CREATE VIEW current_submissions AS
            SELECT s.* FROM submissions s
            WHERE s.state = 'accepted'
              AND NOT EXISTS (SELECT 1 FROM submissions t WHERE t.supersedes = s.id);
        -- The first accepted submission for each unit, form and period: what punctuality is judged by.
        CREATE VIEW first_accepted AS
            SELECT unit, form, period, MIN(received_date) AS received_date, COUNT(*) AS versions
            FROM submissions WHERE state = 'accepted' GROUP BY unit, form, period;
        """
}

/// A flag that is true the first time it is asked (to announce a wait once).
final class Announced: @unchecked Sendable {
    private var done = false
    private let lock = NSLock()
    func first() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if done { return false }
        done = true
        return true
    }
}
