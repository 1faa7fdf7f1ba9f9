import Foundation
import TaizhangTestSupport
import Testing
import TaizhangCore

/// `taizhang inspect`, run as the built command (it sits beside the test bundle).
@Suite struct ReaderInspectTests {
    typealias S = ReaderSupport

    /// The `taizhang` executable of this build.
    static var command: URL {
        let folder = Bundle.main.bundleURL
        let candidates = [folder.appendingPathComponent("taizhang"),
                          folder.deletingLastPathComponent().appendingPathComponent("taizhang")]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]
    }

    private func run(_ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
        let result = try ExternalProgram.run(Self.command.path, arguments)
        return (result.status, result.stdout, result.stderr)
    }

    @Test func jsonListsEveryNonEmptyCell() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.command.path), "build the taizhang product first")
        let styles = "<styleSheet xmlns=\"\(S.mainNS)\"><cellXfs><xf numFmtId=\"0\"/><xf numFmtId=\"31\"/><xf numFmtId=\"22\"/></cellXfs></styleSheet>"
        let sheet1 = S.sheet("""
            <row r="1"><c r="A1" t="inlineStr"><is><t>单位"名"</t></is></c><c r="B1"><v>12.5</v></c><c r="C1"><v>3</v></c></row>\
            <row r="3"><c r="A3" t="b"><v>1</v></c><c r="B3" s="1"><v>45473</v></c><c r="C3" s="2"><v>45473.3333333333</v></c><c r="D3" t="e"><v>#N/A</v></c></row>
            """)
        let folder = try S.temporaryFolder("inspect")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("台账.xlsx")
        try S.zip(S.package(sheets: [("台账", sheet1), ("空", S.sheet(""))], styles: styles), to: url)
        let result = try run(["inspect", "--json", url.path])
        #expect(result.status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any])
        let sheets = try #require(json["sheets"] as? [[String: Any]])
        #expect(sheets.map { $0["name"] as? String } == ["台账", "空"])
        #expect((sheets[1]["cells"] as? [Any])?.isEmpty == true)
        let cells = try #require(sheets[0]["cells"] as? [[String: Any]])
        #expect(cells.map { $0["ref"] as? String } == ["A1", "B1", "C1", "A3", "B3", "C3", "D3"])
        #expect(cells.map { $0["type"] as? String } == ["string", "number", "number", "boolean", "date", "date", "error"])
        #expect(cells[0]["value"] as? String == "单位\"名\"")
        #expect(cells[1]["value"] as? Double == 12.5)
        #expect(cells[2]["value"] as? Int == 3)
        #expect(cells[3]["value"] as? Bool == true)
        #expect(cells[4]["value"] as? String == "2024-06-30")
        #expect(cells[5]["value"] as? String == "2024-06-30T08:00:00")
        #expect(cells[6]["value"] as? String == "#N/A")
        // The text form names the cells too.
        let text = try run(["inspect", url.path])
        #expect(text.status == 0)
        #expect(text.out.contains("B3\t日期\t2024-06-30"))
    }

    @Test func unreadableFilesExitWithTwo() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.command.path), "build the taizhang product first")
        let folder = try S.temporaryFolder("inspect-bad")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("报表.xls")
        try Data([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] + [UInt8](repeating: 0, count: 600)).write(to: url)
        let result = try run(["inspect", url.path])
        #expect(result.status == 2)
        #expect(result.out.isEmpty)
        #expect(result.err.contains("报表.xls"))
        #expect(result.err.contains("另存为 .xlsx 格式"))  // a damaged .xls: read by the XLS plugin, refused with advice
    }
}
