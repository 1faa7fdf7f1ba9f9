import TaizhangCore

/// Writes one table of a ledger document as a CSV file (RFC 4180) that Chinese Excel and WPS open correctly.
///
/// - The header fields that have values come first, one record each: label, value (`填报单位,沈阳市工业和信息化局`),
///   as a unit's own ledger has them above the table — so unit, period and the statistics block survive a round
///   trip. ``Options/headerFields`` turns this off for a bare table.
/// - Then the table's Chinese column labels, in form order.
/// - One record per row of the table; values are written by ``Value/displayText`` (dates `2024-06-30`,
///   months `2024-06`, 是/否), except units, which are written by their full name.
/// - Default encoding: UTF-8 with a byte order mark and CRLF line ends: Excel on zh-CN Windows reads a CSV
///   without a BOM as GBK, and shows UTF-8 without one as mojibake. ``Options/Encoding/gb18030`` writes
///   GB18030 (no BOM) for older tools; a character GB18030 cannot hold is an ``ExportError``, never a `?`.
/// - Fields holding a comma, a double quote, CR or LF are quoted, with quotes doubled.
///
/// **Formula injection.** A text cell that begins with `=`, `+`, `-`, `@`, a tab or a CR would be run as a
/// formula (or a DDE command) by a spreadsheet that opens the file. Such a cell is written with a leading
/// apostrophe (`'=1+2`), the neutralisation OWASP recommends: Excel and WPS then show the text. Numbers of
/// integer and decimal fields (`-3`) are left alone: a bare number is never a formula. The apostrophe is part
/// of the written text: ``CSVImporter`` gives it back unchanged (it cannot know whether a unit typed it);
/// removing it is for the normaliser, which knows the field.
public struct CSVExporter: LedgerExporter {
    /// How the file is written.
    public struct Options: Sendable, Hashable {
        /// The character encoding.
        public enum Encoding: String, Sendable, Hashable {
            /// UTF-8 (with a BOM when ``Options/byteOrderMark`` is set).
            case utf8
            /// GB18030, what Excel on zh-CN Windows reads a CSV without a BOM as. Never with a BOM.
            case gb18030
        }

        /// The encoding; UTF-8 by default.
        public var encoding: Encoding
        /// Whether a UTF-8 file starts with a byte order mark (EF BB BF). On by default.
        public var byteOrderMark: Bool
        /// Whether records end with CRLF (the default, RFC 4180) rather than LF.
        public var crlf: Bool
        /// The table to write; the form's first table when `nil`.
        public var table: String?
        /// Whether the header fields (填报单位, 报送期 …) are written above the table. On by default.
        public var headerFields: Bool

        public init(encoding: Encoding = .utf8, byteOrderMark: Bool = true, crlf: Bool = true, table: String? = nil,
                    headerFields: Bool = true) {
            self.encoding = encoding
            self.byteOrderMark = byteOrderMark
            self.crlf = crlf
            self.table = table
            self.headerFields = headerFields
        }
    }

    /// The options.
    public var options: Options

    public init(options: Options = Options()) {
        self.options = options
    }

    /// An exporter with the given encoding (and table), other options at their defaults.
    public init(encoding: Options.Encoding, table: String? = nil) {
        self.options = Options(encoding: encoding, table: table)
    }

    public var format: FormatDescriptor { CSVFormat.descriptor }

    /// CSV holds one table per file.
    public var writesOneTablePerFile: Bool { true }

    /// UTF-8 (with a BOM) or GB18030.
    public var encodings: [String] { [Options.Encoding.utf8.rawValue, Options.Encoding.gb18030.rawValue] }

    public func encoded(_ encoding: String) -> (any LedgerExporter)? {
        let normalised = encoding.lowercased().replacingOccurrences(of: "-", with: "")
        guard let chosen = Options.Encoding(rawValue: normalised == "gbk" ? "gb18030" : normalised) else { return nil }
        var copy = self
        copy.options.encoding = chosen
        return copy
    }

    /// Writes one table (with the header fields above it), the other options as they are.
    public func export(_ document: LedgerDocument, table: String, to sink: any ByteSink) throws {
        try streamWriter(for: document, table: table, to: sink).write(rowsOf: document)
    }

    public func export(_ document: LedgerDocument, to sink: any ByteSink) throws {
        try streamWriter(for: document, to: sink).write(rowsOf: document)
    }

    /// Writes the chosen table (``Options/table``, or the form's first) as its rows come; the rows of other tables
    /// are not written.
    public func streamWriter(for document: LedgerDocument, to sink: any ByteSink) throws -> any LedgerStreamWriter {
        try CSVStreamWriter(document: document, options: options, sink: sink)
    }

    /// Writes `table` as its rows come, the other options as they are.
    public func streamWriter(for document: LedgerDocument, table: String,
                             to sink: any ByteSink) throws -> any LedgerStreamWriter {
        var options = self.options
        options.table = table
        return try CSVStreamWriter(document: document, options: options, sink: sink)
    }

