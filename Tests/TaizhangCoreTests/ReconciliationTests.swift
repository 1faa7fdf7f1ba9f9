import Testing
import Foundation
import TaizhangCore
import TaizhangForms

/// A progress report's figures against the unit's ledgers and its previous report (`reconcile` in
/// `forms/progress.json`): each warning's code, severity, cell and both figures.
@Suite struct ReconciliationTests {
    static let set = try! BuiltinForms.load()
    static let form = set.form("progress")!
    static let sheet = "工作进展台账"

    /// The row each header field's cell is on (column B).
    static let rows: [String: Int] = Dictionary(uniqueKeysWithValues: form.header.enumerated().map { ($1.key, $0 + 3) })

    static let filled: [String: String] = [
        "unit": "沈阳市工业和信息化局", "period": "2024-06", "report_date": "2024-06-20", "filler": "李四",
        "phone": "024-12345678",
        "resolved_problems_month": "3", "resolved_problems_total": "5",
        "closed_complaints_month": "2", "closed_complaints_total": "6",
        "corrected_errors_month": "1", "corrected_errors_total": "4",
        "published_cases_month": "0", "published_cases_total": "1",
        "improved_rules_month": "1", "improved_rules_total": "2",
        "promoted_models_month": "0", "promoted_models_total": "1",
        "accountability_count": "2", "exemption_count": "0",
    ]

    /// May's report: five less of everything that grew.
    static let may: [String: Value] = [
        "resolved_problems_total": .integer(2), "closed_complaints_total": .integer(4),
        "corrected_errors_total": .integer(3), "published_cases_total": .integer(1),
        "improved_rules_total": .integer(1), "promoted_models_total": .integer(1),
    ]

    /// The ledger: 5 problems 已整改, 1 row marked 追责问责, none 容错免责.
    static let agreeing = ReconciliationFacts(
        counts: ["resolved_problems_total": 5, "accountability_count": 1, "exemption_count": 0],
        previous: may, previousPeriod: YearMonth(year: 2024, month: 5)!)

    static func validate(_ changes: [String: String] = [:], facts: ReconciliationFacts? = agreeing) -> [Finding] {
        var cells: [String: MappedCell] = [:]
        for (key, text) in filled.merging(changes, uniquingKeysWith: { $1 }) {
            cells[key] = MappedCell(value: .text(text), location: Location(sheet: sheet, row: rows[key]!, column: 2))
        }
        var context = ValidationContext(formSet: set, fileName: "沈阳.xlsx")
        context.facts = facts
        let report = Validator(context: context).validate(LedgerInput(form: form, header: cells)).report
        return report.findings.filter { [Reconciler.doesNotReconcile, Reconciler.cumulativeDecreased, Reconciler.monthlyMismatch].contains($0.code) }
    }

    @Test func figuresThatAgreeRaiseNothing() {
        #expect(Self.validate().isEmpty)
        #expect(Self.validate(["resolved_problems_total": "9"], facts: nil).isEmpty, "without the workspace, nothing to compare")
    }

    @Test func solvedProblemsMustEqualTheRectifiedRows() throws {
        let found = Self.validate(["resolved_problems_total": "236", "resolved_problems_month": "234"])
        let finding = try #require(found.first { $0.code == Reconciler.doesNotReconcile })
        #expect(finding.severity == .warning)
        #expect(finding.location.row == Self.rows["resolved_problems_total"])
        #expect(finding.location.column == 2)
        #expect(finding.message.contains("236") && finding.message.contains("5 个"))
    }

    @Test func peopleHeldAccountableCoverTheRowsMarkedYes() throws {
        let claimed = Self.validate(["accountability_count": "15"], facts: ReconciliationFacts(
            counts: ["resolved_problems_total": 5, "accountability_count": 0, "exemption_count": 0]))
        let finding = try #require(claimed.first)
        #expect(finding.code == Reconciler.doesNotReconcile)
        #expect(finding.location.row == Self.rows["accountability_count"])
        #expect(finding.message.contains("15 人") && finding.message.contains("0 个"))
        #expect(Self.validate(["accountability_count": "0"]).contains { $0.location.field == "accountability_count" },
                "a row marked 是 names somebody")
        #expect(Self.validate(["accountability_count": "3"]).isEmpty, "several people for one problem is fine")
    }

    @Test func aCumulativeFigureNeverGoesDown() throws {
        let found = Self.validate(["closed_complaints_total": "3", "closed_complaints_month": "0"])
        let finding = try #require(found.first)
        #expect(finding.code == Reconciler.cumulativeDecreased)
        #expect(finding.severity == .warning)
        #expect(finding.location.row == Self.rows["closed_complaints_total"])
        #expect(finding.message.contains("3") && finding.message.contains("4") && finding.message.contains("2024年5月"))
    }

    @Test func theMonthIsTheCumulativeLessLastMonths() throws {
        let found = Self.validate(["corrected_errors_month": "4"])
        let finding = try #require(found.first)
        #expect(finding.code == Reconciler.monthlyMismatch)
        #expect(finding.location.row == Self.rows["corrected_errors_month"])
        #expect(finding.message.contains("4") && finding.message.contains("3") && finding.message.contains("是 1"))
    }
}
