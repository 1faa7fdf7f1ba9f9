import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
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
/// - Memory: the file is read from disk in chunks (256 KiB), whatever its size, and never held whole. Opening
///   reads it twice (the encoding and NUL bytes, then every record, so that a broken file is refused when it is
///   opened); reading the rows reads it again. The file stays open between the passes, so they read the same
///   file even when its name is replaced meanwhile.
public struct CSVImporter: Importer {
    /// Bytes read from disk at a time (and, for GB18030, converted at a time).
    let chunkSize: Int

    public init() {
        self.init(chunkSize: 256 << 10)
    }

    /// An importer reading `chunkSize` bytes at a time (tests use tiny chunks to put every construct across a
    /// chunk boundary).
    init(chunkSize: Int) {
        self.chunkSize = max(1, chunkSize)
    }

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
        var info = stat()
        guard stat(source.path, &info) == 0 else {
            throw ImportError(.unreadable, file: file, detail: "文件不存在或无法打开")
        }
        if Int(info.st_size) > limits.maxPartBytes {
            throw ImportError(.tooLarge, file: file,
                              detail: "文件大小 \(info.st_size) 字节，超过允许的 \(limits.maxPartBytes) 字节")
        }
        let text = try CSVText(path: source.path, file: file, maxBytes: limits.maxPartBytes, chunkSize: chunkSize)
        // The whole file is parsed once here, keeping nothing but its first record: a broken file is refused
        // when it is opened. The rows are parsed again, from the file, as they are read.
        var first: SourceRow?
        try text.parse(maxRows: limits.maxRows) { row in
            if first == nil { first = row }
            return true
        }
        try CSVImporter.checkSeparator(first.map { [$0] } ?? [], file: file)
        return CSVSheetSource(sheetName: CSVImporter.sheetName(file), text: text, maxRows: limits.maxRows)
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

    /// How many UTF-8 bytes of the text's start are a separator hint line (0 when there is none). `prefix` is the
    /// start of the text, at least ``hintPrefixBytes`` bytes of it (all of it when it is shorter).
    static func separatorHintLength(_ prefix: UnsafeBufferPointer<UInt8>, file: String) throws -> Int {
        guard prefix.starts(with: Array("sep=".utf8)) else { return 0 }
        let text = String(decoding: prefix, as: UTF8.self)
        return text.utf8.count - (try droppingSeparatorHint(text, file: file)).utf8.count
    }

    /// The bytes of the text's start the separator hint is looked for in (7 scalars and the one after them).
    static let hintPrefixBytes = 64

    /// The file name without its extension (`沈阳整改台账.csv` → `沈阳整改台账`).
    static func sheetName(_ file: String) -> String {
        guard let dot = file.lastIndex(of: "."), dot != file.startIndex else { return file }
        return String(file[..<dot])
    }

    /// The error for a file that is neither UTF-8 nor GB18030, at `line`.
    static func notGB18030(file: String, line: Int) -> ImportError {
        ImportError(.malformed, file: file,
                    detail: "文件既不是 UTF-8 也不是 GB18030 编码（第 \(line) 行有无法识别的字节），请另存为“CSV UTF-8（逗号分隔）”后重新报送",
                    place: "第 \(line) 行")
    }
}

/// A CSV file as one sheet, parsed into rows from the file as they are read.
final class CSVSheetSource: SheetSource {
    let properties: [String: String] = [:]
    let sheets: [SheetInfo]
    private let text: CSVText
    private let maxRows: Int

    init(sheetName: String, text: CSVText, maxRows: Int) {
        self.sheets = [SheetInfo(name: sheetName)]
        self.text = text
        self.maxRows = maxRows
    }

    func readRows(sheet index: Int, _ visit: (SourceRow) throws -> Bool) throws {
        guard index == 0 else { return }
        try text.parse(maxRows: maxRows, visit)
    }
}

/// An open CSV file whose encoding is known: its text, read and decoded a chunk at a time.
final class CSVText {
    enum Encoding { case utf8, gb18030 }

    let file: String
    let encoding: Encoding
    /// The bytes of the BOM, skipped.
    let bodyStart: Int
    /// The file's length when it was opened (later passes read no further).
    let length: Int
    let chunkSize: Int
    private let descriptor: Int32

