import Foundation
import Testing
import TaizhangCore
import TaizhangTestSupport

/// Every kind of workbook Taizhang writes passes `openxml-audit` (ECMA-376 schemas and the rules Excel applies)
/// with no findings: Excel opens them without offering a repair.
@Suite struct OpenXMLAuditTests {
    @Test func everyWorkbookKindOpensCleanInExcel() throws {
        let dir = try Taizhang.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let june = YearMonth(year: 2024, month: 6)!
        var workbooks: [String] = []

        // Templates of every form.
        let templates = dir.appendingPathComponent("templates")
        #expect(try Taizhang.run(["templates", "--period", "2024-06", "-o", templates.path]).status == 0)
        let made = try FileManager.default.contentsOfDirectory(atPath: templates.path).filter { $0.hasPrefix("2024-06_沈阳") }
        #expect(made.count == 3)
        workbooks += made.map { templates.appendingPathComponent($0).path }
        let summary = dir.appendingPathComponent("总结模板.xlsx").path
        #expect(try Taizhang.run(["template", "整治工作总结", "--unit", "沈阳", "--period", "2024-09", "-o", summary]).status == 0)
        workbooks.append(summary)

        // An export, an annotated return, the province's reports.
        let inbox = dir.appendingPathComponent("inbox")
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        let selfCheck = try Taizhang.writeCSV("self-check", unit: "benxi", period: june, rows: 5, in: inbox)
        try Taizhang.writeCSV("rectification", unit: "benxi", period: june, rows: 5, in: inbox)
        try Taizhang.writeCSV("progress", unit: "benxi", period: june, rows: 0, in: inbox)
        let exported = dir.appendingPathComponent("导出.xlsx").path
        #expect(try Taizhang.run(["export", selfCheck.path, "--to", "xlsx", "-o", exported]).status == 0)
        workbooks.append(exported)
        let faulty = try Taizhang.writeCSV("rectification", unit: "dandong", period: june, rows: 3, in: dir) { doc in
            doc.rows["main"]![1]["status"] = .text("差不多")
        }
        let annotated = dir.appendingPathComponent("标注.xlsx").path
        #expect(try Taizhang.run(["check", faulty.path, "--annotate", annotated]).status == 1)
        workbooks.append(annotated)
        let ws = dir.appendingPathComponent("taizhang.sqlite").path
        #expect(try Taizhang.run(["ingest", inbox.path, "--workspace", ws, "--received", "2024-06-20"]).status == 0)
        let reports = dir.appendingPathComponent("reports")
        #expect(try Taizhang.run(["report", "progress", "--period", "2024-06", "-o", reports.path, "--workspace", ws]).status == 0)
        workbooks.append(reports.appendingPathComponent("2024-06_全省工作进展汇总.xlsx").path)
        let status = dir.appendingPathComponent("status.xlsx").path
        #expect(try Taizhang.run(["status", "--period", "2024-06", "--to", "xlsx", "-o", status, "--workspace", ws]).status == 0)
        workbooks.append(status)

        for path in workbooks {
            #expect(FileManager.default.fileExists(atPath: path), "\(path)")
            let audit = try ExternalProgram.run("/usr/bin/env", ["python3", "-m", "openxml_audit", path, "-o", "json"])
            let report = try JSONSerialization.jsonObject(with: Data(audit.stdout.utf8)) as? [[String: Any]]
            let first = try #require(report?.first, "\(path): \(audit.stdout)\(audit.stderr)")
            #expect(first["error_count"] as? Int == 0, "\((path as NSString).lastPathComponent): \(first["errors"] ?? "")")
            #expect(first["warning_count"] as? Int == 0, "\((path as NSString).lastPathComponent): \(first["errors"] ?? "")")
        }
    }
}
