import Foundation
import Testing
import TaizhangCSV
import TaizhangCore
import TaizhangSamples
import TaizhangTestSupport
import TaizhangWorkflow
import TaizhangXLSX

/// `export` writes while it reads (issue 11): the streamed output is the whole-document export's, byte for byte;
/// a file whose header comes after its table falls back to the whole export; a failed export leaves no file.
@Suite(.serialized) struct StreamedExportTests {
    static let formats = ["xlsx", "csv", "json"]

    /// What the whole-document export writes for `path`: the ordinary check, then the exporter on the document.
    static func wholeExport(_ scene: Scene, _ path: String, format: String, table: String? = nil) throws -> [UInt8] {
        let (source, name) = try FileOpener(registry: scene.workflow.registry).open(path)
        let checked = try LedgerChecker(formSet: Scene.set).check(source, fileName: name)
        let exporter = try scene.workflow.ledgerExporter(format)
        let sink = MemorySink()
        if let table {
            try exporter.export(checked.document, table: table, to: sink)
        } else {
            try exporter.export(checked.document, to: sink)
        }
        return sink.bytes
    }

    static func bytes(_ path: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) }

    /// Every return of the demo's cast, exported to every format, is what the whole-document export writes; the
    /// error counts are the whole file's.
    @Test func theDemoReturnsExportAsTheWholeDocumentDid() throws {
        let scene = try Scene()
        defer { scene.remove() }
        let files = try scene.demoReturns().map { ($0 as NSString).lastPathComponent }
        let inbox = scene.dir.appendingPathComponent("2-各单位报送")
        #expect(files.count == 90)
        let out = scene.dir.appendingPathComponent("out")
        var compared = 0
        for file in files {
            let path = inbox.appendingPathComponent(file).path
            let (source, name) = try FileOpener(registry: scene.workflow.registry).open(path)
            let whole = try LedgerChecker(formSet: Scene.set).check(source, fileName: name)
            for format in StreamedExportTests.formats {
                let target = out.appendingPathComponent("\(file).\(format)").path
                let checked = try scene.workflow.export(file: path, format: format, to: target).checked
                #expect(checked.report.errorCount == whole.report.errorCount, "\(file)")
                #expect(checked.report.warningCount == whole.report.warningCount, "\(file)")
                #expect(checked.report.rowCounts == whole.report.rowCounts, "\(file)")
                let expected = try StreamedExportTests.wholeExport(scene, path, format: format)
                #expect(try StreamedExportTests.bytes(target) == expected, "\(file) → \(format)")
                compared += 1
            }
        }
        #expect(compared == 270)
    }

    /// A return of 1,200 rows (more than the rows the xlsx column widths are fitted to) streams into every format
    /// as the whole export writes it.
    @Test func aLongReturnStreamsPastTheWidthSample() throws {
        let scene = try Scene()
        defer { scene.remove() }
        let path = try scene.write("rectification", unit: "dandong", rows: TemplateBuilder.widthSampleRows + 200, seed: 5)
        for format in StreamedExportTests.formats {
            let target = scene.dir.appendingPathComponent("long.\(format)").path
            _ = try scene.workflow.export(file: path, format: format, to: target)
            #expect(try StreamedExportTests.bytes(target) == StreamedExportTests.wholeExport(scene, path, format: format),
                    "\(format)")
        }
        // GB18030 CSV is converted piece by piece: the same bytes as converting the whole text.
        let gb = scene.dir.appendingPathComponent("long-gb.csv").path
        _ = try scene.workflow.export(file: path, format: "csv", to: gb, encoding: "gb18030")
        let (source, name) = try FileOpener(registry: scene.workflow.registry).open(path)
        let document = try LedgerChecker(formSet: Scene.set).check(source, fileName: name).document
        let sink = MemorySink()
        try CSVExporter(encoding: .gb18030).export(document, to: sink)
        #expect(try StreamedExportTests.bytes(gb) == sink.bytes)
    }

    /// A file that names a header field after its table (a footer's 填报日期) cannot be streamed: the export falls
    /// back to the whole document, and the header field is in the output.
    @Test func aFooterHeaderFallsBackToTheWholeExport() throws {
        let scene = try Scene()
        defer { scene.remove() }
        let path = try scene.write("rectification", unit: "benxi", rows: 30, seed: 3)
        try scene.moveReportDateBelowTable(path)

        for format in StreamedExportTests.formats {
            let target = scene.dir.appendingPathComponent("footer.\(format)").path
            let checked = try scene.workflow.export(file: path, format: format, to: target).checked
            #expect(checked.document.header["report_date"] != nil)
            #expect(checked.document.rows.isEmpty)
            let written = try StreamedExportTests.bytes(target)
            #expect(written == (try StreamedExportTests.wholeExport(scene, path, format: format)), "\(format)")
            if format != "xlsx" {
                #expect(String(decoding: written, as: UTF8.self).contains("2024-06-"), "\(format): 填报日期 written")
            }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: scene.dir.path).allSatisfy { !$0.hasSuffix(".tmp") })
    }

    /// A form of several tables exported to CSV (one table per file) writes one file per table beside the output,
    /// each as the whole export writes that table.
    @Test func aFormOfSeveralTablesExportsOneCSVFilePerTable() throws {
        let scene = try Scene()
        defer { scene.remove() }
        let form = try #require(Scene.set.form("summary"))
        let document = SampleLedgers(formSet: Scene.set).document(
            form: form, unit: Scene.set.unit(id: "dalian")!, period: YearMonth(year: 2024, month: 9)!, rows: 6, seed: 9)
        let source = scene.dir.appendingPathComponent("summary.xlsx").path
        let sink = MemorySink()
        try XLSXExporter().export(document, to: sink)
        try Data(sink.bytes).write(to: URL(fileURLWithPath: source))

        let checked = try scene.workflow.export(file: source, format: "csv", to: scene.dir.appendingPathComponent("总结.csv").path).checked
        #expect(checked.report.rowCounts.values.reduce(0, +) > 0)
        #expect(!FileManager.default.fileExists(atPath: scene.dir.appendingPathComponent("总结.csv").path))
        for table in form.tables {
            let file = scene.dir.appendingPathComponent("总结_\(table.title).csv").path
            #expect(try StreamedExportTests.bytes(file) == StreamedExportTests.wholeExport(scene, source, format: "csv", table: table.id),
                    "\(table.id)")
        }
    }

    /// A file that breaks off after rows were written (a sheet whose XML is cut) leaves no output, and an
    /// earlier file at the output's place whole.
    @Test func aFailedExportLeavesNoFile() throws {
        let scene = try Scene()
        defer { scene.remove() }
        let csv = try scene.write("rectification", unit: "yingkou", rows: TemplateBuilder.widthSampleRows + 100, seed: 4)
        let good = scene.dir.appendingPathComponent("good.xlsx").path
        _ = try scene.workflow.export(file: csv, format: "xlsx", to: good)
        // The table's sheet ends in a cell that is never closed: the reader fails after every row was handed on.
        let bad = scene.dir.appendingPathComponent("bad.xlsx").path
        let broken = try ExternalProgram.python("""
            import sys, zipfile
            src, dst = sys.argv[1], sys.argv[2]
            with zipfile.ZipFile(src) as z, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as out:
                for item in z.infolist():
                    data = z.read(item.filename)
                    if item.filename == "xl/worksheets/sheet1.xml":
                        data = data.replace(b"</sheetData>", b'<row r="1048000"><c r="A1048000"><v>1</v></row></sheetData>')
                    out.writestr(item, data)
            """, [good, bad])
        #expect(broken.status == 0, "\(broken.stderr)")

        let earlier = scene.dir.appendingPathComponent("earlier.json").path
        try Data("earlier".utf8).write(to: URL(fileURLWithPath: earlier))
        let outputs = StreamedExportTests.formats.map { scene.dir.appendingPathComponent("failed.\($0)").path } + [earlier]
        for (i, target) in outputs.enumerated() {
            let format = i < StreamedExportTests.formats.count ? StreamedExportTests.formats[i] : "json"
            #expect(throws: ImportError.self, "\(target)") { try scene.workflow.export(file: bad, format: format, to: target) }
        }
        for target in outputs.dropLast() { #expect(!FileManager.default.fileExists(atPath: target), "\(target)") }
        #expect(try String(contentsOfFile: earlier, encoding: .utf8) == "earlier")
        let left = try FileManager.default.contentsOfDirectory(atPath: scene.dir.path)
        #expect(left.allSatisfy { !$0.hasSuffix(".tmp") }, "\(left)")
    }

    static let soffice = FileManager.default.isExecutableFile(atPath: "/usr/bin/soffice")

    /// The streamed workbook passes `openxml-audit` with no findings, and LibreOffice reads back every row as the
    /// CSV export wrote it.
    @Test(.enabled(if: soffice), .timeLimit(.minutes(3))) func theStreamedWorkbookOpensInLibreOffice() throws {
        let scene = try Scene()
        defer { scene.remove() }
        let path = try scene.write("rectification", unit: "jinzhou", rows: TemplateBuilder.widthSampleRows + 50, seed: 8)
        let xlsx = scene.dir.appendingPathComponent("streamed.xlsx").path
        let csv = scene.dir.appendingPathComponent("streamed.csv").path
        _ = try scene.workflow.export(file: path, format: "xlsx", to: xlsx)
        _ = try scene.workflow.export(file: path, format: "csv", to: csv)

        let audit = try ExternalProgram.tool("python3", ["-m", "openxml_audit", xlsx, "-o", "json"])
        let report = try JSONSerialization.jsonObject(with: Data(audit.stdout.utf8)) as? [[String: Any]]
        let first = try #require(report?.first, "\(audit.stdout)\(audit.stderr)")
        #expect(first["error_count"] as? Int == 0, "\(first["errors"] ?? "")")

        let lo = try ExternalProgram.tool("soffice", [
            "-env:UserInstallation=file://\(scene.dir.path)/lo-profile", "--headless", "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", scene.dir.appendingPathComponent("lo").path, xlsx])
        #expect(lo.status == 0, "\(lo.stderr)")
        // The table's rows as LibreOffice shows them, against the rows of the CSV export.
        let compare = try ExternalProgram.python("""
            import csv, sys
            def rows(path):
                lines = list(csv.reader(open(path, encoding="utf-8-sig")))
                at = next(i for i, r in enumerate(lines) if r and r[0] in ("序号", "*序号"))
                return [[c for c in r] for r in lines[at + 1:] if any(r)]
            lo, ours = rows(sys.argv[1]), rows(sys.argv[2])
            lo = [r[:len(ours[0])] for r in lo]
            print(len(lo), len(ours))
            for i, (a, b) in enumerate(zip(lo, ours)):
                if a != b:
                    print("row", i + 1, a, b)
                    sys.exit(1)
            sys.exit(0 if len(lo) == len(ours) else 1)
            """, [scene.dir.appendingPathComponent("lo/streamed.csv").path, csv])
        #expect(compare.status == 0, "\(compare.stdout)\(compare.stderr)")
        #expect(compare.stdout.hasPrefix("\(TemplateBuilder.widthSampleRows + 50) "), "\(compare.stdout)")
    }
}
