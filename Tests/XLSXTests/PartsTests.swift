import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import TaizhangCore
import TaizhangOOXML
@testable import TaizhangXLSX

/// The parts' XML, checked by parsing it back and by looking at key elements.
@Suite struct PartsTests {
    @Test func xmlWriterEscapesAndFormats() throws {
        let w = try XMLWriter()
        w.start("a")
        w.attribute("x", "1 < 2 & \"q\"")
        w.attribute("n", -120)
        w.text("<b>&")
        w.end()
        let xml = String(decoding: try w.finish() ?? [], as: UTF8.self)
        #expect(xml.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"))
        #expect(xml.contains("x=\"1 &lt; 2 &amp; &quot;q&quot;\""))
        #expect(xml.contains("n=\"-120\""))
        #expect(xml.contains(">&lt;b&gt;&amp;</a>"))
    }

    @Test func fileWriterTakesPathsLiterally() throws {
        let dir = try WriterSupport.temporaryDirectory("pct")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/a%41 空格.xml"
        let w = try XMLWriter(path: path)
        w.element("t", "台账")
        try w.finish()
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("<t>台账</t>"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/aA 空格.xml"))
    }

    @Test func cellReferencesAndColumnNames() {
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: 32)
        defer { buffer.deallocate() }
        for (row, column, expected) in [(1, 1, "A1"), (10, 26, "Z10"), (7, 27, "AA7"), (1_048_576, 16_384, "XFD1048576")] {
            let n = XMLWriter.formatReference(row: row, column: column, into: buffer)
            #expect(String(decoding: UnsafeBufferPointer(start: buffer, count: n), as: UTF8.self) == expected)
            #expect(CellRange.reference(row: row, column: column) == expected)
        }
    }

    @Test func controlCharactersAreEscaped() {
        #expect(ExcelText.escape("普通文本") == "普通文本")
        #expect(ExcelText.escape("a\u{1}b") == "a_x0001_b")
        #expect(ExcelText.escape("a\rb") == "a_x000D_b")
        #expect(ExcelText.escape("tab\tand\nline") == "tab\tand\nline")
        #expect(ExcelText.escape("_x0041_") == "_x005F_x0041_")  // the underscore itself becomes _x005F_
        #expect(ExcelText.escape("snake_case_x") == "snake_case_x")
    }

    @Test func sheetNamesFollowExcelRules() throws {
        let book = try Workbook()
        defer { book.removeTemporaryFiles() }
        try book.addSheet("整改工作台账")
        #expect(throws: ExportError.self) { try book.addSheet("整改工作台账") }
        #expect(throws: ExportError.self) { try book.addSheet("a/b") }
        #expect(throws: ExportError.self) { try book.addSheet("问题[1]") }
        #expect(throws: ExportError.self) { try book.addSheet(String(repeating: "表", count: 32)) }
        #expect(throws: ExportError.self) { try book.addSheet("") }
        try book.addSheet(String(repeating: "表", count: 31))
        do {
            try book.addSheet("x?")
            Issue.record("accepted ?")
        } catch {
            #expect(error.message.contains("不允许的字符"))
        }
    }

    @Test func overlongTextIsRefused() throws {
        let book = try Workbook()
        defer { book.removeTemporaryFiles() }
        let sheet = try book.addSheet("表")
        try sheet.writeRow([.text(String(repeating: "字", count: 32_767))])
        #expect(throws: ExportError.self) { try sheet.writeRow([.text(String(repeating: "字", count: 32_768))]) }
    }

    @Test func longLiteralListIsRefused() throws {
        let book = try Workbook()
        defer { book.removeTemporaryFiles() }
        let sheet = try book.addSheet("表")
        sheet.addValidation(DataValidation(ranges: [CellRange(row: 1, column: 1)],
                                           rule: .list((1...100).map { "选项\($0)" })))
        let dir = try WriterSupport.temporaryDirectory("list")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(throws: ExportError.self) { try book.save(to: dir + "/x.xlsx") }
    }

