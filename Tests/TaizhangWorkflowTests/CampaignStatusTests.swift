import Foundation
import Testing
import TaizhangCore
import TaizhangStore
import TaizhangSamples
import TaizhangStoreTestSupport
import TaizhangWorkflow

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
            rect.rows["main"]![i]["done_date"] = i == 0 ? .date(CivilDate(year: 2024, month: 5, day: 12)!) : nil
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

