import ArgumentParser
import Foundation
import TaizhangCore
import TaizhangXLSX

/// `taizhang inspect FILE [--json]`: prints every sheet's non-empty cells as the reader sees them.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "显示 .xlsx 文件中各工作表的全部非空单元格（按读取程序所见的类型和值）")

    @Argument(help: "要查看的 .xlsx 文件") var file: String
    @Flag(help: "以 JSON 输出：{\"sheets\":[{\"name\":…,\"cells\":[{\"ref\":\"A1\",\"type\":…,\"value\":…}]}]}") var json = false

    func run() throws {
        let out = BufferedOutput()
        do {
            let source = try XLSXImporter().openWorkbook(ImportSource(path: file))
            if json {
                try InspectPrinter.json(source, to: out)
            } else {
                try InspectPrinter.text(source, to: out)
            }
            out.flush()
        } catch let error as ImportError {
            out.flush()
            FileHandle.standardError.write(Data("错误：\(error.description)\n".utf8))
            throw ExitCode(2)
        }
    }
}

/// What `taizhang inspect` prints, streamed sheet by sheet.
enum InspectPrinter {
    /// The JSON form: `{"sheets":[{"name":"…","cells":[{"ref":"A1","type":"string","value":"…"}]}]}`.
    static func json(_ source: XLSXSheetSource, to out: BufferedOutput) throws {
        out.write("{\"sheets\":[")
        for (index, sheet) in source.sheets.enumerated() {
            if index > 0 { out.write(",") }
            out.write("\n{\"name\":\(quoted(sheet.name)),\"cells\":[")
            var first = true
            try source.readRows(sheet: index) { row in
                for cell in row.cells {
                    let ref = CellReference.columnName(cell.column) + String(row.row)
                    let (type, value) = jsonValue(cell.value)
                    out.write(first ? "\n" : ",\n")
                    first = false
                    out.write("{\"ref\":\"\(ref)\",\"type\":\"\(type)\",\"value\":\(value)}")
                }
                return true
            }
            out.write("]}")
        }
        out.write("\n]}\n")
    }

    /// The text form: one block per sheet, one line per cell (reference, type, value).
    static func text(_ source: XLSXSheetSource, to out: BufferedOutput) throws {
        for (index, sheet) in source.sheets.enumerated() {
            var count = 0
            out.write("工作表“\(sheet.name)”\(sheet.isHidden ? "（隐藏）" : "")\n")
            try source.readRows(sheet: index) { row in
                for cell in row.cells {
                    let ref = CellReference.columnName(cell.column) + String(row.row)
                    let shown = cell.value.displayText
                        .replacingOccurrences(of: "\r", with: "\\r").replacingOccurrences(of: "\n", with: "\\n")
                    out.write("  \(ref)\t\(typeLabel(cell.value))\t\(shown)\n")
                    count += 1
                }
                return true
            }
            let merged = try source.mergedRanges(sheet: index)
            if !merged.isEmpty { out.write("  合并单元格：\(merged.map(\.description).joined(separator: "、"))\n") }
            out.write("  共 \(count) 个非空单元格\n\n")
        }
    }

    static func typeLabel(_ value: CellValue) -> String {
        switch value {
        case .empty: return "空"
        case .text: return "文本"
        case .number: return "数字"
        case .date: return "日期"
        case .boolean: return "逻辑值"
        case .error: return "错误值"
        }
    }

    /// The JSON type name and value text of a cell.
    static func jsonValue(_ value: CellValue) -> (String, String) {
        switch value {
        case .empty: return ("string", "\"\"")
        case .text(let s): return ("string", quoted(s))
        case .number(let n):
            guard n.isFinite else { return ("number", quoted("\(n)")) }
            return ("number", n == n.rounded() && abs(n) < 1e15 ? CellValue.format(n) : "\(n)")
        case .date: return ("date", quoted(value.displayText))
        case .boolean(let b): return ("boolean", b ? "true" : "false")
        case .error(let e): return ("error", quoted(e))
        }
    }

    /// A JSON string literal.
    static func quoted(_ text: String) -> String { JSONText.quoted(text) }
}

/// Standard output with a buffer, so large sheets print quickly.
final class BufferedOutput {
    private var buffer: [UInt8] = []

    func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 16 { flush() }
    }

    func flush() {
        guard !buffer.isEmpty else { return }
        FileHandle.standardOutput.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }
}
