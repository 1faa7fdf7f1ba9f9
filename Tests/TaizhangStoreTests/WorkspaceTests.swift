import Foundation
import Testing
import TaizhangCore
import TaizhangForms
import TaizhangSamples
@testable import TaizhangStore

/// Builds returned files in memory (a grid like a unit's workbook) and records them in a workspace.
struct Returns {
    static let set = try! BuiltinForms.load()
    let samples = SampleLedgers(formSet: Returns.set)

    /// A grid as a hand-made workbook would have it: title, header pairs, column labels, rows.
    static func grid(_ document: LedgerDocument, table: FormTable) -> [[CellValue]] {
        var grid: [[CellValue]] = [[.text(document.form.title(for: document.unit))]]
        for field in document.form.header {
            guard let value = document.header[field.key] else { continue }
            let text = field.type == .unit ? set.unit(id: value.displayText)!.name : value.displayText
            grid.append([.text(field.label), .text(text)])
        }
        grid.append(table.columns.map { .text($0.label) })
        for record in document.rows[table.id] ?? [] {
            grid.append(table.columns.map { field in record[field.key].map { CellValue.text($0.displayText) } ?? .empty })
        }
        return grid
    }

    func checked(_ document: LedgerDocument, workspace: Workspace, name: String) throws -> CheckedLedger {
        let sheets = document.form.tables.map { (name: $0.title, grid: Returns.grid(document, table: $0)) }
        let source = InMemorySheetSource(sheets: sheets)
        let checker = LedgerChecker(formSet: Returns.set)
        let read = try LedgerReader(formSet: Returns.set).read(source, fileName: name)
        let references = try checker.unit(of: read).map { try workspace.referenceIndex(unit: $0.id, formSet: Returns.set) }
        return checker.validate(read, fileName: name, references: references)
    }

    /// Records a document as if received on `day`; `spoil` may break it first.
    @discardableResult
    func submit(_ document: LedgerDocument, to workspace: Workspace, on day: CivilDate, name: String? = nil,
                salt: String = "") throws -> IngestResult {
        let name = name ?? "\(document.unit!.shortName)_\(document.form.shortTitle)_\(document.period!.iso).xlsx"
        let checked = try checked(document, workspace: workspace, name: name)
        let bytes = Data((name + salt + "\(document.rows)\(document.header)").utf8)
        return try workspace.record(Intake(fileName: name, bytes: bytes, receivedAt: Returns.date(day),
                                           outcome: .checked(checked)))
    }

    static func date(_ day: CivilDate) -> Date {
        // Noon in Beijing.
        Date(timeIntervalSince1970: Double(day.daysSinceEpoch) * 86_400 + 4 * 3600)
    }

    func document(_ form: String, _ unit: String, _ period: YearMonth, rows: Int = 5, seed: UInt64 = 1) -> LedgerDocument {
        samples.document(form: Returns.set.form(form)!, unit: Returns.set.unit(id: unit)!, period: period, rows: rows, seed: seed)
    }
}

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

@Suite struct CampaignStatusTests {
    let r = Returns()
    let june = YearMonth(year: 2024, month: 6)!

    @Test func standingsFollowTheCalendar() throws {
        let ws = try Workspace()
        let day = { (d: Int) in CivilDate(year: 2024, month: 6, day: d)! }
        try r.submit(r.document("progress", "shenyang", june), to: ws, on: day(24))            // on time (the 24th counts)
        try r.submit(r.document("progress", "dalian", june), to: ws, on: day(26))              // two days late
        var broken = r.document("progress", "anshan", june)
        broken.header["resolved_problems_month"] = .text("若干")
        try r.submit(broken, to: ws, on: day(20))                                               // returned
        let status = try CampaignStatus.compute(workspace: ws, formSet: Returns.set, asOf: day(28), period: june)
        func standing(_ unit: String) -> CampaignStatus.ObligationStatus? {
            status.obligations.first { $0.unit == unit && $0.form == "progress" }
        }
        #expect(standing("shenyang")?.standing == .onTime)
        #expect(standing("dalian")?.standing == .late)
        #expect(standing("dalian")?.daysLate == 2)
        #expect(standing("anshan")?.standing == .returned)
        #expect(standing("fushun")?.standing == .missing)
        #expect(standing("fushun")?.daysLate == 4)
        // Every city-level unit owes self-check, rectification and progress in June; none owes the summary.
        #expect(status.obligations.count == 15 * 3)
        let early = try CampaignStatus.compute(workspace: ws, formSet: Returns.set, asOf: day(10), period: june)
        #expect(early.obligations.first { $0.unit == "fushun" && $0.form == "progress" }?.standing == .notDue)
    }

