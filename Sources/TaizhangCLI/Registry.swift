import TaizhangCSV
import TaizhangCore
import TaizhangMemo
import TaizhangXLSX

/// The plugins the command uses. A new format is a new folder under Plugins/ and one line here.
enum Registry {
    static func standard() -> PluginRegistry {
        PluginRegistry(
            exporters: [XLSXExporter(), CSVExporter(), JSONLedgerExporter()],
            importers: [XLSXImporter(), CSVImporter()])
    }
}
