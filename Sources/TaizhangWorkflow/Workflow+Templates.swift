import Foundation
import TaizhangCore

extension Workflow {
    /// The template a unit fills in for one form and period, as a ledger document.
    public func templateDocument(form: Form, unit: ReportingUnit, period: YearMonth) -> LedgerDocument {
        LedgerDocument(form: form, formSet: formSet, unit: unit, period: period, purpose: .template)
    }

    /// Writes one template workbook (form and unit as a person named them) to `output`, whose folder must exist.
    public func writeTemplate(form name: String, unit unitName: String, period: YearMonth, to output: String) throws {
        let form = try formSet.resolveForm(name)
        let unit = try formSet.resolveUnit(unitName)
        let directory = URL(fileURLWithPath: output).deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw WorkflowError(.outputFolderMissing, subject: directory)
        }
        try writeTemplate(templateDocument(form: form, unit: unit, period: period), to: output)
    }

    /// Every template owed for `period`, one workbook per unit and form, in `directory` (created when missing).
    /// Returns the paths written.
    public func writeTemplates(period: YearMonth, to directory: String) throws -> [String] {
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
                try writeTemplate(templateDocument(form: form, unit: unit, period: period), to: path)
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
