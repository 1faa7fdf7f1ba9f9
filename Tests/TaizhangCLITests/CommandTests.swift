import Foundation
import Testing
import TaizhangTestSupport
import TaizhangCore
import TaizhangStore

/// The `taizhang` command end to end: real binary, real files, exit codes and Chinese messages.
@Suite(.serialized) struct CommandTests {
    let june = YearMonth(year: 2024, month: 6)!

    @Test func formsListsTheFourFormsInChinese() throws {
        let run = try Taizhang.run(["forms"])
        #expect(run.status == 0)
        for title in ["行政执法突出问题自查台账", "行政执法突出问题整改工作台账", "行政执法突出问题专项整治工作进展台账",
                      "大力整治行政执法突出问题工作总结"] {
            #expect(run.stdout.contains(title))
        }
    }

    @Test func periodsDatesAndMissingArgumentsAreRefusedInChinese() throws {
        let period = try Taizhang.run(["status", "--period", "2024-13"])
        #expect(period.status == 2)
        #expect(period.stderr.contains("报送期“2024-13”无效，应写成 YYYY-MM"), "\(period.stderr)")
        let date = try Taizhang.run(["ingest", "x.xlsx", "--received", "6月20日"])
        #expect(date.status == 2)
        #expect(date.stderr.contains("日期“6月20日”无效"), "\(date.stderr)")
        let missing = try Taizhang.run(["check"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("缺少参数"), "\(missing.stderr)")
        for run in [period, date, missing] {
            for english in ["Error:", "Usage:", "is invalid", "Missing expected"] {
                #expect(!run.stderr.contains(english), "\(run.stderr)")
            }
        }
    }

    @Test func formsShowPrintsColumnsTypesAndChoices() throws {
        let run = try Taizhang.run(["forms", "show", "rectification"])
        #expect(run.status == 0)
        for text in ["问题编号", "引用：自查台账的问题编号", "整改时限", "也可填“长期坚持”", "整改状态", "选项：整改状态",
                     "当整改状态为“已整改”时", "已整改（也接受：已完成", "是否追责问责"] {
            #expect(run.stdout.contains(text), "missing \(text)")
        }
        let unknown = try Taizhang.run(["forms", "show", "nothing"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("没有表单“nothing”"))
    }

    @Test func checkSaysWhatToFixAndExitsOne() throws {
        let dir = try Taizhang.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let clean = try Taizhang.writeCSV("self-check", unit: "dalian", period: june, rows: 6, in: dir)
        let ok = try Taizhang.run(["check", clean.path])
        #expect(ok.status == 0, "\(ok.stdout)\(ok.stderr)")
        #expect(ok.stdout.contains("检查通过"))

        let bad = try Taizhang.writeCSV("self-check", unit: "dalian", period: june, rows: 6, in: dir, seed: 2) { doc in
            doc.rows["main"]![2]["found_date"] = .text("上个月")
            doc.rows["main"]![4]["problem_type"] = .text("不知道")
        }
        let run = try Taizhang.run(["check", bad.path])
        #expect(run.status == 1)
        #expect(run.stdout.contains("不是有效的日期"))
        #expect(run.stdout.contains("需要修改后重新报送"))
        let json = try Taizhang.run(["check", bad.path, "--json"])
        let report = try JSONDecoder().decode(ValidationReport.self, from: Data(json.stdout.utf8))
        #expect(Set(report.findings.map(\.code)) == [.invalidDate, .unknownChoice])
        #expect(report.unit == "dalian")
        #expect(report.period == june)
        // The finding names the CSV record the clerk sees the bad date on.
        let lines = try String(contentsOf: bad, encoding: .utf8).components(separatedBy: "\r\n")
        let record = try #require(lines.firstIndex { $0.contains("上个月") }) + 1
        #expect(report.findings.first { $0.code == .invalidDate }?.location.row == record)
        #expect(report.findings.first { $0.code == .invalidDate }?.location.columnLabel == "发现时间")
    }

    @Test func unreadableFilesAreRefusedWithExitTwo() throws {
        let dir = try Taizhang.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let xls = dir.appendingPathComponent("旧表.xls")
        try Data([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] + [UInt8](repeating: 0, count: 504)).write(to: xls)
        let run = try Taizhang.run(["check", xls.path])
        #expect(run.status == 2)
        #expect(run.stderr.contains("旧表.xls"))
        #expect(run.stderr.contains(".xlsx"))
        let missing = try Taizhang.run(["check", dir.appendingPathComponent("没有.csv").path])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("文件不存在"))
    }

    @Test func ingestKeepsEverythingAndStatusCountsIt() throws {
        let dir = try Taizhang.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let inbox = dir.appendingPathComponent("inbox")
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        // The rectification ledger refers to the self-check ledger in the same batch.
        try Taizhang.writeCSV("rectification", unit: "benxi", period: june, rows: 4, in: inbox)
        try Taizhang.writeCSV("self-check", unit: "benxi", period: june, rows: 4, in: inbox)
        try Taizhang.writeCSV("progress", unit: "benxi", period: june, rows: 0, in: inbox) { doc in
            doc.header["resolved_problems_month"] = .text("很多")
        }
        try Data("garbage".utf8).write(to: inbox.appendingPathComponent("坏.xlsx"))
        let ws = dir.appendingPathComponent("ws.sqlite").path
        let run = try Taizhang.run(["ingest", inbox.path, "--workspace", ws, "--received", "2024-06-20"])
        #expect(run.status == 1, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("已接收 2，已退回 1，已拒收 1"), "\(run.stdout)")
        let again = try Taizhang.run(["ingest", inbox.path, "--workspace", ws])
        #expect(again.stdout.contains("已收到过 4"), "\(again.stdout)")

        let workspace = try Workspace(path: ws)
        #expect(try workspace.submissions().count == 4)

        let status = try Taizhang.run(["status", "--workspace", ws, "--period", "2024-06", "--as-of", "2024-06-30", "--json"])
        #expect(status.status == 0, "\(status.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as! [String: Any]
        let obligations = object["obligations"] as! [[String: Any]]
        let benxi = obligations.filter { $0["unit"] as? String == "benxi" }
        #expect(Set(benxi.map { "\($0["form"]!):\($0["standing"]!)" })
            == ["self-check:on-time", "rectification:on-time", "progress:returned"])
        #expect(obligations.filter { $0["standing"] as? String == "missing" }.count == 14 * 3)
        let text = try Taizhang.run(["status", "--workspace", ws, "--period", "2024-06", "--as-of", "2024-06-30"])
        #expect(text.stdout.contains("本溪"))
        #expect(text.stdout.contains("按时报送 6月20日"))
    }

