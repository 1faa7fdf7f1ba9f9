import Foundation
import TaizhangTestSupport
import Testing
import TaizhangCore
import TaizhangMemo

@Suite struct MemoRendererTests {
    static let date = CivilDate(year: 2024, month: 5, day: 20)!

    /// A document with every element.
    static var full: OfficialDocument {
        OfficialDocument(
            copyNumber: "000001", secrecy: "秘密★1年", urgency: "加急",
            issuerMark: "辽宁省工业和信息化厅文件",
            number: DocumentNumber(agencyCode: "辽工信发", year: 2024, serial: 7), signer: "张明",
            title: "辽宁省工业和信息化厅关于印发《辽宁省工业和信息化系统大力整治行政执法突出问题工作方案》的通知",
            recipients: ["各市工业和信息化局、沈抚示范区产业创新局", "厅机关各处室"],
            body: [
                .paragraph("为深入贯彻落实党中央、国务院关于严格规范公正文明执法的决策部署，着力解决行政执法领域群众反映强烈的突出问题，现将《工作方案》印发给你们，请认真贯彻执行。"),
                .heading(level: 1, text: "总体要求"),
                .paragraph("坚持问题导向，聚焦执法不作为、乱作为、不规范等突出问题，开展为期4个月的专项整治。"),
                .heading(level: 2, text: "整治范围"),
                .heading(level: 3, text: "执法不作为。", run: "主要包括不履行或不充分履行法定职责，发现问题不处理，查处不到位不及时等情形。"),
                .heading(level: 4, text: "对诉求推诿扯皮。"),
                .heading(level: 4, text: "投诉举报处理不及时不反馈。"),
                .heading(level: 3, text: "执法乱作为。"),
                .heading(level: 2, text: "时间安排"),
                .heading(level: 3, text: "自清自查阶段（2024年5月20日至5月31日）。"),
                .heading(level: 1, text: "工作要求"),
                .paragraph("各单位要于每月24日前报送工作进展台账，联系电话：024-12345678。"),
            ],
            attachments: ["行政执法突出问题自查台账", "行政执法突出问题整改工作台账（含整改措施、整改时限、责任人和整改完成情况等内容）。",
                          "工作进展台账"],
            signature: "辽宁省工业和信息化厅", date: date,
            note: "联系人：李华，联系电话：024-12345678",
            copiedTo: ["省委依法治省办", "省司法厅", "省纪委监委驻省工业和信息化厅纪检监察组"],
            printer: "辽宁省工业和信息化厅办公室", printDate: CivilDate(year: 2024, month: 5, day: 21)!)
    }

    @Test func fullDocumentMatchesGolden() throws {
        let text = try MemoRenderer().render(Self.full)
        Layout.check(text)
        Golden.check(text, "layout-full")
    }

    @Test func documentNumberFormat() {
        #expect(DocumentNumber(agencyCode: "辽工信函", year: 2024, serial: 12).description == "辽工信函〔2024〕12号")
        #expect(DocumentNumber(agencyCode: "辽工信函", year: 2024, serial: 7).description == "辽工信函〔2024〕7号")
        let text = DocumentNumber(agencyCode: "辽工信发", year: 2024, serial: 105).description
        #expect(!text.contains("第") && !text.contains("[") && !text.contains("（") && !text.contains("〔0"))
    }

    @Test func documentNumberIsCentredWithoutSigner() throws {
        var doc = Self.full
        doc.signer = nil
        let lines = Layout.lines(try MemoRenderer().render(doc))
        let line = try #require(lines.first { $0.contains("〔2024〕") })
        let text = "辽工信发〔2024〕7号"
        let left = DisplayWidth.columns(line) - DisplayWidth.columns(text)
        #expect(line.hasSuffix(text))
        #expect(left == (56 - DisplayWidth.columns(text)) / 2)
    }