    @Test func workbookPartsAreWellFormedAndSayWhatTheyShould() throws {
        let book = try Workbook()
        defer { book.removeTemporaryFiles() }
        book.properties.custom = ["taizhang.form": "rectification", "taizhang.unit": "shenyang"]
        let bold = book.style(CellFormat(bold: true, border: true))
        let date = book.style(CellFormat(numberFormat: CellFormat.chineseDate, locked: false))
        let sheet = try book.addSheet("台账")
        sheet.setColumn(1, width: 20)
        sheet.freeze(rows: 2)
        sheet.printSetup = PrintSetup(titleRows: 2...2)
        try sheet.writeRow([.text("标题", bold), .text(" 前后空格 ")])
        try sheet.writeRow([Cell(.date(CivilDate(year: 2024, month: 6, day: 30)!), style: date), .number(42.5),
                            Cell(.boolean(true)), Cell(.formula("SUM(B2:B2)"))], height: 30)
        sheet.merge(CellRange(firstRow: 1, firstColumn: 1, lastRow: 1, lastColumn: 3))
        sheet.autoFilter = CellRange(firstRow: 2, firstColumn: 1, lastRow: 5, lastColumn: 4)
        sheet.addComment(row: 1, column: 1, text: "说明")
        let hidden = try book.addSheet("选项")
        hidden.isHidden = true
        try hidden.writeRow([.text("标题")])  // repeated text: one shared string
        let dir = try WriterSupport.temporaryDirectory("parts")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/parts.xlsx"
        try book.save(to: path)

        let names = try WriterSupport.python(
            "import sys, zipfile\nprint('\\n'.join(zipfile.ZipFile(sys.argv[1]).namelist()))", [path])
            .split(separator: "\n").map(String.init)
        #expect(names.first == "[Content_Types].xml")
        for part in ["_rels/.rels", "docProps/core.xml", "docProps/app.xml", "docProps/custom.xml", "xl/workbook.xml",
                     "xl/styles.xml", "xl/sharedStrings.xml", "xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml",
                     "xl/comments1.xml", "xl/drawings/vmlDrawing1.vml", "xl/worksheets/_rels/sheet1.xml.rels"] {
            #expect(names.contains(part), "missing \(part)")
        }
        // Every XML part parses.
        for part in names {
            let text = try WriterSupport.entry(part, in: path)
            #expect((try? XMLDocument(xmlString: text)) != nil, "\(part) is not well-formed")
        }
        let sheetXML = try WriterSupport.entry("xl/worksheets/sheet1.xml", in: path)
        #expect(sheetXML.contains("<pane ySplit=\"2\" topLeftCell=\"A3\" activePane=\"bottomLeft\" state=\"frozen\"/>"))
        #expect(sheetXML.contains("<c r=\"A2\" s=\"2\"><v>45473</v></c>"))  // 2024-06-30
        #expect(sheetXML.contains("<c r=\"B2\"><v>42.5</v></c>"))
        #expect(sheetXML.contains("<c r=\"C2\" t=\"b\"><v>1</v></c>"))
        #expect(sheetXML.contains("<f>SUM(B2:B2)</f>"))
        #expect(sheetXML.contains("<row r=\"2\" ht=\"30\" customHeight=\"1\">"))
        #expect(sheetXML.contains("<mergeCell ref=\"A1:C1\"/>"))
        #expect(sheetXML.contains("<autoFilter ref=\"A2:D5\"/>"))
        #expect(sheetXML.contains("<legacyDrawing r:id=\"rId2\"/>"))
        #expect(sheetXML.contains("<oddFooter>&amp;C第 &amp;P 页 共 &amp;N 页</oddFooter>"))
        #expect(sheetXML.contains("paperSize=\"9\"") && sheetXML.contains("orientation=\"landscape\""))
        let sst = try WriterSupport.entry("xl/sharedStrings.xml", in: path)
        #expect(sst.components(separatedBy: "<si>").count - 1 == 2)
        #expect(sst.contains("count=\"3\" uniqueCount=\"2\""))
        #expect(sst.contains("<t xml:space=\"preserve\"> 前后空格 </t>"))
        let workbookXML = try WriterSupport.entry("xl/workbook.xml", in: path)
        #expect(workbookXML.contains("<sheet name=\"选项\" sheetId=\"2\" state=\"hidden\" r:id=\"rId2\"/>"))
        #expect(workbookXML.contains("<definedName name=\"_xlnm.Print_Titles\" localSheetId=\"0\">'台账'!$2:$2</definedName>"))
        #expect(workbookXML.contains("_xlnm._FilterDatabase"))
        let styles = try WriterSupport.entry("xl/styles.xml", in: path)
        #expect(styles.contains("formatCode=\"yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;\""))
        #expect(styles.contains("<name val=\"宋体\"/>"))
        #expect(styles.contains("<protection locked=\"0\"/>"))
        let custom = try WriterSupport.entry("docProps/custom.xml", in: path)
        #expect(custom.contains("name=\"taizhang.form\"><vt:lpwstr>rectification</vt:lpwstr>"))
        let types = try WriterSupport.entry("[Content_Types].xml", in: path)
        #expect(types.contains("PartName=\"/xl/comments1.xml\""))
        #expect(types.contains("Extension=\"vml\""))
    }