    /// The process aborts after writing `abortAfter` of the file's `rows` rows, inside the transaction: nothing of
    /// the file remains, and it goes in whole afterwards. 40 rows are held in memory until recorded; 6,000 (over a
    /// MiB) are recorded row by row as the file is read.
    @Test(arguments: [(rows: 40, abortAfter: 25), (rows: 6_000, abortAfter: 3_000)])
    func aCrashMidIngestLeavesTheStoreAsItWas(rows: Int, abortAfter: Int) throws {
        let dir = try Taizhang.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let ws = dir.appendingPathComponent("ws.sqlite").path
        let first = try Taizhang.writeCSV("self-check", unit: "fuxin", period: june, rows: 3, in: dir)
        #expect(try Taizhang.run(["ingest", first.path, "--workspace", ws]).status == 0)
        let big = dir.appendingPathComponent("big")
        try FileManager.default.createDirectory(at: big, withIntermediateDirectories: true)
        let file = try Taizhang.writeCSV("self-check", unit: "liaoyang", period: june, rows: rows, in: big)
        let size = try FileManager.default.attributesOfItem(atPath: file.path)[.size] as! Int
        #expect((size > 1 << 20) == (rows > 1_000), "\(size) bytes: streamed only when large")
        let crashed = try Taizhang.run(["ingest", file.path, "--workspace", ws],
                                       environment: ["TAIZHANG_FAULT_ABORT_AFTER_ROWS": "\(abortAfter)"])
        #expect(crashed.signalled)
        let workspace = try Workspace(path: ws)
        #expect(try workspace.submissions().map(\.unit) == ["fuxin"], "nothing of the crashed file remains")
        // The same file goes in cleanly afterwards, whole.
        let again = try Taizhang.run(["ingest", file.path, "--workspace", ws])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("\(rows) 行"), "\(again.stdout)")
        let docs = try workspace.currentDocuments(form: Taizhang.set.form("self-check")!, formSet: Taizhang.set)
        #expect(docs.first { $0.unit?.id == "liaoyang" }?.rows["main"]?.count == rows)
    }
}

