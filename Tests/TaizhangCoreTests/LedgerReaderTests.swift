import Testing
import TaizhangCore
import TaizhangForms

/// Finding the form, the header row and the columns in files that were not made from our template.
@Suite struct LedgerReaderTests {
    static let set = try! BuiltinForms.load()

    static func t(_ s: String) -> CellValue { .text(s) }

    /// A rectification ledger as a unit might make it by hand: two title rows, the header fields in one
    /// cell, reordered and renamed columns, an extra column, a blank row, a total row, notes and a footer.
    static let handmade: [[CellValue]] = [
        [t("沈阳市工业和信息化局行政执法突出问题整改工作台账")],
        [t("填报单位：沈阳市工业和信息化局　　填报日期：2024年6月20日"), .empty, .empty, t("报送期"), t("2024年6月")],
        [t("序号"), t("编号"), t("存在问题"), t("整改措施*"), t("责任部门"), t("责任人"), t("整改期限"), t("完成情况"),
         t("状态"), t("完成时间"), t("是否追责问责"), t("追责问责情况"), t("是否容错免责"), t("联系人")],
        [.number(1), t("SY-2024-001"), t("未出示执法证件"), t("开展培训"), t("执法支队"), t("张三"), .number(45473),
         t("已培训"), t("已完成"), t("2024/6/18"), t("否"), .empty, t("否"), t("王五")],
        [],
        [.number(2), t("SY-2024-002"), t("重复检查"), t("合并检查计划"), t("执法支队"), t("李四"), t("长期坚持"),
         .empty, t("推进中"), .empty, t("是"), .empty, t("否")],
        [t("合计"), t("2 项")],
        [t("填表说明：每个问题一行。")],
        [t("填报人："), t("赵六"), t("联系电话："), t("13812345678")],
    ]

    @Test func readsAHandmadeLedger() throws {
        let source = InMemorySheetSource(sheets: [(name: "Sheet1", grid: Self.handmade)])
        let result = try LedgerReader(formSet: Self.set).read(source, fileName: "沈阳整改台账.xlsx")
        #expect(result.recognition == .labels)
        #expect(result.input.form.id == "rectification")
        let rows = try #require(result.input.tables["main"])
        #expect(rows.count == 2)  // the blank row has no cells; the total and notes rows are not data
        #expect(rows[0].cells["deadline"]?.value == .number(45473))
        #expect(rows[0].cells["deadline"]?.location.cellReference == "G4")
        #expect(rows[0].cells["deadline"]?.location.columnLabel == "整改期限")
        #expect(rows[0].cells["effect"]?.value == .text("已培训"))
        #expect(result.input.header["unit"]?.value == .text("沈阳市工业和信息化局"))
        #expect(result.input.header["report_date"]?.value == .text("2024年6月20日"))
        #expect(result.input.header["period"]?.location.cellReference == "E2")
        #expect(result.input.header["filler"]?.value == .text("赵六"))
        #expect(result.input.header["phone"]?.location.cellReference == "D9")
        // The unit's own 联系人 column is reported as ignored; nothing required is missing.
        #expect(result.findings.map(\.code) == [.extraColumn])
        #expect(result.findings.first?.location.cellReference == "N3")

        let (document, report) = Validator(context: ValidationContext(formSet: Self.set, fileName: "沈阳整改台账.xlsx"))
            .validate(result.input)
        #expect(document.unit?.id == "shenyang")
        #expect(document.period == YearMonth(year: 2024, month: 6))
        #expect(document.rows["main"]?.count == 2)
        #expect(document.rows["main"]?[0]["status"] == .choice("已整改"))
        #expect(document.rows["main"]?[1]["deadline"] == .fixedText("长期坚持"))
        // Row 6 says 是 for 追责问责 but gives no details.
        let errors = report.findings.filter { $0.severity == .error }
        #expect(errors.map(\.code) == [.missingConditional])
        #expect(errors.first?.location.row == 6)
        #expect(errors.first?.location.sheet == "Sheet1")
    }

