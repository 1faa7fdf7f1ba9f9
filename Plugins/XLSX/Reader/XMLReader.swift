import CLibXML2
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TaizhangCore

/// A namespace-aware pull parser over libxml2's SAX2 push parser, fed from a ZIP entry stream.
///
/// Memory stays constant: decompressed chunks (64 KiB) are pushed into libxml2; its callbacks record the
/// chunk's events (start, end, text) in a small buffer that ``read()`` then hands out one by one. (This
/// is libxml2's fastest interface: `xmlTextReader` took 2.3 times as long on a LibreOffice sheet.)
/// The parser is set up safely: no entity substitution (`XML_PARSE_NOENT`), no network
/// (`XML_PARSE_NONET`), no DTD loading or validation, no "huge" mode, and no SAX callbacks for DTD
/// declarations. A document with a DOCTYPE (where entity declarations live: billion laughs, external
/// entities) is refused before libxml2 sees it, and again when libxml2 reports an internal or external
/// subset.
///
/// Names are compared as interned `xmlChar` pointers from the parser's dictionary (see ``intern(_:)``),
/// so walking a sheet creates no Swift strings for element or attribute names.
final class XMLReader {
    /// An interned name: compare with `==` against ``localName``, ``namespaceURI`` and attribute names.
    typealias Name = UnsafePointer<UInt8>?

    /// Event kinds (numbered as libxml2's `xmlReaderTypes`).
    enum Kind: Int32 {
        case element = 1, text = 3, cdata = 4, entityReference = 5, processingInstruction = 7, comment = 8
        case documentType = 10, whitespace = 13, significantWhitespace = 14, endElement = 15
    }

    /// The part being read, for messages.
    let partName: String
    private let fileName: String
    private let context: xmlParserCtxtPtr
    private let sink: Sink
    private var position = 0
    private var current = Sink.Event(kind: 0, depth: 0, name: nil, namespace: nil, first: 0, count: 0)
    private var finished = false
    private var chunk = [UInt8](repeating: 0, count: 64 << 10)