    @Test func overdueRectificationsAndCounts() throws {
        let ws = try Workspace()
        let may = YearMonth(year: 2024, month: 5)!
        let selfCheck = r.document("self-check", "panjin", may, rows: 4)
        try r.submit(selfCheck, to: ws, on: CivilDate(year: 2024, month: 5, day: 30)!)
        var rect = r.document("rectification", "panjin", may, rows: 4)
        let statuses = ["已整改", "正在整改", "未整改", "正在整改"]
        let deadlines = ["2024-05-31", "2024-06-10", "2024-07-31", "长期坚持"]
        for i in 0..<4 {
            rect.rows["main"]![i]["status"] = .choice(statuses[i])
            rect.rows["main"]![i]["deadline"] = deadlines[i] == "长期坚持" ? .fixedText("长期坚持")
                : .date(CivilDate(iso: deadlines[i])!)
            rect.rows["main"]![i]["done_date"] = i == 0 ? .date(CivilDate(year: 2024, month: 5, day: 28)!) : nil
        }
        let result = try r.submit(rect, to: ws, on: CivilDate(year: 2024, month: 5, day: 30)!)
        guard case .accepted = result else { Issue.record("\(result)"); return }
        let status = try CampaignStatus.compute(workspace: ws, formSet: Returns.set, asOf: CivilDate(year: 2024, month: 6, day: 15)!)
        // Only row 2: its deadline passed and it is not done. Row 1 is done, row 3 is not due, row 4 is 长期坚持.
        #expect(status.overdue.map(\.problemID) == [SampleLedgers.problemID(unit: Returns.set.unit(id: "panjin")!, index: 1, year: 2024)])
        #expect(status.overdue.first?.daysOverdue == 5)
        let statusTally = try #require(status.tallies.first { $0.title == "整改状态" })
        #expect(statusTally.counts.map(\.count) == [1, 2, 1])
        // Problem types counted independently from the self-check rows.
        var expected: [String: Int] = [:]
        for record in selfCheck.rows["main"]! { expected[record["problem_type"]!.displayText, default: 0] += 1 }
        let typeTally = try #require(status.tallies.first { $0.title == "问题类型" })
        #expect(Dictionary(uniqueKeysWithValues: typeTally.counts.filter { $0.count > 0 }.map { ($0.value, $0.count) }) == expected)
    }

    @Test func resultsComeFromEachUnitsLatestProgressReport() throws {
        let ws = try Workspace()
        let may = YearMonth(year: 2024, month: 5)!
        let first = r.document("progress", "jinzhou", may, seed: 3)
        let second = r.document("progress", "jinzhou", june, seed: 4)
        let other = r.document("progress", "yingkou", may, seed: 5)
        for (doc, d) in [(first, 24), (other, 23)] {
            try r.submit(doc, to: ws, on: CivilDate(year: 2024, month: 5, day: d)!)
        }
        try r.submit(second, to: ws, on: CivilDate(year: 2024, month: 6, day: 21)!)
        let status = try CampaignStatus.compute(workspace: ws, formSet: Returns.set, asOf: CivilDate(year: 2024, month: 6, day: 30)!)
        let figure = try #require(status.results.first { $0.label.hasPrefix("解决突出问题") })
        let expected = (second.header["resolved_problems_total"]!.number! + other.header["resolved_problems_total"]!.number!)
        #expect(Double(figure.total) == expected)
        #expect(status.results.count == 8)
    }

    @Test func problemHistoryFollowsTheMonthlyLedgers() throws {
        let ws = try Workspace()
        let may = YearMonth(year: 2024, month: 5)!
        try r.submit(r.document("self-check", "chaoyang", may, rows: 2), to: ws, on: CivilDate(year: 2024, month: 5, day: 30)!)
        for (period, status, day) in [(may, "未整改", 30), (june, "正在整改", 20), (YearMonth(year: 2024, month: 7)!, "已整改", 22)] {
            var rect = r.document("rectification", "chaoyang", period, rows: 2)
            rect.rows["main"]![0]["status"] = .choice(status)
            rect.rows["main"]![0]["done_date"] = status == "已整改" ? .date(CivilDate(year: 2024, month: 7, day: 15)!) : nil
            let result = try r.submit(rect, to: ws, on: CivilDate(year: period.year, month: period.month, day: day)!)
            guard case .accepted = result else { Issue.record("\(result)"); return }
        }
        let histories = try ProblemHistory.all(unit: "chaoyang", workspace: ws, formSet: Returns.set)
        let first = try #require(histories.first)
        #expect(first.statuses.map(\.status) == ["未整改", "正在整改", "已整改"])
        #expect(first.statuses.map(\.period.month) == [5, 6, 7])
        #expect(first.done == CivilDate(year: 2024, month: 7, day: 15))
        #expect(first.found != nil)
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
