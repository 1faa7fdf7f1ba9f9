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
        let targets: [(path: String, table: String?)] = exporter.writesOneTablePerFile
            ? document.form.tables.map { (path("\(baseName)_\($0.title).\(ext)"), $0.id) }
            : [(path("\(baseName).\(ext)"), nil)]
        try LedgerOutput(document, exporter: exporter, targets: targets, protecting: []).write(rowsOf: document)
        return targets.map(\.path)
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
    convenience init(_ document: LedgerDocument, exporter: any LedgerExporter, path: String,
                     protecting inputs: [String]) throws {
        let tables = document.form.tables
        guard exporter.writesOneTablePerFile && tables.count > 1 else {
            try self.init(document, exporter: exporter, targets: [(path, nil)], protecting: inputs)
            return
        }
        let ext = (path as NSString).pathExtension.isEmpty ? exporter.format.fileExtensions[0] : (path as NSString).pathExtension
        let base = (path as NSString).deletingPathExtension
        try self.init(document, exporter: exporter,
                      targets: tables.map { ("\(base)_\(safeFileName($0.title)).\(ext)", $0.id) }, protecting: inputs)
    }

    /// Starts writing `document` to each target: the whole document, or (with a table id) that one table.
    init(_ document: LedgerDocument, exporter: any LedgerExporter, targets: [(path: String, table: String?)],
         protecting inputs: [String]) throws {
        for (path, table) in targets {
            let sink = try AtomicFileSink(path: path, protecting: inputs)
            let writer = try table.map { try exporter.streamWriter(for: document, table: $0, to: sink) }
                ?? exporter.streamWriter(for: document, to: sink)
            parts.append((sink, writer))
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

    /// Removes every temporary file now, leaving the targets as they were.
    func discard() {
        for part in parts { part.sink.discard() }
    }

    /// Finishes every file, then moves them all into place.
    func commit() throws {
        for part in parts { try part.writer.finish() }
        for part in parts { try part.sink.commit() }
    }
}

/// A ``LedgerOutput`` written on a thread of its own: records are handed over in batches through a bounded queue,
/// so checking a file's rows and writing them overlap, and what waits between the two stays small. The output
/// is used by the writing thread only, from the first record to ``commit()``. An error while writing is thrown
/// by the next ``row(table:record:)`` or by ``commit()``; dropped without a commit, the output leaves no file.
final class BackgroundLedgerOutput {
    /// What the two threads share.
    private final class Pipe: @unchecked Sendable {
        let output: LedgerOutput
        let condition = NSCondition()
        // Guarded by `condition`.
        var queue: [[(String, Record)]] = []
        var closed = false
        var done = false
        var failure: (any Error)?
        init(_ output: LedgerOutput) { self.output = output }

        /// The writing thread: writes batches until the queue is closed and empty; after a failure it only empties
        /// the queue.
        func drain() {
            while true {
                condition.lock()
                while queue.isEmpty && !closed { condition.wait() }
                if queue.isEmpty {
                    done = true
                    condition.broadcast()
                    condition.unlock()
                    return
                }
                let rows = queue.removeFirst()
                let stop = failure != nil
                condition.broadcast()
                condition.unlock()
                if stop { continue }
                do {
                    for (table, record) in rows { try output.row(table: table, record: record) }
                } catch {
                    condition.lock()
                    failure = error
                    condition.broadcast()
                    condition.unlock()
                }
            }
        }

        func send(_ rows: [(String, Record)], depth: Int) throws {
            condition.lock()
            defer { condition.unlock() }
            while queue.count >= depth && failure == nil { condition.wait() }
            if let failure { throw failure }
            queue.append(rows)
            condition.broadcast()
        }

        /// Closes the queue and waits for the writing thread to end; `cancel` makes it skip what is queued.
        func close(cancel: Bool) -> (any Error)? {
            condition.lock()
            defer { condition.unlock() }
            closed = true
            if cancel && failure == nil { failure = CancellationError() }
            condition.broadcast()
            while !done { condition.wait() }
            return failure
        }
    }

    private let pipe: Pipe
    private var batch: [(String, Record)] = []
    private let batchSize = 256
    private let depth = 4
    private var closed = false

    init(_ output: LedgerOutput) {
        let pipe = Pipe(output)
        self.pipe = pipe
        let thread = Thread { pipe.drain() }
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// The paths written.
    var paths: [String] { pipe.output.paths }

    /// Hands one record to the writing thread.
    func row(table: String, record: Record) throws {
        batch.append((table, record))
        if batch.count >= batchSize {
            try pipe.send(batch, depth: depth)
            batch.removeAll(keepingCapacity: true)
        }
    }

    /// Writes what is left, finishes every file and moves them into place.
    func commit() throws {
        if !batch.isEmpty {
            try pipe.send(batch, depth: depth)
            batch.removeAll()
        }
        closed = true
        if let failure = pipe.close(cancel: false) {
            pipe.output.discard()
            throw failure
        }
        do {
            try pipe.output.commit()
        } catch {
            pipe.output.discard()
            throw error
        }
    }

    deinit {
        // Dropped without a commit (an error elsewhere): the writing thread ends, then the temporary files go at
        // once (the thread's closure may hold the output a moment longer).
        if !closed {
            _ = pipe.close(cancel: true)
            pipe.output.discard()
        }
    }
}
