import Foundation
import Testing
import TaizhangCore
import TaizhangTestSupport

/// The command as people use it (issue 18): output that pipes, defaults that find things.
@Suite struct ErgonomicsTests {
    @Test func defaultsFindThingsAndOutputPipes() throws {
        let dir = try Taizhang.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let june = YearMonth(year: 2024, month: 6)!
        let inbox = dir.appendingPathComponent("inbox")
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        try Taizhang.writeCSV("self-check", unit: "shenyang", period: june, rows: 3, in: inbox)
        try Taizhang.writeCSV("rectification", unit: "shenyang", period: june, rows: 3, in: inbox)
        try Taizhang.writeCSV("progress", unit: "shenyang", period: june, rows: 0, in: inbox)

        // ingest creates the workspace's folder; TAIZHANG_WORKSPACE names the workspace.
        let ws = dir.appendingPathComponent("新目录/省厅/taizhang.sqlite").path
        let env = ["TAIZHANG_WORKSPACE": ws]
        let ingest = try Taizhang.run(["ingest", inbox.path, "--received", "2024-06-20"], environment: env)
        #expect(ingest.status == 0, "\(ingest.stdout)\(ingest.stderr)")
        #expect(FileManager.default.fileExists(atPath: ws))

        // JSON goes to standard output when no file is named, and parses.
        let json = try Taizhang.run(["status", "--period", "2024-06", "--as-of", "2024-06-28", "--to", "json"], environment: env)
        #expect(json.status == 0, "\(json.stderr)")
        let parsed = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect(parsed != nil, "\(json.stdout.prefix(200))")
        let memo = try Taizhang.run(["status", "--period", "2024-06", "--to", "memo"], environment: env)
        #expect(memo.status == 0 && memo.stdout.contains("工作进展情况的报告"), "\(memo.stderr)")
        let workbook = try Taizhang.run(["status", "--period", "2024-06", "--to", "xlsx"], environment: env)
        #expect(workbook.status == 2 && workbook.stderr.contains("-o"), "no workbook on a terminal")

        // package signs with the key keys new made beside the workspace, and says so.
        #expect(try Taizhang.run(["keys", "new", "--unit", "沈阳"], environment: env).status == 0)
        let package = dir.appendingPathComponent("沈阳.zip").path
        let made = try Taizhang.run(["package", "--unit", "沈阳", "--period", "2024-06", "-o", package], environment: env)
        #expect(made.status == 0, "\(made.stdout)\(made.stderr)")
        #expect(made.stderr.contains("使用签名私钥") && made.stderr.contains("shenyang.key"), "\(made.stderr)")
        #expect(!made.stderr.contains("没有签名"))
        let verified = try Taizhang.run(["verify", package], environment: env)
        #expect(verified.status == 0, "\(verified.stdout)")
        #expect(verified.stdout.contains("核验通过"))

        // Every subcommand's help shows an example.
        for command in [["check"], ["ingest"], ["status"], ["report", "progress"], ["package"], ["verify"], ["keys", "new"],
                        ["template"], ["templates"], ["units", "add"], ["workspace", "backup"]] {
            let help = try Taizhang.run(command + ["--help"])
            #expect(help.stdout.contains("例：") || help.stdout.contains("单位：taizhang"), "\(command)")
        }
    }
}
