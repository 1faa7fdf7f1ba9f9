import TaizhangCore
import TaizhangOOXML

/// One sheet of a ``Workbook`` (`xl/worksheets/sheetN.xml`), streamed row by row to a temporary file.
///
/// Set the layout that precedes the rows in the file (``setColumn(_:width:style:hidden:)``, ``freeze(rows:columns:)``,
/// ``printSetup``, ``showGridLines``, ``isHidden``) before the first ``writeRow(_:at:height:)``; merges,
/// validations, comments, auto-filter and protection may be added at any time before the workbook is saved.
/// Memory stays flat as rows grow: a row is in memory only while it is written.
public final class Worksheet {
    /// The sheet's name (tab label).
    public let name: String
    /// The 0-based position in the workbook.
    public let index: Int
    /// Hidden sheets (a template's 选项 sheet) do not show a tab.
    public var isHidden = false
    /// Whether grid lines show.
    public var showGridLines = true
    /// Print setup, `nil` for the application's defaults.
    public var printSetup: PrintSetup?
    /// Rows a printed page starts with (manual page breaks before them).
    public var pageBreaksBefore: Set<Int> = []
    /// Protection, `nil` for none. Cells whose format has `locked: false` stay editable.
    public var protection: SheetProtection?
    /// The auto-filter range (header row and data rows).
    public var autoFilter: CellRange?
    /// Merged ranges.
    public private(set) var merges: [CellRange] = []
    /// Data validations.
    public private(set) var validations: [DataValidation] = []
    /// Cell comments: (row, column, text).
    public private(set) var comments: [(row: Int, column: Int, text: String)] = []

    private unowned let workbook: Workbook
    let path: String
    private let writer: XMLWriter
    private var columns: [Int: (width: Double, style: CellStyle?, hidden: Bool)] = [:]
    private var frozen: (rows: Int, columns: Int) = (0, 0)
    private var headWritten = false
    private(set) var finished = false
    /// The next row `writeRow` writes when no row is given.
    public private(set) var nextRow = 1
    private let scratch: UnsafeMutablePointer<UInt8>

    init(workbook: Workbook, name: String, index: Int, path: String) throws(ExportError) {
        self.workbook = workbook
        self.name = name
        self.index = index
        self.path = path
        writer = try XMLWriter(path: path)
        scratch = .allocate(capacity: 256)
    }

    deinit { scratch.deallocate() }

    // MARK: Layout (before the first row)

    /// Sets a column's width in characters (a CJK character counts two), its default style and visibility.
    public func setColumn(_ column: Int, width: Double, style: CellStyle? = nil, hidden: Bool = false) {
        precondition(!headWritten, "set columns before writing rows")
        columns[column] = (width, style, hidden)
    }

    /// Freezes the top `rows` rows and the left `columns` columns.
    public func freeze(rows: Int, columns: Int = 0) {
        precondition(!headWritten, "freeze panes before writing rows")
        frozen = (rows, columns)
    }

    // MARK: Things after the rows (any time before saving)

    /// Merges a range; the first cell's value shows.
    public func merge(_ range: CellRange) { merges.append(range) }

    /// Adds a data validation.
    public func addValidation(_ validation: DataValidation) { validations.append(validation) }

    /// Adds a comment to a cell (shown on hover).
    public func addComment(row: Int, column: Int, text: String) { comments.append((row, column, text)) }

    // MARK: Rows

    /// Writes a row: `cells[0]` goes to column A. Rows must be written top to bottom; `row` (1-based)
    /// skips ahead, `nil` writes the next row. `height` is in points.
    public func writeRow(_ cells: [Cell], at row: Int? = nil, height: Double? = nil) throws(ExportError) {
        if finished { throw ExportError("工作表“\(name)”已写完，不能再写入行") }
        let r = row ?? nextRow
        if r < nextRow { throw ExportError("工作表“\(name)”须自上而下写入：第 \(r) 行已经写过") }
        if r > 1_048_576 { throw ExportError("工作表“\(name)”超过 1048576 行的上限") }
        if cells.count > 16_384 { throw ExportError("工作表“\(name)”超过 16384 列的上限") }
        if !headWritten { writeHead() }
        nextRow = r + 1
        writer.start("row")
        writer.attribute("r", r)
        if let height {
            writer.attribute("ht", height)
            writer.attribute("customHeight", 1)
        }
        for (i, cell) in cells.enumerated() {
            try writeCell(cell, row: r, column: i + 1)
        }
        writer.end()
    }