    @Test func signatureAndDateAreFlushRightOn28Characters() throws {
        for signature in ["沈阳市工业和信息化局", "辽宁省工业和信息化厅政策法规处"] {
            var doc = Self.full
            doc.signature = signature
            doc.date = CivilDate(year: 2024, month: 9, day: 5)!
            let lines = Layout.lines(try MemoRenderer().render(doc))
            let s = try #require(lines.firstIndex { TextFolding.trimmed($0) == signature })
            #expect(DisplayWidth.columns(lines[s]) == 56)
            #expect(lines[s + 1].hasSuffix("2024年9月5日"))
            #expect(TextFolding.trimmed(lines[s + 1]) == "2024年9月5日")
            #expect(DisplayWidth.columns(lines[s + 1]) == 56)
            #expect(lines[s - 1].isEmpty)
        }
    }

    @Test func paragraphsStartWithTwoIdeographicSpacesAndWrapAt28() throws {
        let paragraph = String(repeating: "整治行政执法突出问题", count: 7)  // 70 characters
        let doc = OfficialDocument(title: "标题", body: [.paragraph(paragraph)], signature: "某单位", date: Self.date)
        let lines = Layout.lines(try MemoRenderer().render(doc))
        let start = try #require(lines.firstIndex { $0.hasPrefix("\u{3000}\u{3000}整治") })
        #expect(lines[start] == "\u{3000}\u{3000}" + String(paragraph.prefix(26)))
        #expect(lines[start + 1] == String(paragraph.dropFirst(26).prefix(28)))
        #expect(lines[start + 2] == String(paragraph.dropFirst(54)))
    }

    @Test func closingPunctuationPullsThePreviousCharacterDown() throws {
        // 26 characters fill the first line; the 27th is followed by 。, so it moves down with it.
        let text = String(repeating: "甲", count: 26) + "乙。丙丁"
        let lines = LineBreaker.lines(text, width: 56, firstPrefix: "\u{3000}\u{3000}")
        #expect(lines == ["\u{3000}\u{3000}" + String(repeating: "甲", count: 26), "乙。丙丁"])
        let text2 = String(repeating: "甲", count: 25) + "乙。”丙丁"
        let lines2 = LineBreaker.lines(text2, width: 56, firstPrefix: "\u{3000}\u{3000}")
        #expect(lines2 == ["\u{3000}\u{3000}" + String(repeating: "甲", count: 25), "乙。”丙丁"])
        // An opening mark never ends a line: it goes down with what it opens.
        let text3 = String(repeating: "甲", count: 25) + "《乙》"
        let lines3 = LineBreaker.lines(text3, width: 56, firstPrefix: "\u{3000}\u{3000}")
        #expect(lines3 == ["\u{3000}\u{3000}" + String(repeating: "甲", count: 25), "《乙》"])
        // Numbers, ellipses and dashes stay whole.
        let text4 = String(repeating: "甲", count: 25) + "024-12345678"
        #expect(LineBreaker.lines(text4, width: 56, firstPrefix: "\u{3000}\u{3000}")[1] == "024-12345678")
        let text5 = String(repeating: "甲", count: 25) + "乙……"
        #expect(LineBreaker.lines(text5, width: 56, firstPrefix: "\u{3000}\u{3000}")[1] == "乙……")
    }

