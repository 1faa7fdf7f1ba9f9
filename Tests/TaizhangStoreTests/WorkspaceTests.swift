import Foundation
import GRDB
import Testing
import TaizhangCore
import TaizhangForms
import TaizhangSamples
@testable import TaizhangStore
import TaizhangStoreTestSupport

@Suite struct WorkspaceTests {
    let r = Returns()
    let june = YearMonth(year: 2024, month: 6)!
    let may = YearMonth(year: 2024, month: 5)!

    @Test func sameBytesAreANoOpAndACorrectionSupersedes() throws {
        let ws = try Workspace()
        let doc = r.document("self-check", "shenyang", may)
        let first = try r.submit(doc, to: ws, on: CivilDate(year: 2024, month: 5, day: 30)!)
        guard case .accepted(let id, nil) = first else { Issue.record("\(first)"); return }
        let again = try r.submit(doc, to: ws, on: CivilDate(year: 2024, month: 5, day: 31)!)
        #expect(again == .alreadyKnown(id: id, state: .accepted))
        let corrected = try r.submit(doc, to: ws, on: CivilDate(year: 2024, month: 6, day: 2)!, salt: "v2")
        guard case .accepted(let id2, let old) = corrected else { Issue.record("\(corrected)"); return }
        #expect(old == id)
        let all = try ws.submissions()
        #expect(all.count == 2, "the superseded version is kept")
        #expect(all.last?.supersedes == id)
        let current = try ws.currentDocuments(form: Returns.set.form("self-check")!, formSet: Returns.set)
        #expect(current.count == 1)
        #expect(current[0].rows["main"]?.map(\.values) == doc.rows["main"]?.map(\.values))
        #expect(current[0].header == doc.header)
        #expect(try ws.content(of: id2) != nil)
    }

    @Test func rejectedAndRefusedFilesStayOnRecord() throws {
        let ws = try Workspace()
        var doc = r.document("self-check", "dalian", may)
        doc.rows["main"]![1]["found_date"] = .text("上周")
        let result = try r.submit(doc, to: ws, on: CivilDate(year: 2024, month: 5, day: 30)!)
        guard case .rejected(let id) = result else { Issue.record("\(result)"); return }
        let report = try #require(try ws.reportJSON(of: id))
        #expect(report.contains("invalid-date"))
        let refused = try ws.record(Intake(fileName: "坏文件.xlsx", bytes: Data("not a zip".utf8), receivedAt: Date(),
                                           outcome: .refused(ImportError(.notSpreadsheet, file: "坏文件.xlsx", detail: "不是表格"))))
        guard case .refused(let rid) = refused else { Issue.record("\(refused)"); return }
        #expect(try ws.reportJSON(of: rid)?.contains("不是表格") == true)
        #expect(try ws.submissions().map(\.state) == [.rejected, .refused])
        #expect(try ws.currentDocuments(form: Returns.set.form("self-check")!, formSet: Returns.set).isEmpty)
    }

    @Test func rectificationsAreCheckedAgainstTheStoredSelfCheckLedger() throws {
        let ws = try Workspace()
        try r.submit(r.document("self-check", "anshan", may, rows: 3), to: ws, on: CivilDate(year: 2024, month: 5, day: 29)!)
        let ok = try r.submit(r.document("rectification", "anshan", may, rows: 3), to: ws, on: CivilDate(year: 2024, month: 5, day: 29)!)
        guard case .accepted = ok else { Issue.record("\(ok)"); return }
        // Five rows, but the self-check ledger has three problems: rows 4 and 5 dangle.
        let bad = try r.submit(r.document("rectification", "anshan", june, rows: 5), to: ws, on: CivilDate(year: 2024, month: 6, day: 20)!)
        guard case .rejected(let id) = bad else { Issue.record("\(bad)"); return }
        let report = try JSONDecoder().decode(ValidationReport.self, from: Data(try ws.reportJSON(of: id)!.utf8))
        #expect(report.findings.filter { $0.code == .danglingReference }.count == 2)
    }

    @Test func persistsAcrossReopening() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tz-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            let ws = try Workspace(path: path)
            try r.submit(r.document("progress", "tieling", june), to: ws, on: CivilDate(year: 2024, month: 6, day: 24)!)
        }
        let reopened = try Workspace(path: path)
        #expect(try reopened.submissions().map(\.unit) == ["tieling"])
    }
}

@Suite struct ReferenceIndexTests {
    @Test func aUnitWithoutASelfCheckLedgerIsUncheckedNotDangling() throws {
        let r = Returns()
        let ws = try Workspace()
        let june = YearMonth(year: 2024, month: 6)!
        let result = try r.submit(r.document("rectification", "dandong", june, rows: 3), to: ws,
                                  on: CivilDate(year: 2024, month: 6, day: 20)!)
        guard case .accepted(let id, _) = result else { Issue.record("\(result)"); return }
        let report = try JSONDecoder().decode(ValidationReport.self, from: Data(try ws.reportJSON(of: id)!.utf8))
        #expect(report.findings.map(\.code) == [.referenceUnchecked])
        // A self-check ledger with no problems at all is known, and then every reference dangles.
        var empty = r.document("self-check", "dandong", june, rows: 0)
        empty.rows["main"] = []
        try r.submit(empty, to: ws, on: CivilDate(year: 2024, month: 6, day: 21)!)
        #expect(try ws.referenceIndex(unit: "dandong", formSet: Returns.set).keys(form: "self-check", field: "problem_id") == [])
    }
}

/// A workspace written by an earlier build is upgraded when opened: the file contents and reports move to tables of
/// their own (migration v6) and every submission keeps its bytes, its report, its record and its place as the current
/// one.
@Suite struct ContentsMigrationTests {
    @Test func aWorkspaceOfTheEarlierLayoutKeepsEveryFilesBytes() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tz-\(UUID().uuidString).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let bytes = Data((0..<70_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        do {
            // The layout of the build before: migrations up to v5, the bytes in `submissions.content`.
            let queue = try DatabaseQueue(path: path)
            try Workspace.migrator.migrate(queue, upTo: "v5: users")
            try queue.write { db in
                try db.execute(sql: """
                    INSERT INTO submissions (sha256, identity, file_name, size, content, received_at, received_date,
                        state, unit, form, period, report)
                    VALUES ('h1', 'h1', '沈阳.xlsx', ?, ?, '2024-06-20T12:00:00+08:00', '2024-06-20', 'accepted',
                        'shenyang', 'self-check', '2024-06', '{"accepted":true}'),
                           ('h2', 'h2', '坏.csv', 3, x'414243', '2024-06-21T12:00:00+08:00', '2024-06-21', 'refused',
                        NULL, NULL, NULL, '{}')
                    """, arguments: [bytes.count, bytes])
            }
            try queue.close()
        }
        let workspace = try Workspace(path: path, access: .read)
        #expect(try workspace.content(of: 1) == bytes)
        #expect(try workspace.content(of: 2) == Data("ABC".utf8))
        #expect(try workspace.reportJSON(of: 1) == #"{"accepted":true}"#)
        #expect(try workspace.submissions().map(\.fileName) == ["沈阳.xlsx", "坏.csv"])
        #expect(try workspace.submission(id: 1)?.size == bytes.count)
        let queue = try DatabaseQueue(path: path)
        defer { try? queue.close() }
        try queue.read { db in
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM current_submissions") == 1)
            let columns = try db.columns(in: "submissions").map(\.name)
            #expect(!columns.contains("content") && !columns.contains("report"), "\(columns)")
            #expect(try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations").last
                    == "v6: file contents and reports in tables of their own")
        }
    }
}