    @inline(__always) private func writeCell(_ cell: Cell, row: Int, column: Int) throws(ExportError) {
        let p = scratch
        var n = 0
        @inline(__always) func put(_ s: StaticString) {
            let count = s.utf8CodeUnitCount
            (p + n).update(from: s.utf8Start, count: count)
            n += count
        }
        @inline(__always) func open(type: StaticString?) {
            put("<c r=\"")
            n += XMLWriter.formatReference(row: row, column: column, into: p + n)
            if let style = cell.style, style.index != 0 {
                put("\" s=\"")
                n += XMLWriter.format(style.index, into: p + n)
            }
            if let type {
                put("\" t=\"")
                put(type)
            }
            put("\">")
        }
        switch cell.data {
        case .empty:
            guard let style = cell.style, style.index != 0 else { return }
            put("<c r=\"")
            n += XMLWriter.formatReference(row: row, column: column, into: p + n)
            put("\" s=\"")
            n += XMLWriter.format(style.index, into: p + n)
            put("\"/>")
        case .text(let text):
            // UTF-16 length ≤ UTF-8 length, so the exact count is needed only for long texts.
            if text.utf8.count > ExcelText.maxLength && text.utf16.count > ExcelText.maxLength {
                throw ExportError("工作表“\(name)”\(CellRange.reference(row: row, column: column)) 单元格的文字有 \(text.utf16.count) 个字符，超过 Excel 单元格 32767 个字符的上限")
            }
            let index = workbook.sharedStrings.index(of: text)
            open(type: "s")
            put("<v>")
            n += XMLWriter.format(index, into: p + n)
            put("</v></c>")
        case .number(let value):
            guard value.isFinite else {
                throw ExportError("工作表“\(name)”\(CellRange.reference(row: row, column: column)) 单元格的数值无效")
            }
            open(type: nil)
            put("<v>")
            if value == value.rounded(), abs(value) < 1e15 {
                n += XMLWriter.format(Int(value), into: p + n)
            } else {
                for byte in String(value).utf8 { p[n] = byte; n += 1 }
            }
            put("</v></c>")
        case .date(let date):
            open(type: nil)
            put("<v>")
            n += XMLWriter.format(ExcelDateSystem.system1900.serial(of: date), into: p + n)
            put("</v></c>")
        case .boolean(let value):
            open(type: "b")
            put(value ? "<v>1</v></c>" : "<v>0</v></c>")
        case .formula(let formula):
            writer.start("c")
            writer.attribute("r", CellRange.reference(row: row, column: column))
            if let style = cell.style, style.index != 0 { writer.attribute("s", style.index) }
            writer.element("f", formula)
            writer.end()
            return
        }
        writer.raw(p, count: n)
    }

    // MARK: The part

    private func writeHead() {
        headWritten = true
        let w = writer
        w.start("worksheet")
        w.attribute("xmlns", "http://schemas.openxmlformats.org/spreadsheetml/2006/main")
        w.attribute("xmlns:r", "http://schemas.openxmlformats.org/officeDocument/2006/relationships")
        if printSetup?.fitToWidth == true {
            w.start("sheetPr")
            w.start("pageSetUpPr"); w.attribute("fitToPage", 1); w.end()
            w.end()
        }
        w.start("sheetViews")
        w.start("sheetView")
        if !showGridLines { w.attribute("showGridLines", 0) }
        let firstVisible = workbook.sheets.first { !$0.isHidden }
        if firstVisible === self { w.attribute("tabSelected", 1) }
        w.attribute("workbookViewId", 0)
        if frozen.rows > 0 || frozen.columns > 0 {
            let topLeft = CellRange.reference(row: frozen.rows + 1, column: frozen.columns + 1)
            w.start("pane")
            if frozen.columns > 0 { w.attribute("xSplit", frozen.columns) }
            if frozen.rows > 0 { w.attribute("ySplit", frozen.rows) }
            w.attribute("topLeftCell", topLeft)
            let pane: String = frozen.rows > 0 && frozen.columns > 0 ? "bottomRight"
                : frozen.rows > 0 ? "bottomLeft" : "topRight"
            w.attribute("activePane", pane)
            w.attribute("state", "frozen")
            w.end()
            w.start("selection")
            w.attribute("pane", pane)
            w.attribute("activeCell", topLeft)
            w.attribute("sqref", topLeft)
            w.end()
        }
        w.end()
        w.end()
        w.start("sheetFormatPr")
        w.attribute("defaultRowHeight", "14.25")
        w.end()
        if !columns.isEmpty {
            w.start("cols")
            for column in columns.keys.sorted() {
                let c = columns[column]!
                w.start("col")
                w.attribute("min", column)
                w.attribute("max", column)
                w.attribute("width", c.width)
                if let style = c.style { w.attribute("style", style.index) }
                if c.hidden { w.attribute("hidden", 1) }
                w.attribute("customWidth", 1)
                w.end()
            }
            w.end()
        }
        w.start("sheetData")
    }

