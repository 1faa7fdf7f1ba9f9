import TaizhangCore
import TaizhangMemo
import TaizhangOOXML

/// `word/document.xml`: an ``OfficialDocument`` laid out in the manner of GB/T 9704-2012 (see
/// ``OfficialLayout`` for the page and the grid, ``StylesPart`` for the fonts).
///
/// - 版头, where the document has a 发文机关标志: 份号, 密级 and 紧急程度 flush left; the 标志 centred in red;
///   a blank line; 发文字号 centred (with a 签发人: 发文字号 left with one character's indent and 签发人 right
///   with one character's margin) above the red separator line; two blank lines before the title. Without
///   a 标志 (a letter), 发文字号 stands at the right with one character's margin.
/// - 标题 in 2号 centred, split between lines at word boundaries (``TitleLines``); a blank line after it.
/// - 主送机关 flush left; 正文 paragraphs and headings with a two-character first-line indent; 一、 headings in
///   黑体, （一） in 楷体, 1. and （1） in the body font (a heading's run in the body font), numbered as the
///   text memo numbers them (``MemoRenderer/headingNumber(level:counter:)``).
/// - 附件说明 after a blank line, later items aligned under the first number.
/// - 发文机关署名 after a blank line and 成文日期 under it, the date four characters from the right edge and the
///   署名 centred over the date (two characters when the 署名 is the longer); 附注 under them, indented two.
/// - 版记 (抄送, 印发机关 and 印发日期, with heavy rules above and below and a thin one between) at the foot of
///   the last page: blank lines fill the page up to it. When the body leaves no room, the 版记 goes on a page
///   of its own, a section without a page number.
///
/// How many lines the body takes is counted as the text memo breaks its lines (28 characters, a digit half
/// of one); the digits' font (Times New Roman, or what replaces it) is narrower than that, so the count is
/// never short and the 版记 never pushed onto a page of its own by a miscount.
struct DocumentPart {
    let layout: OfficialLayout
    let titleLines: TitleLines

    /// Relationship ids of the footers.
    struct Footers {
        var odd: String
        var even: String
        var none: String
    }

    /// Paragraph kinds, by style id (``StylesPart``).
    enum Style: String {
        case mark = "OfficialMark", number = "DocumentNumber", title = "OfficialTitle", recipients = "Recipients"
        case body = "BodyText", heading1 = "Heading1", heading2 = "Heading2", heading3 = "Heading3"
        case signature = "Signature", record = "Record", plain = "Plain", rule = "Rule"
    }

    /// A run: text in the paragraph's font, or in another.
    enum Run {
        case text(String)
        case font(String, String)  // font, text
        case sized(Int, String)  // size in half-points, text
        case tab
        case lineBreak
    }

