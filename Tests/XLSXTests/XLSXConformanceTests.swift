import Testing
import TaizhangCore
import TaizhangForms
import TaizhangPluginTesting
import TaizhangXLSX

/// The plugin conformance suite, run against the XLSX exporter.
@Suite struct XLSXConformanceTests {
    @Test func exporterConforms() throws {
        try ExporterConformance.run(XLSXExporter(), formSet: try BuiltinForms.load())
    }
}

@Suite struct XLSXRoundTripTests {
    @Test func importerConforms() throws {
        try ImporterConformance.run(XLSXImporter())
    }

    /// Every form, written by the exporter (a filled template) and read back by the importer: every value of
    /// every table and every header field comes back, recognised from the template's own properties.
    @Test func roundTripLosesNothing() throws {
        try RoundTripConformance.run(exporter: XLSXExporter(), importer: XLSXImporter(), formSet: try BuiltinForms.load(),
                                     rows: 60)
    }
}
