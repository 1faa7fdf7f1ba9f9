import Foundation
import Testing
import TaizhangCore
import TaizhangTestSupport

/// A return for correction in a working template (issue 19): 鞍山's 初稿 from the demo, annotated, is the
/// official template with the unit's values, the three faulty cells marked where they were, the template's
/// guards intact; corrected in those cells it passes, recognised as the template; it prints on a few pages.
@Suite struct AnnotatedReturnTests {
    static let structure = #"""
import sys, json, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb["整改工作台账"]
out = {"sheets": wb.sheetnames,
       "validations": sorted((dv.type or "", str(dv.sqref)) for dv in ws.data_validations.dataValidation),
       "freeze": ws.freeze_panes, "titles": ws.print_title_rows,
       "form": {p.name: p.value for p in wb.custom_doc_props.props}.get("taizhang.form")}
marks = {}
for ref in sys.argv[2:]:
    c = ws[ref]
    marks[ref] = {"fill": c.fill.fgColor.rgb, "comment": c.comment.text if c.comment else None, "value": str(c.value)}
out["marks"] = marks
print(json.dumps(out, ensure_ascii=False, default=str))
"""#

    @Test func anAnnotatedReturnIsTheTemplateWithTheUnitsValuesMarked() throws {
        let dir = try Taizhang.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let demo = dir.appendingPathComponent("demo")
        #expect(try Taizhang.run(["demo", demo.path]).status == 0)
        let draft = demo.appendingPathComponent("2-各单位报送/2024-06_鞍山市工业和信息化局_整改工作台账（初稿）.xlsx").path
        let annotated = dir.appendingPathComponent("退回.xlsx").path
        let checked = try Taizhang.run(["check", draft, "--json", "--annotate", annotated])
        #expect(checked.status == 1)
        let report = try JSONSerialization.jsonObject(with: Data(checked.stdout.utf8)) as! [String: Any]
        let errors = (report["findings"] as! [[String: Any]]).filter { $0["severity"] as? String == "error" }
        let refs = errors.compactMap { ($0["location"] as? [String: Any])?["cell"] as? String }
        #expect(refs.count == 3)

        // Its structure is a fresh template's.
        let fresh = dir.appendingPathComponent("模板.xlsx").path
        #expect(try Taizhang.run(["template", "整改工作台账", "--unit", "鞍山", "--period", "2024-06", "-o", fresh]).status == 0)
        func structure(_ path: String, _ refs: [String]) throws -> [String: Any] {
            let run = try ExternalProgram.python(Self.structure, [path] + refs)
            #expect(run.status == 0, "\(run.stderr)")
            return try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as! [String: Any]
        }
        let mine = try structure(annotated, refs), template = try structure(fresh, [])
        #expect((mine["sheets"] as! [String]).first == "退回修改意见")
        #expect(mine["freeze"] as? String == template["freeze"] as? String)
        #expect(mine["titles"] as? String == template["titles"] as? String)
        #expect(mine["form"] as? String == "rectification")
        #expect((mine["validations"] as! [[String]]).count == (template["validations"] as! [[String]]).count)
        #expect((mine["validations"] as! [[String]]).map { $0[0] } == (template["validations"] as! [[String]]).map { $0[0] })
        // The unit's values, wrong ones included, in the marked cells where it wrote them.
        let marks = mine["marks"] as! [String: [String: Any]]
        for ref in refs {
            #expect((marks[ref]?["fill"] as? String)?.hasSuffix("FFC7CE") == true, "\(ref)")
            #expect((marks[ref]?["comment"] as? String)?.hasPrefix("错误：") == true, "\(ref)")
        }
        #expect(marks.values.contains { $0["value"] as? String == "六月底前" })
        #expect(marks.values.contains { $0["value"] as? String == "差不多完成" })

        // Corrected in the marked cells, it passes, read as the template.
        let corrected = dir.appendingPathComponent("修改稿.xlsx").path
        let fix = try ExternalProgram.python("""
            import sys, datetime, openpyxl
            wb = openpyxl.load_workbook(sys.argv[1]); ws = wb["整改工作台账"]
            for ref in sys.argv[3:]:
                c = ws[ref]
                if c.value == "六月底前": c.value = datetime.date(2024, 6, 30); c.number_format = "yyyy-mm-dd"
                elif c.value == "差不多完成": c.value = "正在整改"
                else: c.value = "已诫勉谈话"
            wb.save(sys.argv[2])
            """, [annotated, corrected] + refs)
        #expect(fix.status == 0, "\(fix.stderr)")
        let again = try Taizhang.run(["check", corrected])
        #expect(again.status == 0, "\(again.stdout)")
        #expect(again.stdout.contains("按模板识别"))

        // Excel opens it cleanly; it prints, whole, on at most 4 A4 pages.
        let audit = try ExternalProgram.run("/usr/bin/env", ["python3", "-m", "openxml_audit", annotated, "-o", "json"])
        #expect(audit.stdout.contains("\"error_count\": 0"), "\(audit.stdout.prefix(600))")
        let out = dir.appendingPathComponent("pdf")
        try ExternalProgram.tool("soffice", ["-env:UserInstallation=file://\(dir.path)/profile", "--headless",
                                             "--convert-to", "pdf", "--outdir", out.path, annotated])
        let info = try ExternalProgram.tool("pdfinfo", [out.appendingPathComponent("退回.pdf").path])
        let pages = info.stdout.split(separator: "\n").first { $0.hasPrefix("Pages:") }
            .flatMap { Int($0.split(separator: " ").last ?? "") } ?? 0
        #expect((1...4).contains(pages), "\(pages) pages")

        // A column the unit added (本溪's home-made layout has one) is kept beside the table, labelled.
        let handmade = demo.appendingPathComponent("2-各单位报送/2024-06_本溪市工业和信息化局_整改工作台账（自制表）.xlsx").path
        let kept = dir.appendingPathComponent("本溪.xlsx").path
        _ = try Taizhang.run(["check", handmade, "--annotate", kept])
        let extra = try ExternalProgram.python("""
            import sys, openpyxl
            ws = openpyxl.load_workbook(sys.argv[1])["整改工作台账"]
            print([c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("原表另有：")])
            """, [kept])
        #expect(extra.stdout.contains("原表另有：联络员"), "\(extra.stdout)\(extra.stderr)")

        // The notice names the annotated file and the cells to fix (ingest --annotate).
        let ws = dir.appendingPathComponent("ws.sqlite").path
        let returned = dir.appendingPathComponent("退回")
        #expect(try Taizhang.run(["ingest", draft, "--workspace", ws, "--annotate", returned.path]).status == 1)
        let notice = try FileManager.default.contentsOfDirectory(atPath: returned.path).first { $0.contains("退回修改通知") }
        let text = try String(contentsOf: returned.appendingPathComponent(try #require(notice)), encoding: .utf8)
            .replacingOccurrences(of: "\n", with: "").replacingOccurrences(of: "　", with: "")
        #expect(text.contains("_退回修改.xlsx") && text.contains("3个单元格"), "\(text)")
    }
}
