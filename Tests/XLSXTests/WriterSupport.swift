import Foundation
import TaizhangTestSupport
import TaizhangCore
import TaizhangForms
@testable import TaizhangXLSX

/// Helpers for the writer tests: temporary directories, external programs, built-in documents.
enum WriterSupport {
    static func temporaryDirectory(_ label: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.path + "/taizhang-xlsxw-\(label)-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Runs a program; returns (exit status, stdout, stderr).
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], timeout: TimeInterval = 120) throws
        -> (status: Int32, out: String, err: String) {
        let result = try ExternalProgram.run(executable, arguments)
        return (result.status, result.stdout, result.stderr)
    }

    static func isExecutable(_ path: String) -> Bool { FileManager.default.isExecutableFile(atPath: path) }

    /// Runs a python3 script with arguments; returns stdout, failing on a non-zero exit.
    static func python(_ script: String, _ arguments: [String]) throws -> String {
        let dir = try temporaryDirectory("py")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/check.py"
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        let result = try run("/usr/bin/env", ["python3", path] + arguments)
        if result.status != 0 { throw ExportError("python3 failed: \(result.err)") }
        return result.out
    }

    static func formSet() throws -> FormSet { try BuiltinForms.load() }

    static func template(_ formId: String, unit: String = "shenyang", period: String = "2024-06") throws -> LedgerDocument {
        let set = try formSet()
        return LedgerDocument(form: set.form(formId)!, formSet: set, unit: set.unit(id: unit), period: YearMonth(period),
                              purpose: .template)
    }

    /// Exports a document to a file through the public exporter and returns the path.
    static func export(_ document: LedgerDocument, to path: String) throws {
        let sink = MemorySink()
        try XLSXExporter().export(document, to: sink)
        try Data(sink.bytes).write(to: URL(fileURLWithPath: path))
    }

    /// The bytes of one entry of a zip file, via python's zipfile.
    static func entry(_ name: String, in path: String) throws -> String {
        try python("import sys, zipfile\nsys.stdout.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]).decode('utf-8'))",
                   [path, name])
    }
}