    func write(_ doc: OfficialDocument, footers: Footers) throws(ExportError) -> [UInt8] {
        let title = TextFolding.trimmed(doc.title)
        guard !title.isEmpty else { throw ExportError("公文缺少标题") }
        guard !TextFolding.trimmed(doc.signature).isEmpty else { throw ExportError("公文缺少发文机关署名") }
        let w = try XMLWriter()
        w.start("w:document")
        w.attribute("xmlns:w", "http://schemas.openxmlformats.org/wordprocessingml/2006/main")
        w.attribute("xmlns:r", "http://schemas.openxmlformats.org/officeDocument/2006/relationships")
        w.start("w:body")
        var lines = 0  // grid lines used so far

        func paragraph(_ style: Style, _ runs: [Run], align: String? = nil, indent: (left: Int, right: Int, first: Int)? = nil,
                       border: [(side: StaticString, size: Int, color: String, space: Int)] = [],
                       tabs: [(kind: StaticString, position: Int)] = [], count: Int = 1) {
            w.start("w:p")
            w.start("w:pPr")
            w.start("w:pStyle"); w.attribute("w:val", style.rawValue); w.end()
            if !border.isEmpty {
                w.start("w:pBdr")
                for b in border {
                    w.start(b.side); w.attribute("w:val", "single"); w.attribute("w:sz", b.size)
                    w.attribute("w:space", b.space); w.attribute("w:color", b.color); w.end()
                }
                w.end()
            }
            if !tabs.isEmpty {
                w.start("w:tabs")
                for t in tabs { w.start("w:tab"); w.attribute("w:val", t.kind); w.attribute("w:pos", t.position); w.end() }
                w.end()
            }
            if let indent {
                w.start("w:ind")
                w.attribute("w:left", indent.left)
                w.attribute("w:right", indent.right)
                if indent.first >= 0 { w.attribute("w:firstLine", indent.first) } else { w.attribute("w:hanging", -indent.first) }
                w.end()
            }
            if let align { w.start("w:jc"); w.attribute("w:val", align); w.end() }
            w.end()
            for run in runs {
                w.start("w:r")
                switch run {
                case .text(let text):
                    textElement(text)
                case .font(let font, let text):
                    w.start("w:rPr")
                    w.start("w:rFonts"); w.attribute("w:eastAsia", font); w.attribute("w:hint", "eastAsia"); w.end()
                    w.end()
                    textElement(text)
                case .sized(let size, let text):
                    w.start("w:rPr")
                    w.start("w:sz"); w.attribute("w:val", size); w.end()
                    w.start("w:szCs"); w.attribute("w:val", size); w.end()
                    w.end()
                    textElement(text)
                case .tab:
                    w.start("w:tab"); w.end()
                case .lineBreak:
                    w.start("w:br"); w.end()
                }
                w.end()
            }
            w.end()
            lines += count
        }
        func textElement(_ text: String) {
            w.start("w:t")
            if text.first == " " || text.last == " " || text.contains("  ") { w.attribute("xml:space", "preserve") }
            w.text(text)
            w.end()
        }
        func blank() { paragraph(.plain, []) }
        /// Lines a paragraph of `text` takes, the first line indented by `indent` characters.
        func count(_ text: String, indent: Int = 0, rest: Int = 0, width: Int? = nil) -> Int {
            // Half-width characters wider than half an em in Times New Roman (%, capitals, W, M, @) count as whole
            // characters, so the count is never short.
            let text = String(text.map { c -> Character in
                guard c.isASCII else { return c }
                return c.isUppercase || "%@&#Wwm".contains(c) ? "\u{3000}" : c
            })
            return LineBreaker.lines(text, width: width ?? layout.charactersPerLine * 2,
                              firstPrefix: String(repeating: "\u{3000}", count: indent),
                              restPrefix: String(repeating: "\u{3000}", count: rest)).count
        }
        let ch = layout.character

        // 版头
        var hasHead = false
        for item in [doc.copyNumber, doc.secrecy, doc.urgency].compactMap({ $0 }) where !item.isEmpty {
            paragraph(.heading1, [.text(item)], indent: (0, 0, 0))
            hasHead = true
        }
        let mark = doc.issuerMark.map(TextFolding.trimmed) ?? ""
        if !mark.isEmpty {
            // 小初 (36 pt), smaller when the 标志 would not fit on one line.
            let columns = max(1, DisplayWidth.columns(mark))
            let size = min(72, layout.textWidth * 2 / columns / 10 - 2)
            paragraph(.mark, [.sized(size, mark)], align: "center", count: 2)
            blank()
            hasHead = true
        }
        let number = doc.number?.description ?? ""
        if mark.isEmpty, doc.signer == nil, !number.isEmpty {
            paragraph(.number, [.text(number)], align: "right", indent: (0, ch, 0))
            hasHead = true
        } else if !number.isEmpty || doc.signer != nil {
            if let signer = doc.signer, !signer.isEmpty {
                paragraph(.number, [.text(number), .tab, .text("签发人："), .font(layout.subheadingFont, signer)],
                          indent: (ch, ch, 0), tabs: [(kind: StaticString("right"), position: layout.textWidth - ch)])
            } else {
                paragraph(.number, [.text(number)], align: "center")
            }
            hasHead = true
        }
        if !mark.isEmpty {
            // The red separator line under the 发文字号, then two blank lines (the rule's own line is the first).
            paragraph(.rule, [], border: [(side: StaticString("w:top"), size: 12, color: layout.red, space: 0)])
            blank()
        } else if hasHead {
            blank(); blank()
        }

        // 标题
        let names = [doc.signature] + doc.recipients + doc.copiedTo + [doc.printer ?? ""]
        let split = titleLines.lines(title, names: names.map(TextFolding.trimmed).filter { !$0.isEmpty })
        var titleRuns: [Run] = []
        for (i, line) in split.enumerated() {
            if i > 0 { titleRuns.append(.lineBreak) }
            titleRuns.append(.text(line))
        }
        paragraph(.title, titleRuns, align: "center", count: split.count)
        blank()

        // 主送机关
        let recipients = doc.recipients.map(TextFolding.trimmed).filter { !$0.isEmpty }
        if !recipients.isEmpty {
            let text = recipients.joined(separator: "，") + "："
            paragraph(.recipients, [.text(text)], count: count(text))
        }

        // 正文
        var counters = [0, 0, 0, 0]
        for block in doc.body {
            switch block {
            case .paragraph(let text):
                for line in text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
                    let trimmed = TextFolding.trimmed(String(line))
                    if trimmed.isEmpty { continue }
                    paragraph(.body, [.text(trimmed)], count: count(trimmed, indent: 2))
                }
            case .heading(let level, let text, let run):
                guard (1...4).contains(level) else { throw ExportError("标题层级须为 1 至 4，而不是 \(level)") }
                counters[level - 1] += 1
                for deeper in level..<4 { counters[deeper] = 0 }
                let heading = MemoRenderer.headingNumber(level: level, counter: counters[level - 1]) + TextFolding.trimmed(text)
                let style: Style = level == 1 ? .heading1 : level == 2 ? .heading2 : .heading3
                var runs: [Run] = [.text(heading)]
                let after = run.map(TextFolding.trimmed) ?? ""
                if !after.isEmpty { runs.append(.font(layout.bodyFont, after)) }
                paragraph(style, runs, count: count(heading + after, indent: 2))
            }
        }

