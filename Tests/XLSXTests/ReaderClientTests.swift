import Foundation
import Testing
import TaizhangCore
import TaizhangXLSX

/// Files written by real clients (openpyxl, XlsxWriter, LibreOffice, Gnumeric), read back exactly.
@Suite(.serialized) struct ReaderClientTests {
    typealias S = ReaderSupport

    static let makeScript = #"""
        import datetime, sys, openpyxl, xlsxwriter
        from openpyxl.packaging.custom import StringProperty
        out = sys.argv[1]

        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "整改台账"
        ws["A1"] = "辽宁省行政执法突出问题专项整治台账"
        ws.merge_cells("A1:H1")
        ws.append(["单位", "件数", "金额", "已整改", "整改时限", "发现时间", "合计", "错误"])
        ws.append(["沈阳市公安局", 12, 3.5, True, datetime.date(2024, 6, 30), datetime.datetime(2024, 6, 30, 8, 0, 0), "=B3*2", "=NA()"])
        ws.append(["大连市\n交通局", -7, 1234567.891, False, datetime.date(1900, 3, 1), None, "=B4*2", None])
        ws["E3"].number_format = 'yyyy"年"m"月"d"日"'
        ws["E4"].number_format = 'yyyy"年"m"月"d"日"'
        ws["F3"].number_format = "yyyy-mm-dd hh:mm:ss"
        hidden = wb.create_sheet("选项")
        hidden.sheet_state = "hidden"
        hidden.append(["是"])
        hidden.append(["否"])
        wb.custom_doc_props.append(StringProperty(name="taizhang.form", value="rectification"))
        wb.custom_doc_props.append(StringProperty(name="taizhang.unit", value="沈阳市公安局"))
        wb.save(out + "/openpyxl.xlsx")

