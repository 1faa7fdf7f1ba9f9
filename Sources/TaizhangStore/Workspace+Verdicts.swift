import Foundation
import GRDB
import TaizhangCore

/// The referenced ledgers of one unit as the workspace holds them now: their keys, and which submissions they
/// came from.
public struct References: Sendable {
    /// The keys other forms may refer to.
    public var index: ReferenceIndex
    /// The ids of the submissions the keys came from, sorted, comma-separated (`""` when there are none): a
    /// verdict reached against one basis is checked again when the basis changes.
    public var basis: String
}

/// A verdict that may no longer hold: the ledgers it referred to changed since it was reached.
public struct StaleVerdict: Sendable, Equatable {
    /// The submission.
    public var submission: SubmissionRecord
    /// The basis of the references as they are now.
    public var basis: String
}

/// A submission's verdict reached again against the workspace's current contents.
public struct Reverdict: Sendable, Equatable {
    /// The submission, as it is after the new verdict.
    public var submission: SubmissionRecord
    /// Its state before.
    public var previous: SubmissionState
    /// Whether anything a person sees changed (state or counts); otherwise only the basis was brought up to date.
    public var changed: Bool
}

extension Workspace {
    /// The keys of every current ledger of `unit` that other forms refer to (the self-check ledger's 问题编号,
    /// all periods together: the ledger grows month by month), with the basis they came from.
    public func references(unit: String, formSet: FormSet) throws -> References {
        try queue.read { db in try Workspace.references(db, unit: unit, formSet: formSet) }
    }

    /// The keys of every current referenced ledger of `unit` (see ``references(unit:formSet:)``).
    public func referenceIndex(unit: String, formSet: FormSet) throws -> ReferenceIndex {
        try references(unit: unit, formSet: formSet).index
    }

    /// The current submissions of `unit`'s referenced ledgers, by form (a form with none is absent), and the
    /// basis they make: what a verdict is reached against, read without the rows.
    static func basis(_ db: Database, unit: String, formSet: FormSet) throws -> (ids: [String: [Int64]], text: String) {
        var ids: [String: [Int64]] = [:]
        for form in formSet.referencedForms {
            let found = try Int64.fetchAll(db, sql: """
                SELECT id FROM current_submissions WHERE unit = ? AND form = ?
                """, arguments: [unit, form])
            if !found.isEmpty { ids[form] = found }
        }
        return (ids, Set(ids.values.joined()).sorted().map(String.init).joined(separator: ","))
    }

    static func references(_ db: Database, unit: String, formSet: FormSet) throws -> References {
        var index = ReferenceIndex()
        let basis = try Workspace.basis(db, unit: unit, formSet: formSet)
        for target in formSet.referenceTargets {
            // No ledger at all is "not known yet" (checked when it comes), not "known to be empty".
            guard basis.ids[target.form] != nil else { continue }
            // Every period's ledger, oldest first: a later period's row of the same problem replaces an earlier.
            var keys = Set<String>()
            let decoder = JSONDecoder()
            for row in try Row.fetchAll(db, sql: """
                SELECT r.key, r."values" FROM current_submissions s JOIN rows r ON r.submission_id = s.id
                WHERE s.unit = ? AND s.form = ? AND r.key IS NOT NULL ORDER BY s.period, r.row_index
                """, arguments: [unit, target.form]) {
                let key: String = row["key"]
                keys.insert(key)
                if let values = try? decoder.decode([String: Value].self, from: Data((row["values"] as String).utf8)) {
                    index.addRow(form: target.form, key: key, values: values)
                }
            }
            index.add(form: target.form, field: target.field, keys: keys)
        }
        return References(index: index, basis: basis.text)
    }

    /// The checked submissions (accepted or returned) of forms that refer to others, whose verdict was reached
    /// against other referenced ledgers than the unit's current ones. Oldest first.
    public func staleVerdicts(formSet: FormSet) throws -> [StaleVerdict] {
        let referring = formSet.referringForms
        guard !referring.isEmpty else { return [] }
        return try queue.read { db in
            var bases: [String: String] = [:]
            var stale: [StaleVerdict] = []
            let marks = Array(repeating: "?", count: referring.count).joined(separator: ",")
            for row in try Row.fetchAll(db, sql: """
                SELECT \(Workspace.recordColumns), checked_against FROM submissions
                WHERE state IN ('accepted', 'rejected') AND unit IS NOT NULL AND form IN (\(marks))
                ORDER BY id
                """, arguments: StatementArguments(referring.sorted())) {
                let unit: String = row["unit"]
                let basis = try bases[unit] ?? Workspace.basis(db, unit: unit, formSet: formSet).text
                bases[unit] = basis
                if (row["checked_against"] as String?) != basis {
                    stale.append(StaleVerdict(submission: Workspace.record(from: row), basis: basis))
                }
            }
            return stale
        }
    }

