import TaizhangCore
import TaizhangStore

/// Where the campaign stands on a day: who has submitted what (on time, late, returned, missing),
/// which rectifications are overdue, the counts by 问题类型 / 执法类别 / 整改状态, and the six "一批" results.
/// Computed from the workspace and the calendar; every figure can be traced to stored submissions.
public struct CampaignStatus: Sendable {
    /// How a unit stands with one obligation.
    public enum SubmissionStanding: String, Sendable, Codable, CaseIterable {
        case onTime = "on-time"
        case late
        case returned
        case missing
        case notDue = "not-due"

        /// The Chinese label.
        public var label: String {
            switch self {
            case .onTime: return "按时报送"
            case .late: return "逾期报送"
            case .returned: return "退回待改"
            case .missing: return "逾期未报"
            case .notDue: return "未到期"
            }
        }
    }

    /// One unit's obligation for one form and period.
    public struct ObligationStatus: Sendable, Codable, Equatable {
        public var unit: String
        public var form: String
        public var period: YearMonth
        public var due: CivilDate
        public var standing: SubmissionStanding
        /// The day the first accepted version arrived.
        public var received: CivilDate?
        /// Accepted versions (corrections) received.
        public var versions: Int
        /// Days late (received or, when missing, as of the day).
        public var daysLate: Int
    }

    /// A rectification whose deadline has passed and that is not done.
    public struct OverdueRectification: Sendable, Codable, Equatable {
        public var unit: String
        public var problemID: String
        public var description: String
        public var deadline: CivilDate
        public var status: String
        public var responsible: String
        public var daysOverdue: Int
        /// The period of the ledger it was read from.
        public var period: YearMonth
    }

    /// A count by value of a choice field.
    public struct Tally: Sendable, Codable, Equatable {
        public var title: String
        public var counts: [Count]
        public struct Count: Sendable, Codable, Equatable {
            public var value: String
            public var count: Int
        }
    }

    /// A result figure summed over units.
    public struct Figure: Sendable, Codable, Equatable {
        public var label: String
        public var total: Int
        public var byUnit: [String: Int]
    }

    public var asOf: CivilDate
    public var period: YearMonth?
    public var obligations: [ObligationStatus]
    public var overdue: [OverdueRectification]
    public var tallies: [Tally]
    public var results: [Figure]
    /// The period's reports whose figures do not reconcile with the units' ledgers or earlier reports (filled in
    /// by ``Workflow/status(workspace:period:asOf:)``).
    public var unreconciled: [UnreconciledReport] = []
    /// The problems of the units' self-check ledgers, counted by unit id (for the board's chart).
    public var problemsByUnit: [String: Int] = [:]

