import TaizhangCSV
import TaizhangCore

/// CSV holds one table per file: the report writer picks the table.
enum TaizhangCSVBridge {
    static func export(_ document: LedgerDocument, table: String, to sink: any ByteSink) throws {
        try CSVExporter(options: .init(table: table)).export(document, to: sink)
    }
}
