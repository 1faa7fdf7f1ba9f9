import Foundation
import TaizhangTestSupport
import TaizhangCore
import TaizhangXLSX

/// Helpers for the reader tests: temporary folders, python3 scripts, hand-made packages.
enum ReaderSupport {
    /// A fresh temporary folder.
    static func temporaryFolder(_ label: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("taizhang-xlsxr-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Runs a program, returning its standard output; throws when it fails.
    @discardableResult
    static func run(_ program: String, _ arguments: [String], input: Data? = nil,
                    environment: [String: String]? = nil) throws -> String {
        let result = try ExternalProgram.tool(program, arguments, input: input, environment: environment ?? [:])
        guard result.status == 0 else {
            throw SupportError("\(program) failed (\(result.status)): \(result.stderr)")
        }
        return result.stdout
    }

    /// Runs a python3 script with arguments.
    @discardableResult
    static func python(_ script: String, _ arguments: [String] = [], input: Data? = nil) throws -> String {
        try run("python3", ["-c", script] + arguments, input: input)
    }

    /// Writes a ZIP with python's zipfile (entries in order, deflated; names taken as given).
    static func zip(_ entries: [(String, String)], to url: URL) throws {
        let json = try JSONSerialization.data(withJSONObject: entries.map { [$0.0, $0.1] })
        try python("""
            import json, sys, zipfile
            entries = json.load(sys.stdin)
            with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:
                for name, text in entries:
                    z.writestr(zipfile.ZipInfo(name), text.encode('utf-8'), zipfile.ZIP_DEFLATED)
            """, [url.path], input: json)
    }

    /// Writes a ZIP byte by byte (deflate), so tests can make what zipfile refuses to: zip bombs whose
    /// compressed blocks repeat (`bomb`: MiB of `fill` (default spaces) between `head` and `tail`), sizes that lie
    /// (`declare`), entries flagged as encrypted, names as given.
    static func rawZip(_ entries: [[String: Any]], to url: URL) throws {
        let json = try JSONSerialization.data(withJSONObject: entries)
        try python(rawZipScript, [url.path], input: json)
    }

    static let rawZipScript = #"""
import json, struct, sys, zlib
# entries: [{"name":..., "text":... | "bomb": MiB, "head":..., "tail":..., "declare": n, "encrypted": bool}]
spec = json.load(sys.stdin)
out = open(sys.argv[1], 'wb')
central = []
for e in spec:
    name = e['name'].encode('utf-8')
    if 'bomb' in e:
        head, tail = e['head'].encode(), e['tail'].encode()
        fill = e.get('fill', ' ').encode()
        chunk = fill * ((1 << 20) // len(fill))
        c = zlib.compressobj(9, zlib.DEFLATED, -15)
        first = c.compress(head) + c.flush(zlib.Z_FULL_FLUSH)
        c2 = zlib.compressobj(9, zlib.DEFLATED, -15)
        block = c2.compress(chunk) + c2.flush(zlib.Z_FULL_FLUSH)
        c3 = zlib.compressobj(9, zlib.DEFLATED, -15)
        last = c3.compress(tail) + c3.flush()
        crc = zlib.crc32(head)
        for _ in range(e['bomb']): crc = zlib.crc32(chunk, crc)
        crc = zlib.crc32(tail, crc)
        size = len(head) + len(tail) + e['bomb'] * len(chunk)
        parts = [first] + [block] * e['bomb'] + [last]
        comp = sum(len(p) for p in parts)
    else:
        data = e['text'].encode('utf-8') if 'text' in e else bytes.fromhex(e['hex'])
        c = zlib.compressobj(6, zlib.DEFLATED, -15)
        body = c.compress(data) + c.flush()
        crc, size, comp, parts = zlib.crc32(data), len(data), len(body), [body]
    declared = e.get('declare', size)
    flags = 0x800 | (1 if e.get('encrypted') else 0)
    offset = out.tell()
    out.write(struct.pack('<IHHHHHIIIHH', 0x04034b50, 20, flags, 8, 0, 0x21, crc, comp, declared, len(name), 0) + name)
    for p in parts: out.write(p)
    central.append(struct.pack('<IHHHHHHIIIHHHHHII', 0x02014b50, 20, 20, flags, 8, 0, 0x21, crc, comp, declared,
                               len(name), 0, 0, 0, 0, 0, offset) + name)
start = out.tell()
for c in central: out.write(c)
end = out.tell()
out.write(struct.pack('<IHHHHIIH', 0x06054b50, 0, 0, len(central), len(central), end - start, start, 0))
out.close()
"""#

    static let mainNS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    static let relNS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

    /// The parts of a minimal workbook with the given sheets (name, sheet XML), styles and shared strings.
    static func package(sheets: [(String, String)], sharedStrings: String? = nil, styles: String? = nil,
                        workbookPr: String = "", extra: [(String, String)] = []) -> [(String, String)] {
        var parts: [(String, String)] = []
        parts.append(("[Content_Types].xml", """
            <?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
            <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
            <Default Extension="xml" ContentType="application/xml"/>\
            <Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>
            """))
        parts.append(("_rels/.rels", """
            <?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
            <Relationship Id="rId1" Type="\(relNS)/officeDocument" Target="xl/workbook.xml"/></Relationships>
            """))
        var rels = ""
        var sheetList = ""
        for (index, sheet) in sheets.enumerated() {
            rels += "<Relationship Id=\"rId\(index + 1)\" Type=\"\(relNS)/worksheet\" Target=\"worksheets/sheet\(index + 1).xml\"/>"
            sheetList += "<sheet name=\"\(sheet.0)\" sheetId=\"\(index + 1)\" r:id=\"rId\(index + 1)\"/>"
            parts.append(("xl/worksheets/sheet\(index + 1).xml", sheet.1))
        }
        if sharedStrings != nil {
            rels += "<Relationship Id=\"rIdS\" Type=\"\(relNS)/sharedStrings\" Target=\"sharedStrings.xml\"/>"
        }
        if styles != nil {
            rels += "<Relationship Id=\"rIdT\" Type=\"\(relNS)/styles\" Target=\"styles.xml\"/>"
        }
        parts.append(("xl/workbook.xml", """
            <?xml version="1.0" encoding="UTF-8"?><workbook xmlns="\(mainNS)" xmlns:r="\(relNS)">\(workbookPr)<sheets>\(sheetList)</sheets></workbook>
            """))
        parts.append(("xl/_rels/workbook.xml.rels", """
            <?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\(rels)</Relationships>
            """))
        if let sharedStrings { parts.append(("xl/sharedStrings.xml", sharedStrings)) }
        if let styles { parts.append(("xl/styles.xml", styles)) }
        return parts + extra
    }

    /// A worksheet part with the given `<sheetData>` content.
    static func sheet(_ rows: String, after: String = "", namespace: String = mainNS) -> String {
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet xmlns=\"\(namespace)\" xmlns:r=\"\(relNS)\"><sheetData>\(rows)</sheetData>\(after)</worksheet>"
    }

    /// Opens a file with the importer.
    static func open(_ url: URL, limits: ImportLimits = .standard) throws -> XLSXSheetSource {
        try XLSXImporter().openWorkbook(ImportSource(path: url.path), limits: limits)
    }

    /// Every non-empty cell of a sheet by reference (`A1`).
    static func cells(_ source: XLSXSheetSource, sheet: Int = 0) throws -> [String: CellValue] {
        var result: [String: CellValue] = [:]
        try source.readRows(sheet: sheet) { row in
            for cell in row.cells {
                result[CellReference.columnName(cell.column) + String(row.row)] = cell.value
            }
            return true
        }
        return result
    }

    /// Writes parts as a package and reads the first sheet's cells.
    static func read(_ parts: [(String, String)], label: String = "pkg") throws -> [String: CellValue] {
        let folder = try temporaryFolder(label)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("book.xlsx")
        try zip(parts, to: url)
        return try cells(open(url))
    }

    /// The reason of the ImportError that `body` throws, or `nil` when it throws none.
    static func refusal(_ body: () throws -> Void) -> ImportError? {
        do {
            try body()
            return nil
        } catch let error as ImportError {
            return error
        } catch {
            return ImportError(.unreadable, file: "?", detail: "unexpected error: \(error)")
        }
    }

    static func date(_ y: Int, _ m: Int, _ d: Int, _ seconds: Int = 0) -> CellValue {
        .date(CivilDate(year: y, month: m, day: d)!, secondsIntoDay: seconds)
    }
}
