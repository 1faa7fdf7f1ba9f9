import CLibXML2
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TaizhangCore

/// A namespace-aware pull parser over libxml2's `xmlTextReader`, fed from a ZIP entry stream.
///
/// Memory stays constant: libxml2 pulls decompressed chunks through read callbacks and frees each node
/// once the reader has moved past it. The parser is set up safely: no entity substitution, no network,
/// no DTD loading, no "huge" mode. A document with a DOCTYPE (where entity declarations live: billion
/// laughs, external entities) is refused before libxml2 sees the DTD, and again if libxml2 reports one.
///
/// Names are compared as interned `xmlChar` pointers from the reader's dictionary (see ``intern(_:)``),
/// so walking a sheet creates no Swift strings for element or attribute names.
final class XMLReader {
    /// An interned name: compare with `==` against ``localName``, ``namespaceURI`` and attribute names.
    typealias Name = UnsafePointer<UInt8>?

    /// Node kinds (libxml2's `xmlReaderTypes`).
    enum Kind: Int32 {
        case element = 1, text = 3, cdata = 4, entityReference = 5, processingInstruction = 7, comment = 8
        case documentType = 10, whitespace = 13, significantWhitespace = 14, endElement = 15
    }

    /// The part being read, for messages.
    let partName: String
    private let fileName: String
    private let reader: xmlTextReaderPtr
    private let feed: Feed

