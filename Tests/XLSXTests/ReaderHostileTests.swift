import Foundation
import TaizhangTestSupport
import Testing
import TaizhangCore
@testable import TaizhangXLSX

/// Files that are not workbooks, are damaged, or are built to hurt the reader.
@Suite struct ReaderHostileTests {
    typealias S = ReaderSupport

    /// Writes bytes to a file in a fresh folder and returns what opening and reading every sheet throws.
    private func refusal(bytes: [UInt8], name: String = "报送.xlsx", limits: ImportLimits = .standard) throws -> ImportError? {
        let folder = try S.temporaryFolder("hostile")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return refusal(url, limits: limits)
    }

    private func refusal(_ url: URL, limits: ImportLimits = .standard) -> ImportError? {
        S.refusal {
            let source = try S.open(url, limits: limits)
            for index in source.sheets.indices {
                try source.readRows(sheet: index) { _ in true }
            }
        }
    }

    private func refusal(parts: [(String, String)], limits: ImportLimits = .standard) throws -> ImportError? {
        let folder = try S.temporaryFolder("hostile")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("报送.xlsx")
        try S.zip(parts, to: url)
        return refusal(url, limits: limits)
    }

    private func refusal(raw entries: [[String: Any]], limits: ImportLimits = .standard) throws -> ImportError? {
        let folder = try S.temporaryFolder("hostile")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("报送.xlsx")
        try S.rawZip(entries, to: url)
        return refusal(url, limits: limits)
    }

    private var goodParts: [(String, String)] {
        S.package(sheets: [("S", S.sheet("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row>"))],
                  sharedStrings: "<sst xmlns=\"\(S.mainNS)\"><si><t>正常</t></si></sst>")
    }

    @Test func notAZip() throws {
        let error = try refusal(bytes: Array("单位,问题\n沈阳,无\n".utf8))
        #expect(error?.reason == .notSpreadsheet)
        #expect(error?.file == "报送.xlsx")
        #expect(error?.description.contains("报送.xlsx") == true)
        #expect(try refusal(bytes: [])?.reason == .truncated)
    }

    @Test func truncatedZip() throws {
        let folder = try S.temporaryFolder("trunc")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("full.xlsx")
        try S.zip(goodParts, to: url)
        let bytes = [UInt8](try Data(contentsOf: url))
        #expect(refusal(url) == nil)  // the whole file is fine
        for cut in [bytes.count - 10, bytes.count / 2, 30, 3] {
            #expect(try refusal(bytes: Array(bytes[0..<cut]))?.reason == .truncated, "cut at \(cut)")
        }
    }

