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
        try streamWriter(for: document, to: sink).write(rowsOf: document)
    }

    /// Each table's sheet is written as its rows come, after its first ``TemplateBuilder/widthSampleRows`` rows
    /// (which the column widths are fitted to); the workbook is packaged at ``LedgerStreamWriter/finish()``.
    public func streamWriter(for document: LedgerDocument, to sink: any ByteSink) throws -> any LedgerStreamWriter {
        var header = document
        header.rows = [:]
        return try XLSXStreamWriter(builder: TemplateBuilder(document: header), compressionLevel: compressionLevel,
                                    sink: sink)
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

/// The workbook of ``XLSXExporter`` written as the rows come: a table's first rows are kept until its column
/// widths can be fitted to them (``TemplateBuilder/widthSampleRows``), then every row goes to the sheet's
/// temporary file as it is given.
final class XLSXStreamWriter: LedgerStreamWriter {
    private let session: TemplateBuilder.Session
    private let tables: [FormTable]
    private let compressionLevel: UInt32?
    private let sink: any ByteSink
    /// The form's table the rows are for, by its index; `nil` before the first row.
    private var current: Int?
    /// Its sheet, once its widths are fitted.
    private var sheet: TemplateBuilder.TableSheet?
    /// Its first rows (with what an annotated return marks in them), until they are enough to fit the widths to.
    private var sample: [(record: Record, annotations: [TemplateBuilder.Annotation]?, extra: [String: String]?)] = []
    private var finished = false
    /// The workbook's title, when not the form's (an annotated return's).
    var title: String?

    init(builder: TemplateBuilder, compressionLevel: UInt32?, sink: any ByteSink) throws {
        session = try TemplateBuilder.Session(builder)
        tables = builder.document.form.tables
        self.compressionLevel = compressionLevel
        self.sink = sink
    }

    func row(table: String, record: Record) throws {
        try row(table: table, record: record, annotations: nil, extra: nil)
    }

    /// The next row of `table`, with the findings about its cells and the texts of the columns the unit added
    /// (an annotated return; `nil` for a plain workbook).
    func row(table: String, record: Record, annotations: [TemplateBuilder.Annotation]?, extra: [String: String]?) throws {
        if let current, tables[current].id == table {
            // The common case: the next row of the same table.
        } else {
            guard let index = tables.firstIndex(where: { $0.id == table }) else { return }
            if let current, index < current {
                throw ExportError("表格“\(tables[index].title)”的行须按表单中表格的顺序成组给出")
            }
            try endTable()
            // Tables without rows between the last one and this one.
            for skipped in (current.map { $0 + 1 } ?? 0)..<index { try session.startTable(tables[skipped], sample: []).end() }
            current = index
        }
        if let sheet {
            try add(record, annotations: annotations, extra: extra, to: sheet)
            return
        }
        sample.append((record, annotations, extra))
        if sample.count >= TemplateBuilder.widthSampleRows { try startTable() }
    }

    private func add(_ record: Record, annotations: [TemplateBuilder.Annotation]?, extra: [String: String]?,
                     to sheet: TemplateBuilder.TableSheet) throws {
        if let annotations {
            try sheet.add(record, annotations: annotations, extraRow: extra)
        } else {
            try sheet.add(record)
        }
    }

    /// Lays the current table's sheet out from the rows kept, and writes them.
    private func startTable() throws {
        guard let current else { return }
        let started = try session.startTable(tables[current], sample: sample.map(\.record))
        for row in sample { try add(row.record, annotations: row.annotations, extra: row.extra, to: started) }
        sample = []
        sheet = started
    }

    private func endTable() throws {
        if sheet == nil { try startTable() }
        try sheet?.end()
        sheet = nil
    }

    func finish() throws {
        guard !finished else { return }
        finished = true
        try endTable()
        let book = try session.finish()
        defer { book.removeTemporaryFiles() }
        if let title { book.properties.title = title }
        let zipPath = book.temporaryDirectory + "/workbook.xlsx"
        try book.save(to: zipPath, compressionLevel: compressionLevel)
        try XLSXExporter.copy(file: zipPath, to: sink)
    }
}
