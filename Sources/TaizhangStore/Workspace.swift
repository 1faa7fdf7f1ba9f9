import Crypto
import Foundation
import GRDB
import TaizhangCore

/// What became of a file handed to the workspace.
public enum IngestResult: Sendable, Equatable {
    /// Accepted; it supersedes an earlier accepted submission of the same unit, form and period, if any.
    case accepted(id: Int64, supersedes: Int64?)
    /// Read and checked, but it has errors: kept on record with its findings.
    case rejected(id: Int64)
    /// Not readable as a ledger at all (not a spreadsheet, encrypted, hostile): kept on record with the reason.
    case refused(id: Int64)
    /// The same bytes were ingested before: nothing changed.
    case alreadyKnown(id: Int64, state: SubmissionState)
}

/// The state of a submission.
public enum SubmissionState: String, Sendable, Codable, Equatable {
    case accepted, rejected, refused

    /// The Chinese word shown to people.
    public var label: String {
        switch self {
        case .accepted: return "已接收"
        case .rejected: return "已退回"
        case .refused: return "已拒收"
        }
    }
}

/// A file handed to the workspace, with what checking it found.
public struct Intake: Sendable {
    /// What checking the file gave.
    public enum Outcome: Sendable {
        case checked(CheckedLedger)
        case refused(ImportError)
    }

    /// The file's name as the unit sent it.
    public var fileName: String
    /// Its bytes, kept whole.
    public var bytes: Data
    /// When the province received it.
    public var receivedAt: Date
    /// What checking it found.
    public var outcome: Outcome

    public init(fileName: String, bytes: Data, receivedAt: Date, outcome: Outcome) {
        self.fileName = fileName
        self.bytes = bytes
        self.receivedAt = receivedAt
        self.outcome = outcome
    }
}

/// One stored submission, without its bytes and rows.
public struct SubmissionRecord: Sendable, Equatable, Codable {
    public var id: Int64
    public var fileName: String
    public var sha256: String
    public var size: Int
    public var receivedAt: String
    /// The day it was received, in China's time zone: what deadlines are compared with.
    public var receivedDate: CivilDate
    public var state: SubmissionState
    public var unit: String?
    public var form: String?
    public var formVersion: String?
    public var period: YearMonth?
    public var errorCount: Int
    public var warningCount: Int
    public var supersedes: Int64?
}

/// The embedded SQLite workspace: every submission kept whole (bytes, hash, report, state, the rows it
/// holds), corrected versions superseding earlier ones without deleting them, with versioned migrations.
/// Each file is recorded in one transaction: a crash mid-way leaves the store as it was before that file.
public final class Workspace: Sendable {
    let queue: DatabaseQueue

    /// The time zone deadlines are kept in (每月24日前 means Beijing time).
    public static let timeZone = TimeZone(identifier: "Asia/Shanghai")!