    /// Opens a parser over `stream`.
    init(stream: ZipReader.EntryStream, fileName: String) throws {
        self.partName = stream.entry.name
        self.fileName = fileName
        let sink = Sink(stream: stream)
        self.sink = sink
        var handler = xmlSAXHandler()
        handler.initialized = XML_SAX2_MAGIC
        handler.startElementNs = { context, localName, _, uri, _, _, attributeCount, _, attributes in
            guard let context else { return }
            Unmanaged<Sink>.fromOpaque(context).takeUnretainedValue()
                .start(localName, uri, Int(attributeCount), attributes)
        }
        handler.endElementNs = { context, localName, _, uri in
            guard let context else { return }
            Unmanaged<Sink>.fromOpaque(context).takeUnretainedValue().end(localName, uri)
        }
        handler.characters = { context, text, length in
            guard let context, let text else { return }
            Unmanaged<Sink>.fromOpaque(context).takeUnretainedValue().characters(text, Int(length))
        }
        handler.cdataBlock = handler.characters
        handler.ignorableWhitespace = handler.characters
        handler.internalSubset = { context, _, _, _ in
            guard let context else { return }
            Unmanaged<Sink>.fromOpaque(context).takeUnretainedValue().refuseDoctype()
        }
        handler.externalSubset = handler.internalSubset
        handler.entityDecl = { context, _, _, _, _, _ in
            guard let context else { return }
            Unmanaged<Sink>.fromOpaque(context).takeUnretainedValue().refuseDoctype()
        }
        handler.serror = { context, error in
            guard let context, let error else { return }
            let sink = Unmanaged<Sink>.fromOpaque(context).takeUnretainedValue()
            if sink.parseError == nil, error.pointee.level.rawValue >= XML_ERR_ERROR.rawValue {
                let message = error.pointee.message.map { String(cString: $0) } ?? ""
                sink.parseError = (Int(error.pointee.line), message.trimmingWhitespace())
            }
        }
        guard let context = xmlCreatePushParserCtxt(&handler, Unmanaged.passUnretained(sink).toOpaque(), nil, 0, nil) else {
            throw ImportError(.malformed, file: fileName, detail: "无法读取 XML 内容", place: stream.entry.name)
        }
        self.context = context
        xmlCtxtUseOptions(context, Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue))
        sink.context = context
    }

    deinit {
        xmlFreeParserCtxt(context)
    }

    /// The interned form of `name` in this parser's dictionary.
    func intern(_ name: String) -> Name {
        name.withCString { xmlDictLookup(context.pointee.dict, UnsafeRawPointer($0).assumingMemoryBound(to: UInt8.self), -1) }
    }

    /// The current event's kind (raw value of ``Kind``).
    var kind: Int32 { current.kind }

    /// Moves to the next event; `false` at the end of the document.
    @inline(__always)
    func read() throws -> Bool {
        while position >= sink.events.count {
            if finished { return false }
            try refill()
        }
        current = sink.events[position]
        position += 1
        return true
    }

    private func refill() throws {
        sink.reset()
        position = 0
        let n = try chunk.withUnsafeMutableBytes { try sink.stream.read(into: $0) }
        if !sink.prologDone { sink.scanProlog(chunk, n) }
        if sink.sawDoctype { throw unsafeDTD() }
        let status = chunk.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: n) {
                xmlParseChunk(context, $0, Int32(n), n == 0 ? 1 : 0)
            }
        }
        if n == 0 { finished = true }
        if sink.sawDoctype { throw unsafeDTD() }
        if status != 0 || sink.parseError != nil || context.pointee.wellFormed == 0 { throw failure() }
    }

    /// The local name of the current element (interned).
    @inline(__always) var localName: Name { current.name }
    /// The namespace URI of the current element, or `nil`.
    @inline(__always) var namespaceURI: Name { current.namespace }
    /// Always `false`: `<x/>` is reported as a start and an end event.
    @inline(__always) var isEmptyElement: Bool { false }
    /// The depth of the current element (its end event has the same depth); text is one deeper.
    @inline(__always) var depth: Int32 { current.depth }
    /// The text of the current text event, NUL-terminated, valid until the next ``read()``.
    @inline(__always) var value: UnsafePointer<UInt8>? {
        current.kind == Kind.text.rawValue ? UnsafePointer(sink.arena + Int(current.first)) : nil
    }

    /// Calls `body` with each attribute of the current element: local name, namespace URI, value.
    @inline(__always)
    func forEachAttribute(_ body: (Name, Name, UnsafePointer<UInt8>) throws -> Void) rethrows {
        guard current.kind == Kind.element.rawValue else { return }
        var index = Int(current.first)
        let end = index + Int(current.count)
        while index < end {
            let attribute = sink.attributes[index]
            try body(attribute.name, attribute.namespace, UnsafePointer(sink.arena + Int(attribute.value)))
            index += 1
        }
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
                if bytes.count > XMLReader.maxTextBytes { throw tooLongText() }
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
                if bytes.count > XMLReader.maxTextBytes { throw tooLongText() }
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
    var line: Int { Int(context.pointee.input?.pointee.line ?? 0) }

    /// An error that names this part.
    func malformed(_ detail: String, place: String? = nil) -> ImportError {
        ImportError(.malformed, file: fileName, detail: detail, place: place ?? partName)
    }

    /// The most bytes one text may have: far above Excel's 32,767 characters (at most 4 bytes each in UTF-8).
    static let maxTextBytes = 1 << 20

    /// The error for a text longer than ``maxTextBytes``.
    func tooLongText() -> ImportError {
        malformed("文本内容超过 Excel 单元格的上限（32767 个字符），文件可能已损坏或是恶意构造的")
    }

    private func unsafeDTD() -> ImportError {
        ImportError(.unsafeContent, file: fileName,
                    detail: "文件中的 XML 含有文档类型（DOCTYPE）或实体声明，正常的 Excel 文件不会有；可能是恶意构造的文件（实体扩展或外部实体攻击），已拒绝",
                    place: partName)
    }

    private func failure() -> ImportError {
        if sink.sawDoctype { return unsafeDTD() }
        if let (line, message) = sink.parseError {
            if message.contains("ntity") || message.contains("DOCTYPE") { return unsafeDTD() }
            return malformed("XML 格式错误（第 \(line) 行：\(message)）")
        }
        return malformed("XML 格式错误")
    }

    /// Receives libxml2's callbacks for one chunk and keeps their events.
    private final class Sink {
        struct Event {
            var kind: Int32
            var depth: Int32
            var name: UnsafePointer<UInt8>?
            var namespace: UnsafePointer<UInt8>?
            /// Elements: the first attribute's index; text: the offset in the arena.
            var first: Int32
            /// Elements: the number of attributes; text: the length in bytes.
            var count: Int32
        }

        struct Attribute {
            var name: UnsafePointer<UInt8>?
            var namespace: UnsafePointer<UInt8>?
            /// Offset of the NUL-terminated value in the arena.
            var value: Int32
        }

        let stream: ZipReader.EntryStream
        var context: xmlParserCtxtPtr?
        var events: [Event] = []
        var attributes: [Attribute] = []
        /// Text and attribute values of the current chunk, each NUL-terminated.
        private(set) var arena: UnsafeMutablePointer<UInt8>
        private var arenaCount = 0
        private var arenaCapacity = 1 << 16
        private var depth: Int32 = 0
        var parseError: (Int, String)?
        var sawDoctype = false
        /// Prolog scan: 0 looking for `<`; 1 after `<`; 2 after `<!`; 3 the root element has begun.
        private var prolog = 0
        var prologDone: Bool { prolog == 3 }

        init(stream: ZipReader.EntryStream) {
            self.stream = stream
            arena = .allocate(capacity: arenaCapacity)
            events.reserveCapacity(4096)
        }

        deinit { arena.deallocate() }

        func reset() {
            events.removeAll(keepingCapacity: true)
            attributes.removeAll(keepingCapacity: true)
            arenaCount = 0
        }

        private func reserve(_ extra: Int) {
            guard arenaCount + extra > arenaCapacity else { return }
            var capacity = arenaCapacity * 2
            while arenaCount + extra > capacity { capacity *= 2 }
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
            grown.update(from: arena, count: arenaCount)
            arena.deallocate()
            arena = grown
            arenaCapacity = capacity
        }

        /// Copies a value into the arena (NUL-terminated); `&#38;` (how libxml2 passes `&` in attribute
        /// values when entities are not substituted) becomes `&`.
        private func store(_ start: UnsafePointer<UInt8>, _ length: Int, attribute: Bool) -> Int32 {
            reserve(length + 1)
            let offset = arenaCount
            if attribute, memchr(start, 0x26, length) != nil {
                var i = 0
                while i < length {
                    if start[i] == 0x26, i + 4 < length, start[i + 1] == 0x23, start[i + 2] == 0x33,
                       start[i + 3] == 0x38, start[i + 4] == 0x3B {
                        arena[arenaCount] = 0x26
                        i += 5
                    } else {
                        arena[arenaCount] = start[i]
                        i += 1
                    }
                    arenaCount += 1
                }
            } else {
                (arena + arenaCount).update(from: start, count: length)
                arenaCount += length
            }
            arena[arenaCount] = 0
            arenaCount += 1
            return Int32(offset)
        }

        func start(_ name: UnsafePointer<UInt8>?, _ uri: UnsafePointer<UInt8>?, _ count: Int,
                   _ values: UnsafeMutablePointer<UnsafePointer<UInt8>?>?) {
            let first = Int32(attributes.count)
            if count > 0, let values {
                for index in 0..<count {
                    let base = values + index * 5
                    guard let start = base[3], let end = base[4] else { continue }
                    let offset = store(start, end - start, attribute: true)
                    attributes.append(Attribute(name: base[0], namespace: base[2], value: offset))
                }
            }
            events.append(Event(kind: Kind.element.rawValue, depth: depth, name: name, namespace: uri,
                                first: first, count: Int32(attributes.count) - first))
            depth += 1
        }

        func end(_ name: UnsafePointer<UInt8>?, _ uri: UnsafePointer<UInt8>?) {
            depth -= 1
            events.append(Event(kind: Kind.endElement.rawValue, depth: depth, name: name, namespace: uri, first: 0, count: 0))
        }

        func characters(_ text: UnsafePointer<UInt8>, _ length: Int) {
            if let last = events.last, last.kind == Kind.text.rawValue,
               Int(last.first) + Int(last.count) + 1 == arenaCount {
                // Continue the previous text: overwrite its NUL.
                arenaCount -= 1
                reserve(length + 1)
                (arena + arenaCount).update(from: text, count: length)
                arenaCount += length
                arena[arenaCount] = 0
                arenaCount += 1
                events[events.count - 1].count += Int32(length)
                return
            }
            let offset = store(text, length, attribute: false)
            events.append(Event(kind: Kind.text.rawValue, depth: depth, name: nil, namespace: nil,
                                first: offset, count: Int32(length)))
        }

        func refuseDoctype() {
            sawDoctype = true
            if let context { xmlStopParser(context) }
        }

        /// Looks at the bytes before the root element for `<!` other than a comment (a DOCTYPE).
        func scanProlog(_ bytes: [UInt8], _ count: Int) {
            var index = 0
            while index < count, prolog != 3 {
                let byte = bytes[index]
                switch prolog {
                case 0: if byte == UInt8(ascii: "<") { prolog = 1 }
                case 1: prolog = byte == UInt8(ascii: "!") ? 2 : (byte == UInt8(ascii: "?") ? 0 : 3)
                default:
                    if byte == UInt8(ascii: "-") { prolog = 0 } else { sawDoctype = true; return }
                }
                index += 1
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
