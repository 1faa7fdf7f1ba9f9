import Foundation
import TaizhangCore

/// Writes ledger documents as .xlsx workbooks: templates with dropdowns, validations and instructions,
/// or data (see ``TemplateBuilder`` for the layout).
public struct XLSXExporter: LedgerExporter {
    /// The deflate level; `nil` for the measured default.
    public var compressionLevel: UInt32?

    public init(compressionLevel: UInt32? = nil) {
        self.compressionLevel = compressionLevel
    }

    public var format: FormatDescriptor { XLSXFormat.descriptor }

    public func export(_ document: LedgerDocument, to sink: any ByteSink) throws {
        let book = try TemplateBuilder(document: document).build()
        defer { book.removeTemporaryFiles() }
        let zipPath = book.temporaryDirectory + "/workbook.xlsx"
        try book.save(to: zipPath, compressionLevel: compressionLevel)
        try XLSXExporter.copy(file: zipPath, to: sink)
    }

    /// Streams a file into a sink in 64 KiB pieces.
    static func copy(file path: String, to sink: any ByteSink) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ExportError("无法读取临时文件“\(path)”")
        }
        defer { try? handle.close() }
        while true {
            let chunk = handle.readData(ofLength: 1 << 16)
            if chunk.isEmpty { break }
            try chunk.withUnsafeBytes { try sink.write($0) }
        }
    }
}
