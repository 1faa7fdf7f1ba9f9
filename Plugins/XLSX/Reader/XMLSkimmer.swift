#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A byte-level tokenizer that lets ``XMLReader`` skip an element's body without handing it to libxml2.
///
/// In *pass* mode it follows the markup (tags, quoted attribute values, comments, CDATA sections, processing
/// instructions) only to find the start tags whose local name is one of ``pauseNames``: the reader feeds
/// libxml2 up to the end of such a tag and pauses there, so the element's start event is the last event it
/// holds. When the reader is asked to skip that element, the skimmer switches to *drop* mode: it counts start
/// and end tags (nothing else) until the element's own end tag, and the reader feeds libxml2 a synthesised
/// `</qname>` in place of the body. libxml2 thus sees `<qname …></qname>`: every byte it does see is parsed
/// as before (DOCTYPE refused, no entity expansion), and the dropped bytes are never parsed or expanded —
/// their well-formedness is checked only when they are read for real.
///
/// All state survives chunk boundaries. The element's qualified name is kept (up to ``maxName`` bytes; a
/// longer name is never a pause name).
struct XMLSkimmer {
    /// Local names (as UTF-8) of the start tags to pause after.
    let pauseNames: [[UInt8]]
    /// The qualified name of the start tag paused after (valid after ``Outcome/paused``).
    private(set) var pausedName: [UInt8] = []
    /// Whether the body of an element is being dropped.
    private(set) var dropping = false
    /// Depth below the dropped element (1: its direct content).
    private var dropDepth = 0
    private var state = State.text
    /// The qualified name being collected (pass mode).
    private var name: [UInt8] = []
    /// The byte before the current one inside a tag (to tell `/>` from `>`).
    private var previous: UInt8 = 0
    /// Bytes matched so far of the opener or closer being looked for (`<!--`, `-->`, `<![CDATA[`, `]]>`, `?>`).
    private var run = 0

    static let maxName = 256

    private enum State: UInt8 {
        case text, afterLT, startName, inTag, doubleQuoted, singleQuoted, endTag, bang, comment, cdata, pi, declaration
    }

    /// How a call to ``scan(_:from:to:)`` ended.
    enum Outcome {
        /// Every byte was scanned (pass: feed them; drop: drop them).
        case exhausted
        /// Pass mode: a pause start tag ends just before the returned index (feed up to it, then pause).
        case paused
        /// Drop mode: the dropped element's end tag ends just before the returned index (drop up to it, feed
        /// `</pausedName>`); the skimmer is back in pass mode.
        case dropEnded
    }

    init(pauseNames: [String]) {
        self.pauseNames = pauseNames.map { Array($0.utf8) }
    }

    /// Starts dropping the body of the element paused after (the scanner is just past its start tag's `>`).
    mutating func beginDrop() {
        dropping = true
        dropDepth = 1
        state = .text
    }

