import Foundation
import TaizhangCore
import TaizhangStore

extension Workflow {
    /// The template a unit fills in for one form and period, as a ledger document.
    ///
    /// With a workspace, a ledger that grows month by month (a table with a key: the 自查台账, the 整改工作台账)
    /// carries the unit's rows forward from its latest accepted ledger up to `period`, for the unit to update
    /// and add to; and a column referring to another ledger offers that ledger's keys (the 问题编号 of the unit's
    /// 自查台账) with their 问题描述. A unit with nothing received gets a blank template.
    public func templateDocument(form: Form, unit: ReportingUnit, period: YearMonth,
                                 workspace: Workspace? = nil) throws -> LedgerDocument {
        var document = LedgerDocument(form: form, formSet: formSet, unit: unit, period: period, purpose: .template)
        guard let workspace else { return document }
        func latest(_ form: Form) throws -> LedgerDocument? {
            CampaignStatus.latestPerUnit(try workspace.currentDocuments(form: form, formSet: formSet), upTo: period)
                .first { $0.unit?.id == unit.id }
        }
        if form.tables.contains(where: { $0.key != nil }), let carried = try latest(form) {
            for table in form.tables where table.key != nil {
                document.rows[table.id] = (carried.rows[table.id] ?? []).map { TaizhangCore.Record(values: $0.values) }
            }
        }
        for table in form.tables {
            for column in table.columns {
                guard let target = column.references, let referenced = formSet.form(target.form),
                      let source = try latest(referenced) else { continue }
                let shown = Set(table.columns.map(\.key)).subtracting([column.key])
                document.referenceChoices[column.key] = referenced.tables.flatMap { t in
                    (source.rows[t.id] ?? []).compactMap { record -> LedgerDocument.ReferenceChoice? in
                        guard let key = record[target.field]?.displayText else { return nil }
                        var values: [String: String] = [:]
                        for (k, v) in record.values where shown.contains(k) && k != target.field {
                            if case .text(let text) = v { values[k] = text }
                        }
                        return LedgerDocument.ReferenceChoice(key: key, values: values)
                    }
                }
            }
        }
        return document
    }

    /// Writes one template workbook (form and unit as a person named them) to `output`, whose folder must exist.
    public func writeTemplate(form name: String, unit unitName: String, period: YearMonth, to output: String,
                              workspace: Workspace? = nil) throws {
        let form = try formSet.resolveForm(name)
        let unit = try formSet.resolveUnit(unitName)
        let directory = URL(fileURLWithPath: output).deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw WorkflowError(.outputFolderMissing, subject: directory)
        }
        try writeTemplate(templateDocument(form: form, unit: unit, period: period, workspace: workspace), to: output)
    }

    /// Every template owed for `period`, one workbook per unit and form, in `directory` (created when missing).
    /// Returns the paths written.
    public func writeTemplates(period: YearMonth, to directory: String, workspace: Workspace? = nil) throws -> [String] {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw WorkflowError(.cannotCreateFolder, subject: directory, detail: UserMessage.text(for: error))
        }
        var written: [String] = []
        for unit in formSet.units {
            for owed in formSet.campaign.owed(unitKind: unit.kind, period: period) {
                guard let form = formSet.form(owed.form) else { continue }
                let path = (directory as NSString).appendingPathComponent(templateFileName(period: period, unit: unit, form: form))
                try writeTemplate(templateDocument(form: form, unit: unit, period: period, workspace: workspace), to: path)
                written.append(path)
            }
        }
        if written.isEmpty { throw WorkflowError(.nothingOwed, subject: period.iso) }
        return written
    }

    /// `2024-06_沈阳市工业和信息化局_整改工作台账.xlsx`.
    public func templateFileName(period: YearMonth, unit: ReportingUnit, form: Form) -> String {
        "\(period.iso)_\(safeFileName(unit.name))_\(safeFileName(form.shortTitle)).\(templateExporterExtension)"
    }

    private var templateExporterExtension: String { registry.exporter("xlsx")?.format.fileExtensions[0] ?? "xlsx" }

    /// Exports a template atomically with the workbook exporter.
    func writeTemplate(_ document: LedgerDocument, to path: String) throws {
        let exporter = try ledgerExporter("xlsx")
        do {
            try AtomicFileSink.write(path) { try exporter.export(document, to: $0) }
        } catch let failure as ExportError {
            throw WorkflowError(.cannotWrite, subject: path, detail: failure.message)
        }
    }
}
