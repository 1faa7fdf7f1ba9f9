import Testing
import Foundation
import TaizhangCore
import TaizhangForms

/// The cross-field and cross-form rules of `forms/` (issue 14): each asserts its code, its severity and the
/// cell it stands at (the cell of the field the rule names first).
@Suite struct DateRuleTests {
    typealias V = ValidatorTests

    /// The self-check ledger says SY-2024-001 was found on 10 June.
    static func foundOnJuneTenth() -> ReferenceIndex {
        var index = V.knownKeys(["SY-2024-001"])
        index.addRow(form: "self-check", key: "SY-2024-001", values: ["found_date": .date(CivilDate(year: 2024, month: 6, day: 10)!)])
        return index
    }

    func findings(_ values: [String: String], code: FindingCode) -> [Finding] {
        var row = V.good
        row.merge(values) { $1 }
        let report = V.validate([V.row(8, row)], references: Self.foundOnJuneTenth())
        return report.findings.filter { $0.code == code }
    }

    @Test func aCleanRowBreaksNoRule() {
        let report = V.validate([V.row(8, V.good.merging(["status": "已整改", "done_date": "2024-06-15",
                                                          "effect": "问题已整改到位"]) { $1 })],
                                references: Self.foundOnJuneTenth())
        #expect(report.findings.filter { $0.severity >= .warning }.isEmpty, "\(report.findings)")
    }

    @Test func doneBeforeTheProblemWasFound() throws {
        let found = findings(["status": "已整改", "done_date": "2024-06-05"], code: "done-before-found")
        let finding = try #require(found.first)
        #expect(found.count == 1)
        #expect(finding.severity == .error)
        #expect(finding.location.cellReference == "\(Self.letter("done_date"))8")
        #expect(finding.message.contains("2024-06-05") && finding.message.contains("2024-06-10"))
    }

    @Test func doneAfterTheReportDate() throws {
        let finding = try #require(findings(["status": "已整改", "done_date": "2024-06-25"], code: "date-after-report").first)
        #expect(finding.location.cellReference == "\(Self.letter("done_date"))8")
        #expect(finding.message.contains("2024-06-20"))
    }

    @Test func aDeadlineBeforeTheProblemWasFound() throws {
        let finding = try #require(findings(["deadline": "2024-06-01"], code: "deadline-before-found").first)
        #expect(finding.severity == .error)
        #expect(finding.location.cellReference == "\(Self.letter("deadline"))8")
        #expect(findings(["deadline": "长期坚持"], code: "deadline-before-found").isEmpty, "a text deadline is not a date")
    }

    @Test func aStatusAndItsCompletionFieldsAgree() throws {
        let dated = try #require(findings(["status": "未整改", "done_date": "2024-06-15"], code: "status-mismatch").first)
        #expect(dated.severity == .error)
        #expect(dated.location.cellReference == "\(Self.letter("done_date"))8")
        let claimed = try #require(findings(["status": "未整改", "effect": "问题已整改到位，企业满意"], code: "status-mismatch").first)
        #expect(claimed.severity == .warning)
        #expect(claimed.location.cellReference == "\(Self.letter("effect"))8")
        #expect(findings(["status": "正在整改", "effect": "按计划推进中"], code: "status-mismatch").isEmpty)
    }

    @Test func withoutTheSelfCheckLedgerTheCrossFormRulesWait() {
        var row = V.good
        row.merge(["status": "已整改", "done_date": "2024-06-05", "deadline": "2024-06-01"]) { $1 }
        let report = V.validate([V.row(8, row)], references: nil)
        #expect(!report.findings.contains { $0.code == "done-before-found" || $0.code == "deadline-before-found" })
    }

    @Test func aProblemFoundAfterTheReportDate() throws {
        let set = V.set
        let form = try #require(set.form("self-check"))
        let columns = Dictionary(uniqueKeysWithValues: form.tables[0].columns.enumerated().map { ($1.key, $0 + 1) })
        let values = ["seq": "1", "problem_id": "SY-2024-001", "source": "自查自纠", "problem_type": "执法不作为",
                      "situation": "发现问题不处理", "category": "行政检查", "description": "未及时处理", "subject": "执法支队",
                      "found_date": "2025-12-31"]
        var cells: [String: MappedCell] = [:]
        for (key, text) in values {
            cells[key] = MappedCell(value: .text(text), location: Location(sheet: "自查台账", row: 8, column: columns[key]!))
        }
        let input = LedgerInput(form: form, header: V.header(), tables: ["main": [MappedRow(location: Location(sheet: "自查台账", row: 8), cells: cells)]])
        let report = Validator(context: ValidationContext(formSet: set, fileName: "沈阳.xlsx")).validate(input).report
        let finding = try #require(report.findings.first { $0.code == "date-after-report" })
        #expect(finding.severity == .error)
        #expect(finding.location.column == columns["found_date"])
        #expect(finding.location.row == 8)
    }

    static func letter(_ key: String) -> String {
        let n = V.columns[key]!
        return String(UnicodeScalar(UInt8(64 + n)))
    }
}
