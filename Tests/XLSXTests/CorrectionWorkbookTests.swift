import Foundation
import TaizhangTestSupport
import Testing
import TaizhangCore
import TaizhangForms
import TaizhangSamples
import TaizhangXLSX

/// Return for correction: the unit's workbook comes back with faulty cells marked, checked with openpyxl.
@Suite struct CorrectionWorkbookTests {
    @Test func faultyCellsAreMarkedAndListed() throws {
        let set = try BuiltinForms.load()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tz-corr-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var document = SampleLedgers(formSet: set).document(form: set.form("rectification")!, unit: set.units[2],
                                                            period: YearMonth(year: 2024, month: 6)!, rows: 6, seed: 9)
        document.rows["main"]![1]["deadline"] = .text("尽快")
        document.rows["main"]![3]["measures"] = nil
        let sink = MemorySink()
        try XLSXExporter().export(document, to: sink)
        let original = dir.appendingPathComponent("鞍山.xlsx")
        try Data(sink.bytes).write(to: original)

        let source = try XLSXImporter().open(ImportSource(path: original.path), limits: .standard)
        let checked = try LedgerChecker(formSet: set).check(source, fileName: "鞍山.xlsx")
        let errors = checked.report.findings.filter { $0.severity == .error }
        #expect(Set(errors.map(\.code)) == [.invalidDate, .missingValue])
        // The return: the template holding the unit's values as sent, each finding at its row and field.
        var returned = LedgerDocument(form: document.form, formSet: set, unit: document.unit, period: document.period,
                                      header: document.header, rows: document.rows, purpose: .template)
        returned.rows["main"]![1]["deadline"] = .text("尽快")
        // Rows 1 and 3 (from 0) were spoiled: the template lays them out where the original had them.
        let annotations = errors.map { f in
            TemplateBuilder.Annotation(table: "main", row: f.code == .invalidDate ? 1 : 3, field: f.location.field!, finding: f)
        }
        let out = dir.appendingPathComponent("退回.xlsx")
        let written = MemorySink()
        try CorrectionWorkbook.write(returned, annotations: annotations, findings: checked.report.findings,
                                     fileName: "鞍山.xlsx", to: written)
        try Data(written.bytes).write(to: out)

        let refs = errors.compactMap { f in f.location.cellReference.map { "\(f.location.sheet!)!\($0)" } }
        #expect(refs.count == 2)
        let script = """
            import json, sys, openpyxl
            wb = openpyxl.load_workbook(sys.argv[1])
            out = {"sheets": wb.sheetnames, "list": [list(r) for r in wb["退回修改意见"].iter_rows(min_row=3, values_only=True)]}
            marks = {}
            for ref in sys.argv[2:]:
                sheet, cell = ref.split("!")
                c = wb[sheet][cell]
                marks[ref] = {"fill": c.fill.fgColor.rgb, "comment": c.comment.text if c.comment else None, "value": c.value}
            out["marks"] = marks
            props = {p.name: p.value for p in wb.custom_doc_props.props}
            out["form"] = props.get("taizhang.form")
            print(json.dumps(out, ensure_ascii=False, default=str))
            """
        let run = try ExternalProgram.python(script, [out.path] + refs)
        #expect(run.status == 0, "\(run.stderr)")
        let result = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as! [String: Any]
        let sheets = result["sheets"] as! [String]
        #expect(sheets.first == "退回修改意见")
        #expect(sheets.contains("整改工作台账"))
        #expect((result["list"] as! [[Any]]).count == 2)
        #expect(result["form"] as? String == "rectification")
        let marks = result["marks"] as! [String: [String: Any]]
        for ref in refs {
            #expect((marks[ref]?["fill"] as? String)?.hasSuffix("FFC7CE") == true, "\(ref)")
            #expect((marks[ref]?["comment"] as? String)?.hasPrefix("错误：") == true, "\(ref)")
        }
        #expect(marks.values.contains { $0["value"] as? String == "尽快" })
    }
}
