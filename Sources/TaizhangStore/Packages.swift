import Foundation
import GRDB
import TaizhangCore

// Submission packages (报送包) in the store. A sound package a unit sent is a submission like any other file:
// kept whole in `submissions`, state accepted, with the unit and period, no form, `recognition = 'package'` and
// the manifest as its report. An unsound one is recorded as refused through ``Workspace/record(_:)``. The
// ledgers inside a package are recorded separately, as ordinary submissions.

extension Workspace {
    /// The path of the workspace file (`:memory:` for an in-memory workspace).
    public var path: String { queue.path }

    /// The id of the submission that counts now for a unit, form and period (accepted, not superseded).
    public func currentSubmissionID(unit: String, form: String, period: YearMonth) throws -> Int64? {
        try queue.read { db in
            try Int64.fetchOne(db, sql: """
                SELECT id FROM current_submissions WHERE unit = ? AND form = ? AND period = ? ORDER BY id DESC LIMIT 1
                """, arguments: [unit, form, period.iso])
        }
    }

    /// The number of the package `sender` is making for `period` whose contents are `fingerprint`: the number it
    /// was given when the same contents were packaged before, else one more than the last (from 1). Recorded in
    /// one IMMEDIATE transaction, so two clerks packaging at once get different numbers.
    public func packageSequence(sender: String, period: YearMonth, fingerprint: String, madeAt: Date) throws -> Int {
        try writeImmediately { db -> Int in
            if let known = try Int.fetchOne(db, sql: """
                SELECT sequence FROM sent_packages WHERE sender = ? AND period = ? AND fingerprint = ?
                """, arguments: [sender, period.iso, fingerprint]) {
                return known
            }
            let next = (try Int.fetchOne(db, sql: "SELECT MAX(sequence) FROM sent_packages WHERE sender = ? AND period = ?",
                                         arguments: [sender, period.iso]) ?? 0) + 1
            try db.execute(sql: """
                INSERT INTO sent_packages (sender, period, sequence, fingerprint, made_at) VALUES (?, ?, ?, ?, ?)
                """, arguments: [sender, period.iso, next, fingerprint, Workspace.timestamp(madeAt).iso])
            return next
        }
    }

    /// Why a package was not recorded: the one that counts now for its unit and period came later.
    public struct OlderPackage: Error, Sendable {
        /// The package that counts now.
        public var current: Int64
        /// Its file name.
        public var fileName: String
        /// Its manifest JSON.
        public var manifest: String
    }

    /// Records a sound package of `unit` for `period` (its bytes whole; `manifest` is its manifest JSON).
    /// The same bytes twice are recorded once. `isNewer` is asked, inside the same transaction, whether the
    /// package comes after the one that counts now (given that one's manifest JSON); when it says no, nothing is
    /// recorded and ``OlderPackage`` is thrown (two clerks ingesting two versions at once cannot both win).
    public func recordPackage(fileName: String, bytes: Data, receivedAt: Date, unit: String, period: YearMonth,
                              manifest: String, isNewer: (String) -> Bool = { _ in true }) throws -> IngestResult {
        let hash = Workspace.sha256(bytes)
        let identity = Workspace.identity(of: bytes, fileName: fileName)
        let received = Workspace.timestamp(receivedAt)
        return try writeImmediately { db -> IngestResult in
            if let row = try Row.fetchOne(db, sql: "SELECT id, state FROM submissions WHERE identity = ?", arguments: [identity]) {
                return .alreadyKnown(id: row["id"], state: SubmissionState(rawValue: row["state"]) ?? .refused)
            }
            let current = try Row.fetchOne(db, sql: """
                SELECT s.id, s.file_name, r.report FROM current_submissions s JOIN reports r ON r.submission_id = s.id
                WHERE s.recognition = 'package' AND s.unit = ? AND s.period = ?
                ORDER BY s.id DESC LIMIT 1
                """, arguments: [unit, period.iso])
            if let current, !isNewer(current["report"]) {
                throw OlderPackage(current: current["id"], fileName: current["file_name"], manifest: current["report"])
            }
            let previous: Int64? = current?["id"]
            try db.execute(sql: """
                INSERT INTO submissions (sha256, identity, file_name, size, received_at, received_date, state,
                    unit, period, recognition, supersedes)
                VALUES (?, ?, ?, ?, ?, ?, 'accepted', ?, ?, 'package', ?)
                """, arguments: [hash, identity, fileName, bytes.count, received.iso, received.date.iso, unit, period.iso,
                                 previous])
            let id = db.lastInsertedRowID
            try Workspace.insertContent(db, submission: id, bytes: bytes)
            try Workspace.insertReport(db, submission: id, json: manifest)
            return .accepted(id: id, supersedes: previous)
        }
    }

    /// The packages that count now for `period`: the latest sound package of each unit, by unit id.
    public func currentPackages(period: YearMonth) throws -> [SubmissionRecord] {
        try queue.read { db in
            try Row.fetchAll(db, sql: """
                SELECT \(Workspace.recordColumns) FROM current_submissions WHERE recognition = 'package' AND period = ?
                ORDER BY unit, id
                """, arguments: [period.iso]).map(Workspace.record(from:))
        }
    }
}