    /// Opens (creating and migrating when needed) the workspace at `path`.
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.label = "taizhang"
        // Write-ahead logging: a commit is one append (no rewrite of the database file), and a process killed
        // mid-transaction leaves the database as of the last commit. NORMAL synchronisation keeps it consistent
        // on power loss too, at the price of possibly losing the last commits (re-ingesting is harmless).
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        queue = try DatabaseQueue(path: path, configuration: configuration)
        try Workspace.migrator.migrate(queue)
    }

    /// An in-memory workspace, for tests.
    public init() throws {
        queue = try DatabaseQueue()
        try Workspace.migrator.migrate(queue)
    }

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
                -- The submission that counts for each unit, form and period: accepted and not superseded.
                CREATE VIEW current_submissions AS
                    SELECT s.* FROM submissions s
                    WHERE s.state = 'accepted'
                      AND NOT EXISTS (SELECT 1 FROM submissions t WHERE t.supersedes = s.id);
                -- The first accepted submission for each unit, form and period: what punctuality is judged by.
                CREATE VIEW first_accepted AS
                    SELECT unit, form, period, MIN(received_date) AS received_date, COUNT(*) AS versions
                    FROM submissions WHERE state = 'accepted' GROUP BY unit, form, period;
                """)
        }
        migrator.registerMigration("v2: index the supersession chain") { db in
            // current_submissions asks, for every accepted submission, whether another supersedes it: without
            // this index each ingest scanned all submissions (ingest time grew with the workspace).
            try db.execute(sql: "CREATE INDEX submissions_by_supersedes ON submissions(supersedes)")
        }
        return migrator
    }

    // MARK: Recording

    /// The SHA-256 of some bytes, as lower-case hex.
    public static func sha256(_ data: Data) -> String {
        SHA256.hash(data: data).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// The submission with these bytes, if they were ingested before.
    public func known(sha256: String) throws -> SubmissionRecord? {
        try queue.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM submissions WHERE sha256 = ?", arguments: [sha256])
                .map(Workspace.record(from:))
        }
    }

    /// Records a file in one transaction. The same bytes twice are recorded once.
    ///
    /// For tests of crash safety only: when the environment variable `TAIZHANG_FAULT_ABORT_AFTER_ROWS`
    /// is set to N, the process aborts after writing N rows of a submission, inside the transaction.
    public func record(_ intake: Intake) throws -> IngestResult {
        let hash = Workspace.sha256(intake.bytes)
        let received = Workspace.timestamp(intake.receivedAt)
        let faultAfterRows = ProcessInfo.processInfo.environment["TAIZHANG_FAULT_ABORT_AFTER_ROWS"].flatMap { Int($0) }
        return try queue.write { db -> IngestResult in
            if let row = try Row.fetchOne(db, sql: "SELECT id, state FROM submissions WHERE sha256 = ?", arguments: [hash]) {
                return .alreadyKnown(id: row["id"], state: SubmissionState(rawValue: row["state"]) ?? .refused)
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            switch intake.outcome {
            case .refused(let error):
                let report = String(decoding: try encoder.encode(RefusalReport(error: error)), as: UTF8.self)
                try db.execute(sql: """
                    INSERT INTO submissions (sha256, file_name, size, content, received_at, received_date, state, report)
                    VALUES (?, ?, ?, ?, ?, ?, 'refused', ?)
                    """, arguments: [hash, intake.fileName, intake.bytes.count, intake.bytes, received.iso, received.date.iso, report])
                return .refused(id: db.lastInsertedRowID)
            case .checked(let checked):
                let document = checked.document
                let accepted = checked.report.isAccepted && document.unit != nil && document.period != nil
                var supersedes: Int64?
                if accepted {
                    supersedes = try Int64.fetchOne(db, sql: """
                        SELECT id FROM current_submissions WHERE unit = ? AND form = ? AND period = ?
                        ORDER BY id DESC LIMIT 1
                        """, arguments: [document.unit?.id, document.form.id, document.period?.iso])
                }
                try db.execute(sql: """
                    INSERT INTO submissions (sha256, file_name, size, content, received_at, received_date, state, unit,
                        form, form_version, period, recognition, error_count, warning_count, report, header, supersedes)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [
                        hash, intake.fileName, intake.bytes.count, intake.bytes, received.iso, received.date.iso,
                        accepted ? "accepted" : "rejected", document.unit?.id, document.form.id, document.form.version,
                        document.period?.iso, checked.recognition.rawValue, checked.report.errorCount,
                        checked.report.warningCount, String(decoding: try encoder.encode(checked.report), as: UTF8.self),
                        Value.json(document.header), supersedes,
                    ])
                let id = db.lastInsertedRowID
                var written = 0
                let insert = try db.cachedStatement(sql: """
                    INSERT INTO rows (submission_id, table_id, row_index, source_row, key, "values")
                    VALUES (?, ?, ?, ?, ?, ?)
                    """)
                for table in document.form.tables {
                    for (index, record) in (document.rows[table.id] ?? []).enumerated() {
                        let key = table.key.flatMap { record[$0]?.displayText }
                        try insert.execute(arguments: [id, table.id, index, record.source?.row, key,
                                                       Value.json(record.values)])
                        written += 1
                        if let faultAfterRows, written >= faultAfterRows { abort() }
                    }
                }
                return accepted ? .accepted(id: id, supersedes: supersedes) : .rejected(id: id)
            }
        }
    }

    struct RefusalReport: Codable {
        var refused: String
        var reason: String
        var place: String?
        init(error: ImportError) {
            refused = error.description
            reason = error.reason.rawValue
            place = error.place
        }
    }

    static func timestamp(_ date: Date) -> (iso: String, date: CivilDate) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let day = CivilDate(year: c.year!, month: c.month!, day: c.day!)!
        let time = CellValue.time((c.hour ?? 0) * 3600 + (c.minute ?? 0) * 60 + (c.second ?? 0))
        return ("\(day.iso)T\(time)+08:00", day)
    }

    // MARK: Reading

    static func record(from row: Row) -> SubmissionRecord {
        SubmissionRecord(
            id: row["id"], fileName: row["file_name"], sha256: row["sha256"], size: row["size"],
            receivedAt: row["received_at"], receivedDate: CivilDate(iso: row["received_date"])!,
            state: SubmissionState(rawValue: row["state"]) ?? .refused, unit: row["unit"], form: row["form"],
            formVersion: row["form_version"], period: (row["period"] as String?).flatMap { YearMonth($0) },
            errorCount: row["error_count"], warningCount: row["warning_count"], supersedes: row["supersedes"])
    }

    /// Every submission, oldest first, optionally only those of one period.
    public func submissions(period: YearMonth? = nil) throws -> [SubmissionRecord] {
        try queue.read { db in
            let rows = period == nil
                ? try Row.fetchAll(db, sql: "SELECT * FROM submissions ORDER BY id")
                : try Row.fetchAll(db, sql: "SELECT * FROM submissions WHERE period = ? ORDER BY id", arguments: [period?.iso])
            return rows.map(Workspace.record(from:))
        }
    }

    /// The original bytes of a submission.
    public func content(of id: Int64) throws -> Data? {
        try queue.read { db in try Data.fetchOne(db, sql: "SELECT content FROM submissions WHERE id = ?", arguments: [id]) }
    }

    /// The stored validation report of a submission (JSON).
    public func reportJSON(of id: Int64) throws -> String? {
        try queue.read { db in try String.fetchOne(db, sql: "SELECT report FROM submissions WHERE id = ?", arguments: [id]) }
    }

    /// The documents that count now for `form` (optionally one period), one per unit and period,
    /// rebuilt from the store.
    public func currentDocuments(form: Form, period: YearMonth? = nil, formSet: FormSet) throws -> [LedgerDocument] {
        try queue.read { db in
            var sql = "SELECT id, unit, period, header FROM current_submissions WHERE form = ?"
            var arguments: StatementArguments = [form.id]
            if let period {
                sql += " AND period = ?"
                _ = arguments.append(contentsOf: [period.iso])
            }
            sql += " ORDER BY unit, period"
            let decoder = JSONDecoder()
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                let id: Int64 = row["id"]
                let header = try decoder.decode([String: Value].self, from: Data((row["header"] as String? ?? "{}").utf8))
                var rows: [String: [TaizhangCore.Record]] = [:]
                for r in try Row.fetchAll(db, sql: """
                    SELECT table_id, source_row, "values" FROM rows WHERE submission_id = ? ORDER BY table_id, row_index
                    """, arguments: [id]) {
                    let values = try decoder.decode([String: Value].self, from: Data((r["values"] as String).utf8))
                    let source = (r["source_row"] as Int?).map { Location(row: $0) }
                    rows[r["table_id"], default: []].append(TaizhangCore.Record(values: values, source: source))
                }
                return LedgerDocument(form: form, formSet: formSet, unit: (row["unit"] as String?).flatMap(formSet.unit(id:)),
                                      period: (row["period"] as String?).flatMap { YearMonth($0) }, header: header,
                                      rows: rows, purpose: .data)
            }
        }
    }

    /// The keys of every current ledger of `unit` that other forms refer to (the self-check ledger's 问题编号,
    /// all periods together: the ledger grows month by month).
    public func referenceIndex(unit: String, formSet: FormSet) throws -> ReferenceIndex {
        var index = ReferenceIndex()
        let targets = Set(formSet.forms.flatMap { $0.tables.flatMap(\.columns) }.compactMap(\.references))
        try queue.read { db in
            for target in targets {
                // No ledger at all is "not known yet" (checked later), not "known to be empty".
                let known = try Bool.fetchOne(db, sql: """
                    SELECT EXISTS (SELECT 1 FROM current_submissions WHERE unit = ? AND form = ?)
                    """, arguments: [unit, target.form]) ?? false
                guard known else { continue }
                let keys = try String.fetchAll(db, sql: """
                    SELECT DISTINCT r.key FROM current_submissions s JOIN rows r ON r.submission_id = s.id
                    WHERE s.unit = ? AND s.form = ? AND r.key IS NOT NULL
                    """, arguments: [unit, target.form])
                index.add(form: target.form, field: target.field, keys: keys)
            }
        }
        return index
    }

    /// The first accepted submission day per unit, form and period (for on-time judgements).
    public func firstAccepted() throws -> [SlotKey: (received: CivilDate, versions: Int)] {
        try queue.read { db in
            var result: [SlotKey: (CivilDate, Int)] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT * FROM first_accepted") {
                guard let unit: String = row["unit"], let form: String = row["form"],
                      let period = (row["period"] as String?).flatMap({ YearMonth($0) }) else { continue }
                result[SlotKey(unit: unit, form: form, period: period)] = (CivilDate(iso: row["received_date"])!, row["versions"])
            }
            return result
        }
    }

    /// Slots (unit, form, period) that have only rejected or refused submissions.
    public func rejectedSlots() throws -> Set<SlotKey> {
        try queue.read { db in
            var result = Set<SlotKey>()
            for row in try Row.fetchAll(db, sql: """
                SELECT DISTINCT unit, form, period FROM submissions WHERE state = 'rejected'
                """) {
                guard let unit: String = row["unit"], let form: String = row["form"],
                      let period = (row["period"] as String?).flatMap({ YearMonth($0) }) else { continue }
                result.insert(SlotKey(unit: unit, form: form, period: period))
            }
            return result
        }
    }
}

/// A unit's obligation for one form and period.
public struct SlotKey: Hashable, Sendable {
    public var unit: String
    public var form: String
    public var period: YearMonth
    public init(unit: String, form: String, period: YearMonth) {
        self.unit = unit
        self.form = form
        self.period = period
    }
}
