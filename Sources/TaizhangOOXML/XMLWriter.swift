import CLibXML2
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TaizhangCore

/// A thin wrapper over libxml2's `xmlTextWriter`, writing UTF-8 XML to a file or to memory.
///
/// Element and attribute names are `StaticString`s, passed to libxml2 without copying; values go through
/// `withCString` (no copy for native Swift strings). Numbers and cell references are formatted into a
/// stack buffer. Escaping of `<`, `>`, `&` and quotes is libxml2's. Errors are collected and thrown by
/// ``finish()``, so the hot path stays free of `try`.
public final class XMLWriter {
    private var writer: xmlTextWriterPtr?
    private var buffer: xmlBufferPtr?
    private var file: UnsafeMutablePointer<FILE>?
    private var failed = false
    private let place: String

    /// A writer to the file at `path` (created or truncated). The file is opened with `fopen`, not by
    /// libxml2, so the path is never taken for a URI (`%41` stays `%41`). Without `declaration`, no
    /// `<?xml …?>` line is written (VML drawings).
    public init(path: String, declaration: Bool = true) throws(ExportError) {
        place = path
        guard let file = fopen(path, "wb") else {
            throw ExportError("无法创建临时文件“\(path)”：\(String(cString: strerror(errno)))")
        }
        guard let output = xmlOutputBufferCreateFile(file, nil), let writer = xmlNewTextWriter(output) else {
            fclose(file)
            throw ExportError("无法创建临时文件“\(path)”")
        }
        self.file = file
        self.writer = writer
        if declaration { start() }
    }

    /// A writer to memory; ``finish()`` returns the bytes. Without `declaration`, no `<?xml …?>` line
    /// is written (VML drawings).
    public init(declaration: Bool = true) throws(ExportError) {
        place = "内存"
        guard let buffer = xmlBufferCreate(), let writer = xmlNewTextWriterMemory(buffer, 0) else {
            throw ExportError("无法分配 XML 缓冲区")
        }
        self.buffer = buffer
        self.writer = writer
        if declaration { start() }
    }

    deinit {
        if let writer { xmlFreeTextWriter(writer) }
        if let buffer { xmlBufferFree(buffer) }
        if let file { fclose(file) }
    }

    private func start() {
        check(xmlTextWriterStartDocument(writer, "1.0", "UTF-8", "yes"))
        // xmlTextWriterStartDocument ends its declaration with a newline; Excel does the same.
    }

    @inline(__always) private func check(_ result: Int32) {
        if result < 0 { failed = true }
    }

    /// Opens an element.
    @inline(__always) public func start(_ name: StaticString) {
        check(xmlTextWriterStartElement(writer, name.utf8Start))
    }

    /// Closes the innermost open element (`<a/>` when it has no content).
    @inline(__always) public func end() {
        check(xmlTextWriterEndElement(writer))
    }

    /// Closes the innermost open element with an end tag even when it is empty.
    public func endFull() {
        check(xmlTextWriterFullEndElement(writer))
    }

    /// Writes an attribute of the element just opened (escaped).
    @inline(__always) public func attribute(_ name: StaticString, _ value: String) {
        value.withCString { pointer in
            pointer.withMemoryRebound(to: UInt8.self, capacity: 1) {
                check(xmlTextWriterWriteAttribute(writer, name.utf8Start, $0))
            }
        }
    }

    /// Writes a static attribute value.
    @inline(__always) public func attribute(_ name: StaticString, _ value: StaticString) {
        check(xmlTextWriterWriteAttribute(writer, name.utf8Start, value.utf8Start))
    }

