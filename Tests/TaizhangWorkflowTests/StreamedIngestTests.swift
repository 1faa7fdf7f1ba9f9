import Foundation
import GRDB
import Testing
import TaizhangCore
import TaizhangStore
import TaizhangWorkflow

/// `ingest` of a large file records it row by row as it is read, in one transaction (issue 11): the workspace it
/// leaves is the one the whole-file ingest leaves, row for row and byte for byte, and the stored report holds every
/// finding.
@Suite(.serialized) struct StreamedIngestTests {
    /// A workflow that streams every file (`streaming`) or none, with the clock fixed.
    static func workflow(streaming: Bool) throws -> Workflow {
        var workflow = try Workflow(formSet: Scene.set, clock: CampaignClock(now: CampaignClock.noon(of: CivilDate(year: 2024, month: 6, day: 28)!)))
        workflow.streamedIngestBytes = streaming ? 0 : Int.max
        return workflow
    }

    /// Every row of the workspace's tables that ingest writes, each as its column values.
    static func contents(of path: String) throws -> [String: [[DatabaseValue]]] {
        let queue = try DatabaseQueue(path: path)
        defer { try? queue.close() }
        return try queue.read { db in
            var tables: [String: [[DatabaseValue]]] = [:]
            for (table, order) in [("submissions", "id"), ("contents", "submission_id"), ("reports", "submission_id"),
                                   ("rows", "submission_id, table_id, row_index"), ("verdict_history", "id")] {
                tables[table] = try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY \(order)").map {
                    Array($0.databaseValues)
                }
            }
            return tables
        }
    }

    /// Compares two workspaces table by table, naming the first difference.
    static func expectSame(_ a: [String: [[DatabaseValue]]], _ b: [String: [[DatabaseValue]]],
                           sourceLocation: SourceLocation = #_sourceLocation) {
        for table in a.keys.sorted() {
            let (x, y) = (a[table] ?? [], b[table] ?? [])
            #expect(x.count == y.count, "\(table): \(x.count) rows against \(y.count)", sourceLocation: sourceLocation)
            if let i = x.indices.first(where: { $0 < y.count && x[$0] != y[$0] }) {
                Issue.record("\(table) row \(i) differs:\n\(x[i])\n\(y[i])", sourceLocation: sourceLocation)
            }
        }
    }

    /// The demo's 90 returns (the late, the faulty, the CSV, the home-made; referring ledgers and reports
    /// reconciled with them), ingested row by row, leave the workspace the whole-file ingest leaves.
    @Test func theDemoIngestedRowByRowLeavesTheSameWorkspace() throws {
        let scene = try Scene()
        defer { scene.remove() }
        var workspaces: [[String: [[DatabaseValue]]]] = []
        for streaming in [false, true] {
            let dir = scene.dir.appendingPathComponent(streaming ? "streamed" : "whole")
            try StreamedIngestTests.workflow(streaming: streaming).runDemo(in: dir) { _ in }
            workspaces.append(try StreamedIngestTests.contents(of: dir.appendingPathComponent("taizhang.sqlite").path))
        }
        #expect(workspaces[0]["submissions"]?.count == 90)
        #expect((workspaces[0]["rows"]?.count ?? 0) > 500)
        StreamedIngestTests.expectSame(workspaces[0], workspaces[1])
    }

    /// A file of 6,000 rows with a mistake on every row: the report stored with it holds every finding (written
    /// into the store in pieces), the same report the whole-file ingest stores; the outcome names the first ones
    /// and the whole file's count.
    @Test func aLargeFaultyFileKeepsEveryFindingInTheStore() throws {
        let scene = try Scene()
        defer { scene.remove() }
        let rows = 6_000
        let file = try scene.write("self-check", unit: "shenyang", rows: rows) { document in
            for i in document.rows["main"]!.indices { document.rows["main"]![i].values["found_date"] = .text("去年某天") }
        }
        let valid = try scene.write("self-check", unit: "dalian", rows: rows, seed: 7)
        #expect(try FileManager.default.attributesOfItem(atPath: file)[.size] as! Int > 1 << 20)
        var workspaces: [[String: [[DatabaseValue]]]] = []
        for streaming in [false, true] {
            let path = scene.dir.appendingPathComponent(streaming ? "streamed.sqlite" : "whole.sqlite").path
            let workflow = try StreamedIngestTests.workflow(streaming: streaming)
            let workspace = try workflow.openWorkspace(at: path)
            let outcomes = try workflow.ingest(paths: [file, valid], workspace: workspace, received: scene.noon)
            let faulty = try #require(outcomes.first { $0.unit == "shenyang" })
            #expect(faulty.verdict == .returned)
            #expect(faulty.errors == rows)
            #expect(faulty.firstFindings.count == 3 && faulty.firstFindings.allSatisfy { $0.contains("去年某天") })
            #expect(outcomes.first { $0.unit == "dalian" }?.verdict == .accepted(supersedes: nil))
            #expect(outcomes.first { $0.unit == "dalian" }?.rows == rows)

            let json = try #require(try workspace.reportJSON(of: faulty.submission))
            let report = try JSONDecoder().decode(ValidationReport.self, from: Data(json.utf8))
            #expect(report.findings.filter { $0.code == .invalidDate }.count == rows)
            #expect(report.omitted == nil && report.errorCount == rows)
            let queue = try DatabaseQueue(path: path)
            let type = try queue.read { db in
                try String.fetchOne(db, sql: "SELECT typeof(report) FROM reports WHERE submission_id = ?",
                                    arguments: [faulty.submission])
            }
            try queue.close()
            // Over a MiB: the streamed ingest writes it in pieces, as a blob; the whole-file ingest as one text.
            #expect(type == (streaming ? "blob" : "text"))
            workspaces.append(try StreamedIngestTests.contents(of: path))
        }
        // The same rows, and the same report byte for byte (a blob holding the text the other holds as text).
        func textual(_ tables: [String: [[DatabaseValue]]]) -> [String: [[DatabaseValue]]] {
            var tables = tables
            tables["reports"] = tables["reports"]?.map { row in
                row.map { value in
                    if case .blob(let data) = value.storage { return String(decoding: data, as: UTF8.self).databaseValue }
                    return value
                }
            }
            return tables
        }
        let whole = textual(workspaces[0]), streamed = textual(workspaces[1])
        StreamedIngestTests.expectSame(whole, streamed)
    }

    /// A large file that is no ledger is refused and kept whole, its bytes copied into the store in pieces; the
    /// same file again is recognised as received.
    @Test func aLargeFileThatIsNoLedgerIsKeptWhole() throws {
        let scene = try Scene()
        defer { scene.remove() }
        var generator = SystemRandomNumberGenerator()
        let bytes = Data((0..<(3 << 20)).map { _ in UInt8.random(in: 0...255, using: &generator) })
        let path = scene.dir.appendingPathComponent("乱码.csv").path
        try bytes.write(to: URL(fileURLWithPath: path))
        let workflow = try StreamedIngestTests.workflow(streaming: true)
        let workspace = try workflow.openWorkspace(at: scene.dir.appendingPathComponent("ws.sqlite").path)
        let outcome = try #require(try workflow.ingest(paths: [path], workspace: workspace, received: scene.noon).first)
        #expect(outcome.verdict == .refused, "\(outcome.line)")
        #expect(try workspace.content(of: outcome.submission) == bytes)
        #expect(try workspace.submission(id: outcome.submission)?.sha256 == Workspace.sha256(bytes))
        let again = try #require(try workflow.ingest(paths: [path], workspace: workspace, received: scene.noon).first)
        #expect(again.verdict == .alreadyReceived(.refused), "\(again.line)")
        #expect(try workspace.submissions().count == 1)
    }

    /// A large file that names a header field after its table (a footer's 填报日期) is checked whole, as a small
    /// one is: the same workspace.
    @Test func aFooterHeaderIsIngestedWhole() throws {
        let scene = try Scene()
        defer { scene.remove() }
        let path = try scene.write("rectification", unit: "benxi", rows: 30, seed: 3)
        try scene.moveReportDateBelowTable(path)
        var workspaces: [[String: [[DatabaseValue]]]] = []
        for streaming in [false, true] {
            let ws = scene.dir.appendingPathComponent(streaming ? "streamed.sqlite" : "whole.sqlite").path
            let workflow = try StreamedIngestTests.workflow(streaming: streaming)
            let outcomes = try workflow.ingest(paths: [path], workspace: try workflow.openWorkspace(at: ws), received: scene.noon)
            #expect(outcomes.first?.rows == 30, "\(outcomes)")
            workspaces.append(try StreamedIngestTests.contents(of: ws))
        }
        StreamedIngestTests.expectSame(workspaces[0], workspaces[1])
        let header = try DatabaseQueue(path: scene.dir.appendingPathComponent("streamed.sqlite").path).read { db in
            try String.fetchOne(db, sql: "SELECT header FROM submissions")
        }
        #expect(header?.contains("report_date") == true, "\(header ?? "")")
    }
}