        // 附件说明
        let attachments = doc.attachments.map(Self.attachmentName).filter { !$0.isEmpty }
        if !attachments.isEmpty {
            blank()
            for (i, name) in attachments.enumerated() {
                let number = attachments.count == 1 ? "" : "\(i + 1)."
                let numberWidth = number.isEmpty ? 0 : ch  // "1." in the half-width font: within one character
                let lead = 2 * ch + 3 * ch  // 　　附件：
                let text = (i == 0 ? "附件：" : "") + number + name
                paragraph(.body, [.text(text)], indent: (lead + numberWidth, 0, i == 0 ? -(3 * ch + numberWidth) : -numberWidth),
                          count: count(text, indent: i == 0 ? 2 : 5, rest: 5 + (number.isEmpty ? 0 : 1)))
            }
        }

        // 署名、成文日期、附注
        blank()
        let signature = TextFolding.trimmed(doc.signature)
        let date = doc.date.chinese
        let signatureWidth = DisplayWidth.columns(signature), dateWidth = DisplayWidth.columns(date)
        // Insets in half-characters: the date four characters from the edge, the 署名 centred over it.
        var dateInset = 8
        var signatureInset = dateInset + (dateWidth - signatureWidth) / 2
        if signatureInset < 4 {
            signatureInset = 4
            dateInset = 4 + (signatureWidth - dateWidth) / 2
        }
        paragraph(.signature, [.text(signature)], align: "right", indent: (0, signatureInset * ch / 2, 0),
                  count: count(signature))
        paragraph(.signature, [.text(date)], align: "right", indent: (0, dateInset * ch / 2, 0))
        if let note = doc.note.map(TextFolding.trimmed), !note.isEmpty {
            let text = "（\(note)）"
            paragraph(.body, [.text(text)], count: count(text, indent: 2))
        }

