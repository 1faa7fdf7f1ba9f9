import Foundation
import TaizhangCore
import TaizhangXLSX

/// What `taizhang inspect` prints, streamed sheet by sheet.
public enum InspectText {
    /// Prints every sheet of the file at `file` (a workbook in any format the standard plugins read) to `out`,
    /// as text or as JSON. Throws `ImportError` for a file that cannot be read.
    public static func inspect(file: String, json: Bool, to out: BufferedOutput,
                               registry: PluginRegistry = .standard) throws {
        let source = try FileOpener(registry: registry).open(file).source
        if json { try self.json(source, to: out) } else { try text(source, to: out) }
    }

    /// The JSON form: `{"sheets":[{"name":"…","cells":[{"ref":"A1","type":"string","value":"…"}]}]}`.
    public static func json(_ source: any SheetSource, to out: BufferedOutput) throws {
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
    public static func text(_ source: any SheetSource, to out: BufferedOutput) throws {
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
            let merged = try (source as? any WorkbookSource)?.mergedRanges(sheet: index) ?? []
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
public final class BufferedOutput {
    /// Where the bytes go (standard output by default).
    private let handle: FileHandle

    public init(handle: FileHandle = .standardOutput) { self.handle = handle }

    private var buffer: [UInt8] = []

    /// Appends text.
    public func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 16 { flush() }
    }

    /// Writes out what is buffered.
    public func flush() {
        guard !buffer.isEmpty else { return }
        handle.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }
}
