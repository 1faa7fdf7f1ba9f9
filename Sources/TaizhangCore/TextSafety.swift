/// Text from a file made safe to print on a terminal: a cell holding `_x001B_[2J` (an escape sequence, once
/// decoded), a file name with a newline or a carriage return, or a right-to-left override must not clear the
/// screen, move the cursor or draw a fake line such as "已接收 …".
public enum TextSafety {
    /// `text` with every control character replaced by a visible stand-in: C0 controls (newline and tab
    /// included) by their Control Pictures (`␛`, `␤`, `␉`), DEL by `␡`, C1 controls and the bidirectional
    /// overrides and isolates by `�`.
    public static func printable(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isUnsafe) else { return text }
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x0A: result.append("\u{2424}")  // ␤
            case 0x00...0x1F: result.append(Unicode.Scalar(0x2400 + scalar.value)!)
            case 0x7F: result.append("\u{2421}")  // ␡
            default: result.append(isUnsafe(scalar) ? "\u{FFFD}" : scalar)
            }
        }
        return String(result)
    }

    /// `text` made printable except its line breaks and tabs (for multi-line text Taizhang composed itself,
    /// such as a report or a table, whose parts from files were made printable already).
    public static func printableKeepingLines(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { isUnsafe($0) && $0 != "\n" && $0 != "\t" }) else { return text }
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.split(separator: "\t", omittingEmptySubsequences: false).map { printable(String($0)) }
                .joined(separator: "\t")
        }.joined(separator: "\n")
    }

    static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C: return true  // bidi controls
        default: return false
        }
    }
}