    @Test func headingNumbersByLevel() throws {
        let levels = [1, 2, 2, 3, 3, 4, 4, 1, 2, 3, 4, 1]
        let body = levels.map { OfficialDocumentBlock.heading(level: $0, text: "标题") }
        let doc = OfficialDocument(title: "标题", body: body, signature: "某单位", date: Self.date)
        let lines = Layout.lines(try MemoRenderer().render(doc))
            .filter { $0.hasPrefix("\u{3000}\u{3000}") && !$0.hasPrefix("\u{3000}\u{3000}\u{3000}") && $0.hasSuffix("标题") }
        #expect(lines.map { String($0.dropFirst(2).dropLast(2)) } == [
            "一、", "（一）", "（二）", "1.", "2.", "（1）", "（2）", "二、", "（一）", "1.", "（1）", "三、",
        ])
        #expect(!lines.contains { $0.contains("）、") })
        #expect(throws: MemoError.self) {
            try MemoRenderer().render(OfficialDocument(title: "标题", body: [.heading(level: 5, text: "x")],
                                                       signature: "某单位", date: Self.date))
        }
    }

    @Test(arguments: [(1, "一"), (9, "九"), (10, "十"), (11, "十一"), (20, "二十"), (23, "二十三"), (99, "九十九")])
    func chineseNumerals(n: Int, text: String) {
        #expect(MemoRenderer.chineseNumeral(n) == text)
    }

    @Test func recipientsFlushLeftWithColon() throws {
        let lines = Layout.lines(try MemoRenderer().render(Self.full))
        #expect(lines.contains("各市工业和信息化局、沈抚示范区产业创新局，厅机关各处室："))
    }

    @Test func attachmentsAreNumberedAndAligned() throws {
        let lines = Layout.lines(try MemoRenderer().render(Self.full))
        let first = try #require(lines.firstIndex { $0.hasPrefix("\u{3000}\u{3000}附件：") })
        #expect(lines[first - 1].isEmpty)
        #expect(lines[first] == "\u{3000}\u{3000}附件：1.行政执法突出问题自查台账")
        // Item 2 starts under "1."; its second line under the first character of its name; no trailing 。.
        #expect(lines[first + 1].hasPrefix(String(repeating: "\u{3000}", count: 5) + "2.行政执法"))
        #expect(lines[first + 2].hasPrefix(String(repeating: "\u{3000}", count: 6)))
        #expect(!lines[first + 2].hasSuffix("。"))
        #expect(lines[first + 3] == String(repeating: "\u{3000}", count: 5) + "3.工作进展台账")
        // One attachment: no number.
        var one = Self.full
        one.attachments = ["工作进展台账"]
        #expect(Layout.lines(try MemoRenderer().render(one)).contains("\u{3000}\u{3000}附件：工作进展台账"))
    }

    @Test func imprintShape() throws {
        let lines = Layout.lines(try MemoRenderer().render(Self.full))
        let n = lines.count
        #expect(lines[n - 1] == String(repeating: "=", count: 56))
        let printed = lines[n - 2]
        #expect(printed.hasPrefix("\u{3000}辽宁省工业和信息化厅办公室"))
        #expect(printed.hasSuffix("2024年5月21日印发"))
        #expect(DisplayWidth.columns(printed) == 54)  // one character's margin on the right
        #expect(lines[n - 3] == String(repeating: "-", count: 56))
        let copied = lines.firstIndex { $0.hasPrefix("\u{3000}抄送：") }!
        #expect(lines[copied - 1] == String(repeating: "=", count: 56))
        let copiedText = lines[copied..<(n - 3)].joined()
        #expect(copiedText.hasSuffix("。"))
        #expect(copiedText.contains("省委依法治省办，省司法厅，"))
        // No printer: no middle rule.
        var doc = Self.full
        doc.printer = nil
        let short = Layout.lines(try MemoRenderer().render(doc))
        #expect(!short.contains(String(repeating: "-", count: 56)))
    }

    @Test func exporterOptions() throws {
        let doc = OfficialDocument(title: "标题", body: [.paragraph("正文。")], signature: "某单位", date: Self.date)
        let plain = MemorySink()
        try MemoExporter().export(doc, to: plain)
        #expect(!plain.bytes.starts(with: [0xEF, 0xBB, 0xBF]))
        #expect(!plain.bytes.contains(0x0D))
        let windows = MemorySink()
        try MemoExporter(byteOrderMark: true, crlf: true).export(doc, to: windows)
        #expect(windows.bytes.starts(with: [0xEF, 0xBB, 0xBF]))
        let text = String(decoding: windows.bytes.dropFirst(3), as: UTF8.self)
        #expect(text == (try MemoRenderer().render(doc)).replacingOccurrences(of: "\n", with: "\r\n"))
        #expect(MemoExporter().format.id == "memo")
    }
}

