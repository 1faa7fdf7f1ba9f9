import Foundation
import TaizhangCore
import TaizhangForms
import TaizhangMemo
import TaizhangStore
import TaizhangXLSX

/// Return for correction: the unit's file with its faulty cells marked, and the notice (退回修改通知).
enum Annotation {
    /// Writes the annotated workbook atomically.
    static func workbook(source: any SheetSource, findings: [Finding], fileName: String, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        do {
            try CorrectionWorkbook.write(source: source, findings: findings, fileName: fileName, to: temporary.path)
            if rename(temporary.path, url.path) != 0 { throw CommandFailure("无法写入“\(path)”") }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
    }

    /// For a rejected submission: `<name>_退回修改.xlsx` and `<name>_退回修改通知.txt` in `directory`.
    static func returnForCorrection(path: String, submission: Int64, workspace: Workspace, formSet: FormSet,
                                    registry: PluginRegistry, directory: String, date: CivilDate) throws -> [String] {
        guard let json = try workspace.reportJSON(of: submission),
              let report = try? JSONDecoder().decode(ValidationReport.self, from: Data(json.utf8)) else { return [] }
        let name = URL(fileURLWithPath: path).lastPathComponent
        let base = (directory as NSString).appendingPathComponent((name as NSString).deletingPathExtension)
        var written: [String] = []
        let (source, _) = try FileOpener(registry: registry).open(path, displayName: name)
        try workbook(source: source, findings: report.findings, fileName: name, to: base + "_退回修改.xlsx")
        written.append(base + "_退回修改.xlsx")
        if let unit = report.unit.flatMap(formSet.unit(id:)), let form = formSet.form(report.form) {
            let notice = try Memos(templates: MemoTemplateSet(files: BuiltinForms.memoTemplates)).correctionNotice(
                findings: report.findings.filter { $0.severity >= .warning }, fileName: name, form: form, unit: unit,
                formSet: formSet, date: date)
            try AtomicFileSink.write(base + "_退回修改通知.txt") { try MemoExporter().export(notice, to: $0) }
            written.append(base + "_退回修改通知.txt")
        }
        return written
    }
}
