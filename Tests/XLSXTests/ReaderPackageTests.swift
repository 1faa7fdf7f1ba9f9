import Foundation
import Testing
import TaizhangCore
@testable import TaizhangXLSX

/// Hand-made packages for the quirks other writers produce.
@Suite struct ReaderPackageTests {
    typealias S = ReaderSupport

    @Test func cellTypesAndPositionsWithoutReferences() throws {
        let strings = """
            <sst xmlns="\(S.mainNS)" count="3" uniqueCount="3"><si><t>整改台账</t></si><si/><si><t xml:space="preserve"> 县 </t></si></sst>
            """
        let rows = """
            <row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="s"><v>1</v></c><c r="D1" t="s"/><c r="E1" t="s"><v>2</v></c></row>
            <row><c t="n"><v>42</v></c><c><v>-1.5E3</v></c><c t="b"><v>1</v></c><c t="b"><v>0</v></c><c t="e"><v>#N/A</v></c></row>
            <row r="5"><c r="B5" t="str"><f>A1&amp;"x"</f><v>整改台账x</v></c><c t="inlineStr"><is><t>行内</t></is></c>\
            <c t="d"><v>2024-06-30</v></c><c t="d"><v>2024-06-30T08:30:15</v></c><c><f>1+1</f><v>2</v></c></row>
            <row r="7" spans="1:3"><c r="A7" s="0"/><c r="B7"/></row>
            """
        let sheet = "<?xml version=\"1.0\"?><worksheet xmlns=\"\(S.mainNS)\"><dimension ref=\"A1\"/><sheetData>\(rows)</sheetData></worksheet>"
        let cells = try S.read(S.package(sheets: [("表1", sheet)], sharedStrings: strings))
        #expect(cells == [
            "A1": .text("整改台账"), "E1": .text(" 县 "),
            "A2": .number(42), "B2": .number(-1500), "C2": .boolean(true), "D2": .boolean(false), "E2": .error("#N/A"),
            "B5": .text("整改台账x"), "C5": .text("行内"), "D5": S.date(2024, 6, 30), "E5": S.date(2024, 6, 30, 8 * 3600 + 30 * 60 + 15),
            "F5": .number(2),
        ])
    }

    @Test func rowsAreDeliveredInOrderWithTheirNumbersAndStopEarly() throws {
        let sheet = S.sheet("<row r=\"3\"><c r=\"B3\"><v>1</v></c><c r=\"A3\"><v>2</v></c></row><row r=\"9\"><c r=\"A9\"><v>3</v></c></row><row r=\"10\"><c r=\"A10\"><v>4</v></c></row>")
        let folder = try S.temporaryFolder("order")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("b.xlsx")
        try S.zip(S.package(sheets: [("S", sheet)]), to: url)
        let source = try S.open(url)
        var rows: [SourceRow] = []
        try source.readRows(sheet: 0) { rows.append($0); return rows.count < 2 }
        #expect(rows == [
            SourceRow(row: 3, cells: [SourceCell(column: 1, value: .number(2)), SourceCell(column: 2, value: .number(1))]),
            SourceRow(row: 9, cells: [SourceCell(column: 1, value: .number(3))]),
        ])
    }

    @Test func indentedXMLIsNotText() throws {
        let strings = """
            <sst xmlns="\(S.mainNS)">
              <si>
                <r>
                  <t>整改</t>
                </r>
                <r><t xml:space="preserve"> 完成</t></r>
              </si>
            </sst>
            """
        let sheet = S.sheet("""
            <row r="1">
              <c r="A1" t="s">
                <v>0</v>
              </c>
              <c r="B1" t="inlineStr">
                <is>
                  <t>行内</t>
                </is>
              </c>
              <c r="C1">
                <v> 12.5 </v>
              </c>
            </row>
            """)
        #expect(try S.read(S.package(sheets: [("S", sheet)], sharedStrings: strings)) ==
                ["A1": .text("整改 完成"), "B1": .text("行内"), "C1": .number(12.5)])
    }

    /// Excel trims a <t>'s leading and trailing whitespace unless it says xml:space="preserve" (per <t>, so a
    /// rich-text run keeps its own).
    @Test func whitespaceIsReadAsExcelReadsIt() throws {
        let strings = """
            <sst xmlns="\(S.mainNS)"><si><t>  沈阳市工业和信息化局\t</t></si><si><t xml:space="preserve">  留  </t></si>\
            <si><r><t>整改 </t></r><r><t xml:space="preserve"> 完成 </t></r></si></sst>
            """
        let sheet = S.sheet("""
            <row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c>\
            <c r="D1" t="inlineStr"><is><t>
            行内
            </t></is></c></row>
            """)
        #expect(try S.read(S.package(sheets: [("S", sheet)], sharedStrings: strings)) ==
                ["A1": .text("沈阳市工业和信息化局"), "B1": .text("  留  "), "C1": .text("整改 完成 "), "D1": .text("行内")])
    }

    @Test func prefixedElements() throws {
        let sheet = """
            <?xml version="1.0"?><x:worksheet xmlns:x="\(S.mainNS)"><x:sheetData><x:row r="1"><x:c r="A1" t="s"><x:v>0</x:v></x:c>\
            <x:c r="B1" t="inlineStr"><x:is><x:t>内</x:t></x:is></x:c></x:row></x:sheetData></x:worksheet>
            """
        let strings = "<x:sst xmlns:x=\"\(S.mainNS)\"><x:si><x:t>前缀</x:t></x:si></x:sst>"
        #expect(try S.read(S.package(sheets: [("S", sheet)], sharedStrings: strings)) == ["A1": .text("前缀"), "B1": .text("内")])
    }

    @Test func elementsInOtherNamespacesAreNotCells() throws {
        let sheet = S.sheet("<row r=\"1\"><c r=\"A1\"><v>1</v></c><o:c xmlns:o=\"urn:other\" r=\"B1\"><o:v>9</o:v></o:c></row>")
        #expect(try S.read(S.package(sheets: [("S", sheet)])) == ["A1": .number(1)])
    }

    @Test func strictNamespacesAndRelationshipTypes() throws {
        let strictRel = "http://purl.oclc.org/ooxml/officeDocument/relationships"
        let strictMain = "http://purl.oclc.org/ooxml/spreadsheetml/main"
        let parts: [(String, String)] = [
            ("[Content_Types].xml", "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>"),
            ("_rels/.rels", "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"r1\" Type=\"\(strictRel)/officeDocument\" Target=\"/xl/workbook.xml\"/></Relationships>"),
            ("xl/workbook.xml", "<workbook xmlns=\"\(strictMain)\" xmlns:r=\"\(strictRel)\"><workbookPr date1904=\"true\"/><sheets><sheet name=\"严格\" sheetId=\"1\" r:id=\"r1\"/></sheets></workbook>"),
            ("xl/_rels/workbook.xml.rels", "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"r1\" Type=\"\(strictRel)/worksheet\" Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"r2\" Type=\"\(strictRel)/sharedStrings\" Target=\"sharedStrings.xml\"/><Relationship Id=\"r3\" Type=\"\(strictRel)/styles\" Target=\"styles.xml\"/></Relationships>"),
            ("xl/sharedStrings.xml", "<sst xmlns=\"\(strictMain)\"><si><t>严格命名空间</t></si></sst>"),
            ("xl/styles.xml", "<styleSheet xmlns=\"\(strictMain)\"><cellXfs count=\"2\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/></cellXfs></styleSheet>"),
            ("xl/worksheets/sheet1.xml", S.sheet("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" s=\"1\"><v>0</v></c></row>", namespace: strictMain)),
        ]
        let folder = try S.temporaryFolder("strict")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("strict.xlsx")
        try S.zip(parts, to: url)
        let source = try S.open(url)
        #expect(source.sheets == [SheetInfo(name: "严格")])
        #expect(source.dateSystem == .system1904)
        #expect(try S.cells(source) == ["A1": .text("严格命名空间"), "B1": S.date(1904, 1, 1)])
    }

    @Test func absoluteTargetsCaseDifferentNamesAndBackslashes() throws {
        var parts = S.package(sheets: [("S", S.sheet("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row>"))],
                              sharedStrings: "<sst xmlns=\"\(S.mainNS)\"><si><t>找到了</t></si></sst>")
        parts = parts.map { name, text in
            switch name {
            case "xl/worksheets/sheet1.xml": return ("XL\\Worksheets\\Sheet1.XML", text)
            case "xl/sharedStrings.xml": return ("xl/SharedStrings.xml", text)
            case "xl/_rels/workbook.xml.rels":
                return (name, text.replacingOccurrences(of: "Target=\"worksheets/sheet1.xml\"", with: "Target=\"/xl/worksheets/sheet1.xml\""))
            default: return (name, text)
            }
        }
        #expect(try S.read(parts) == ["A1": .text("找到了")])
    }

    @Test func missingSharedStringsWithInlineStrings() throws {
        let sheet = S.sheet("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>只有行内字符串</t></is></c><c r=\"B1\"><v>3</v></c></row>")
        #expect(try S.read(S.package(sheets: [("S", sheet)])) == ["A1": .text("只有行内字符串"), "B1": .number(3)])
    }

    @Test func sharedStringIndexOutOfRangeNamesTheCell() throws {
        let sheet = S.sheet("<row r=\"4\"><c r=\"C4\" t=\"s\"><v>7</v></c></row>")
        let error = S.refusal { _ = try S.read(S.package(sheets: [("表", sheet)])) }
        #expect(error?.reason == .malformed)
        #expect(error?.place == "表!C4")
    }

    @Test func richTextPhoneticRunsAndEscapes() throws {
        let strings = """
            <sst xmlns="\(S.mainNS)"><si><r><rPr><b/></rPr><t>沈阳</t></r><r><t>市</t></r><rPh sb="0" eb="2"><t>しんよう</t></rPh><phoneticPr fontId="1"/></si>\
            <si><t>第一行_x000D__x000A_第二行</t></si><si><t>字面_x005F_x000D_</t></si><si><t>_x0041__x00e9_</t></si><si><t>_xD83D__xDE00_</t></si></sst>
            """
        let sheet = S.sheet("""
            <row r="1"><c t="s"><v>0</v></c><c t="s"><v>1</v></c><c t="s"><v>2</v></c><c t="s"><v>3</v></c><c t="s"><v>4</v></c>\
            <c t="inlineStr"><is><r><t>行</t></r><r><t>内_x0009_</t></r><rPh><t>ぎょう</t></rPh></is></c></row>
            """)
        let cells = try S.read(S.package(sheets: [("S", sheet)], sharedStrings: strings))
        #expect(cells == ["A1": .text("沈阳市"), "B1": .text("第一行\r\n第二行"), "C1": .text("字面_x000D_"), "D1": .text("Aé"),
                          "E1": .text("😀"), "F1": .text("行内\t")])
    }

    @Test func dateFormatsIncludingEastAsianBuiltins() throws {
        let builtinDates = Array(14...22) + Array(27...36) + Array(45...47) + Array(50...58)
        let notDates = [0, 1, 2, 3, 4, 9, 10, 11, 12, 13, 23, 37, 38, 39, 40, 48, 49, 59]
        let customs: [(Int, String, Bool)] = [
            (164, "yyyy\"年\"m\"月\"d\"日\"", true), (165, "[$-804]yyyy-mm-dd", true), (166, "[Red]0.00", false),
            (167, "[h]:mm:ss", false), (168, "#,##0 \"days\"", false), (169, "0.00\\d", false),
            (170, "[DBNum1][$-804]m\"月\"d\"日\"", true), (171, "hh:mm:ss", true), (172, "0.00_);[Red]\\(0.00\\)", false),
            (173, "General", false), (174, "@", false), (175, "yyyy/m/d h:mm", true),
        ]
        let ids = builtinDates + notDates + customs.map(\.0)
        let numFmts = customs.map { "<numFmt numFmtId=\"\($0.0)\" formatCode=\"\($0.1.replacingOccurrences(of: "\"", with: "&quot;"))\"/>" }.joined()
        let styles = """
            <styleSheet xmlns="\(S.mainNS)"><numFmts count="\(customs.count)">\(numFmts)</numFmts>\
            <cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs>\
            <cellXfs count="\(ids.count)">\(ids.map { "<xf numFmtId=\"\($0)\" applyNumberFormat=\"1\"/>" }.joined())</cellXfs></styleSheet>
            """
        let cellsXML = ids.indices.map { "<c r=\"\(CellReference.columnName($0 + 1))1\" s=\"\($0)\"><v>45473.5</v></c>" }.joined()
        let cells = try S.read(S.package(sheets: [("S", S.sheet("<row r=\"1\">\(cellsXML)</row>"))], styles: styles))
        let expectedDates = Set(builtinDates) .union(customs.filter(\.2).map(\.0))
        for (index, id) in ids.enumerated() {
            let value = cells[CellReference.columnName(index + 1) + "1"]
            if expectedDates.contains(id) {
                #expect(value == S.date(2024, 6, 30, 12 * 3600), "numFmtId \(id)")
            } else {
                #expect(value == .number(45473.5), "numFmtId \(id)")
            }
        }
    }

    @Test func dateSystems() throws {
        let styles = "<styleSheet xmlns=\"\(S.mainNS)\"><cellXfs><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/></cellXfs></styleSheet>"
        let row = "<row r=\"1\"><c s=\"1\"><v>59</v></c><c s=\"1\"><v>60</v></c><c s=\"1\"><v>61</v></c><c s=\"1\"><v>1</v></c><c s=\"1\"><v>45473</v></c><c s=\"1\"><v>-1</v></c></row>"
        let cells1900 = try S.read(S.package(sheets: [("S", S.sheet(row))], styles: styles))
        #expect(cells1900 == ["A1": S.date(1900, 2, 28), "B1": S.date(1900, 2, 28), "C1": S.date(1900, 3, 1),
                              "D1": S.date(1900, 1, 1), "E1": S.date(2024, 6, 30), "F1": .number(-1)])
        let cells1904 = try S.read(S.package(sheets: [("S", S.sheet(row))], styles: styles, workbookPr: "<workbookPr date1904=\"1\"/>"))
        #expect(cells1904["B1"] == S.date(1904, 3, 1))
        #expect(cells1904["D1"] == S.date(1904, 1, 2))
        #expect(cells1904["E1"] == S.date(2028, 7, 1))
    }

    @Test func mergedCellsPropertiesAndHiddenSheets() throws {
        let sheet = S.sheet("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>标题</t></is></c></row>",
                            after: "<mergeCells count=\"2\"><mergeCell ref=\"A1:K1\"/><mergeCell ref=\"B3:B5\"/></mergeCells>")
        let custom = """
            <Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">\
            <property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="taizhang.form"><vt:lpwstr>rectification</vt:lpwstr></property>\
            <property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="3" name="taizhang.period"><vt:lpwstr>2024-06</vt:lpwstr></property></Properties>
            """
        var parts = S.package(sheets: [("台账", sheet), ("选项", S.sheet(""))], extra: [("docProps/custom.xml", custom)])
        parts = parts.map { name, text in
            name == "xl/workbook.xml" ? (name, text.replacingOccurrences(of: "name=\"选项\"", with: "name=\"选项\" state=\"hidden\"")) : (name, text)
        }
        let folder = try S.temporaryFolder("merge")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("m.xlsx")
        try S.zip(parts, to: url)
        let source = try S.open(url)
        #expect(source.sheets == [SheetInfo(name: "台账"), SheetInfo(name: "选项", isHidden: true)])
        #expect(source.properties == ["taizhang.form": "rectification", "taizhang.period": "2024-06"])
        #expect(try source.mergedRanges(sheet: 0).map(\.description) == ["A1:K1", "B3:B5"])
        #expect(try source.mergedRanges(sheet: 1).isEmpty)
        #expect(try S.cells(source, sheet: 1).isEmpty)
    }

    @Test func escapedCharactersInAttributesAndText() throws {
        let strings = "<sst xmlns=\"\(S.mainNS)\"><si><t>A&amp;B &lt;&gt; &#x4E2D;&#25991;</t></si></sst>"
        let styles = "<styleSheet xmlns=\"\(S.mainNS)\"><numFmts><numFmt numFmtId=\"170\" formatCode=\"&quot;截至&quot;yyyy&quot;年&quot;m&quot;月&quot;\"/></numFmts><cellXfs><xf numFmtId=\"0\"/><xf numFmtId=\"170\"/></cellXfs></styleSheet>"
        var parts = S.package(sheets: [("S", S.sheet("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>\n0\n</v></c><c r=\"B1\" s=\"1\"><v>45473</v></c></row>"))],
                              sharedStrings: strings, styles: styles)
        parts = parts.map { name, text in
            name == "xl/workbook.xml" ? (name, text.replacingOccurrences(of: "name=\"S\"", with: "name=\"研发&amp;测试&#38;&lt;1&gt;\"")) : (name, text)
        }
        let folder = try S.temporaryFolder("amp")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("a.xlsx")
        try S.zip(parts, to: url)
        let source = try S.open(url)
        #expect(source.sheets.map(\.name) == ["研发&测试&<1>"])
        #expect(try S.cells(source) == ["A1": .text("A&B <> 中文"), "B1": S.date(2024, 6, 30)])
    }

    @Test func unknownRelationshipTypesAreIgnored() throws {
        var parts = S.package(sheets: [("S", S.sheet("<row r=\"2\"><c r=\"B2\"><v>5</v></c></row>"))])
        parts = parts.map { name, text in
            name == "xl/_rels/workbook.xml.rels"
                ? (name, text.replacingOccurrences(of: "</Relationships>", with: "<Relationship Id=\"rX\" Type=\"http://example.com/unknown\" Target=\"nowhere.xml\"/><Relationship Id=\"rY\" Type=\"\(S.relNS)/hyperlink\" Target=\"http://example.com/\" TargetMode=\"External\"/></Relationships>"))
                : (name, text)
        }
        #expect(try S.read(parts) == ["B2": .number(5)])
    }

    @Test func numberFormatClassifier() {
        #expect(NumberFormats.isDateFormatCode("yyyy\"年\"m\"月\"d\"日\""))
        #expect(NumberFormats.isDateFormatCode("m/d/yy"))
        #expect(!NumberFormats.isDateFormatCode("0.00;[Red]-0.00"))
        #expect(!NumberFormats.isDateFormatCode("\"Day\" 0"))
        #expect(!NumberFormats.isDateFormatCode("[mm]:ss"))
        #expect(!NumberFormats.isDateFormatCode("0_s"))
    }
}
