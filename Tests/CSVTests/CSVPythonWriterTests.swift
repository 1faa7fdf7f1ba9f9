import Foundation
import TaizhangTestSupport
import Testing
import TaizhangCore
import TaizhangCSV

/// Files written by another CSV writer (Python's csv module, as Excel-dialect with CRLF), read by the importer.
@Suite struct CSVPythonWriterTests {
    static let python = ["/usr/bin/python3", "/usr/local/bin/python3"].first { FileManager.default.isExecutableFile(atPath: $0) }

    static let rows: [[String]] = [
        ["问题编号", "问题描述", "整改措施", "备注"],
        ["SY-001", "执法人员“态度生硬”，群众不满意", "开展培训,\r\n加强监督", ""],
        ["SY-002", "他说\"好\"", "", "𠀀生僻字与€"],
        ["", "", "", ""],
        ["SY-003", "末行", "'=1+2", "-"],
    ]

    @Test(.enabled(if: python != nil),
          arguments: ["utf-8-sig", "utf-8", "gb18030"])
    func readsWhatPythonWrites(encoding: String) throws {
        let dir = try Fixture.directory("python-\(encoding)")
        let data = dir.appendingPathComponent("rows.json")
        try JSONSerialization.data(withJSONObject: Self.rows).write(to: data)
        let csv = dir.appendingPathComponent("台账.csv")
        let script = """
            import csv, json, sys
            rows = json.load(open(sys.argv[1], encoding="utf-8"))
            with open(sys.argv[2], "w", encoding=sys.argv[3], newline="") as f:
                csv.writer(f, dialect="excel").writerows(rows)
            """
        let result = try ExternalProgram.run(Self.python!, ["-c", script, data.path, csv.path, encoding])
        #expect(result.status == 0, "\(result.stderr)")

        let bytes = [UInt8](try Data(contentsOf: csv))
        #expect(bytes.starts(with: [0xEF, 0xBB, 0xBF]) == (encoding == "utf-8-sig"))
        let source = try CSVImporter().open(ImportSource(path: csv.path), limits: .standard)
        #expect(source.sheets.map(\.name) == ["台账"])
        var read: [SourceRow] = []
        try source.readRows(sheet: 0) { read.append($0); return true }
        // Row 4 is empty: skipped, but numbering goes on.
        #expect(read.map(\.row) == [1, 2, 3, 5])
        let expected = Self.rows.enumerated().filter { !$0.element.allSatisfy(\.isEmpty) }
        for (row, (index, cells)) in zip(read, expected) {
            var want: [Int: String] = [:]
            for (c, text) in cells.enumerated() where !text.isEmpty { want[c + 1] = text }
            #expect(row.texts == want, "row \(index + 1)")
        }
    }
}
