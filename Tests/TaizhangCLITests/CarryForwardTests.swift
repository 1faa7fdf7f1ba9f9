import Foundation
import Testing
import TaizhangCore
import TaizhangTestSupport

/// Ledgers that carry forward month to month (issue 15): July's templates hold each unit's June rows; the
/// 整改工作台账's 问题编号 offers the unit's 自查台账 numbers and shows the matching 问题描述, which LibreOffice
/// computes and Taizhang reads back.
@Suite struct CarryForwardTests {
    @Test func julysTemplatesCarryJunesRows() throws {
        let dir = try Taizhang.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let demo = dir.appendingPathComponent("demo")
        #expect(try Taizhang.run(["demo", demo.path]).status == 0)
        let ws = demo.appendingPathComponent("taizhang.sqlite").path
        let july = dir.appendingPathComponent("7月模板")
        let made = try Taizhang.run(["templates", "--period", "2024-07", "-o", july.path, "--workspace", ws])
        #expect(made.status == 0, "\(made.stderr)")
        let rect = july.appendingPathComponent("2024-07_沈阳市工业和信息化局_整改工作台账.xlsx").path
        let selfCheck = july.appendingPathComponent("2024-07_沈阳市工业和信息化局_自查台账.xlsx").path

        // The rows are June's, as accepted; the template is still a template (sheet for instructions, dropdowns).
        let read = try ExternalProgram.python("""
            import sys, json, openpyxl
            wb = openpyxl.load_workbook(sys.argv[1])
            ws = wb.worksheets[0]
            ids = [ws.cell(row=r, column=2).value for r in range(1, ws.max_row + 1)]
            ids = [v for v in ids if isinstance(v, str) and v.startswith("SY-")]
            lists = [dv.formula1 for dv in ws.data_validations.dataValidation if dv.type == "list"]
            formulas = [c.value for c in ws["C"] if isinstance(c.value, str) and c.value.startswith("=")]
            print(json.dumps({"ids": ids, "sheets": wb.sheetnames, "lists": lists, "formulas": len(formulas)}, ensure_ascii=False))
            """, [rect])
        #expect(read.status == 0, "\(read.stderr)")
        let info = try JSONSerialization.jsonObject(with: Data(read.stdout.utf8)) as! [String: Any]
        #expect((info["ids"] as! [String]) == (1...8).map { String(format: "SY-2024-%03d", $0) })
        #expect((info["sheets"] as! [String]).contains("填表说明"))
        #expect((info["lists"] as! [String]).contains { $0.contains("选项") }, "问题编号 offered from the 自查台账")
        #expect(info["formulas"] as? Int == 10, "each new row shows the 问题描述 of the 问题编号 typed in it")
        let checked = try Taizhang.run(["check", rect, "--workspace", ws, "--json"])
        let report = try JSONSerialization.jsonObject(with: Data(checked.stdout.utf8)) as! [String: Any]
        #expect((report["rowCounts"] as? [String: Int])?["main"] == 8)
        let selfChecked = try Taizhang.run(["check", selfCheck, "--json"])
        let selfReport = try JSONSerialization.jsonObject(with: Data(selfChecked.stdout.utf8)) as! [String: Any]
        #expect((selfReport["rowCounts"] as? [String: Int])?["main"] == 8)

        // A clerk types a problem number into a new row; LibreOffice computes the 问题描述; Taizhang reads it back.
        let typed = dir.appendingPathComponent("typed.xlsx").path
        let typing = try ExternalProgram.python("""
            import sys, openpyxl
            wb = openpyxl.load_workbook(sys.argv[1]); ws = wb.worksheets[0]
            row = next(r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=2).value is None
                       and isinstance(ws.cell(row=r, column=3).value, str) and ws.cell(row=r, column=3).value.startswith("="))
            ws.cell(row=row, column=2).value = "SY-2024-003"
            wb.save(sys.argv[2])
            """, [rect, typed])
        #expect(typing.status == 0, "\(typing.stderr)")
        let out = dir.appendingPathComponent("lo")
        try ExternalProgram.tool("soffice", ["-env:UserInstallation=file://\(dir.path)/profile", "--headless",
                                             "--convert-to", "xlsx", "--outdir", out.path, typed])
        let saved = out.appendingPathComponent("typed.xlsx").path
        let back = try Taizhang.run(["export", saved, "--to", "json", "-o", dir.appendingPathComponent("back.json").path])
        #expect(back.status != 2, "\(back.stderr)")
        let json = try String(contentsOf: dir.appendingPathComponent("back.json"), encoding: .utf8)
        let recheck = try Taizhang.run(["check", saved, "--workspace", ws, "--json"])
        let recheckReport = try JSONSerialization.jsonObject(with: Data(recheck.stdout.utf8)) as! [String: Any]
        #expect((recheckReport["rowCounts"] as? [String: Int])?["main"] == 9, "\(recheck.stdout.prefix(400))")
        let findings = recheckReport["findings"] as! [[String: Any]]
        #expect(!findings.contains { $0["code"] as? String == "description-differs" }, "the shown 问题描述 is the 自查台账's")
        #expect(json.contains("SY-2024-003"))

        // Without a workspace, or for a form that does not grow, a template starts blank.
        let blank = dir.appendingPathComponent("blank.xlsx").path
        #expect(try Taizhang.run(["template", "整改工作台账", "--unit", "沈阳", "--period", "2024-07", "-o", blank]).status == 0)
        let blankCheck = try Taizhang.run(["check", blank, "--json"])
        let blankReport = try JSONSerialization.jsonObject(with: Data(blankCheck.stdout.utf8)) as! [String: Any]
        #expect((blankReport["rowCounts"] as? [String: Int])?["main"] == 0)

        // A description that differs from the 自查台账's is a warning at its cell.
        let differs = dir.appendingPathComponent("differs.xlsx").path
        let edit = try ExternalProgram.python("""
            import sys, openpyxl
            wb = openpyxl.load_workbook(sys.argv[1]); ws = wb.worksheets[0]
            row = next(r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=2).value == "SY-2024-002")
            ws.cell(row=row, column=3).value = "另一个问题"
            print(ws.cell(row=row, column=3).coordinate)
            wb.save(sys.argv[2])
            """, [rect, differs])
        let differsCheck = try Taizhang.run(["check", differs, "--workspace", ws, "--json"])
        let differsReport = try JSONSerialization.jsonObject(with: Data(differsCheck.stdout.utf8)) as! [String: Any]
        let warning = try #require((differsReport["findings"] as! [[String: Any]]).first { $0["code"] as? String == "description-differs" })
        #expect(warning["severity"] as? String == "warning")
        #expect((warning["location"] as? [String: Any])?["cell"] as? String == edit.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