    /// Opens the file and reads it once: UTF-16 is refused, NUL bytes mean it is not text, and the encoding
    /// is UTF-8 when the whole body is valid UTF-8, else GB18030.
    init(path: String, file: String, maxBytes: Int, chunkSize: Int) throws {
        self.file = file
        self.chunkSize = chunkSize
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ImportError(.unreadable, file: file, detail: "文件无法打开") }
        descriptor = fd
        var head = [UInt8](repeating: 0, count: 4)
        let headCount = try CSVText.read(fd, into: &head, count: 4, at: 0, file: file)
        head.removeSubrange(headCount...)
        if head.starts(with: [0xFF, 0xFE]) || head.starts(with: [0xFE, 0xFF]) {
            close(fd)
            throw ImportError(.unsupported, file: file,
                              detail: "文件是 UTF-16（“Unicode 文本”）编码，请在 Excel 或 WPS 中另存为“CSV UTF-8（逗号分隔）”后重新报送")
        }
        var start = 0
        var checkUTF8 = true
        if head.starts(with: [0xEF, 0xBB, 0xBF]) {
            start = 3
        } else if head.starts(with: [0x84, 0x31, 0x95, 0x33]) {
            start = 4
            checkUTF8 = false
        }
        bodyStart = start
        // One pass over the raw bytes: NUL bytes anywhere, UTF-8 validity of the body, the size limit.
        var validator = UTF8Validator()
        var offset = 0
        var buffer = [UInt8](repeating: 0, count: chunkSize)
        do {
            while true {
                let count = try CSVText.read(fd, into: &buffer, count: min(chunkSize, maxBytes + 1 - offset), at: offset, file: file)
                if count == 0 { break }
                try buffer.withUnsafeBufferPointer { all in
                    let chunk = UnsafeBufferPointer(rebasing: all[..<count])
                    if let nul = memchr(chunk.baseAddress!, 0, count) {
                        let at = offset + UnsafeRawPointer(chunk.baseAddress!).distance(to: UnsafeRawPointer(nul))
                        throw ImportError(.notSpreadsheet, file: file,
                                          detail: "文件含有二进制内容（第 \(at + 1) 字节为 NUL），不是 CSV 文本文件")
                    }
                    if checkUTF8 {
                        let skip = max(0, start - offset)
                        if skip < count, !validator.feed(UnsafeBufferPointer(rebasing: chunk[skip...])) { checkUTF8 = false }
                    }
                }
                offset += count
                if offset > maxBytes {
                    throw ImportError(.tooLarge, file: file, detail: "文件超过允许的 \(maxBytes) 字节")
                }
            }
        } catch {
            close(fd)
            throw error
        }
        length = offset
        encoding = checkUTF8 && validator.finish() ? .utf8 : .gb18030
    }

    deinit { close(descriptor) }

    /// Reads up to `count` bytes at `offset` into `buffer`, fewer only at the end of the file.
    static func read(_ fd: Int32, into buffer: inout [UInt8], count: Int, at offset: Int, file: String) throws -> Int {
        var done = 0
        try buffer.withUnsafeMutableBufferPointer { pointer in
            while done < count {
                let n = pread(fd, pointer.baseAddress! + done, count - done, off_t(offset + done))
                if n < 0 {
                    if errno == EINTR { continue }
                    throw ImportError(.unreadable, file: file, detail: "文件读取失败")
                }
                if n == 0 { break }
                done += n
            }
        }
        return done
    }

    /// Hands the text to `body` a chunk at a time, as UTF-8 (from the body's start, BOM skipped).
    /// `body` returns `false` to stop.
    func forEachChunk(_ body: (UnsafeBufferPointer<UInt8>) throws -> Bool) throws {
        var buffer = [UInt8](repeating: 0, count: chunkSize)
        var offset = bodyStart
        var decoder = encoding == .gb18030 ? try GB18030Decoder(file: file) : nil
        // A failure of the parser is reported only once the rest of the file has converted: a file that is
        // not GB18030 is refused as such, as when the whole file was converted before parsing.
        var deferred: (any Error)?
        var more = true
        while offset < length && more {
            let count = try CSVText.read(descriptor, into: &buffer, count: min(chunkSize, length - offset), at: offset,
                                         file: file)
            if count == 0 { break }
            try buffer.withUnsafeBufferPointer { all in
                let chunk = UnsafeBufferPointer(rebasing: all[..<count])
                if decoder != nil {
                    let last = offset + count >= length
                    do {
                        try decoder!.convert(chunk, last: last) { text in
                            if deferred == nil && more {
                                do { more = try body(text) } catch { deferred = error }
                            }
                        }
                    } catch let failure as Iconv.Failure {
                        throw CSVImporter.notGB18030(file: file, line: lineAt(bodyOffset: failure.offset))
                    }
                } else {
                    more = try body(chunk)
                }
            }
            offset += count
        }
        if let deferred { throw deferred }
    }

    /// The 1-based line of the body's byte `bodyOffset` (the LFs before it, plus one).
    private func lineAt(bodyOffset: Int) -> Int {
        var line = 1
        var buffer = [UInt8](repeating: 0, count: chunkSize)
        var offset = bodyStart
        let end = min(length, bodyStart + bodyOffset)
        while offset < end, let count = try? CSVText.read(descriptor, into: &buffer, count: min(chunkSize, end - offset),
                                                           at: offset, file: file), count > 0 {
            for byte in buffer[..<count] where byte == 0x0A { line += 1 }
            offset += count
        }
        return line
    }

    /// Parses the records, handing each with a non-empty field to `visit` until it returns `false`.
    func parse(maxRows: Int, _ visit: (SourceRow) throws -> Bool) throws {
        var parser = CSVParser(file: file, maxRows: maxRows)
        var prefix: [UInt8]? = []  // the text's start, until the separator hint has been looked for
        try forEachChunk { chunk in
            if var held = prefix {
                held.append(contentsOf: chunk)
                guard held.count >= CSVImporter.hintPrefixBytes else { prefix = held; return true }
                prefix = nil
                try held.withUnsafeBufferPointer { all in
                    let skip = try CSVImporter.separatorHintLength(all, file: file)
                    try parser.feed(UnsafeBufferPointer(rebasing: all[skip...]), visit)
                }
            } else {
                try parser.feed(chunk, visit)
            }
            return !parser.stopped
        }
        if let held = prefix {
            try held.withUnsafeBufferPointer { all in
                let skip = try CSVImporter.separatorHintLength(all, file: file)
                try parser.feed(UnsafeBufferPointer(rebasing: all[skip...]), visit)
            }
        }
        try parser.finish(visit)
    }
}

