import TaizhangCore

/// A workbook laid out the way a unit might make its own (for the demo): written once the XLSX writer lands.
enum HandmadeWorkbook {
    static func write(_ document: LedgerDocument, to path: String) throws {
        throw CommandFailure("XLSX writer not yet merged")
    }
}
