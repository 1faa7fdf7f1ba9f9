import Foundation
import TaizhangCore
import TaizhangStore

extension Workflow {
    /// The return-for-correction notice (退回修改通知) for a stored, rejected submission; `nil` when the
    /// submission has no report naming its unit and form (a refused file).
    /// `annotatedFile` names the annotated return sent with it and `markedCells` how many cells it marks.
    public func correctionNotice(submission: Int64, fileName: String, workspace: Workspace, date: CivilDate,
                                 deadline: CivilDate? = nil, annotatedFile: String? = nil,
                                 markedCells: Int = 0) throws -> (notice: OfficialDocument, unit: ReportingUnit, form: Form)? {
        guard let report = try storedReport(submission: submission, workspace: workspace),
              let unit = report.unit.flatMap(formSet.unit(id:)), let form = formSet.form(report.form) else { return nil }
        let notice = try memos.correctionNotice(
            findings: report.findings.filter { $0.severity >= .warning }, fileName: fileName, form: form, unit: unit,
            formSet: formSet, date: date, deadline: deadline, annotatedFile: annotatedFile, markedCells: markedCells)
        return (notice, unit, form)
    }

    /// The validation report stored with a submission.
    public func storedReport(submission: Int64, workspace: Workspace) throws -> ValidationReport? {
        guard let json = try workspace.reportJSON(of: submission) else { return nil }
        return try? JSONDecoder().decode(ValidationReport.self, from: Data(json.utf8))
    }

    /// For a rejected submission read from `path`: `<name>_退回修改.xlsx` (the unit's file with the faulty cells
    /// marked) and the notice `<name>_退回修改通知.<ext>` in `directory`. Returns the paths written.
    /// `fileName` is the name the file was received under (the path's last component by default).
    public func returnForCorrection(path: String, fileName: String? = nil, submission: Int64, workspace: Workspace,
                                    directory: String, noticeFormat: String = "memo") throws -> [String] {
        guard let report = try storedReport(submission: submission, workspace: workspace) else { return [] }
        let name = fileName ?? URL(fileURLWithPath: path).lastPathComponent
        let base = (directory as NSString).appendingPathComponent((name as NSString).deletingPathExtension)
        return try writeCorrection(path: path, name: name, report: report, submission: submission, workspace: workspace,
                                   annotated: base + "_退回修改.xlsx", notice: base + "_退回修改通知",
                                   noticeFormat: noticeFormat)
    }

    /// Writes the annotated return of `path` (received as `name`, checked as `report`) to `annotated` and the
    /// notice to `notice` plus the notice format's extension. Returns the paths written.
    func writeCorrection(path: String, name: String, report: ValidationReport, submission: Int64, workspace: Workspace,
                         annotated: String, notice: String, noticeFormat: String = "memo",
                         annotatedName: String? = nil) throws -> [String] {
        var written: [String] = []
        // Read again as it was when received (no hints), row by row: the same cells the stored report speaks of.
        // The findings are the stored report's: only the header is validated again (its unit and period).
        let marked = try writeAnnotatedReturn(path: path, name: name, findings: report.findings, to: annotated)
        written.append(annotated)
        if case .document(let exporter) = try outputFormat(noticeFormat),
           let (document, _, _) = try correctionNotice(submission: submission, fileName: name, workspace: workspace,
                                                       date: clock.today,
                                                       annotatedFile: annotatedName ?? (annotated as NSString).lastPathComponent,
                                                       markedCells: marked) {
            let file = notice + ".\(exporter.format.fileExtensions[0])"
            try write(document, with: exporter, to: file)
            written.append(file)
        }
        return written
    }
}
