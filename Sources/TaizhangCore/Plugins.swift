/// Describes a file-format plugin: its id on the command line and the file names it goes with.
public struct FormatDescriptor: Hashable, Sendable, Codable {
    /// The id used by `--to` and in the registry (`xlsx`, `csv`, `memo`).
    public var id: String
    /// A Chinese name for messages (Excel 工作簿).
    public var name: String
    /// File extensions without the dot, the preferred one first.
    public var fileExtensions: [String]
    /// Whether the format is text a person or a program can read on standard output (JSON, a memo), not a binary
    /// file (a workbook).
    public var isText: Bool

    public init(id: String, name: String, fileExtensions: [String], isText: Bool = false) {
        self.id = id
        self.name = name
        self.fileExtensions = fileExtensions
        self.isText = isText
    }
}

/// Where an exporter writes its bytes. The command gives a sink that writes a file atomically;
/// tests give a ``MemorySink``.
public protocol ByteSink: AnyObject {
    /// Appends bytes.
    func write(_ bytes: UnsafeRawBufferPointer) throws
}

extension ByteSink {
    /// Appends the bytes of an array.
    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    /// Appends a string as UTF-8.
    public func write(_ string: String) throws {
        var copy = string
        try copy.withUTF8 { try write(UnsafeRawBufferPointer($0)) }
    }
}

/// A sink that keeps the bytes in memory.
public final class MemorySink: ByteSink {
    /// Everything written so far.
    public private(set) var bytes: [UInt8] = []
    public init() {}
    public func write(_ bytes: UnsafeRawBufferPointer) throws { self.bytes.append(contentsOf: bytes) }
}

/// A plugin that writes ledger documents in one format (xlsx, csv, json).
public protocol LedgerExporter: Sendable {
    /// The format.
    var format: FormatDescriptor { get }
    /// Writes `document` to `sink`. Throws ``ExportError`` for what the format cannot hold.
    func export(_ document: LedgerDocument, to sink: any ByteSink) throws
    /// Whether the format holds one table per file (CSV): a document of several tables is then written as one
    /// file per table with ``export(_:table:to:)``.
    var writesOneTablePerFile: Bool { get }
    /// Writes one table of `document` (its header fields with it, as the format holds them).
    func export(_ document: LedgerDocument, table: String, to sink: any ByteSink) throws
    /// The character encodings a text format can be written in (`utf8`, `gb18030`); empty for a format that has
    /// no choice (a workbook).
    var encodings: [String] { get }
    /// This exporter writing in `encoding` (one of ``encodings``); `nil` for an encoding it cannot write.
    func encoded(_ encoding: String) -> (any LedgerExporter)?
    /// A writer that writes `document` to `sink` with its rows given one at a time (``LedgerStreamWriter``), for an
    /// export that writes while it reads. `document` gives the form, unit, period and header values; its rows, if
    /// it has any, are not written. What the format decides from all the rows is decided from the form, or from
    /// the first rows before they are written; the output is what ``export(_:to:)`` writes for the same rows.
    /// The default keeps the rows and exports the whole document at ``LedgerStreamWriter/finish()``.
    func streamWriter(for document: LedgerDocument, to sink: any ByteSink) throws -> any LedgerStreamWriter
    /// The same for one table of a format that holds one table per file (``writesOneTablePerFile``): what
    /// ``export(_:table:to:)`` writes. Rows of other tables given to it are not written.
    func streamWriter(for document: LedgerDocument, table: String, to sink: any ByteSink) throws -> any LedgerStreamWriter
}

/// Writes a ledger document whose rows are given one at a time, as they are read and validated; made by
/// ``LedgerExporter/streamWriter(for:to:)`` from the document's header.
///
/// Rows come grouped by table, the tables in the form's order; a table may get no rows, and a writer writes it
/// as it writes a table without rows. Rows under a table id the form does not have are not written.
/// A writer dropped before ``finish()`` (the read failed) has written an incomplete file: the caller discards it.
public protocol LedgerStreamWriter: AnyObject {
    /// Writes one record of table `table` (its id).
    func row(table: String, record: Record) throws
    /// Writes what follows the last row and completes the file. Nothing is written to the sink after it.
    func finish() throws
}

