import Foundation
import TaizhangCore

/// One output seam: every file a use case writes goes through a registered exporter, ledger documents through
/// a `LedgerExporter` (one file, or one file per table where the format holds one table per file, as CSV does)
/// and official documents through a `DocumentExporter`. No use case branches on a format's name.
public enum OutputFormat: Sendable {
    /// A ledger format (xlsx, csv, json).
    case ledger(any LedgerExporter)
    /// An official-document format (memo text, Word).
    case document(any DocumentExporter)
}

extension Workflow {
    /// Every format a report can be written in, for messages: ledger formats, then document formats.
    public var outputFormatList: String {
        (registry.exporters.keys.sorted() + registry.documentExporters.keys.sorted()).joined(separator: "、")
    }

    /// The format with id `id`.
    public func outputFormat(_ id: String) throws -> OutputFormat {
        if let exporter = registry.exporter(id) { return .ledger(exporter) }
        if let exporter = registry.documentExporter(id) { return .document(exporter) }
        throw WorkflowError(.unknownFormat, subject: id, detail: outputFormatList)
    }

    /// The formats named in `ids`, all checked before anything is written.
    public func outputFormats(_ ids: [String]) throws -> [OutputFormat] {
        try ids.map { try outputFormat($0.trimmingCharacters(in: .whitespaces)) }
    }

    /// The ledger exporter with id `id`.
    public func ledgerExporter(_ id: String) throws -> any LedgerExporter {
        guard let exporter = registry.exporter(id) else {
            throw WorkflowError(.unknownFormat, subject: id, detail: registry.exporters.keys.sorted().joined(separator: "、"))
        }
        return exporter
    }

    /// Writes `document` with `exporter` in `directory` as `baseName.ext`, or as `baseName_表名.ext` per table
    /// when the format holds one table per file. Returns the paths written.
    func write(_ document: LedgerDocument, with exporter: any LedgerExporter, directory: String,
               baseName: String) throws -> [String] {
        let ext = exporter.format.fileExtensions[0]
        func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }
        guard exporter.writesOneTablePerFile else {
            let file = path("\(baseName).\(ext)")
            try AtomicFileSink.write(file) { try exporter.export(document, to: $0) }
            return [file]
        }
        var written: [String] = []
        for table in document.form.tables {
            let file = path("\(baseName)_\(table.title).\(ext)")
            try AtomicFileSink.write(file) { try exporter.export(document, table: table.id, to: $0) }
            written.append(file)
        }
        return written
    }

    /// Writes an official document with `exporter` to `path`.
    func write(_ document: OfficialDocument, with exporter: any DocumentExporter, to path: String) throws {
        try AtomicFileSink.write(path) { try exporter.export(document, to: $0) }
    }

    /// The bytes of an official document in the first registered document format (a package's cover letter).
    func documentBytes(_ document: OfficialDocument, format: String) throws -> (bytes: [UInt8], ext: String) {
        guard let exporter = registry.documentExporter(format) else {
            throw WorkflowError(.unknownFormat, subject: format, detail: registry.documentExporters.keys.sorted().joined(separator: "、"))
        }
        let sink = MemorySink()
        try exporter.export(document, to: sink)
        return (sink.bytes, exporter.format.fileExtensions[0])
    }
}

/// The file (or, for a format of one table per file, the files) one ledger is exported to, written as its rows
/// come: each through an ``AtomicFileSink``, all committed together by ``commit()``; dropped before that, it
/// leaves no file.
final class LedgerOutput {
    private var parts: [(sink: AtomicFileSink, writer: any LedgerStreamWriter)] = []

    /// Starts writing `document` (its header; rows are given with ``row(table:record:)``) to `path`, or, when
    /// `exporter` holds one table per file and the form has several, to `path` with `_表名` before its extension
    /// for each table.
    init(_ document: LedgerDocument, exporter: any LedgerExporter, path: String, protecting inputs: [String]) throws {
        let tables = document.form.tables
        guard exporter.writesOneTablePerFile && tables.count > 1 else {
            let sink = try AtomicFileSink(path: path, protecting: inputs)
            parts = [(sink, try exporter.streamWriter(for: document, to: sink))]
            return
        }
        let ext = (path as NSString).pathExtension.isEmpty ? exporter.format.fileExtensions[0] : (path as NSString).pathExtension
        let base = (path as NSString).deletingPathExtension
        for table in tables {
            let sink = try AtomicFileSink(path: "\(base)_\(safeFileName(table.title)).\(ext)", protecting: inputs)
            parts.append((sink, try exporter.streamWriter(for: document, table: table.id, to: sink)))
        }
    }

    /// The paths written.
    var paths: [String] { parts.map(\.sink.target.path) }

    /// Writes one record.
    func row(table: String, record: Record) throws {
        for part in parts { try part.writer.row(table: table, record: record) }
    }

    /// Gives every row of `document`, then commits.
    func write(rowsOf document: LedgerDocument) throws {
        for table in document.form.tables {
            for record in document.rows[table.id] ?? [] { try row(table: table.id, record: record) }
        }
        try commit()
    }

    /// Finishes every file, then moves them all into place.
    func commit() throws {
        for part in parts { try part.writer.finish() }
        for part in parts { try part.sink.commit() }
    }
}