/// Checks that a stream of bytes, given in pieces cut anywhere, is valid UTF-8 (as `String(validating:)`
/// judges it): each piece up to its last whole character is validated, the bytes of a character cut off at
/// its end are carried to the next.
struct UTF8Validator {
    private var carry: [UInt8] = []

    /// Whether the bytes so far are valid (a character cut off at the end is not judged yet).
    mutating func feed(_ piece: UnsafeBufferPointer<UInt8>) -> Bool {
        var bytes = piece
        if !carry.isEmpty {
            // Complete the carried character with the first bytes of this piece.
            let needed = UTF8Validator.sequenceLength(carry[0])
            let take = min(needed - carry.count, bytes.count)
            carry.append(contentsOf: bytes[..<take])
            bytes = UnsafeBufferPointer(rebasing: bytes[take...])
            if carry.count < needed { return true }
            guard String(validating: carry, as: UTF8.self) != nil else { return false }
            carry.removeAll()
        }
        let cut = UTF8Validator.completePrefix(bytes)
        if cut < bytes.count { carry = Array(bytes[cut...]) }
        if cut == 0 { return true }
        return UTF8Validator.isValid(UnsafeBufferPointer(rebasing: bytes[..<cut]))
    }

    /// Whether the stream ended on a whole character.
    func finish() -> Bool { carry.isEmpty }

    /// How long a sequence starting with `lead` is (1 for bytes that cannot start one: they fail validation).
    static func sequenceLength(_ lead: UInt8) -> Int {
        switch lead {
        case 0xC2...0xDF: return 2
        case 0xE0...0xEF: return 3
        case 0xF0...0xF4: return 4
        default: return 1
        }
    }

    /// The length of `bytes` without a character cut off at its end.
    static func completePrefix(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var index = bytes.count - 1
        var back = 0
        while index >= 0, back < 3, bytes[index] & 0xC0 == 0x80 { index -= 1; back += 1 }
        guard index >= 0 else { return bytes.count }
        let needed = sequenceLength(bytes[index])
        return needed > bytes.count - index ? index : bytes.count
    }

