import TaizhangCore
import TaizhangMemo

/// Splits a title between lines as GB/T 9704 asks: 词意完整 (never inside a word), 排列对称 (lines of about
/// equal length), in as few lines as the title's size allows.
///
/// Words are found by longest match against the names the document itself gives (its 发文机关, 主送机关,
/// 抄送机关: whole names, never split) and a list of the words official titles are made of (``words``);
/// a run of digits stays with the measure word after it (`2024年6月`), a 书名号 or quoted name stays whole,
/// and no line starts with 的 or closing punctuation. Any other boundary between two characters is allowed.
public struct TitleLines: Sendable {
    /// Words never split between lines (besides the document's own names).
    public var words: [String]
    /// The most characters a line holds (two-column units: a digit counts half).
    public var maxCharacters: Int

    /// The words of the campaign's titles.
    public static let standardWords = [
        "工业和信息化", "信息化", "关于", "大力整治", "行政执法", "突出问题", "专项整治", "专项", "整治", "工作", "进展",
        "情况", "报告", "通知", "总结", "报送", "材料", "退回", "修改", "全省", "系统", "台账", "自查", "整改", "函",
        "示范区", "产业创新局", "人民政府", "办公室", "办公厅",
    ]

    public init(words: [String] = TitleLines.standardWords, maxCharacters: Int) {
        self.words = words
        self.maxCharacters = maxCharacters
    }

    /// The lines of `title`; `names` are the document's own names (never split).
    public func lines(_ title: String, names: [String] = []) -> [String] {
        let chars = Array(title)
        guard !chars.isEmpty else { return [] }
        let widths = chars.map { DisplayWidth.columns(String($0)) }
        let limit = maxCharacters * 2
        guard widths.reduce(0, +) > limit else { return [title] }

        // Where a break is allowed: not inside a word, a name, a number with its measure word, a 《…》 or “…”.
        var allowed = [Bool](repeating: true, count: chars.count + 1)  // allowed[i]: a break before chars[i]
        for i in 1..<chars.count where !LineBreaker.canBreak(between: chars[i - 1], and: chars[i]) || chars[i] == "的" {
            allowed[i] = false
        }
        let lexicon = (names + words).filter { $0.count > 1 }.sorted { $0.count > $1.count }.map { Array($0) }
        var i = 0
        while i < chars.count {
            if let word = lexicon.first(where: { i + $0.count <= chars.count && Array(chars[i..<(i + $0.count)]) == $0 }) {
                for k in (i + 1)..<(i + word.count) { allowed[k] = false }
                i += word.count
            } else {
                i += 1
            }
        }
        for (open, close) in [("《", "》"), ("“", "”")] {
            var start: Int?
            for (k, c) in chars.enumerated() {
                if String(c) == open { start = k }
                if String(c) == close, let s = start, k - s < maxCharacters {
                    for m in (s + 1)...k { allowed[m] = false }
                    start = nil
                }
            }
        }
        allowed[0] = true
        allowed[chars.count] = true

        // Fewest lines, then the most even: the longest line as short as it can be; among equals the lower
        // lines longer (a trapezoid, as titles are set).
        var prefix = [0]
        for w in widths { prefix.append(prefix.last! + w) }
        let n = chars.count
        // best[i]: (lines, longest, shape) for chars[0..<i] ending with a break at i.
        var best = [(lines: Int, longest: Int, first: Int, back: Int)?](repeating: nil, count: n + 1)
        best[0] = (0, 0, 0, -1)
        for end in 1...n where allowed[end] {
            for start in stride(from: end - 1, through: 0, by: -1) {
                let width = prefix[end] - prefix[start]
                if width > limit { break }
                guard allowed[start], let before = best[start] else { continue }
                let candidate = (lines: before.lines + 1, longest: max(before.longest, width),
                                 first: start == 0 ? width : before.first, back: start)
                if let current = best[end] {
                    if (candidate.lines, candidate.longest, candidate.first) < (current.lines, current.longest, current.first) {
                        best[end] = candidate
                    }
                } else {
                    best[end] = candidate
                }
            }
        }
        guard best[n] != nil else {
            // No split keeps every word whole within the line: break as running text does.
            return LineBreaker.lines(title, width: limit)
        }
        var cuts: [Int] = []
        var at = n
        while at > 0, let step = best[at] { cuts.append(at); at = step.back }
        var lines: [String] = []
        var start = 0
        for cut in cuts.reversed() {
            lines.append(String(chars[start..<cut]))
            start = cut
        }
        return lines
    }
}
