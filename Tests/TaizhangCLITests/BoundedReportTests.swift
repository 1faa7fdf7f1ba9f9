import Foundation
import Testing
import TaizhangCore
import TaizhangStore
import TaizhangTestSupport

/// A file with the same mistake on every row (issue 11): `check` names the first cells of each kind of problem and
/// says how many more there are, in text and JSON; the counts and the verdict are the whole file's; `--all` lists
/// every one.
@Suite struct BoundedReportTests {
    @Test func theSameMistakeOnEveryRowIsReportedOncePerKindWithACount() throws {
        let dir = try Taizhang.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let june = YearMonth(year: 2024, month: 6)!
        let rows = 120
        let file = try Taizhang.writeCSV("self-check", unit: "shenyang", period: june, rows: rows, in: dir) { document in
            for i in document.rows["main"]!.indices { document.rows["main"]![i].values["found_date"] = .text("去年某天") }
        }
        let text = try Taizhang.run(["check", file.path])
        #expect(text.status == 1)
        let listed = text.stdout.split(separator: "\n").filter { $0.contains("去年某天") }
        #expect(listed.count == ValidationReport.shownPerCode, "\(text.stdout)")
        #expect(text.stdout.contains("……另有 \(rows - ValidationReport.shownPerCode) 处同类问题"), "\(text.stdout)")
        #expect(text.stdout.contains("发现 \(rows) 个问题"), "the whole file's count: \(text.stdout.prefix(600))")

        let json = try Taizhang.run(["check", file.path, "--json"])
        let report = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any]
        let findings = report["findings"] as! [[String: Any]]
        #expect(findings.count == ValidationReport.shownPerCode)
        let omitted = report["omitted"] as? [String: Int] ?? [:]
        #expect(omitted.values.reduce(0, +) == rows - ValidationReport.shownPerCode, "\(omitted)")
        #expect(report["errorCount"] as? Int == rows && report["accepted"] as? Bool == false)

        let all = try Taizhang.run(["check", file.path, "--json", "--all"])
        let whole = try JSONSerialization.jsonObject(with: Data(all.stdout.utf8)) as! [String: Any]
        #expect((whole["findings"] as! [[String: Any]]).count == rows)
        #expect(whole["omitted"] == nil)
        #expect(try Taizhang.run(["check", file.path, "--all"]).stdout.split(separator: "\n").filter { $0.contains("去年某天") }.count == rows)
    }
}

/// A file of 100,000 rows with a mistake on every row (issue 11): the report still names the first cells and
/// counts the rest by code, and it stays small.
@Suite struct LargeFaultyFileTests {
    /// The rows of a sample self-check ledger repeated under new 问题编号 to `rows` rows, each with a 发现时间 that
    /// is no date; the file and the first data row's number.
    static func faultyLedger(rows: Int, in dir: URL) throws -> (URL, firstRow: Int) {
        let june = YearMonth(year: 2024, month: 6)!
        let sample = try Taizhang.writeCSV("self-check", unit: "shenyang", period: june, rows: 40, in: dir) { document in
            for i in document.rows["main"]!.indices { document.rows["main"]![i].values["found_date"] = .text("去年某天") }
        }
        let lines = try String(contentsOf: sample, encoding: .utf8).components(separatedBy: "\r\n").filter { !$0.isEmpty }
        let headerAt = try #require(lines.firstIndex { $0.hasPrefix("序号,") || $0.hasPrefix("\u{FEFF}序号,") })
        let data = Array(lines[(headerAt + 1)...])
        #expect(data.count == 40 && data.allSatisfy { !$0.hasPrefix("\"") })
        var text = lines[...headerAt].joined(separator: "\r\n") + "\r\n"
        text.reserveCapacity(rows * 300)
        for k in 0..<rows {
            // 序号 and 问题编号 are the first two fields, plain text; the rest is the sample row as written.
            let fields = data[k % data.count].split(separator: ",", maxSplits: 2, omittingEmptySubsequences: false)
            text += "\(k + 1),SY-2024-\(k + 1),\(fields[2])\r\n"
        }
        let url = dir.appendingPathComponent("faulty-\(rows).csv")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return (url, headerAt + 2)
    }

    @Test func aMistakeOnEachOfAHundredThousandRowsGivesABoundedReport() throws {
        let dir = try Taizhang.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let rows = 100_000
        let (file, firstRow) = try Self.faultyLedger(rows: rows, in: dir)
        let run = try Taizhang.run(["check", file.path, "--json"])
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stdout.utf8.count < 64 << 10, "the report is bounded: \(run.stdout.utf8.count) bytes")
        let report = try JSONDecoder().decode(ValidationReport.self, from: Data(run.stdout.utf8))
        #expect(report.rowCounts["main"] == rows)
        #expect(report.errorCount == rows, "one error a row: \(report.omitted ?? [:])")
        let dates = report.findings.filter { $0.code == .invalidDate }
        #expect(dates.count == ValidationReport.shownPerCode)
        #expect(report.omitted?["invalid-date"] == rows - ValidationReport.shownPerCode)
        // The first cells are named, in file order.
        #expect(dates.map(\.location.row) == (0..<ValidationReport.shownPerCode).map { firstRow + $0 })
        #expect(dates.first?.location.cellReference != nil && dates.first?.location.columnLabel == "发现时间")

        let text = try Taizhang.run(["check", file.path])
        #expect(text.stdout.contains("……另有 \(rows - ValidationReport.shownPerCode) 处同类问题（invalid-date"), "\(text.stdout.suffix(800))")
        #expect(text.stdout.split(separator: "\n").count < 60)