@Suite struct TemplateCommandTests {
    @Test func templatesForAPeriodAreOnePerUnitAndForm() throws {
        let dir = try Taizhang.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try Taizhang.run(["templates", "--period", "2024-09", "-o", dir.path])
        #expect(run.status == 0, "\(run.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        // 15 city-level units owe four forms in September (the summary included); no divisions are built in.
        #expect(files.count == 15 * 4)
        #expect(files.contains("2024-09_沈阳市工业和信息化局_整治工作总结.xlsx"))
        let one = dir.appendingPathComponent("one.xlsx")
        let single = try Taizhang.run(["template", "整改工作台账", "--unit", "沈阳", "--period", "2024-06", "-o", one.path])
        #expect(single.status == 0, "\(single.stderr)")
        #expect(FileManager.default.fileExists(atPath: one.path))
        let bad = try Taizhang.run(["template", "rectification", "--unit", "北京", "--period", "2024-06", "-o", one.path])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("北京"))
    }
}

@Suite struct AnnotateCommandTests {
    @Test func ingestReturnsRejectedFilesWithMarkedWorkbookAndNotice() throws {
        let dir = try Taizhang.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let june = YearMonth(year: 2024, month: 6)!
        let bad = try Taizhang.writeCSV("self-check", unit: "yingkou", period: june, rows: 4, in: dir) { doc in
            doc.rows["main"]![0]["category"] = .text("随便")
        }
        let out = dir.appendingPathComponent("退回")
        let run = try Taizhang.run(["ingest", bad.path, "--workspace", dir.appendingPathComponent("w.sqlite").path,
                                    "--annotate", out.path])
        #expect(run.status == 1)
        let files = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
        let base = bad.deletingPathExtension().lastPathComponent
        #expect(files == ["\(base)_退回修改.xlsx", "\(base)_退回修改通知.txt"])
        let notice = try String(contentsOf: out.appendingPathComponent("\(base)_退回修改通知.txt"), encoding: .utf8)
        #expect(notice.contains("营口市工业和信息化局："))
        #expect(notice.contains("“随便”不是“执法类别”的选项"))
        // The marked workbook reads back, and its findings sheet comes first.
        let inspect = try Taizhang.run(["inspect", out.appendingPathComponent("\(base)_退回修改.xlsx").path, "--json"])
        #expect(inspect.status == 0)
        #expect(inspect.stdout.contains("退回修改意见"))
        #expect(inspect.stdout.contains("随便"))
    }
}

@Suite struct ProvinceFormsTests {
    /// The province adds its enforcement divisions in its own units file, loaded with --forms.
    @Test func divisionsComeFromTheProvincesUnitsFile() throws {
        let dir = try Taizhang.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let forms = dir.appendingPathComponent("forms")
        try FileManager.default.createDirectory(at: forms, withIntermediateDirectories: true)
        var units = try JSONSerialization.jsonObject(with: Data(contentsOf: Taizhang.repository
            .appendingPathComponent("forms/units.json"))) as! [String: Any]
        var list = units["units"] as! [[String: Any]]
        list.append(["id": "div-test", "name": "测试执法处", "shortName": "测试处", "code": "CS", "kind": "division"])
        units["units"] = list
        try JSONSerialization.data(withJSONObject: units).write(to: forms.appendingPathComponent("units.json"))

        let out = dir.appendingPathComponent("out")
        let run = try Taizhang.run(["templates", "--forms", forms.path, "--period", "2024-09", "-o", out.path])
        #expect(run.status == 0, "\(run.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: out.path)
        // A division owes the ledgers and the progress report, not the summary.
        #expect(files.filter { $0.contains("测试执法处") }.sorted()
            == ["2024-09_测试执法处_工作进展台账.xlsx", "2024-09_测试执法处_整改工作台账.xlsx", "2024-09_测试执法处_自查台账.xlsx"])
        // Without --forms there is no such unit.
        let builtIn = try Taizhang.run(["template", "progress", "--unit", "测试执法处", "--period", "2024-09",
                                        "-o", dir.appendingPathComponent("x.xlsx").path])
        #expect(builtIn.status == 2)
        // A broken units file is named with its path.
        try Data("{\"kinds\": [], \"units\": [{\"id\": 1}]}".utf8).write(to: forms.appendingPathComponent("units.json"))
        let broken = try Taizhang.run(["forms", "--forms", forms.path])
        #expect(broken.status == 2)
        #expect(broken.stderr.contains("units.json"))
    }
}

