import Foundation
import TaizhangCore

/// Reads a CSV file a unit sent instead of a workbook.
///
/// - Encoding: a UTF-8 BOM is stripped; text that is valid UTF-8 is read as UTF-8, anything else as GB18030
///   (what Excel on zh-CN Windows saves as “CSV (逗号分隔)”), converted strictly with iconv. A GB18030 BOM is
///   stripped too. UTF-16 (Excel's “Unicode 文本”) is refused with a hint.
/// - Syntax: RFC 4180 as spreadsheets write it: the separator is the comma only (a semicolon is never assumed);
///   fields may be quoted, quoted fields may hold commas, line breaks and doubled quotes; records end with
///   CRLF, LF or CR. Like Excel, text after a closing quote is kept (`"a"b` reads `ab`), and a quote inside an
///   unquoted field is literal. A quoted field still open at the end of the file is an ``ImportError`` of
///   reason `.malformed` naming the line where it began.
/// - Result: one sheet, named after the file without its extension. ``SourceRow/row`` is the 1-based
///   **record number**, counting blank lines as (empty) records: the row number Excel and WPS show for the
///   record when they open the file. A record that spans lines (a quoted line break) is one row.
///   Cells are ``CellValue/text(_:)`` exactly as written (typing is the normaliser's job; a leading apostrophe
///   written against formula injection is kept); empty fields are omitted.
/// - A file whose first record is one field with two or more semicolons or tabs is refused (`.unsupported`,
///   with a hint): it was saved with another separator.
/// - Excel's separator hint line `sep=,` at the top is dropped (and rows are numbered after it, as Excel
///   shows them); a hint naming another separator (`sep=;`) is refused as `.unsupported`.
/// - Limits: the file's size is checked against ``ImportLimits/maxPartBytes`` before reading, the number of
///   records against ``ImportLimits/maxRows``. NUL bytes mean the file is not text (`.notSpreadsheet`).
public struct CSVImporter: Importer {
    public init() {}

    public var format: FormatDescriptor { CSVFormat.descriptor }

    /// Accepts `.csv` and `.txt` names whose first bytes look like text: not a ZIP (xlsx) or OLE (xls) file,
    /// no NUL bytes (UTF-16 text is left to `open`, which explains it).
    public func recognises(prefix: [UInt8], fileName: String) -> Bool {
        let ext = fileName.split(separator: ".").last.map { $0.lowercased() } ?? ""
        guard fileName.contains("."), ext == "csv" || ext == "txt" else { return false }
        if prefix.starts(with: [0x50, 0x4B, 0x03, 0x04]) || prefix.starts(with: [0x50, 0x4B, 0x05, 0x06]) { return false }
        if prefix.starts(with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) { return false }
        if prefix.starts(with: [0xFF, 0xFE]) || prefix.starts(with: [0xFE, 0xFF]) { return true }
        return !prefix.contains(0)
    }

