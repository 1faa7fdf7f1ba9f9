import Foundation
import Testing
import TaizhangCore
@testable import TaizhangCSV

@Suite struct CSVImportTests {
    func rows(_ bytes: [UInt8], name: String = "t.csv", limits: ImportLimits = .standard,
              function: String = #function) throws -> [SourceRow] {
        let path = try Fixture.file(name, bytes, function: function)
        return try CSVImporter().open(ImportSource(path: path), limits: limits).allRows()
    }

    func rows(_ text: String, function: String = #function) throws -> [SourceRow] {
        try rows(Array(text.utf8), function: function)
    }

    func importError(_ bytes: [UInt8], limits: ImportLimits = .standard, function: String = #function) -> ImportError? {
        #expect(throws: ImportError.self) { _ = try rows(bytes, limits: limits, function: function) }
        do { _ = try rows(bytes, limits: limits, function: function) } catch let e as ImportError { return e } catch {}
        return nil
    }

    @Test(arguments: ["\r\n", "\n", "\r"])
    func lineEnds(newline: String) throws {
        let r = try rows(["a,b", "c,d", ""].joined(separator: newline))
        #expect(r.map(\.texts) == [[1: "a", 2: "b"], [1: "c", 2: "d"]])
    }

    @Test func quotedLineBreaksAndDoubledQuotes() throws {
        let r = try rows("编号,说明\r\n1,\"第一行\r\n第二行\"\r\n2,\"他说\"\"好\"\"，\n然后\rCR\"\r\n3,末行")
        #expect(r.map(\.row) == [1, 2, 3, 4])
        #expect(r[1].texts == [1: "1", 2: "第一行\r\n第二行"])
        #expect(r[2].texts == [1: "2", 2: "他说\"好\"，\n然后\rCR"])
        #expect(r[3].texts == [1: "3", 2: "末行"])
    }

    @Test func blankLinesCountAsRecordsAndEmptyFieldsAreOmitted() throws {
        let r = try rows("a,,c\r\n\r\n,,\r\n,x,\r\n\"\",\"\"")
        #expect(r.map(\.row) == [1, 4])
        #expect(r[0].texts == [1: "a", 3: "c"])
        #expect(r[1].texts == [2: "x"])
        #expect(r[1][1] == .empty)
    }

    @Test func semicolonsAreNotSeparatorsAndQuotesMidFieldAreLiteral() throws {
        let r = try rows("a;b,c\"d\",\"e\"f ,  g  ")
        #expect(r[0].texts == [1: "a;b", 2: "c\"d\"", 3: "ef ", 4: "  g  "])
    }

    @Test func bomIsStrippedAndApostropheIsKept() throws {
        let r = try rows([0xEF, 0xBB, 0xBF] + Array("问题编号,备注\r\nSY-1,'=1+2\r\n".utf8))
        #expect(r[0].texts == [1: "问题编号", 2: "备注"])
        #expect(r[1].texts == [1: "SY-1", 2: "'=1+2"])
    }

    @Test func gb18030IsDetected() throws {
        // 序号,问题 in GB18030, then a 4-byte sequence (U+20AC € is 2 bytes A2E3; U+1F600 is 9439FC36).
        let bytes: [UInt8] = [0xD0, 0xF2, 0xBA, 0xC5, 0x2C, 0xCE, 0xCA, 0xCC, 0xE2, 0x0D, 0x0A, 0xA2, 0xE3, 0x2C,
                              0x94, 0x39, 0xFC, 0x36]
        let r = try rows(bytes)
        #expect(r.map(\.texts) == [[1: "序号", 2: "问题"], [1: "€", 2: "😀"]])
    }

    @Test func gb18030BOMIsStripped() throws {
        let r = try rows([0x84, 0x31, 0x95, 0x33, 0xD0, 0xF2, 0xBA, 0xC5])
        #expect(r.map(\.texts) == [[1: "序号"]])
    }

    @Test func unterminatedQuoteIsMalformedNamingTheLine() throws {
        let e = importError(Array("a,b\r\nc,d\r\n1,\"未结束\r\n的引号\r\n".utf8))
        #expect(e?.reason == .malformed)
        #expect(e?.place == "第 3 行")
        #expect(e?.description.contains("t.csv") == true)
    }

    @Test func nulBytesAreNotASpreadsheet() throws {
        #expect(importError(Array("a,b\r\n".utf8) + [0, 1, 2, 0xFF])?.reason == .notSpreadsheet)
    }

    @Test func utf16IsRefusedWithAHint() throws {
        let e = importError([0xFF, 0xFE, 0x41, 0x00])
        #expect(e?.reason == .unsupported)
        #expect(e?.detail.contains("CSV UTF-8") == true)
    }

    @Test func invalidInBothEncodingsIsMalformed() throws {
        // 0x80 alone is neither UTF-8 nor a GB18030 lead byte; 0xFF is never valid.
        #expect(importError(Array("a,b\n".utf8) + [0xFF, 0xFF, 0x0A])?.reason == .malformed)
    }