extension LedgerStreamWriter {
    /// Gives every row of `document` (its tables in the form's order), then finishes: how an exporter writes a
    /// whole document through its stream writer, so that there is one way of writing per format.
    public func write(rowsOf document: LedgerDocument) throws {
        for table in document.form.tables {
            for record in document.rows[table.id] ?? [] { try row(table: table.id, record: record) }
        }
        try finish()
    }
}

/// The stream writer of an exporter that writes whole documents only: it keeps the rows, and writes the document
/// at ``finish()`` (memory grows with the rows).
public final class BufferedLedgerStreamWriter: LedgerStreamWriter {
    private var document: LedgerDocument
    private let write: (LedgerDocument) throws -> Void

    /// A writer that keeps rows in `document` (its own rows dropped) and hands it to `write` at the end.
    public init(document: LedgerDocument, write: @escaping (LedgerDocument) throws -> Void) {
        self.document = document
        self.document.rows = [:]
        self.write = write
    }

    public func row(table: String, record: Record) throws {
        document.rows[table, default: []].append(record)
    }

    public func finish() throws {
        try write(document)
        document.rows = [:]
    }
}

extension LedgerExporter {
    /// Formats hold every table of a document in one file unless they say otherwise.
    public var writesOneTablePerFile: Bool { false }

    /// No choice of encoding unless the format offers one.
    public var encodings: [String] { [] }
    public func encoded(_ encoding: String) -> (any LedgerExporter)? { nil }

    /// The document with only `table`, written as a whole.
    public func export(_ document: LedgerDocument, table: String, to sink: any ByteSink) throws {
        var only = document
        only.form.tables = document.form.tables.filter { $0.id == table }
        only.rows = document.rows.filter { $0.key == table }
        try export(only, to: sink)
    }

    /// Keeps the rows and exports the whole document at the end.
    public func streamWriter(for document: LedgerDocument, to sink: any ByteSink) throws -> any LedgerStreamWriter {
        BufferedLedgerStreamWriter(document: document) { try export($0, to: sink) }
    }

    /// Keeps the rows and exports the whole table at the end.
    public func streamWriter(for document: LedgerDocument, table: String,
                             to sink: any ByteSink) throws -> any LedgerStreamWriter {
        BufferedLedgerStreamWriter(document: document) { try export($0, table: table, to: sink) }
    }
}

/// A plugin that writes official documents (公文: reports, notices, cover letters) in one format.
public protocol DocumentExporter: Sendable {
    /// The format.
    var format: FormatDescriptor { get }
    /// Writes `document` to `sink`.
    func export(_ document: OfficialDocument, to sink: any ByteSink) throws
}

/// Why an export failed, in Chinese.
public struct ExportError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The file an importer is asked to read.
public struct ImportSource: Sendable {
    /// The file's path on disk.
    public var path: String
    /// The name shown in messages (the name the unit sent it under).
    public var displayName: String

    public init(path: String, displayName: String? = nil) {
        self.path = path
        self.displayName = displayName ?? String(path.split(separator: "/").last ?? Substring(path))
    }
}

/// Caps that keep a hostile file from exhausting memory or time.
public struct ImportLimits: Sendable {
    /// The most bytes one decompressed part (or a CSV file) may have.
    public var maxPartBytes: Int
    /// The most decompressed bytes of all parts together.
    public var maxTotalBytes: Int
    /// The most rows per sheet.
    public var maxRows: Int

    public init(maxPartBytes: Int = 512 << 20, maxTotalBytes: Int = 1 << 30, maxRows: Int = 1_048_576) {
        self.maxPartBytes = maxPartBytes
        self.maxTotalBytes = maxTotalBytes
        self.maxRows = maxRows
    }

    /// The defaults.
    public static let standard = ImportLimits()
}

