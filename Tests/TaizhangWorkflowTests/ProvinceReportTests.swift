import Foundation
import Testing
import TaizhangCore
import TaizhangTestSupport
import TaizhangWorkflow

/// The province's progress report as a department sends it (issue 14): the memo and the workbook agree with
/// each other and with the ledgers. The workbook is read back with openpyxl and every figure of the memo is
/// recomputed from its sheets.
@Suite struct ProvinceReportTests {
    static let reader = #"""
import sys, json, openpyxl
wb = openpyxl.load_workbook(sys.argv[1], read_only=True)
out = {"sheets": wb.sheetnames}
for name in ["总览", "整治成效（本月）", "整治成效（累计）", "问题查摆", "整改落实", "整改工作台账汇总"]:
    rows = [list(r) for r in wb[name].iter_rows(values_only=True)]
    title = rows[0][0]
    header = next(i for i, r in enumerate(rows) if r and r[0] in ("填报单位", "分类"))
    keys = [str(c) if c is not None else "" for c in rows[header]]
    out[name] = {"title": title, "rows": [dict(zip(keys, r)) for r in rows[header + 1:] if r and any(c is not None for c in r)],
                 "marks": any(isinstance(c, str) and c.startswith("*") for c in rows[header])}
print(json.dumps(out, ensure_ascii=False, default=str))
"""#

    @Test func theMemoAndTheWorkbookAgreeWithEachOtherAndWithTheLedgers() throws {
        let scene = try Scene()
        defer { scene.remove() }
        try scene.workflow.runDemo(in: scene.dir) { _ in }
        let reports = scene.dir.appendingPathComponent("3-汇总报告")
        let memo = try String(contentsOf: reports.appendingPathComponent("2024-06_全省工作进展情况报告.txt"), encoding: .utf8)
            .replacingOccurrences(of: "\n", with: "").replacingOccurrences(of: "　", with: "")
        let run = try ExternalProgram.python(Self.reader, [reports.appendingPathComponent("2024-06_全省工作进展汇总.xlsx").path])
        #expect(run.status == 0, "\(run.stderr)")
        let book = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        func sheet(_ name: String) -> [[String: Any]] { ((book[name] as? [String: Any])?["rows"] as? [[String: Any]]) ?? [] }
        func int(_ any: Any?) -> Int { (any as? Int) ?? Int((any as? Double) ?? -1) }

        // No template furniture in a report; each sheet says what it is; units in the official order.
        #expect(!(book["sheets"] as! [String]).contains("填表说明"))
        for name in ["总览", "整治成效（本月）", "整治成效（累计）", "问题查摆", "整改落实"] {
            let info = try #require(book[name] as? [String: Any])
            #expect((info["title"] as? String)?.hasSuffix("（\(name)）") == true, "\(name): \(info["title"] ?? "")")
            #expect(info["marks"] as? Bool == false, "\(name) has required marks")
        }
        let effect = sheet("整治成效（累计）")
        let month = sheet("整治成效（本月）")
        let names = Scene.set.units.map(\.name)
        let listed = effect.compactMap { $0["填报单位"] as? String }.filter { $0 != "合计" }
        #expect(listed == names.filter(listed.contains), "official order")

        // 四、整治成效: each figure of the memo is the 合计 of a column, and the 合计 is the sum of the units.
        let total = try #require(effect.last), monthTotal = try #require(month.last)
        #expect(total["填报单位"] as? String == "合计" && monthTotal["填报单位"] as? String == "合计")
        let units = effect.dropLast(), monthUnits = month.dropLast()
        #expect(units.map { $0["填报单位"] as? String } == monthUnits.map { $0["填报单位"] as? String })
        let progress = try #require(Scene.set.form("progress"))
        for field in progress.header where ["result-total", "accountability-count", "exemption-count"].contains(field.role ?? "") {
            #expect(int(total[field.label]) == units.reduce(0) { $0 + int($1[field.label]) }, "\(field.label)")
        }
        for field in progress.header where field.role == "result-month" {
            #expect(int(monthTotal[field.label]) == monthUnits.reduce(0) { $0 + int($1[field.label]) }, "\(field.label)")
        }
        let monthly = int(monthTotal["解决突出问题（本月，个）"]), cumulative = int(total["解决突出问题（累计，个）"])
        #expect(memo.contains("本月，全省解决突出问题\(monthly)个，办结投诉举报案件\(int(monthTotal["办结投诉举报案件（本月，件）"]))件"))
        #expect(memo.contains("全省累计解决突出问题\(cumulative)个，办结投诉举报案件\(int(total["办结投诉举报案件（累计，件）"]))件"))
        #expect(memo.contains("全省累计追责问责\(int(total["追责问责人数"]))人，容错免责\(int(total["容错免责人数"]))人"))
        // 朝阳 sent no June report: its May figures are listed, and counted, and the memo says so.
        let chaoyang = try #require(units.first { ($0["填报单位"] as? String) == "朝阳市工业和信息化局" })
        #expect((chaoyang["数据来源"] as? String)?.contains("2024年5月") == true)
        #expect(int(monthUnits.first { ($0["填报单位"] as? String) == "朝阳市工业和信息化局" }?["解决突出问题（本月，个）"]) == 0)
        #expect(memo.contains("朝阳市工业和信息化局本月未报送工作进展台账，累计数按其最近一期报送的计入"))

        // 三、整改落实 from the workbook's own rows of the rectification ledgers.
        let ledgerRows = sheet("整改工作台账汇总")
        let rect = sheet("整改落实")
        let rectTotal = try #require(rect.last)
        #expect(int(rectTotal["问题数（个）"]) == ledgerRows.count)
        let done = ledgerRows.filter { ($0["整改状态"] as? String) == "已整改" }.count
        #expect(int(rectTotal["已整改（个）"]) == done)
        let rate = (Double(done) * 1000 / Double(ledgerRows.count)).rounded() / 10
        #expect(memo.contains("各单位整改工作台账共列问题\(ledgerRows.count)个，其中已整改\(done)个"))
        #expect(memo.contains("整改率\(rate)%"))
        #expect(memo.contains("已过整改时限仍未整改到位的问题\(int(rectTotal["逾期未整改（个）"]))个"))

        // 二、问题查摆.
        let problems = sheet("问题查摆")
        let typeTotal = try #require(problems.first { ($0["分类"] as? String) == "问题类型" && ($0["项目"] as? String) == "合计" })
        #expect(memo.contains("共登记突出问题\(int(typeTotal["问题数（个）"]))个，其中本月新发现\(int(typeTotal["其中本月新发现（个）"]))个"))
        let byType = problems.filter { ($0["分类"] as? String) == "问题类型" && ($0["项目"] as? String) != "合计" }
        #expect(byType.reduce(0) { $0 + int($1["问题数（个）"]) } == int(typeTotal["问题数（个）"]))

        // 一、总体情况, the figures that do not reconcile, and the parts left to the province.
        #expect(memo.contains("关于2024年6月") && memo.contains("辽宁省司法厅："))
        #expect(memo.contains("逾期报送1个：大连市工业和信息化局"))
        #expect(memo.contains("尚未报送的1个：朝阳市工业和信息化局"))
        #expect(!memo.contains("已督促"), "nothing was sent to anyone")
        #expect(memo.contains("沈阳市工业和信息化局、葫芦岛市工业和信息化局报送的数字与其台账不一致"))
        #expect(memo.contains("【待填写：存在的问题】") && memo.contains("【待填写：下一步工作打算】"))
        #expect(memo.contains("附件：2024年6月全省行政执法突出问题专项整治工作进展汇总表"))
        #expect(memo.contains("厅机关各执法处室尚未在台账工具中配置"))
        let shenyang = try #require(units.first { ($0["填报单位"] as? String) == "沈阳市工业和信息化局" })
        #expect((shenyang["与台账核对"] as? String)?.contains("15 人") == true)

        // 沈阳's own memo (report progress --unit): its figures are its row of the province's sheets.
        let workspace = try scene.workflow.openWorkspace(at: scene.dir.appendingPathComponent("taizhang.sqlite").path, for: .read)
        let written = try scene.workflow.unitProgressReport(workspace: workspace, unit: "沈阳", period: scene.june,
                                                            date: CivilDate(year: 2024, month: 6, day: 28)!,
                                                            directory: scene.dir.appendingPathComponent("沈阳").path)
        let own = try String(contentsOfFile: try #require(written.first), encoding: .utf8)
            .replacingOccurrences(of: "\n", with: "").replacingOccurrences(of: "　", with: "")
        let row = try #require(rect.first { ($0["填报单位"] as? String) == "沈阳市工业和信息化局" })
        #expect(own.contains("沈阳市工业和信息化局关于2024年6月"))
        #expect(own.contains("整改工作台账共列问题\(int(row["问题数（个）"]))个，已整改\(int(row["已整改（个）"]))个"))
        #expect(own.contains("累计解决突出问题\(int(shenyang["解决突出问题（累计，个）"]))个"))
        #expect(throws: WorkflowError.self) {
            _ = try scene.workflow.unitProgressReport(workspace: workspace, unit: "朝阳", period: scene.june,
                                                      directory: scene.dir.appendingPathComponent("朝阳").path)
        }
    }
}