    @Test func sizeLimitIsEnforcedBeforeReading() throws {
        let bytes = Array(String(repeating: "甲,乙\r\n", count: 100).utf8)
        let e = importError(bytes, limits: ImportLimits(maxPartBytes: 200))
        #expect(e?.reason == .tooLarge)
        #expect(try rows(bytes, limits: ImportLimits(maxPartBytes: bytes.count)).count == 100)
    }

    @Test func rowLimitIsEnforced() throws {
        let bytes = Array(String(repeating: "a\n", count: 11).utf8)
        #expect(importError(bytes, limits: ImportLimits(maxRows: 10))?.reason == .tooLarge)
    }

    @Test func missingFileIsUnreadable() {
        #expect(throws: ImportError.self) {
            _ = try CSVImporter().open(ImportSource(path: "/nonexistent/x.csv"), limits: .standard)
        }
    }

    @Test func recognises() {
        let importer = CSVImporter()
        let text = Array("序号,问题".utf8)
        #expect(importer.recognises(prefix: text, fileName: "台账.csv"))
        #expect(importer.recognises(prefix: text, fileName: "台账.TXT"))
        #expect(importer.recognises(prefix: [0xD0, 0xF2, 0xBA, 0xC5, 0x2C, 0x31, 0x0D, 0x0A], fileName: "a.csv"))
        #expect(!importer.recognises(prefix: text, fileName: "台账.xlsx"))
        #expect(!importer.recognises(prefix: text, fileName: "csv"))
        #expect(!importer.recognises(prefix: [0x50, 0x4B, 0x03, 0x04, 0, 0, 0, 0], fileName: "a.csv"))
        #expect(!importer.recognises(prefix: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1], fileName: "a.csv"))
        #expect(!importer.recognises(prefix: [0x41, 0x00, 0x42, 0x00, 0, 0, 0, 0], fileName: "a.csv"))
    }
}

@Suite struct CSVSeparatorHintTests {
    func open(_ text: String, function: String = #function) throws -> [SourceRow] {
        let path = try Fixture.file("hint.csv", text, function: function)
        return try CSVImporter().open(ImportSource(path: path), limits: .standard).allRows()
    }

    @Test func commaHintIsDroppedAndRowsRenumbered() throws {
        let rows = try open("sep=,\r\n序号,问题\r\n1,甲\r\n")
        #expect(rows.map(\.row) == [1, 2])
        #expect(rows[0].texts == [1: "序号", 2: "问题"])
    }

    @Test func otherSeparatorHintIsRefused() throws {
        #expect(throws: ImportError.self) { _ = try open("sep=;\r\n序号;问题\r\n") }
        do { _ = try open("sep=;\r\n序号;问题\r\n") } catch let e as ImportError { #expect(e.reason == .unsupported) }
    }

    @Test func dataThatMerelyStartsWithSepIsKept() throws {
        let rows = try open("sep=,x\r\nsep=;,2\r\n")
        #expect(rows.map(\.texts) == [[1: "sep=", 2: "x"], [1: "sep=;", 2: "2"]])
        #expect(try open("sep=\r\na\r\n").map(\.texts) == [[1: "sep="], [1: "a"]])
    }
}

@Suite struct CSVOtherSeparatorTests {
    func open(_ bytes: [UInt8], function: String = #function) throws -> [SourceRow] {
        let path = try Fixture.file("sep.csv", bytes, function: function)
        return try CSVImporter().open(ImportSource(path: path), limits: .standard).allRows()
    }

    @Test(arguments: ["序号;问题编号;问题描述\r\n1;SY-1;甲\r\n", "序号\t问题编号\t问题描述\r\n1\tSY-1\t甲\r\n"])
    func otherSeparatorsAreRefusedWithAHint(text: String) throws {
        do {
            _ = try open(Array(text.utf8))
            Issue.record("a file with another separator was read")
        } catch let e as ImportError {
            #expect(e.reason == .unsupported)
            #expect(e.detail.contains("逗号分隔"))
        }
    }

    @Test func tabsInAGB18030FileAreRefusedToo() throws {
        // 序号<TAB>问题<TAB>备注 in GB18030, as “文本文件（制表符分隔）” saves it.
        let bytes: [UInt8] = [0xD0, 0xF2, 0xBA, 0xC5, 0x09, 0xCE, 0xCA, 0xCC, 0xE2, 0x09, 0xB1, 0xB8, 0xD7, 0xA2, 0x0D, 0x0A]
        #expect(throws: ImportError.self) { _ = try open(bytes) }
    }

    @Test func oneColumnFilesAndSemicolonsInsideFieldsAreFine() throws {
        #expect(try open(Array("问题描述\r\n甲;乙\r\n".utf8)).count == 2)
        #expect(try open(Array("问题描述,备注\r\n甲;乙;丙,无\r\n".utf8)).count == 2)
    }
}