    @Test func oleFilesAreLegacyOrEncrypted() throws {
        let magic: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]
        var legacy = magic + [UInt8](repeating: 0, count: 4096)
        legacy.replaceSubrange(1024..<1040, with: Array("Workbook".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }))
        let legacyError = try refusal(bytes: legacy, name: "台账.xls")
        #expect(legacyError?.reason == .legacyFormat)
        #expect(legacyError?.detail.contains("请另存为 .xlsx 格式后重新报送") == true)
        var encrypted = magic + [UInt8](repeating: 0, count: 4096)
        let stream = Array("EncryptionInfo".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        encrypted.replaceSubrange(2000..<2000 + stream.count, with: stream)
        #expect(try refusal(bytes: encrypted)?.reason == .encrypted)
    }

    @Test func zipBombIsStoppedWhileStreaming() throws {
        let limits = ImportLimits(maxPartBytes: 16 << 20, maxTotalBytes: 64 << 20)
        var entries: [[String: Any]] = goodParts.filter { $0.0 != "xl/worksheets/sheet1.xml" }.map { ["name": $0.0, "text": $0.1] }
        let head = "<worksheet xmlns=\"\(S.mainNS)\"><sheetData>"
        // Honest headers: ~1 GB declared.
        let honest = entries + [["name": "xl/worksheets/sheet1.xml", "bomb": 1000, "head": head, "tail": "</sheetData></worksheet>", "fill": "<x/>"]]
        let honestError = try refusal(raw: honest, limits: limits)
        #expect(honestError?.reason == .tooLarge)
        #expect(honestError?.place == "xl/worksheets/sheet1.xml")
        // Lying headers: declared 100 bytes; the count while streaming must stop it (and with the default limits too).
        entries.append(["name": "xl/worksheets/sheet1.xml", "bomb": 1000, "head": head, "tail": "</sheetData></worksheet>", "declare": 100])
        let clock = ContinuousClock()
        let start = clock.now
        let lyingError = try refusal(raw: entries, limits: limits)
        #expect(lyingError?.reason == .tooLarge, "\(String(describing: lyingError))")
        #expect(lyingError?.place == "xl/worksheets/sheet1.xml")
        #expect(clock.now - start < .seconds(10))
        // A cell text far past Excel's 32,767 characters is refused before it fills memory.
        entries[entries.count - 1] = ["name": "xl/worksheets/sheet1.xml", "bomb": 1000, "declare": 100,
                                      "head": head + "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>", "fill": "长",
                                      "tail": "</t></is></c></row></sheetData></worksheet>"]
        let long = try refusal(raw: entries, limits: .standard)
        #expect(long?.reason == .malformed)
        #expect(long?.place == "xl/worksheets/sheet1.xml")
    }

    @Test func totalCapAcrossParts() throws {
        let limits = ImportLimits(maxPartBytes: 8 << 20, maxTotalBytes: 12 << 20)
        let head = "<worksheet xmlns=\"\(S.mainNS)\"><sheetData>", tail = "</sheetData></worksheet>"
        var parts = S.package(sheets: [("A", ""), ("B", "")])
        parts.removeAll { $0.0.hasPrefix("xl/worksheets/") }
        let entries: [[String: Any]] = parts.map { ["name": $0.0, "text": $0.1] } + [
            ["name": "xl/worksheets/sheet1.xml", "bomb": 7, "head": head, "tail": tail],
            ["name": "xl/worksheets/sheet2.xml", "bomb": 7, "head": head, "tail": tail],
        ]
        let error = try refusal(raw: entries, limits: limits)
        #expect(error?.reason == .tooLarge)
        #expect(error?.place == "xl/worksheets/sheet2.xml")
        // Each part alone is within the caps: reading sheet 1 twice does not count twice.
        let folder = try S.temporaryFolder("total")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("t.xlsx")
        try S.rawZip(entries, to: url)
        let source = try S.open(url, limits: limits)
        try source.readRows(sheet: 0) { _ in true }
        try source.readRows(sheet: 0) { _ in true }
    }

    @Test func encryptedEntries() throws {
        let entries: [[String: Any]] = goodParts.map { ["name": $0.0, "text": $0.1, "encrypted": $0.0 == "xl/worksheets/sheet1.xml"] }
        #expect(try refusal(raw: entries)?.reason == .encrypted)
    }

    @Test func billionLaughs() throws {
        var lol = "<?xml version=\"1.0\"?>\n<!DOCTYPE worksheet [\n<!ENTITY lol \"lol\">\n"
        lol += (1...9).map { "<!ENTITY lol\($0) \"\(String(repeating: "&lol\($0 == 1 ? "" : String($0 - 1));", count: 10))\">" }.joined(separator: "\n")
        lol += "\n]>\n<worksheet xmlns=\"\(S.mainNS)\"><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>"
        let parts = goodParts.map { $0.0 == "xl/worksheets/sheet1.xml" ? ($0.0, lol) : $0 }
        let error = try refusal(parts: parts)
        #expect(error?.reason == .unsafeContent)
        #expect(error?.place == "xl/worksheets/sheet1.xml")
    }

    @Test func externalEntities() throws {
        let xxe = """
            <?xml version="1.0"?><!-- a comment first --><!DOCTYPE sst [<!ENTITY x SYSTEM "file:///etc/passwd">]>\
            <sst xmlns="\(S.mainNS)"><si><t>&x;</t></si></sst>
            """
        let parts = goodParts.map { $0.0 == "xl/sharedStrings.xml" ? ($0.0, xxe) : $0 }
        let error = try refusal(parts: parts)
        #expect(error?.reason == .unsafeContent)
        #expect(error?.place == "xl/sharedStrings.xml")
        // In a part read first (the relationships), too.
        let rels = "<!DOCTYPE r SYSTEM \"http://example.com/r.dtd\"><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"/>"
        #expect(try refusal(parts: goodParts.map { $0.0 == "_rels/.rels" ? ($0.0, rels) : $0 })?.reason == .unsafeContent)
    }

    @Test func doctypeInUTF16IsRefusedByTheParser() throws {
        let xml = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><!DOCTYPE sst [<!ENTITY x \"boom\">]><sst xmlns=\"\(S.mainNS)\"><si><t>&x;</t></si></sst>"
        var utf16: [UInt8] = [0xFF, 0xFE]
        for unit in xml.utf16 { utf16 += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        let hex = utf16.map { String(format: "%02x", $0) }.joined()
        let entries: [[String: Any]] = goodParts.map { $0.0 == "xl/sharedStrings.xml" ? ["name": $0.0, "hex": hex] : ["name": $0.0, "text": $0.1] }
        #expect(try refusal(raw: entries)?.reason == .unsafeContent)
    }

    @Test func entryNamesThatClimbOut() throws {
        for name in ["../evil.xml", "/etc/evil.xml", "xl\\..\\..\\evil.xml", "C:/evil.xml", "xl/../../evil.xml"] {
            let error = try refusal(raw: goodParts.map { ["name": $0.0, "text": $0.1] } + [["name": name, "text": "x"]])
            #expect(error?.reason == .unsafeContent, "\(name)")
        }
    }

    @Test func duplicateEntryNames() throws {
        let entries: [[String: Any]] = goodParts.map { ["name": $0.0, "text": $0.1] } + [["name": "XL/worksheets/sheet1.xml", "text": "<worksheet/>"]]
        #expect(try refusal(raw: entries)?.reason == .unsafeContent)
    }

    @Test func referencesBeyondTheSheet() throws {
        for (rows, place) in [
            ("<row r=\"1\"><c r=\"XFE1\"><v>1</v></c></row>", "S!XFE1"),
            ("<row r=\"1\"><c r=\"A1048577\"><v>1</v></c></row>", "S!A1048577"),
            ("<row r=\"1048577\"><c><v>1</v></c></row>", "S!A1048577"),
            ("<row r=\"1\"><c r=\"1A\"><v>1</v></c></row>", "S!1A"),
        ] {
            let error = try refusal(parts: S.package(sheets: [("S", S.sheet(rows))]))
            #expect(error?.reason == .malformed, "\(rows)")
            #expect(error?.place == place, "\(rows)")
        }
        // The last cell is fine.
        let ok = try S.read(S.package(sheets: [("S", S.sheet("<row r=\"1048576\"><c r=\"XFD1048576\"><v>1</v></c></row>"))]))
        #expect(ok == ["XFD1048576": .number(1)])
    }

    @Test func otherZipsAndBrokenXML() throws {
        let docx = [("[Content_Types].xml", "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>"),
                    ("word/document.xml", "<w:document xmlns:w=\"urn:w\"/>")]
        #expect(try refusal(parts: docx)?.reason == .notSpreadsheet)
        #expect(try refusal(parts: [("readme.txt", "hi")])?.reason == .notSpreadsheet)
        let broken = goodParts.map { $0.0 == "xl/worksheets/sheet1.xml" ? ($0.0, "<worksheet xmlns=\"\(S.mainNS)\"><sheetData><row>") : $0 }
        let error = try refusal(parts: broken)
        #expect(error?.reason == .malformed)
        #expect(error?.place == "xl/worksheets/sheet1.xml")
    }

    @Test func rowLimit() throws {
        let rows = (1...5).map { "<row r=\"\($0)\"><c><v>\($0)</v></c></row>" }.joined()
        let parts = S.package(sheets: [("S", S.sheet(rows))])
        #expect(try refusal(parts: parts, limits: ImportLimits(maxRows: 4))?.reason == .tooLarge)
        #expect(try refusal(parts: parts, limits: ImportLimits(maxRows: 5)) == nil)
    }

    /// Damaged copies of a good file (bytes changed, or cut short anywhere) are read or refused with an
    /// ImportError; they never crash or hang the reader.
    @Test func damagedFilesNeverCrash() throws {
        let folder = try S.temporaryFolder("fuzz")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("good.xlsx")
        let styles = "<styleSheet xmlns=\"\(S.mainNS)\"><numFmts><numFmt numFmtId=\"164\" formatCode=\"yyyy&quot;年&quot;\"/></numFmts><cellXfs><xf numFmtId=\"0\"/><xf numFmtId=\"164\"/></cellXfs></styleSheet>"
        let sheet = S.sheet("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" s=\"1\"><v>45473</v></c><c r=\"C1\" t=\"inlineStr\"><is><t>内</t></is></c></row>",
                            after: "<mergeCells><mergeCell ref=\"A1:B1\"/></mergeCells>")
        try S.zip(S.package(sheets: [("S", sheet)], sharedStrings: "<sst xmlns=\"\(S.mainNS)\"><si><t>好</t></si></sst>", styles: styles), to: url)
        let good = [UInt8](try Data(contentsOf: url))
        var generator = SplitMix(seed: 20240630)
        var damaged: [[UInt8]] = stride(from: 1, to: good.count, by: 37).map { Array(good[0..<$0]) }
        for _ in 0..<300 {
            var copy = good
            for _ in 0..<Int(generator.next() % 4 + 1) {
                copy[Int(generator.next() % UInt64(copy.count))] = UInt8(truncatingIfNeeded: generator.next())
            }
            damaged.append(copy)
        }
        let damagedURL = folder.appendingPathComponent("damaged.xlsx")
        for bytes in damaged {
            try Data(bytes).write(to: damagedURL)
            do {
                let source = try S.open(damagedURL)
                for index in source.sheets.indices {
                    try source.readRows(sheet: index) { _ in true }
                    _ = try source.mergedRanges(sheet: index)
                }
            } catch is ImportError {
                continue
            }
        }
    }

    /// Packages whose XML parts are damaged (characters replaced, inserted or deleted; the ZIP itself is
    /// sound) are read or refused with an ImportError, never crash or hang.
    @Test func damagedXMLNeverCrashes() throws {
        let folder = try S.temporaryFolder("xmlfuzz")
        defer { try? FileManager.default.removeItem(at: folder) }
        let styles = "<styleSheet xmlns=\"\(S.mainNS)\"><numFmts><numFmt numFmtId=\"164\" formatCode=\"yyyy&quot;年&quot;m&quot;月&quot;\"/></numFmts><cellXfs><xf numFmtId=\"0\"/><xf numFmtId=\"164\"/></cellXfs></styleSheet>"
        let sheet = S.sheet("""
            <row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" s="1"><v>45473.25</v></c><c r="C1" t="inlineStr"><is><r><t>内_x000D_</t></r><rPh><t>x</t></rPh></is></c></row>\
            <row r="2"><c t="b"><v>1</v></c><c t="e"><v>#REF!</v></c><c t="d"><v>2024-06-30T08:00:00</v></c><c t="str"><f>A1</f><v>好</v></c></row>
            """, after: "<mergeCells><mergeCell ref=\"A1:C1\"/></mergeCells>")
        let parts = S.package(sheets: [("S", sheet)], sharedStrings: "<sst xmlns=\"\(S.mainNS)\"><si><r><t>好</t></r><r><t>_x005F_</t></r></si></sst>", styles: styles)
        let json = try JSONSerialization.data(withJSONObject: parts.map { [$0.0, $0.1] })
        try S.python("""
            import json, random, sys, zipfile
            parts = json.load(sys.stdin)
            rng = random.Random(20240630)
            alphabet = '<>/="&;: x_0123456789ABCDrtcvsi\\u4e2d'
            for n in range(150):
                victim = rng.choice([i for i, p in enumerate(parts) if p[0].endswith('.xml') or p[0].endswith('.rels')])
                with zipfile.ZipFile(f"{sys.argv[1]}/f{n}.xlsx", 'w', zipfile.ZIP_DEFLATED) as z:
                    for i, (name, text) in enumerate(parts):
                        if i == victim:
                            chars = list(text)
                            for _ in range(rng.randint(1, 6)):
                                k = rng.randrange(len(chars))
                                op = rng.randrange(3)
                                if op == 0: chars[k] = rng.choice(alphabet)
                                elif op == 1: chars.insert(k, rng.choice(alphabet))
                                elif len(chars) > 1: del chars[k]
                            text = ''.join(chars)
                        z.writestr(name, text.encode('utf-8'))
            """, [folder.path], input: json)
        var refused = 0
        for n in 0..<150 {
            do {
                let source = try S.open(folder.appendingPathComponent("f\(n).xlsx"))
                for index in source.sheets.indices {
                    try source.readRows(sheet: index) { _ in true }
                    _ = try source.mergedRanges(sheet: index)
                }
            } catch is ImportError {
                refused += 1
            }
        }
        #expect(refused > 0 && refused < 150)  // the damage was real, and some survived it
    }

    @Test func recognition() {
        let importer = XLSXImporter()
        #expect(importer.recognises(prefix: [0x50, 0x4B, 0x03, 0x04, 0, 0, 0, 0], fileName: "x.bin"))
        #expect(importer.recognises(prefix: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1], fileName: "a"))
        #expect(!importer.recognises(prefix: Array("a,b,c\n".utf8), fileName: "a.csv"))
        #expect(importer.format.id == "xlsx")
    }
}