    @Test func sharedStringsAreWrittenOnceAndEscaped() throws {
        let dir = try WriterSupport.temporaryDirectory("sst")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let sst = try SharedStringsPart(path: dir + "/sst.xml")
        let long = String(repeating: "长", count: 100)  // 300 UTF-8 bytes: not cached
        let a = sst.index(of: "已整改")
        let b = sst.index(of: "正在整改")
        #expect(sst.index(of: "已整改") == a)
        #expect(a != b)
        let l1 = sst.index(of: long)
        let l2 = sst.index(of: long)
        #expect(l1 != l2)  // long texts are written again rather than cached
        let c = sst.index(of: "a<b>&c\u{1}")
        #expect(sst.index(of: "a<b>&c\u{1}") == c)
        _ = sst.index(of: " 空格 ")
        for i in 0..<5000 { _ = sst.index(of: "第\(i)条") }  // forces the table to grow
        #expect(sst.index(of: "第17条") == c + 2 + 17)
        #expect(sst.index(of: "已整改") == a)
        try sst.finish()
        let xml = try String(contentsOfFile: dir + "/sst.xml", encoding: .utf8)
        #expect((try? XMLDocument(xmlString: xml)) != nil)
        #expect(xml.contains("<si><t>a&lt;b&gt;&amp;c_x0001_</t></si>"))
        #expect(xml.contains("<si><t xml:space=\"preserve\"> 空格 </t></si>"))
        #expect(xml.components(separatedBy: "<si>").count - 1 == sst.count)
        #expect(sst.count == 2 + 2 + 1 + 1 + 5000)
        #expect(sst.references == 11 + 4999)
        #expect(xml.contains("<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"5010\" uniqueCount=\"5006\""))
    }

    @Test func rowsGoToDiskAsTheyAreWritten() throws {
        let book = try Workbook()
        defer { book.removeTemporaryFiles() }
        let sheet = try book.addSheet("流式")
        func sheetFileSize() throws -> Int {
            try FileManager.default.attributesOfItem(atPath: sheet.path)[.size] as? Int ?? 0
        }
        var sizes: [Int] = []
        for batch in 0..<4 {
            for i in 0..<5_000 {
                try sheet.writeRow([.number(Double(batch * 5_000 + i)), .text("第\(i)行执法问题描述")])
            }
            sizes.append(try sheetFileSize())
        }
        // Each batch of rows has reached the file before the workbook is saved.
        #expect(sizes[0] > 50_000)
        for k in 1..<sizes.count { #expect(sizes[k] > sizes[k - 1] + 50_000, "\(sizes)") }
    }

    @Test func exporterRefusesOverlongCellsInChinese() throws {
        let set = try WriterSupport.formSet()
        let form = set.form("self-check")!
        let record = Record(values: ["description": .text(String(repeating: "长", count: 40_000))])
        let document = LedgerDocument(form: form, formSet: set, rows: ["main": [record]], purpose: .data)
        do {
            try XLSXExporter().export(document, to: MemorySink())
            Issue.record("an overlong cell was accepted")
        } catch let error as ExportError {
            #expect(error.message.contains("32767"))
            #expect(error.message.contains("工作表“自查台账”"))
        }
    }

    @Test func outputIsReproducibleAndWithoutZip64() throws {
        func build(_ path: String) throws {
            let book = try Workbook()
            defer { book.removeTemporaryFiles() }
            let sheet = try book.addSheet("表")
            for i in 1...50 { try sheet.writeRow([.text("第\(i)行"), .number(Double(i))]) }
            try book.save(to: path)
        }
        let dir = try WriterSupport.temporaryDirectory("repro")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try build(dir + "/a.xlsx")
        try build(dir + "/b.xlsx")
        let a = try Data(contentsOf: URL(fileURLWithPath: dir + "/a.xlsx"))
        let b = try Data(contentsOf: URL(fileURLWithPath: dir + "/b.xlsx"))
        #expect(a == b)
        // No ZIP64 end-of-central-directory record (signature PK\x06\x06) in a small file.
        #expect(a.range(of: Data([0x50, 0x4B, 0x06, 0x06])) == nil)
        #expect(a.range(of: Data([0x50, 0x4B, 0x05, 0x06])) != nil)
    }
}
