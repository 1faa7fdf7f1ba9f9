import Testing
import TaizhangCore
import TaizhangCSV
import TaizhangForms
import TaizhangPluginTesting

/// The plugin conformance suite, run against the CSV plugin.
@Suite struct CSVConformanceTests {
    static let set = try! BuiltinForms.load()

    @Test func exporterConforms() throws {
        try ExporterConformance.run(CSVExporter(), formSet: Self.set)
        try ExporterConformance.run(CSVExporter(encoding: .gb18030), formSet: Self.set)
        try ExporterConformance.run(JSONLedgerExporter(), formSet: Self.set)
    }

    @Test func importerConforms() throws {
        try ImporterConformance.run(CSVImporter())
    }

    @Test(arguments: [CSVExporter.Options.Encoding.utf8, .gb18030])
    func roundTripLosesNothing(_ encoding: CSVExporter.Options.Encoding) throws {
        // One CSV file holds one table, with the header fields above it.
        try RoundTripConformance.run(exporter: CSVExporter(encoding: encoding), importer: CSVImporter(), formSet: Self.set,
                                     rows: 40, firstTableOnly: true)
    }
}

@Suite struct CSVInjectionRoundTripTests {
    @Test func neutralisedFormulasComeBackAsTheTextTheUnitTyped() throws {
        let set = CSVConformanceTests.set
        let form = set.form("rectification")!
        var document = LedgerDocument(form: form, formSet: set, unit: set.units[0], period: YearMonth(year: 2024, month: 6)!)
        let texts = ["=1+2", "+86 024", "-扣分项", "@某单位", "普通文本"]
        document.rows["main"] = texts.enumerated().map { i, t in
            Record(values: ["problem_id": .text("SY-\(i)"), "measures": .text(t)])
        }
        let sink = MemorySink()
        try CSVExporter().export(document, to: sink)
        let csv = String(decoding: sink.bytes.dropFirst(3), as: UTF8.self)
        #expect(csv.contains("'=1+2"))
        #expect(!csv.contains(",=1+2"))
        let grid = CSVTextGrid.parse(csv)
        let source = InMemorySheetSource(sheets: [(name: "t", grid: grid)])
        let checked = try LedgerChecker(formSet: set).check(source, fileName: "t.csv", hints: .init(form: form))
        #expect(checked.document.rows["main"]?.map { $0["measures"] } == texts.map { Value.text($0) })
    }
}

/// A minimal CSV splitter for this test (no quoted fields in its data).
enum CSVTextGrid {
    static func parse(_ text: String) -> [[CellValue]] {
        text.split(separator: "\r\n", omittingEmptySubsequences: false).map { line in
            line.split(separator: ",", omittingEmptySubsequences: false).map { $0.isEmpty ? .empty : .text(String($0)) }
        }
    }
}
