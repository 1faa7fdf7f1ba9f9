import Testing
import TaizhangCore
import TaizhangForms
import TaizhangSamples

@Suite struct SampleLedgersTests {
    static let set = try! BuiltinForms.load()

    /// Cells as a clerk would have typed the values.
    static func cells(_ values: [String: Value], row: Int) -> [String: MappedCell] {
        values.mapValues { value in
            let cell: CellValue
            switch value {
            case .date(let d): cell = .date(d, secondsIntoDay: 0)
            case .integer(let n): cell = .number(Double(n))
            case .unit(let id): cell = .text(set.unit(id: id)!.name)
            default: cell = .text(value.displayText)
            }
            return MappedCell(value: cell, location: Location(sheet: "S", row: row, column: 1))
        }
    }

    @Test(arguments: ["self-check", "rectification", "progress", "summary"])
    func generatedLedgersAreValidAndDeterministic(_ id: String) throws {
        let form = try #require(Self.set.form(id))
        let unit = Self.set.units[3]
        let period = YearMonth(year: 2024, month: 7)!
        let samples = SampleLedgers(formSet: Self.set)
        let document = samples.document(form: form, unit: unit, period: period, rows: 40, seed: 1)
        #expect(samples.document(form: form, unit: unit, period: period, rows: 40, seed: 1).rows == document.rows)
        var input = LedgerInput(form: form, header: Self.cells(document.header, row: 1))
        for table in form.tables {
            input.tables[table.id] = (document.rows[table.id] ?? []).enumerated().map { i, record in
                MappedRow(location: Location(sheet: "S", row: i + 2), cells: Self.cells(record.values, row: i + 2))
            }
        }
        var references = ReferenceIndex()
        let selfCheck = samples.document(form: Self.set.form("self-check")!, unit: unit, period: period, rows: 40, seed: 1)
        LedgerChecker.referenceKeys(of: selfCheck, into: &references)
        let (normalised, report) = Validator(context: ValidationContext(formSet: Self.set, references: references))
            .validate(input)
        #expect(report.findings.isEmpty, "\(report.findings.prefix(3))")
        for table in form.tables {
            #expect(normalised.rows[table.id] == document.rows[table.id]?.map { Record(values: $0.values, source: nil) }
                .enumerated().map { i, r in Record(values: r.values, source: Location(sheet: "S", row: i + 2)) })
        }
        #expect(normalised.header == document.header)
    }
}