    public func open(_ source: ImportSource, limits: ImportLimits) throws -> any SheetSource {
        let file = source.displayName
        let attributes: [FileAttributeKey: Any]
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: source.path)
        } catch {
            throw ImportError(.unreadable, file: file, detail: "文件不存在或无法打开")
        }
        if let size = (attributes[.size] as? NSNumber)?.intValue ?? (attributes[.size] as? Int), size > limits.maxPartBytes {
            throw ImportError(.tooLarge, file: file,
                              detail: "文件大小 \(size) 字节，超过允许的 \(limits.maxPartBytes) 字节")
        }
        guard let handle = FileHandle(forReadingAtPath: source.path) else {
            throw ImportError(.unreadable, file: file, detail: "文件无法打开")
        }
        defer { try? handle.close() }
        // Read at most one byte more than allowed, in case the file grew after the size check.
        let data: Data
        do {
            data = try handle.read(upToCount: limits.maxPartBytes + 1) ?? Data()
        } catch {
            throw ImportError(.unreadable, file: file, detail: "文件读取失败")
        }
        if data.count > limits.maxPartBytes {
            throw ImportError(.tooLarge, file: file, detail: "文件超过允许的 \(limits.maxPartBytes) 字节")
        }
        let bytes = Array(try CSVImporter.droppingSeparatorHint(try CSVImporter.decode([UInt8](data), file: file),
                                                                file: file).utf8)
        // The whole file is parsed once here, keeping nothing but its first record: a broken file is refused
        // when it is opened. The rows are parsed again as they are read (a file of any length costs its bytes).
        var first: SourceRow?
        try CSVParser.parse(bytes, file: file, maxRows: limits.maxRows) { row in
            if first == nil { first = row }
            return true
        }
        try CSVImporter.checkSeparator(first.map { [$0] } ?? [], file: file)
        return CSVSheetSource(sheetName: CSVImporter.sheetName(file), bytes: bytes, file: file, maxRows: limits.maxRows)
    }

    /// Refuses a file whose first record is one field holding two or more semicolons or tabs: it was saved with
    /// another separator (European Excel's semicolons, “文本文件（制表符分隔）”), which is never guessed.
    static func checkSeparator(_ rows: [SourceRow], file: String) throws {
        guard let first = rows.first, first.cells.count == 1, case .text(let text) = first.cells[0].value else { return }
        for (separator, name) in [(";", "分号"), ("\t", "制表符")] where text.filter({ String($0) == separator }).count >= 2 {
            throw ImportError(.unsupported, file: file,
                              detail: "文件似乎用\(name)分隔，只支持逗号分隔的 CSV，请另存为“CSV UTF-8（逗号分隔）”后重新报送",
                              place: "第 \(first.row) 行")
        }
    }

    /// `text` without Excel's separator hint line (`sep=,`), which Excel hides and numbers rows after.
    static func droppingSeparatorHint(_ text: String, file: String) throws -> String {
        guard text.hasPrefix("sep=") else { return text }
        let scalars = Array(text.unicodeScalars.prefix(7))
        guard scalars.count >= 5, scalars[4] != "\r", scalars[4] != "\n" else { return text }
        let rest = scalars.dropFirst(5)
        guard rest.isEmpty || rest.first == "\r" || rest.first == "\n" else { return text }
        guard scalars[4] == "," else {
            throw ImportError(.unsupported, file: file,
                              detail: "文件声明的分隔符是“\(scalars[4])”，只支持逗号分隔的 CSV，请另存为“CSV UTF-8（逗号分隔）”后重新报送",
                              place: "第 1 行")
        }
        var view = text.unicodeScalars.dropFirst(5)
        if view.first == "\r" { view = view.dropFirst() }
        if view.first == "\n" { view = view.dropFirst() }
        return String(String.UnicodeScalarView(view))
    }

    /// The file name without its extension (`沈阳整改台账.csv` → `沈阳整改台账`).
    static func sheetName(_ file: String) -> String {
        guard let dot = file.lastIndex(of: "."), dot != file.startIndex else { return file }
        return String(file[..<dot])
    }

    /// The text of the file's bytes: BOM stripped, UTF-8 when valid, else GB18030.
    static func decode(_ bytes: [UInt8], file: String) throws -> String {
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            throw ImportError(.unsupported, file: file,
                              detail: "文件是 UTF-16（“Unicode 文本”）编码，请在 Excel 或 WPS 中另存为“CSV UTF-8（逗号分隔）”后重新报送")
        }
        if let nul = bytes.firstIndex(of: 0) {
            throw ImportError(.notSpreadsheet, file: file,
                              detail: "文件含有二进制内容（第 \(nul + 1) 字节为 NUL），不是 CSV 文本文件")
        }
        var body = bytes[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            body = bytes.dropFirst(3)
        } else if bytes.starts(with: [0x84, 0x31, 0x95, 0x33]) {
            body = bytes.dropFirst(4)
            return try gb18030(Array(body), file: file)
        }
        if let text = String(validating: body, as: UTF8.self) { return text }
        return try gb18030(Array(body), file: file)
    }

    static func gb18030(_ bytes: [UInt8], file: String) throws -> String {
        do {
            let utf8 = try Iconv.convert(bytes, from: "GB18030", to: "UTF-8")
            guard let text = String(validating: utf8, as: UTF8.self) else {
                throw Iconv.Failure(offset: 0, incomplete: false)
            }
            return text
        } catch let failure as Iconv.Failure {
            let line = bytes[..<min(failure.offset, bytes.count)].reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
            throw ImportError(.malformed, file: file,
                              detail: "文件既不是 UTF-8 也不是 GB18030 编码（第 \(line) 行有无法识别的字节），请另存为“CSV UTF-8（逗号分隔）”后重新报送",
                              place: "第 \(line) 行")
        }
    }
}

