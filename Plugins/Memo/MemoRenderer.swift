import Foundation
import TaizhangCore

/// Why a memo could not be written, in Chinese.
public struct MemoError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong.
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Lays out an ``OfficialDocument`` as plain text in the manner of GB/T 9704-2012 (党政机关公文格式).
///
/// The page grid is 28 characters a line: 56 display columns, a CJK character taking two
/// (``DisplayWidth``). The layout:
///
/// - 版头: 份号, 密级和保密期限, 紧急程度 flush left, one a line; 发文机关标志 centred; 发文字号 centred (or, with a
///   签发人, 发文字号 left with one character's indent and `签发人：姓名` right with one character's margin); a heavy
///   rule (`=`) for the red separator line. Without 发文机关标志 (a letter), 发文字号 stands at the right with one
///   character's margin and there is no rule.
/// - 标题 centred, wrapped at 24 characters (two short of each margin, so it reads as centred); a blank
///   line before and after.
/// - 主送机关 flush left, joined with `，`, ending with `：`; continuation lines flush left.
/// - 正文: paragraphs begin with two U+3000 spaces; continuation lines flush left. Headings are numbered by
///   level, 一、 （一） 1. （1）, counted in document order (a heading resets the counters below its level);
///   nothing follows （一） or （1）. Headings are indented like paragraphs.
/// - 附件说明 after a blank line: `　　附件：1.名称`, later items aligned under the first number, a long name
///   continuing under its own first character; trailing punctuation of a name is dropped. One attachment has
///   no number.
/// - 发文机关署名 after a blank line, and 成文日期 on the next line, both flush with the right edge of the
///   28-character line; 成文日期 in Arabic numerals without zero padding (`2024年5月20日`). No seal placeholder.
/// - 附注 on the line after the date, indented two characters, in full-width parentheses.
/// - 版记 after a blank line: a heavy rule, `　抄送：A，B。` (one character's indent, continuation aligned after
///   the colon, ending with `。`), a thin rule (`-`), `　印发机关` left and `印发日期印发` right with one
///   character's margin on one line, and a closing heavy rule.
///
/// Every line is broken by ``LineBreaker`` (no line starts with closing punctuation); no line has trailing
/// white space; lines end with LF.
public struct MemoRenderer: Sendable {
    /// The characters a line holds (28 by GB/T 9704).
    public var charactersPerLine: Int

    public init(charactersPerLine: Int = 28) {
        self.charactersPerLine = charactersPerLine
    }

    /// The line width in display columns.
    public var width: Int { charactersPerLine * 2 }

    /// The ideographic space, the indentation unit.
    static let space: Character = "\u{3000}"

    /// `columns` columns of white space: ideographic spaces, and one ASCII space for an odd column.
    static func blank(_ columns: Int) -> String {
        guard columns > 0 else { return "" }
        return String(repeating: space, count: columns / 2) + (columns % 2 == 1 ? " " : "")
    }

    /// `text` centred on the line.
    func centred(_ text: String) -> String {
        let w = DisplayWidth.columns(text)
        return Self.blank(max(0, (width - w) / 2)) + text
    }

    /// `text` flush with the right edge, `margin` columns from it.
    func right(_ text: String, margin: Int = 0) -> String {
        Self.blank(max(0, width - margin - DisplayWidth.columns(text))) + text
    }

    /// A title's lines: at most 24 characters each (two short of each margin, so a long title stays visibly
    /// centred), and balanced: as few lines as that allows, of about equal length, so no line is a stub.
    func titleLines(_ title: String) -> [String] {
        let maxWidth = width - 8
        let natural = LineBreaker.lines(title, width: maxWidth)
        guard natural.count > 1 else { return natural }
        let total = DisplayWidth.columns(title)
        var target = (total + natural.count - 1) / natural.count
        while target < maxWidth {
            let lines = LineBreaker.lines(title, width: target)
            if lines.count <= natural.count { return lines }
            target += 1
        }
        return natural
    }

