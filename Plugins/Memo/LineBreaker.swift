import TaizhangCore

/// Breaks Chinese text into lines of a fixed display width, following the punctuation rules of
/// GB/T 15834-2011 (kinsoku):
///
/// - a line never starts with a closing mark: 点号 (，。、；：？！), the second half of quotes, brackets and
///   书名号 (”’）」』】》〉〕), 间隔号 and 连接号 (· ～), 省略号 (…, as most Chinese typesetting avoids it at a
///   line start, stricter than GB/T 15834) and the half-width forms (, . ; : ? ! ) ] } %);
/// - a line never ends with an opening mark (“‘（「『【《〈〔 and ( [ {);
/// - 省略号 …… and 破折号 —— are never split, nor a run of half-width letters, digits and signs
///   (`2024`, `024-12345678`, `SY-001`), nor a number from the character after it (`3个`, `2024年`).
///
/// When the next character may not start a line, the previous one is pulled down with it (the line is left
/// short), never squeezed into the line. Widths are display columns (``DisplayWidth``): a CJK character
/// takes two.
public enum LineBreaker {
    /// Characters that never start a line.
    public static let noStart: Set<Character> = [
        "，", "。", "、", "；", "：", "？", "！", "）", "」", "』", "】", "》", "〉", "〕", "〗", "〙", "］", "｝",
        "”", "’", "·", "・", "～", "％", "‰", "℃", "．", "…", "⋯",
        ",", ".", ";", ":", "?", "!", ")", "]", "}", "%",
    ]
    /// Characters that never end a line.
    public static let noEnd: Set<Character> = [
        "（", "「", "『", "【", "《", "〈", "〔", "〖", "〘", "［", "｛", "“", "‘", "(", "[", "{",
    ]
    /// Characters that come in pairs that must stay on one line.
    static let paired: Set<Character> = ["…", "—", "⋯"]

    /// Whether `c` is a half-width printable character that belongs to a word or number run.
    static func isHalfWidthWord(_ c: Character) -> Bool {
        guard c.unicodeScalars.count == 1, let v = c.unicodeScalars.first?.value else { return false }
        return v > 0x20 && v < 0x7F
    }

    /// Whether a line may break between `a` and `b`.
    public static func canBreak(between a: Character, and b: Character) -> Bool {
        if noStart.contains(b) || noEnd.contains(a) { return false }
        if a == b && paired.contains(a) { return false }
        if isHalfWidthWord(a) && isHalfWidthWord(b) { return false }
        if a.isASCII && a.isNumber && b != " " { return false }  // a number stays with its measure word (3个)
        return true
    }

    /// The lines of `text`: the first starts with `firstPrefix`, the others with `restPrefix`; no line is wider
    /// than `width` columns, prefix included, unless a run of characters that may not be split is itself wider
    /// than a line (it is then cut where a closing mark would not start the next line, or, failing that, the
    /// closing marks hang past the edge). Line breaks in `text` start new lines (with `restPrefix`).
    public static func lines(_ text: String, width: Int, firstPrefix: String = "", restPrefix: String = "") -> [String] {
        var result: [String] = []
        let paragraphs = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }
        for (p, paragraph) in paragraphs.enumerated() {
            let prefix = p == 0 ? firstPrefix : restPrefix
            result += lines(Array(paragraph), width: width, firstPrefix: prefix, restPrefix: restPrefix)
        }
        return result
    }

    static func lines(_ chars: [Character], width: Int, firstPrefix: String, restPrefix: String) -> [String] {
        let widths = chars.map { DisplayWidth.columns(String($0)) }
        var lines: [String] = []
        var start = 0
        var prefix = firstPrefix
        while start < chars.count {
            let available = width - DisplayWidth.columns(prefix)
            // The longest run from `start` that fits.
            var end = start
            var used = 0
            while end < chars.count && used + widths[end] <= available {
                used += widths[end]
                end += 1
            }
            if end < chars.count {
                // Break before `end`, or earlier where a break is allowed.
                var cut = end
                while cut > start && !canBreak(between: chars[cut - 1], and: chars[cut]) { cut -= 1 }
                if cut == start {
                    // No allowed break in the line: cut anyway, but never before a closing mark.
                    cut = max(end, start + 1)
                    var back = cut
                    while back > start + 1 && noStart.contains(chars[back]) { back -= 1 }
                    if !noStart.contains(chars[back]) {
                        cut = back
                    } else {
                        while cut < chars.count && noStart.contains(chars[cut]) { cut += 1 }  // hang
                    }
                }
                end = cut
            }
            lines.append(prefix + String(chars[start..<end]))
            start = end
            prefix = restPrefix
        }
        if lines.isEmpty { lines.append(firstPrefix) }
        return lines
    }
}