    static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        // ASCII runs are by far the commonest: skip them eight bytes at a time.
        var index = 0
        let count = bytes.count
        let base = UnsafeRawPointer(bytes.baseAddress!)
        while index + 8 <= count, base.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
            index += 8
        }
        if index == count { return true }
        return String(validating: UnsafeBufferPointer(rebasing: bytes[index...]), as: UTF8.self) != nil
    }
}

/// GB18030 converted to UTF-8 a chunk at a time; a character cut at a chunk's end (iconv's `EINVAL`) is
/// carried to the next chunk.
struct GB18030Decoder {
    private let converter: Iconv.Converter
    private var carry: [UInt8] = []
    private var input: [UInt8] = []
    private var output: [UInt8] = []
    /// The body offset of the first byte of the next chunk.
    private var offset = 0

    init(file: String) throws {
        guard let converter = Iconv.Converter(from: "GB18030", to: "UTF-8") else {
            throw CSVImporter.notGB18030(file: file, line: 1)
        }
        self.converter = converter
    }

    /// Converts `chunk` (the bytes after the previous one) and hands the UTF-8 to `body`; throws
    /// ``Iconv/Failure`` with the body offset of the first byte that does not convert.
    mutating func convert(_ chunk: UnsafeBufferPointer<UInt8>, last: Bool,
                          _ body: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        let inputBase = offset - carry.count
        input.removeAll(keepingCapacity: true)
        input.append(contentsOf: carry)
        input.append(contentsOf: chunk)
        carry.removeAll(keepingCapacity: true)
        offset += chunk.count
        if output.count < input.count * 2 + 16 { output = [UInt8](repeating: 0, count: input.count * 2 + 16) }
        var consumed = 0
        while consumed < input.count {
            let (read, written, stop) = input.withUnsafeBufferPointer { inBuffer in
                output.withUnsafeMutableBufferPointer { outBuffer in
                    converter.convert(UnsafeBufferPointer(rebasing: inBuffer[consumed...]), into: outBuffer)
                }
            }
            consumed += read
            if written > 0 {
                try output.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[..<written])) }
            }
            switch stop {
            case .done, .outputFull:
                continue
            case .incomplete where !last:
                carry.append(contentsOf: input[consumed...])
                return
            case .incomplete:
                throw Iconv.Failure(offset: inputBase + consumed, incomplete: true)
            case .invalid:
                throw Iconv.Failure(offset: inputBase + consumed, incomplete: false)
            }
        }
    }
}

/// An RFC 4180 parser over UTF-8 text given in pieces cut anywhere (the separators are ASCII, which never
/// occurs inside a multi-byte UTF-8 sequence).
struct CSVParser {
    static let comma = UInt8(ascii: ","), quote = UInt8(ascii: "\""), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")

    private enum State {
        /// Before a field's first byte.
        case fieldStart
        /// In an unquoted field, or after a quoted field's closing quote.
        case unquoted
        /// In a quoted field.
        case quoted
        /// In a quoted field, just after a quote: a doubled quote, or the closing one.
        case quotedQuote
    }

    let file: String
    let maxRows: Int
    private(set) var stopped = false
    private var state = State.fieldStart
    private var record = 0     // records ended
    private var line = 1       // physical line
    private var quoteLine = 1  // where the open quoted field began
    private var cells: [SourceCell] = []
    private var cellCapacity = 4
    private var column = 1
    /// The field's bytes when it spans pieces or holds doubled quotes.
    private var field: [UInt8] = []
    /// A CR ended the last record: a LF right after it belongs to it.
    private var skipLF = false
    /// In a quoted field, the last byte was a CR (a CRLF is one line).
    private var quotedCR = false

    init(file: String, maxRows: Int) {
        self.file = file
        self.maxRows = maxRows
        field.reserveCapacity(256)
    }

    /// The records with at least one non-empty field of the UTF-8 text `bytes`.
    static func parse(_ bytes: [UInt8], file: String, maxRows: Int) throws -> [SourceRow] {
        var rows: [SourceRow] = []
        var parser = CSVParser(file: file, maxRows: maxRows)
        let visit: (SourceRow) throws -> Bool = { rows.append($0); return true }
        try bytes.withUnsafeBufferPointer { try parser.feed($0, visit) }
        try parser.finish(visit)
        return rows
    }