/// Reading as a clerk's file is meant (issue 15): header fields on the ledger's own sheet only, what `--unit`
/// and `--period` say counts for the fields they name, header fields called header fields, A1 cells in JSON,
/// and CSV written in GB18030 on request.
@Suite struct ReaderFidelityCommandTests {
    @Test func aBlankHeaderFieldIsMissingNotReadFromTheInstructions() throws {
        let dir = try Taizhang.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let template = dir.appendingPathComponent("沈阳_自查台账.xlsx").path
        #expect(try Taizhang.run(["template", "自查台账", "--unit", "沈阳", "--period", "2024-06", "-o", template]).status == 0)
        // The template leaves 填报日期 blank; its 填表说明 sheet lists 填报日期 with “是” (required) beside it.
        let run = try Taizhang.run(["check", template, "--json"])
        let report = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as! [String: Any]
        let findings = report["findings"] as! [[String: Any]]
        let dateFindings = findings.filter { (($0["location"] as? [String: Any])?["field"] as? String) == "report_date" }
        #expect(dateFindings.map { $0["code"] as? String } == ["missing-value"], "\(dateFindings)")
        let location = try #require(dateFindings.first?["location"] as? [String: Any])
        #expect(location["sheet"] as? String == "自查台账", "\(location)")
        #expect((location["cell"] as? String)?.hasSuffix("3") == true, "the 填报日期 row of the header, as A1: \(location)")
    }

    @Test func unitAndPeriodGivenFillTheFieldsTheFileLacksAndHeaderFieldsAreCalledSo() throws {
        let dir = try Taizhang.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let june = YearMonth(year: 2024, month: 6)!
        let bare = try Taizhang.writeCSV("self-check", unit: "benxi", period: june, rows: 3, in: dir) { doc in
            doc.header["unit"] = nil
            doc.header["period"] = nil
            doc.header["report_date"] = nil
        }
        let without = try Taizhang.run(["check", bare.path, "--form", "自查台账"])
        #expect(without.stdout.contains("表头“填报单位”") || without.stdout.contains("填报单位"), "\(without.stdout)")
        #expect(!without.stdout.contains("“填报日期”列"), "a header field is no column: \(without.stdout)")
        let with = try Taizhang.run(["check", bare.path, "--form", "自查台账", "--unit", "本溪", "--period", "2024-06", "--json"])
        let report = try JSONSerialization.jsonObject(with: Data(with.stdout.utf8)) as! [String: Any]
        let missing = (report["findings"] as! [[String: Any]]).filter { $0["code"] as? String == "missing-value" }
            .compactMap { ($0["location"] as? [String: Any])?["field"] as? String }
        #expect(!missing.contains("unit") && !missing.contains("period"), "\(missing)")
        #expect(missing.contains("report_date"))
        #expect(report["unit"] as? String == "benxi")

        let gb = dir.appendingPathComponent("gb.csv").path
        #expect(try Taizhang.run(["export", bare.path, "--form", "自查台账", "--unit", "本溪", "--period", "2024-06",
                                  "--to", "csv", "--encoding", "gb18030", "-o", gb]).status != 2)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: gb))
        #expect(!bytes.starts(with: [0xEF, 0xBB, 0xBF]), "no UTF-8 BOM")
        let decoded = try ExternalProgram.python("import sys; print(open(sys.argv[1], 'rb').read().decode('gb18030'))", [gb])
        #expect(decoded.status == 0, "\(decoded.stderr)")
        #expect(decoded.stdout.contains("本溪市工业和信息化局"))
        let refused = try Taizhang.run(["export", bare.path, "--to", "xlsx", "--encoding", "gb18030", "-o", dir.appendingPathComponent("x.xlsx").path])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("不支持的编码"))
    }
}
