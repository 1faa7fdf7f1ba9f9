import Foundation
import Testing
import TaizhangCore
import TaizhangTestSupport

/// Ledgers print legibly (issue 15): rendered to PDF by LibreOffice, the text of every page is 9 pt or more,
/// a blank ledger template (填表说明 included) takes at most 2 pages, and the 整改工作台账 prints on A3.
@Suite struct PrintTests {
    /// Per page of a PDF: the smallest CJK glyph width of words of two or more characters (a CJK glyph is as wide
    /// as its font size), and the page width.
    static let measure = #"""
import re, subprocess, sys, json
html = subprocess.run(["pdftotext", "-bbox", sys.argv[1], "-"], capture_output=True, text=True, check=True).stdout
pages = []
for page in html.split("<page")[1:]:
    width = float(re.search(r'width="([\d.]+)"', page).group(1))
    words = re.findall(r'xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)<', page)
    sizes = [(float(b) - float(a)) / len(w) for a, b, w in words if len(w) >= 2 and all("\u4e00" <= c <= "\u9fff" for c in w)]
    pages.append({"width": width, "smallest": min(sizes) if sizes else None})
print(json.dumps(pages))
"""#

    func render(_ xlsx: String, in dir: URL) throws -> [[String: Any]] {
        let out = dir.appendingPathComponent("pdf")
        try ExternalProgram.tool("soffice", ["-env:UserInstallation=file://\(dir.path)/profile", "--headless",
                                             "--convert-to", "pdf", "--outdir", out.path, xlsx])
        let pdf = out.appendingPathComponent(((xlsx as NSString).lastPathComponent as NSString).deletingPathExtension + ".pdf").path
        let run = try ExternalProgram.python(Self.measure, [pdf])
        #expect(run.status == 0, "\(run.stderr)")
        return (try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]]) ?? []
    }

    @Test(arguments: ["自查台账", "整改工作台账", "工作进展台账"])
    func aLedgerTemplatePrintsLegiblyOnTwoPages(form: String) throws {
        let dir = try Taizhang.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("\(form).xlsx").path
        #expect(try Taizhang.run(["template", form, "--unit", "沈阳", "--period", "2024-07", "-o", path]).status == 0)
        let pages = try render(path, in: dir)
        #expect((1...2).contains(pages.count), "\(form): \(pages.count) pages")
        for (i, page) in pages.enumerated() {
            let smallest = try #require(page["smallest"] as? Double, "\(form) page \(i + 1) has text")
            #expect(smallest >= 8.9, "\(form) page \(i + 1): \(smallest) pt")
        }
        let width = pages.first?["width"] as? Double ?? 0
        #expect(form == "整改工作台账" ? width > 1100 : width < 900, "A3 for the wide ledger, A4 otherwise: \(width) pt")
    }

    @Test func aCarriedForwardLedgerAndTheProvincesWorkbookPrintLegibly() throws {
        let dir = try Taizhang.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let demo = dir.appendingPathComponent("demo")
        #expect(try Taizhang.run(["demo", demo.path]).status == 0)
        let ws = demo.appendingPathComponent("taizhang.sqlite").path
        let carried = dir.appendingPathComponent("整改.xlsx").path
        #expect(try Taizhang.run(["template", "整改工作台账", "--unit", "沈阳", "--period", "2024-07", "--workspace", ws,
                                  "-o", carried]).status == 0)
        for page in try render(carried, in: dir) {
            #expect((page["smallest"] as? Double ?? 0) >= 8.9, "\(page)")
        }
        let report = demo.appendingPathComponent("3-汇总报告/2024-06_全省工作进展汇总.xlsx").path
        let pages = try render(report, in: dir)
        // Every page: the province's sheets of figures and the ledgers' rows after them.
        #expect(pages.count > 5)
        for (i, page) in pages.enumerated() {
            #expect((page["smallest"] as? Double ?? 0) >= 8.9, "page \(i + 1): \(page)")
        }
    }
}