    /// Writes an integer attribute without allocating.
    @inline(__always) public func attribute(_ name: StaticString, _ value: Int) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { buffer in
            let count = XMLWriter.format(value, into: buffer.baseAddress!)
            buffer[count] = 0
            check(xmlTextWriterWriteAttribute(writer, name.utf8Start, buffer.baseAddress!))
        }
    }

    /// Writes a number attribute (shortest round-trip form, integers without `.0`).
    public func attribute(_ name: StaticString, _ value: Double) {
        attribute(name, XMLWriter.numberText(value))
    }

    /// Writes escaped text content.
    @inline(__always) public func text(_ value: String) {
        value.withCString { pointer in
            pointer.withMemoryRebound(to: UInt8.self, capacity: 1) {
                check(xmlTextWriterWriteString(writer, $0))
            }
        }
    }

    /// Writes markup as is. Only for text the caller knows is well-formed (digits, cell references).
    @inline(__always) public func raw(_ bytes: UnsafePointer<UInt8>, count: Int) {
        check(xmlTextWriterWriteRawLen(writer, bytes, Int32(count)))
    }

    /// Writes static markup as is.
    @inline(__always) public func raw(_ markup: StaticString) {
        check(xmlTextWriterWriteRawLen(writer, markup.utf8Start, Int32(markup.utf8CodeUnitCount)))
    }

    /// Writes UTF-8 text content, escaping `&`, `<` and `>` into a reusable buffer (no allocation per call).
    public func escapedText(_ bytes: UnsafeBufferPointer<UInt8>) {
        var start = 0
        var i = 0
        let count = bytes.count
        guard let base = bytes.baseAddress else { return }
        while i < count {
            let byte = base[i]
            if byte == 0x26 || byte == 0x3C || byte == 0x3E {
                if i > start { raw(base + start, count: i - start) }
                switch byte {
                case 0x26: raw("&amp;")
                case 0x3C: raw("&lt;")
                default: raw("&gt;")
                }
                start = i + 1
            }
            i += 1
        }
        if count > start { raw(base + start, count: count - start) }
    }

    /// `<name>text</name>`.
    public func element(_ name: StaticString, _ value: String) {
        start(name)
        text(value)
        end()
    }

    /// Ends the document, flushes, and returns the bytes of an in-memory writer (`nil` for a file writer).
    @discardableResult
    public func finish() throws(ExportError) -> [UInt8]? {
        guard let writer else { return nil }
        check(xmlTextWriterEndDocument(writer))
        check(xmlTextWriterFlush(writer))
        xmlFreeTextWriter(writer)  // flushes; a FILE-backed output buffer does not close the file
        self.writer = nil
        if let file {
            if fflush(file) != 0 || ferror(file) != 0 { failed = true }
            if fclose(file) != 0 { failed = true }
            self.file = nil
        }
        var bytes: [UInt8]?
        if let buffer {
            let count = Int(xmlBufferLength(buffer))
            if let content = xmlBufferContent(buffer) {
                bytes = Array(UnsafeBufferPointer(start: content, count: count))
            } else {
                bytes = []
            }
            xmlBufferFree(buffer)
            self.buffer = nil
        }
        if failed { throw ExportError("写入 XML 失败（\(place)）：磁盘已满或文本含有无法写入的字符") }
        return bytes
    }

    // MARK: Formatting without allocation

    /// Writes the decimal digits of `value` at `out`; returns the count.
    @inline(__always) public static func format(_ value: Int, into out: UnsafeMutablePointer<UInt8>) -> Int {
        var v = value.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = 0
        withUnsafeMutableBytes(of: &digits) { d in
            repeat {
                d[n] = UInt8(truncatingIfNeeded: v % 10) + 48
                v /= 10
                n += 1
            } while v > 0
        }
        var i = 0
        if value < 0 { out[0] = 45; i = 1 }
        withUnsafeBytes(of: &digits) { d in
            for k in 0..<n { out[i + k] = d[n - 1 - k] }
        }
        return i + n
    }

    /// Writes the A1 reference of (row, column), both 1-based, at `out`; returns the count.
    @inline(__always) public static func formatReference(row: Int, column: Int, into out: UnsafeMutablePointer<UInt8>) -> Int {
        var n = formatColumn(column, into: out)
        n += format(row, into: out + n)
        return n
    }

    /// Writes the letters of a 1-based column at `out`; returns the count.
    @inline(__always) public static func formatColumn(_ column: Int, into out: UnsafeMutablePointer<UInt8>) -> Int {
        var letters: (UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0)
        var c = column
        var n = 0
        withUnsafeMutableBytes(of: &letters) { l in
            while c > 0 && n < 4 {
                let r = (c - 1) % 26
                l[n] = UInt8(65 + r)
                c = (c - 1) / 26
                n += 1
            }
        }
        withUnsafeBytes(of: &letters) { l in
            for k in 0..<n { out[k] = l[n - 1 - k] }
        }
        return n
    }

    /// The text of a number in a cell: integers without a decimal point, others in shortest form.
    public static func numberText(_ value: Double) -> String {
        if value.isFinite, value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}