    /// Ends the field held in `field` (and the bytes `tail` after it).
    @inline(__always)
    private mutating func endField(tail: UnsafeBufferPointer<UInt8>) {
        if field.isEmpty {
            if !tail.isEmpty { cells.append(SourceCell(column: column, value: .text(String(decoding: tail, as: UTF8.self)))) }
        } else {
            field.append(contentsOf: tail)
            cells.append(SourceCell(column: column, value: .text(String(decoding: field, as: UTF8.self))))
            field.removeAll(keepingCapacity: true)
        }
        column += 1
    }

    private mutating func endRecord(_ visit: (SourceRow) throws -> Bool) throws {
        record += 1
        if record > maxRows {
            throw ImportError(.tooLarge, file: file, detail: "记录超过允许的 \(maxRows) 行")
        }
        if !cells.isEmpty {
            cellCapacity = max(cellCapacity, cells.count)
            let row = SourceRow(row: record, cells: cells)
            cells = []
            cells.reserveCapacity(cellCapacity)
            if try !visit(row) { stopped = true }
        }
        column = 1
    }

    /// Parses the next piece of the text.
    mutating func feed(_ bytes: UnsafeBufferPointer<UInt8>, _ visit: (SourceRow) throws -> Bool) throws {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        let n = bytes.count
        var i = 0
        if skipLF {
            skipLF = false
            if bytes[0] == CSVParser.lf { i = 1 }
        }
        while i < n && !stopped {
            switch state {
            case .fieldStart, .unquoted:
                if state == .fieldStart && base[i] == CSVParser.quote {
                    state = .quoted
                    quoteLine = line
                    quotedCR = false
                    i += 1
                    continue
                }
                // Up to the next comma or line end.
                let begin = i
                var b: UInt8 = 0
                while i < n {
                    b = base[i]
                    if b == CSVParser.comma || b == CSVParser.cr || b == CSVParser.lf { break }
                    i += 1
                }
                if i == n {
                    // The field goes on in the next piece.
                    field.append(contentsOf: UnsafeBufferPointer(start: base + begin, count: i - begin))
                    if i > begin { state = .unquoted }
                    return
                }
                endField(tail: UnsafeBufferPointer(start: base + begin, count: i - begin))
                state = .fieldStart
                i += 1
                if b != CSVParser.comma {
                    try endRecord(visit)
                    line += 1
                    if b == CSVParser.cr {
                        if i < n { if base[i] == CSVParser.lf { i += 1 } } else { skipLF = true }
                    }
                }
            case .quoted:
                let begin = i
                while i < n {
                    let c = base[i]
                    if c == CSVParser.quote { break }
                    if c == CSVParser.cr { line += 1; quotedCR = true }
                    else { if c == CSVParser.lf && !quotedCR { line += 1 }; quotedCR = false }
                    i += 1
                }
                field.append(contentsOf: UnsafeBufferPointer(start: base + begin, count: i - begin))
                if i < n {
                    quotedCR = false
                    state = .quotedQuote
                    i += 1
                }
            case .quotedQuote:
                if base[i] == CSVParser.quote {
                    field.append(CSVParser.quote)
                    state = .quoted
                    i += 1
                } else {
                    // The closing quote; the field goes on unquoted (`"a"b` is `ab`).
                    state = .unquoted
                }
            }
        }
    }

    /// Ends the text: the last record (without a line end), or the error for a quoted field left open.
    mutating func finish(_ visit: (SourceRow) throws -> Bool) throws {
        guard !stopped else { return }
        switch state {
        case .quoted:
            throw ImportError(.malformed, file: file,
                              detail: "第 \(quoteLine) 行开始的引号字段直到文件末尾都没有结束（缺少右引号）",
                              place: "第 \(quoteLine) 行")
        case .quotedQuote, .unquoted:
            endField(tail: UnsafeBufferPointer(start: nil, count: 0))
            try endRecord(visit)
        case .fieldStart:
            if !field.isEmpty || column > 1 {
                endField(tail: UnsafeBufferPointer(start: nil, count: 0))
                try endRecord(visit)
            }
        }
    }
}