/// A CSV file as one sheet: its UTF-8 bytes, parsed into rows as they are read.
final class CSVSheetSource: SheetSource {
    let properties: [String: String] = [:]
    let sheets: [SheetInfo]
    private let bytes: [UInt8]
    private let file: String
    private let maxRows: Int

    init(sheetName: String, bytes: [UInt8], file: String, maxRows: Int) {
        self.sheets = [SheetInfo(name: sheetName)]
        self.bytes = bytes
        self.file = file
        self.maxRows = maxRows
    }

    func readRows(sheet index: Int, _ visit: (SourceRow) throws -> Bool) throws {
        guard index == 0 else { return }
        try CSVParser.parse(bytes, file: file, maxRows: maxRows, visit)
    }
}

/// An RFC 4180 parser over UTF-8 bytes (the separators are ASCII, which never occurs inside a multi-byte
/// UTF-8 sequence).
enum CSVParser {
    static let comma = UInt8(ascii: ","), quote = UInt8(ascii: "\""), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")

    /// The records with at least one non-empty field; `row` is the 1-based record number.
    static func parse(_ text: String, file: String, maxRows: Int) throws -> [SourceRow] {
        var rows: [SourceRow] = []
        try parse(Array(text.utf8), file: file, maxRows: maxRows) { rows.append($0); return true }
        return rows
    }

    /// Hands each record with at least one non-empty field to `visit`, in order, until it returns `false`.
    static func parse(_ bytes: [UInt8], file: String, maxRows: Int, _ visit: (SourceRow) throws -> Bool) throws {
        var stopped = false
        var i = 0
        var record = 0  // record number
        var line = 1    // physical line of `i`
        var cells: [SourceCell] = []
        var column = 1
        var field: [UInt8] = []

        func endField() {
            if !field.isEmpty {
                cells.append(SourceCell(column: column, value: .text(String(decoding: field, as: UTF8.self))))
            }
            field.removeAll(keepingCapacity: true)
            column += 1
        }
        func endRecord() throws {
            endField()
            record += 1
            if record > maxRows {
                throw ImportError(.tooLarge, file: file, detail: "记录超过允许的 \(maxRows) 行")
            }
            if !cells.isEmpty, try !visit(SourceRow(row: record, cells: cells)) { stopped = true }
            cells = []
            column = 1
        }

        let n = bytes.count
        var atFieldStart = true
        while i < n && !stopped {
            let b = bytes[i]
            if atFieldStart && b == quote {
                // A quoted field: up to the closing quote; "" is a quote.
                let startLine = line
                i += 1
                var closed = false
                while i < n {
                    let c = bytes[i]
                    if c == quote {
                        if i + 1 < n && bytes[i + 1] == quote {
                            field.append(quote)
                            i += 2
                            continue
                        }
                        i += 1
                        closed = true
                        break
                    }
                    if c == lf || (c == cr && !(i + 1 < n && bytes[i + 1] == lf)) { line += 1 }
                    field.append(c)
                    i += 1
                }
                if !closed {
                    throw ImportError(.malformed, file: file,
                                      detail: "第 \(startLine) 行开始的引号字段直到文件末尾都没有结束（缺少右引号）",
                                      place: "第 \(startLine) 行")
                }
                atFieldStart = false
                continue
            }
            switch b {
            case comma:
                endField()
                atFieldStart = true
                i += 1
            case cr, lf:
                try endRecord()
                atFieldStart = true
                i += (b == cr && i + 1 < n && bytes[i + 1] == lf) ? 2 : 1
                line += 1
            default:
                field.append(b)
                atFieldStart = false
                i += 1
            }
        }
        // A last record without a line end.
        if !stopped && (!atFieldStart || !field.isEmpty || column > 1) { try endRecord() }
    }
}
