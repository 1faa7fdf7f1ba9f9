import Foundation
import TaizhangTestSupport
import Testing
import TaizhangCore

/// Ledgers that were not made from our template, written by other programs, checked end to end.
@Suite struct ForeignWorkbookTests {
    /// A rectification ledger as a unit might make it in a spreadsheet program: a merged title, the header
    /// fields in one cell, reordered and renamed columns, real date cells with a Chinese date format, an extra
    /// column, a blank line, a 合计 row and a signature line. Written by openpyxl, then re-saved by LibreOffice.
    static let script = """
        import sys, datetime, openpyxl
        from openpyxl.styles import Font
        wb = openpyxl.Workbook(); ws = wb.active; ws.title = "6月台账"
        ws["A1"] = "营口市工业和信息化局行政执法突出问题整改工作台账"; ws.merge_cells("A1:N1"); ws["A1"].font = Font(bold=True, size=16)
        ws["A2"] = "填报单位：营口市工信局　　报送月份：2024年6月　　填报时间：2024年6月20日"
        ws.append([])
        ws.append(["编号", "存在问题", "整改举措", "整改期限", "责任部门", "责任人", "状态", "完成时间", "整改进展",
                   "是否追责问责", "追责问责情况", "是否容错免责", "联络员", "序号"])
        rows = [
          ["YK-2024-001", "重复检查企业", "合并检查计划", datetime.date(2024, 7, 31), "执法支队", "张三", "推进中", None, "已制定计划", "否", None, "否", "王", 1],
          ["YK-2024-002", "未出示执法证件", "开展培训", "长期坚持", "执法支队", "李四", "已完成", datetime.date(2024, 6, 18), "已培训", "是", "诫勉谈话", "否", "王", 2],
          None,
          ["YK-2024-003", "投诉超期未复", "建立台账限时反馈", datetime.date(2024, 6, 30), "办公室", "赵五", "已办结", "2024.6.19", "已反馈", "否", None, "否", "王", 3],
        ]
        for r in rows:
            ws.append(r if r else [])
        for row in ws.iter_rows(min_row=5):
            for c in row:
                if isinstance(c.value, (datetime.date, datetime.datetime)): c.number_format = 'yyyy"年"m"月"d"日"'
        ws.append(["合计", "3 项"])
        ws.append(["填报人：", "钱六", "联系电话：", "0417-2812345"])
        wb.save(sys.argv[1])
        """

    @Test func aHandmadeLedgerFromOpenpyxlAndLibreOfficeIsReadAndAccepted() throws {
        let dir = try Taizhang.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let made = dir.appendingPathComponent("营口整改台账.xlsx")
        let python = try ExternalProgram.python(Self.script, [made.path])
        #expect(python.status == 0, "\(python.stderr)")

        // LibreOffice re-saves it, as a unit's clerk might.
        let out = dir.appendingPathComponent("lo")
        try ExternalProgram.tool("soffice", ["-env:UserInstallation=file://\(dir.path)/profile", "--headless",
                                             "--convert-to", "xlsx", "--outdir", out.path, made.path])
        let resaved = out.appendingPathComponent("营口整改台账.xlsx")

        for file in [made, resaved] {
            let run = try Taizhang.run(["check", file.path, "--json"])
            let report = try JSONDecoder().decode(ValidationReport.self, from: Data(run.stdout.utf8))
            #expect(report.form == "rectification")
            #expect(report.unit == "yingkou")
            #expect(report.period == YearMonth(year: 2024, month: 6))
            #expect(report.rowCounts["main"] == 3)
            #expect(report.errorCount == 0, "\(report.findings)")
            // The unit's own 联络员 column is ignored with a note; references are unchecked without a self-check ledger.
            #expect(Set(report.findings.map(\.code)) == [.extraColumn, .referenceUnchecked])

            let csv = dir.appendingPathComponent("\(file.deletingLastPathComponent().lastPathComponent).csv")
            #expect(try Taizhang.run(["export", file.path, "--to", "csv", "-o", csv.path]).status == 0)
            let text = try String(contentsOf: csv, encoding: .utf8)
            #expect(text.contains("YK-2024-001,重复检查企业,合并检查计划,执法支队,张三,2024-07-31,正在整改"))
            #expect(text.contains("YK-2024-002,未出示执法证件,开展培训,执法支队,李四,长期坚持,已整改,2024-06-18"))
            #expect(text.contains("YK-2024-003,投诉超期未复,建立台账限时反馈,办公室,赵五,2024-06-30,已整改,2024-06-19"))
            #expect(text.contains("填报人,钱六"))
        }
    }
}
