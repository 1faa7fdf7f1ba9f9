/// The text rules clerks' typing needs: trimming every kind of space, folding full-width forms,
/// and the keys used to match labels, choices and unit names loosely but safely.
public enum TextFolding {
    /// Characters trimmed from both ends: ASCII and Unicode spaces, U+3000, NBSP, zero-width marks, BOM.
    static func isTrimmable(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200B, 0x2028, 0x2029, 0x202F, 0x205F,
             0x3000, 0xFEFF, 0x200C, 0x200D, 0x2060:
            return true
        default:
            return false
        }
    }

    /// `s` without leading and trailing spaces of any kind.
    public static func trimmed(_ s: String) -> String {
        let scalars = s.unicodeScalars
        // Most cells have nothing to trim: the same string, not a copy.
        if let first = scalars.first, let last = scalars.last, !isTrimmable(first), !isTrimmable(last) { return s }
        guard let first = scalars.firstIndex(where: { !isTrimmable($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !isTrimmable($0) })!
        return String(scalars[first...last])
    }

    /// Full-width ASCII variants (U+FF01–U+FF5E) to ASCII, and U+3000 to a space.
    public static func halfWidth(_ s: String) -> String {
        // Full-width forms are three UTF-8 bytes starting EF BC/BD (U+FF01–U+FF5E) or E3 80 80 (U+3000).
        if !s.utf8.contains(where: { $0 == 0xEF || $0 == 0xE3 }) { return s }
        var out = String.UnicodeScalarView()
        for scalar in s.unicodeScalars {
            switch scalar.value {
            case 0xFF01...0xFF5E: out.append(Unicode.Scalar(scalar.value - 0xFEE0)!)
            case 0x3000: out.append(" ")
            default: out.append(scalar)
            }
        }
        return String(out)
    }

    /// Whether `text` contains `part`, comparing UTF-8 bytes (the texts a rule looks for are plain words).
    public static func contains(_ text: String, _ part: String) -> Bool {
        let needle = Array(part.utf8)
        guard let first = needle.first else { return true }
        let hay = Array(text.utf8)
        guard hay.count >= needle.count else { return false }
        var i = 0
        while i <= hay.count - needle.count {
            if hay[i] == first, hay[i..<(i + needle.count)].elementsEqual(needle) { return true }
            i += 1
        }
        return false
    }

    /// Whether the text holds a line break (LF, CR, U+2028/2029, or Excel's `_x000D_` already decoded).
    public static func hasLineBreak(_ s: String) -> Bool {
        // LF, VT, CR are single bytes; U+2028/2029 start with E2.
        let candidate = s.utf8.withContiguousStorageIfAvailable { bytes in
            bytes.contains { $0 == 0x0A || $0 == 0x0B || $0 == 0x0D || $0 == 0xE2 }
        }
        if candidate == false { return false }
        return s.unicodeScalars.contains { $0 == "\n" || $0 == "\r" || $0.value == 0x2028 || $0.value == 0x2029 || $0.value == 0x0B }
    }

    /// A key for loose matching of labels, choices and names: half-width, lower-case ASCII, no spaces or
    /// quotes of any kind, enumeration separators (、，,/／;；) unified, brackets unified.
    public static func matchKey(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in halfWidth(s).unicodeScalars {
            if isTrimmable(scalar) || scalar == " " { continue }
            switch scalar {
            case "\"", "'", "\u{201C}", "\u{201D}", "\u{2018}", "\u{2019}", "\u{300C}", "\u{300D}", "\u{300E}", "\u{300F}",
                 "*", "\u{FF0A}", "\u{2605}", "\u{203B}":
                continue  // quotes, and the asterisk marking required columns
            case "\u{3001}", ",", "/", ";", "\u{FF64}":
                out.append("\u{3001}")
            case "\u{3010}", "[":
                out.append("(")
            case "\u{3011}", "]":
                out.append(")")
            case "A"..."Z":
                out.append(Unicode.Scalar(scalar.value + 32)!)
            default:
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// Full-width digits and the decimal/grouping marks clerks type, folded for number parsing;
    /// grouping commas and spaces removed.
    public static func numeric(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in halfWidth(trimmed(s)).unicodeScalars {
            switch scalar {
            case ",", " ", "\u{00A0}": continue
            case "\u{3002}": out.append(".")  // 。typed for a decimal point
            case "\u{2212}": out.append("-")  // minus sign
            default: out.append(scalar)
            }
        }
        return String(out)
    }
}
