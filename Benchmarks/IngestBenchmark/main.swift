// Ingest benchmark: N returned workbooks of R rows each (rectification ledgers, 50 rows by default).
//
//   swift run -c release ingest-benchmark [--files N] [--rows R] [--taizhang PATH]
//
// 1. Generates the workbooks (Taizhang's own XLSX writer, realistic CJK sample data).
// 2. Runs `taizhang ingest DIR` (the release binary) into a fresh workspace and reports files/s and rows/s,
//    then the same use case in-process (`Workflow.ingest`, the real pipeline both front ends call).
// 3. Breaks the work down in-process on one core: reading + validating every file, then recording them all
//    in the store, so it shows whether ingest time is dominated by parsing or by the store.
import Foundation
import TaizhangCore
import TaizhangForms
import TaizhangSamples
import TaizhangStore
import TaizhangWorkflow
import TaizhangXLSX

var files = 1000
var rows = 50
var binary = ".build/release/taizhang"
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    switch argument {
    case "--files": files = Int(arguments.next() ?? "") ?? files
    case "--rows": rows = Int(arguments.next() ?? "") ?? rows
    case "--taizhang": binary = arguments.next() ?? binary
    default:
        FileHandle.standardError.write(Data("usage: ingest-benchmark [--files N] [--rows R] [--taizhang PATH]\n".utf8))
        exit(2)
    }
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

let set = try BuiltinForms.load()
let dir = FileManager.default.temporaryDirectory.appendingPathComponent("taizhang-ingest-bench-\(getpid())")
let inbox = dir.appendingPathComponent("inbox")
try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: dir) }

// 1. Generate. Units cycle; each file is a distinct period/version so none is a duplicate.
let form = set.form("rectification")!
let samples = SampleLedgers(formSet: set)
let exporter = XLSXExporter()
var paths: [String] = []
let generation = try seconds {
    for i in 0..<files {
        let unit = set.units[i % set.units.count]
        let period = YearMonth(year: 2024, month: 6)!
        let document = samples.document(form: form, unit: unit, period: period, rows: rows, seed: UInt64(i + 1))
        let sink = MemorySink()
        try exporter.export(document, to: sink)
        let path = inbox.appendingPathComponent(String(format: "%04d_%@.xlsx", i, unit.shortName)).path
        try Data(sink.bytes).write(to: URL(fileURLWithPath: path))
        paths.append(path)
    }
}
print("generated \(files) workbooks × \(rows) rows in \(String(format: "%.1f", generation)) s")

// 2. The command, as a person runs it (both cores).
let workspacePath = dir.appendingPathComponent("bench.sqlite").path
let process = Process()
process.executableURL = URL(fileURLWithPath: binary)
process.arguments = ["ingest", inbox.path, "--workspace", workspacePath, "--received", "2024-06-20"]
process.standardOutput = FileHandle.nullDevice
let wall = try seconds {
    try process.run()
    process.waitUntilExit()
}
let stored = try Workspace(path: workspacePath).submissions()
let accepted = stored.filter { $0.state == .accepted }.count
print(String(format: "taizhang ingest: %d files in %.2f s — %.0f files/s, %.0f rows/s (%d recorded, %d accepted)",
             files, wall, Double(files) / wall, Double(files * rows) / wall, stored.count, accepted))

// 2b. The same use case in-process: the application layer's ingest, as the command and the web call it.
let workflow = try Workflow(formSet: set)
let inProcessWorkspace = try workflow.openWorkspace(at: dir.appendingPathComponent("in-process.sqlite").path)
var outcomes: [IngestOutcome] = []
let inProcess = try seconds {
    outcomes = try workflow.ingest(paths: [inbox.path], workspace: inProcessWorkspace,
                                   received: CampaignClock.noon(of: CivilDate(year: 2024, month: 6, day: 20)!))
}
print(String(format: "Workflow.ingest in-process: %d files in %.2f s — %.0f files/s (%@)",
             files, inProcess, Double(files) / inProcess, outcomes.summaryLine))

// 3. Where the time goes, on one core (a diagnostic split of the same steps): read + validate, then record.
let importer = XLSXImporter()
let checker = LedgerChecker(formSet: set)
var checkedFiles: [(String, Data, CheckedLedger)] = []
let parse = try seconds {
    for path in paths {
        let source = try importer.open(ImportSource(path: path), limits: .standard)
        let name = URL(fileURLWithPath: path).lastPathComponent
        let checked = try checker.check(source, fileName: name)
        checkedFiles.append((name, try Data(contentsOf: URL(fileURLWithPath: path)), checked))
    }
}
let store = try Workspace(path: dir.appendingPathComponent("breakdown.sqlite").path)
let record = try seconds {
    for (name, bytes, checked) in checkedFiles {
        _ = try store.record(Intake(fileName: name, bytes: bytes, receivedAt: Date(), outcome: .checked(checked)))
    }
}
print(String(format: "one core: read + validate %.2f s (%.1f ms/file), record %.2f s (%.1f ms/file): the store is %.0f%% of the work",
             parse, parse * 1000 / Double(files), record, record * 1000 / Double(files), 100 * record / (parse + record)))

// 4. Inside recording: the JSON the store writes, encoded alone.
let encoder = JSONEncoder()
encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
var encodedBytes = 0
let reportJSON = try seconds {
    for (_, _, checked) in checkedFiles { encodedBytes += try encoder.encode(checked.report).count }
}
let rowsJSON = seconds {
    for (_, _, checked) in checkedFiles {
        for records in checked.document.rows.values { for record in records { encodedBytes += Value.json(record.values).utf8.count } }
    }
}
print(String(format: "of which JSON: reports %.2f s, rows %.2f s (%d bytes)", reportJSON, rowsJSON, encodedBytes))