    /// Renders `doc` as text with LF line ends.
    public func render(_ doc: OfficialDocument) throws -> String {
        guard charactersPerLine >= 10 else { throw MemoError("每行字数不能少于 10 个") }
        let title = TextFolding.trimmed(doc.title)
        guard !title.isEmpty else { throw MemoError("公文缺少标题") }
        guard !TextFolding.trimmed(doc.signature).isEmpty else { throw MemoError("公文缺少发文机关署名") }
        var out: [String] = []

        // 版头
        for item in [doc.copyNumber, doc.secrecy, doc.urgency].compactMap({ $0 }) where !item.isEmpty {
            out.append(item)
        }
        var hasMark = false
        if let mark = doc.issuerMark, !mark.isEmpty {
            if !out.isEmpty { out.append("") }
            out += LineBreaker.lines(mark, width: width).map(centred)
            hasMark = true
        }
        if !hasMark, doc.signer == nil, let number = doc.number {
            // No letterhead (a letter): 发文字号 at the right with one character's margin, no rule.
            out.append(right(number.description, margin: 2))
        } else if doc.number != nil || doc.signer != nil {
            if !out.isEmpty { out.append("") }
            let number = doc.number?.description ?? ""
            if let signer = doc.signer, !signer.isEmpty {
                let left = "\(Self.space)\(number)"
                let signed = "签发人：\(signer)"
                let gap = width - 2 - DisplayWidth.columns(left) - DisplayWidth.columns(signed)
                guard gap >= 2 else { throw MemoError("发文字号与签发人过长，无法排在一行") }
                out.append(left + Self.blank(gap) + signed)
            } else {
                out.append(centred(number))
            }
        }
        if hasMark { out.append(String(repeating: "=", count: width)) }
        if !out.isEmpty { out.append("") }

        // 标题
        out += titleLines(title).map(centred)
        out.append("")

        // 主送机关
        let recipients = doc.recipients.map(TextFolding.trimmed).filter { !$0.isEmpty }
        if !recipients.isEmpty {
            out += LineBreaker.lines(recipients.joined(separator: "，") + "：", width: width)
        }

        // 正文
        out += try body(doc.body)

        // 附件说明
        let attachments = doc.attachments.map(Self.attachmentName).filter { !$0.isEmpty }
        if !attachments.isEmpty {
            out.append("")
            let lead = "\(Self.space)\(Self.space)附件："
            let leadWidth = DisplayWidth.columns(lead)
            for (i, name) in attachments.enumerated() {
                let number = attachments.count == 1 ? "" : "\(i + 1)."
                let first = (i == 0 ? lead : Self.blank(leadWidth)) + number
                out += LineBreaker.lines(name, width: width, firstPrefix: first,
                                         restPrefix: Self.blank(DisplayWidth.columns(first)))
            }
        }

        // 署名、成文日期、附注
        out.append("")
        for line in LineBreaker.lines(TextFolding.trimmed(doc.signature), width: width) { out.append(right(line)) }
        out.append(right(doc.date.chinese))
        if let note = doc.note.map(TextFolding.trimmed), !note.isEmpty {
            out += LineBreaker.lines("（\(note)）", width: width, firstPrefix: "\(Self.space)\(Self.space)")
        }

        // 版记
        let copied = doc.copiedTo.map(TextFolding.trimmed).filter { !$0.isEmpty }
        let hasPrinter = doc.printer.map { !TextFolding.trimmed($0).isEmpty } ?? false
        if !copied.isEmpty || hasPrinter {
            out.append("")
            out.append(String(repeating: "=", count: width))
            if !copied.isEmpty {
                let lead = "\(Self.space)抄送："
                out += LineBreaker.lines(copied.joined(separator: "，") + "。", width: width - 2, firstPrefix: lead,
                                         restPrefix: Self.blank(DisplayWidth.columns(lead)))
                if hasPrinter { out.append(String(repeating: "-", count: width)) }
            }
            if let printer = doc.printer.map(TextFolding.trimmed), !printer.isEmpty {
                let left = "\(Self.space)\(printer)"
                let date = "\((doc.printDate ?? doc.date).chinese)印发"
                let gap = width - 2 - DisplayWidth.columns(left) - DisplayWidth.columns(date)
                guard gap >= 2 else { throw MemoError("印发机关名称过长，无法与印发日期排在一行") }
                out.append(left + Self.blank(gap) + date)
            }
            out.append(String(repeating: "=", count: width))
        }
        return out.map(Self.trimmingTrailingSpace).joined(separator: "\n") + "\n"
    }

