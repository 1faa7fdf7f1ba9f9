/// How a report's figures are checked against the unit's own ledgers and its earlier report: data in the
/// form (`reconcile` in `forms/progress.json`), applied by ``Reconciler``.
///
/// Reconciliation findings are warnings: a unit's figures may be right and its ledger behind, but the province
/// must see the difference before it adds the figures up.
public struct FormReconciliation: Hashable, Sendable, Codable {
    /// A header figure compared with a count of rows in another of the unit's ledgers.
    public struct LedgerCount: Hashable, Sendable, Codable {
        /// How the figure must relate to the count.
        public enum Expectation: String, Hashable, Sendable, Codable {
            /// The figure equals the count (解决突出问题 = the rectification ledger's 已整改 rows).
            case equal
            /// The figure is at least the count, and zero when the count is (追责问责人数: each row marked 是 names
            /// one person or more).
            case atLeast = "at-least"
        }
        /// The header field (a cumulative figure).
        public var field: String
        /// The ledger whose rows are counted (the unit's current one, latest period not after the report's).
        public var form: String
        /// Rows are counted where this field's value is one of `in`.
        public var count: FieldCondition
        /// How the figure must relate to the count.
        public var expect: Expectation
        /// The warning; `{value}` is the figure, `{other}` the count.
        public var message: String
    }

    /// A monthly figure and its cumulative twin.
    public struct Running: Hashable, Sendable, Codable {
        /// This month's figure (本月).
        public var month: String
        /// The cumulative figure (累计).
        public var total: String
    }

    /// Figures compared with rows of the unit's ledgers.
    public var ledgerCounts: [LedgerCount]
    /// Monthly and cumulative pairs: the cumulative never goes down from the previous report, and the
    /// monthly figure is the cumulative less the previous report's.
    public var running: [Running]

    public init(ledgerCounts: [LedgerCount] = [], running: [Running] = []) {
        self.ledgerCounts = ledgerCounts
        self.running = running
    }
}

/// What the workspace knows that a report's figures are compared with.
public struct ReconciliationFacts: Sendable, Equatable {
    /// For each ``FormReconciliation/LedgerCount`` (by its field): the count of rows, or `nil` when the unit has
    /// no such ledger yet (nothing to compare).
    public var counts: [String: Int]
    /// For each count whose ledger is not of the report's period (the unit's ledger for that period was returned,
    /// or has not come), which one was counted (“2024年5月的整改工作台账”): the warning says so.
    public var countedLedgers: [String: String] = [:]
    /// The header of the unit's report for the period before, when there is one.
    public var previous: [String: Value]?
    /// That period.
    public var previousPeriod: YearMonth?

    public init(counts: [String: Int] = [:], previous: [String: Value]? = nil, previousPeriod: YearMonth? = nil) {
        self.counts = counts
        self.previous = previous
        self.previousPeriod = previousPeriod
    }
}

/// Compares a report's figures with ``ReconciliationFacts``.
public enum Reconciler {
    /// The codes of its findings.
    public static let doesNotReconcile: FindingCode = "figures-do-not-reconcile"
    public static let cumulativeDecreased: FindingCode = "cumulative-decreased"
    public static let monthlyMismatch: FindingCode = "monthly-mismatch"

    /// The warnings for `header` (normalised values) of `form`; `place` gives the location of a header field's
    /// cell.
    public static func findings(form: Form, header: [String: Value], facts: ReconciliationFacts,
                                place: (Field) -> Location) -> [Finding] {
        guard let rules = form.reconcile else { return [] }
        var findings: [Finding] = []
        func number(_ value: Value?) -> Int? { value?.number.map { Int($0) } }
        for rule in rules.ledgerCounts {
            guard let field = form.headerField(rule.field), let figure = number(header[rule.field]),
                  let count = facts.counts[rule.field] else { continue }
            let agrees: Bool
            switch rule.expect {
            case .equal: agrees = figure == count
            case .atLeast: agrees = figure >= count && (count > 0 || figure == 0)
            }
            if !agrees {
                var message = rule.message.replacingOccurrences(of: "{value}", with: "\(figure)")
                    .replacingOccurrences(of: "{other}", with: "\(count)")
                if let ledger = facts.countedLedgers[rule.field] {
                    message += "（按已接收的最近一期台账，即\(ledger)）"
                }
                findings.append(Finding(code: doesNotReconcile, severity: .warning, location: place(field), message: message))
            }
        }
        if let previous = facts.previous, let period = facts.previousPeriod {
            for pair in rules.running {
                guard let totalField = form.headerField(pair.total), let monthField = form.headerField(pair.month),
                      let total = number(header[pair.total]), let before = number(previous[pair.total]) else { continue }
                let label = totalField.label
                if total < before {
                    findings.append(Finding(
                        code: cumulativeDecreased, severity: .warning, location: place(totalField),
                        message: "\(label)为 \(total)，比\(period.chinese)报送的 \(before) 还少：累计数不应减少，请核对"))
                } else if let month = number(header[pair.month]), month != total - before {
                    findings.append(Finding(
                        code: monthlyMismatch, severity: .warning, location: place(monthField),
                        message: "\(monthField.label)为 \(month)，但累计数 \(total) 减去\(period.chinese)的累计数 \(before) 是 \(total - before)，请核对"))
                }
            }
        }
        return findings
    }
}