/// Random paragraphs: the line breaker never starts a line with closing punctuation, never ends one with
/// opening punctuation, never exceeds the width and never loses a character.
@Suite struct LineBreakerPropertyTests {
    static func paragraph(_ rng: inout SplitMix) -> String {
        let hanzi = Array("执法整改问题台账单位报送工作进展情况责任时限措施")
        let closing = Array("，。、；：？！）」』】》”’")
        let opening = Array("（「『【《“‘")
        // Text starts with a character that may start a line (text that itself begins with 。 cannot be helped).
        var text = String(hanzi.randomElement(using: &rng)!)
        for _ in 0..<Int.random(in: 5...60, using: &rng) {
            switch Int.random(in: 0..<20, using: &rng) {
            case 0: text += String(Int.random(in: 0...99_999_999, using: &rng))
            case 1: text += "……"
            case 2: text += "——"
            case 3, 4: text += String(opening.randomElement(using: &rng)!)
            case 5: text += "024-1234"
            default: break
            }
            for _ in 0..<Int.random(in: 1...4, using: &rng) { text += String(hanzi.randomElement(using: &rng)!) }
            if Int.random(in: 0..<3, using: &rng) == 0 {
                for _ in 0..<Int.random(in: 1...2, using: &rng) { text += String(closing.randomElement(using: &rng)!) }
            }
        }
        return text
    }

    @Test func randomParagraphs() {
        var rng = SplitMix(seed: 20240520)
        var checked = 0
        var pulledDown = 0
        for _ in 0..<2000 {
            let text = Self.paragraph(&rng)
            let lines = LineBreaker.lines(text, width: 56, firstPrefix: "\u{3000}\u{3000}")
            #expect(String(lines.joined().dropFirst(2)) == text)
            for (i, line) in lines.enumerated() {
                #expect(DisplayWidth.columns(line) <= 56, "\(line)")
                if i > 0 { #expect(!LineBreaker.noStart.contains(line.first!), "\(text)") }
                if i < lines.count - 1 {
                    #expect(!LineBreaker.noEnd.contains(line.last!), "\(text)")
                    if DisplayWidth.columns(line) < 55 { pulledDown += 1 }
                }
                checked += 1
            }
        }
        #expect(checked > 4000)
        #expect(pulledDown > 100)
    }

    @Test func randomDocumentsKeepTheLayoutRules() throws {
        var rng = SplitMix(seed: 9704)
        for _ in 0..<200 {
            var body: [OfficialDocumentBlock] = []
            for _ in 0..<Int.random(in: 1...8, using: &rng) {
                if Int.random(in: 0..<3, using: &rng) == 0 {
                    body.append(.heading(level: Int.random(in: 1...4, using: &rng), text: Self.paragraph(&rng),
                                         run: Bool.random(using: &rng) ? Self.paragraph(&rng) : nil))
                } else {
                    body.append(.paragraph(Self.paragraph(&rng)))
                }
            }
            let doc = OfficialDocument(
                title: Self.paragraph(&rng), recipients: [Self.paragraph(&rng)], body: body,
                attachments: (0..<Int.random(in: 0...3, using: &rng)).map { _ in Self.paragraph(&rng) },
                signature: "辽宁省工业和信息化厅", date: CivilDate(year: 2024, month: 12, day: 31)!,
                note: Bool.random(using: &rng) ? Self.paragraph(&rng) : nil,
                copiedTo: (0..<Int.random(in: 0...4, using: &rng)).map { _ in Self.paragraph(&rng) },
                printer: "辽宁省工业和信息化厅办公室")
            let text = try MemoRenderer().render(doc)
            Layout.check(text)
            let lines = Layout.lines(text)
            #expect(lines.contains("　　　　　　　　　　　　　　　　　　　　　2024年12月31日"))
        }
        // (pulled-down count checked below: the rule was exercised, not just never needed)
    }
}
