// Reads every sheet of a workbook (.xlsx, .xls or .ods, by its extension) with Taizhang's streaming reader and
// prints what it read and how long it took. Used by Benchmarks/xlsx-read.sh and Benchmarks/legacy-read.sh, which
// compare it with python-calamine (and openpyxl).
import Foundation
import TaizhangCore
import TaizhangODS
import TaizhangXLS
import TaizhangXLSX

let arguments = CommandLine.arguments
guard arguments.count == 2 else {
    FileHandle.standardError.write(Data("usage: xlsx-read-benchmark FILE.xlsx|FILE.xls|FILE.ods\n".utf8))
    exit(2)
}
let clock = ContinuousClock()
let start = clock.now
var rows = 0
var cells = 0
var texts = 0
var numbers = 0.0
var opened = Duration.zero
var sharedStrings: SharedStringStatistics?
do {
    let importer: any Importer = switch (arguments[1] as NSString).pathExtension.lowercased() {
    case "xls": XLSImporter()
    case "ods": ODSImporter()
    default: XLSXImporter()
    }
    let source = try importer.open(ImportSource(path: arguments[1]), limits: .standard)
    opened = clock.now - start
    for index in source.sheets.indices {
        try source.readRows(sheet: index) { row in
            rows += 1
            cells += row.cells.count
            for cell in row.cells {
                switch cell.value {
                case .text: texts += 1
                case .number(let n): numbers += n
                default: break
                }
            }
            return true
        }
    }
    sharedStrings = (source as? XLSXSheetSource)?.sharedStringStatistics
} catch {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
    exit(2)
}
let elapsed = clock.now - start
print("taizhang rows=\(rows) cells=\(cells) texts=\(texts) sum=\(numbers) seconds=\(elapsed) (opening, with the shared strings: \(opened))")
if let stats = sharedStrings {
    print("shared strings: \(stats.strings) (\(stats.spilled) in the temporary file); lookups \(stats.lookups): "
          + "\(stats.resident) resident, \(stats.windowHits) from a window, \(stats.reads) reads of \(stats.bytesRead) bytes; "
          + "hit rate \(String(format: "%.4f", stats.hitRate)) (spilled lookups: \(String(format: "%.4f", stats.windowHitRate)))")
}