        // The memory of the check, in its own process: ten times the rows cost little more than the rows of one
        // file (what grows is the key set, some 20 bytes a 问题编号).
        let (small, _) = try Self.faultyLedger(rows: rows / 10, in: dir)
        let peak10k = try Self.peakMiB(["check", small.path, "--json"])
        let peak100k = try Self.peakMiB(["check", file.path, "--json"])
        #expect(peak100k - peak10k < 16, "10k rows: \(peak10k) MiB, 100k rows: \(peak100k) MiB")

        // Ingest records such a file row by row in one transaction: its memory does not grow with the rows either
        // (what grows is the same key set), yet the report stored with it holds every finding.
        let ws10k = dir.appendingPathComponent("10k.sqlite").path, ws100k = dir.appendingPathComponent("100k.sqlite").path
        let ingest10k = try Self.peakMiB(["ingest", small.path, "--workspace", ws10k])
        let ingest100k = try Self.peakMiB(["ingest", file.path, "--workspace", ws100k])
        #expect(ingest100k - ingest10k < 16, "ingest 10k rows: \(ingest10k) MiB, 100k rows: \(ingest100k) MiB")
        let workspace = try Workspace(path: ws100k, access: .read)
        let stored = try #require(try workspace.submissions().first)
        #expect(stored.state == .rejected && stored.errorCount == rows)
        let json = try #require(try workspace.reportJSON(of: stored.id))
        let whole = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        #expect((whole?["findings"] as? [Any])?.count == rows, "every finding is stored")
        #expect(whole?["omitted"] == nil)
    }

    /// The peak resident memory of `taizhang ARGUMENTS`, from GNU time.
    static func peakMiB(_ arguments: [String]) throws -> Double {
        let report = FileManager.default.temporaryDirectory.appendingPathComponent("time-\(UUID().uuidString).txt")
        defer { try? FileManager.default.removeItem(at: report) }
        let run = try ExternalProgram.run("/usr/bin/time", ["-f", "%M", "-o", report.path, ExternalProgram.taizhang.path] + arguments)
        #expect(run.status == 0 || run.status == 1, "\(run.stderr)")
        // (GNU time writes "Command exited with non-zero status 1" first when it did.)
        let text = try String(contentsOf: report, encoding: .utf8)
        let kib = try #require(text.split(separator: "\n").last.flatMap { Double($0.trimmingCharacters(in: .whitespaces)) }, "\(text)")
        return kib / 1024
    }
}

/// `check` reads and validates row by row (issue 11): on every return of the demo — templates, hand-made layouts,
/// CSV, the faulty ones — it reports what the ordinary check (`--all`) reports, capped the same way; and the
/// ordinary check reports what it reported before the row pipeline was rewritten (`Golden/demo-checks.json`,
/// written by the build before issue 11's rewrite; `TAIZHANG_UPDATE_GOLDEN=1` writes it again from this build,
/// for a change that means to alter findings).
@Suite struct StreamingCheckTests {
    @Test func theRowByRowCheckFindsWhatTheOrdinaryCheckFinds() throws {
        let dir = try Taizhang.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let demo = dir.appendingPathComponent("demo")
        #expect(try Taizhang.run(["demo", demo.path]).status == 0)
        let returns = demo.appendingPathComponent("2-各单位报送")
        let files = try FileManager.default.contentsOfDirectory(atPath: returns.path).sorted()
        #expect(files.count >= 80)
        var compared = 0
        let goldenURL = Taizhang.repository.appendingPathComponent("Tests/TaizhangCLITests/Golden/demo-checks.json")
        let golden = try JSONSerialization.jsonObject(with: Data(contentsOf: goldenURL)) as? [String: Any] ?? [:]
        var current: [String: Any] = [:]
        for file in files {
            let path = returns.appendingPathComponent(file).path
            let streamed = try Taizhang.run(["check", path, "--json"])
            let whole = try Taizhang.run(["check", path, "--json", "--all"])
            let report = try JSONSerialization.jsonObject(with: Data(whole.stdout.utf8))
            current[file] = report
            #expect(golden[file].map { NSDictionary(dictionary: $0 as? [String: Any] ?? [:]) }
                    == NSDictionary(dictionary: report as? [String: Any] ?? [:]), "\(file): \(whole.stdout.prefix(1500))")
            #expect(streamed.status == whole.status, "\(file)")
            guard streamed.status != 2 else { continue }
            let a = try JSONDecoder().decode(ValidationReport.self, from: Data(streamed.stdout.utf8))
            let b = try JSONDecoder().decode(ValidationReport.self, from: Data(whole.stdout.utf8)).capped(perCode: 3)
            let a3 = a.capped(perCode: 3)
            #expect(a3.findings == b.findings, "\(file)")
            #expect(a.rowCounts == b.rowCounts && a.errorCount == b.errorCount && a.warningCount == b.warningCount
                    && a.unit == b.unit && a.period == b.period, "\(file)")
            compared += 1
        }
        #expect(compared >= 80)
        #expect(Set(golden.keys) == Set(current.keys), "the demo's returns are the golden file's")
        if ProcessInfo.processInfo.environment["TAIZHANG_UPDATE_GOLDEN"] == "1" {
            let data = try JSONSerialization.data(withJSONObject: current, options: [.prettyPrinted, .sortedKeys])
            try data.write(to: goldenURL)
        }
    }
}
