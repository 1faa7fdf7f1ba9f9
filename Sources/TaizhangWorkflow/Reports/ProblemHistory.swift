import TaizhangCore
import TaizhangStore

/// The life of one problem: when it was found, each status it passed through and when it was done.
public struct ProblemHistory: Sendable, Codable, Equatable {
    public var unit: String
    public var problemID: String
    public var found: CivilDate?
    /// The status reported in each period's rectification ledger, in order, with repeats collapsed.
    public var statuses: [Step]
    public var done: CivilDate?

    public struct Step: Sendable, Codable, Equatable {
        public var period: YearMonth
        public var status: String
    }

    /// The histories of every problem of `unit`.
    public static func all(unit: String, workspace: Workspace, formSet: FormSet) throws -> [ProblemHistory] {
        var histories: [String: ProblemHistory] = [:]
        for form in formSet.forms {
            guard let table = form.tables.first, let keyField = table.key else { continue }
            let found = table.column(role: "found-date")
            let status = table.column(role: "status")
            let done = table.column(role: "done-date")
            guard found != nil || status != nil else { continue }
            let documents = try workspace.currentDocuments(form: form, formSet: formSet)
                .filter { $0.unit?.id == unit }.sorted { ($0.period ?? YearMonth(year: 1, month: 1)!) < ($1.period ?? YearMonth(year: 1, month: 1)!) }
            for document in documents {
                for record in document.rows[table.id] ?? [] {
                    guard let key = record[keyField]?.displayText else { continue }
                    var history = histories[key] ?? ProblemHistory(unit: unit, problemID: key, found: nil, statuses: [], done: nil)
                    if let found, let d = record[found.key]?.date { history.found = history.found ?? d }
                    if let status, let s = record[status.key]?.displayText, let period = document.period,
                       history.statuses.last?.status != s {
                        history.statuses.append(Step(period: period, status: s))
                    }
                    if let done, let d = record[done.key]?.date { history.done = d }
                    histories[key] = history
                }
            }
        }
        return histories.keys.sorted().map { histories[$0]! }
    }
}
