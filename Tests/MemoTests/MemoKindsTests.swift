import Foundation
import Testing
import TaizhangCore
import TaizhangForms
import TaizhangMemo

/// Each kind of memo, rendered from the built-in forms' data with the built-in templates.
@Suite struct MemoKindsTests {
    static let date = CivilDate(year: 2024, month: 6, day: 21)!

    func render(_ doc: OfficialDocument) throws -> String {
        let text = try MemoRenderer().render(doc)
        Layout.check(text)
        return text
    }

    /// The body text with line breaks removed, for checking wording regardless of wrapping.
    func flat(_ text: String) -> String { text.replacingOccurrences(of: "\n", with: "") }

    @Test func builtinTemplatesAreEmbeddedApartFromForms() throws {
        let names = BuiltinForms.memoTemplates.map(\.name).sorted()
        #expect(names == ["memos/correction-notice.json", "memos/package-cover-letter.json",
                          "memos/progress-report.json", "memos/province-progress-report.json",
                          "memos/summary-report.json"])
        #expect(!BuiltinForms.files.contains { $0.name.contains("/") })
        let set = try MemoTemplateSet(files: BuiltinForms.memoTemplates)
        #expect(set.templates.count == 5)
        // The form loader skips folder names even when given them.
        let forms = try FormSet.load(BuiltinForms.files + BuiltinForms.memoTemplates)
        #expect(forms.forms.count == (try BuiltinForms.load()).forms.count)
    }

    @Test func unitProgressReport() throws {
        let set = try MemoFixture.formSet()
        let doc = try MemoFixture.memos().progressReport(MemoFixture.shenyangProgress(set), date: Self.date)
        #expect(doc.title == "沈阳市工业和信息化局关于2024年6月大力整治行政执法突出问题工作进展情况的报告")
        #expect(doc.recipients == ["辽宁省工业和信息化厅"])
        #expect(doc.note == "联系人：王丽，联系电话：024-22345678")
        let text = try render(doc)
        let body = flat(text)
        #expect(body.contains("本月，我单位解决突出问题3个，办结投诉举报案件2件，纠正执法过错行为1起，公布典型案例0个，完善执法制度1项，宣传先进典型0个。"))
        #expect(body.contains("累计解决突出问题12个，办结投诉举报案件5件，纠正执法过错行为4起，公布典型案例1个，完善执法制度2项，宣传先进典型1个。"))
        #expect(body.contains("累计追责问责1人，未发生容错免责情况。"))
        #expect(!body.contains("征集线索"))  // its progress was 无
        #expect(body.contains("1.动员部署。6月3日召开"))
        #expect(body.contains("推进会，部署下一阶段重点工作。"))  // a full stop was added
        #expect(body.contains("4.健全制度。修订《沈阳市"))
        Golden.check(text, "progress-report-shenyang")
    }

    @Test func unitProgressReportWithNothingToReport() throws {
        let set = try MemoFixture.formSet()
        let ledger = MemoFixture.progress(set, unit: "panjin", counts: Array(repeating: (0, 0), count: 6),
                                          accountability: 0, exemption: 2)
        let text = try render(try MemoFixture.memos().progressReport(ledger, date: Self.date))
        let body = flat(text)
        #expect(!body.contains("总体进展情况") && !body.contains("重点工作推进情况"))
        #expect(body.contains("未发生追责问责情况，累计容错免责2人。"))
        #expect(body.contains("　　一、整治成效"))
        #expect(body.contains("　　二、追责问责和容错免责情况"))
    }

    static func summary(_ set: FormSet, accountability: Int, note: String) -> LedgerDocument {
        let form = set.form("summary")!
        let header: [String: Value] = [
            "unit": .unit("dalian"), "period": .period(YearMonth(year: 2024, month: 9)!),
            "report_date": .date(CivilDate(year: 2024, month: 9, day: 18)!), "filler": .text("赵敏"),
            "phone": .text("0411-82345678"),
            "work_overview": .text("成立由局主要负责同志任组长的专项整治工作专班，制定实施方案，明确责任分工。\n通过12345热线、门户网站等渠道公开征集问题线索，共收集线索23条。"),
            "achievements": .text("全市工业和信息化系统执法规范化水平明显提升，群众满意度进一步提高。"),
            "main_problems": .text("个别执法人员程序意识不强，执法文书制作不规范。"),
            "suggestions": .text("建议省厅统一全省行政处罚文书格式，组织开展执法人员轮训。"),
            "accountability_note": .text(note),
            "exemption_note": .text("无"),
            "practices": .text("建立“一案一档”管理制度，实现执法全过程记录。"),
            "resolved_problems_total": .integer(20), "closed_complaints_total": .integer(9),
            "corrected_errors_total": .integer(2), "published_cases_total": .integer(3),
            "improved_rules_total": .integer(1), "promoted_models_total": .integer(2),
            "accountability_count": .integer(accountability), "exemption_count": .integer(0),
        ]
        let cases = [
            Record(values: ["seq": .integer(1), "case_kind": .choice("反面典型"), "case_title": .text("某执法大队重复检查企业案"),
                            "case_summary": .text("某执法大队一个月内对同一企业开展3次同类检查，增加企业负担"),
                            "handling": .text("责令整改，对相关责任人批评教育"), "published": .yesNo(true)]),
        ]
        let models = [
            Record(values: ["seq": .integer(1), "model_name": .text("王强"), "affiliation": .text("大连市工业和信息化局执法支队"),
                            "deeds": .text("坚持说理式执法，全年办理案件零投诉。")]),
        ]
        return LedgerDocument(form: form, formSet: set, header: header, rows: ["cases": cases, "models": models])
    }

    @Test func summaryWithSpecialReports() throws {
        let set = try MemoFixture.formSet()
        let ledger = Self.summary(set, accountability: 2, note: "对2名执法人员予以诫勉谈话，依据《行政执法过错责任追究办法》。")
        let doc = try MemoFixture.memos().summaryReport(ledger, date: CivilDate(year: 2024, month: 9, day: 18)!)
        #expect(doc.title == "大连市工业和信息化局关于大力整治行政执法突出问题工作情况的总结报告")
        let text = try render(doc)
        let body = flat(text)
        #expect(body.contains("　　六、追责问责情况专题说明　　专项整治开展以来，共追责问责2人。　　对2名执法人员"))
        #expect(body.contains("　　七、容错免责情况专题说明　　专项整治开展以来，未发生容错免责情况。　　特此报告。"))
        #expect(body.contains("累计解决突出问题20个，办结投诉举报案件9件"))
        #expect(body.contains("1.某执法大队重复检查企业案（反面典型）。某执法大队一个月内对同一企业开展3次同类检查，增加企业负担。"))
        #expect(body.contains("处理结果：责令整改，对相关责任人批评教育。"))
        #expect(body.contains("1.王强（大连市工业和信息化局执法支队）。坚持说理式执法"))
        #expect(body.contains("共收集线索23条。"))
        Golden.check(text, "summary-report-dalian")

        let none = Self.summary(set, accountability: 0, note: "无")
        let noneBody = flat(try render(try MemoFixture.memos().summaryReport(none, date: Self.date)))
        #expect(noneBody.contains("追责问责情况专题说明　　专项整治开展以来，未发生追责问责情况。　　七、"))
    }

    @Test func correctionNotice() throws {
        let set = try MemoFixture.formSet()
        let form = set.form("rectification")!
        let file = "沈阳市整改工作台账（6月）.xlsx"
        let findings = [
            Finding(code: .missingValue, location: Location(file: file, sheet: "整改工作台账", row: 7, column: 7,
                                                             columnLabel: "整改时限", field: "deadline"),
                    message: "整改时限不能为空，请填写日期或“长期坚持”"),
            Finding(code: .invalidDate, location: Location(file: file, sheet: "整改工作台账", row: 9, column: 9,
                                                             columnLabel: "完成时间", field: "done_date"),
                    message: "“2024.13.5”不是有效的日期，请写成“2024-06-30”的格式。"),
            Finding(code: .danglingReference, severity: .warning,
                    location: Location(file: file, sheet: "整改工作台账", row: 12, column: 2, columnLabel: "问题编号"),
                    message: "问题编号“SY-099”在本单位自查台账中不存在"),
            Finding(code: .periodMismatch, severity: .warning, location: Location(file: file),
                    message: "文件标注的报送期为2024年5月，与本次报送的2024年6月不一致"),
            Finding(code: "note", severity: .info, location: Location(file: file), message: "仅供参考的提示"),
        ]
        let doc = try MemoFixture.memos().correctionNotice(
            findings: findings, fileName: file, form: form, unit: set.unit(id: "shenyang")!, formSet: set,
            date: CivilDate(year: 2024, month: 6, day: 25)!, deadline: CivilDate(year: 2024, month: 6, day: 28)!,
            contact: "李华", contactPhone: "024-12345678")
        #expect(doc.title == "关于退回沈阳市工业和信息化局整改工作台账修改的通知")
        #expect(doc.recipients == ["沈阳市工业和信息化局"])
        #expect(doc.signature == "辽宁省工业和信息化厅政策法规处")
        let text = try render(doc)
        let body = flat(text)
        #expect(body.contains("有2处错误须修改"))
        #expect(body.contains("1.“整改工作台账”工作表 G7 单元格（整改时限）：整改时限不能为空，请填写日期或“长期坚持”。"))
        #expect(body.contains("2.“整改工作台账”工作表 I9 单元格（完成时间）：“2024.13.5”不是有效的日期，请写成“2024-06-30”的格式。"))
        #expect(body.contains("1.“整改工作台账”工作表 B12 单元格（问题编号）：问题编号“SY-099”在本单位自查台账中不存在。"))
        #expect(body.contains("2.文件标注的报送期为2024年5月"))
        #expect(!body.contains("仅供参考"))
        #expect(body.contains("于2024年6月28日前重新报送"))
        Golden.check(text, "correction-notice-shenyang")
    }

    /// The same mistake on 60 rows: the notice lists the first 20 and says how many more there are; the counts are
    /// all of them.
    @Test func aNoticeListsTheFirstOfEachKindOfProblem() throws {
        let set = try MemoFixture.formSet()
        let file = "大连市整改工作台账.xlsx"
        let findings = (0..<60).map { i in
            Finding(code: .invalidDate, location: Location(file: file, sheet: "整改工作台账", row: 7 + i, column: 7,
                                                            columnLabel: "整改时限", field: "deadline"),
                    message: "“去年某天”不是有效的日期")
        } + [Finding(code: .missingValue, location: Location(file: file, sheet: "整改工作台账", row: 7, column: 3,
                                                            columnLabel: "问题描述", field: "description"),
                     message: "问题描述不能为空")]
        let doc = try MemoFixture.memos().correctionNotice(
            findings: findings, fileName: file, form: set.form("rectification")!, unit: set.unit(id: "dalian")!,
            formSet: set, date: CivilDate(year: 2024, month: 6, day: 25)!)
        let body = flat(try render(doc))
        #expect(body.contains("有61处错误须修改"))
        #expect(body.components(separatedBy: "不是有效的日期").count - 1 == 20)
        #expect(body.contains("G26 单元格（整改时限）：“去年某天”不是有效的日期。　　……另有40处同类问题，不再逐一列出。"), "\(body)")
        #expect(!body.contains("G27 单元格"))
        #expect(body.contains("21.“整改工作台账”工作表 C7 单元格（问题描述）：问题描述不能为空。"))
        #expect(body.components(separatedBy: "另有").count - 1 == 1)
    }

    @Test func coverLetter() throws {
        let set = try MemoFixture.formSet()
        let files = ["沈阳市工业和信息化局突出问题自查台账（2024年6月）.xlsx", "沈阳市工业和信息化局整改工作台账（2024年6月）.xlsx",
                     "沈阳市工业和信息化局工作进展台账（2024年6月）.xlsx"]
        var doc = try MemoFixture.memos().coverLetter(unit: set.unit(id: "shenyang")!, period: MemoFixture.june,
                                                       files: files, formSet: set, date: Self.date,
                                                       contact: "王丽", contactPhone: "024-22345678")
        doc.number = DocumentNumber(agencyCode: "沈工信函", year: 2024, serial: 36)
        #expect(doc.attachments == ["沈阳市工业和信息化局突出问题自查台账（2024年6月）", "沈阳市工业和信息化局整改工作台账（2024年6月）",
                                    "沈阳市工业和信息化局工作进展台账（2024年6月）"])
        let text = try render(doc)
        #expect(flat(text).contains("工作材料3份随函报送"))
        #expect(text.contains("沈工信函〔2024〕36号"))
        Golden.check(text, "cover-letter-shenyang")
    }
}