    @Test func aMissingRequiredColumnIsOneFinding() throws {
        var grid = Self.handmade
        grid[2][3] = Self.t("意见")  // 整改措施 renamed beyond recognition
        let result = try LedgerReader(formSet: Self.set).read(
            InMemorySheetSource(sheets: [(name: "台账", grid: grid)]), fileName: "a.xlsx")
        let missing = result.findings.filter { $0.code == .missingColumn }
        #expect(missing.map(\.location.field) == ["measures"])
        #expect(missing.first?.location.row == 3)
        let report = Validator(context: ValidationContext(formSet: Self.set)).validate(result.input).report
        #expect(!report.findings.contains { $0.location.field == "measures" })
    }

    @Test func templatePropertiesSettleFormUnitAndPeriod() throws {
        let props = [TemplateProperty.form: "self-check", TemplateProperty.formVersion: "2023.9",
                     TemplateProperty.unit: "dalian", TemplateProperty.period: "2024-07"]
        let grid: [[CellValue]] = [
            [Self.t("序号"), Self.t("问题编号"), Self.t("问题来源"), Self.t("问题类型"), Self.t("具体情形"),
             Self.t("执法类别"), Self.t("问题描述"), Self.t("涉及执法主体"), Self.t("发现时间"), Self.t("备注")],
        ]
        let result = try LedgerReader(formSet: Self.set).read(
            InMemorySheetSource(sheets: [(name: "自查台账", grid: grid)], properties: props), fileName: "b.xlsx")
        #expect(result.recognition == .template)
        #expect(result.input.form.id == "self-check")
        #expect(result.expectedUnit?.id == "dalian")
        #expect(result.expectedPeriod == YearMonth(year: 2024, month: 7))
        #expect(result.findings.map(\.code) == [.oldTemplate])
    }

    @Test func aFileOfAnotherKindIsRefused() {
        let grid: [[CellValue]] = [[Self.t("姓名"), Self.t("年龄")], [Self.t("张三"), .number(30)]]
        #expect(throws: ImportError.self) {
            try LedgerReader(formSet: Self.set).read(InMemorySheetSource(sheets: [(name: "S", grid: grid)]),
                                                     fileName: "名单.xlsx")
        }
    }

    @Test func theProgressReportIsToldFromTheLedgers() throws {
        let grid: [[CellValue]] = [
            [Self.t("报送月份"), Self.t("2024-06")],
            [Self.t("解决突出问题（本月，个）"), .number(2), Self.t("解决突出问题（累计，个）"), .number(5)],
            [Self.t("序号"), Self.t("工作事项"), Self.t("进展情况"), Self.t("完成时间"), Self.t("责任处室")],
            [.number(1), Self.t("动员部署"), Self.t("召开动员会"), Self.t("2024-05-22"), Self.t("政策法规处")],
        ]
        let result = try LedgerReader(formSet: Self.set).read(InMemorySheetSource(sheets: [(name: "进展", grid: grid)]),
                                                              fileName: "c.xlsx")
        #expect(result.input.form.id == "progress")
        #expect(result.input.header["resolved_problems_total"]?.value == .number(5))
        #expect(result.input.header["resolved_problems_total"]?.location.cellReference == "D2")
        #expect(result.input.tables["main"]?.count == 1)
    }
}

@Suite struct LedgerReaderPlacesTests {
    @Test func anEmptyRequiredCellIsNamedByItsColumnAndLabelsLoseTheirMarks() throws {
        let set = LedgerReaderTests.set
        let t = LedgerReaderTests.t
        var grid = LedgerReaderTests.handmade
        grid[2][3] = t("*整改措施")
        let source = InMemorySheetSource(sheets: [(name: "Sheet1", grid: grid)])
        let checked = try LedgerChecker(formSet: set).check(source, fileName: "a.xlsx")
        // Row 6 says 是 for 追责问责 with no details: the finding names the empty cell, L6.
        let finding = try #require(checked.report.findings.first { $0.code == .missingConditional })
        #expect(finding.location.cellReference == "L6")
        let mapped = try LedgerReader(formSet: set).read(source, fileName: "a.xlsx")
        #expect(mapped.input.tables["main"]?[0].cells["measures"]?.location.columnLabel == "整改措施")
    }
}
