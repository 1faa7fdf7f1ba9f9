import Testing
import Foundation
import TaizhangCore
import TaizhangForms

/// Every validation rule, each asserting the finding's code and position.
@Suite struct ValidatorTests {
    static let set = try! BuiltinForms.load()
    static let sheet = "整改工作台账"

    /// Column letters of the rectification table as a template lays them out (A = 序号 …).
    static let columns: [String: Int] = {
        let table = set.form("rectification")!.tables[0]
        return Dictionary(uniqueKeysWithValues: table.columns.enumerated().map { ($1.key, $0 + 1) })
    }()

    static func row(_ n: Int, _ values: [String: String], sheet: String = sheet) -> MappedRow {
        var cells: [String: MappedCell] = [:]
        for (key, text) in values {
            cells[key] = MappedCell(value: .text(text),
                                     location: Location(sheet: sheet, row: n, column: columns[key] ?? 1))
        }
        return MappedRow(location: Location(sheet: sheet, row: n), cells: cells)
    }

    static let good: [String: String] = [
        "seq": "1", "problem_id": "SY-2024-001", "description": "行政检查未出示执法证件", "measures": "组织执法人员培训",
        "responsible_unit": "执法监察支队", "responsible_person": "张三", "deadline": "2024-06-30", "status": "正在整改",
        "accountability": "否", "exemption": "否",
    ]

    static func header(_ unit: String = "沈阳市工业和信息化局", period: String = "2024-06") -> [String: MappedCell] {
        let values = ["unit": unit, "period": period, "report_date": "2024-06-20", "filler": "李四",
                      "phone": "024-12345678"]
        var cells: [String: MappedCell] = [:]
        for (i, (key, text)) in values.sorted(by: { $0.key < $1.key }).enumerated() {
            cells[key] = MappedCell(value: .text(text), location: Location(sheet: sheet, row: 2 + i, column: 2))
        }
        return cells
    }

    static func validate(_ rows: [MappedRow], header: [String: MappedCell] = header(),
                         references: ReferenceIndex? = knownKeys(["SY-2024-001", "SY-2024-002", "SY-2024-003"]),
                         unit: String? = nil, period: YearMonth? = nil,
                         absent: Set<String> = []) -> ValidationReport {
        let input = LedgerInput(form: set.form("rectification")!, header: header, tables: ["main": rows],
                                absentColumns: ["main": absent])
        let context = ValidationContext(formSet: set, fileName: "沈阳.xlsx", expectedUnit: unit.flatMap(set.unit(id:)),
                                        expectedPeriod: period, references: references)
        return Validator(context: context).validate(input).report
    }

    static func knownKeys(_ keys: [String]) -> ReferenceIndex {
        var index = ReferenceIndex()
        index.add(form: "self-check", field: "problem_id", keys: keys)
        return index
    }

    @Test func aCleanLedgerIsAccepted() {
        let report = Self.validate([Self.row(8, Self.good)])
        #expect(report.findings.isEmpty, "\(report.findings)")
        #expect(report.isAccepted)
        #expect(report.rowCounts["main"] == 1)
        #expect(report.unit == "shenyang")
        #expect(report.period == YearMonth(year: 2024, month: 6))
    }

    struct RuleCase: CustomTestStringConvertible, Sendable {
        var name: String
        var change: [String: String]
        var remove: [String] = []
        var code: FindingCode
        var column: String
        var testDescription: String { name }
    }

    static let ruleCases: [RuleCase] = [
        RuleCase(name: "required", change: [:], remove: ["measures"], code: .missingValue, column: "measures"),
        RuleCase(name: "required, blank text", change: ["responsible_person": "   "], code: .missingValue,
                 column: "responsible_person"),
        RuleCase(name: "required-when status is done", change: ["status": "已完成"], code: .missingConditional,
                 column: "done_date"),
        RuleCase(name: "required-when accountability is yes", change: ["accountability": "是"],
                 code: .missingConditional, column: "accountability_detail"),
        RuleCase(name: "required-when exemption is yes", change: ["exemption": "是"],
                 code: .missingConditional, column: "exemption_detail"),
        RuleCase(name: "invalid date", change: ["deadline": "六月底"], code: .invalidDate, column: "deadline"),
        RuleCase(name: "unknown choice", change: ["status": "基本完成"], code: .unknownChoice, column: "status"),
        RuleCase(name: "yes/no", change: ["exemption": "不确定"], code: .invalidYesNo, column: "exemption"),
        RuleCase(name: "dangling reference", change: ["problem_id": "SY-2024-099"], code: .danglingReference,
                 column: "problem_id"),
        RuleCase(name: "date before range", change: ["deadline": "2023-12-31"], code: .outOfRange, column: "deadline"),
    ]

    @Test(arguments: ruleCases)
    func eachRuleReportsItsCodeAtTheCell(_ c: RuleCase) throws {
        var values = Self.good
        for (k, v) in c.change { values[k] = v }
        for k in c.remove { values[k] = nil }
        let report = Self.validate([Self.row(9, values)])
        let errors = report.findings.filter { $0.severity == .error }
        #expect(errors.count == 1, "\(report.findings)")
        let finding = try #require(errors.first)
        #expect(finding.code == c.code)
        #expect(finding.location.sheet == Self.sheet)
        #expect(finding.location.row == 9)
        #expect(finding.location.field == c.column)
        #expect(finding.location.file == "沈阳.xlsx")
        if c.change[c.column] != nil {
            // The cell exists: the finding names it exactly.
            #expect(finding.location.column == Self.columns[c.column])
        }
        #expect(!report.isAccepted)
    }