@Suite struct MemoTemplateTests {
    func template(_ json: String, name: String = "t.json") throws -> MemoTemplate {
        try MemoTemplate(file: FormFile(name: name, contents: Data(json.utf8)))
    }

    static let date = CivilDate(year: 2024, month: 6, day: 1)!

    @Test func placeholdersIfAndEach() throws {
        let t = try template("""
            {"id": "t", "name": "测试", "title": "{a}关于{{x}}的报告", "recipients": ["{r}"], "signature": "{a}",
             "body": [{"paragraph": "共{n}项。"},
                      {"if": "n", "then": [{"paragraph": "有。"}], "else": [{"paragraph": "无。"}]},
                      {"if": "!items", "then": [{"paragraph": "列表为空。"}]},
                      {"each": "items", "do": [{"heading": 3, "text": "{name}", "run": "（{index}/{count}，{a}）"}]}],
             "attachments": [{"each": "items", "do": ["{name}"]}]}
            """)
        let doc = try t.render(["a": "甲局", "r": "乙厅", "n": 2,
                                "items": .list([["name": "第一"], ["name": "第二", "a": "内层"]])], date: Self.date)
        #expect(doc.title == "甲局关于{x}的报告")
        #expect(doc.recipients == ["乙厅"])
        #expect(doc.body == [.paragraph("共2项。"), .paragraph("有。"),
                             .heading(level: 3, text: "第一", run: "（1/2，甲局）"),
                             .heading(level: 3, text: "第二", run: "（2/2，内层）")])
        #expect(doc.attachments == ["第一", "第二"])
        #expect(doc.note == nil)
        let empty = try t.render(["a": "甲局", "r": "乙厅", "n": 0, "items": .list([])], date: Self.date)
        #expect(empty.body == [.paragraph("共0项。"), .paragraph("无。"), .paragraph("列表为空。")])
    }

    @Test func missingDataIsAnErrorNotAHole() throws {
        let t = try template("""
            {"id": "t", "name": "测试", "title": "标题", "signature": "甲", "body": [{"paragraph": "共{n}项"}]}
            """)
        let error = #expect(throws: MemoTemplateError.self) { _ = try t.render([:], date: Self.date) }
        #expect(error?.path == "body[0]")
        #expect(error?.description.contains("{n}") == true)
        #expect(throws: MemoTemplateError.self) { _ = try t.render(["n": .list([])], date: Self.date) }
    }

    @Test(arguments: [
        #"{"id": "t", "name": "x", "title": "x", "signature": "x", "extra": 1}"#,
        #"{"id": "u", "name": "x", "title": "x", "signature": "x"}"#,
        #"{"id": "t", "name": "x", "title": "x"}"#,
        #"{"id": "t", "name": "x", "title": "x", "signature": "x", "body": [{"heading": 5, "text": "x"}]}"#,
        #"{"id": "t", "name": "x", "title": "x", "signature": "x", "body": [{"para": "x"}]}"#,
        #"{"id": "t", "name": "x", "title": "x", "signature": "x", "body": [{"if": "a", "then": [], "otherwise": []}]}"#,
        #"{"id": "t", "name": "x", "title": "x", "signature": "x", "body": "x"}"#,
        "not json",
    ])
    func badTemplatesAreRefused(json: String) {
        #expect(throws: MemoTemplateError.self) { _ = try template(json) }
    }

    @Test func eachOverNonListAndStrayBraceAreErrors() throws {
        let t = try template("""
            {"id": "t", "name": "x", "title": "x}", "signature": "x", "body": [{"each": "n", "do": []}]}
            """)
        #expect(throws: MemoTemplateError.self) { _ = try t.render(["n": 1], date: Self.date) }
    }
}

