import Foundation
import Testing
import TaizhangCore
import TaizhangCSV

@Suite struct JSONExportTests {
    func parsed(_ doc: LedgerDocument) throws -> [String: Any] {
        let sink = MemorySink()
        try JSONLedgerExporter().export(doc, to: sink)
        let object = try JSONSerialization.jsonObject(with: Data(sink.bytes))
        return try #require(object as? [String: Any])
    }

    @Test func shapeAndTypes() throws {
        var doc = try Fixture.rectification()
        doc.header = ["unit": .unit("shenyang"), "report_date": .date(CivilDate(year: 2024, month: 6, day: 20)!),
                      "period": .period(YearMonth(year: 2024, month: 6)!), "filler": .text("王五")]
        let json = try parsed(doc)
        #expect(json["form"] as? String == "rectification")
        #expect(json["formVersion"] as? String == doc.form.version)
        #expect(json["period"] as? String == "2024-06")
        let unit = try #require(json["unit"] as? [String: Any])
        #expect(unit["id"] as? String == "shenyang")
        #expect(unit["name"] as? String == "沈阳市工业和信息化局")
        let header = try #require(json["header"] as? [String: Any])
        #expect(header["report_date"] as? String == "2024-06-20")
        #expect(header["unit"] as? String == "shenyang")
        let tables = try #require(json["tables"] as? [String: Any])
        let main = try #require(tables["main"] as? [[String: Any]])
        #expect(main.count == 3)
        #expect((main[0]["seq"] as? NSNumber)?.intValue == 1)
        #expect(main[0]["seq"] is NSNumber && !(main[0]["seq"] is String))
        #expect(main[0]["deadline"] as? String == "2024-06-30")
        #expect(main[0]["accountability"] as? Bool == true)
        #expect(main[0]["exemption"] as? Bool == false)
        #expect(main[0]["measures"] as? String == "开展培训，\n加强监督")
        #expect(main[0]["description"] as? String == "执法人员未出示证件，态度\"生硬\"")
        // No injection prefix in JSON: it is data for programs, not a spreadsheet.
        #expect(main[0]["accountability_detail"] as? String == "=HYPERLINK(\"http://x\")")
        #expect(main[1]["deadline"] as? String == "长期坚持")
        #expect(main[1]["remarks"] as? String == "\t缩进")
        #expect(main[1]["done_date"] == nil)
    }

    @Test func booleansAreJSONBooleans() throws {
        // JSONSerialization gives NSNumber for both; check the text itself.
        let sink = MemorySink()
        try JSONLedgerExporter().export(try Fixture.rectification(), to: sink)
        let text = String(decoding: sink.bytes, as: UTF8.self)
        #expect(text.contains("\"accountability\": true"))
        #expect(text.contains("\"exemption\": false"))
        #expect(text.contains("\"seq\": 1,"))
        #expect(!text.hasPrefix("\u{FEFF}"))
    }

    @Test func emptyDocumentAndEveryTable() throws {
        let set = try Fixture.formSet()
        let doc = LedgerDocument(form: set.form("summary")!, formSet: set, header: [
            "resolved_problems_total": .integer(12), "unit_head": .text("控制\u{1}字符"),
        ])
        let json = try parsed(doc)
        #expect(json["unit"] is NSNull)
        #expect(json["period"] is NSNull)
        let tables = try #require(json["tables"] as? [String: Any])
        #expect(Set(tables.keys) == ["cases", "models"])
        #expect((tables["cases"] as? [Any])?.isEmpty == true)
        let header = try #require(json["header"] as? [String: Any])
        #expect((header["resolved_problems_total"] as? NSNumber)?.intValue == 12)
        #expect(header["unit_head"] as? String == "控制\u{1}字符")
    }

    @Test func nonFiniteDecimalIsAnError() throws {
        let set = try Fixture.formSet()
        let doc = LedgerDocument(form: set.form("summary")!, formSet: set, header: ["x": .decimal(.nan)])
        #expect(throws: ExportError.self) { try JSONLedgerExporter().export(doc, to: MemorySink()) }
    }
}
