import TaizhangCore
import TaizhangStore

/// Every figure of the province's monthly progress report, computed once from the workspace: the memo and
/// the workbook are both drawn from it, so they cannot disagree, and each figure the memo states is in a sheet.
public struct ProvinceProgress: Sendable {
    /// A unit's standing with the period's progress report.
    public struct Standing: Sendable {
        public var unit: ReportingUnit
        public var standing: CampaignStatus.SubmissionStanding
        public var received: CivilDate?
        public var daysLate: Int
    }

    /// Problems counted by one choice field of the self-check ledger (问题类型, 问题来源, 执法类别).
    public struct ProblemTally: Sendable {
        public var title: String
        /// Each value: all problems, and those found this period.
        public var rows: [(value: String, total: Int, new: Int)]
    }

    /// One unit's rectification, from its latest 整改工作台账 up to the period.
    public struct UnitRectification: Sendable {
        public var unit: ReportingUnit
        /// The period of the ledger counted (`nil`: none received).
        public var ledgerPeriod: YearMonth?
        public var total: Int
        /// By status value, in the list's order.
        public var byStatus: [String: Int]
        public var done: Int
        public var overdue: Int
        /// 整改率 in per cent, one decimal (`nil` with no problems).
        public var rate: Double? { total == 0 ? nil : ProvinceProgress.percent(done, of: total) }
    }

    /// One unit's results, from its latest progress report up to the period.
    public struct UnitResults: Sendable {
        public var unit: ReportingUnit
        /// The period of the report the figures come from (`nil`: none received).
        public var reportPeriod: YearMonth?
        /// This month's figures (zero unless the report is this period's), by field key.
        public var month: [String: Int]
        /// Cumulative figures, by field key (results, 追责问责人数, 容错免责人数).
        public var total: [String: Int]
    }

    public var period: YearMonth
    public var asOf: CivilDate
    /// The progress form.
    public var form: Form
    /// The six results as (this month's field, cumulative field).
    public var resultFields: [(month: Field, total: Field)]
    /// 追责问责人数 and 容错免责人数.
    public var peopleFields: [Field]
    /// Every unit owing the period's progress report, in the official order.
    public var standings: [Standing]
    /// Whether the units file has any of the department's enforcement divisions (厅机关执法处室).
    public var divisionsConfigured: Bool
    public var problemTallies: [ProblemTally]
    public var problemTotal: Int
    public var problemsNew: Int
    /// Each unit's problems, and those found this period, by unit id.
    public var problemsByUnit: [String: (total: Int, new: Int)]
    /// The status the figures come from (standings, overdue rectifications).
    public var status: CampaignStatus
    /// Every unit with a rectification ledger (or owing one), in the official order.
    public var rectification: [UnitRectification]
    /// The status values in the list's order, and which count as done.
    public var statusValues: [String]
    /// Every unit owing the progress report or having sent one, in the official order.
    public var results: [UnitResults]
    /// The reports whose figures do not reconcile.
    public var unreconciled: [UnreconciledReport]

    /// Per cent with one decimal.
    static func percent(_ part: Int, of whole: Int) -> Double {
        (Double(part) * 1000 / Double(whole)).rounded() / 10
    }

    /// The standings of one kind, in order.
    public func units(_ standing: CampaignStatus.SubmissionStanding) -> [ReportingUnit] {
        standings.filter { $0.standing == standing }.map(\.unit)
    }

    /// A result summed over the units.
    public func sum(_ key: String, monthly: Bool) -> Int {
        results.reduce(0) { $0 + ((monthly ? $1.month[key] : $1.total[key]) ?? 0) }
    }

    /// Rectification summed over the units.
    public var rectificationTotal: (total: Int, done: Int, overdue: Int, byStatus: [String: Int]) {
        var byStatus: [String: Int] = [:]
        for unit in rectification { for (k, v) in unit.byStatus { byStatus[k, default: 0] += v } }
        return (rectification.reduce(0) { $0 + $1.total }, rectification.reduce(0) { $0 + $1.done },
                rectification.reduce(0) { $0 + $1.overdue }, byStatus)
    }
}