    /// The CSV text (without BOM or encoding) of the chosen table.
    public func csvText(_ document: LedgerDocument) throws -> String {
        var plain = options
        plain.encoding = .utf8
        plain.byteOrderMark = false
        let sink = MemorySink()
        try CSVExporter(options: plain).export(document, to: sink)
        return String(decoding: sink.bytes, as: UTF8.self)
    }

    /// The text a value is written as, neutralised against formula injection when it is text.
    static func cellText(_ value: Value, formSet: FormSet) -> String {
        switch value {
        case .integer, .decimal:
            return value.displayText
        case .unit(let id):
            return neutralised(formSet.unit(id: id)?.name ?? id)
        default:
            return neutralised(value.displayText)
        }
    }

    /// `text` with a leading apostrophe when it begins with a character a spreadsheet treats as a formula.
    public static func neutralised(_ text: String) -> String {
        guard let first = text.unicodeScalars.first else { return text }
        switch first {
        case "=", "+", "-", "@", "\t", "\r":
            return "'" + text
        default:
            return text
        }
    }

    /// One field, quoted when it must be (RFC 4180).
    public static func field(_ text: String) -> String {
        let needsQuotes = text.unicodeScalars.contains { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" }
        guard needsQuotes else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// `text` in `encoding` (an iconv name); a character the encoding cannot hold is an error naming it and its
    /// line (`text` starts after `linesBefore` lines of the file).
    /// (The C library's GB18030 maps every Unicode scalar, so for it this is a safeguard.)
    static func encoded(_ text: String, as encoding: String, linesBefore: Int = 0) throws -> [UInt8] {
        let utf8 = Array(text.utf8)
        do {
            return try Iconv.convert(utf8, from: "UTF-8", to: encoding)
        } catch let failure as Iconv.Failure {
            // Find the character at the failing offset, and the record it is in.
            let prefix = String(decoding: utf8[..<min(failure.offset, utf8.count)], as: UTF8.self)
            let rest = String(decoding: utf8[min(failure.offset, utf8.count)...], as: UTF8.self)
            let record = prefix.reduce(linesBefore + 1) { $1 == "\r\n" || $1 == "\n" ? $0 + 1 : $0 }
            if let scalar = rest.unicodeScalars.first {
                let hex = String(scalar.value, radix: 16, uppercase: true)
                throw ExportError("第 \(record) 行含有无法用 \(encoding) 编码的字符“\(scalar)”（U+\(hex)），请改用 UTF-8 导出")
            }
            throw ExportError("第 \(record) 行无法用 \(encoding) 编码，请改用 UTF-8 导出")
        }
    }
}

/// One table of a ledger written as CSV as its rows come (``CSVExporter``): the header fields and column labels
/// first, then each row; the text goes to the sink in pieces of about 64 KiB, each ending at a line's end (GB18030
/// is converted piece by piece).
final class CSVStreamWriter: LedgerStreamWriter {
    private let table: FormTable
    private let formSet: FormSet
    private let options: CSVExporter.Options
    private let sink: any ByteSink
    private let newline: String
    /// Text not yet written.
    private var pending = ""
    /// The line ends written so far (for the line an encoding error names).
    private var linesWritten = 0
    private var finished = false
    private static let pieceBytes = 1 << 16

    init(document: LedgerDocument, options: CSVExporter.Options, sink: any ByteSink) throws {
        guard let table = options.table.map({ document.form.table($0) }) ?? document.form.tables.first else {
            if let id = options.table {
                throw ExportError("表单“\(document.form.shortTitle)”没有编号为“\(id)”的表格")
            }
            throw ExportError("表单“\(document.form.shortTitle)”没有表格，无法导出为 CSV")
        }
        self.table = table
        formSet = document.formSet
        self.options = options
        self.sink = sink
        newline = options.crlf ? "\r\n" : "\n"
        if options.encoding == .utf8 && options.byteOrderMark { try sink.write([0xEF, 0xBB, 0xBF]) }
        if options.headerFields {
            for field in document.form.header {
                guard let value = document.header[field.key] else { continue }
                pending += CSVExporter.field(field.label) + ","
                    + CSVExporter.field(CSVExporter.cellText(value, formSet: formSet)) + newline
            }
        }
        pending += table.columns.map { CSVExporter.field($0.label) }.joined(separator: ",") + newline
    }

    func row(table id: String, record: Record) throws {
        guard id == table.id else { return }
        var first = true
        for column in table.columns {
            if !first { pending += "," }
            first = false
            if let value = record[column.key] {
                pending += CSVExporter.field(CSVExporter.cellText(value, formSet: formSet))
            }
        }
        pending += newline
        if pending.utf8.count >= CSVStreamWriter.pieceBytes { try flush() }
    }

    func finish() throws {
        guard !finished else { return }
        finished = true
        try flush()
    }

    private func flush() throws {
        guard !pending.isEmpty else { return }
        switch options.encoding {
        case .utf8:
            try sink.write(pending)
        case .gb18030:
            try sink.write(try CSVExporter.encoded(pending, as: "GB18030", linesBefore: linesWritten))
            // A line end is "\n" or "\r\n": one LF byte each.
            linesWritten += pending.utf8.reduce(0) { $1 == 0x0A ? $0 + 1 : $0 }
        }
        pending.removeAll(keepingCapacity: true)
    }
}