    /// Closes the sheet's file (the rows and everything after them).
    func finish(legacyDrawingRelationship: String?) throws(ExportError) {
        guard !finished else { return }
        if !headWritten { writeHead() }
        finished = true
        let w = writer
        w.end()  // sheetData
        if let protection {
            w.start("sheetProtection")
            w.attribute("sheet", 1)
            w.attribute("objects", 1)
            w.attribute("scenarios", 1)
            if protection.allowFormatColumns { w.attribute("formatColumns", 0) }
            if protection.allowFormatRows { w.attribute("formatRows", 0) }
            if protection.allowInsertRows { w.attribute("insertRows", 0) }
            if protection.allowDeleteRows { w.attribute("deleteRows", 0) }
            if protection.allowSort { w.attribute("sort", 0) }
            if protection.allowAutoFilter { w.attribute("autoFilter", 0) }
            w.end()
        }
        if let autoFilter {
            w.start("autoFilter"); w.attribute("ref", autoFilter.a1); w.end()
        }
        if !merges.isEmpty {
            w.start("mergeCells")
            w.attribute("count", merges.count)
            for merge in merges {
                w.start("mergeCell"); w.attribute("ref", merge.a1); w.end()
            }
            w.end()
        }
        if !validations.isEmpty {
            w.start("dataValidations")
            w.attribute("count", validations.count)
            for validation in validations { try validation.write(to: w, sheet: name) }
            w.end()
        }
        if let setup = printSetup {
            if setup.centerHorizontally {
                w.start("printOptions"); w.attribute("horizontalCentered", 1); w.end()
            }
            w.start("pageMargins")
            w.attribute("left", "0.5"); w.attribute("right", "0.5")
            w.attribute("top", "0.75"); w.attribute("bottom", "0.75")
            w.attribute("header", "0.3"); w.attribute("footer", "0.3")
            w.end()
            w.start("pageSetup")
            if setup.a3 { w.attribute("paperSize", 8) } else if setup.a4 { w.attribute("paperSize", 9) }
            if setup.fitToWidth {
                w.attribute("fitToWidth", 1)
                w.attribute("fitToHeight", setup.fitToOnePage ? 1 : 0)
            }
            w.attribute("orientation", setup.landscape ? "landscape" : "portrait")
            w.end()
            if let footer = setup.footer {
                w.start("headerFooter")
                w.element("oddFooter", footer)
                w.end()
            }
        }
        if !pageBreaksBefore.isEmpty {
            w.start("rowBreaks")
            w.attribute("count", pageBreaksBefore.count)
            w.attribute("manualBreakCount", pageBreaksBefore.count)
            for row in pageBreaksBefore.sorted() {
                w.start("brk")
                w.attribute("id", row - 1)  // the break is after row id (1-based)
                w.attribute("max", 16383)
                w.attribute("man", 1)
                w.end()
            }
            w.end()
        }
        if let legacyDrawingRelationship {
            w.start("legacyDrawing"); w.attribute("r:id", legacyDrawingRelationship); w.end()
        }
        w.end()  // worksheet
        try w.finish()
    }

    /// `text` cut to at most `limit` UTF-16 units (Excel's limits on prompts and titles).
    static func clip(_ text: String, _ limit: Int) -> String {
        guard text.utf16.count > limit else { return text }
        var out = ""
        var used = 0
        for ch in text {
            let n = ch.utf16.count
            if used + n > limit - 1 { break }
            out.append(ch)
            used += n
        }
        return out + "…"
    }
}
