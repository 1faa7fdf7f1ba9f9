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
