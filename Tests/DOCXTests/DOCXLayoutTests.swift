import Foundation
import Testing
import TaizhangCore
import TaizhangDOCX
import TaizhangMemo
import TaizhangTestSupport

/// What a person sees: every document passes `openxml-audit`, opens in LibreOffice Writer, and prints on A4
/// with at most 22 lines a page and 28 characters a line, the title on the first page, and page numbers on
/// every page but a 版记-only last page.
@Suite(.serialized) struct DOCXLayoutTests {
    static let soffice = FileManager.default.isExecutableFile(atPath: "/usr/bin/soffice")

    /// A word as `pdftotext -bbox` gives it.
    struct Word {
        var page: Int
        var x0, y0, x1, y1: Double
        var text: String
    }

    /// The document written, audited, printed to PDF; its words.
    static func printed(_ doc: OfficialDocument, name: String) throws -> (words: [Word], pages: Int, pageSize: String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("taizhang-docx-\(name)-\(getpid())")
        try? FileManager.default.removeItem(at: dir)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer {
            // TAIZHANG_DOCX_KEEP=folder keeps the documents and PDFs to look at.
            if let keep = ProcessInfo.processInfo.environment["TAIZHANG_DOCX_KEEP"] {
                try? FileManager.default.createDirectory(atPath: keep, withIntermediateDirectories: true)
                for ext in ["docx", "pdf"] {
                    try? FileManager.default.copyItem(atPath: dir.appendingPathComponent("\(name).\(ext)").path,
                                                      toPath: keep + "/\(name).\(ext)")
                }
            }
            try? FileManager.default.removeItem(at: dir)
        }
        let sink = MemorySink()
        try DOCXExporter().export(doc, to: sink)
        let file = dir.appendingPathComponent("\(name).docx")
        try Data(sink.bytes).write(to: file)

        let audit = try ExternalProgram.tool("python3", ["-m", "openxml_audit", file.path, "-o", "json"])
        #expect(audit.stdout.contains("\"error_count\": 0"), "openxml-audit: \(audit.stdout.prefix(1500))")

        try ExternalProgram.tool("soffice", ["-env:UserInstallation=file://\(dir.path)/profile", "--headless",
                                             "--convert-to", "pdf", "--outdir", dir.path, file.path])
        let pdf = dir.appendingPathComponent("\(name).pdf").path
        let info = try ExternalProgram.tool("pdfinfo", [pdf]).stdout
        let pages = Int(info.split(separator: "\n").first { $0.hasPrefix("Pages:") }?.split(separator: " ").last ?? "0") ?? 0
        let size = info.split(separator: "\n").first { $0.hasPrefix("Page size:") }.map(String.init) ?? ""
        let html = try ExternalProgram.tool("pdftotext", ["-bbox", pdf, "-"]).stdout
        var words: [Word] = []
        var page = 0
        let number = #"([0-9.]+)"#
        let wordPattern = try NSRegularExpression(
            pattern: "<word xMin=\"\(number)\" yMin=\"\(number)\" xMax=\"\(number)\" yMax=\"\(number)\">([^<]*)</word>")
        for line in html.split(separator: "\n") {
            let s = String(line)
            if s.contains("<page ") { page += 1; continue }
            guard let m = wordPattern.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) else { continue }
            func group(_ i: Int) -> String { String(s[Range(m.range(at: i), in: s)!]) }
            words.append(Word(page: page, x0: Double(group(1))!, y0: Double(group(2))!, x1: Double(group(3))!,
                              y1: Double(group(4))!, text: group(5)))
        }
        return (words, pages, size)
    }

    /// The printed lines of each page: words grouped by their baseline, in reading order.
    static func lines(_ words: [Word]) -> [Int: [[Word]]] {
        var out: [Int: [[Word]]] = [:]
        for (page, ws) in Dictionary(grouping: words, by: \.page) {
            var lines: [[Word]] = []
            for w in ws.sorted(by: { ($0.y1, $0.x0) < ($1.y1, $1.x0) }) {
                if let last = lines.last?.last, abs(last.y1 - w.y1) < 4 { lines[lines.count - 1].append(w) } else { lines.append([w]) }
            }
            out[page] = lines.map { $0.sorted { $0.x0 < $1.x0 } }
        }
        return out
    }

    /// A line's characters, a half-width one counting half.
    static func characters(_ line: [Word]) -> Double {
        line.reduce(0) { $0 + Double(DisplayWidth.columns($1.text)) / 2 }
    }

    /// The bottom of the text area (35 mm above the page's foot), in PDF points from the top.
    static let textBottom = 841.89 - 35 / 25.4 * 72

    /// Checks the page, the grid, the title and the page numbers; returns the lines by page.
    @discardableResult
    static func checkLayout(_ doc: OfficialDocument, name: String, recordOnOwnPage: Bool = false,
                            sourceLocation: SourceLocation = #_sourceLocation) throws -> [Int: [[Word]]] {
        let (words, pages, size) = try printed(doc, name: name)
        #expect(size.contains("595.") && size.contains("841.") && size.contains("A4"), "\(size)", sourceLocation: sourceLocation)
        #expect(pages >= 1, sourceLocation: sourceLocation)
        let byPage = lines(words)
        for page in 1...pages {
            let all = byPage[page] ?? []
            let body = all.filter { $0[0].y1 < textBottom + 2 }
            let foot = all.filter { $0[0].y1 >= textBottom + 2 }
            #expect(body.count <= 22, "page \(page) has \(body.count) lines", sourceLocation: sourceLocation)
            for line in body {
                #expect(characters(line) <= 28, "page \(page): \(line.map(\.text).joined()) is \(characters(line)) characters",
                        sourceLocation: sourceLocation)
            }
            let numberText = foot.map { $0.map(\.text).joined() }.joined()
            if page == pages && recordOnOwnPage {
                #expect(foot.isEmpty, "the 版记's own page has no number: \(numberText)", sourceLocation: sourceLocation)
            } else {
                #expect(numberText == "—\(page)—", "page \(page) footer: \(numberText)", sourceLocation: sourceLocation)
                if let w = foot.first?.first {
                    // Odd pages at the right, even at the left.
                    #expect(page % 2 == 1 ? w.x0 > 400 : w.x0 < 200, "page \(page) number at x=\(w.x0)", sourceLocation: sourceLocation)
                }
            }
        }
        let first = (byPage[1] ?? []).map { $0.map(\.text).joined() }.joined()
        let title = doc.title.filter { !$0.isWhitespace }
        #expect(first.contains(String(title.prefix(8))), "the title is on page 1", sourceLocation: sourceLocation)
        return byPage
    }

    static func sample(paragraphs: Int, record: Bool, head: Bool = false) -> OfficialDocument {
        var body: [OfficialDocumentBlock] = [.paragraph("按照《辽宁省工业和信息化系统大力整治行政执法突出问题专项行动工作方案》要求，现将我单位2024年6月专项整治工作进展情况报告如下：")]
        for i in 0..<paragraphs {
            if i % 3 == 0 { body.append(.heading(level: 1, text: "总体进展情况")) }
            if i % 3 == 1 { body.append(.heading(level: 2, text: "加强组织领导")) }
            body.append(.heading(level: 3, text: "问题查摆。", run: "截至本月，我单位自查台账共登记突出问题12个，其中本月新发现3个；整改工作台账共列问题12个，已整改8个，整改率66.7%。"))
            body.append(.paragraph("专项整治开展以来，累计解决突出问题25个，办结投诉举报案件12件，纠正执法过错行为3起，公布典型案例2个，完善执法制度5项，宣传先进典型1个。"))
        }
        body.append(.paragraph("特此报告。"))
        return OfficialDocument(
            issuerMark: head ? "辽宁省工业和信息化厅文件" : nil,
            number: head ? DocumentNumber(agencyCode: "辽工信法", year: 2024, serial: 12) : nil,
            title: "沈阳市工业和信息化局关于2024年6月大力整治行政执法突出问题工作进展情况的报告",
            recipients: ["辽宁省工业和信息化厅"], body: body,
            attachments: ["2024年6月工作进展台账", "沈阳市整改工作台账（截至2024年6月）"],
            signature: "沈阳市工业和信息化局", date: CivilDate(year: 2024, month: 6, day: 24)!,
            note: "联系人：张三，联系电话：024-12345678",
            copiedTo: record ? ["辽宁省司法厅", "各市工业和信息化局"] : [],
            printer: record ? "沈阳市工业和信息化局办公室" : nil, printDate: record ? CivilDate(year: 2024, month: 6, day: 24)! : nil)
    }

    @Test(.enabled(if: soffice), .timeLimit(.minutes(3)))
    func longReportPrintsOnTheGrid() throws {
        let pages = try Self.checkLayout(Self.sample(paragraphs: 9, record: false), name: "long")
        #expect(pages.count >= 3)
    }

    @Test(.enabled(if: soffice), .timeLimit(.minutes(3)))
    func recordSitsOnTheLastPage() throws {
        let pages = try Self.checkLayout(Self.sample(paragraphs: 2, record: true, head: true), name: "record")
        let last = pages[pages.keys.max()!]!.map { $0.map(\.text).joined() }
        #expect(last.contains { $0.hasPrefix("抄送：") })
        #expect(last.contains { $0.hasSuffix("印发") })
        #expect(pages[1]!.first.map { $0.map(\.text).joined() } == "辽宁省工业和信息化厅文件")
    }

    @Test(.enabled(if: soffice), .timeLimit(.minutes(3)))
    func recordOnAPageOfItsOwnHasNoNumber() throws {
        // A body that fills its last page: the 版记 goes to a page of its own, without a number.
        var found = false
        for n in 3...8 where !found {
            let doc = Self.sample(paragraphs: n, record: true)
            let (words, pages, _) = try Self.printed(doc, name: "probe\(n)")
            let last = Self.lines(words)[pages] ?? []
            let text = last.map { $0.map(\.text).joined() }
            if text.allSatisfy({ $0.hasPrefix("抄送") || $0.hasSuffix("印发") || $0.hasPrefix("—") }) && text.count <= 3 {
                try Self.checkLayout(doc, name: "own\(n)", recordOnOwnPage: true)
                found = true
            }
        }
        #expect(found, "no body length put the 版记 on a page of its own")
    }

    @Test(.enabled(if: soffice), .timeLimit(.minutes(3)))
    func sameFiguresAsTheTextMemo() throws {
        let doc = Self.sample(paragraphs: 4, record: true)
        let (words, _, _) = try Self.printed(doc, name: "figures")
        let printed = Self.lines(words).sorted { $0.key < $1.key }.flatMap { $0.value }
            .filter { $0[0].y1 < Self.textBottom + 2 }.map { $0.map(\.text).joined() }.joined()
        let memo = try MemoRenderer().render(doc)
        func figures(_ s: String) -> [String] {
            s.split(whereSeparator: { !$0.isASCII || !($0.isNumber || $0 == ".") }).map(String.init)
        }
        #expect(figures(printed) == figures(memo))
    }
}
