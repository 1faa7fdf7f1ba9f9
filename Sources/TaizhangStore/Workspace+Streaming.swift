import Crypto
import Foundation
import GRDB
import GRDBSQLite
import TaizhangCore

/// A file too large to hold in memory, as the workspace keeps it: its size and SHA-256, read in pieces; its bytes
/// are copied into the store in pieces when it is recorded, and checked against the hash again as they are.
public struct ContentFile: Sendable {
    /// Where the file is.
    public let path: String
    /// Its size and SHA-256 (lower-case hex) when it was hashed.
    public let size: Int
    public let sha256: String

    /// Reads `path` once, in pieces, for its size and hash. Throws ``ContentFile/Unreadable`` when it cannot be read.
    public init(path: String) throws {
        self.path = path
        var hasher = SHA256()
        var size = 0
        try ContentFile.pieces(of: path) { piece in
            hasher.update(data: piece)
            size += piece.count
        }
        self.size = size
        sha256 = Workspace.hex(hasher.finalize())
    }

    /// What makes the file "the same" as one received before (``Workspace/identity(of:fileName:)``).
    public func identity(fileName: String) -> String { size == 0 ? sha256 + "/" + fileName : sha256 }

    /// Why a file could not be read, or why its bytes are not those hashed (it changed meanwhile).
    public struct Unreadable: Error, Sendable {
        /// `errno` of the read that failed; `nil` when the file changed since it was hashed.
        public let errno: Int32?
    }

    /// Hands the bytes of `path` to `body` in pieces of up to 1 MiB.
    static func pieces(of path: String, _ body: (Data) throws -> Void) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw Unreadable(errno: errno) }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw Unreadable(errno: errno)
            }
            if n == 0 { return }
            try body(Data(buffer[0..<n]))
        }
    }

    /// Keeps the file as the bytes of submission `id`, copied in piece by piece (into a zeroblob: the bytes are
    /// never whole in memory); throws ``Unreadable`` when they are not those hashed.
    func copy(into db: Database, submission id: Int64) throws {
        try db.execute(sql: "INSERT INTO contents (submission_id, content) VALUES (?, zeroblob(?))", arguments: [id, size])
        let blob = try IncrementalBlob(db, table: "contents", column: "content", row: id)
        var hasher = SHA256()
        var offset = 0
        try ContentFile.pieces(of: path) { piece in
            guard offset + piece.count <= size else { throw Unreadable(errno: nil) }
            hasher.update(data: piece)
            try blob.write(piece, at: offset)
            offset += piece.count
        }
        guard offset == size, Workspace.hex(hasher.finalize()) == sha256 else { throw Unreadable(errno: nil) }
    }
}

/// A value in the store written in place, piece by piece (SQLite's incremental BLOB I/O), so that a large value
/// is never whole in memory. Its row must already hold a zeroblob of the final size.
final class IncrementalBlob {
    private var handle: OpaquePointer?