    /// The lines of the body.
    func body(_ blocks: [OfficialDocumentBlock]) throws -> [String] {
        var out: [String] = []
        var counters = [0, 0, 0, 0]
        let indent = "\(Self.space)\(Self.space)"
        for block in blocks {
            switch block {
            case .paragraph(let text):
                let lines = text.split(omittingEmptySubsequences: true) { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }
                for line in lines {
                    let trimmed = TextFolding.trimmed(String(line))
                    if trimmed.isEmpty { continue }
                    out += LineBreaker.lines(trimmed, width: width, firstPrefix: indent)
                }
            case .heading(let level, let text, let run):
                guard (1...4).contains(level) else { throw MemoError("标题层级须为 1 至 4，而不是 \(level)") }
                counters[level - 1] += 1
                for deeper in level..<4 { counters[deeper] = 0 }
                let number = Self.headingNumber(level: level, counter: counters[level - 1])
                var line = number + TextFolding.trimmed(text)
                if let run { line += TextFolding.trimmed(run) }
                out += LineBreaker.lines(line, width: width, firstPrefix: indent)
            }
        }
        return out
    }

    /// The number of a heading: 一、 （一） 1. （1）.
    public static func headingNumber(level: Int, counter: Int) -> String {
        switch level {
        case 1: return chineseNumeral(counter) + "、"
        case 2: return "（" + chineseNumeral(counter) + "）"
        case 3: return "\(counter)."
        default: return "（\(counter)）"
        }
    }

    /// 1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 99 → 九十九; beyond 99 in Arabic numerals.
    public static func chineseNumeral(_ n: Int) -> String {
        let digits = ["〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"]
        switch n {
        case 1...9: return digits[n]
        case 10...19: return "十" + (n == 10 ? "" : digits[n - 10])
        case 20...99: return digits[n / 10] + "十" + (n % 10 == 0 ? "" : digits[n % 10])
        default: return String(n)
        }
    }

    /// An attachment's name without white space or punctuation at its end.
    static func attachmentName(_ name: String) -> String {
        var text = TextFolding.trimmed(name)
        while let last = text.last, "。，、；：！？.,;:!?".contains(last) {
            text.removeLast()
            text = TextFolding.trimmed(text)
        }
        return text
    }

    static func trimmingTrailingSpace(_ line: String) -> String {
        var line = line
        while let last = line.last, last == " " || last == Self.space { line.removeLast() }
        return line
    }
}

/// Writes official documents as plain-text files.
public struct MemoExporter: DocumentExporter {
    /// The renderer.
    public var renderer: MemoRenderer
    /// Whether the file starts with a UTF-8 byte order mark (Notepad on older Windows needs one to read UTF-8).
    public var byteOrderMark: Bool
    /// Whether lines end with CRLF rather than LF.
    public var crlf: Bool

    public init(renderer: MemoRenderer = MemoRenderer(), byteOrderMark: Bool = false, crlf: Bool = false) {
        self.renderer = renderer
        self.byteOrderMark = byteOrderMark
        self.crlf = crlf
    }

    /// The memo format.
    public var format: FormatDescriptor { MemoFormat.descriptor }

    /// Writes `doc` as UTF-8 text.
    public func export(_ doc: OfficialDocument, to sink: any ByteSink) throws {
        var text = try renderer.render(doc)
        if crlf { text = text.replacingOccurrences(of: "\n", with: "\r\n") }
        if byteOrderMark { try sink.write([0xEF, 0xBB, 0xBF]) }
        try sink.write(text)
    }
}
