import Foundation
import Testing
import TaizhangTestSupport

/// Returns sent as .xls and .ods (LibreOffice's conversions of the demo's returns, made at run time in one
/// soffice run per format) give the same records and the same findings at the same cells as the .xlsx, through
/// `check` and `ingest`; the annotated return is .xlsx and the notice says so.
@Suite(.serialized) struct LegacyFormatsTests {
    static let returns = [
        "2024-06_沈阳市工业和信息化局_整改工作台账", "2024-06_鞍山市工业和信息化局_整改工作台账（初稿）",
        "2024-06_本溪市工业和信息化局_整改工作台账（自制表）", "2024-06_大连市工业和信息化局_工作进展台账",
        "2024-06_沈阳市工业和信息化局_自查台账",
    ]

    static let folder: Result<URL, any Error> = Result {
        let dir = try Taizhang.scratch()
        let demo = try Taizhang.run(["demo", dir.appendingPathComponent("demo").path])
        guard demo.status == 0 else { throw Failure("demo failed: \(demo.stderr)") }
        let inbox = dir.appendingPathComponent("demo/2-各单位报送")
        let originals = returns.map { inbox.appendingPathComponent($0 + ".xlsx") }
        for format in ["xls", "ods"] {
            let run = try ExternalProgram.tool("soffice", ["-env:UserInstallation=file:///tmp/taizhang-lo-legacy-cli", "--headless",
                                                           "--convert-to", format, "--outdir", dir.path] + originals.map(\.path))
            guard run.status == 0 else { throw Failure("soffice failed: \(run.stderr)") }
        }
        for original in originals { try FileManager.default.copyItem(at: original, to: dir.appendingPathComponent(original.lastPathComponent)) }
        return dir
    }

    struct Failure: Error { var message: String; init(_ message: String) { self.message = message } }

    @Test func sameFindingsAtTheSameCells() throws {
        let dir = try Self.folder.get()
        var withFindings = 0
        for name in Self.returns {
            let xlsx = try Taizhang.run(["check", dir.appendingPathComponent(name + ".xlsx").path, "--json"])
            if xlsx.status == 1 { withFindings += 1 }
            for format in ["xls", "ods"] {
                let other = try Taizhang.run(["check", dir.appendingPathComponent("\(name).\(format)").path, "--json"])
                #expect(other.status == xlsx.status, "\(name).\(format): \(other.stderr)")
                #expect(other.stdout.replacingOccurrences(of: "\(name).\(format)", with: "\(name).xlsx") == xlsx.stdout, "\(name).\(format)")
                let records = try Taizhang.run(["export", dir.appendingPathComponent("\(name).\(format)").path, "--to", "json"])
                let original = try Taizhang.run(["export", dir.appendingPathComponent(name + ".xlsx").path, "--to", "json"])
                #expect(records.stdout == original.stdout, "\(name).\(format) export")
            }
        }
        #expect(withFindings >= 1)  // the comparison covers findings, not only clean files
    }

    @Test func ingestAndAnnotateLegacyReturns() throws {
        let dir = try Self.folder.get()
        let work = dir.appendingPathComponent("work-\(UUID().uuidString)")
        let inbox = work.appendingPathComponent("inbox")
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        for name in Self.returns.prefix(2) {
            try FileManager.default.copyItem(at: dir.appendingPathComponent(name + ".xls"), to: inbox.appendingPathComponent(name + ".xls"))
        }
        try FileManager.default.copyItem(at: dir.appendingPathComponent(Self.returns[4] + ".ods"), to: inbox.appendingPathComponent(Self.returns[4] + ".ods"))
        let returned = work.appendingPathComponent("退回")
        let run = try Taizhang.run(["ingest", inbox.path, "--workspace", work.appendingPathComponent("t.sqlite").path,
                                    "--annotate", returned.path, "--received", "2024-06-20"])
        #expect(run.status == 1, "\(run.stdout)\(run.stderr)")  // the 初稿 is returned
        #expect(run.stdout.contains("已接收 2，已退回 1，已拒收 0"), "\(run.stdout)")
        #expect(run.stdout.contains(Self.returns[0] + ".xls"))
        let written = try FileManager.default.contentsOfDirectory(atPath: returned.path)
        let annotated = try #require(written.first { $0.hasSuffix("_退回修改.xlsx") })
        #expect(annotated.hasPrefix(Self.returns[1]))
        let notice = try #require(written.first { $0.contains("退回修改通知") })
        let text = try String(contentsOf: returned.appendingPathComponent(notice), encoding: .utf8)
        #expect(text.contains("你单位报送的是 .xls 格式的文件"), "\(text)")
        // The annotated return is a workbook Taizhang reads as the template.
        let check = try Taizhang.run(["check", returned.appendingPathComponent(annotated).path])
        #expect(check.stdout.contains("按模板识别"), "\(check.stdout)")
    }
}
