import Foundation
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
