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
            // The parser's own headings and texts are in Chinese too.
            for english in ["OVERVIEW", "USAGE", "OPTIONS", "Show help information", "(default:"] {
                #expect(!help.stdout.contains(english), "\(command): \(english) in \(help.stdout)")
            }
            #expect(help.stdout.contains("用法：") && help.stdout.contains("显示帮助信息"), "\(command)")
        }
    }

    /// The manual page: every subcommand with its Chinese abstract (the argument parser's own renderer keeps
    /// only ASCII), and groff renders it without an error.
    @Test func theManualPageHasEveryCommandInChinese() throws {
        let manual = try Taizhang.run(["manual"])
        #expect(manual.status == 0, "\(manual.stderr)")
        let text = manual.stdout
        #expect(text.hasPrefix(#".\" -*- coding: UTF-8 -*-"#))
        #expect(text.contains(".TH TAIZHANG 1"))
        for (command, abstract) in [("ingest", "接收报送的文件"), ("package", "生成报送包"), ("verify", "核验报送包"),
                                    ("workspace backup", ""), ("keys new", "Ed25519 密钥对"), ("status", "")] {
            #expect(text.contains(".SS \"taizhang \(command)\""), "\(command)")
            #expect(abstract.isEmpty || text.contains(abstract), "\(command): \(abstract)")
        }
        #expect(!text.contains("Show help information") && !text.contains("taizhang manual\"\n"), "built-ins in Chinese, hidden commands left out")
        let dir = try Taizhang.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let page = dir.appendingPathComponent("taizhang.1")
        try Data(text.utf8).write(to: page)
        let rendered = try ExternalProgram.run("/usr/bin/groff", ["-k", "-man", "-Tutf8", page.path])
        #expect(rendered.status == 0, "\(rendered.stderr)")
        #expect(rendered.stdout.contains("核验报送包") && rendered.stdout.contains("TAIZHANG(1)"), "\(rendered.stdout.prefix(400))")
    }
}