    init(_ db: Database, table: String, column: String, row: Int64) throws {
        guard sqlite3_blob_open(db.sqliteConnection, "main", table, column, row, 1, &handle) == SQLITE_OK, handle != nil else {
            throw DatabaseError(resultCode: ResultCode(rawValue: sqlite3_errcode(db.sqliteConnection)),
                                message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
        }
    }

    deinit { sqlite3_blob_close(handle) }

    func write(_ bytes: Data, at offset: Int) throws {
        guard offset + bytes.count < Int(Int32.max) else { throw DatabaseError(resultCode: .SQLITE_TOOBIG) }
        let code = bytes.withUnsafeBytes { sqlite3_blob_write(handle, $0.baseAddress, Int32($0.count), Int32(offset)) }
        guard code == SQLITE_OK else { throw DatabaseError(resultCode: ResultCode(rawValue: code)) }
    }
}

extension Workspace {
    /// Records a file in one transaction while it is checked, for a file too large to hold checked in memory.
    ///
    /// The submission is entered first; `check` is then given a ``StreamedSubmission`` and writes each valid row
    /// to it as it is validated (the rows go to the store in batches) and every finding (kept in a temporary
    /// table of SQLite's, on disk when it is large, not in memory). What `check` returns — the document without
    /// rows and the report, capped or not, with the whole file's counts — gives the verdict, the counts and the
    /// header, written at the end with the whole report (written into the store in pieces when it is large).
    ///
    /// All of it is one transaction: a throw from `check` or a crash leaves the workspace as it was. The same file
    /// twice (by identity, ``Intake/identity``) is recorded once, and `check` is then not called.
    public func recordStreaming(fileName: String, content: ContentFile, receivedAt: Date, checkedAgainst: String? = nil,
                                check: (StreamedSubmission) throws -> CheckedLedger) throws -> IngestResult {
        let received = Workspace.timestamp(receivedAt)
        return try writeImmediately { db -> IngestResult in
            if let known = try Workspace.known(db, identity: content.identity(fileName: fileName)) { return known }
            // Entered as returned, without a report, until the check is done (nothing outside this transaction
            // sees it so), its bytes copied in from the file.
            let id = try Workspace.insertSubmission(db, sha256: content.sha256, identity: content.identity(fileName: fileName),
                                                    fileName: fileName, size: content.size, received: received,
                                                    state: .rejected)
            try content.copy(into: db, submission: id)
            let submission = try StreamedSubmission(db: db, id: id)
            defer { submission.findings.discard() }
            let checked = try check(submission)
            try submission.rows.flush()

            let document = checked.document
            let accepted = checked.report.isAccepted && document.unit != nil && document.period != nil
            let supersedes = accepted ? try Workspace.currentSubmission(db, unit: document.unit?.id, form: document.form.id,
                                                             period: document.period?.iso) : nil
            try db.execute(sql: """
                UPDATE submissions SET state = ?, unit = ?, form = ?, form_version = ?, period = ?, recognition = ?,
                    error_count = ?, warning_count = ?, header = ?, supersedes = ?, checked_against = ?
                WHERE id = ?
                """, arguments: [
                    accepted ? "accepted" : "rejected", document.unit?.id, document.form.id, document.form.version,
                    document.period?.iso, checked.recognition.rawValue, checked.report.errorCount,
                    checked.report.warningCount, Value.json(document.header), supersedes, checkedAgainst, id,
                ])
            try submission.findings.write(frame: checked.report.frame, submission: id)
            return accepted ? .accepted(id: id, supersedes: supersedes) : .rejected(id: id)
        }
    }

    /// Records a file too large to hold that could not be read as a ledger, refused with `error`, its bytes
    /// copied in from the file. The same file twice is recorded once.
    public func recordRefused(fileName: String, content: ContentFile, receivedAt: Date,
                              error: ImportError) throws -> IngestResult {
        let received = Workspace.timestamp(receivedAt)
        let report = String(decoding: try Workspace.reportEncoder.encode(RefusalReport(error: error)), as: UTF8.self)
        return try writeImmediately { db -> IngestResult in
            if let known = try Workspace.known(db, identity: content.identity(fileName: fileName)) { return known }
            let id = try Workspace.insertSubmission(db, sha256: content.sha256, identity: content.identity(fileName: fileName),
                                                    fileName: fileName, size: content.size, received: received,
                                                    state: .refused)
            try content.copy(into: db, submission: id)
            try Workspace.insertReport(db, submission: id, json: report)
            return .refused(id: id)
        }
    }

    /// What recording a file with this identity gives when the workspace holds it already.
    static func known(_ db: Database, identity: String) throws -> IngestResult? {
        try Row.fetchOne(db, sql: "SELECT id, state FROM submissions WHERE identity = ?", arguments: [identity]).map {
            .alreadyKnown(id: $0["id"], state: SubmissionState(rawValue: $0["state"]) ?? .refused)
        }
    }

