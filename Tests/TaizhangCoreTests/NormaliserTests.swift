import Testing
import Foundation
import TaizhangCore
import TaizhangForms

/// The clerk-typing rules, case by case: what is typed, and what the form takes it to mean (or which finding).
@Suite struct NormaliserTests {
    static let set = try! BuiltinForms.load()
    static let normaliser = Normaliser(formSet: set, defaultYear: 2024)
    static let here = Location(sheet: "整改工作台账", row: 7, column: 8)

    static func field(_ form: String, _ key: String) -> Field {
        let f = set.form(form)!
        return f.headerField(key) ?? f.tables.compactMap { $0.column(key) }.first!
    }

    static func d(_ y: Int, _ m: Int, _ day: Int) -> Value { .date(CivilDate(year: y, month: m, day: day)!) }

    struct Case: CustomTestStringConvertible, Sendable {
        var form = "rectification"
        var field: String
        var input: CellValue
        var expected: Value?
        var code: FindingCode?
        var testDescription: String { "\(field) ← \(input.displayText)" }
    }

    static let accepted: [Case] = [
        // Dates, as clerks type them.
        Case(field: "deadline", input: .text("2024-06-30"), expected: d(2024, 6, 30)),
        Case(field: "deadline", input: .text("2024/6/30"), expected: d(2024, 6, 30)),
        Case(field: "deadline", input: .text("2024.6.30"), expected: d(2024, 6, 30)),
        Case(field: "deadline", input: .text("2024年6月30日"), expected: d(2024, 6, 30)),
        Case(field: "deadline", input: .text("2024年06月30号"), expected: d(2024, 6, 30)),
        Case(field: "deadline", input: .text("6月30日"), expected: d(2024, 6, 30)),
        Case(field: "deadline", input: .text("２０２４年６月３０日"), expected: d(2024, 6, 30)),
        Case(field: "deadline", input: .text("  2024-06-30　"), expected: d(2024, 6, 30)),
        Case(field: "deadline", input: .text("2024-06-30 00:00:00"), expected: d(2024, 6, 30)),
        Case(field: "deadline", input: .text("二〇二四年六月三十日"), expected: d(2024, 6, 30)),
        Case(field: "deadline", input: .text("20240630"), expected: d(2024, 6, 30)),
        Case(field: "deadline", input: .number(45473), expected: d(2024, 6, 30)),
        Case(field: "deadline", input: .number(20240630), expected: d(2024, 6, 30)),
        Case(field: "deadline", input: .date(CivilDate(year: 2024, month: 6, day: 30)!, secondsIntoDay: 0),
             expected: d(2024, 6, 30)),
        Case(field: "deadline", input: .text("长期坚持"), expected: .fixedText("长期坚持")),
        Case(field: "deadline", input: .text(" 长期 推进 "), expected: .fixedText("长期推进")),
        // Choices and their synonyms.
        Case(field: "status", input: .text("已整改"), expected: .choice("已整改")),
        Case(field: "status", input: .text("已完成"), expected: .choice("已整改")),
        Case(field: "status", input: .text(" 销号 "), expected: .choice("已整改")),
        Case(field: "status", input: .text("推进中"), expected: .choice("正在整改")),
        Case(field: "status", input: .text("未启动"), expected: .choice("未整改")),
        Case(form: "self-check", field: "problem_type", input: .text("执法不规范,不公正"), expected: .choice("执法不规范、不公正")),
        Case(form: "self-check", field: "situation", input: .text("\"一刀切\"执法"), expected: .choice("“一刀切”执法")),
        Case(form: "self-check", field: "source", input: .text("１２３４５热线"), expected: .choice("12345热线")),
        // Yes/no.
        Case(field: "accountability", input: .text("是"), expected: .yesNo(true)),
        Case(field: "accountability", input: .text("否"), expected: .yesNo(false)),
        Case(field: "accountability", input: .text("Y"), expected: .yesNo(true)),
        Case(field: "accountability", input: .boolean(false), expected: .yesNo(false)),
        // Units.
        Case(form: "self-check", field: "unit", input: .text("沈阳市工业和信息化局"), expected: .unit("shenyang")),
        Case(form: "self-check", field: "unit", input: .text("沈阳市工信局"), expected: .unit("shenyang")),
        Case(form: "self-check", field: "unit", input: .text("葫芦岛"), expected: .unit("huludao")),
        Case(form: "self-check", field: "unit", input: .text("沈抚示范区产业创新局"), expected: .unit("shenfu")),
        // Periods.
        Case(form: "self-check", field: "period", input: .text("2024-06"), expected: .period(YearMonth(year: 2024, month: 6)!)),
        Case(form: "self-check", field: "period", input: .text("2024年6月"), expected: .period(YearMonth(year: 2024, month: 6)!)),
        Case(form: "self-check", field: "period", input: .text("2024年06月份"), expected: .period(YearMonth(year: 2024, month: 6)!)),
        Case(form: "self-check", field: "period", input: .text("6月"), expected: .period(YearMonth(year: 2024, month: 6)!)),
        Case(form: "self-check", field: "period", input: .number(202406), expected: .period(YearMonth(year: 2024, month: 6)!)),
        // Counts with full-width digits, spaces and measure words.
        Case(form: "progress", field: "resolved_problems_month", input: .text("３"), expected: .integer(3)),
        Case(form: "progress", field: "resolved_problems_month", input: .text(" 12 个"), expected: .integer(12)),
        Case(form: "progress", field: "resolved_problems_month", input: .number(0), expected: .integer(0)),
        Case(form: "progress", field: "resolved_problems_month", input: .text("1,024"), expected: .integer(1024)),
        // Text: trimmed, folded where the field says so.
        Case(field: "measures", input: .text("  建立台账，逐项整改。　"), expected: .text("建立台账，逐项整改。")),
        Case(field: "problem_id", input: .text("ＳＹ－２０２４－００１"), expected: .text("SY-2024-001")),
        Case(form: "self-check", field: "phone", input: .text("024-12345678"), expected: .text("024-12345678")),
        Case(form: "self-check", field: "phone", input: .number(13812345678), expected: .text("13812345678")),
        // Long answers keep their line breaks.
        Case(form: "summary", field: "work_overview", input: .text("第一段\r\n第二段"), expected: .text("第一段\n第二段")),
    ]