    /// Scans `bytes[from..<to]`; returns where it stopped and why.
    mutating func scan(_ bytes: UnsafePointer<UInt8>, from: Int, to end: Int) -> (Int, Outcome) {
        var i = from
        while i < end {
            switch state {
            case .text:
                guard let found = memchr(bytes + i, 0x3C, end - i) else { return (end, .exhausted) }
                i = UnsafeRawPointer(found).assumingMemoryBound(to: UInt8.self) - bytes + 1
                state = .afterLT
                continue
            case .afterLT:
                let b = bytes[i]
                i += 1
                switch b {
                case 0x2F:  // </
                    state = .endTag
                case 0x21:  // <!
                    state = .bang
                    run = 0
                case 0x3F:  // <?
                    state = .pi
                    run = 0
                default:
                    previous = b
                    if dropping {
                        state = .inTag
                    } else {
                        name.removeAll(keepingCapacity: true)
                        name.append(b)
                        state = .startName
                    }
                }
            case .startName:
                let b = bytes[i]
                if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D || b == 0x2F || b == 0x3E {
                    state = .inTag  // the byte is looked at again there
                    previous = 0
                    continue
                }
                if name.count < XMLSkimmer.maxName { name.append(b) } else { name.append(0) }  // never matches
                i += 1
            case .inTag:
                // Attributes: find `>`, `"` or `'`.
                var p = previous
                while i < end {
                    let b = bytes[i]
                    i += 1
                    if b == 0x3E {
                        state = .text
                        let selfClosing = p == 0x2F
                        if dropping {
                            if !selfClosing { dropDepth += 1 }
                        } else if !selfClosing, isPauseName() {
                            pausedName = name
                            return (i, .paused)
                        }
                        break
                    }
                    if b == 0x22 { state = .doubleQuoted; break }
                    if b == 0x27 { state = .singleQuoted; break }
                    p = b
                }
                if state == .inTag { previous = p }  // the chunk ended inside the tag
            case .doubleQuoted, .singleQuoted:
                let quote: Int32 = state == .doubleQuoted ? 0x22 : 0x27
                guard let found = memchr(bytes + i, quote, end - i) else { return (end, .exhausted) }
                i = UnsafeRawPointer(found).assumingMemoryBound(to: UInt8.self) - bytes + 1
                state = .inTag
                previous = UInt8(quote)
            case .endTag:
                guard let found = memchr(bytes + i, 0x3E, end - i) else { return (end, .exhausted) }
                i = UnsafeRawPointer(found).assumingMemoryBound(to: UInt8.self) - bytes + 1
                state = .text
                if dropping {
                    dropDepth -= 1
                    if dropDepth == 0 {
                        dropping = false
                        return (i, .dropEnded)
                    }
                }
            case .bang:
                // `<!--` (run counts the dashes), `<![CDATA[` (run counts 10 + matched bytes of "[CDATA["),
                // anything else a declaration up to `>`.
                let b = bytes[i]
                i += 1
                if run < 10 {
                    if b == 0x2D {
                        run += 1
                        if run == 2 { state = .comment; run = 0 }
                    } else if run == 0, b == 0x5B {
                        run = 11
                    } else {
                        state = b == 0x3E ? .text : .declaration
                    }
                } else {
                    let cdata: [UInt8] = [0x5B, 0x43, 0x44, 0x41, 0x54, 0x41, 0x5B]  // [CDATA[
                    if b == cdata[run - 10] {
                        run += 1
                        if run == 17 { state = .cdata; run = 0 }
                    } else {
                        state = b == 0x3E ? .text : .declaration
                    }
                }
            case .comment:
                // Find `-->`: run counts the dashes just seen.
                let b = bytes[i]
                i += 1
                if b == 0x2D { run += 1 } else if b == 0x3E, run >= 2 { state = .text } else { run = 0 }
            case .cdata:
                let b = bytes[i]
                i += 1
                if b == 0x5D { run += 1 } else if b == 0x3E, run >= 2 { state = .text } else { run = 0 }
            case .pi:
                let b = bytes[i]
                i += 1
                if b == 0x3F { run = 1 } else if b == 0x3E, run == 1 { state = .text } else { run = 0 }
            case .declaration:
                guard let found = memchr(bytes + i, 0x3E, end - i) else { return (end, .exhausted) }
                i = UnsafeRawPointer(found).assumingMemoryBound(to: UInt8.self) - bytes + 1
                state = .text
            }
        }
        return (end, .exhausted)
    }

    private func isPauseName() -> Bool {
        let local: ArraySlice<UInt8>
        if let colon = name.lastIndex(of: 0x3A) { local = name[(colon + 1)...] } else { local = name[...] }
        return pauseNames.contains { $0.elementsEqual(local) }
    }

    /// The local part of ``pausedName``.
    var pausedLocalName: ArraySlice<UInt8> {
        if let colon = pausedName.lastIndex(of: 0x3A) { return pausedName[(colon + 1)...] }
        return pausedName[...]
    }
}