    /// Opens a reader over `stream`.
    init(stream: ZipReader.EntryStream, fileName: String) throws {
        self.partName = stream.entry.name
        self.fileName = fileName
        let feed = Feed(stream: stream)
        self.feed = feed
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOCDATA.rawValue | XML_PARSE_COMPACT.rawValue
            | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue)
        guard let reader = xmlReaderForIO(
            { context, buffer, length in
                guard let context, let buffer, length > 0 else { return 0 }
                let feed = Unmanaged<Feed>.fromOpaque(context).takeUnretainedValue()
                return feed.read(into: UnsafeMutableRawBufferPointer(start: buffer, count: Int(length)))
            },
            { _ in 0 },
            Unmanaged.passUnretained(feed).toOpaque(), nil, nil, options)
        else {
            throw ImportError(.malformed, file: fileName, detail: "无法读取 XML 内容", place: stream.entry.name)
        }
        self.reader = reader
        xmlTextReaderSetStructuredErrorHandler(reader, { context, error in
            guard let context, let error else { return }
            let feed = Unmanaged<Feed>.fromOpaque(context).takeUnretainedValue()
            if feed.parseError == nil, error.pointee.level.rawValue >= XML_ERR_ERROR.rawValue {
                let message = error.pointee.message.map { String(cString: $0) } ?? ""
                feed.parseError = (Int(error.pointee.line), message.trimmingWhitespace())
            }
        }, Unmanaged.passUnretained(feed).toOpaque())
    }

    deinit {
        xmlFreeTextReader(reader)
    }

    /// The interned form of `name` in this reader's dictionary.
    func intern(_ name: String) -> Name {
        name.withCString { xmlTextReaderConstString(reader, UnsafeRawPointer($0).assumingMemoryBound(to: UInt8.self)) }
    }

    /// The current node's kind (raw libxml2 value).
    private(set) var kind: Int32 = 0

    /// Moves to the next node; `false` at the end of the document.
    @inline(__always)
    func read() throws -> Bool {
        let status = xmlTextReaderRead(reader)
        if status == 1 {
            kind = xmlTextReaderNodeType(reader)
            if kind == Kind.documentType.rawValue || kind == Kind.entityReference.rawValue {
                throw unsafeDTD()
            }
            return true
        }
        if status == 0 { return false }
        throw failure()
    }

    /// The local name of the current element or attribute (interned).
    @inline(__always) var localName: Name { xmlTextReaderConstLocalName(reader) }
    /// The namespace URI of the current element or attribute (interned), or `nil`.
    @inline(__always) var namespaceURI: Name { xmlTextReaderConstNamespaceUri(reader) }
    /// Whether the current element is written `<x/>` (no end-element node follows).
    @inline(__always) var isEmptyElement: Bool { xmlTextReaderIsEmptyElement(reader) == 1 }
    /// The depth of the current node.
    @inline(__always) var depth: Int32 { xmlTextReaderDepth(reader) }
    /// The value of the current text node or attribute, as a C string owned by the reader.
    @inline(__always) var value: UnsafePointer<UInt8>? { xmlTextReaderConstValue(reader) }

    /// Calls `body` with each attribute of the current element: local name, namespace URI, value.
    @inline(__always)
    func forEachAttribute(_ body: (Name, Name, UnsafePointer<UInt8>) throws -> Void) rethrows {
        guard xmlTextReaderMoveToFirstAttribute(reader) == 1 else { return }
        repeat {
            if let value = xmlTextReaderConstValue(reader) {
                try body(xmlTextReaderConstLocalName(reader), xmlTextReaderConstNamespaceUri(reader), value)
            }
        } while xmlTextReaderMoveToNextAttribute(reader) == 1
        xmlTextReaderMoveToElement(reader)
    }

    /// The value of the attribute with local name `name` (any namespace) as a string.
    func attribute(_ name: Name) -> String? {
        var result: String?
        forEachAttribute { local, _, value in
            if result == nil, local == name { result = String(cString: value) }
        }
        return result
    }

    /// Reads the text content of the current element up to its end, skipping child elements whose
    /// local name is in `skipping` (with their content). Leaves the reader on the end element.
    func text(skipping: [Name] = []) throws -> String {
        if isEmptyElement { return "" }
        let start = depth
        var bytes: [UInt8] = []
        var skipDepth: Int32 = -1
        while try read() {
            switch kind {
            case Kind.endElement.rawValue:
                if depth == start { return String(decoding: bytes, as: UTF8.self) }
                if depth == skipDepth { skipDepth = -1 }
            case Kind.element.rawValue:
                if skipDepth < 0, !skipping.isEmpty, skipping.contains(localName), !isEmptyElement {
                    skipDepth = depth
                }
            case Kind.text.rawValue, Kind.cdata.rawValue, Kind.whitespace.rawValue, Kind.significantWhitespace.rawValue:
                guard skipDepth < 0, let value else { break }
                bytes.append(contentsOf: UnsafeBufferPointer(start: value, count: strlen(value)))
            default:
                break
            }
        }
        throw ImportError(.malformed, file: fileName, detail: "XML 内容意外结束", place: partName)
    }

    /// Reads a string item (`<si>`, `<is>`): the text of its `t` descendants (rich runs concatenated),
    /// skipping `skipping` subtrees (phonetic runs); white space between elements is not text.
    /// Leaves the reader on the end element.
    func stringItem(text t: Name, skipping: Name) throws -> String {
        if isEmptyElement { return "" }
        let start = depth
        var bytes: [UInt8] = []
        var skipDepth: Int32 = -1
        var textDepth: Int32 = -1
        while try read() {
            switch kind {
            case Kind.endElement.rawValue:
                let d = depth
                if d == start { return String(decoding: bytes, as: UTF8.self) }
                if d == skipDepth { skipDepth = -1 }
                if d == textDepth { textDepth = -1 }
            case Kind.element.rawValue:
                guard skipDepth < 0, !isEmptyElement else { break }
                let local = localName
                if local == skipping { skipDepth = depth } else if local == t, textDepth < 0 { textDepth = depth }
            case Kind.text.rawValue, Kind.cdata.rawValue, Kind.whitespace.rawValue, Kind.significantWhitespace.rawValue:
                guard skipDepth < 0, textDepth >= 0, let value else { break }
                bytes.append(contentsOf: UnsafeBufferPointer(start: value, count: strlen(value)))
            default:
                break
            }
        }
        throw ImportError(.malformed, file: fileName, detail: "XML 内容意外结束", place: partName)
    }

    /// Skips the rest of the current element (its children); leaves the reader on its end element.
    func skipElement() throws {
        if isEmptyElement { return }
        let start = depth
        while try read() {
            if kind == Kind.endElement.rawValue, depth == start { return }
        }
    }

    /// The line the parser is at, for messages.
    var line: Int { Int(xmlTextReaderGetParserLineNumber(reader)) }

    /// An error that names this part.
    func malformed(_ detail: String, place: String? = nil) -> ImportError {
        ImportError(.malformed, file: fileName, detail: detail, place: place ?? partName)
    }

    private func unsafeDTD() -> ImportError {
        ImportError(.unsafeContent, file: fileName,
                    detail: "文件中的 XML 含有文档类型（DOCTYPE）或实体声明，正常的 Excel 文件不会有；可能是恶意构造的文件（实体扩展或外部实体攻击），已拒绝",
                    place: partName)
    }

    private func failure() -> ImportError {
        if let error = feed.streamError { return error }
        if feed.sawDoctype { return unsafeDTD() }
        if let (line, message) = feed.parseError {
            if message.contains("ntity") || message.contains("DOCTYPE") { return unsafeDTD() }
            return malformed("XML 格式错误（第 \(line) 行：\(message)）")
        }
        return malformed("XML 格式错误")
    }

    /// Feeds libxml2 from the entry stream; remembers stream errors (caps, truncation) and refuses a
    /// DOCTYPE in the prolog by looking at the bytes before libxml2 parses them.
    private final class Feed {
        let stream: ZipReader.EntryStream
        var streamError: ImportError?
        var parseError: (Int, String)?
        var sawDoctype = false
        /// 0: prolog, looking for `<`; 1: after `<`; 2: after `<!`; 3: the root element has begun.
        private var prolog = 0

        init(stream: ZipReader.EntryStream) { self.stream = stream }

        func read(into buffer: UnsafeMutableRawBufferPointer) -> Int32 {
            do {
                let n = try stream.read(into: buffer)
                if prolog != 3 {
                    for byte in UnsafeRawBufferPointer(rebasing: buffer[0..<n]) {
                        switch prolog {
                        case 0: if byte == UInt8(ascii: "<") { prolog = 1 }
                        case 1: prolog = byte == UInt8(ascii: "!") ? 2 : (byte == UInt8(ascii: "?") ? 0 : 3)
                        case 2:
                            if byte == UInt8(ascii: "-") { prolog = 0 } else { sawDoctype = true; return -1 }
                        default: break
                        }
                        if prolog == 3 { break }
                    }
                }
                return Int32(n)
            } catch let error as ImportError {
                streamError = error
                return -1
            } catch {
                return -1
            }
        }
    }
}

extension String {
    fileprivate func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
