import Foundation
import TaizhangTestSupport
import Testing
import TaizhangCore

/// The README's main job, end to end: `taizhang demo` makes two months of returns, ingests them and reports.
/// The figures are checked against values computed independently from the returned files (read by openpyxl,
/// not by Taizhang) and from the demo's known mishaps.
@Suite(.serialized) struct DemoEndToEndTests {
    @Test func theDemoRunsAndItsFiguresAddUp() throws {
        let dir = try Taizhang.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let demo = try Taizhang.run(["demo", dir.path])
        #expect(demo.status == 0, "\(demo.stderr)")
        #expect(demo.stdout.contains("演示完成"))
        let workspace = dir.appendingPathComponent("taizhang.sqlite").path

        let run = try Taizhang.run(["status", "--workspace", workspace, "--period", "2024-06", "--as-of", "2024-06-28", "--json"])
        let status = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as! [String: Any]
        let obligations = status["obligations"] as! [[String: Any]]
        #expect(obligations.count == 15 * 3)
        func standing(_ unit: String, _ form: String) -> String? {
            obligations.first { $0["unit"] as? String == unit && $0["form"] as? String == form }?["standing"] as? String
        }
        // The demo's mishaps, by design.
        for form in ["self-check", "rectification", "progress"] { #expect(standing("dalian", form) == "late") }
        #expect(standing("chaoyang", "progress") == "missing")
        #expect(standing("huludao", "rectification") == "returned")
        #expect(standing("anshan", "rectification") == "on-time")  // the corrected version came before the 24th
        #expect(standing("fushun", "self-check") == "on-time")      // sent as CSV
        #expect(standing("benxi", "rectification") == "on-time")    // the unit's own layout
        let onTime = obligations.filter { ($0["standing"] as? String) == "on-time" }.count
        #expect(onTime == 40)  // 45, less Dalian's three late ones, Chaoyang's missing and Huludao's returned one

        // The six results: each unit's latest progress report's cumulative counts, read by openpyxl.
        let inbox = dir.appendingPathComponent("2-各单位报送").path
        let script = """
            import glob, json, os, sys, openpyxl
            latest = {}
            for path in sorted(glob.glob(os.path.join(sys.argv[1], "*工作进展台账*.xlsx"))):
                name = os.path.basename(path); period, unit = name.split("_")[0], name.split("_")[1]
                if unit not in latest or latest[unit][0] < period: latest[unit] = (period, path)
            totals = {}
            for period, path in latest.values():
                ws = openpyxl.load_workbook(path, read_only=True).worksheets[0]
                for row in ws.iter_rows(values_only=True):
                    cells = [c for c in row if c is not None]
                    for label, value in zip(cells, cells[1:]):
                        if isinstance(label, str) and "（累计，" in label and isinstance(value, (int, float)):
                            key = label.strip("*").replace("\\n", "").replace("累计，", "")
                            totals[key] = totals.get(key, 0) + int(value)
            print(json.dumps(totals, ensure_ascii=False))
            """
        let totals = try ExternalProgram.python(script, [inbox])
        #expect(totals.status == 0, "\(totals.stderr)")
        let expected = try JSONSerialization.jsonObject(with: Data(totals.stdout.utf8)) as! [String: Int]
        #expect(expected.count == 6, "\(expected)")
        let results = status["results"] as! [[String: Any]]
        for (label, total) in expected {
            let figure = results.first { $0["label"] as? String == label }
            #expect(figure?["total"] as? Int == total, "\(label)")
        }

        // The province's memo states the same cumulative figure as the status.
        let memo = try String(contentsOf: dir.appendingPathComponent("3-汇总报告/2024-06_全省工作进展情况报告.txt"), encoding: .utf8)
            .replacingOccurrences(of: "\n", with: "")
        let solved = try #require(expected["解决突出问题（个）"])
        #expect(memo.contains("全省累计解决突出问题\(solved)个"))

        // The consolidated workbook's overview agrees with the status: overdue counts per unit add up, and so
        // does its 合计 row.
        let overdue = (status["overdue"] as! [[String: Any]]).count
        let workbook = dir.appendingPathComponent("3-汇总报告/2024-06_全省工作进展汇总.xlsx").path
        let sum = """
            import sys, openpyxl
            ws = openpyxl.load_workbook(sys.argv[1], read_only=True)["总览"]
            rows = list(ws.iter_rows(values_only=True))
            header = next(i for i, r in enumerate(rows) if r and any(isinstance(c, str) and "逾期未整改" in c for c in r))
            col = next(i for i, c in enumerate(rows[header]) if isinstance(c, str) and "逾期未整改" in c)
            units = [r for r in rows[header + 1:] if r and r[0] and r[0] != "合计"]
            total = next(r for r in rows[header + 1:] if r and r[0] == "合计")
            print(sum(int(r[col]) for r in units), int(total[col]))
            """
        let counted = try ExternalProgram.python(sum, [workbook])
        let figures = counted.stdout.split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        #expect(figures == [overdue, overdue], "\(counted.stdout)\(counted.stderr)")
        // Every rejected file got its notice.
        let notices = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("3-汇总报告").path)
            .filter { $0.hasPrefix("退回修改通知") }
        #expect(notices.count == 2)
    }
}
