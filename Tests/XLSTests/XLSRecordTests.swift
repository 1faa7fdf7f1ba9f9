import Foundation
import Testing
import TaizhangCore
import TaizhangPluginTesting
import TaizhangXLS

/// Hand-made BIFF8 and BIFF5 records, each read as Excel reads it.
@Suite struct XLSRecordTests {
    typealias S = XLSSupport

    @Test func importerConforms() throws {
        try ImporterConformance.run(XLSImporter())
    }

    @Test func recognition() {
        let importer = XLSImporter()
        #expect(importer.recognises(prefix: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1], fileName: "a.bin"))
        #expect(importer.recognises(prefix: Array("abc".utf8), fileName: "台账.XLS"))
        #expect(importer.recognises(prefix: Array("abc".utf8), fileName: "台账.et"))
        #expect(!importer.recognises(prefix: [0x50, 0x4B, 0x03, 0x04], fileName: "改了名的.xls"))
        #expect(!importer.recognises(prefix: Array("a,b".utf8), fileName: "a.csv"))
    }

    /// Every cell record: LABELSST, LABEL, NUMBER, RK (integer, ×100, double), MULRK, BOOLERR, FORMULA with a
    /// number, a string (STRING record), a boolean and an error, BLANK and MULBLANK (nothing), MERGEDCELLS.
    @Test func cellRecords() throws {
        let sst = S.record(0x00FC, S.u32(2) + S.u32(2) + S.string8("问题编号") + S.string8("plain"))
        let records: [[UInt8]] = [
            S.labelSST(0, 0, 0), S.labelSST(0, 1, 1),
            S.record(0x0204, S.u16(1) + S.u16(0) + S.u16(15) + S.string8("整改完成")),
            S.number(1, 1, 3.25),
            S.record(0x027E, S.u16(1) + S.u16(2) + S.u16(15) + S.u32(42 << 2 | 2)),
            S.record(0x027E, S.u16(1) + S.u16(3) + S.u16(15) + S.u32(1234 << 2 | 3)),  // 12.34
            S.record(0x00BD, S.u16(2) + S.u16(0) + S.u16(15) + S.u32(1 << 2 | 2) + S.u16(15) + S.u32(-5 << 2 | 2) + S.u16(2)),
            S.record(0x0205, S.u16(2) + S.u16(3) + S.u16(15) + [1, 0]),
            S.record(0x0205, S.u16(2) + S.u16(4) + S.u16(15) + [0x2A, 1]),
            S.record(0x0006, S.u16(3) + S.u16(0) + S.u16(15) + S.f64(24) + S.u16(0) + S.u32(0) + S.u16(0)),
            S.record(0x0006, S.u16(3) + S.u16(1) + S.u16(15) + [0, 0, 0, 0, 0, 0, 0xFF, 0xFF] + S.u16(0) + S.u32(0) + S.u16(0)),
            S.record(0x0207, S.string8("公式结果")),
            S.record(0x0006, S.u16(3) + S.u16(2) + S.u16(15) + [1, 0, 1, 0, 0, 0, 0xFF, 0xFF] + S.u16(0) + S.u32(0) + S.u16(0)),
            S.record(0x0006, S.u16(3) + S.u16(3) + S.u16(15) + [2, 0, 0x07, 0, 0, 0, 0xFF, 0xFF] + S.u16(0) + S.u32(0) + S.u16(0)),
            S.record(0x0006, S.u16(3) + S.u16(4) + S.u16(15) + [3, 0, 0, 0, 0, 0, 0xFF, 0xFF] + S.u16(0) + S.u32(0) + S.u16(0)),
            S.record(0x0201, S.u16(4) + S.u16(0) + S.u16(15)),
            S.record(0x00BE, S.u16(4) + S.u16(1) + S.u16(15) + S.u16(15) + S.u16(2)),
            S.record(0x00E5, S.u16(1) + S.u16(0) + S.u16(0) + S.u16(0) + S.u16(1)),
        ]
        let source = try S.open(bytes: S.xls(globals: [sst], sheets: [("台账", records)]))
        #expect(source.sheets == [SheetInfo(name: "台账")])
        #expect(try S.cells(source) == [
            "A1": .text("问题编号"), "B1": .text("plain"),
            "A2": .text("整改完成"), "B2": .number(3.25), "C2": .number(42), "D2": .number(12.34),
            "A3": .number(1), "B3": .number(-5), "D3": .boolean(true), "E3": .error("#N/A"),
            "A4": .number(24), "B4": .text("公式结果"), "C4": .boolean(true), "D4": .error("#DIV/0!"),
        ])
        #expect(try source.mergedRanges(sheet: 0).map(\.a1) == ["A1:B1"])
    }

    /// An SST whose strings are split across CONTINUE records: the rest of a string starts with a fresh option
    /// byte and may change between compressed and UTF-16; a string header may end one record.
    @Test func sharedStringsAcrossContinue() throws {
        // String 1 "abcdef" compressed, split after "abc"; the rest continues as UTF-16.
        // String 2 "整改到位" UTF-16, split after "整改"; the rest continues compressed? No: it needs UTF-16.
        // String 3 "xyz" begins in a new record (its header at the start of the CONTINUE).
        let sst = S.record(0x00FC, S.u32(3) + S.u32(3) + S.u16(6) + [0] + Array("abc".utf8))
        let cont1 = S.record(0x003C, [1] + "def".utf16.flatMap { S.u16(Int($0)) } + S.u16(4) + [1] + "整改".utf16.flatMap { S.u16(Int($0)) })
        let cont2 = S.record(0x003C, [1] + "到位".utf16.flatMap { S.u16(Int($0)) })
        let cont3 = S.record(0x003C, S.string8("xyz") + S.string8("尾"))
        let sheet: [[UInt8]] = (0..<4).map { S.labelSST($0, 0, $0) }
        let source = try S.open(bytes: S.xls(globals: [sst, cont1, cont2, cont3], sheets: [("S", sheet)]))
        #expect(try S.cells(source) == ["A1": .text("abcdef"), "A2": .text("整改到位"), "A3": .text("xyz"), "A4": .text("尾")])
    }

    /// A wrong declared count does not matter: the SST is read by its content.
    @Test func sstCountIsNotTrusted() throws {
        for declared in [0, 1, 1_000_000_000] {
            let sst = S.record(0x00FC, S.u32(declared) + S.u32(declared) + S.string8("甲") + S.string8("乙"))
            let source = try S.open(bytes: S.xls(globals: [sst], sheets: [("S", [S.labelSST(0, 0, 1)])]))
            #expect(try S.cells(source) == ["A1": .text("乙")], "declared \(declared)")
        }
    }

    /// Rich text runs and phonetic data in SST strings are skipped.
    @Test func richAndPhoneticStrings() throws {
        let rich: [UInt8] = S.u16(2) + [0x0C] + S.u16(1) + S.u32(4) + Array("ab".utf8) + S.u16(0) + S.u16(1) + [1, 2, 3, 4]
        let sst = S.record(0x00FC, S.u32(2) + S.u32(2) + rich + S.string8("c"))
        let source = try S.open(bytes: S.xls(globals: [sst], sheets: [("S", [S.labelSST(0, 0, 0), S.labelSST(0, 1, 1)])]))
        #expect(try S.cells(source) == ["A1": .text("ab"), "B1": .text("c")])
    }

    /// Dates by number format: built-in 14 and the East-Asian 31, a custom FORMAT, and the 1904 system.
    @Test func datesByFormat() throws {
        let xfs: [[UInt8]] = (0..<16).map { _ in S.record(0x00E0, S.u16(0) + S.u16(0) + [UInt8](repeating: 0, count: 16)) }
            + [14, 31, 164, 2].map { S.record(0x00E0, S.u16(0) + S.u16($0) + [UInt8](repeating: 0, count: 16)) }
        let format = S.record(0x041E, S.u16(164) + S.string8("yyyy\"年\"m\"月\""))
        let cells = [S.number(0, 0, 45473, xf: 16), S.number(0, 1, 45473.5, xf: 17), S.number(0, 2, 45473, xf: 18),
                     S.number(0, 3, 45473, xf: 19), S.number(0, 4, 45473, xf: 99)]
        let s1900 = try S.open(bytes: S.xls(globals: [format] + xfs, sheets: [("S", cells)]))
        #expect(s1900.dateSystem == .system1900)
        #expect(try S.cells(s1900) == ["A1": S.date(2024, 6, 30), "B1": S.date(2024, 6, 30, 12 * 3600), "C1": S.date(2024, 6, 30),
                                       "D1": .number(45473), "E1": .number(45473)])
        let s1904 = try S.open(bytes: S.xls(globals: [S.record(0x0022, S.u16(1)), format] + xfs, sheets: [("S", cells)]))
        #expect(s1904.dateSystem == .system1904)
        #expect(try S.cells(s1904)["A1"] == S.date(2028, 7, 1))
    }

    /// Hidden and very hidden sheets are listed as hidden; chart sheets have no cells.
    @Test func sheetsAndHidden() throws {
        let stream = S.workbook(globals: [S.record(0x0042, S.u16(1200))],
                                sheets: [(S.string8("数据", short: true), [S.number(0, 0, 1)]),
                                         (S.string8("选项", short: true), [S.number(0, 0, 2)])], hidden: [1])
        let source = try S.open(bytes: S.compoundFile([("WORKBOOK", stream)]).bytes)  // the name in any case
        #expect(source.sheets == [SheetInfo(name: "数据"), SheetInfo(name: "选项", isHidden: true)])
        #expect(try S.cells(source, sheet: 1) == ["A1": .number(2)])
    }

    /// An empty workbook is an empty workbook: no sheets, or a sheet with no cells.
    @Test func emptyWorkbooks() throws {
        let none = try S.open(bytes: S.xls(sheets: []))
        #expect(none.sheets.isEmpty)
        let blank = try S.open(bytes: S.xls(sheets: [("Sheet1", [])]))
        #expect(blank.sheets.map(\.name) == ["Sheet1"])
        #expect(try S.cells(blank).isEmpty)
    }

    /// Cells written out of row order (by hand-made tools) come out in row order, one value per cell.
    @Test func rowsOutOfOrder() throws {
        let source = try S.open(bytes: S.xls(sheets: [("S", [S.number(2, 0, 3), S.number(0, 1, 2), S.number(0, 0, 1), S.number(1, 0, 9)])]))
        var rows: [Int] = []
        try source.readRows(sheet: 0) { row in rows.append(row.row); return true }
        #expect(rows == [1, 2, 3])
        #expect(try S.cells(source) == ["A1": .number(1), "B1": .number(2), "A2": .number(9), "A3": .number(3)])
    }

    /// Custom properties in DocumentSummaryInformation (the template's `taizhang.*`), 8-bit and UTF-16.
    @Test func customProperties() throws {
        for codePage in [1200, 65001] {
            let set = propertySet(["taizhang.form": "rectification", "taizhang.unit": "沈阳市工业和信息化局"], codePage: codePage)
            let bytes = S.xls(sheets: [("S", [S.number(0, 0, 1)])], extra: [("\u{05}DocumentSummaryInformation", set)])
            let source = try S.open(bytes: bytes)
            #expect(source.properties == ["taizhang.form": "rectification", "taizhang.unit": "沈阳市工业和信息化局"], "code page \(codePage)")
        }
        // A damaged property set is no reason to refuse the file.
        var set = propertySet(["taizhang.form": "rectification"], codePage: 1200)
        set.replaceSubrange(60..<70, with: [UInt8](repeating: 0xFF, count: 10))
        let source = try S.open(bytes: S.xls(sheets: [("S", [])], extra: [("\u{05}DocumentSummaryInformation", set)]))
        #expect(source.sheets.count == 1)
    }

    /// BIFF5 (Excel 5.0/95): a `Book` stream, 8-bit strings in the CODEPAGE (936: GBK), no SST.
    @Test func biff5WithGBK() throws {
        let table: [String: [UInt8]] = [  // python3: text.encode("gbk")
            "整改台账": [213, 251, 184, 196, 204, 168, 213, 203],
            "沈阳市工业和信息化局": [201, 242, 209, 244, 202, 208, 185, 164, 210, 181, 186, 205, 208, 197, 207, 162, 187, 175, 190, 214],
            "yyyy年m月": [121, 121, 121, 121, 196, 234, 109, 212, 194],
            "完成": [205, 234, 179, 201],
        ]
        func gbk(_ text: String) -> [UInt8] { table[text]! }
        let name = gbk("整改台账")
        #expect(!name.isEmpty)
        let label = gbk("沈阳市工业和信息化局")
        let stream = S.workbook(globals: [S.record(0x0042, S.u16(936)), S.record(0x041E, S.u16(164) + [UInt8(gbk("yyyy年m月").count)] + gbk("yyyy年m月"))]
                                    + (0..<16).map { _ in S.record(0x00E0, [UInt8](repeating: 0, count: 16)) }
                                    + [S.record(0x00E0, S.u16(0) + S.u16(164) + [UInt8](repeating: 0, count: 12))],
                                sheets: [([UInt8(name.count)] + name, [
                                    S.record(0x0204, S.u16(0) + S.u16(0) + S.u16(15) + S.u16(label.count) + label),
                                    S.number(0, 1, 45473, xf: 16),
                                    S.record(0x0006, S.u16(0) + S.u16(2) + S.u16(15) + [0, 0, 0, 0, 0, 0, 0xFF, 0xFF] + S.u16(0) + S.u32(0)),
                                    S.record(0x0207, S.u16(gbk("完成").count) + gbk("完成")),
                                ])], biff5: true)
        let source = try S.open(bytes: S.compoundFile([("Book", stream)]).bytes)
        #expect(source.isBIFF5)
        #expect(source.sheets.map(\.name) == ["整改台账"])
        #expect(try S.cells(source) == ["A1": .text("沈阳市工业和信息化局"), "B1": S.date(2024, 6, 30), "C1": .text("完成")])
    }

    /// A DocumentSummaryInformation stream with a user-defined section holding string properties.
    private func propertySet(_ properties: [String: String], codePage: Int) -> [UInt8] {
        let names = properties.keys.sorted()
        func encode(_ text: String) -> [UInt8] {
            codePage == 1200 ? (text + "\0").utf16.flatMap { S.u16(Int($0)) } : Array((text + "\0").utf8)
        }
        func pad(_ b: [UInt8]) -> [UInt8] { b + [UInt8](repeating: 0, count: (4 - b.count % 4) % 4) }
        var dictionary = S.u32(names.count)
        for (i, name) in names.enumerated() {
            let count = codePage == 1200 ? name.utf16.count + 1 : encode(name).count
            dictionary += S.u32(i + 2) + S.u32(count) + encode(name)
            if codePage == 1200 { dictionary = pad(dictionary) }
        }
        dictionary = pad(dictionary)
        var values: [[UInt8]] = [S.u16(2) + S.u16(0) + S.u16(codePage) + S.u16(0)]
        for name in names {
            let bytes = encode(properties[name]!)
            values.append(pad(S.u32(0x1E) + S.u32(bytes.count) + bytes))
        }
        let props: [[UInt8]] = [dictionary] + values
        var offset = 8 + props.count * 8
        var table: [UInt8] = []
        var body: [UInt8] = []
        for (i, p) in props.enumerated() {
            table += S.u32(i) + S.u32(offset)
            body += p
            offset += p.count
        }
        let section = S.u32(offset) + S.u32(props.count) + table + body
        let fmtid: [UInt8] = [0x05, 0xD5, 0xCD, 0xD5, 0x9C, 0x2E, 0x1B, 0x10, 0x93, 0x97, 0x08, 0x00, 0x2B, 0x2C, 0xF9, 0xAE]
        let first: [UInt8] = [0x02, 0xD5, 0xCD, 0xD5, 0x9C, 0x2E, 0x1B, 0x10, 0x93, 0x97, 0x08, 0x00, 0x2B, 0x2C, 0xF9, 0xAE]
        let emptySection = S.u32(8) + S.u32(0)
        let headerSize = 28 + 2 * 20
        return S.u16(0xFFFE) + S.u16(0) + S.u32(0x0002_0006) + [UInt8](repeating: 0, count: 16) + S.u32(2)
            + first + S.u32(headerSize) + fmtid + S.u32(headerSize + emptySection.count) + emptySection + section
    }
}