    /// Records the verdict reached again on submission `id` against the references of `basis`, in one
    /// transaction: the earlier verdict goes to the history, the state, counts and report are replaced, and the
    /// supersession chain of the submission's unit, form and period is drawn again. Returns `nil` when the
    /// references changed again meanwhile (another process took in a ledger): check it again.
    ///
    /// The report is reached inside the transaction by `check`, which hands every finding to the spool (a large
    /// file's are not held in memory) and returns the report (capped or not) with the whole file's counts; `check`
    /// returns `nil` when the file cannot be checked now, and the verdict is left as it is. Returns the result and
    /// the report `check` returned.
    public func reverdict(id: Int64, basis: String, formSet: FormSet, at date: Date,
                          check: (ReportSpool) throws -> ValidationReport?) throws
        -> (result: Reverdict, report: ValidationReport)? {
        let when = Workspace.timestamp(date).iso
        return try writeImmediately { db -> (Reverdict, ValidationReport)? in
            let select = "SELECT \(Workspace.recordColumns) FROM submissions WHERE id = ?"
            guard let row = try Row.fetchOne(db, sql: select, arguments: [id]) else {
                return nil
            }
            let before = Workspace.record(from: row)
            guard let unit = before.unit, let form = before.form,
                  try Workspace.basis(db, unit: unit, formSet: formSet).text == basis else { return nil }
            let spool = try ReportSpool(db: db)
            defer { spool.discard() }
            guard let report = try check(spool) else { return nil }
            let state: SubmissionState = report.isAccepted && before.period != nil ? .accepted : .rejected
            let changed = state != before.state || report.errorCount != before.errorCount
                || report.warningCount != before.warningCount
            if changed {
                try db.execute(sql: """
                    INSERT INTO verdict_history (submission_id, replaced_at, state, error_count, warning_count, report,
                        checked_against, supersedes)
                    SELECT s.id, ?, s.state, s.error_count, s.warning_count, COALESCE(r.report, ''), s.checked_against,
                        s.supersedes
                    FROM submissions s LEFT JOIN reports r ON r.submission_id = s.id WHERE s.id = ?
                    """, arguments: [when, id])
                try db.execute(sql: """
                    UPDATE submissions SET state = ?, error_count = ?, warning_count = ?, checked_against = ?
                    WHERE id = ?
                    """, arguments: [state.rawValue, report.errorCount, report.warningCount, basis, id])
                try spool.write(frame: report.frame, submission: id)
                if state != before.state, let period = before.period {
                    try Workspace.redrawChain(db, unit: unit, form: form, period: period)
                }
            } else {
                try db.execute(sql: "UPDATE submissions SET checked_against = ? WHERE id = ?", arguments: [basis, id])
            }
            let after = try Row.fetchOne(db, sql: select, arguments: [id])
                .map(Workspace.record(from:)) ?? before
            return (Reverdict(submission: after, previous: before.state, changed: changed), report)
        }
    }

    /// Each accepted submission of a unit, form and period supersedes the accepted one before it; a returned
    /// one supersedes none.
    static func redrawChain(_ db: Database, unit: String, form: String, period: YearMonth) throws {
        var previous: Int64?
        for row in try Row.fetchAll(db, sql: """
            SELECT id, state FROM submissions WHERE unit = ? AND form = ? AND period = ? ORDER BY id
            """, arguments: [unit, form, period.iso]) {
            let id: Int64 = row["id"]
            if (row["state"] as String) == SubmissionState.accepted.rawValue {
                try db.execute(sql: "UPDATE submissions SET supersedes = ? WHERE id = ?", arguments: [previous, id])
                previous = id
            } else {
                try db.execute(sql: "UPDATE submissions SET supersedes = NULL WHERE id = ?", arguments: [id])
            }
        }
    }

    /// The earlier verdicts of a submission, oldest first (state, error count, when it was replaced).
    public func verdictHistory(of id: Int64) throws -> [(state: SubmissionState, errors: Int, replacedAt: String)] {
        try queue.read { db in
            try Row.fetchAll(db, sql: """
                SELECT state, error_count, replaced_at FROM verdict_history WHERE submission_id = ? ORDER BY id
                """, arguments: [id]).map {
                (SubmissionState(rawValue: $0["state"]) ?? .refused, $0["error_count"], $0["replaced_at"])
            }
        }
    }
}
