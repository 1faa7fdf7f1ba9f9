import Foundation
import Testing
import TaizhangCore
import TaizhangForms
import TaizhangODS
import TaizhangPluginTesting
import TaizhangSamples
import TaizhangTestSupport
import TaizhangXLSX

/// The ODS reader: LibreOffice's .ods of Taizhang's templates and filled returns read cell for cell as
/// python-calamine reads them, template properties, repeated rows and columns, and hostile files.
@Suite(.serialized) struct ODSTests {
    static func folder(_ label: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("taizhang-ods-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @discardableResult
    static func python(_ script: String, _ arguments: [String] = [], input: Data? = nil) throws -> String {
        let run = try ExternalProgram.python(script, arguments, input: input)
        guard run.status == 0 else { throw SupportError("python3 failed: \(run.stderr)") }
        return run.stdout
    }

    /// Templates and filled returns of every form (Taizhang's XLSX writer), converted by LibreOffice in one run.
    static let files: Result<URL, any Error> = Result {
        let folder = try ODSTests.folder("clients")
        let formSet = try BuiltinForms.load()
        let unit = formSet.units[0]
        let period = YearMonth(year: 2024, month: 6)!
        for form in formSet.forms {
            let template = LedgerDocument(form: form, formSet: formSet, unit: unit, period: period, purpose: .template)
            var filled = SampleLedgers(formSet: formSet).document(form: form, unit: unit, period: period, rows: 40, seed: 11)
            filled.purpose = .template
            for (name, document) in [("template-\(form.id)", template), ("filled-\(form.id)", filled)] {
                let sink = MemorySink()
                try XLSXExporter().export(document, to: sink)
                try Data(sink.bytes).write(to: folder.appendingPathComponent(name + ".xlsx"))
            }
        }
        let sources = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil).filter { $0.pathExtension == "xlsx" }
        let run = try ExternalProgram.tool("soffice", ["-env:UserInstallation=file:///tmp/taizhang-lo-legacy-tests", "--headless",
                                                       "--convert-to", "ods", "--outdir", folder.path] + sources.map(\.path))
        guard run.status == 0 else { throw SupportError("soffice failed: \(run.stderr)") }
        return folder
    }

    static func open(_ url: URL, limits: ImportLimits = .standard) throws -> ODSSheetSource {
        try ODSImporter().openWorkbook(ImportSource(path: url.path), limits: limits)
    }

    static func cells(_ source: any SheetSource, sheet: Int = 0) throws -> [String: CellValue] {
        var result: [String: CellValue] = [:]
        try source.readRows(sheet: sheet) { row in
            for cell in row.cells { result[CellReference.columnName(cell.column) + String(row.row)] = cell.value }
            return true
        }
        return result
    }

    /// Writes an .ods with python's zipfile: `mimetype` first and stored, then the parts.
    static func ods(content: String, meta: String? = nil, mimetype: String = "application/vnd.oasis.opendocument.spreadsheet",
                    to url: URL) throws {
        let json = try JSONSerialization.data(withJSONObject: [mimetype, content, meta ?? ""])
        try python("""
            import json, sys, zipfile
            mimetype, content, meta = json.load(sys.stdin)
            with zipfile.ZipFile(sys.argv[1], 'w') as z:
                z.writestr(zipfile.ZipInfo('mimetype'), mimetype, zipfile.ZIP_STORED)
                z.writestr('content.xml', content, zipfile.ZIP_DEFLATED)
                if meta: z.writestr('meta.xml', meta, zipfile.ZIP_DEFLATED)
            """, [url.path], input: json)
    }

    static func content(_ tables: String, styles: String = "") -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" \
        xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" \
        xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" \
        xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0">\
        <office:automatic-styles>\(styles)</office:automatic-styles><office:body><office:spreadsheet>\(tables)</office:spreadsheet></office:body></office:document-content>
        """
    }

    static func refusal(_ url: URL, limits: ImportLimits = .standard) -> ImportError? {
        do {
            let source = try open(url, limits: limits)
            for index in source.sheets.indices {
                try source.readRows(sheet: index) { _ in true }
                _ = try source.mergedRanges(sheet: index)
            }
            return nil
        } catch let error as ImportError {
            return error
        } catch {
            return ImportError(.unreadable, file: "?", detail: "unexpected \(error)")
        }
    }

    @Test func importerConforms() throws {
        try ImporterConformance.run(ODSImporter())
        #expect(ODSImporter().recognises(prefix: Array("PK\u{3}\u{4}".utf8) + [UInt8](repeating: 0, count: 26) + Array("mimetypeapplication/vnd.oasis.opendocument.spreadsheet".utf8), fileName: "x"))
        #expect(!ODSImporter().recognises(prefix: [0x50, 0x4B, 0x03, 0x04, 0, 0, 0, 0], fileName: "book.xlsx"))
    }

    /// Every cell of every sheet, with its type, as python-calamine reads it; the template properties kept.
    @Test func agreesWithCalamine() throws {
        let folder = try Self.files.get()
        let files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "ods" }.sorted { $0.path < $1.path }
        #expect(files.count == 8)
        let script = try TestScripts.dumpCells()
        let json = try Self.python(script, ["calamine"] + files.map(\.path))
        let theirs = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: [String: [String: Any]]]
        for file in files {
            let source = try Self.open(file)
            let xlsx = try XLSXImporter().openWorkbook(ImportSource(path: file.deletingPathExtension().appendingPathExtension("xlsx").path))
            #expect(source.properties.filter { $0.key.hasPrefix("taizhang.") } == xlsx.properties, "\(file.lastPathComponent)")
            #expect(source.sheets == xlsx.sheets, "\(file.lastPathComponent)")
            #expect(try source.scanSheets(skimming: false) == source.sheets, "\(file.lastPathComponent)")
            for (index, sheet) in source.sheets.enumerated() {
                let ours = try Self.cells(source, sheet: index).compactMapValues { value -> [String]? in
                    switch value {
                    case .empty, .error: return nil
                    case .text(let s): return ["text", s]
                    case .number(let n): return ["number", String(n)]
                    case .boolean(let b): return ["number", b ? "1.0" : "0.0"]  // calamine gives ODS booleans as numbers
                    case .date(let d, let s):
                        return ["date", d.iso + String(format: "T%02d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)]
                    }
                }
                let cells = (theirs[file.path]?[sheet.name]?["cells"] as? [String: [Any]] ?? [:]).mapValues { pair -> [String] in
                    if let n = pair[1] as? NSNumber, pair[0] as? String == "number" { return ["number", String(n.doubleValue)] }
                    return [pair[0] as! String, "\(pair[1])"]
                }
                #expect(ours == cells, "\(file.lastPathComponent) \(sheet.name)")
            }
        }
    }

    /// Types, dates, text paragraphs and spaces, merges and covered cells, hidden sheets, user-defined properties,
    /// and repeated rows and columns (LibreOffice's 1,048,553 empty rows cost nothing).
    @Test func handMadeContent() throws {
        let folder = try Self.folder("hand")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("台账.ods")
        let styles = #"<style:style style:name="ta2" style:family="table"><style:table-properties table:display="false"/></style:style>"#
        let tables = #"""
            <table:table table:name="数据"><table:table-column table:number-columns-repeated="3"/>\
            <table:table-row><table:table-cell table:number-columns-spanned="2" office:value-type="string"><text:p>标题</text:p></table:table-cell><table:covered-table-cell/><table:table-cell office:value-type="float" office:value="3.5"><text:p>3.5</text:p></table:table-cell></table:table-row>\
            <table:table-row><table:table-cell office:value-type="date" office:date-value="2024-06-30"/><table:table-cell office:value-type="date" office:date-value="2024-06-30T08:00:00"/><table:table-cell office:value-type="boolean" office:boolean-value="true"/><table:table-cell office:value-type="string" calcext:value-type="error"><text:p>#N/A</text:p></table:table-cell></table:table-row>\
            <table:table-row table:number-rows-repeated="2"><table:table-cell table:number-columns-repeated="2" office:value-type="string"><text:p>a<text:s text:c="2"/>b</text:p><text:p>第二段<text:tab/>c</text:p><office:annotation><text:p>批注</text:p></office:annotation></table:table-cell></table:table-row>\
            <table:table-row table:number-rows-repeated="1048570"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>\
            </table:table><table:table table:name="选项" table:style-name="ta2"><table:table-row><table:table-cell office:value-type="percentage" office:value="0.25"/></table:table-row></table:table>
            """#
        let meta = #"<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"><office:meta><meta:user-defined meta:name="taizhang.form">rectification</meta:user-defined></office:meta></office:document-meta>"#
        try Self.ods(content: Self.content(tables, styles: styles), meta: meta, to: url)
        let source = try Self.open(url)
        #expect(source.properties == ["taizhang.form": "rectification"])
        #expect(source.sheets == [SheetInfo(name: "数据"), SheetInfo(name: "选项", isHidden: true)])
        let date = CivilDate(year: 2024, month: 6, day: 30)!
        #expect(try Self.cells(source) == [
            "A1": .text("标题"), "C1": .number(3.5),
            "A2": .date(date, secondsIntoDay: 0), "B2": .date(date, secondsIntoDay: 8 * 3600), "C2": .boolean(true), "D2": .error("#N/A"),
            "A3": .text("a  b\n第二段\tc"), "B3": .text("a  b\n第二段\tc"), "A4": .text("a  b\n第二段\tc"), "B4": .text("a  b\n第二段\tc"),
        ])
        #expect(try source.mergedRanges(sheet: 0).map(\.a1) == ["A1:B1"])
        #expect(try Self.cells(source, sheet: 1) == ["A1": .number(0.25)])
    }

    /// Opening lists the sheets (hidden ones from the styles before the body) without parsing the tables' rows:
    /// a 20,000-row first sheet whose rows carry the markup a byte scanner could lose its way in (comments, CDATA
    /// and processing instructions holding `</table:table>`, `>` and `/>` inside quoted attribute values, a table
    /// nested in a cell), a self-closing table, and a table after them; the rows are then read as before.
    @Test func openingSkipsTheRows() throws {
        let folder = try Self.folder("skim")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("大表.ods")
        let styles = #"<style:style style:name="ta2" style:family="table"><style:table-properties table:display="false"/></style:style>"#
        var rows = ""
        for i in 0..<20_000 {
            rows += #"<table:table-row table:style-name='r">1'><!-- </table:table> <table:table table:name="假"> -->"#
            rows += #"<table:table-cell table:formula="of:=[.A1]>0" calcext:x="/>" office:value-type="string"><text:p>行\#(i)<![CDATA[</table:table>]]></text:p></table:table-cell>"#
            rows += #"<?taizhang </table:table> ?><table:table-cell office:value-type="float" office:value="\#(i)"/>"#
            if i % 1000 == 7 {
                rows += #"<table:table-cell><table:table table:name="内嵌"><table:table-row><table:table-cell/></table:table-row></table:table></table:table-cell>"#
            }
            rows += "</table:table-row>"
        }
        let tables = #"<table:table table:name="数据">\#(rows)</table:table><table:table table:name="空" table:style-name="ta2"/>"#
            + #"<table:table table:name="选项" table:style-name="ta2"><table:table-row><table:table-cell office:value-type="float" office:value="7"/></table:table-row></table:table>"#
        let content = Self.content(tables, styles: styles)
        try Self.ods(content: content, to: url)
        let source = try Self.open(url)
        #expect(source.sheets == [SheetInfo(name: "数据"), SheetInfo(name: "空", isHidden: true), SheetInfo(name: "选项", isHidden: true)])
        #expect(try source.scanSheets(skimming: false) == source.sheets)
        // Only the styles and the table start and end tags were parsed.
        let size = content.utf8.count
        #expect(source.openingBytesParsed < 3_000, "\(source.openingBytesParsed) of \(size) bytes parsed")
        #expect(source.openingBytesSkipped > size - 3_000)
        var count = 0, sum = 0.0, first: CellValue?
        try source.readRows(sheet: 0) { row in
            count += 1
            if row.row == 1 { first = row.cells.first?.value }
            if case .number(let n) = row.cells.last?.value { sum += n }
            return true
        }
        #expect(count == 20_000)
        #expect(first == .text("行0</table:table>"))
        #expect(sum == Double(19_999 * 20_000 / 2))
        #expect(try Self.cells(source, sheet: 1).isEmpty)
        #expect(try Self.cells(source, sheet: 2) == ["A1": .number(7)])
        // A table cut short is refused when opening, as before.
        try Self.ods(content: String(content.prefix(content.count / 2)), to: url)
        #expect(Self.refusal(url)?.reason == .malformed)
    }

    /// The byte-level readings of `office:value` and `office:date-value` agree with the string readings.
    @Test func valueFastPathsAgree() throws {
        let numbers = ["1", "-2.5", "1e3", "27586.78", " 1.5", "1.5\t", "\u{3000}2\u{3000}", "\u{A0}3", "1\n", "", "abc", "0x10", "inf", "nan", "1.5.5", "+7"]
        for text in numbers {
            let expected = Double(text.trimmingCharacters(in: .whitespaces))
            let ours = text.withCString { $0.withMemoryRebound(to: UInt8.self, capacity: text.utf8.count + 1) { ODSSheetSource.parseNumber($0) } }
            #expect(ours?.bitPattern == expected?.bitPattern || (ours?.isNaN == true && expected?.isNaN == true), "\(text.debugDescription)")
        }
        let dates = ["2024-06-30", "2024-02-30", "2024-13-01", "0000-01-01", "2024-6-30", "2024-06-3x", "+024-06-30", "2024-06-30T08:00:00", "2024/06/30", ""]
        for text in dates {
            let expected = ODSSheetSource.parseDate(text)
            let ours = text.withCString { $0.withMemoryRebound(to: UInt8.self, capacity: text.utf8.count + 1) { ODSSheetSource.parseDate($0) } }
            #expect(ours?.0 == expected?.0 && ours?.1 == expected?.1, "\(text)")
        }
    }

    @Test func hostileFiles() throws {
        let folder = try Self.folder("hostile")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("报送.ods")
        func refused(_ tables: String, limits: ImportLimits = .standard) throws -> ImportError? {
            try Self.ods(content: Self.content(tables), to: url)
            return Self.refusal(url, limits: limits)
        }
        // 1,048,576 repeated rows with content, after a first row: past the last row.
        let many = try refused(#"<table:table table:name="S"><table:table-row><table:table-cell office:value-type="float" office:value="1"/></table:table-row><table:table-row table:number-rows-repeated="1048576"><table:table-cell office:value-type="float" office:value="1"/></table:table-row></table:table>"#)
        #expect(many?.reason == .tooLarge)
        #expect(many?.description.contains("报送.ods") == true)
        // Repeated rows within the row cap.
        #expect(try refused(#"<table:table table:name="S"><table:table-row table:number-rows-repeated="10"><table:table-cell office:value-type="float" office:value="1"/></table:table-row></table:table>"#, limits: ImportLimits(maxRows: 9))?.reason == .tooLarge)
        // A cell repeated past the last column; and past the cell cap.
        #expect(try refused(#"<table:table table:name="S"><table:table-row><table:table-cell table:number-columns-repeated="20000" office:value-type="float" office:value="1"/></table:table-row></table:table>"#)?.reason == .tooLarge)
        let wide = try refused(#"<table:table table:name="S"><table:table-row table:number-rows-repeated="100000"><table:table-cell table:number-columns-repeated="16384" office:value-type="float" office:value="1"/></table:table-row></table:table>"#)
        #expect(wide?.reason == .tooLarge)
        // Broken XML, a DOCTYPE (entity expansion), another ODF document, a zip without content.xml.
        #expect(try refused("<table:table table:name=\"S\"><table:table-row>")?.reason == .malformed)
        try Self.ods(content: "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"aaaa\">]><x>&a;</x>", to: url)
        #expect(Self.refusal(url)?.reason == .unsafeContent)
        try Self.ods(content: Self.content(""), mimetype: "application/vnd.oasis.opendocument.text", to: url)
        #expect(Self.refusal(url)?.reason == .notSpreadsheet)
        // An empty date value (it used to crash the reader): the cell's text counts.
        #expect(try refused(#"<table:table table:name="S"><table:table-row><table:table-cell office:value-type="date" office:date-value=""><text:p>x</text:p></table:table-cell></table:table-row></table:table>"#) == nil)
        #expect(try Self.cells(Self.open(url)) == ["A1": .text("x")])
        // An empty spreadsheet is an empty spreadsheet.
        try Self.ods(content: Self.content(""), to: url)
        #expect(Self.refusal(url) == nil)
        #expect(try Self.open(url).sheets.isEmpty)
    }

    /// Damaged copies of a real LibreOffice .ods (bytes changed, or cut short) are read or refused with an
    /// ImportError; never a crash or a hang.
    @Test func damagedFilesNeverCrash() throws {
        let good = [UInt8](try Data(contentsOf: Self.files.get().appendingPathComponent("filled-rectification.ods")))
        let folder = try Self.folder("fuzz")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("报送.ods")
        var generator = SplitMix(seed: 20240630)
        var damaged: [[UInt8]] = stride(from: 1, to: good.count, by: max(1, good.count / 100)).map { Array(good[0..<$0]) }
        for _ in 0..<250 {
            var copy = good
            for _ in 0..<Int(generator.next() % 4 + 1) {
                copy[Int(generator.next() % UInt64(copy.count))] = UInt8(truncatingIfNeeded: generator.next())
            }
            damaged.append(copy)
        }
        var refused = 0
        for bytes in damaged {
            try Data(bytes).write(to: url)
            if let error = Self.refusal(url) {
                refused += 1
                #expect(error.file == "报送.ods", "\(error)")
            }
        }
        #expect(refused > 0)
    }
}