/// A plugin that reads returned files of one format.
public protocol Importer: Sendable {
    /// The format.
    var format: FormatDescriptor { get }
    /// Whether this importer reads the file, judged from its first bytes (at least 8 when the file has them)
    /// and its name.
    func recognises(prefix: [UInt8], fileName: String) -> Bool
    /// Opens the file. Throws ``ImportError`` for anything unreadable or hostile.
    func open(_ source: ImportSource, limits: ImportLimits) throws -> any SheetSource
    /// The extensions of the files this importer answers for, those it refuses with an explanation included
    /// (a folder is searched for these).
    var fileExtensions: [String] { get }
}

extension Importer {
    /// The format's own extensions.
    public var fileExtensions: [String] { format.fileExtensions }
}

/// Why a file was refused, in Chinese, naming the file and (where there is one) the place in it.
public struct ImportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Broad reasons, stable for programs.
    public enum Reason: String, Sendable, Hashable, Codable {
        case unreadable
        case notSpreadsheet = "not-spreadsheet"
        case truncated
        case encrypted
        case legacyFormat = "legacy-format"
        case tooLarge = "too-large"
        case unsafeContent = "unsafe-content"
        case malformed
        case unsupported
    }

    /// The reason.
    public var reason: Reason
    /// The file's display name.
    public var file: String
    /// What is wrong, in Chinese.
    public var detail: String
    /// The part or cell, where there is one (`xl/worksheets/sheet1.xml`, `Sheet1!B7`).
    public var place: String?

    public init(_ reason: Reason, file: String, detail: String, place: String? = nil) {
        self.reason = reason
        self.file = file
        self.detail = detail
        self.place = place
    }

    /// An error reported by a lower layer under a coded reason (an archive's `not-zip`, `too-large`, …): the codes
    /// that name a reason keep it, a file that is no archive is no spreadsheet, anything else is malformed.
    public init(code: String, file: String, detail: String, place: String? = nil) {
        let reason = Reason(rawValue: code) ?? (code == "not-zip" ? .notSpreadsheet : .malformed)
        self.init(reason, file: file, detail: detail, place: place)
    }

    /// One line, safe to print (the file name and place come from the sender).
    public var description: String {
        if let place { return TextSafety.printable("无法读取文件“\(file)”（\(place)）：\(detail)") }
        return TextSafety.printable("无法读取文件“\(file)”：\(detail)")
    }
}

/// The plugins a run of Taizhang may use. The command builds one; tests build their own. No global state.
public struct PluginRegistry: Sendable {
    /// Ledger exporters by format id.
    public private(set) var exporters: [String: any LedgerExporter] = [:]
    /// Importers, asked in order.
    public private(set) var importers: [any Importer] = []
    /// Official-document exporters by format id.
    public private(set) var documentExporters: [String: any DocumentExporter] = [:]

    public init(exporters: [any LedgerExporter] = [], importers: [any Importer] = [],
                documentExporters: [any DocumentExporter] = []) {
        for exporter in exporters { register(exporter) }
        for importer in importers { register(importer) }
        for exporter in documentExporters { register(exporter) }
    }

    /// Adds (or replaces) an official-document exporter.
    public mutating func register(_ exporter: any DocumentExporter) {
        documentExporters[exporter.format.id] = exporter
    }

    /// The official-document exporter for a format id.
    public func documentExporter(_ id: String) -> (any DocumentExporter)? { documentExporters[id] }

    /// Adds (or replaces) an exporter.
    public mutating func register(_ exporter: any LedgerExporter) {
        exporters[exporter.format.id] = exporter
    }

    /// Adds an importer.
    public mutating func register(_ importer: any Importer) {
        importers.append(importer)
    }

    /// The exporter for a format id.
    public func exporter(_ id: String) -> (any LedgerExporter)? { exporters[id] }

    /// The importer that recognises a file, by its first bytes and name.
    public func importer(prefix: [UInt8], fileName: String) -> (any Importer)? {
        importers.first { $0.recognises(prefix: prefix, fileName: fileName) }
    }
}