        // 版记
        let copied = doc.copiedTo.map(TextFolding.trimmed).filter { !$0.isEmpty }
        let printer = doc.printer.map(TextFolding.trimmed) ?? ""
        let small = layout.smallCharacter
        // 4号 characters a line holds, less one character's margin at each side.
        let recordWidth = (layout.textWidth / small - 2) * 2
        var recordLines: [[Run]] = []
        if !copied.isEmpty {
            let lead = "抄送："
            let broken = LineBreaker.lines(copied.joined(separator: "，") + "。", width: recordWidth,
                                           firstPrefix: String(repeating: "\u{3000}", count: 3),
                                           restPrefix: String(repeating: "\u{3000}", count: 3))
            var runs: [Run] = [.text(lead)]
            for (i, line) in broken.enumerated() {
                if i > 0 { runs += [.lineBreak, .tab] }
                runs.append(.text(String(line.drop { $0 == "\u{3000}" })))
            }
            recordLines.append(runs)
        }
        if !printer.isEmpty {
            recordLines.append([.text(printer), .tab, .text("\((doc.printDate ?? doc.date).chinese)印发")])
        }
        let recordCount = recordLines.enumerated().reduce(0) { total, item in
            total + (item.offset == 0 && !copied.isEmpty ? item.element.filter { if case .lineBreak = $0 { return true }; return false }.count + 1 : 1)
        }
        if !recordLines.isEmpty {
            let perPage = layout.linesPerPage
            let used = lines % perPage == 0 ? perPage : lines % perPage
            let ownPage = used + 1 + recordCount > perPage
            if ownPage {
                // The body's section ends here, with its page numbers; the 版记 is a section of its own.
                sectionEnd(w, footers: (footers.odd, footers.even), ownPage: false, inParagraph: true)
            } else {
                for _ in 0..<(perPage - used - recordCount) { blank() }
            }
            let heavy = 8, thin = 6
            for (i, runs) in recordLines.enumerated() {
                var border: [(side: StaticString, size: Int, color: String, space: Int)] = []
                if i == 0 { border.append(("w:top", heavy, "000000", 1)) }
                let isLast = i == recordLines.count - 1
                border.append(("w:bottom", isLast ? heavy : thin, "000000", 1))
                let isCopy = i == 0 && !copied.isEmpty
                paragraph(.record, runs, indent: (small, small, 0), border: border,
                          tabs: isCopy ? [(kind: StaticString("left"), position: small * 4)]
                                       : [(kind: StaticString("right"), position: layout.textWidth - 2 * small)],
                          count: 1)
            }
            sectionEnd(w, footers: ownPage ? (footers.none, footers.none) : (footers.odd, footers.even),
                       ownPage: ownPage, inParagraph: false)
        } else {
            sectionEnd(w, footers: (footers.odd, footers.even), ownPage: false, inParagraph: false)
        }
        w.end()
        w.end()
        return try w.finish() ?? []
    }

    /// Writes a `w:sectPr`: A4, the margins, the line grid, the footers; `ownPage` for the 版记's own section
    /// (a new page, its text at the foot). `inParagraph` wraps it in an empty paragraph (a section's end
    /// inside the body).
    func sectionEnd(_ w: XMLWriter, footers: (odd: String, even: String), ownPage: Bool, inParagraph: Bool) {
        if inParagraph { w.start("w:p"); w.start("w:pPr"); w.start("w:pStyle"); w.attribute("w:val", Style.plain.rawValue); w.end() }
        w.start("w:sectPr")
        w.start("w:footerReference"); w.attribute("w:type", "default"); w.attribute("r:id", footers.odd); w.end()
        w.start("w:footerReference"); w.attribute("w:type", "even"); w.attribute("r:id", footers.even); w.end()
        if ownPage { w.start("w:type"); w.attribute("w:val", "nextPage"); w.end() }
        w.start("w:pgSz"); w.attribute("w:w", layout.pageWidth); w.attribute("w:h", layout.pageHeight); w.end()
        w.start("w:pgMar")
        w.attribute("w:top", layout.top); w.attribute("w:right", layout.right); w.attribute("w:bottom", layout.bottom)
        w.attribute("w:left", layout.left); w.attribute("w:header", 851); w.attribute("w:footer", layout.footer)
        w.attribute("w:gutter", 0)
        w.end()
        w.start("w:cols"); w.attribute("w:space", 425); w.end()
        if ownPage { w.start("w:vAlign"); w.attribute("w:val", "bottom"); w.end() }
        w.start("w:docGrid"); w.attribute("w:type", "lines"); w.attribute("w:linePitch", layout.linePitch); w.end()
        w.end()
        if inParagraph { w.end(); w.end() }
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
}
