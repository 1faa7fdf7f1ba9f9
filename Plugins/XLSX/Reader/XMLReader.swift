import CLibXML2
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TaizhangCore
import TaizhangZip

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
package final class XMLReader {
    /// An interned name: compare with `==` against ``localName``, ``namespaceURI`` and attribute names.
    package typealias Name = UnsafePointer<UInt8>?

    /// Event kinds (numbered as libxml2's `xmlReaderTypes`).
    package enum Kind: Int32 {
        case element = 1, text = 3, cdata = 4, entityReference = 5, processingInstruction = 7, comment = 8
        case documentType = 10, whitespace = 13, significantWhitespace = 14, endElement = 15
    }

    /// The part being read, for messages.
    let partName: String
    private let fileName: String
    private let stream: ZipReader.EntryStream
    private let context: xmlParserCtxtPtr
    /// The parse state, behind a pointer: libxml2's callbacks write to it and ``read()`` reads from it
    /// without reference counting or exclusivity checks (this is the hot path).
    private let state: UnsafeMutablePointer<State>
    private var chunk = [UInt8](repeating: 0, count: 64 << 10)
    /// The bytes of `chunk` not yet fed to libxml2 (or dropped).
    private var pending = 0..<0
    private var scratch: [UInt8] = []
    /// While skimming (see ``skim(pausingAfter:)``): the byte scanner between the stream and libxml2.
    private var skimmer: XMLSkimmer?
    /// The index (in the current batch) of the start event the skimmer paused after, or -1.
    private var pausedEvent = -1
    /// Bytes handed to libxml2 so far (synthesised end tags included), and bytes skipped unparsed.
    package private(set) var bytesParsed = 0, bytesSkipped = 0

    /// Opens a parser over `stream`.
    package init(stream: ZipReader.EntryStream, fileName: String) throws {
        self.partName = stream.entry.name
        self.fileName = fileName
        self.stream = stream
        let state = UnsafeMutablePointer<State>.allocate(capacity: 1)
        state.initialize(to: State())
        self.state = state
        var handler = xmlSAXHandler()
        handler.initialized = XML_SAX2_MAGIC
        handler.startElementNs = { context, localName, _, uri, _, _, attributeCount, _, attributes in
            context?.assumingMemoryBound(to: State.self).pointee.start(localName, uri, Int(attributeCount), attributes)
        }
        handler.endElementNs = { context, localName, _, uri in
            context?.assumingMemoryBound(to: State.self).pointee.end(localName, uri)
        }
        handler.characters = { context, text, length in
            guard let text else { return }
            context?.assumingMemoryBound(to: State.self).pointee.characters(text, Int(length))
        }
        handler.cdataBlock = handler.characters
        handler.ignorableWhitespace = handler.characters
        handler.internalSubset = { context, _, _, _ in
            context?.assumingMemoryBound(to: State.self).pointee.refuseDoctype()
        }
        handler.externalSubset = handler.internalSubset
        handler.entityDecl = { context, _, _, _, _, _ in
            context?.assumingMemoryBound(to: State.self).pointee.refuseDoctype()
        }
        handler.serror = { context, error in
            guard let state = context?.assumingMemoryBound(to: State.self), let error else { return }
            if state.pointee.parseError == nil, error.pointee.level.rawValue >= XML_ERR_ERROR.rawValue {
                let message = error.pointee.message.map { String(cString: $0) } ?? ""
                state.pointee.parseError = (Int(error.pointee.line), message.trimmingWhitespace())
            }
        }
        guard let context = xmlCreatePushParserCtxt(&handler, UnsafeMutableRawPointer(state), nil, 0, nil) else {
            state.deinitialize(count: 1)
            state.deallocate()
            throw ImportError(.malformed, file: fileName, detail: "无法读取 XML 内容", place: stream.entry.name)
        }
        self.context = context
        xmlCtxtUseOptions(context, Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue))
        state.pointee.context = context
    }

    deinit {
        xmlFreeParserCtxt(context)
        state.pointee.free()
        state.deinitialize(count: 1)
        state.deallocate()
    }

    /// The interned form of `name` in this parser's dictionary.
    package func intern(_ name: String) -> Name {
        name.withCString { xmlDictLookup(context.pointee.dict, UnsafeRawPointer($0).assumingMemoryBound(to: UInt8.self), -1) }
    }

    /// Records attributes only for elements with these local names (all elements when never called).
    /// Attribute values of other elements are not copied, which speeds up parts with many attributes
    /// the reader does not need (LibreOffice's rich-text run properties, row properties).
    package func recordAttributes(only names: [String]) {
        state.pointee.wanted = names.map { intern($0) }
    }

    /// The current event's kind (raw value of ``Kind``).
    @inline(__always) package var kind: Int32 { state.pointee.current.kind }

    /// Moves to the next event; `false` at the end of the document.
    @inline(__always)
    package func read() throws -> Bool {
        let s = state
        while s.pointee.position >= s.pointee.eventCount {
            if s.pointee.finished { return false }
            try refill()
        }
        s.pointee.current = s.pointee.events[s.pointee.position]
        s.pointee.position += 1
        return true
    }

    /// Skims from here on: start tags whose local name is in `localNames` end a batch of events, so that
    /// ``skipElement()`` called on such an element's start event skips its body without parsing it (see
    /// ``XMLSkimmer``). Everything else is parsed as usual.
    package func skim(pausingAfter localNames: [String]) {
        skimmer = XMLSkimmer(pauseNames: localNames)
    }

    /// Stops skimming: the rest of the document is parsed in full, in whole chunks. Call it outside a skipped body
    /// (on the start event of an element not skipped, for instance).
    package func stopSkimming() {
        if skimmer?.dropping == false { skimmer = nil }
    }

    private func refill() throws {
        state.pointee.reset()
        pausedEvent = -1
        if pending.isEmpty {
            let n = try ZipError.mapped { try chunk.withUnsafeMutableBytes { try stream.read(into: $0) } }
            if !state.pointee.prologDone { chunk.withUnsafeBufferPointer { state.pointee.scanProlog($0, n) } }
            if state.pointee.sawDoctype { throw unsafeDTD() }
            if n == 0 {
                if skimmer?.dropping == true {
                    throw ImportError(.malformed, file: fileName, detail: "XML 内容意外结束", place: partName)
                }
                try feed(nil, 0, terminate: true)
                state.pointee.finished = true
                return
            }
            pending = 0..<n
        }
        guard var skimmer else {
            try chunk.withUnsafeBufferPointer { try feed($0.baseAddress! + pending.lowerBound, pending.count, terminate: false) }
            pending = pending.upperBound..<pending.upperBound
            return
        }
        let wasDropping = skimmer.dropping
        let (stop, outcome) = chunk.withUnsafeBufferPointer { skimmer.scan($0.baseAddress!, from: pending.lowerBound, to: pending.upperBound) }
        let start = pending.lowerBound
        pending = stop..<pending.upperBound
        self.skimmer = skimmer
        if wasDropping {
            bytesSkipped += stop - start
            if case .dropEnded = outcome {
                let end = [0x3C, 0x2F] + skimmer.pausedName + [0x3E]  // </qname>
                try end.withUnsafeBufferPointer { try feed($0.baseAddress!, $0.count, terminate: false) }
            }
            return
        }
        try chunk.withUnsafeBufferPointer { try feed($0.baseAddress! + start, stop - start, terminate: false) }
        if case .paused = outcome, state.pointee.eventCount > 0 {
            // The start event must be the batch's last, and the paused tag's: otherwise nothing is skipped unparsed.
            let last = state.pointee.events[state.pointee.eventCount - 1]
            if last.kind == Kind.element.rawValue, let name = last.name,
               skimmer.pausedLocalName.elementsEqual(UnsafeBufferPointer(start: name, count: strlen(name))) {
                pausedEvent = state.pointee.eventCount - 1
            }
        }
    }

    /// Hands `count` bytes to libxml2 and reports what went wrong.
    private func feed(_ bytes: UnsafePointer<UInt8>?, _ count: Int, terminate: Bool) throws {
        bytesParsed += count
        let status: Int32
        if let bytes {
            status = bytes.withMemoryRebound(to: CChar.self, capacity: max(count, 1)) {
                xmlParseChunk(context, $0, Int32(count), terminate ? 1 : 0)
            }
        } else {
            status = xmlParseChunk(context, nil, 0, terminate ? 1 : 0)
        }
        if state.pointee.sawDoctype { throw unsafeDTD() }
        if status != 0 || state.pointee.parseError != nil || context.pointee.wellFormed == 0 { throw failure() }
    }

    /// The local name of the current element (interned).
    @inline(__always) package var localName: Name { state.pointee.current.name }
    /// The namespace URI of the current element, or `nil`.
    @inline(__always) package var namespaceURI: Name { state.pointee.current.namespace }
    /// Always `false`: `<x/>` is reported as a start and an end event.
    @inline(__always) package var isEmptyElement: Bool { false }
    /// The depth of the current element (its end event has the same depth); text is one deeper.
    @inline(__always) package var depth: Int32 { state.pointee.current.depth }
    /// The text of the current text event, NUL-terminated, valid until the next ``read()``.
    @inline(__always) package var value: UnsafePointer<UInt8>? {
        let current = state.pointee.current
        return current.kind == Kind.text.rawValue ? UnsafePointer(state.pointee.arena + Int(current.first)) : nil
    }

    /// Calls `body` with each attribute of the current element: local name, namespace URI, value.
    @inline(__always)
    package func forEachAttribute(_ body: (Name, Name, UnsafePointer<UInt8>) throws -> Void) rethrows {
        let current = state.pointee.current
        guard current.kind == Kind.element.rawValue else { return }
        let attributes = state.pointee.attributes, arena = state.pointee.arena
        var index = Int(current.first)
        let end = index + Int(current.count)
        while index < end {
            let attribute = attributes[index]
            try body(attribute.name, attribute.namespace, UnsafePointer(arena + Int(attribute.value)))
            index += 1
        }
    }

    /// The value of the attribute with local name `name` (any namespace) as a string.
    package func attribute(_ name: Name) -> String? {
        var result: String?
        forEachAttribute { local, _, value in
            if result == nil, local == name { result = String(cString: value) }
        }
        return result
    }

    /// Reads the text content of the current element up to its end, skipping child elements whose
    /// local name is in `skipping` (with their content). Leaves the reader on the end element.
    package func text(skipping: [Name] = []) throws -> String {
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
    /// `_xHHHH_` escapes are decoded. Leaves the reader on the end element.
    func stringItem(text t: Name, skipping: Name) throws -> String {
        try withStringItem(text: t, skipping: skipping) { OOXMLEscapes.string($0) }
    }

    /// Reads a string item as ``stringItem(text:skipping:)`` does, handing `body` its UTF-8 bytes as written
    /// (`_xHHHH_` escapes not decoded; valid only during the call).
    func withStringItem<R>(text t: Name, skipping: Name, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) throws -> R {
        let start = depth
        // A buffer reused from item to item (most items are short: no allocation per item).
        var bytes = scratch
        scratch = []
        defer {
            bytes.removeAll(keepingCapacity: true)
            scratch = bytes
        }
        var skipDepth: Int32 = -1
        var textDepth: Int32 = -1
        // Excel keeps a <t>'s leading and trailing whitespace only with xml:space="preserve".
        var textStart = 0
        var preserve = false
        while try read() {
            switch kind {
            case Kind.endElement.rawValue:
                let d = depth
                if d == start { return try bytes.withUnsafeBufferPointer { try body($0) } }
                if d == skipDepth { skipDepth = -1 }
                if d == textDepth {
                    textDepth = -1
                    if !preserve { XMLReader.trimWhitespace(&bytes, from: textStart) }
                }
            case Kind.element.rawValue:
                guard skipDepth < 0 else { break }
                let local = localName
                if local == skipping {
                    skipDepth = depth
                } else if local == t, textDepth < 0 {
                    textDepth = depth
                    textStart = bytes.count
                    preserve = attribute(spaceName) == "preserve"
                }
            case Kind.text.rawValue:
                guard skipDepth < 0, textDepth >= 0 else { break }
                let current = state.pointee.current
                bytes.append(contentsOf: UnsafeBufferPointer(start: UnsafePointer(state.pointee.arena + Int(current.first)),
                                                             count: Int(current.count)))
                if bytes.count > XMLReader.maxTextBytes { throw tooLongText() }
            default:
                break
            }
        }
        throw ImportError(.malformed, file: fileName, detail: "XML 内容意外结束", place: partName)
    }

    /// The interned name of `xml:space`'s local part.
    private lazy var spaceName: Name = intern("space")

    /// Removes the XML whitespace (space, tab, CR, LF) at both ends of `bytes[from...]`.
    static func trimWhitespace(_ bytes: inout [UInt8], from start: Int) {
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
        while bytes.count > start, isSpace(bytes[bytes.count - 1]) { bytes.removeLast() }
        var first = start
        while first < bytes.count, isSpace(bytes[first]) { first += 1 }
        if first > start { bytes.removeSubrange(start..<first) }
    }

    /// Skips the rest of the current element (its children); leaves the reader on its end element.
    package func skipElement() throws {
        if isEmptyElement { return }
        if pausedEvent >= 0, state.pointee.position - 1 == pausedEvent {
            // The skimmer paused after this start tag: drop the body unparsed (libxml2 then sees the end tag).
            skimmer?.beginDrop()
            pausedEvent = -1
        }
        let start = depth
        while try read() {
            if kind == Kind.endElement.rawValue, depth == start { return }
        }
    }

    /// The line the parser is at, for messages.
    var line: Int { Int(context.pointee.input?.pointee.line ?? 0) }

    /// An error that names this part.
    package func malformed(_ detail: String, place: String? = nil) -> ImportError {
        ImportError(.malformed, file: fileName, detail: detail, place: place ?? partName)
    }

    /// The most bytes one text may have: far above Excel's 32,767 characters (at most 4 bytes each in UTF-8).
    package static let maxTextBytes = 1 << 20

    /// The error for a text longer than ``maxTextBytes``.
    package func tooLongText() -> ImportError {
        malformed("文本内容超过 Excel 单元格的上限（32767 个字符），文件可能已损坏或是恶意构造的")
    }

    private func unsafeDTD() -> ImportError {
        ImportError(.unsafeContent, file: fileName,
                    detail: "文件中的 XML 含有文档类型（DOCTYPE）或实体声明，正常的 Excel 文件不会有；可能是恶意构造的文件（实体扩展或外部实体攻击），已拒绝",
                    place: partName)
    }

    private func failure() -> ImportError {
        if state.pointee.sawDoctype { return unsafeDTD() }
        if let (line, message) = state.pointee.parseError {
            if message.contains("ntity") || message.contains("DOCTYPE") { return unsafeDTD() }
            return malformed("XML 格式错误（第 \(line) 行：\(message)）")
        }
        return malformed("XML 格式错误")
    }

    /// One event of a chunk.
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

    /// One attribute of an element event.
    struct Attribute {
        var name: UnsafePointer<UInt8>?
        var namespace: UnsafePointer<UInt8>?
        /// Offset of the NUL-terminated value in the arena.
        var value: Int32
    }

    /// What libxml2's callbacks record for one chunk, and the reader's position in it. Buffers are raw
    /// memory, grown as needed and reused from chunk to chunk.
    struct State {
        var context: xmlParserCtxtPtr?
        var events = UnsafeMutablePointer<Event>.allocate(capacity: 4096)
        var eventCount = 0
        var eventCapacity = 4096
        var attributes = UnsafeMutablePointer<Attribute>.allocate(capacity: 4096)
        var attributeCount = 0
        var attributeCapacity = 4096
        /// Text and attribute values of the current chunk, each NUL-terminated.
        var arena = UnsafeMutablePointer<UInt8>.allocate(capacity: 1 << 17)
        var arenaCount = 0
        var arenaCapacity = 1 << 17
        var depth: Int32 = 0
        var position = 0
        var current = Event(kind: 0, depth: 0, name: nil, namespace: nil, first: 0, count: 0)
        var finished = false
        var parseError: (Int, String)?
        var sawDoctype = false
        /// Elements whose attributes are recorded; empty: all.
        var wanted: [UnsafePointer<UInt8>?] = []
        /// Prolog scan: 0 looking for `<`; 1 after `<`; 2 after `<!`; 3 the root element has begun.
        var prolog = 0
        var prologDone: Bool { prolog == 3 }

        func free() {
            events.deallocate()
            attributes.deallocate()
            arena.deallocate()
        }

        mutating func reset() {
            eventCount = 0
            attributeCount = 0
            arenaCount = 0
            position = 0
        }

        private mutating func reserveArena(_ extra: Int) {
            guard arenaCount + extra > arenaCapacity else { return }
            var capacity = arenaCapacity * 2
            while arenaCount + extra > capacity { capacity *= 2 }
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
            grown.update(from: arena, count: arenaCount)
            arena.deallocate()
            arena = grown
            arenaCapacity = capacity
        }

        private mutating func appendEvent(_ event: Event) {
            if eventCount == eventCapacity {
                let grown = UnsafeMutablePointer<Event>.allocate(capacity: eventCapacity * 2)
                grown.moveInitialize(from: events, count: eventCount)
                events.deallocate()
                events = grown
                eventCapacity *= 2
            }
            events[eventCount] = event
            eventCount += 1
        }

        /// Copies a value into the arena (NUL-terminated); `&#38;` (how libxml2 passes `&` in attribute
        /// values when entities are not substituted) becomes `&`.
        private mutating func store(_ start: UnsafePointer<UInt8>, _ length: Int, attribute: Bool) -> Int32 {
            reserveArena(length + 1)
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

        mutating func start(_ name: UnsafePointer<UInt8>?, _ uri: UnsafePointer<UInt8>?, _ count: Int,
                            _ values: UnsafeMutablePointer<UnsafePointer<UInt8>?>?) {
            let first = Int32(attributeCount)
            if count > 0, let values, wanted.isEmpty || wanted.contains(name) {
                if attributeCount + count > attributeCapacity {
                    var capacity = attributeCapacity * 2
                    while attributeCount + count > capacity { capacity *= 2 }
                    let grown = UnsafeMutablePointer<Attribute>.allocate(capacity: capacity)
                    grown.moveInitialize(from: attributes, count: attributeCount)
                    attributes.deallocate()
                    attributes = grown
                    attributeCapacity = capacity
                }
                for index in 0..<count {
                    let base = values + index * 5
                    guard let start = base[3], let end = base[4] else { continue }
                    let offset = store(start, end - start, attribute: true)
                    attributes[attributeCount] = Attribute(name: base[0], namespace: base[2], value: offset)
                    attributeCount += 1
                }
            }
            appendEvent(Event(kind: Kind.element.rawValue, depth: depth, name: name, namespace: uri,
                              first: first, count: Int32(attributeCount) - first))
            depth += 1
        }

        mutating func end(_ name: UnsafePointer<UInt8>?, _ uri: UnsafePointer<UInt8>?) {
            depth -= 1
            appendEvent(Event(kind: Kind.endElement.rawValue, depth: depth, name: name, namespace: uri, first: 0, count: 0))
        }

        mutating func characters(_ text: UnsafePointer<UInt8>, _ length: Int) {
            if eventCount > 0 {
                let last = events[eventCount - 1]
                if last.kind == Kind.text.rawValue, Int(last.first) + Int(last.count) + 1 == arenaCount {
                    // Continue the previous text: overwrite its NUL.
                    arenaCount -= 1
                    reserveArena(length + 1)
                    (arena + arenaCount).update(from: text, count: length)
                    arenaCount += length
                    arena[arenaCount] = 0
                    arenaCount += 1
                    events[eventCount - 1].count += Int32(length)
                    return
                }
            }
            let offset = store(text, length, attribute: false)
            appendEvent(Event(kind: Kind.text.rawValue, depth: depth, name: nil, namespace: nil,
                              first: offset, count: Int32(length)))
        }

        mutating func refuseDoctype() {
            sawDoctype = true
            if let context { xmlStopParser(context) }
        }

        /// Looks at the bytes before the root element for `<!` other than a comment (a DOCTYPE).
        mutating func scanProlog(_ bytes: UnsafeBufferPointer<UInt8>, _ count: Int) {
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