extension Workflow {
    /// The province's progress figures for `period` as of `asOf`. `nil` when the form set has no progress form.
    public func provinceProgress(workspace: Workspace, period: YearMonth, asOf: CivilDate) throws -> ProvinceProgress? {
        guard let form = formSet.form(withHeaderRole: "result-total") else { return nil }
        let status = try CampaignStatus.compute(workspace: workspace, formSet: formSet, asOf: asOf, period: period)
        let units = formSet.units

        // 一、总体情况: the period's progress report.
        let standings = units.compactMap { unit -> ProvinceProgress.Standing? in
            guard let o = status.obligations.first(where: { $0.unit == unit.id && $0.form == form.id }) else { return nil }
            return ProvinceProgress.Standing(unit: unit, standing: o.standing, received: o.received, daysLate: o.daysLate)
        }

        // 二、问题查摆: the self-check ledgers (every period up to this one; a later row of a problem wins).
        var tallies: [ProvinceProgress.ProblemTally] = []
        var problemTotal = 0, problemsNew = 0
        var problemsByUnit: [String: (total: Int, new: Int)] = [:]
        if let (table, found) = try CampaignStatus.problems(workspace: workspace, formSet: formSet, upTo: period) {
            let problems = found.map(\.record)
            let foundDate = table.column(role: "found-date")
            func isNew(_ record: TaizhangCore.Record) -> Bool {
                foundDate.flatMap { record[$0.key]?.date?.yearMonth } == period
            }
            problemTotal = problems.count
            problemsNew = problems.filter(isNew).count
            for problem in found {
                let counts = problemsByUnit[problem.unit] ?? (0, 0)
                problemsByUnit[problem.unit] = (counts.total + 1, counts.new + (isNew(problem.record) ? 1 : 0))
            }
            for role in ["problem-type", "source", "category"] {
                guard let field = table.column(role: role), let list = field.list.flatMap(formSet.list) else { continue }
                var rows: [(String, Int, Int)] = list.allItems.map { item in
                    let matching = problems.filter { $0[field.key]?.displayText == item.value }
                    return (item.value, matching.count, matching.filter(isNew).count)
                }
                let unlisted = problems.filter { r in !list.allItems.contains { $0.value == r[field.key]?.displayText } }
                if !unlisted.isEmpty { rows.append(("（未填）", unlisted.count, unlisted.filter(isNew).count)) }
                tallies.append(ProvinceProgress.ProblemTally(title: field.label, rows: rows))
            }
        }

        // 三、整改落实: each unit's latest rectification ledger.
        var rectification: [ProvinceProgress.UnitRectification] = []
        var statusValues: [String] = []
        if let rect = formSet.forms.first(where: { $0.tables.first?.column(role: "status") != nil }),
           let table = rect.tables.first, let statusField = table.column(role: "status") {
            let list = statusField.list.flatMap(formSet.list)
            statusValues = list?.allItems.map(\.value) ?? []
            let done = list?.values(tagged: "done") ?? []
            let latest = CampaignStatus.latestPerUnit(try workspace.currentDocuments(form: rect, formSet: formSet), upTo: period)
            let owing = Set(status.obligations.filter { $0.form == rect.id }.map(\.unit))
            for unit in units where owing.contains(unit.id) || latest.contains(where: { $0.unit?.id == unit.id }) {
                let document = latest.first { $0.unit?.id == unit.id }
                var byStatus: [String: Int] = [:]
                for record in document?.rows[table.id] ?? [] {
                    byStatus[record[statusField.key]?.displayText ?? "", default: 0] += 1
                }
                rectification.append(ProvinceProgress.UnitRectification(
                    unit: unit, ledgerPeriod: document?.period, total: byStatus.values.reduce(0, +), byStatus: byStatus,
                    done: byStatus.filter { done.contains($0.key) }.values.reduce(0, +),
                    overdue: status.overdue.filter { $0.unit == unit.id }.count))
            }
        }

        // 四、五: each unit's latest progress report up to the period.
        let monthFields = form.headerFields(role: "result-month")
        let totalFields = form.headerFields(role: "result-total")
        let pairs = form.reconcile?.running.compactMap { pair -> (Field, Field)? in
            guard let m = form.headerField(pair.month), let t = form.headerField(pair.total) else { return nil }
            return (m, t)
        } ?? Array(zip(monthFields, totalFields))
        let people = form.headerFields(role: "accountability-count") + form.headerFields(role: "exemption-count")
        let latest = CampaignStatus.latestPerUnit(try workspace.currentDocuments(form: form, formSet: formSet), upTo: period)
        var results: [ProvinceProgress.UnitResults] = []
        for unit in units where standings.contains(where: { $0.unit.id == unit.id }) || latest.contains(where: { $0.unit?.id == unit.id }) {
            let document = latest.first { $0.unit?.id == unit.id }
            func number(_ key: String) -> Int { document?.header[key]?.number.map { Int($0) } ?? 0 }
            var month: [String: Int] = [:], total: [String: Int] = [:]
            for (m, t) in pairs {
                month[m.key] = document?.period == period ? number(m.key) : 0
                total[t.key] = number(t.key)
            }
            for field in people { total[field.key] = number(field.key) }
            results.append(ProvinceProgress.UnitResults(unit: unit, reportPeriod: document?.period, month: month, total: total))
        }

        return ProvinceProgress(
            period: period, asOf: asOf, form: form, resultFields: pairs.map { (month: $0.0, total: $0.1) },
            peopleFields: people, standings: standings,
            divisionsConfigured: units.contains { $0.kind == "division" },
            problemTallies: tallies, problemTotal: problemTotal, problemsNew: problemsNew,
            problemsByUnit: problemsByUnit, status: status,
            rectification: rectification, statusValues: statusValues, results: results,
            unreconciled: try unreconciledReports(period: period, workspace: workspace))
    }
}
