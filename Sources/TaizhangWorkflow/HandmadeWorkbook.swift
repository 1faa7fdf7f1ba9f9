import TaizhangCore
import TaizhangXLSX

/// A workbook laid out the way a unit might make its own, not from the template (for the demo): a title and a
/// note row, the header fields written as "label：value" in one cell, the columns reordered and some renamed to
/// aliases, an extra column of the unit's own, blank lines, a 合计 row and the signatures in a footer.
enum HandmadeWorkbook {
    static func write(_ document: LedgerDocument, to path: String) throws {
        guard let table = document.form.tables.first else { return }
        let workbook = try Workbook()
        defer { workbook.removeTemporaryFiles() }
        let sheet = try workbook.addSheet("Sheet1")
        let bold = workbook.style(CellFormat(bold: true))
        let dateStyle = workbook.style(CellFormat(numberFormat: CellFormat.chineseDate))

        // Reordered: the descriptive columns first, 序号 last; some labels renamed to their aliases.
        var columns = table.columns.filter { !$0.autoNumber }
        columns.reverse()
        columns.append(contentsOf: table.columns.filter(\.autoNumber))
        func label(_ field: Field) -> String { field.aliases.first ?? field.label }

        let unitName = document.unit?.name ?? ""
        try sheet.writeRow([.text("\(unitName)\(document.form.title)", bold)])
        try sheet.writeRow([.text("（本表按本单位格式填写）")])
        var headerTexts: [String] = []
        for field in document.form.header where ["unit", "period", "report_date"].contains(field.key) {
            guard let value = document.header[field.key] else { continue }
            let text = field.type == .unit ? unitName : value.displayText
            headerTexts.append("\(field.label)：\(text)")
        }
        try sheet.writeRow([.text(headerTexts.joined(separator: "　　"))])
        try sheet.writeRow([])
        try sheet.writeRow(columns.map { .text(label($0), bold) } + [.text("联络员", bold)])
        for (i, record) in (document.rows[table.id] ?? []).enumerated() {
            if i == 3 { try sheet.writeRow([]) }  // a blank line left by the clerk
            var cells: [Cell] = columns.map { field in
                guard let value = record[field.key] else { return .empty() }
                switch value {
                case .date(let d): return Cell(.date(d), style: dateStyle)
                case .integer(let n): return .number(Double(n))
                default: return .text(value.displayText)
                }
            }
            cells[columns.count - 1] = .number(Double(i + 1))
            cells.append(.text("王联络"))
            try sheet.writeRow(cells)
        }
        try sheet.writeRow([.text("合计"), .text("\(document.rows[table.id]?.count ?? 0) 项")])
        var footer: [Cell] = []
        for key in ["filler", "phone"] {
            guard let field = document.form.headerField(key), let value = document.header[key] else { continue }
            footer += [.text("\(field.label)："), .text(value.displayText)]
        }
        try sheet.writeRow(footer)
        try workbook.save(to: path)
    }
}