    @Test(arguments: accepted)
    func accepts(_ c: Case) {
        let outcome = Self.normaliser.normalise(c.input, as: Self.field(c.form, c.field), at: Self.here)
        #expect(outcome.findings.filter { $0.severity == .error }.isEmpty, "\(outcome.findings)")
        #expect(outcome.value == c.expected)
    }

    static let rejected: [Case] = [
        Case(field: "deadline", input: .text("2024-13-01"), code: .invalidDate),
        Case(field: "deadline", input: .text("2024-02-30"), code: .invalidDate),
        Case(field: "deadline", input: .text("下个月"), code: .invalidDate),
        Case(field: "deadline", input: .text("6/30"), code: .invalidDate),
        Case(field: "deadline", input: .text("2019-06-30"), code: .outOfRange),
        Case(field: "deadline", input: .boolean(true), code: .invalidDate),
        Case(field: "deadline", input: .number(60), code: .invalidDate),  // Excel's fictitious 1900-02-29
        Case(field: "status", input: .text("差不多了"), code: .unknownChoice),
        Case(form: "self-check", field: "situation", input: .text("执法很好"), code: .unknownChoice),
        Case(field: "accountability", input: .text("待定"), code: .invalidYesNo),
        Case(form: "self-check", field: "unit", input: .text("北京市工业和信息化局"), code: .unknownUnit),
        Case(form: "self-check", field: "period", input: .text("上个月"), code: .invalidPeriod),
        Case(form: "progress", field: "resolved_problems_month", input: .text("三个"), code: .invalidNumber),
        Case(form: "progress", field: "resolved_problems_month", input: .text("无"), code: .invalidNumber),
        Case(form: "progress", field: "resolved_problems_month", input: .number(2.5), code: .invalidNumber),
        Case(form: "progress", field: "resolved_problems_month", input: .number(-1), code: .outOfRange),
        Case(field: "problem_id", input: .text("SY 001"), code: .patternMismatch),
        Case(form: "self-check", field: "phone", input: .text("电话待补"), code: .patternMismatch),
        Case(form: "self-check", field: "description", input: .text(String(repeating: "问", count: 501)), code: .tooLong),
        Case(field: "measures", input: .error("#N/A"), code: .errorValue),
    ]

    @Test(arguments: rejected)
    func rejects(_ c: Case) throws {
        let outcome = Self.normaliser.normalise(c.input, as: Self.field(c.form, c.field), at: Self.here)
        #expect(outcome.value == nil)
        let finding = try #require(outcome.findings.first)
        #expect(finding.code == c.code)
        #expect(finding.severity == .error)
        #expect(finding.location == Self.here)
        #expect(!finding.message.isEmpty)
    }

    @Test func lineBreakInOneLineCellIsAWarningAndKeepsTheText() {
        let outcome = Self.normaliser.normalise(.text("第一行\n第二行"), as: Self.field("rectification", "measures"),
                                                at: Self.here)
        #expect(outcome.value == .text("第一行\n第二行"))
        #expect(outcome.findings.map(\.code) == [.lineBreak])
        #expect(outcome.findings.first?.severity == .warning)
    }

