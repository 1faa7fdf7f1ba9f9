import Foundation
import Testing
import TaizhangCore
import TaizhangSamples
@testable import TaizhangWorkflow

/// The annotated return written row by row as the file is read (issue 11) is the workbook the whole-file
/// writer makes, byte for byte: on every return of the demo, on a long return with a mistake on every row and a
/// column the unit added, and on a file that names a header field after its table (which is read whole).
@Suite(.serialized) struct StreamedAnnotatedReturnTests {
    /// Both writers' workbooks for `path`, marked with what checking it finds, and the cells each marks.
    static func both(_ scene: Scene, _ path: String, name: String? = nil) throws -> (whole: Data, streamed: Data, marked: [Int]) {
        let workflow = scene.workflow
        let name = name ?? URL(fileURLWithPath: path).lastPathComponent
        let (source, _) = try FileOpener(registry: workflow.registry).open(path, displayName: name)
        let findings = try LedgerChecker(formSet: Scene.set).check(source, fileName: name).report.findings
        let read = try LedgerReader(formSet: Scene.set).read(source, fileName: name)
        let head = LedgerChecker(formSet: Scene.set).peek(read, fileName: name)
        let whole = scene.dir.appendingPathComponent("whole.xlsx").path
        let streamed = scene.dir.appendingPathComponent("streamed.xlsx").path
        let a = try workflow.writeAnnotatedWorkbook(read: read, unit: head.headerUnit, period: head.period,
                                                    findings: findings, fileName: name, to: whole)
        let b = try workflow.writeAnnotatedReturn(path: path, name: name, findings: findings, to: streamed)
        return (try Data(contentsOf: URL(fileURLWithPath: whole)), try Data(contentsOf: URL(fileURLWithPath: streamed)), [a, b])
    }

    @Test func everyDemoReturnIsAnnotatedAsTheWholeFileWas() throws {
        let scene = try Scene()
        defer { scene.remove() }
        let files = try scene.demoReturns()
        #expect(files.count == 90)
        var marked = 0
        for file in files {
            let (whole, streamed, cells) = try Self.both(scene, file)
            #expect(whole == streamed, "\(file)")
            #expect(cells[0] == cells[1], "\(file)")
            marked += cells[0]
        }
        #expect(marked > 0, "the demo's faulty returns have cells to mark")
    }

    /// 1,500 rows (more than the widths are fitted to), a 发现时间 that is no date on every third row, and a column
    /// the unit added.
    @Test func aLongFaultyReturnWithAnAddedColumnIsTheSame() throws {
        let scene = try Scene()
        defer { scene.remove() }
        let path = try scene.write("self-check", unit: "yingkou", rows: 1_500, seed: 21) { document in
            for i in document.rows["main"]!.indices where i % 3 == 0 {
                document.rows["main"]![i].values["found_date"] = .text("去年某天")
            }
        }
        var lines = try String(contentsOfFile: path, encoding: .utf8).components(separatedBy: "\r\n")
        let header = try #require(lines.firstIndex { $0.hasPrefix("序号,") || $0.hasPrefix("\u{FEFF}序号,") })
        lines[header] += ",本单位备注"
        for i in (header + 1)..<lines.count where !lines[i].isEmpty { lines[i] += ",备注\(i)" }
        try lines.joined(separator: "\r\n").write(toFile: path, atomically: true, encoding: .utf8)

        let (whole, streamed, cells) = try Self.both(scene, path)
        #expect(whole == streamed)
        #expect(cells == [500, 500])
    }

    /// A file whose 填报日期 comes after its table is read whole: the same workbook.
    @Test func aFooterHeaderIsReadWhole() throws {
        let scene = try Scene()
        defer { scene.remove() }
        let path = try scene.write("rectification", unit: "benxi", rows: 30, seed: 3) { document in
            document.rows["main"]![2].values["deadline"] = .text("下个月")
        }
        try scene.moveReportDateBelowTable(path)
        let (whole, streamed, cells) = try Self.both(scene, path)
        #expect(whole == streamed)
        #expect(cells[0] == cells[1] && cells[0] > 0)
    }
}
