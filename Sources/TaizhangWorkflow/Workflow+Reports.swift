import Foundation
import TaizhangCore
import TaizhangStore

extension Workflow {
    /// The campaign's standing on `asOf` for `period` (the period `asOf` falls in when `nil`).
    public func status(workspace: Workspace, period: YearMonth? = nil, asOf: CivilDate? = nil) throws -> CampaignStatus {
        let scope = statusScope(period: period, asOf: asOf)
        var status = try CampaignStatus.compute(workspace: workspace, formSet: formSet, asOf: scope.asOf, period: scope.period)
        if let period = scope.period { status.unreconciled = try unreconciledReports(period: period, workspace: workspace) }
        return status
    }

    /// The day and period a status is for when a person leaves them out: today, and the period today falls in.
    public func statusScope(period: YearMonth?, asOf: CivilDate?) -> (period: YearMonth?, asOf: CivilDate) {
        let day = asOf ?? clock.today
        return (period ?? formSet.campaign.period(containing: day), day)
    }

    /// The day a period's report is "as of" unless a person says otherwise: the period's last deadline.
    public func reportDay(for period: YearMonth) -> CivilDate {
        formSet.campaign.deadline(of: period) ?? period.day(28)
    }

    /// The monthly progress report in `formats` (ids of ledger and document formats) in `directory`: the
    /// consolidated workbook (or its tables) and the province's progress memo. Returns the paths written.
    public func progressReport(workspace: Workspace, period: YearMonth, asOf: CivilDate? = nil,
                               formats: [String] = ["xlsx", "memo"], recipients: [String] = [],
                               directory: String) throws -> [String] {
        let day = asOf ?? reportDay(for: period)
        var written: [String] = []
        let chosen = try outputFormats(formats)
        guard let progress = try provinceProgress(workspace: workspace, period: period, asOf: day) else { return [] }
        let document = try ConsolidatedReport.progress(progress, workspace: workspace, formSet: formSet)
        for case .ledger(let exporter) in chosen {
            written += try write(document, with: exporter, directory: directory, baseName: "\(period.iso)_全省工作进展汇总")
        }
        for case .document(let exporter) in chosen {
            let memo = try memos.templates.template("province-progress-report")
                .render(provinceMemoContext(progress, recipients: recipients), date: day)
            let file = (directory as NSString).appendingPathComponent(
                "\(period.iso)_全省工作进展情况报告.\(exporter.format.fileExtensions[0])")
            try write(memo, with: exporter, to: file)
            written.append(file)
        }
        return written
    }

    /// The status in one output format: the province's memo for a document format, the consolidated ledger
    /// for a ledger format; `nil` when the form set has no progress form.
    private enum StatusOutput {
        case memo(OfficialDocument, any DocumentExporter)
        case ledger(LedgerDocument, any LedgerExporter)
    }

    private func statusOutput(workspace: Workspace, period: YearMonth, asOf: CivilDate, format: String) throws -> StatusOutput? {
        switch try outputFormat(format) {
        case .document(let exporter):
            return try provinceMemo(workspace: workspace, period: period, recipients: [], date: asOf).map { .memo($0, exporter) }
        case .ledger(let exporter):
            return try provinceProgress(workspace: workspace, period: period, asOf: asOf).map {
                .ledger(try ConsolidatedReport.progress($0, workspace: workspace, formSet: formSet), exporter)
            }
        }
    }

    /// The status as text in `format` for standard output: what ``exportStatus(workspace:period:asOf:format:to:)``
    /// writes to a file, for a text format that fits in one (JSON, the memo). `nil` for a format that needs a file
    /// (a workbook) or several (CSV tables).
    public func statusText(workspace: Workspace, period: YearMonth, asOf: CivilDate, format: String) throws -> String? {
        let sink = MemorySink()
        switch try statusOutput(workspace: workspace, period: period, asOf: asOf, format: format) {
        case .memo(let memo, let exporter)?:
            guard exporter.format.isText else { return nil }
            try exporter.export(memo, to: sink)
        case .ledger(let document, let exporter)?:
            guard exporter.format.isText, !exporter.writesOneTablePerFile else { return nil }
            try exporter.export(document, to: sink)
        case nil:
            return nil
        }
        return String(decoding: sink.bytes, as: UTF8.self)
    }

    /// The status written to `output` in one format: a document format writes the province's memo, a ledger
    /// format the consolidated ledger (a folder of files where the format holds one table per file).
    public func exportStatus(workspace: Workspace, period: YearMonth, asOf: CivilDate, format: String,
                             to output: String) throws -> [String] {
        switch try statusOutput(workspace: workspace, period: period, asOf: asOf, format: format) {
        case .memo(let memo, let exporter)?:
            try write(memo, with: exporter, to: output)
            return [output]
        case .ledger(let document, let exporter)? where exporter.writesOneTablePerFile:
            return try write(document, with: exporter, directory: output, baseName: "\(period.iso)_进展情况")
        case .ledger(let document, let exporter)?:
            try AtomicFileSink.write(output) { try exporter.export(document, to: $0) }
            return [output]
        case nil:
            return []
        }
    }

    /// The summaries: all units' 整治工作总结 in one consolidated ledger, and each unit's summary memo.
    public func summaryReport(workspace: Workspace, formats: [String] = ["xlsx", "memo"],
                              directory: String) throws -> [String] {
        guard let form = formSet.form("summary") else { throw WorkflowError(.noSummaryForm) }
        let chosen = try outputFormats(formats)
        let docs = try workspace.currentDocuments(form: form, formSet: formSet)
        let consolidated = ConsolidatedReport.summary(form: form, documents: docs, formSet: formSet)
        var written: [String] = []
        for case .ledger(let exporter) in chosen {
            written += try write(consolidated, with: exporter, directory: directory, baseName: "全省整治工作总结汇总")
        }
        for case .document(let exporter) in chosen {
            for doc in docs {
                guard let unit = doc.unit else { continue }
                let date = doc.header["report_date"]?.date ?? formSet.campaign.issued
                let memo = try memos.summaryReport(doc, date: date)
                let file = (directory as NSString).appendingPathComponent(
                    "\(unit.name)_整治工作总结.\(exporter.format.fileExtensions[0])")
                try write(memo, with: exporter, to: file)
                written.append(file)
            }
        }
        return written
    }
}
