import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
import TaizhangCore
@testable import TaizhangCSV

/// The file is read a chunk at a time: whatever falls on a chunk boundary reads as when the file is read whole.
@Suite struct CSVChunkTests {
    func read(_ path: String, chunk: Int, limits: ImportLimits = .standard) -> Result<[SourceRow], ImportError> {
        do {
            return .success(try CSVImporter(chunkSize: chunk).open(ImportSource(path: path), limits: limits).allRows())
        } catch let error as ImportError {
            return .failure(error)
        } catch {
            Issue.record("unexpected error \(error)")
            return .failure(ImportError(.malformed, file: "", detail: "\(error)"))
        }
    }

    /// Reads `bytes` at every chunk size from 1 byte to more than the file (so every byte starts a chunk once) and
    /// expects what the standard chunk size reads; returns that.
    @discardableResult
    func sameAtEveryChunkSize(_ bytes: [UInt8], function: String = #function) throws -> Result<[SourceRow], ImportError> {
        let path = try Fixture.file("c.csv", bytes, function: function)
        let expected = read(path, chunk: 256 << 10)
        for size in 1...bytes.count + 1 {
            #expect(read(path, chunk: size) == expected, "chunk size \(size)")
        }
        return expected
    }

    @Test func multiByteUTF8() throws {
        let r = try sameAtEveryChunkSize(Array("序号,说明\r\n1,整改😀完成\r\n2,é\n".utf8)).get()
        #expect(r.map(\.texts) == [[1: "序号", 2: "说明"], [1: "1", 2: "整改😀完成"], [1: "2", 2: "é"]])
    }

    @Test func aCharacterCutByTheChunkIsWhole() throws {
        // "1," then 整 (E6 95 B4): a 4-byte chunk ends after its first byte.
        let path = try Fixture.file("c.csv", Array("1,整\n".utf8))
        #expect(try read(path, chunk: 3).get().map(\.texts) == [[1: "1", 2: "整"]])
        #expect(try read(path, chunk: 4).get().map(\.texts) == [[1: "1", 2: "整"]])
    }

    @Test func gb18030() throws {
        // 序号,问题 CRLF €,😀 (2-byte and 4-byte sequences), with and without the GB18030 BOM.
        let body: [UInt8] = [0xD0, 0xF2, 0xBA, 0xC5, 0x2C, 0xCE, 0xCA, 0xCC, 0xE2, 0x0D, 0x0A, 0xA2, 0xE3, 0x2C,
                             0x94, 0x39, 0xFC, 0x36, 0x0A, 0x22, 0xD0, 0xF2, 0x0D, 0x0A, 0xBA, 0xC5, 0x22]
        let expected: [[Int: String]] = [[1: "序号", 2: "问题"], [1: "€", 2: "😀"], [1: "序\r\n号"]]
        #expect(try sameAtEveryChunkSize(body).get().map(\.texts) == expected)
        #expect(try sameAtEveryChunkSize([0x84, 0x31, 0x95, 0x33] + body).get().map(\.texts) == expected)
    }

    @Test func gb18030CutInsideACharacter() throws {
        // 4-byte 😀 (94 39 FC 36) split after each of its bytes.
        let bytes: [UInt8] = [0x31, 0x2C, 0x94, 0x39, 0xFC, 0x36, 0x0A]
        let path = try Fixture.file("c.csv", bytes)
        for size in 3...6 {
            #expect(try read(path, chunk: size).get().map(\.texts) == [[1: "1", 2: "😀"]], "chunk size \(size)")
        }
    }

    @Test func invalidGB18030NamesItsLineAtEveryChunkSize() throws {
        let result = try sameAtEveryChunkSize(Array("a,b\nc,d\n".utf8) + [0xFF, 0xFF, 0x0A])
        guard case .failure(let error) = result else { Issue.record("read"); return }
        #expect(error.reason == .malformed)
        #expect(error.place == "第 3 行")
    }

