import Testing
import Foundation
import TaizhangCore
import TaizhangForms

/// The 具体情形 list as the plan (三、整治重点) names the situations, and the pairing of the campaign's general
/// situations with the 问题类型.
@Suite struct SituationListTests {
    static let set = try! BuiltinForms.load()
    static let list = set.list("situation")!

    @Test func everySituationThePlanNamesIsAChoiceOfItsOwn() {
        let inaction = Set(Self.list.items(under: "执法不作为").map(\.value))
        for named in ["执法不透明", "弄虚作假", "执行制度规定打折扣", "发现问题不处理", "工作失职失察", "对下级的监督指导缺失",
                      "不敢执法、不会执法", "对违法行为查处不到位、不及时"] {
            #expect(inaction.contains(named), "\(named)")
        }
        #expect(!inaction.contains("执法不透明、弄虚作假"), "two situations, not one")
        let misconduct = Set(Self.list.items(under: "执法乱作为").map(\.value))
        #expect(misconduct.isSuperset(of: ["超越法定职权或权限", "滥用执法职权", "以罚代刑", "下达或变相下达罚没指标"]))
    }

    @Test func generalSituationsGoOnlyWithTheTypesThePlanSupports() {
        let inaction = Self.list.items(under: "执法不作为").map(\.value)
        let misconduct = Self.list.items(under: "执法乱作为").map(\.value)
        let irregular = Self.list.items(under: "执法不规范、不公正").map(\.value)
        for general in ["运动式执法", "“一刀切”执法", "简单粗暴执法", "野蛮执法", "过度执法", "机械执法", "逐利执法"] {
            #expect(!inaction.contains(general), "\(general) is not a failure to act")
            #expect(misconduct.contains(general), "\(general)")
        }
        #expect(irregular.contains("机械执法"))
        #expect(!irregular.contains("野蛮执法"))
    }

    @Test func aMismatchedPairIsAnErrorAtTheSituationCell() throws {
        let form = try #require(Self.set.form("self-check"))
        let columns = Dictionary(uniqueKeysWithValues: form.tables[0].columns.enumerated().map { ($1.key, $0 + 1) })
        func check(_ type: String, _ situation: String) -> [Finding] {
            let values = ["seq": "1", "problem_id": "SY-2024-001", "source": "自查自纠", "problem_type": type,
                          "situation": situation, "category": "行政检查", "description": "未及时处理", "subject": "执法支队",
                          "found_date": "2024-06-01"]
            var cells: [String: MappedCell] = [:]
            for (key, text) in values {
                cells[key] = MappedCell(value: .text(text), location: Location(sheet: "自查台账", row: 8, column: columns[key]!))
            }
            let input = LedgerInput(form: form, header: ValidatorTests.header(),
                                    tables: ["main": [MappedRow(location: Location(sheet: "自查台账", row: 8), cells: cells)]])
            return Validator(context: ValidationContext(formSet: Self.set)).validate(input).report.findings
                .filter { $0.code == .choiceMismatch }
        }
        let wrong = try #require(check("执法不作为", "野蛮执法").first)
        #expect(wrong.location.column == columns["situation"])
        #expect(wrong.location.row == 8)
        #expect(check("执法乱作为", "野蛮执法").isEmpty)
        #expect(check("执法不作为", "弄虚作假").isEmpty)
    }
}
