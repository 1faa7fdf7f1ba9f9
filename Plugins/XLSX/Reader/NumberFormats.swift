/// Which number formats show a number as a date or time.
package enum NumberFormats {
    /// Whether a built-in number format id is a date or time format. Besides the common 14–22 and
    /// 45–47, this includes the East-Asian built-ins 27–36 and 50–58 (31 is `yyyy"年"m"月"d"日"`),
    /// which many readers miss.
    package static func isBuiltinDate(_ id: Int) -> Bool {
        switch id {
        case 14...22, 27...36, 45...47, 50...58: return true
        default: return false
        }
    }

    /// Whether a custom format code shows a date or time: it has a `y`, `m`, `d`, `h` or `s` token
    /// outside quoted text, `\`-escapes, `_`/`*` padding and `[...]` brackets (colours such as `[Red]`,
    /// locales such as `[$-804]`, conditions). Elapsed-time formats (`[h]:mm`) are durations, not dates,
    /// and are not counted. Only the first section (positive numbers) is considered.
    package static func isDateFormatCode(_ code: String) -> Bool {
        var iterator = code.utf8.makeIterator()
        var inQuotes = false
        while let byte = iterator.next() {
            if inQuotes {
                if byte == UInt8(ascii: "\"") { inQuotes = false }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                inQuotes = true
            case UInt8(ascii: "\\"), UInt8(ascii: "_"), UInt8(ascii: "*"):
                _ = iterator.next()
            case UInt8(ascii: "["):
                var content: [UInt8] = []
                while let inner = iterator.next(), inner != UInt8(ascii: "]") { content.append(inner | 0x20) }
                if !content.isEmpty, content.allSatisfy({ $0 == UInt8(ascii: "h") || $0 == UInt8(ascii: "m") || $0 == UInt8(ascii: "s") }) {
                    return false  // elapsed time: a duration
                }
            case UInt8(ascii: ";"):
                return false
            case UInt8(ascii: "y"), UInt8(ascii: "Y"), UInt8(ascii: "m"), UInt8(ascii: "M"),
                 UInt8(ascii: "d"), UInt8(ascii: "D"), UInt8(ascii: "h"), UInt8(ascii: "H"),
                 UInt8(ascii: "s"), UInt8(ascii: "S"):
                return true
            default:
                continue
            }
        }
        return false
    }
}

/// Decoding of the `_xHHHH_` escapes OOXML uses for characters XML cannot hold.
enum OOXMLEscapes {
    /// Replaces each `_xHHHH_` with the UTF-16 code unit it names (`_x005F_` is a literal `_`, so
    /// `_x005F_x000D_` decodes to the text `_x000D_`). Surrogate pairs are joined; a lone surrogate
    /// becomes U+FFFD.
    static func decode(_ text: String) -> String {
        var text = text
        return text.withUTF8 { bytes in
            guard bytes.count >= 7, containsEscape(bytes) else { return nil }
            return decodeEscapes(bytes)
        } ?? text
    }

    /// The text of UTF-8 `bytes`, with `_xHHHH_` escapes decoded.
    static func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        if bytes.count >= 7, containsEscape(bytes) { return decodeEscapes(bytes) }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func decodeEscapes(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count)
        var index = 0
        var plain = [UInt8]()
        func flushPlain() {
            if !plain.isEmpty {
                units.append(contentsOf: String(decoding: plain, as: UTF8.self).utf16)
                plain.removeAll(keepingCapacity: true)
            }
        }
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "_"), index + 6 < bytes.count, bytes[index + 1] == UInt8(ascii: "x"),
               bytes[index + 6] == UInt8(ascii: "_"), let unit = hex4(bytes, index + 2) {
                flushPlain()
                units.append(unit)
                index += 7
            } else {
                plain.append(bytes[index])
                index += 1
            }
        }
        flushPlain()
        return String(decoding: units, as: UTF16.self)
    }

    static func containsEscape(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        while index + 1 < bytes.count {
            if bytes[index] == UInt8(ascii: "_"), bytes[index + 1] == UInt8(ascii: "x") { return true }
            index += 1
        }
        return false
    }

    private static func hex4(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int) -> UInt16? {
        var value: UInt16 = 0
        for byte in bytes[start..<start + 4] {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - 48
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - 87
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - 55
            default: return nil
            }
            value = value << 4 | UInt16(digit)
        }
        return value
    }
}
