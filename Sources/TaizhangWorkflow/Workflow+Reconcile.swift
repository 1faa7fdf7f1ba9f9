import Foundation
import TaizhangCore
import TaizhangStore

/// One unit's report whose figures do not agree with its ledgers or its earlier report.
public struct UnreconciledReport: Sendable {
    /// The unit.
    public var unit: ReportingUnit
    /// The period of the report.
    public var period: YearMonth
    /// The warnings, each naming both figures.
    public var findings: [Finding]
}

extension Workflow {
    /// What a report of `form` by `unit` for `period` is reconciled with, as the workspace holds it now: the
    /// counts of rows in the unit's current ledgers (of the latest period not after `period`) and the unit's
    /// report for the period before. `nil` when the form reconciles nothing.
    public func reconciliationFacts(form: Form, unit: String, period: YearMonth,
                                    workspace: Workspace) throws -> ReconciliationFacts? {
        guard form.reconcile != nil else { return nil }
        return reconciliationFacts(form: form, unit: unit, period: period, documents: try reconciliationDocuments(form, workspace))
    }

    /// The current documents a form's reconciliation reads (its counted ledgers and the form itself), by form.
    func reconciliationDocuments(_ form: Form, _ workspace: Workspace) throws -> [String: [LedgerDocument]] {
        var documents: [String: [LedgerDocument]] = [:]
        for id in Set((form.reconcile?.ledgerCounts.map(\.form) ?? []) + [form.id]) {
            guard let target = formSet.form(id) else { continue }
            documents[id] = try workspace.currentDocuments(form: target, formSet: formSet)
        }
        return documents
    }

    func reconciliationFacts(form: Form, unit: String, period: YearMonth,
                             documents: [String: [LedgerDocument]]) -> ReconciliationFacts? {
        guard let rules = form.reconcile else { return nil }
        var facts = ReconciliationFacts()
        for rule in rules.ledgerCounts {
            guard let ledger = CampaignStatus.latestPerUnit(documents[rule.form] ?? [], upTo: period)
                .first(where: { $0.unit?.id == unit }) else { continue }
            facts.counts[rule.field] = ledger.rows.values.joined().filter { record in
                record[rule.count.field].map { rule.count.in.contains($0.conditionText) } ?? false
            }.count
            if let counted = ledger.period, counted != period {
                facts.countedLedgers[rule.field] = "\(counted.chinese)的\(ledger.form.shortTitle)"
            }
        }
        let before = period.previous
        if let previous = (documents[form.id] ?? []).first(where: { $0.unit?.id == unit && $0.period == before }) {
            facts.previous = previous.header
            facts.previousPeriod = before
        }
        return facts
    }

    /// The reports of `period` whose figures do not reconcile, unit by unit in the order of the units file.
    public func unreconciledReports(period: YearMonth, workspace: Workspace) throws -> [UnreconciledReport] {
        var result: [UnreconciledReport] = []
        for form in formSet.forms where form.reconcile != nil {
            let documents = try reconciliationDocuments(form, workspace)  // read once for every unit
            let reports = (documents[form.id] ?? []).filter { $0.period == period }
            for unit in formSet.units {
                guard let report = reports.first(where: { $0.unit?.id == unit.id }),
                      let facts = reconciliationFacts(form: form, unit: unit.id, period: period, documents: documents)
                else { continue }
                let findings = Reconciler.findings(form: form, header: report.header, facts: facts) { field in
                    Location(columnLabel: field.label, field: field.key)
                }
                if !findings.isEmpty { result.append(UnreconciledReport(unit: unit, period: period, findings: findings)) }
            }
        }
        return result
    }
}
