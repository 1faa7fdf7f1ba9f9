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
    /// The referenced ledgers the check was made against (``References/basis``), for a form that refers to
    /// others; `nil` for a form that refers to none.
    public var checkedAgainst: String?

    public init(fileName: String, bytes: Data, receivedAt: Date, outcome: Outcome, checkedAgainst: String? = nil) {
        self.fileName = fileName
        self.bytes = bytes
        self.receivedAt = receivedAt
        self.outcome = outcome
        self.checkedAgainst = checkedAgainst
    }

    /// What makes this file "the same" as one received before (see ``Workspace/identity(of:fileName:)``).
    public var identity: String { Workspace.identity(of: bytes, fileName: fileName) }
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
///
/// A workspace is opened for reading or for writing. Only writing creates or migrates one, and writing is
/// refused on a workspace that fails `PRAGMA quick_check` or holds migrations this build does not know.
/// Several processes may write at once: each waits (up to ``waitLimit``) for the others' transactions.
public final class Workspace: Sendable {
    let queue: DatabaseQueue

    /// What the workspace is opened for.
    public enum Access: Sendable {
        /// Reading only: the file must exist; nothing is written to it, not even the journal mode.
        case read
        /// Reading and writing: created when missing, migrated, checked for damage first.
        case write
        /// Reading and writing a workspace that must exist (a mistyped path is refused, never created);
        /// otherwise as ``write``.
        case update
    }

    /// How the workspace was opened.
    public let access: Access

    /// The time zone deadlines are kept in (每月24日前 means Beijing time).
    public static let timeZone = TimeZone(identifier: "Asia/Shanghai")!

    /// How long a writer waits for another process's transaction before giving up.
    public static let waitLimit: TimeInterval = 120

