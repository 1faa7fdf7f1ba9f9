import Foundation
import TaizhangTestSupport
import Testing
import TaizhangCore
import TaizhangCSV

/// Opens a CSV written by Taizhang in LibreOffice (headless) and reads the resulting workbook with openpyxl.
@Suite struct CSVLibreOfficeTests {
    static let soffice = ["/usr/bin/soffice", "/usr/local/bin/soffice", "/opt/libreoffice/program/soffice"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let result = try ExternalProgram.run(executable, arguments)
        return (result.status, result.stdout)
    }

    /// UTF-8 with BOM (LibreOffice encoding 76) and GB18030 (LibreOffice encoding 85, RTL_TEXTENCODING_GB_18030).
    @Test(.enabled(if: soffice != nil), .timeLimit(.minutes(2)),
          arguments: [(CSVExporter.Options.Encoding.utf8, 76), (.gb18030, 85)])
    func libreOfficeShowsTheRightCharactersAndColumns(encoding: CSVExporter.Options.Encoding, charset: Int) throws {
        let dir = try Fixture.directory("lo-\(encoding.rawValue)")
        let csv = dir.appendingPathComponent("rectification.csv")
        let sink = MemorySink()
        try CSVExporter(encoding: encoding).export(try Fixture.rectification(), to: sink)
        try Data(sink.bytes).write(to: csv)

        // CSV:44,34,<charset> = comma, double quote, encoding; from line 1; every one of the 15 columns typed as
        // text (2), so LibreOffice shows the written text rather than its own reading of dates and numbers.
        let columns = (1...15).map { "\($0)/2" }.joined(separator: "/")
        let profile = "file:///tmp/taizhang-lo-csvtests-\(encoding.rawValue)-\(ProcessInfo.processInfo.processIdentifier)"
        let (status, _) = try Self.run(Self.soffice!, [
            "-env:UserInstallation=\(profile)", "--headless", "--infilter=CSV:44,34,\(charset),1,\(columns)",
            "--convert-to", "xlsx", "--outdir", dir.path, csv.path,
        ])
        #expect(status == 0)
        let xlsx = dir.appendingPathComponent("rectification.xlsx")
        #expect(FileManager.default.fileExists(atPath: xlsx.path))

        let script = """
            import json, sys, openpyxl
            ws = openpyxl.load_workbook(sys.argv[1]).active
            print(json.dumps([[c.value for c in row] for row in ws.iter_rows()], ensure_ascii=False))
            """
        let (pyStatus, output) = try Self.run("/usr/bin/env", ["python3", "-c", script, xlsx.path])
        #expect(pyStatus == 0)
        let grid = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [[Any]]
        let rows = try #require(grid)
        #expect(rows.count == 4)
        #expect(rows.first?.compactMap { $0 as? String } == Fixture.rectificationLabels)
        for (r, expected) in Fixture.expectedRectificationCells.enumerated() {
            let row = rows[r + 1]
            for column in 1...15 {
                let value = column <= row.count ? row[column - 1] as? String : nil
                // LibreOffice, like Excel, turns a CR inside a cell into a line feed.
                let want = expected[column]?.replacingOccurrences(of: "\r", with: "\n")
                #expect(value == want, "row \(r + 2) column \(column)")
            }
        }
    }
}