    @Test func requiredWhenIsSatisfiedByTheDependentValue() {
        var values = Self.good
        values["status"] = "已整改"
        values["done_date"] = "2024年6月15日"
        values["accountability"] = "是"
        values["accountability_detail"] = "对直接责任人诫勉谈话"
        #expect(Self.validate([Self.row(8, values)]).findings.isEmpty)
    }

    @Test func duplicateKeyPointsAtTheSecondRowAndNamesTheFirst() throws {
        let report = Self.validate([Self.row(8, Self.good), Self.row(12, Self.good)])
        let finding = try #require(report.findings.first)
        #expect(report.findings.count == 1)
        #expect(finding.code == .duplicateKey)
        #expect(finding.location.row == 12)
        #expect(finding.location.cellReference == "B12")
        #expect(finding.message.contains("B8"))
    }

    @Test func referencesAreUncheckedWithoutTheSelfCheckLedger() throws {
        let report = Self.validate([Self.row(8, Self.good), Self.row(9, Self.good.merging(["problem_id": "X-2"]) { $1 })],
                                   references: nil)
        #expect(report.isAccepted)
        #expect(report.findings.map(\.code) == [.referenceUnchecked])  // once per column, not per row
        #expect(report.findings.first?.severity == .info)
    }

    @Test func emptyAndNumberOnlyRowsAreNotData() {
        let report = Self.validate([Self.row(8, Self.good), Self.row(9, ["seq": "2"]), Self.row(10, [:]),
                                    Self.row(11, ["remarks": " "])])
        #expect(report.rowCounts["main"] == 1)
        #expect(report.findings.isEmpty)
    }

    @Test func anAbsentColumnIsNotReportedOnEveryRow() {
        var values = Self.good
        values["measures"] = nil
        let report = Self.validate([Self.row(8, values), Self.row(9, values.merging(["problem_id": "SY-2024-002"]) { $1 })],
                                   absent: ["measures"])
        #expect(report.findings.isEmpty)
    }

    @Test func unitAndPeriodMustBeTheExpectedOnes() throws {
        let report = Self.validate([Self.row(8, Self.good)], header: Self.header("大连市工业和信息化局", period: "2024-07"),
                                   unit: "shenyang", period: YearMonth(year: 2024, month: 6))
        #expect(Set(report.findings.map(\.code)) == [.unitMismatch, .periodMismatch])
        let unitFinding = try #require(report.findings.first { $0.code == .unitMismatch })
        #expect(unitFinding.location.field == "unit")
        #expect(unitFinding.location.cellReference != nil)
        #expect(report.unit == "shenyang")
    }

    @Test func missingHeaderFieldIsReported() {
        var header = Self.header()
        header["phone"] = nil
        let report = Self.validate([Self.row(8, Self.good)], header: header)
        #expect(report.findings.map(\.code) == [.missingValue])
        #expect(report.findings.first?.location.field == "phone")
    }

    @Test func cascadingChoiceMustMatchItsParent() throws {
        let form = Self.set.form("self-check")!
        func validate(_ type: String, _ situation: String) -> ValidationReport {
            let cells: [String: CellValue] = [
                "problem_id": .text("SY-1"), "source": .text("群众举报"), "problem_type": .text(type),
                "situation": .text(situation), "category": .text("行政检查"), "description": .text("重复检查企业"),
                "subject": .text("执法监察支队"), "found_date": .number(45444),
            ]
            let row = MappedRow(location: Location(sheet: "自查台账", row: 6), cells: cells.mapValues {
                MappedCell(value: $0, location: Location(sheet: "自查台账", row: 6, column: 5))
            })
            let input = LedgerInput(form: form, header: Self.header(), tables: ["main": [row]])
            return Validator(context: ValidationContext(formSet: Self.set)).validate(input).report
        }
        #expect(validate("执法乱作为", "随意执法").findings.isEmpty)
        #expect(validate("执法乱作为", "“一刀切”执法").findings.isEmpty)  // a general situation, paired with 乱作为
        #expect(validate("执法不作为", "“一刀切”执法").findings.map(\.code) == [.choiceMismatch])  // not with 不作为
        let mismatch = validate("执法不作为", "以罚代刑")
        #expect(mismatch.findings.map(\.code) == [.choiceMismatch])
        #expect(mismatch.findings.first?.location.field == "situation")
    }

    @Test func cumulativeCountsAreNotBelowTheMonth() throws {
        let form = Self.set.form("progress")!
        var header = Self.header()
        for field in form.header where field.type == .integer {
            header[field.key] = MappedCell(value: .number(1), location: Location(sheet: "工作进展", row: 5, column: 3))
        }
        header["corrected_errors_total"] = MappedCell(value: .number(0), location: Location(sheet: "工作进展", row: 9, column: 4))
        let input = LedgerInput(form: form, header: header, tables: ["main": []])
        let report = Validator(context: ValidationContext(formSet: Self.set)).validate(input).report
        let finding = try #require(report.findings.first)
        #expect(report.findings.count == 1)
        #expect(finding.code == .inconsistentValues)
        #expect(finding.location.cellReference == "D9")
    }

    @Test func reportIsJSONEncodable() throws {
        let report = Self.validate([Self.row(8, Self.good.merging(["status": "?"]) { $1 })])
        let data = try JSONEncoder().encode(report)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"code\":\"unknown-choice\""))
        #expect(text.contains("\"accepted\":false"))
        let decoded = try JSONDecoder().decode(ValidationReport.self, from: data)
        #expect(decoded == report)
    }
}
