import Foundation
import TaizhangTestSupport
import Testing
import TaizhangCore
import TaizhangForms
import TaizhangSamples
import TaizhangXLS
import TaizhangXLSX

/// Files LibreOffice converts to .xls from workbooks Taizhang and openpyxl write (made at run time, in one
/// soffice run), read cell for cell as python's `xlrd` and `python-calamine` read them.
@Suite(.serialized) struct XLSClientTests {
    typealias S = XLSSupport

    static let makeScript = #"""
        import datetime, sys, openpyxl
        from openpyxl.packaging.custom import StringProperty
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "整改台账"
        ws["A1"] = "辽宁省行政执法突出问题专项整治台账"
        ws.merge_cells("A1:H1")
        ws.append(["单位", "件数", "金额", "已整改", "整改时限", "发现时间", "合计", "错误"])
        ws.append(["沈阳市公安局", 12, 3.5, True, datetime.date(2024, 6, 30), datetime.datetime(2024, 6, 30, 8, 0, 0), "=B3*2", "=NA()"])
        ws.append(["大连市\n交通局", -7, 1234567.891, False, datetime.date(1900, 3, 1), None, "=B4*2", '="整改"&"完成"'])
        ws["E3"].number_format = 'yyyy"年"m"月"d"日"'
        ws["E4"].number_format = 'yyyy"年"m"月"d"日"'
        ws["F3"].number_format = "yyyy-mm-dd hh:mm:ss"
        for r in range(5, 1200):  # enough strings for the SST to need CONTINUE records
            ws.cell(r, 1, f"第{r}行：问题描述" + "长文本" * (r % 7))
            ws.cell(r, 2, r * 1.5)
        hidden = wb.create_sheet("选项")
        hidden.sheet_state = "hidden"
        hidden.append(["是"])
        hidden.append(["否"])
        wb.custom_doc_props.append(StringProperty(name="taizhang.form", value="rectification"))
        wb.custom_doc_props.append(StringProperty(name="taizhang.unit", value="沈阳市公安局"))
        wb.save(sys.argv[1] + "/client.xlsx")
        """#

    /// The files: openpyxl's workbook, a template and a filled return of each form (Taizhang's XLSX writer), and
    /// LibreOffice's .xls of each.
    static let files: Result<URL, any Error> = Result {
        let folder = try S.temporaryFolder("clients")
        try S.python(makeScript, [folder.path])
        let formSet = try BuiltinForms.load()
        let unit = formSet.units[0]
        let period = YearMonth(year: 2024, month: 6)!
        let samples = SampleLedgers(formSet: formSet)
        for form in formSet.forms {
            let template = LedgerDocument(form: form, formSet: formSet, unit: unit, period: period, purpose: .template)
            var filled = samples.document(form: form, unit: unit, period: period, rows: 40, seed: 11)
            filled.purpose = .template
            for (name, document) in [("template-\(form.id)", template), ("filled-\(form.id)", filled)] {
                let sink = MemorySink()
                try XLSXExporter().export(document, to: sink)
                try Data(sink.bytes).write(to: folder.appendingPathComponent(name + ".xlsx"))
            }
        }
        let sources = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "xlsx" }
        try S.soffice(sources, to: "xls", in: folder)
        return folder
    }

    static var xlsFiles: [URL] {
        get throws {
            try FileManager.default.contentsOfDirectory(at: files.get(), includingPropertiesForKeys: nil)
                .filter { $0.pathExtension == "xls" }.sorted { $0.path < $1.path }
        }
    }

    /// A cell as the python dump writes it: `[type, value]`.
    static func typed(_ value: CellValue) -> [String] {
        switch value {
        case .empty: return []
        case .text(let s): return ["text", s]
        case .number(let n): return ["number", String(n)]
        case .date(let d, let seconds):
            return ["date", d.iso + String(format: "T%02d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)]
        case .boolean(let b): return ["boolean", String(b)]
        case .error(let e): return ["error", e]
        }
    }

    static func pythonCells(_ reader: String, _ files: [URL]) throws -> [String: [String: [String: [String]]]] {
        let script = try TestScripts.dumpCells()
        let json = try S.python(script, [reader] + files.map(\.path))
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: [String: [String: Any]]]
        var result: [String: [String: [String: [String]]]] = [:]
        for (file, sheets) in object {
            for (sheet, info) in sheets {
                let cells = info["cells"] as! [String: [Any]]
                result[file, default: [:]][sheet] = cells.mapValues { pair in
                    let value: String
                    switch pair[1] {
                    case let b as Bool where pair[0] as! String == "boolean": value = String(b)
                    case let n as NSNumber where pair[0] as! String == "number": value = String(n.doubleValue)
                    default: value = "\(pair[1])"
                    }
                    return [pair[0] as! String, value]
                }
            }
        }
        return result
    }

    static func ourCells(_ url: URL) throws -> [String: [String: [String]]] {
        let source = try S.open(url)
        var result: [String: [String: [String]]] = [:]
        for (index, sheet) in source.sheets.enumerated() {
            result[sheet.name] = try S.cells(source, sheet: index).mapValues(typed)
        }
        return result
    }

    /// Every cell of every sheet, with its type, as xlrd reads it.
    @Test func agreesWithXlrd() throws {
        let files = try Self.xlsFiles
        #expect(files.count == 9)
        let theirs = try Self.pythonCells("xlrd", files)
        for file in files {
            let ours = try Self.ourCells(file)
            #expect(ours == theirs[file.path], "\(file.lastPathComponent)")
        }
    }

    /// The same against python-calamine (which drops error values and gives integers for whole numbers).
    @Test func agreesWithCalamine() throws {
        let files = try Self.xlsFiles
        let theirs = try Self.pythonCells("calamine", files)
        for file in files {
            let ours = try Self.ourCells(file).mapValues { $0.filter { $0.value.first != "error" } }
            #expect(ours == theirs[file.path], "\(file.lastPathComponent)")
        }
    }

    /// The openpyxl workbook in detail: types, dates by format, hidden sheets, merges, the SST over many records.
    @Test func libreOfficeConversion() throws {
        let source = try S.open(Self.files.get().appendingPathComponent("client.xls"))
        #expect(!source.isBIFF5)
        #expect(source.sheets == [SheetInfo(name: "整改台账"), SheetInfo(name: "选项", isHidden: true)])
        #expect(try source.mergedRanges(sheet: 0) == [MergedRange("A1:H1")!])
        let cells = try S.cells(source)
        #expect(cells["E3"] == S.date(2024, 6, 30))
        #expect(cells["F3"] == S.date(2024, 6, 30, 8 * 3600))
        #expect(cells["H3"] == .error("#N/A"))
        #expect(cells["H4"] == .text("整改完成"))
        #expect(cells["A1199"] == .text("第1199行：问题描述" + String(repeating: "长文本", count: 1199 % 7)))
        #expect(source.properties["taizhang.form"] == "rectification")
        #expect(source.properties["taizhang.unit"] == "沈阳市公安局")
    }

    /// A template saved as .xls keeps its properties, so it is recognised as the template; so does a filled one.
    @Test func templatePropertiesSurvive() throws {
        let folder = try Self.files.get()
        for file in try Self.xlsFiles where file.lastPathComponent != "client.xls" {
            let xlsx = try XLSXImporter().openWorkbook(ImportSource(path: file.deletingPathExtension().appendingPathExtension("xlsx").path))
            let xls = try S.open(file)
            #expect(!xlsx.properties.isEmpty)
            // LibreOffice adds the application's properties (AppVersion, Company) to the custom ones.
            #expect(xls.properties.filter { $0.key.hasPrefix("taizhang.") } == xlsx.properties, "\(file.lastPathComponent)")
            #expect(xls.sheets == xlsx.sheets, "\(file.lastPathComponent)")
        }
        _ = folder
    }
}