    /// The accepted submission a new accepted one for the same unit, form and period supersedes.
    static func currentSubmission(_ db: Database, unit: String?, form: String, period: String?) throws -> Int64? {
        try Int64.fetchOne(db, sql: """
            SELECT id FROM current_submissions WHERE unit = ? AND form = ? AND period = ?
            ORDER BY id DESC LIMIT 1
            """, arguments: [unit, form, period])
    }
}

/// A submission being recorded while it is checked (``Workspace/recordStreaming(fileName:bytes:receivedAt:checkedAgainst:check:)``):
/// where its rows and findings go. Used only inside that call, on its thread.
public final class StreamedSubmission {
    let rows: RowWriter
    /// Where its findings go, every one, until the report is written.
    public let findings: ReportSpool
    private var tables: [String: FormTable] = [:]

    init(db: Database, id: Int64) throws {
        rows = RowWriter(db: db, submission: id)
        findings = try ReportSpool(db: db)
    }

    /// Which form the rows are of: called once, before the first row.
    public func begin(_ document: LedgerDocument) {
        for table in document.form.tables { tables[table.id] = table }
    }

    /// A valid row of `table` (by id), in file order.
    public func row(table: String, record: TaizhangCore.Record) throws {
        guard let table = tables[table] else {
            throw DatabaseError(resultCode: .SQLITE_MISUSE, message: "a row of table \(table) before its form")
        }
        try rows.add(table, record: record)
    }
}

/// The findings of a report too large to hold, kept (inside the transaction that stores the report) in a temporary
/// table of SQLite's — on disk when it is large, not in memory — until the report is written with them. Used only
/// inside a transaction of the workspace, on its thread.
public final class ReportSpool {
    let db: Database
    private let encoder = Workspace.reportEncoder
    /// The file's own findings (the reader's and the header's): few, and first in the report.
    private var leading: [Data] = []
    /// The rows' findings written to the spool, and their JSON's length.
    private var spooled = 0
    private var spooledBytes = 0

    /// The temporary table findings wait in until the report is written.
    private static let table = "temp.taizhang_finding_spool"

    init(db: Database) throws {
        self.db = db
        try db.execute(sql: "CREATE TEMP TABLE IF NOT EXISTS taizhang_finding_spool (seq INTEGER PRIMARY KEY, json BLOB NOT NULL)")
        try db.execute(sql: "DELETE FROM \(ReportSpool.table)")
    }

    /// A row's findings, every one, as they are made.
    public func rowFindings(_ findings: [Finding]) throws {
        let statement = try db.cachedStatement(sql: "INSERT INTO \(ReportSpool.table) (json) VALUES (?)")
        for finding in findings {
            let json = try encoder.encode(finding)
            try statement.execute(arguments: [json])
            spooled += 1
            spooledBytes += json.count
        }
    }

    /// The file's own findings (the reader's and the header's), which come before the rows' in the report.
    public func fileFindings(_ findings: [Finding]) throws {
        leading += try findings.map { try encoder.encode($0) }
    }