    /// Computes the status on `asOf`, for one period's obligations or for all that are due by then.
    public static func compute(workspace: Workspace, formSet: FormSet, asOf: CivilDate,
                               period: YearMonth? = nil) throws -> CampaignStatus {
        let first = try workspace.firstAccepted()
        let rejected = try workspace.rejectedSlots()
        var obligations: [ObligationStatus] = []
        for unit in formSet.units {
            for obligation in formSet.campaign.obligations where obligation.unitKinds.contains(unit.kind) {
                for deadline in obligation.deadlines {
                    if let period, deadline.period != period { continue }
                    if period == nil && deadline.period > asOf.yearMonth { continue }
                    let slot = SlotKey(unit: unit.id, form: obligation.form, period: deadline.period)
                    var status = ObligationStatus(unit: unit.id, form: obligation.form, period: deadline.period,
                                                  due: deadline.due, standing: .notDue, received: nil, versions: 0,
                                                  daysLate: 0)
                    if let got = first[slot] {
                        status.received = got.received
                        status.versions = got.versions
                        status.daysLate = max(0, deadline.due.days(until: got.received))
                        status.standing = status.daysLate > 0 ? .late : .onTime
                    } else if rejected.contains(slot) {
                        status.standing = .returned
                        status.daysLate = max(0, deadline.due.days(until: asOf))
                    } else if deadline.due < asOf {
                        status.standing = .missing
                        status.daysLate = deadline.due.days(until: asOf)
                    }
                    obligations.append(status)
                }
            }
        }

        var overdue: [OverdueRectification] = []
        var tallies: [Tally] = []
        var results: [Figure] = []
        // The latest rectification ledger of each unit.
        if let form = formSet.forms.first(where: { $0.tables.first?.column(role: "status") != nil }),
           let table = form.tables.first {
            let latest = latestPerUnit(try workspace.currentDocuments(form: form, formSet: formSet), upTo: asOf.yearMonth)
            let status = table.column(role: "status")
            let deadline = table.column(role: "deadline")
            let done = status?.list.flatMap(formSet.list)?.values(tagged: "done") ?? []
            var statusCounts: [String: Int] = [:]
            for document in latest {
                for record in document.rows[table.id] ?? [] {
                    let state = status.flatMap { record[$0.key]?.displayText } ?? ""
                    statusCounts[state, default: 0] += 1
                    guard let deadlineField = deadline, let due = record[deadlineField.key]?.date, due < asOf,
                          !done.contains(state) else { continue }
                    overdue.append(OverdueRectification(
                        unit: document.unit?.id ?? "",
                        problemID: table.key.flatMap { record[$0]?.displayText } ?? "",
                        description: record["description"]?.displayText ?? "",
                        deadline: due, status: state,
                        responsible: table.column(role: "responsible-unit").flatMap { record[$0.key]?.displayText } ?? "",
                        daysOverdue: due.days(until: asOf), period: document.period ?? asOf.yearMonth))
                }
            }
            if let status, let list = status.list.flatMap(formSet.list) {
                tallies.append(tally(status.label, order: list.allItems.map(\.value), counts: statusCounts))
            }
        }
        overdue.sort { ($0.daysOverdue, $1.unit) > ($1.daysOverdue, $0.unit) }

        // The problems of the self-check ledgers (all periods; a later period's row wins).
        var problemsByUnit: [String: Int] = [:]
        if let (table, problems) = try self.problems(workspace: workspace, formSet: formSet, upTo: asOf.yearMonth) {
            for problem in problems { problemsByUnit[problem.unit, default: 0] += 1 }
            for role in ["problem-type", "category", "source"] {
                guard let field = table.column(role: role), let list = field.list.flatMap(formSet.list) else { continue }
                var counts: [String: Int] = [:]
                for problem in problems { counts[problem.record[field.key]?.displayText ?? "", default: 0] += 1 }
                tallies.append(tally(field.label, order: list.allItems.map(\.value), counts: counts))
            }
        }

        // The six results, from each unit's latest progress report.
        if let form = formSet.form(withHeaderRole: "result-total") {
            let latest = latestPerUnit(try workspace.currentDocuments(form: form, formSet: formSet), upTo: asOf.yearMonth)
            let fields = form.headerFields(role: "result-total") + form.headerFields(role: "accountability-count")
                + form.headerFields(role: "exemption-count")
            for field in fields {
                var byUnit: [String: Int] = [:]
                for document in latest {
                    if case .integer(let n)? = document.header[field.key] { byUnit[document.unit?.id ?? "", default: 0] += n }
                }
                results.append(Figure(label: resultLabel(field.label), total: byUnit.values.reduce(0, +), byUnit: byUnit))
            }
        }
        return CampaignStatus(asOf: asOf, period: period, obligations: obligations, overdue: overdue,
                              tallies: tallies, results: results, problemsByUnit: problemsByUnit)
    }

    /// The problems the units' self-check ledgers (the form whose table has a `problem-type` column) hold up to
    /// `month`: every period's rows, a later period's row of a problem replacing an earlier one. With the table
    /// they are rows of; `nil` when the form set has no such ledger.
    static func problems(workspace: Workspace, formSet: FormSet, upTo month: YearMonth) throws
        -> (table: FormTable, problems: [(unit: String, record: TaizhangCore.Record)])? {
        guard let form = formSet.forms.first(where: { $0.tables.first?.column(role: "problem-type") != nil }),
              let table = form.tables.first, let keyField = table.key else { return nil }
        var byKey: [String: (unit: String, record: TaizhangCore.Record)] = [:]
        // Documents come ordered by unit and period, so a later period's row is met last.
        for document in try workspace.currentDocuments(form: form, formSet: formSet) where (document.period ?? month) <= month {
            let unit = document.unit?.id ?? ""
            for record in document.rows[table.id] ?? [] {
                guard let key = record[keyField]?.displayText else { continue }
                byKey["\(unit)/\(key)"] = (unit, record)
            }
        }
        return (table, byKey.keys.sorted().map { byKey[$0]! })
    }

    /// 解决突出问题（累计，个） → 解决突出问题（个）.
    static func resultLabel(_ label: String) -> String {
        label.replacingOccurrences(of: "累计，", with: "").replacingOccurrences(of: "（累计）", with: "")
    }

    static func tally(_ title: String, order: [String], counts: [String: Int]) -> Tally {
        var items = order.map { Tally.Count(value: $0, count: counts[$0] ?? 0) }
        for (value, count) in counts where !order.contains(value) {
            items.append(Tally.Count(value: value.isEmpty ? "（未填）" : value, count: count))
        }
        return Tally(title: title, counts: items)
    }

    /// Each unit's document with the latest period up to `month`, in the official order of the units file.
    public static func latestPerUnit(_ documents: [LedgerDocument], upTo month: YearMonth) -> [LedgerDocument] {
        var latest: [String: LedgerDocument] = [:]
        for document in documents {
            guard let unit = document.unit?.id, let period = document.period, period <= month else { continue }
            if let existing = latest[unit], let p = existing.period, p >= period { continue }
            latest[unit] = document
        }
        let order = Dictionary(uniqueKeysWithValues: (documents.first?.formSet.units ?? []).enumerated().map { ($1.id, $0) })
        return latest.keys.sorted { (order[$0] ?? .max, $0) < (order[$1] ?? .max, $1) }.map { latest[$0]! }
    }
}
