import TaizhangCore

/// The unit's own file written back for correction: every sheet with its cells as they were read, each faulty
/// cell highlighted and carrying a comment with its Chinese message, and a first sheet listing all findings.
///
/// Works from any ``SheetSource`` (an xlsx or a csv return), so it knows nothing of forms: only cells and
/// ``Finding``s with their locations. Formatting of the original is not kept; values are.
public enum CorrectionWorkbook {
    /// The name of the sheet that lists the findings.
    public static let findingsSheet = "问题清单"

    /// Writes the annotated workbook to `path`.
    public static func write(source: any SheetSource, findings: [Finding], fileName: String, to path: String) throws {
        let workbook = try Workbook()
        defer { workbook.removeTemporaryFiles() }
        workbook.properties.title = "退回修改：\(fileName)"
        // A template's identifying properties go back with it, so the corrected file is recognised exactly.
        workbook.properties.custom = source.properties
        let errorStyle = workbook.style(CellFormat(fill: "FFC7CE", border: true, wrap: true))
        let warningStyle = workbook.style(CellFormat(fill: "FFEB9C", border: true, wrap: true))
        let errorDate = workbook.style(CellFormat(fill: "FFC7CE", border: true, numberFormat: CellFormat.isoDate))
        let warningDate = workbook.style(CellFormat(fill: "FFEB9C", border: true, numberFormat: CellFormat.isoDate))
        let dateStyle = workbook.style(CellFormat(numberFormat: CellFormat.isoDate))
        let bold = workbook.style(CellFormat(bold: true, fill: "D9E1F2", border: true))
        let wrap = workbook.style(CellFormat(border: true, vertical: .top, wrap: true))

        let sheetNames = Set(source.sheets.map(\.name))
        var listName = findingsSheet
        var n = 2
        while sheetNames.contains(listName) { listName = "\(findingsSheet)\(n)"; n += 1 }

        // The list of findings first, so it is what the clerk sees on opening.
        let list = try workbook.addSheet(listName)
        list.setColumn(1, width: 6)
        list.setColumn(2, width: 28)
        list.setColumn(3, width: 8)
        list.setColumn(4, width: 70)
        list.freeze(rows: 2)
        let shown = findings.filter { $0.severity >= .warning }
        try list.writeRow([.text("“\(fileName)”需要修改的问题（共 \(shown.count) 处，标红的单元格为错误，标黄的为警告）")])
        try list.writeRow([.text("序号", bold), .text("位置", bold), .text("级别", bold), .text("问题及修改要求", bold)])
        for (i, finding) in shown.enumerated() {
            try list.writeRow([.number(Double(i + 1), wrap), .text(finding.location.description, wrap),
                               .text(finding.severity.label, wrap), .text(finding.message, wrap)])
        }

        // Findings by sheet and cell.
        var marks: [String: [Int: [Int: [Finding]]]] = [:]
        for finding in shown {
            guard let sheet = finding.location.sheet, let row = finding.location.row, let column = finding.location.column
            else { continue }
            marks[sheet, default: [:]][row, default: [:]][column, default: []].append(finding)
        }

        for (index, info) in source.sheets.enumerated() {
            let sheet = try workbook.addSheet(info.name)
            sheet.isHidden = info.isHidden
            let sheetMarks = marks[info.name] ?? [:]
            // Column widths from the content (two columns per CJK character), read in a first pass.
            var widths: [Int: Int] = [:]
            try source.readRows(sheet: index) { row in
                for cell in row.cells {
                    widths[cell.column] = max(widths[cell.column] ?? 0, min(60, DisplayWidth.columns(cell.value.displayText)))
                }
                return true
            }
            for (column, width) in widths { sheet.setColumn(column, width: Double(max(8, width + 2))) }

            var pending = sheetMarks.keys.sorted()
            func writeMarkedOnly(before limit: Int) throws {
                while let next = pending.first, next < limit {
                    pending.removeFirst()
                    try sheet.writeRow(markedRow(SourceRow(row: next, cells: []), sheetMarks[next] ?? [:]), at: next)
                }
            }
            func markedRow(_ row: SourceRow, _ rowMarks: [Int: [Finding]]) -> [Cell] {
                let last = max(row.cells.last?.column ?? 0, rowMarks.keys.max() ?? 0)
                var cells = [Cell](repeating: .empty(), count: last)
                for cell in row.cells where cell.column <= last {
                    cells[cell.column - 1] = plain(cell.value)
                }
                for (column, found) in rowMarks {
                    let isError = found.contains { $0.severity == .error }
                    var cell = cells[column - 1]
                    if case .date = cell.data {
                        cell.style = isError ? errorDate : warningDate
                    } else {
                        cell.style = isError ? errorStyle : warningStyle
                    }
                    cells[column - 1] = cell
                    sheet.addComment(row: row.row, column: column,
                                     text: found.map { "\($0.severity.label)：\($0.message)" }.joined(separator: "\n"))
                }
                return cells
            }
            func plain(_ value: CellValue) -> Cell {
                switch value {
                case .empty: return .empty()
                case .text(let s): return .text(s)
                case .number(let n): return .number(n)
                case .date(let d, _): return Cell(.date(d), style: dateStyle)
                case .boolean(let b): return Cell(.boolean(b))
                case .error(let e): return .text(e)
                }
            }
            var lastRow = 0
            try source.readRows(sheet: index) { row in
                guard row.row > lastRow else { return true }  // rows out of order are not written twice
                try writeMarkedOnly(before: row.row)
                pending.removeAll { $0 == row.row }
                try sheet.writeRow(markedRow(row, sheetMarks[row.row] ?? [:]), at: row.row)
                lastRow = row.row
                return true
            }
            try writeMarkedOnly(before: Int.max)
        }
        try workbook.save(to: path)
    }
}
