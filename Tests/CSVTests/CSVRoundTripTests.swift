import Foundation
import Testing
import TaizhangCore
import TaizhangForms
@testable import TaizhangCSV

@Suite struct CSVExportTests {
    func export(_ doc: LedgerDocument, _ exporter: CSVExporter = CSVExporter()) throws -> [UInt8] {
        let sink = MemorySink()
        try exporter.export(doc, to: sink)
        return sink.bytes
    }

    @Test func defaultIsUTF8WithBOMAndCRLF() throws {
        let bytes = try export(try Fixture.rectification())
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
        #expect(text.hasPrefix(Fixture.rectificationLabels.joined(separator: ",") + "\r\n"))
        // Every record end is CRLF: no LF without a CR before it, outside the quoted line break of row 1.
        let bare = text.replacingOccurrences(of: "\r\n", with: "").replacingOccurrences(of: "开展培训，\n加强监督", with: "")
        #expect(!bare.contains("\n"))
        #expect(text.hasSuffix("\r\n"))
    }

    @Test func noBOMAndLFOptions() throws {
        let bytes = try export(try Fixture.rectification(), CSVExporter(options: .init(byteOrderMark: false, crlf: false)))
        #expect(Array(bytes.prefix(3)) == Array("序".utf8))
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(!text.contains("\r\n"))
    }

    @Test func quotingFollowsRFC4180() throws {
        let text = try CSVExporter().csvText(try Fixture.rectification())
        #expect(text.contains(",\"执法人员未出示证件，态度\"\"生硬\"\"\",\"开展培训，\n加强监督\","))
        // A field with only full-width commas needs no quotes; an ASCII comma does.
        #expect(CSVExporter.field("甲，乙") == "甲，乙")
        #expect(CSVExporter.field("a,b") == "\"a,b\"")
    }

    @Test(arguments: [("=1+2", "'=1+2"), ("+1", "'+1"), ("-1+2", "'-1+2"), ("@SUM(A1)", "'@SUM(A1)"),
                      ("\tx", "'\tx"), ("\rx", "'\rx"), ("正常文本", "正常文本"), ("1=1", "1=1"), ("'已有", "'已有")])
    func injectionIsNeutralised(input: String, written: String) {
        #expect(CSVExporter.neutralised(input) == written)
    }

    @Test func numbersAreNotPrefixedButTextIs() throws {
        let set = try Fixture.formSet()
        #expect(CSVExporter.cellText(.integer(-3), formSet: set) == "-3")
        #expect(CSVExporter.cellText(.decimal(-1.5), formSet: set) == "-1.5")
        #expect(CSVExporter.cellText(.text("-3"), formSet: set) == "'-3")
        #expect(CSVExporter.cellText(.unit("dalian"), formSet: set) == "大连市工业和信息化局")
    }

    @Test func gb18030BytesAreGB18030() throws {
        let bytes = try export(try Fixture.rectification(), CSVExporter(encoding: .gb18030))
        // 序号 in GB18030 (= GBK here) is D0F2 BAC5; no BOM.
        #expect(Array(bytes.prefix(5)) == [0xD0, 0xF2, 0xBA, 0xC5, UInt8(ascii: ",")])
        #expect(String(validating: bytes, as: UTF8.self) == nil)
    }

    @Test func unencodableCharacterIsAnErrorNotAQuestionMark() throws {
        // GB18030 maps all of Unicode; GBK does not hold an emoji, which exercises the same path.
        let error = #expect(throws: ExportError.self) { try CSVExporter.encoded("序号\r\n问题😀", as: "GBK") }
        #expect(error?.message.contains("第 2 行") == true)
        #expect(error?.message.contains("U+1F600") == true)
    }

    @Test func otherTablesAndUnknownTable() throws {
        let set = try Fixture.formSet()
        let summary = set.form("summary")!
        let doc = LedgerDocument(form: summary, formSet: set, rows: [
            "models": [Record(values: ["seq": .integer(1), "model_name": .text("李四"), "deeds": .text("规范执法")])],
        ])
        let text = try CSVExporter(options: .init(byteOrderMark: false, table: "models")).csvText(doc)
        #expect(text == "序号,名称,所在单位,主要事迹,备注\r\n1,李四,,规范执法,\r\n")
        let first = try CSVExporter(options: .init(byteOrderMark: false)).csvText(doc)
        #expect(first.hasPrefix("序号,案例类型,案例名称,"))
        #expect(throws: ExportError.self) { try CSVExporter(options: .init(table: "nope")).csvText(doc) }
    }
}

@Suite struct CSVRoundTripTests {
    func roundTrip(_ exporter: CSVExporter, name: String = "沈阳整改台账.csv") throws -> (SheetSource, [SourceRow]) {
        let sink = MemorySink()
        try exporter.export(try Fixture.rectification(), to: sink)
        let path = try Fixture.file(name, sink.bytes)
        let source = try CSVImporter().open(ImportSource(path: path), limits: .standard)
        return (source, try source.allRows())
    }

    func check(_ rows: [SourceRow]) {
        #expect(rows.count == 4)
        #expect(rows.map(\.row) == [1, 2, 3, 4])
        #expect(rows.first?.cells.map { $0.value } == Fixture.rectificationLabels.map { .text($0) })
        #expect(rows.dropFirst().map(\.texts) == Fixture.expectedRectificationCells)
    }

    @Test func utf8WithBOM() throws {
        let (source, rows) = try roundTrip(CSVExporter())
        #expect(source.sheets == [SheetInfo(name: "沈阳整改台账")])
        #expect(source.properties.isEmpty)
        check(rows)
    }

    @Test func utf8WithoutBOMAndLF() throws {
        check(try roundTrip(CSVExporter(options: .init(byteOrderMark: false, crlf: false))).1)
    }

    @Test func gb18030() throws {
        check(try roundTrip(CSVExporter(encoding: .gb18030)).1)
    }
}