        wb = xlsxwriter.Workbook(out + "/xlsxwriter.xlsx")
        ws = wb.add_worksheet("台账")
        title = wb.add_format({"bold": True, "align": "center"})
        ws.merge_range("A1:F1", "标题：整改情况", title)
        east = wb.add_format({"num_format": 31})
        month = wb.add_format({"num_format": 27})
        custom = wb.add_format({"num_format": '[$-804]yyyy"年"m"月"d"日";@'})
        ws.write_string("A2", "县级单位")
        ws.write_number("B2", 0.1)
        ws.write_boolean("C2", True)
        ws.write_datetime("D2", datetime.datetime(2024, 6, 30), east)
        ws.write_datetime("E2", datetime.datetime(2024, 7, 1), month)
        ws.write_datetime("F2", datetime.datetime(2024, 12, 31), custom)
        ws.write_formula("A3", "=B2*10", None, 1)
        ws.write_formula("B3", '="整改"&"完成"', None, "整改完成")
        ws.write_string("C3", "制表符\t和_x000D_字面")
        wb.set_custom_property("taizhang.period", "2024-06")
        wb.close()
        """#

    static let csv = "单位,件数,日期,比例\n沈阳市公安局,12,2024-06-30,0.25\n铁岭市,-3,2024-07-01,1.5\n"

    /// Makes all the files once: openpyxl and XlsxWriter, LibreOffice's re-save of the openpyxl file,
    /// Gnumeric's conversion of a CSV.
    static let files: Result<URL, any Error> = Result {
        let folder = try S.temporaryFolder("clients")
        try S.python(makeScript, [folder.path])
        let lo = folder.appendingPathComponent("lo")
        try FileManager.default.createDirectory(at: lo, withIntermediateDirectories: true)
        try S.run("soffice", ["-env:UserInstallation=file:///tmp/taizhang-lo-xlsxr-tests", "--headless", "--convert-to", "xlsx",
                              "--outdir", lo.path, folder.appendingPathComponent("openpyxl.xlsx").path])
        let csvURL = folder.appendingPathComponent("data.csv")
        try Data(csv.utf8).write(to: csvURL)
        try S.run("ssconvert", ["--import-encoding=UTF-8", csvURL.path, folder.appendingPathComponent("gnumeric.xlsx").path])
        try S.run("ssconvert", ["--import-encoding=UTF-8", csvURL.path, folder.appendingPathComponent("legacy.xls").path])
        return folder
    }

    @Test func openpyxl() throws {
        let source = try S.open(Self.files.get().appendingPathComponent("openpyxl.xlsx"))
        #expect(source.sheets == [SheetInfo(name: "整改台账"), SheetInfo(name: "选项", isHidden: true)])
        #expect(source.properties["taizhang.form"] == "rectification")
        #expect(source.properties["taizhang.unit"] == "沈阳市公安局")
        #expect(try source.mergedRanges(sheet: 0) == [MergedRange("A1:H1")!])
        let cells = try S.cells(source)
        // openpyxl writes formulas without cached values: those cells are empty.
        #expect(cells == [
            "A1": .text("辽宁省行政执法突出问题专项整治台账"),
            "A2": .text("单位"), "B2": .text("件数"), "C2": .text("金额"), "D2": .text("已整改"), "E2": .text("整改时限"),
            "F2": .text("发现时间"), "G2": .text("合计"), "H2": .text("错误"),
            "A3": .text("沈阳市公安局"), "B3": .number(12), "C3": .number(3.5), "D3": .boolean(true),
            "E3": S.date(2024, 6, 30), "F3": S.date(2024, 6, 30, 8 * 3600),
            "A4": .text("大连市\n交通局"), "B4": .number(-7), "C4": .number(1234567.891), "D4": .boolean(false),
            "E4": S.date(1900, 3, 1),
        ])
        #expect(try S.cells(source, sheet: 1) == ["A1": .text("是"), "A2": .text("否")])
    }

    @Test func libreOfficeResave() throws {
        let source = try S.open(Self.files.get().appendingPathComponent("lo/openpyxl.xlsx"))
        #expect(source.sheets.map(\.name) == ["整改台账", "选项"])
        #expect(source.sheets[1].isHidden)
        #expect(try source.mergedRanges(sheet: 0) == [MergedRange("A1:H1")!])
        let cells = try S.cells(source)
        // LibreOffice computes and caches the formulas.
        #expect(cells == [
            "A1": .text("辽宁省行政执法突出问题专项整治台账"),
            "A2": .text("单位"), "B2": .text("件数"), "C2": .text("金额"), "D2": .text("已整改"), "E2": .text("整改时限"),
            "F2": .text("发现时间"), "G2": .text("合计"), "H2": .text("错误"),
            "A3": .text("沈阳市公安局"), "B3": .number(12), "C3": .number(3.5), "D3": .boolean(true),
            "E3": S.date(2024, 6, 30), "F3": S.date(2024, 6, 30, 8 * 3600), "G3": .number(24), "H3": .error("#N/A"),
            "A4": .text("大连市\n交通局"), "B4": .number(-7), "C4": .number(1234567.891), "D4": .boolean(false),
            "E4": S.date(1900, 3, 1), "G4": .number(-14),
        ])
    }

    @Test func xlsxwriter() throws {
        let source = try S.open(Self.files.get().appendingPathComponent("xlsxwriter.xlsx"))
        #expect(source.sheets == [SheetInfo(name: "台账")])
        #expect(source.properties == ["taizhang.period": "2024-06"])
        #expect(try source.mergedRanges(sheet: 0) == [MergedRange("A1:F1")!])
        #expect(try S.cells(source) == [
            "A1": .text("标题：整改情况"),
            "A2": .text("县级单位"), "B2": .number(0.1), "C2": .boolean(true),
            "D2": S.date(2024, 6, 30), "E2": S.date(2024, 7, 1), "F2": S.date(2024, 12, 31),
            "A3": .number(1), "B3": .text("整改完成"), "C3": .text("制表符\t和_x000D_字面"),
        ])
    }

    @Test func gnumericFromCSV() throws {
        let source = try S.open(Self.files.get().appendingPathComponent("gnumeric.xlsx"))
        #expect(source.sheets.count == 1)
        #expect(try S.cells(source) == [
            "A1": .text("单位"), "B1": .text("件数"), "C1": .text("日期"), "D1": .text("比例"),
            "A2": .text("沈阳市公安局"), "B2": .number(12), "C2": S.date(2024, 6, 30), "D2": .number(0.25),
            "A3": .text("铁岭市"), "B3": .number(-3), "C3": S.date(2024, 7, 1), "D3": .number(1.5),
        ])
    }

    @Test func legacyExcelFileIsRefusedWithAdvice() throws {
        let url = try Self.files.get().appendingPathComponent("legacy.xls")
        let error = S.refusal { _ = try S.open(url) }
        #expect(error?.reason == .legacyFormat)
        #expect(error?.file == "legacy.xls")
        #expect(error?.detail.contains("请另存为 .xlsx 格式后重新报送") == true)
    }
}