    @Test func dateWithoutYearNeedsAPeriod() {
        let noYear = Normaliser(formSet: Self.set, defaultYear: nil)
        #expect(noYear.parseDateText("6月30日") == nil)
        #expect(Normaliser(formSet: Self.set, defaultYear: 2025).parseDateText("6月30日")
            == CivilDate(year: 2025, month: 6, day: 30))
    }

    @Test func the1904DateSystem() {
        let n = Normaliser(formSet: Self.set, defaultYear: 2024, dateSystem: .system1904)
        #expect(n.parseDate(.number(44011)) == CivilDate(year: 2024, month: 6, day: 30))
    }
}

@Suite struct CivilDateTests {
    @Test func excelSerialsRoundTripAcrossTheFictitiousLeapDay() throws {
        for serial in [1, 59, 61, 366, 45473, 2_958_465] {
            let result = try #require(ExcelDateSystem.system1900.date(fromSerial: Double(serial)))
            #expect(ExcelDateSystem.system1900.serial(of: result.date) == serial)
        }
        #expect(ExcelDateSystem.system1900.date(fromSerial: 1)?.date == CivilDate(year: 1900, month: 1, day: 1))
        #expect(ExcelDateSystem.system1900.date(fromSerial: 61)?.date == CivilDate(year: 1900, month: 3, day: 1))
        #expect(ExcelDateSystem.system1900.date(fromSerial: 60)?.isFictitious == true)
        #expect(ExcelDateSystem.system1900.date(fromSerial: 45473.5)?.secondsIntoDay == 43_200)
        #expect(ExcelDateSystem.system1904.date(fromSerial: 0)?.date == CivilDate(year: 1904, month: 1, day: 1))
        #expect(ExcelDateSystem.system1900.date(fromSerial: -1) == nil)
        #expect(ExcelDateSystem.system1900.date(fromSerial: 3e6) == nil)
    }

    @Test func daysSinceEpochIsInvertible() {
        for days in stride(from: -719_162, through: 2_932_896, by: 997) {
            #expect(CivilDate(daysSinceEpoch: days)?.daysSinceEpoch == days)
        }
        #expect(CivilDate(daysSinceEpoch: -719_163) == nil)  // before 0001-01-01
        #expect(CivilDate(daysSinceEpoch: 2_932_897) == nil)  // after 9999-12-31
        #expect(CivilDate(year: 2024, month: 2, day: 29) != nil)
        #expect(CivilDate(year: 2023, month: 2, day: 29) == nil)
        #expect(CivilDate(year: 1900, month: 2, day: 29) == nil)
        #expect(CivilDate(year: 2000, month: 2, day: 29) != nil)
    }

    @Test func cellReferences() {
        #expect(CellReference.columnName(1) == "A")
        #expect(CellReference.columnName(26) == "Z")
        #expect(CellReference.columnName(27) == "AA")
        #expect(CellReference.columnName(16_384) == "XFD")
        #expect(CellReference.parse("XFD1048576")! == (1_048_576, 16_384))
        #expect(CellReference.parse("$C$5")! == (5, 3))
        #expect(CellReference.parse("XFE1") == nil)
        #expect(CellReference.parse("A1048577") == nil)
        #expect(CellReference.parse("A0") == nil)
        #expect(CellReference.parse("1A") == nil)
    }

    @Test func displayWidthCountsCJKAsTwo() {
        #expect(DisplayWidth.columns("整改时限") == 8)
        #expect(DisplayWidth.columns("SY-001") == 6)
        #expect(DisplayWidth.columns("（一）") == 6)
        #expect(DisplayWidth.columns("e\u{301}") == 1)
    }
}

@Suite struct ValueJSONTests {
    @Test func theFastEncoderWritesWhatJSONDecoderReads() throws {
        let values: [String: Value] = [
            "a": .text("引号\"反斜杠\\换行\n制表\t控制\u{1}"), "b": .integer(-42), "c": .decimal(1.5),
            "d": .date(CivilDate(year: 2024, month: 6, day: 30)!), "e": .period(YearMonth(year: 2024, month: 6)!),
            "f": .choice("已整改"), "g": .yesNo(true), "h": .unit("shenyang"), "i": .fixedText("长期坚持"),
        ]
        let text = Value.json(values)
        let decoded = try JSONDecoder().decode([String: Value].self, from: Data(text.utf8))
        #expect(decoded == values)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let reference = try JSONDecoder().decode([String: Value].self, from: encoder.encode(values))
        #expect(reference == decoded)
        #expect(Value.json([:]) == "{}")
    }
}