@Suite struct MemoOverlayTests {
    @Test func aProvinceFolderRewordsAMemo() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("taizhang-memo-overlay-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("memos"), withIntermediateDirectories: true)
        let reworded = """
            {"id": "package-cover-letter", "name": "报送函", "title": "{unit_name}报送函", "recipients": ["{recipient}"],
             "body": [{"paragraph": "现报送材料{file_count}份。"}], "signature": "{unit_name}"}
            """
        try Data(reworded.utf8).write(to: dir.appendingPathComponent("memos/package-cover-letter.json"))
        let files = try BuiltinForms.memoTemplates(overlay: dir)
        #expect(files.count == BuiltinForms.memoTemplates.count)
        let memos = Memos(templates: try MemoTemplateSet(files: files))
        let set = try MemoFixture.formSet()
        let doc = try memos.coverLetter(unit: set.unit(id: "dalian")!, period: MemoFixture.june, files: ["a.xlsx"],
                                        formSet: set, date: CivilDate(year: 2024, month: 6, day: 20)!)
        #expect(doc.title == "大连市工业和信息化局报送函")
        #expect(doc.body == [.paragraph("现报送材料1份。")])
        // Without a memos folder, the built-in templates.
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("taizhang-memo-none-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        #expect(try BuiltinForms.memoTemplates(overlay: empty).map(\.name) == BuiltinForms.memoTemplates.map(\.name))
    }
}
