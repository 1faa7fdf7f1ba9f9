import Foundation
import TaizhangTestSupport
import TaizhangCore
import TaizhangCSV
import TaizhangForms
import TaizhangSamples

/// Runs the built `taizhang` binary, as a person would.
struct Taizhang {
    /// The built binary, run as a person would: exit status, output, and whether a signal ended it.
    static func run(_ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:]) throws -> ProgramRun {
        try ExternalProgram.run(ExternalProgram.taizhang.path, arguments, environment: environment, directory: directory)
    }

    /// The repository's root (for reading its own forms/ in tests).
    static var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static func scratch() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("taizhang-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    static let set = try! BuiltinForms.load()

    /// Writes a sample ledger as CSV (header fields above the table) and returns its URL.
    @discardableResult
    static func writeCSV(_ form: String, unit: String, period: YearMonth, rows: Int, in dir: URL,
                         seed: UInt64 = 1, edit: (inout LedgerDocument) -> Void = { _ in }) throws -> URL {
        var document = SampleLedgers(formSet: set).document(
            form: set.form(form)!, unit: set.unit(id: unit)!, period: period, rows: rows, seed: seed)
        edit(&document)
        let sink = MemorySink()
        try CSVExporter().export(document, to: sink)
        let url = dir.appendingPathComponent("\(period.iso)_\(set.unit(id: unit)!.name)_\(set.form(form)!.shortTitle).csv")
        try Data(sink.bytes).write(to: url)
        return url
    }
}