    /// Opens the workspace at `path`. `waiting` is called (once) when another process holds the workspace and
    /// this one has to wait for it.
    public init(path: String, access: Access = .write, waiting: (@Sendable () -> Void)? = nil) throws {
        self.access = access
        switch access {
        case .write: queue = try Workspace.openForWriting(path, waiting: waiting)
        case .update:
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
                throw WorkspaceError(.missing, path: path)
            }
            queue = try Workspace.openForWriting(path, waiting: waiting)
        case .read: queue = try Workspace.openForReading(path, waiting: waiting)
        }
    }

    /// An in-memory workspace, for tests.
    public init() throws {
        access = .write
        queue = try DatabaseQueue()
        try Workspace.migrator.migrate(queue)
    }

    static func configuration(readonly: Bool, waiting: (@Sendable () -> Void)?) -> Configuration {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.label = "taizhang"
        configuration.readonly = readonly
        let announced = Announced()
        let pause: UInt32 = 50_000  // µs
        let maxTries = Int(waitLimit * 1_000_000 / Double(pause))
        configuration.busyMode = .callback { tries in
            if tries == 0, announced.first() { waiting?() }
            guard tries < maxTries else { return false }
            usleep(pause)
            return true
        }
        if !readonly {
            // Write-ahead logging: a commit is one append (no rewrite of the database file), and a process killed
            // mid-transaction leaves the database as of the last commit. NORMAL synchronisation keeps it
            // consistent on power loss too, at the price of possibly losing the last commits (re-ingesting is
            // harmless).
            configuration.journalMode = .wal
            configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        }
        return configuration
    }

    private static func openForWriting(_ path: String, waiting: (@Sendable () -> Void)?) throws -> DatabaseQueue {
        let existed = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int).map { $0 > 0 } ?? false
        if existed {
            // Looked at through a read-only connection first: a workspace that is damaged, not a workspace, or
            // from a newer build is refused before a single byte of it is written.
            let inspector: DatabaseQueue
            do {
                inspector = try DatabaseQueue(path: path, configuration: configuration(readonly: true, waiting: waiting))
            } catch let error as DatabaseError where [.SQLITE_CORRUPT, .SQLITE_NOTADB].contains(error.resultCode.primaryResultCode) {
                throw WorkspaceError(.damaged, path: path, detail: [])
            }
            try inspector.read { db in
                let problems: [String]
                do {
                    problems = try String.fetchAll(db, sql: "PRAGMA quick_check(20)")
                } catch let error as DatabaseError where [.SQLITE_CORRUPT, .SQLITE_NOTADB].contains(error.resultCode.primaryResultCode) {
                    throw WorkspaceError(.damaged, path: path, detail: [])
                }
                if problems != ["ok"] { throw WorkspaceError(.damaged, path: path, detail: problems) }
                try checkVersion(db, path: path)
            }
            try inspector.close()
        }
        let queue = try DatabaseQueue(path: path, configuration: configuration(readonly: false, waiting: waiting))
        try migrate(queue)
        return queue
    }

    /// Applies the migrations this workspace lacks. Two processes opening a new workspace at once may both try
    /// the same migration (GRDB reads which are applied before it takes the write lock): the loser's attempt
    /// fails, and it tries again once the winner has moved on.
    private static func migrate(_ queue: DatabaseQueue) throws {
        var attempt = 0
        var busyWaits = 0
        while true {
            let before = try queue.read { db in try migrator.appliedIdentifiers(db) }
            do {
                try migrator.migrate(queue)
                return
            } catch let error as DatabaseError where [.SQLITE_BUSY, .SQLITE_LOCKED].contains(error.resultCode.primaryResultCode) {
                // Another process holds the write lock while it migrates: SQLite refuses the upgrade of a read to a
                // write at once (no busy wait, to avoid a deadlock). Wait for it, as long as any writer waits.
                busyWaits += 1
                guard Double(busyWaits) * 0.05 < waitLimit else { throw error }
                usleep(50_000)
            } catch {
                attempt += 1
                let after = try queue.read { db in try migrator.appliedIdentifiers(db) }
                guard after != before, attempt < 10 else { throw error }
            }
        }
    }

    private static func openForReading(_ path: String, waiting: (@Sendable () -> Void)?) throws -> DatabaseQueue {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw WorkspaceError(.missing, path: path)
        }
        let configuration = configuration(readonly: true, waiting: waiting)
        var queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
            try queue.read { db in _ = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sqlite_master") }
        } catch let error as DatabaseError where [.SQLITE_CANTOPEN, .SQLITE_READONLY].contains(error.resultCode.primaryResultCode)
            && !FileManager.default.fileExists(atPath: path + "-wal") {
            // A write-ahead-log workspace on a read-only folder or mount: SQLite cannot make its shared-memory
            // file. With no log beside it, the file alone holds every commit and is read as immutable.
            queue = try DatabaseQueue(path: "file:\(path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? path)?immutable=1",
                                      configuration: configuration)
        }
        let outdated = try queue.read { db -> Bool in
            try checkVersion(db, path: path)
            return try !migrator.hasCompletedMigrations(db)
        }
        guard outdated else { return queue }
        // Written by an earlier build: upgrade it once where that is allowed, then read it as usual.
        guard FileManager.default.isWritableFile(atPath: path) else {
            throw WorkspaceError(.outdatedReadOnly, path: path)
        }
        try queue.close()
        _ = try openForWriting(path, waiting: waiting)
        return try DatabaseQueue(path: path, configuration: configuration)
    }

    /// Refuses a file that is not a workspace, or one with migrations this build does not know.
    private static func checkVersion(_ db: Database, path: String) throws {
        let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
        guard tables.contains("grdb_migrations") else {
            if tables.isEmpty { return }  // a new, empty file
            throw WorkspaceError(.notWorkspace, path: path)
        }
        let unknown = try migrator.appliedIdentifiers(db).subtracting(migrator.migrations)
        if !unknown.isEmpty { throw WorkspaceError(.unknownVersion, path: path, detail: unknown.sorted()) }
    }

    /// Runs `body` in an IMMEDIATE transaction: the write lock is taken (waiting for other writers) before
    /// anything is read, so what the body reads is what it writes against.
    func writeImmediately<T>(_ body: (Database) throws -> T) throws -> T {
        try queue.writeWithoutTransaction { db in
            var result: T?
            try db.inTransaction(.immediate) {
                result = try body(db)
                return .commit
            }
            return result!
        }
    }

    // MARK: Recording

    /// The SHA-256 of some bytes, as lower-case hex.
    public static func sha256(_ data: Data) -> String {
        hex(SHA256.hash(data: data))
    }

    /// A digest as lower-case hex.
    static func hex(_ digest: SHA256.Digest) -> String {
        digest.map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// What makes a file "the same" as one received before: its bytes; for a file with no bytes at all (empty,
    /// or one that could not be read), its bytes and its name, so that each such file is recorded under its
    /// own name.
    public static func identity(of bytes: Data, fileName: String) -> String {
        let hash = sha256(bytes)
        return bytes.isEmpty ? hash + "/" + fileName : hash
    }

    /// The submission with this identity (``identity(of:fileName:)``), if it was received before.
    public func known(identity: String) throws -> SubmissionRecord? {
        try queue.read { db in
            try Row.fetchOne(db, sql: "SELECT \(Workspace.recordColumns) FROM submissions WHERE identity = ?",
                             arguments: [identity])
                .map(Workspace.record(from:))
        }
    }

    /// Records a file in one transaction. The same file twice (by ``Intake/identity``) is recorded once.
    ///
    /// For tests of crash safety only: when the environment variable `TAIZHANG_FAULT_ABORT_AFTER_ROWS`
    /// is set to N, the process aborts after writing N rows of a submission, inside the transaction
    /// (``RowWriter``).
    public func record(_ intake: Intake) throws -> IngestResult {
        let hash = Workspace.sha256(intake.bytes)
        let identity = intake.identity
        let received = Workspace.timestamp(intake.receivedAt)
        return try writeImmediately { db -> IngestResult in
            if let known = try Workspace.known(db, identity: identity) { return known }
            let encoder = Workspace.reportEncoder
            switch intake.outcome {
            case .refused(let error):
                let report = String(decoding: try encoder.encode(RefusalReport(error: error)), as: UTF8.self)
                let id = try Workspace.insertSubmission(db, sha256: hash, identity: identity, fileName: intake.fileName,
                                                        size: intake.bytes.count, received: received, state: .refused)
                try Workspace.insertContent(db, submission: id, bytes: intake.bytes)
                try Workspace.insertReport(db, submission: id, json: report)
                return .refused(id: id)
            case .checked(let checked):
                let document = checked.document
                let accepted = checked.report.isAccepted && document.unit != nil && document.period != nil
                let supersedes = accepted ? try Workspace.currentSubmission(
                    db, unit: document.unit?.id, form: document.form.id, period: document.period?.iso) : nil
                try db.execute(sql: """
                    INSERT INTO submissions (sha256, identity, file_name, size, received_at, received_date,
                        state, unit, form, form_version, period, recognition, error_count, warning_count,
                        header, supersedes, checked_against)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [
                        hash, identity, intake.fileName, intake.bytes.count, received.iso,
                        received.date.iso, accepted ? "accepted" : "rejected", document.unit?.id, document.form.id,
                        document.form.version, document.period?.iso, checked.recognition.rawValue,
                        checked.report.errorCount, checked.report.warningCount,
                        Value.json(document.header), supersedes, intake.checkedAgainst,
                    ])
                let id = db.lastInsertedRowID
                try Workspace.insertContent(db, submission: id, bytes: intake.bytes)
                try Workspace.insertReport(db, submission: id,
                                           json: String(decoding: try encoder.encode(checked.report), as: UTF8.self))
                let rows = RowWriter(db: db, submission: id)
                for table in document.form.tables {
                    for record in document.rows[table.id] ?? [] {
                        try rows.add(table, record: record)
                    }
                }
                try rows.flush()
                return accepted ? .accepted(id: id, supersedes: supersedes) : .rejected(id: id)
            }
        }
    }

    /// Enters a submission with no verdict yet to speak of (refused, or returned until its check is done): its
    /// identity, name, size and when it came. Returns its id.
    static func insertSubmission(_ db: Database, sha256: String, identity: String, fileName: String, size: Int,
                                 received: (iso: String, date: CivilDate), state: SubmissionState) throws -> Int64 {
        try db.execute(sql: """
            INSERT INTO submissions (sha256, identity, file_name, size, received_at, received_date, state)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """, arguments: [sha256, identity, fileName, size, received.iso, received.date.iso, state.rawValue])
        return db.lastInsertedRowID
    }

    /// Keeps the bytes of submission `id`.
    static func insertContent(_ db: Database, submission id: Int64, bytes: Data) throws {
        try db.execute(sql: "INSERT INTO contents (submission_id, content) VALUES (?, ?)", arguments: [id, bytes])
    }

    /// Keeps the report of submission `id` (a whole one, in memory; see ``ReportSpool`` for one too large).
    static func insertReport(_ db: Database, submission id: Int64, json: String) throws {
        try db.execute(sql: "INSERT OR REPLACE INTO reports (submission_id, report) VALUES (?, ?)", arguments: [id, json])
    }

    /// The columns of a submission's record (``record(from:)``): not its report or header, which may be large.
    static let recordColumns = """
        id, file_name, sha256, size, received_at, received_date, state, unit, form, form_version, period, error_count,
        warning_count, supersedes
        """

    /// Rows written by one INSERT statement.
    static let rowBatch = 64

    /// The INSERT of `count` rows.
    static func insertRows(_ count: Int) -> String {
        "INSERT INTO rows (submission_id, table_id, row_index, source_row, key, \"values\") VALUES "
            + Array(repeating: "(?, ?, ?, ?, ?, ?)", count: count).joined(separator: ", ")
    }

    static var reportEncoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
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
                ? try Row.fetchAll(db, sql: "SELECT \(Workspace.recordColumns) FROM submissions ORDER BY id")
                : try Row.fetchAll(db, sql: "SELECT \(Workspace.recordColumns) FROM submissions WHERE period = ? ORDER BY id",
                                   arguments: [period?.iso])
            return rows.map(Workspace.record(from:))
        }
    }

    /// A short text that changes whenever submissions are recorded or their verdicts change (by this process or
    /// another): what a cache of pages computed from the submissions is keyed by.
    public func changeStamp() throws -> String {
        try queue.read { db in
            let row = try Row.fetchOne(db, sql: """
                SELECT (SELECT COUNT(*) FROM submissions) AS n, (SELECT MAX(id) FROM submissions) AS last,
                       (SELECT COUNT(*) FROM verdict_history) AS history
                """)
            return "\(row?["n"] as Int? ?? 0)-\(row?["last"] as Int64? ?? 0)-\(row?["history"] as Int? ?? 0)"
        }
    }

    /// One submission's record.
    public func submission(id: Int64) throws -> SubmissionRecord? {
        try queue.read { db in
            try Row.fetchOne(db, sql: "SELECT \(Workspace.recordColumns) FROM submissions WHERE id = ?", arguments: [id])
                .map(Workspace.record(from:))
        }
    }

    /// The original bytes of a submission.
    public func content(of id: Int64) throws -> Data? {
        try queue.read { db in try Data.fetchOne(db, sql: "SELECT content FROM contents WHERE submission_id = ?", arguments: [id]) }
    }

    /// The stored validation report of a submission (JSON).
    public func reportJSON(of id: Int64) throws -> String? {
        try queue.read { db in try String.fetchOne(db, sql: "SELECT report FROM reports WHERE submission_id = ?", arguments: [id]) }
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
