import Foundation
import Testing
import TaizhangCore
import TaizhangTestSupport
@testable import TaizhangXLSX

/// The shared-string table keeps a few MiB in memory and spills the rest to a temporary file.
@Suite struct SharedStringTableTests {
    typealias S = ReaderSupport

    static let samples: [String] = {
        var strings = ["", "a", "整改台账", " 县 ", "😀 emoji", String(repeating: "长", count: 300), "x"]
        for k in 0..<500 { strings.append("第\(k)号问题：执法人员未出示证件\(String(repeating: "。", count: k % 37))") }
        strings.append(String(repeating: "超长文字", count: 2_000))  // longer than a window
        strings.append("")
        strings.append("末")
        return strings
    }()

    func table(budget: Int, window: Int = 256, directory: String? = nil) throws -> SharedStringTable {
        let table = SharedStringTable(fileName: "t.xlsx", residentBudget: budget, windowSize: window, spillDirectory: directory)
        for string in SharedStringTableTests.samples { try table.append(string) }
        try table.finish()
        return table
    }

    @Test(arguments: [0, 100, 5_000, 1 << 30])
    func everyStringReadsBackInAnyOrder(budget: Int) throws {
        let table = try table(budget: budget)
        let strings = SharedStringTableTests.samples
        #expect(table.count == strings.count)
        #expect(table.hasSpilled == (budget < 1 << 30))
        for index in strings.indices { #expect(try table.string(at: index) == strings[index]) }
        var random = SplitMix(seed: 11)
        for _ in 0..<2_000 {
            let index = Int(random.next() % UInt64(strings.count))
            #expect(try table.string(at: index) == strings[index])
            #expect(table.byteCount(at: index) == strings[index].utf8.count)
        }
        for index in strings.indices.reversed() { #expect(try table.string(at: index) == strings[index]) }
    }

    @Test func readingInOrderCostsOneReadPerWindow() throws {
        let table = SharedStringTable(fileName: "t.xlsx", residentBudget: 1_000, windowSize: 4_096)
        var strings: [String] = []
        for k in 0..<20_000 { strings.append("FS-2024-\(k)（第\(k)号）") }
        for string in strings { try table.append(string) }
        try table.finish()
        var bytes = 0
        for index in strings.indices {
            #expect(try table.string(at: index) == strings[index])
            if index > 0 { _ = try table.string(at: index % 7) }  // the early strings that repeat (choices, units)
            bytes += strings[index].utf8.count
        }
        let stats = table.statistics
        #expect(stats.spilled > 19_000)
        #expect(stats.reads <= bytes / 3_000)
        #expect(stats.hitRate > 0.99)
    }

    @Test func aTemporaryFileThatCannotBeMadeIsAnImportError() throws {
        let error = S.refusal { _ = try table(budget: 100, directory: "/nonexistent-taizhang-\(UUID().uuidString)") }
        #expect(error?.reason == .unreadable)
        #expect(error?.detail.contains("临时") == true)
        #expect(error?.detail.contains("TMPDIR") == true)
        #expect(error?.detail.contains("目录不存在") == true)
        // A table that fits in memory needs no file.
        #expect(try table(budget: 1 << 30, directory: "/nonexistent").count == SharedStringTableTests.samples.count)
    }

    @Test func theTemporaryFileIsUnlinkedAtOnce() throws {
        let folder = try S.temporaryFolder("spill")
        defer { try? FileManager.default.removeItem(at: folder) }
        let table = try table(budget: 10, directory: folder.path)
        #expect(table.hasSpilled)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
        #expect(try table.string(at: 3) == " 县 ")
    }

    /// A workbook read with a tiny budget reads the same cells, escapes and rich runs included.
    @Test func workbookReadThroughTheTemporaryFile() throws {
        var items = ""
        var rows = ""
        for k in 0..<300 {
            items += k % 50 == 7 ? "<si><r><t>富</t></r><r><t xml:space=\"preserve\"> 文本\(k)</t></r></si>" : "<si><t>第\(k)项_x000D_</t></si>"
            rows += "<row r=\"\(k + 1)\"><c r=\"A\(k + 1)\" t=\"s\"><v>\(k)</v></c><c r=\"B\(k + 1)\" t=\"s\"><v>\((k * 7) % 300)</v></c></row>"
        }
        let parts = S.package(sheets: [("S", S.sheet(rows))], sharedStrings: "<sst xmlns=\"\(S.mainNS)\">\(items)</sst>")
        let folder = try S.temporaryFolder("spillbook")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("book.xlsx")
        try S.zip(parts, to: url)
        let expected = try S.cells(S.open(url))
        #expect(expected["A1"] == .text("第0项\r"))
        #expect(expected["A8"] == .text("富 文本7"))
        let spilled = try XLSXImporter(sharedStringBudget: 64, spillDirectory: folder.path)
            .openWorkbook(ImportSource(path: url.path))
        #expect(try S.cells(spilled) == expected)
        #expect(spilled.sharedStringStatistics.spilled > 290)

        let refused = S.refusal {
            _ = try XLSXImporter(sharedStringBudget: 64, spillDirectory: folder.path + "/missing")
                .openWorkbook(ImportSource(path: url.path))
        }
        #expect(refused?.reason == .unreadable)
        #expect(refused?.description.contains("book.xlsx") == true)
    }
}