    @Test func quotedLineBreaksCRLFAndDoubledQuotes() throws {
        let text = "编号,说明\r\n1,\"第一行\r\n第二行\"\r\n2,\"他说\"\"好\"\"，\n然后\rCR\"\r\n3,末行\r\"a\"b,\"\"\r\n,,\r\n\"x\"\"\""
        let r = try sameAtEveryChunkSize(Array(text.utf8)).get()
        #expect(r.map(\.row) == [1, 2, 3, 4, 5, 7])
        #expect(r[1].texts == [1: "1", 2: "第一行\r\n第二行"])
        #expect(r[2].texts == [1: "2", 2: "他说\"好\"，\n然后\rCR"])
        #expect(r[3].texts == [1: "3", 2: "末行"])
        #expect(r[4].texts == [1: "ab"])
        #expect(r[5].texts == [1: "x\""])
    }

    @Test func crlfSplitByTheChunkIsOneLineEnd() throws {
        let path = try Fixture.file("c.csv", Array("a,b\r\nc,d\r\n\r\ne".utf8))
        for size in [4, 5, 9, 10, 11] {
            #expect(try read(path, chunk: size).get().map(\.row) == [1, 2, 4], "chunk size \(size)")
        }
    }

    @Test func doubledQuoteSplitByTheChunkIsOneQuote() throws {
        let path = try Fixture.file("c.csv", Array("\"x\"\"y\",\"\"\"\"\n".utf8))
        for size in 1...6 {
            #expect(try read(path, chunk: size).get().map(\.texts) == [[1: "x\"y", 2: "\""]], "chunk size \(size)")
        }
    }

    @Test func unclosedQuoteNamesItsLineAtEveryChunkSize() throws {
        let result = try sameAtEveryChunkSize(Array("a,b\r\nc,\"d\r\ne\"\r\n1,\"未结束\r\n的引号\r\n".utf8))
        guard case .failure(let error) = result else { Issue.record("read"); return }
        #expect(error.reason == .malformed)
        #expect(error.place == "第 4 行")
    }

    @Test func separatorHintAtEveryChunkSize() throws {
        let r = try sameAtEveryChunkSize(Array("sep=,\r\n序号,问题\r\n1,甲\r\n".utf8)).get()
        #expect(r.map(\.row) == [1, 2])
        #expect(r[0].texts == [1: "序号", 2: "问题"])
        let refused = try sameAtEveryChunkSize(Array("sep=;\r\n序号;问题\r\n".utf8))
        #expect((try? refused.get()) == nil)
        #expect(try sameAtEveryChunkSize(Array("sep=,x\r\nsep=\r\n".utf8)).get().map(\.texts) == [[1: "sep=", 2: "x"], [1: "sep="]])
    }

    @Test func bomsAndNulAtEveryChunkSize() throws {
        #expect(try sameAtEveryChunkSize([0xEF, 0xBB, 0xBF] + Array("问题编号,备注\r\n".utf8)).get().map(\.texts)
                == [[1: "问题编号", 2: "备注"]])
        guard case .failure(let error) = try sameAtEveryChunkSize(Array("a,b\r\nc".utf8) + [0, 1]) else {
            Issue.record("read"); return
        }
        #expect(error.reason == .notSpreadsheet)
        #expect(error.detail.contains("第 7 字节"))
    }

    @Test func stoppingEarlyReadsNoFurther() throws {
        let path = try Fixture.file("c.csv", Array(String(repeating: "甲,乙\r\n", count: 1000).utf8))
        let source = try CSVImporter(chunkSize: 64).open(ImportSource(path: path), limits: .standard)
        var seen: [Int] = []
        try source.readRows(sheet: 0) { seen.append($0.row); return seen.count < 3 }
        #expect(seen == [1, 2, 3])
    }

    // The memory a large file costs is measured on the command, in its own process (LargeFaultyFileTests): the
    // resident size of this process moves with every test running beside it.
}