    /// Writes the whole report of submission `id`: `frame` (``ValidationReport/frame``) with the findings kept,
    /// byte for byte what encoding the whole report would give. A large one is written into the store in pieces.
    func write(frame: ValidationReport, submission id: Int64) throws {
        let encoded = try encoder.encode(frame)
        let marker = Data(#""findings":[]"#.utf8)
        guard let at = encoded.range(of: marker) else {
            throw DatabaseError(resultCode: .SQLITE_INTERNAL, message: "a report without its findings")
        }
        let head = encoded[..<(at.lowerBound + marker.count - 1)]
        let tail = encoded[(at.upperBound - 1)...]
        let count = leading.count + spooled
        let length = head.count + tail.count + leading.reduce(0) { $0 + $1.count } + spooledBytes + max(0, count - 1)

        // Hands the report's bytes to `write`, in order, in pieces.
        func pieces(_ write: (Data) throws -> Void) throws {
            try write(Data(head))
            var first = true
            for json in leading {
                if !first { try write(Data(",".utf8)) }
                first = false
                try write(json)
            }
            let cursor = try Data.fetchCursor(db, sql: "SELECT json FROM \(ReportSpool.table) ORDER BY seq")
            while let json = try cursor.next() {
                if !first { try write(Data(",".utf8)) }
                first = false
                try write(json)
            }
            try write(Data(tail))
        }

        if length <= ReportSpool.reportInOnePiece {
            var whole = Data(capacity: length)
            try pieces { whole.append($0) }
            try Workspace.insertReport(db, submission: id, json: String(decoding: whole, as: UTF8.self))
            return
        }
        // Too large to hold: room is made for it, then it is written in place, piece by piece.
        guard length < Int(Int32.max) else { throw DatabaseError(resultCode: .SQLITE_TOOBIG) }
        try db.execute(sql: "INSERT OR REPLACE INTO reports (submission_id, report) VALUES (?, zeroblob(?))",
                       arguments: [id, length])
        let blob = try IncrementalBlob(db, table: "reports", column: "report", row: id)
        var offset = 0
        var pending = Data()
        func flush() throws {
            guard !pending.isEmpty else { return }
            try blob.write(pending, at: offset)
            offset += pending.count
            pending.removeAll(keepingCapacity: true)
        }
        try pieces { piece in
            pending.append(piece)
            if pending.count >= 256 << 10 { try flush() }
        }
        try flush()
    }

    /// Reports up to this length are written as one text, as ``Workspace/record(_:)`` writes them.
    static let reportInOnePiece = 1 << 20

    /// Forgets every finding handed on so far, for a check started again.
    public func reset() throws {
        leading = []
        (spooled, spooledBytes) = (0, 0)
        try db.execute(sql: "DELETE FROM \(ReportSpool.table)")
    }

    /// Empties the spool (its table stays, empty, for the connection's next report).
    func discard() {
        try? reset()
    }
}

/// The rows of one submission, written in batches of ``Workspace/rowBatch`` to an INSERT statement (fewer
/// statements to prepare and step than one a row), each table's rows numbered from 0 in the order given.
final class RowWriter {
    let db: Database
    let submission: Int64
    private var batch: [DatabaseValue] = []
    private var next: [String: Int] = [:]
    private(set) var written = 0
    /// For tests of crash safety only: when the environment variable `TAIZHANG_FAULT_ABORT_AFTER_ROWS` is set to
    /// N, the process aborts after writing N rows of a submission, inside its transaction.
    private let faultAfterRows = ProcessInfo.processInfo.environment["TAIZHANG_FAULT_ABORT_AFTER_ROWS"].flatMap { Int($0) }

    init(db: Database, submission: Int64) {
        self.db = db
        self.submission = submission
        batch.reserveCapacity(Workspace.rowBatch * 6)
    }

    /// The next row of `table`; its key is its value in the table's key column.
    func add(_ table: FormTable, record: TaizhangCore.Record) throws {
        let index = next[table.id, default: 0]
        next[table.id] = index + 1
        let key = table.key.flatMap { record[$0]?.displayText }
        batch += [submission.databaseValue, table.id.databaseValue, index.databaseValue,
                  record.source?.row?.databaseValue ?? .null, key?.databaseValue ?? .null,
                  Value.json(record.values).databaseValue]
        // (A crash test's abort comes after exactly its number of rows.)
        if batch.count == Workspace.rowBatch * 6 || faultAfterRows == written + batch.count / 6 { try flush() }
    }

    func flush() throws {
        guard !batch.isEmpty else { return }
        try db.cachedStatement(sql: Workspace.insertRows(batch.count / 6)).execute(arguments: StatementArguments(batch))
        written += batch.count / 6
        batch.removeAll(keepingCapacity: true)
        if let faultAfterRows, written >= faultAfterRows { abort() }
    }
}
