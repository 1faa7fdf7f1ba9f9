import TaizhangCore
import TaizhangOOXML

/// Maps a ``LedgerDocument`` (an empty template or data) onto a ``Workbook``.
///
/// Layout of a ledger or report sheet (one sheet per table, named by the table's title):
/// - row 1: the title (`Form.title(for:)`), merged across the table's columns;
/// - rows 2…: the header block (first table sheet only): label/value pairs, two pairs per row; each
///   label cell holds the field's label (prefixed with `*` when required, like the column headers) and its
///   value is the (merged) cell right after it.
///   Counts (integer fields) start on a new row, so a report's 本月/累计 pairs sit side by side; long
///   answers (multiline) take a full-width row;
/// - the column header row right after the header block: the labels, required ones prefixed with `*`;
/// - the input rows (or the records of a data document), numbered in the 序号 column, with validations;
/// - frozen panes below the column header row, an auto-filter on it, and it repeats on every printed page.
///
/// The `.sections` layout (整治工作总结) puts the header fields on one sheet as label / wide answer rows,
/// then each table on its own sheet (title row, column header row in row 2, input rows).
///
/// Every workbook also has a `填表说明` sheet (the form's instructions and each field's help) and a hidden
/// `选项` sheet holding the dropdown lists, and carries `LedgerDocument.identifyingProperties` as custom
/// document properties.
///
/// Protection: the table sheets are left unprotected so units can insert rows, sort and paste freely;
/// input cells are formatted unlocked and title, labels and column headers locked, so a unit that turns
/// protection on (without a password) keeps its input cells editable. The hidden 选项 sheet is protected.
public struct TemplateBuilder {
    /// The document to lay out.
    public var document: LedgerDocument
    /// Findings to mark in the cells they are about (an annotated return): red for errors, yellow for warnings,
    /// with a comment saying what to fix.
    public var annotations: [Annotation] = []
    /// Whether the rows' cells are looked at for findings to mark (an annotated return); `nil`: when any
    /// annotation is given. A streamed return, whose rows' annotations come with the rows, says so.
    public var marksCells: Bool?
    /// For an annotated return: the findings listed on a first sheet (退回修改意见), each linked to its cell, and
    /// the returned file's name.
    public var returned: (fileName: String, findings: [Finding])?
    /// For an annotated return: the columns the unit added that the form does not know, by table id — their
    /// labels, and each row's texts by label (rows in the order of the document's rows). Kept to the right of
    /// the table after a blank column, each headed “原表另有：…”.
    public var extraColumns: [String: (labels: [String], rows: [[String: String]])] = [:]

    /// Where a finding stands in the document: a header field (`table` nil) or a table's row (its index among
    /// the document's rows) and column.
    public struct Annotation: Sendable {
        public var table: String?
        public var row: Int?
        public var field: String
        public var finding: Finding
        public init(table: String?, row: Int?, field: String, finding: Finding) {
            self.table = table
            self.row = row
            self.field = field
            self.finding = finding
        }
    }

    /// The annotated cells' addresses as laid out (`'整改工作台账'!H9`), by annotation key.
    private final class Addresses: @unchecked Sendable {
        var byKey: [String: String] = [:]
    }
    private let addresses = Addresses()

    private static func key(_ table: String?, _ row: Int?, _ field: String) -> String {
        "\(table ?? "")|\(row.map(String.init) ?? "")|\(field)"
    }

    /// The annotations by the key of their cell, and the cell key of each annotated finding (the first it is
    /// at): looked up once per cell and once per listed finding, so made once, when the workbook is built.
    private final class AnnotationIndex: @unchecked Sendable {
        var byKey: [String: [Finding]] = [:]
        var keyOfFinding: [Finding: String] = [:]

        func build(_ annotations: [Annotation]) {
            byKey = [:]
            keyOfFinding = [:]
            add(annotations)
        }

        /// More annotations (a row's, as the rows of a streamed return come).
        func add(_ annotations: [Annotation]) {
            for annotation in annotations {
                let key = TemplateBuilder.key(annotation.table, annotation.row, annotation.field)
                byKey[key, default: []].append(annotation.finding)
                if keyOfFinding[annotation.finding] == nil { keyOfFinding[annotation.finding] = key }
            }
        }
    }
    private let annotationIndex = AnnotationIndex()

    private func annotations(_ table: String?, _ row: Int?, _ field: String) -> [Finding] {
        annotationIndex.byKey[TemplateBuilder.key(table, row, field)] ?? []
    }

    /// Marks `cell` when findings are about it: the fill, a comment, and its address for the list.
    private func mark(_ cell: Cell, findings: [Finding], key: String, sheet: Worksheet, row: Int, column: Int,
                      styles: Styles) -> Cell {
        guard !findings.isEmpty else { return cell }
        let isError = findings.contains { $0.severity == .error }
        var marked = cell
        switch cell.data {
        case .date: marked.style = isError ? styles.markErrorDate : styles.markWarningDate
        case .number: marked.style = isError ? styles.markErrorNumber : styles.markWarningNumber
        default: marked.style = isError ? styles.markError : styles.markWarning
        }
        sheet.addComment(row: row, column: column, text: findings.map { "\($0.severity.label)：\($0.message)" }.joined(separator: "\n"))
        addresses.byKey[key] = "\(Workbook.quotedSheetName(sheet.name))!\(CellRange.columnName(column))\(row)"
        return marked
    }
    /// Rows below the input rows that still get validations, for rows units append.
    public var extraValidatedRows = 800

    /// The name of the hidden sheet with the dropdown lists.
    public static let optionsSheetName = "选项"
    /// The name of the instructions sheet.
    public static let instructionsSheetName = "填表说明"

    public init(document: LedgerDocument) {
        self.document = document
    }

    /// Builds the workbook (its sheets are streamed to temporary files; call ``Workbook/save(to:compressionLevel:)``).
    public func build() throws(ExportError) -> Workbook {
        let session = try Session(self)
        for table in document.form.tables {
            let records = document.rows[table.id] ?? []
            let sheet = try session.startTable(table, sample: Array(records.prefix(TemplateBuilder.widthSampleRows)))
            for record in records { try sheet.add(record) }
            try sheet.end()
        }
        return try session.finish()
    }

    /// How many rows of a table its column widths are fitted to (the first ones): a table whose rows are streamed
    /// is laid out once these have come.
    public static let widthSampleRows = 1000

    /// A workbook being built one table at a time, the rows of each given in order (``build()``, and a stream
    /// writer). What precedes the tables is written when it starts; ``finish()`` writes what follows them.
    final class Session {
        let builder: TemplateBuilder
        let book: Workbook
        fileprivate let styles: Styles
        let options: OptionsLayout
        private let returnedSheet: Worksheet?
        /// Where the next table stands in the form.
        private var tablesStarted = 0

        init(_ builder: TemplateBuilder) throws(ExportError) {
            self.builder = builder
            builder.annotationIndex.build(builder.annotations)
            let document = builder.document
            let book = try Workbook()
            self.book = book
            let form = document.form
            book.properties = DocumentProperties(
                title: form.title(for: document.unit), subject: form.shortTitle,
                company: document.unit?.name, custom: document.identifyingProperties)
            styles = Styles(book)
            var options = OptionsLayout(set: document.formSet)
            let fields = form.header + form.tables.flatMap(\.columns)
            for field in fields { try options.include(field) }
            for table in form.tables {
                for field in table.columns where field.type == .reference {
                    guard let choices = document.referenceChoices[field.key], !choices.isEmpty else { continue }
                    options.include(references: choices, for: field, shown: table.columns.map(\.key))
                }
            }
            self.options = options

            // An annotated return opens on the list of what to fix.
            returnedSheet = try builder.returned.map { _ throws(ExportError) in try book.addSheet(TemplateBuilder.returnedSheetName) }

            // A summary's answers come before its tables; a ledger without tables has only them.
            if form.layout == .sections || form.tables.isEmpty {
                let sheet = try book.addSheet(form.shortTitle)
                try builder.writeSectionsSheet(sheet, styles: styles, options: options)
            }
        }

        /// Starts the sheet of `table`, the next of the form's tables, its widths fitted to `sample` (the table's
        /// first ``widthSampleRows`` rows, or all of them when there are fewer).
        func startTable(_ table: FormTable, sample: [Record]) throws(ExportError) -> TableSheet {
            let form = builder.document.form
            guard tablesStarted < form.tables.count, form.tables[tablesStarted].id == table.id else {
                throw ExportError("表格“\(table.title)”须按表单中表格的顺序写入")
            }
            let withHeader = tablesStarted == 0 && form.layout != .sections
            tablesStarted += 1
            let sheet = try book.addSheet(table.title)
            return try builder.startTableSheet(sheet, table: table, withHeader: withHeader, sample: sample,
                                               styles: styles, options: options)
        }

        /// Writes the sheets that follow the tables and returns the workbook.
        func finish() throws(ExportError) -> Workbook {
            let form = builder.document.form
            while tablesStarted < form.tables.count {
                try startTable(form.tables[tablesStarted], sample: []).end()
            }
            if builder.document.purpose == .template {  // data written out has nothing left to fill in
                try builder.writeInstructions(try book.addSheet(TemplateBuilder.instructionsSheetName), styles: styles)
            }
            if let returnedSheet, let returned = builder.returned {
                try builder.writeReturned(returnedSheet, returned: returned, styles: styles)
            }
            let optionsSheet = try book.addSheet(TemplateBuilder.optionsSheetName)
            optionsSheet.isHidden = true
            try options.write(to: optionsSheet, style: styles.plain)
            options.defineCascadeNames(in: book)
            optionsSheet.protection = SheetProtection()
            return book
        }
    }

    // MARK: Ledger and report sheets

    /// A table's sheet being written: its layout decided, its rows given one at a time (``add(_:)``), then
    /// ``end()`` (a template's empty input rows, the auto-filter and the validations).
    final class TableSheet {
        let builder: TemplateBuilder
        let sheet: Worksheet
        let table: FormTable
        fileprivate let styles: Styles
        let options: OptionsLayout
        let widths: [Double]
        let headerRow: Int
        let prefillItems: [String]?
        let extra: (labels: [String], rows: [[String: String]])?
        /// A reference column whose key typed in a new row shows the referenced row's texts (its 问题描述).
        let referenceColumn: Int?
        /// Each column's field key, input style and whether it is numbered, looked up once (every row uses them).
        let keys: [String]
        let inputStyles: [CellStyle]
        let autoNumbered: [Bool]
        /// The rows written so far.
        private(set) var count = 0
        private var ended = false

        fileprivate init(builder: TemplateBuilder, sheet: Worksheet, table: FormTable, styles: Styles,
                         options: OptionsLayout, widths: [Double], headerRow: Int, prefillItems: [String]?,
                         extra: (labels: [String], rows: [[String: String]])?) {
            self.builder = builder
            self.sheet = sheet
            self.table = table
            self.styles = styles
            self.options = options
            self.widths = widths
            self.headerRow = headerRow
            self.prefillItems = prefillItems
            self.extra = extra
            referenceColumn = table.columns.firstIndex { $0.type == .reference && options.hasReferences($0.key) }
            keys = table.columns.map(\.key)
            inputStyles = table.columns.map { styles.input(for: $0) }
            autoNumbered = table.columns.map(\.autoNumber)
        }

        var firstData: Int { headerRow + 1 }

        /// Writes the next record's row.
        func add(_ record: Record) throws(ExportError) {
            try builder.writeInputRow(self, index: count, record: record, extraRow: extraRow(count))
            count += 1
        }

        /// Row `r`'s texts in the columns the unit added, when they were given with the document.
        private func extraRow(_ r: Int) -> [String: String]? {
            extra.flatMap { r < $0.rows.count ? $0.rows[r] : nil }
        }

        /// Writes the next record's row with the findings about its cells (their `row` is its index among the
        /// table's rows) and the texts of the columns the unit added, by label: a streamed annotated return.
        func add(_ record: Record, annotations: [Annotation], extraRow: [String: String]?) throws(ExportError) {
            builder.annotationIndex.add(annotations)
            try builder.writeInputRow(self, index: count, record: record, extraRow: extraRow)
            count += 1
        }

        /// Writes what follows the records.
        func end() throws(ExportError) {
            guard !ended else { return }
            ended = true
            let document = builder.document
            let columns = table.columns
            let inputCount = document.purpose == .data ? count
                : prefillItems?.count ?? (count == 0 ? table.templateRows : count + TemplateBuilder.rowsAfterCarried)
            for r in count..<max(count, inputCount) {
                try builder.writeInputRow(self, index: r, record: nil, extraRow: extraRow(r))
            }
            let lastData = headerRow + max(inputCount, count, 1)
            sheet.autoFilter = CellRange(firstRow: headerRow, firstColumn: 1, lastRow: lastData, lastColumn: columns.count)
            let lastValidated = document.purpose == .template ? lastData + builder.extraValidatedRows : lastData
            for (i, field) in columns.enumerated() {
                let range = CellRange(firstRow: firstData, firstColumn: i + 1, lastRow: lastValidated, lastColumn: i + 1)
                if let validation = builder.validation(for: field, range: range, columns: columns, options: options) {
                    sheet.addValidation(validation)
                }
            }
        }
    }

    /// Lays out a table's sheet up to its column header row: widths (fitted to `sample`), title, header block,
    /// column headers.
    private func startTableSheet(_ sheet: Worksheet, table: FormTable, withHeader: Bool, sample: [Record],
                                 styles: Styles, options: OptionsLayout) throws(ExportError) -> TableSheet {
        let form = document.form
        let columns = table.columns
        let portrait = form.orientation == "portrait"
        var a3 = form.paper == "A3"
        let natural = columns.map { columnWidth($0, records: sample) }
        func budget(a3: Bool) -> Double {
            a3 ? (portrait ? TemplateBuilder.pageWidthBudget : TemplateBuilder.a3WidthBudget)
                : (portrait ? TemplateBuilder.portraitWidthBudget : TemplateBuilder.pageWidthBudget)
        }
        var widths = TemplateBuilder.fitted(natural, columns: columns, budget: budget(a3: a3))
        // A table A4 cannot hold legibly even with its text columns narrowed (a consolidated ledger with its unit
        // column) prints on A3.
        if !a3 && widths.reduce(0, +) > budget(a3: false) + 0.5 {
            a3 = true
            widths = TemplateBuilder.fitted(natural, columns: columns, budget: budget(a3: true))
        }
        let n = max(columns.count, 2)
        for (i, width) in widths.enumerated() { sheet.setColumn(i + 1, width: width) }
        let extra = extraColumns[table.id].flatMap { $0.labels.isEmpty ? nil : $0 }
        for k in extra?.labels.indices ?? 0..<0 { sheet.setColumn(columns.count + 2 + k, width: 16) }

        // Plan the header block first: frozen panes and print titles need the header row's number.
        let headerRows = withHeader ? headerBlockRows(form.header, pairsPerRow: n >= 4 ? 2 : 1) : []
        let headerRow = 2 + headerRows.count
        let prefillItems = table.prefill.flatMap { document.formSet.list($0.list)?.items.map(\.value) }

        sheet.freeze(rows: headerRow)
        // A report's statistics block fills most of a page: its table starts the next page, so that the table's
        // header row is never left alone at the foot of the first.
        // (Upright, the block and the table share the first page.)
        if withHeader && form.layout == .report && headerRows.count >= 6 && !portrait { sheet.pageBreaksBefore.insert(headerRow) }
        sheet.printSetup = PrintSetup(landscape: !portrait, titleRows: headerRow...headerRow)
        sheet.printSetup?.a3 = a3

        // Title.
        // Each sheet of a workbook with several tables says which one it is.
        let named = (!withHeader && form.layout == .sections) || (document.purpose == .data && form.tables.count > 1)
        let title = form.title(for: document.unit) + (named ? "（" + table.title + "）" : "")
        // 18 pt is about 1.6 times the width of the body's 11 pt: a long title over narrow columns takes two lines.
        let titleLines = TemplateBuilder.lines(title, width: widths.reduce(0, +) / 1.6)
        try sheet.writeRow([.text(title, styles.title)] + Array(repeating: .empty(styles.title), count: n - 1),
                           height: max(36, Double(titleLines) * 26 + 10))
        sheet.merge(CellRange(firstRow: 1, firstColumn: 1, lastRow: 1, lastColumn: n))

        // Header block.
        var row = 2
        for fieldsInRow in headerRows {
            try writeHeaderRow(fieldsInRow, row: row, sheet: sheet, widths: widths, columnCount: n, styles: styles,
                               options: options)
            row += 1
        }

        // Column headers.
        var headerCells: [Cell] = []
        for (i, field) in columns.enumerated() {
            headerCells.append(.text(label(field), styles.columnHeader))
            if let help = field.help { sheet.addComment(row: headerRow, column: i + 1, text: help) }
        }
        let headerHeight = columns.enumerated().map { i, field in
            TemplateBuilder.lines(label(field), width: widths[i])
        }.max() ?? 1
        if let extra {
            headerCells.append(.empty())
            for label in extra.labels { headerCells.append(.text("原表另有：\(label)", styles.columnHeader)) }
        }
        try sheet.writeRow(headerCells, at: headerRow, height: max(24, Double(headerHeight) * 15 + 6))
        return TableSheet(builder: self, sheet: sheet, table: table, styles: styles, options: options, widths: widths,
                          headerRow: headerRow, prefillItems: prefillItems, extra: extra)
    }

    /// Writes input row `r` of a table's sheet: the record's values when there is one, otherwise an empty input
    /// row (numbered, prefilled, or with a lookup formula).
    private func writeInputRow(_ t: TableSheet, index r: Int, record: Record?,
                               extraRow: [String: String]?) throws(ExportError) {
        let styles = t.styles
        let widths = t.widths
        let keys = t.keys
        var cells: [Cell] = []
        cells.reserveCapacity(keys.count + (t.extra.map { $0.labels.count + 1 } ?? 0))
        var lines = 1
        for i in keys.indices {
            let style = t.inputStyles[i]
            var cell = Cell.empty(style)
            if let record, marksCells ?? !annotations.isEmpty {
                if let value = record[keys[i]] { cell = dataCell(value, style: style, styles: styles, header: false) }
                cell = mark(cell, findings: annotations(t.table.id, r, keys[i]),
                            key: TemplateBuilder.key(t.table.id, r, keys[i]), sheet: t.sheet, row: t.firstData + r,
                            column: i + 1, styles: styles)
                if case .text(let text) = cell.data { lines = max(lines, TemplateBuilder.lines(text, width: widths[i])) }
            } else if let record {
                if let value = record[keys[i]] {
                    cell = dataCell(value, style: style, styles: styles, header: false)
                    if case .text(let text) = cell.data { lines = max(lines, TemplateBuilder.lines(text, width: widths[i])) }
                } else if t.autoNumbered[i] {
                    cell = .number(Double(r + 1), style)
                }
            } else if t.autoNumbered[i] {
                cell = .number(Double(r + 1), style)
            } else if let prefill = t.table.prefill, prefill.column == keys[i], let items = t.prefillItems {
                cell = .text(items[r], style)
            } else if let k = t.referenceColumn, k != i,
                      let formula = t.options.lookupFormula(reference: keys[k], shown: keys[i],
                                                            keyCell: "$\(CellRange.columnName(k + 1))\(t.firstData + r)") {
                cell = Cell(.formula(formula), style: style)
            }
            cells.append(cell)
        }
        if let extra = t.extra, let extraRow {
            cells.append(.empty())
            for label in extra.labels { cells.append(.text(extraRow[label] ?? "", styles.text)) }
        }
        let height = record != nil ? max(20, Double(lines) * 15 + 4) : 22
        try t.sheet.writeRow(cells, height: height)
    }

    /// Groups header fields into rows of at most `pairsPerRow` (1 or 2) label/value pairs.
    private func headerBlockRows(_ fields: [Field], pairsPerRow: Int) -> [[Field]] {
        var rows: [[Field]] = []
        var current: [Field] = []
        var currentIsCount = false
        for field in fields {
            let isCount = field.type == .integer || field.type == .decimal
            if field.multiline {
                if !current.isEmpty { rows.append(current); current = [] }
                rows.append([field])
                continue
            }
            if !current.isEmpty && (current.count == pairsPerRow || isCount != currentIsCount) {
                rows.append(current)
                current = []
            }
            if current.isEmpty { currentIsCount = isCount }
            current.append(field)
        }
        if !current.isEmpty { rows.append(current) }
        return rows
    }

    private func writeHeaderRow(_ fields: [Field], row: Int, sheet: Worksheet, widths: [Double], columnCount n: Int,
                                styles: Styles, options: OptionsLayout) throws(ExportError) {
        // Split the columns into one or two halves; each half holds label then value.
        var spans: [(label: ClosedRange<Int>, value: ClosedRange<Int>)] = []
        let halves: [ClosedRange<Int>] = fields.count == 2 && n >= 4 ? [1...(n / 2), (n / 2 + 1)...n] : [1...n]
        for (k, half) in halves.enumerated() where k < fields.count {
            let needed = Double(DisplayWidth.columns(fields[k].label) + 2)
            var end = half.lowerBound
            var total = TemplateBuilder.width(widths, end)
            while total < needed && end + 1 < half.upperBound && (end + 1 - half.lowerBound) < (half.count + 1) / 2 {
                end += 1
                total += TemplateBuilder.width(widths, end)
            }
            spans.append((half.lowerBound...end, (end + 1)...max(end + 1, half.upperBound)))
        }
        var cells = Array(repeating: Cell.empty(), count: n)
        var lines = 1
        for (k, span) in spans.enumerated() {
            let field = fields[k]
            for c in span.label { cells[c - 1] = .empty(styles.label) }
            let labelWidth = span.label.reduce(0.0) { $0 + TemplateBuilder.width(widths, $1) }
            cells[span.label.lowerBound - 1] = .text(TemplateBuilder.broken(label(field), width: labelWidth), styles.label)
            let valueStyle = styles.headerValue(for: field)
            for c in span.value where c <= n { cells[c - 1] = .empty(valueStyle) }
            if let value = headerValue(field) {
                cells[span.value.lowerBound - 1] = dataCell(value, field: field, styles: styles, header: true)
            }
            cells[span.value.lowerBound - 1] = mark(cells[span.value.lowerBound - 1], findings: annotations(nil, nil, field.key),
                                                    key: TemplateBuilder.key(nil, nil, field.key), sheet: sheet, row: row,
                                                    column: span.value.lowerBound, styles: styles)
            lines = max(lines, TemplateBuilder.lines(TemplateBuilder.broken(label(field), width: labelWidth), width: labelWidth))
            if span.label.count > 1 { sheet.merge(CellRange(firstRow: row, firstColumn: span.label.lowerBound, lastRow: row, lastColumn: span.label.upperBound)) }
            if span.value.count > 1 && span.value.upperBound <= n {
                sheet.merge(CellRange(firstRow: row, firstColumn: span.value.lowerBound, lastRow: row, lastColumn: span.value.upperBound))
            }
            let range = CellRange(row: row, column: span.value.lowerBound)
            if let validation = validation(for: field, range: range, columns: [], options: options) {
                sheet.addValidation(validation)
            }
        }
        let multiline = fields.contains { $0.multiline }
        try sheet.writeRow(cells, at: row, height: multiline ? 120 : max(22, Double(lines) * 15 + 6))
    }

    // MARK: The sections layout

    private func writeSectionsSheet(_ sheet: Worksheet, styles: Styles, options: OptionsLayout) throws(ExportError) {
        let form = document.form
        sheet.setColumn(1, width: 30)
        sheet.setColumn(2, width: 100)
        sheet.printSetup = PrintSetup(landscape: false)
        try sheet.writeRow([.text(form.title(for: document.unit), styles.title), .empty(styles.title)], height: 36)
        sheet.merge(CellRange(firstRow: 1, firstColumn: 1, lastRow: 1, lastColumn: 2))
        var row = 2
        for field in form.header {
            var value = Cell.empty(styles.headerValue(for: field))
            if let v = headerValue(field) { value = dataCell(v, field: field, styles: styles, header: true) }
            var height = 22.0
            if field.multiline {
                height = 160
                if case .text(let text) = value.data {
                    height = max(height, Double(TemplateBuilder.lines(text, width: 100)) * 15 + 6)
                }
            }
            try sheet.writeRow([.text(label(field), styles.label), value], height: min(height, 409))
            if let validation = validation(for: field, range: CellRange(row: row, column: 2), columns: [], options: options) {
                sheet.addValidation(validation)
            }
            row += 1
        }
    }

    // MARK: The instructions sheet

    private func writeInstructions(_ sheet: Worksheet, styles: Styles) throws(ExportError) {
        let form = document.form
        // 86 width units: A4 portrait at 9 pt or more (see ``portraitWidthBudget``). The label column is as wide
        // as the longest label needs (18 to 30), so that labels take one line and the sheet stays on one page.
        let fields = form.header + form.tables.flatMap(\.columns)
        let labelWidth = Double(min(30, max(18, (fields.map { DisplayWidth.columns($0.label) }.max() ?? 0) + 2)))
        let textWidth = TemplateBuilder.portraitWidthBudget - 6 - labelWidth
        sheet.setColumn(1, width: labelWidth)
        sheet.setColumn(2, width: 6)
        sheet.setColumn(3, width: textWidth)

        // The rows are planned first: whether the sheet is scaled to one page is said before its first row.
        enum Line { case title(String), note(String, Double), gap, columns, section(String), field(Field, String, Double) }
        var lines: [Line] = [.title(form.title + "填表说明")]
        for (i, line) in form.instructions.enumerated() {
            lines.append(.note("\(i + 1). \(line)",
                               Double(TemplateBuilder.lines(line, width: TemplateBuilder.portraitWidthBudget - 2)) * 15 + 6))
        }
        lines += [.gap, .columns]
        var sections: [(String, [Field])] = []
        if !form.header.isEmpty { sections.append(("表头", form.header)) }
        for table in form.tables { sections.append(("表格“\(table.title)”", table.columns)) }
        for (title, fields) in sections {
            lines.append(.section(title))
            for field in fields {
                let text = describe(field)
                lines.append(.field(field, text, max(20, Double(max(TemplateBuilder.lines(text, width: textWidth),
                                                                    TemplateBuilder.lines(field.label, width: labelWidth))) * 15 + 6)))
            }
        }
        let total = lines.reduce(0.0) { sum, line in
            switch line {
            case .title: sum + 36
            case .note(_, let height), .field(_, _, let height): sum + height
            case .gap: sum + 15
            case .columns, .section: sum + 22
            }
        }
        // One page when it fits at 9 pt or more.
        var printSetup = PrintSetup(landscape: false)
        printSetup.fitToOnePage = total <= TemplateBuilder.onePortraitPage
        sheet.printSetup = printSetup

        var row = 1
        for line in lines {
            switch line {
            case .title(let title):
                try sheet.writeRow([.text(title, styles.title), .empty(styles.title), .empty(styles.title)], height: 36)
                sheet.merge(CellRange(firstRow: row, firstColumn: 1, lastRow: row, lastColumn: 3))
            case .note(let text, let height):
                try sheet.writeRow([.text(text, styles.note)], height: height)
                sheet.merge(CellRange(firstRow: row, firstColumn: 1, lastRow: row, lastColumn: 3))
            case .gap:
                break
            case .columns:
                try sheet.writeRow([.text("栏目", styles.columnHeader), .text("必填", styles.columnHeader),
                                    .text("填写要求", styles.columnHeader)], at: row, height: 22)
            case .section(let title):
                try sheet.writeRow([.text(title, styles.label), .empty(styles.label), .empty(styles.label)], height: 22)
                sheet.merge(CellRange(firstRow: row, firstColumn: 1, lastRow: row, lastColumn: 3))
            case .field(let field, let text, let height):
                let required = field.required ? "是" : (field.requiredWhen != nil ? "视情况" : "否")
                try sheet.writeRow([.text(field.label, styles.text), .text(required, styles.centered), .text(text, styles.text)],
                                   height: height)
            }
            row += 1
        }
    }

    /// The 填表说明 text for a field: its help, then what it accepts (what the help does not already say).
    func describe(_ field: Field) -> String {
        let help = field.help ?? ""
        var parts: [String] = help.isEmpty ? [] : [help]
        let fields = document.form.header + document.form.tables.flatMap(\.columns)
        func label(_ key: String) -> String { fields.first { $0.key == key }?.label ?? key }
        switch field.type {
        case .date:
            var clauses: [String] = []
            if !help.contains("如“") && !help.contains("日期，如") { clauses.append("填写日期，如 2024-06-30") }
            if let min = field.minDate { clauses.append("不早于 \(min.iso)") }
            if let max = field.maxDate { clauses.append("不晚于 \(max.iso)") }
            let texts = field.allowedTexts.filter { !help.contains($0) }
            if !texts.isEmpty { clauses.append("也可填“\(texts.joined(separator: "”“"))”") }
            if !clauses.isEmpty { parts.append(clauses.joined(separator: "，") + "。") }
        case .integer:
            var s = help.contains("填") ? "" : "填写整数"
            // A lower bound the help already gives ("不小于本月数"; "没有的填 0" for a count from 0) is not repeated.
            let saysMin = help.contains("不小于") || (field.min == 0 && help.contains("填 0"))
            if let min = field.min, !saysMin { s += (s.isEmpty ? "" : "，") + "不小于 \(XMLWriter.numberText(min))" }
            if let max = field.max { s += (s.isEmpty ? "" : "，") + "不大于 \(XMLWriter.numberText(max))" }
            if !s.isEmpty { parts.append(s + "。") }
        case .decimal:
            if help.isEmpty { parts.append("填写数值。") }
        case .yesNo:
            parts.append("从下拉列表中选择“是”或“否”。")
        case .choice:
            if let list = field.list.flatMap(document.formSet.list) {
                if let parent = field.dependsOn, list.parent != nil {
                    if !help.contains(label(parent)) { parts.append("先选“\(label(parent))”，再从下拉列表中选择。") }
                } else if !list.items.allSatisfy({ help.contains($0.value) }) {
                    parts.append("从下拉列表中选择：\(list.items.map(\.value).joined(separator: "、"))。")
                } else {
                    parts.append("从下拉列表中选择。")
                }
            }
        case .period:
            if help.isEmpty { parts.append("填写月份，如 2024-06。") }
        case .unit, .text, .reference:
            break
        }
        if let maxLength = field.maxLength, !help.contains("\(maxLength) 字"), !help.contains("\(maxLength)字") {
            parts.append("不超过 \(maxLength) 字。")
        }
        if let condition = field.requiredWhen, !help.contains("必填") {
            parts.append("“\(label(condition.field))”为“\(condition.in.joined(separator: "”或“"))”时必填。")
        }
        return parts.joined()
    }

    // MARK: Values

    private func headerValue(_ field: Field) -> Value? {
        if let value = document.header[field.key] { return value }
        switch field.type {
        case .unit: return document.unit.map { .unit($0.id) }
        case .period: return document.period.map { .period($0) }
        default: return nil
        }
    }

    private func dataCell(_ value: Value, field: Field, styles: Styles, header: Bool = false) -> Cell {
        dataCell(value, style: header ? styles.headerValue(for: field) : styles.input(for: field), styles: styles,
                 header: header)
    }

    /// A value's cell, `style` being its field's (dates and numbers take their own).
    private func dataCell(_ value: Value, style: CellStyle, styles: Styles, header: Bool) -> Cell {
        switch value {
        case .date(let date):
            return Cell(.date(date), style: header ? styles.headerDate : styles.date)
        case .integer(let n):
            return .number(Double(n), header ? styles.headerNumber : styles.number)
        case .decimal(let d):
            return .number(d, header ? styles.headerDecimal : styles.decimal)
        case .unit(let id):
            return .text(document.formSet.unit(id: id)?.name ?? id, style)
        default:
            return .text(value.displayText, style)
        }
    }

    // MARK: Validations

    private func validation(for field: Field, range: CellRange, columns: [Field], options: OptionsLayout) -> DataValidation? {
        let first = range.a1.split(separator: ":").first.map(String.init) ?? range.a1
        var rule: DataValidation.Rule
        var error: String
        var prompt = field.help
        switch field.type {
        case .choice:
            guard let listId = field.list, let list = document.formSet.list(listId) else { return nil }
            if let parentKey = field.dependsOn, list.parent != nil,
               let parentIndex = columns.firstIndex(where: { $0.key == parentKey }),
               let formula = options.cascadeFormula(list: listId, parentCell: "$\(CellRange.columnName(parentIndex + 1))\(range.firstRow)") {
                rule = .listFormula(formula)
                error = "请先选择“\(columns[parentIndex].label)”，再从下拉列表中选择“\(field.label)”"
                prompt = prompt ?? "请先选择“\(columns[parentIndex].label)”，再从下拉列表中选择"
            } else if let formula = options.listFormula(list: listId) {
                rule = .listFormula(formula)
                error = "请从下拉列表中选择“\(field.label)”"
            } else {
                return nil
            }
        case .unit:
            guard let formula = options.listFormula(list: OptionsLayout.unitsKey) else { return nil }
            rule = .listFormula(formula)
            error = "请从下拉列表中选择填报单位全称"
        case .yesNo:
            rule = .list(["是", "否"])
            error = "请选择“是”或“否”"
        case .date:
            if field.allowedTexts.isEmpty {
                rule = .date(min: field.minDate, max: field.maxDate)
            } else {
                var terms = ["ISNUMBER(\(first))"]
                if let min = field.minDate { terms.append("\(first)>=\(ExcelDateSystem.system1900.serial(of: min))") }
                if let max = field.maxDate { terms.append("\(first)<=\(ExcelDateSystem.system1900.serial(of: max))") }
                let texts = field.allowedTexts.map { "\(first)=\"\($0)\"" }
                rule = .custom("OR(AND(\(terms.joined(separator: ","))),\(texts.joined(separator: ",")))")
            }
            error = "请填写日期，如 2024-06-30"
            if let min = field.minDate { error += "，不早于 \(min.iso)" }
            if let max = field.maxDate { error += "，不晚于 \(max.iso)" }
            if !field.allowedTexts.isEmpty { error += "；也可填“\(field.allowedTexts.joined(separator: "”“"))”" }
            prompt = prompt ?? "填写日期，如 2024-06-30"
        case .integer:
            rule = .whole(min: field.min.map { Int($0) }, max: field.max.map { Int($0) })
            error = "请填写整数"
            if let min = field.min { error += "，不小于 \(XMLWriter.numberText(min))" }
            if let max = field.max { error += "，不大于 \(XMLWriter.numberText(max))" }
            if field.autoNumber { return nil }
        case .decimal:
            rule = .decimal(min: field.min, max: field.max)
            error = "请填写数值"
        case .reference where options.hasReferences(field.key):
            guard let formula = options.referenceFormula(field.key) else { return nil }
            let target = field.references.flatMap { document.formSet.form($0.form)?.shortTitle } ?? "所引用的台账"
            return DataValidation(ranges: [range], rule: .listFormula(formula), allowBlank: true, promptTitle: field.label,
                                  prompt: prompt ?? "从本单位\(target)的\(field.label)中选择；新问题请先在\(target)中登记",
                                  errorTitle: "不在\(target)中",
                                  error: "“\(field.label)”不在本单位\(target)中。请核对，或先在\(target)中登记该问题。",
                                  errorStyle: .warning)
        case .text, .reference:
            guard let maxLength = field.maxLength else {
                if let help = prompt {
                    return DataValidation(ranges: [range], rule: .any, promptTitle: field.label, prompt: help)
                }
                return nil
            }
            rule = .textLength(max: maxLength)
            error = "“\(field.label)”不超过 \(maxLength) 字"
        case .period:
            return prompt.map { DataValidation(ranges: [range], rule: .any, promptTitle: field.label, prompt: $0) }
        }
        return DataValidation(ranges: [range], rule: rule, allowBlank: true, promptTitle: field.label, prompt: prompt,
                              errorTitle: "输入有误", error: error + "。")
    }

    /// A label as printed: required fields are prefixed with `*` (importers strip it).
    static func label(_ field: Field) -> String { (field.required ? "*" : "") + field.label }

    /// A label too long for one line of `width`, broken before its parenthesis (“办结投诉举报案件” / “（本月，件）”)
    /// rather than wherever the line runs out.
    static func broken(_ label: String, width: Double) -> String {
        guard Double(DisplayWidth.columns(label)) > width - 1, let open = label.firstIndex(of: "（"),
              open != label.startIndex else { return label }
        return label[..<open] + "\n" + label[open...]
    }

    /// The first sheet of an annotated return.
    public static let returnedSheetName = "退回修改意见"

    /// The list of findings: what, where (a link to the marked cell), and how serious; on A4 portrait, wrapped.
    private func writeReturned(_ sheet: Worksheet, returned: (fileName: String, findings: [Finding]),
                               styles: Styles) throws(ExportError) {
        let widths: [Double] = [5, 22, 6, 53]  // 86 units: A4 portrait at 9 pt or more
        for (i, width) in widths.enumerated() { sheet.setColumn(i + 1, width: width) }
        sheet.printSetup = PrintSetup(landscape: false, titleRows: 2...2)
        sheet.freeze(rows: 2)
        let shown = returned.findings.filter { $0.severity >= .warning }
        let errors = shown.filter { $0.severity == .error }.count
        let title = "“\(returned.fileName)”退回修改意见：\(errors) 处错误、\(shown.count - errors) 处警告（标红的单元格为错误，标黄的为警告，批注中有修改要求）"
        try sheet.writeRow([.text(title, styles.title)] + Array(repeating: .empty(styles.title), count: 3),
                           height: Double(TemplateBuilder.lines(title, width: widths.reduce(0, +) / 1.6)) * 26 + 10)
        sheet.merge(CellRange(firstRow: 1, firstColumn: 1, lastRow: 1, lastColumn: 4))
        try sheet.writeRow([.text("序号", styles.columnHeader), .text("位置（点击跳转）", styles.columnHeader),
                            .text("级别", styles.columnHeader), .text("问题及修改要求", styles.columnHeader)], height: 24)
        for (i, finding) in shown.enumerated() {
            let place = finding.location.description
            let target = annotationIndex.keyOfFinding[finding].flatMap { addresses.byKey[$0] }
            let placeCell: Cell
            if let target {
                let escaped = place.replacingOccurrences(of: "\"", with: "\"\"")
                placeCell = Cell(.formula("HYPERLINK(\"#\(target.replacingOccurrences(of: "\"", with: "\"\""))\",\"\(escaped)\")"), style: styles.text)
            } else {
                placeCell = .text(place, styles.text)
            }
            let lines = max(TemplateBuilder.lines(place, width: widths[1]), TemplateBuilder.lines(finding.message, width: widths[3]))
            try sheet.writeRow([.number(Double(i + 1), styles.centered), placeCell, .text(finding.severity.label, styles.centered),
                                .text(finding.message, styles.text)], height: max(20, Double(lines) * 15 + 6))
        }
    }

    /// Empty input rows after the rows a template carries forward.
    static let rowsAfterCarried = 10

    /// A label as this workbook prints it: a template marks required fields; data written out (a report, an
    /// export) has nothing left to fill in and carries no marks.
    func label(_ field: Field) -> String {
        document.purpose == .template ? TemplateBuilder.label(field) : field.label
    }

    // MARK: Widths and heights

    /// A column's width in character units: the form's width, or one estimated from the label and (for data)
    /// the values of the first ``widthSampleRows`` records, East Asian wide characters counting two; long texts
    /// wrap at 50.
    func columnWidth(_ field: Field, records: [Record]) -> Double {
        let label = DisplayWidth.columns(field.label) + (field.required ? 1 : 0) + 2
        var width = field.width ?? defaultWidth(field)
        // Short values widen their column to fit; text wraps in the width the form gives it.
        let wraps = field.type == .text || field.type == .reference
        for record in records.prefix(TemplateBuilder.widthSampleRows) where !wraps {
            if let value = record[field.key] {
                let w = value.date != nil ? 10 : DisplayWidth.columns(value.displayText)
                width = max(width, min(w + 2, 30))
            }
        }
        // Column headers wrap: a long label does not widen its column beyond 10.
        return Double(max(width, min(label, 10)))
    }

    /// The widths a table may take across an A4 landscape page with its 11 pt text printed at 9 pt or more, as
    /// LibreOffice renders it (a width unit of the 宋体 body is about 7.15 pt; 770 pt across between the margins).
    static let pageWidthBudget = 130.0
    /// The same on A3 landscape (1,118 pt across).
    static let a3WidthBudget = 190.0
    /// The same on A4 portrait (523 pt across).
    static let portraitWidthBudget = 86.0
    /// The most points of row heights a sheet may have to print on one A4 portrait page with its 11 pt text at
    /// 9 pt or more (734 pt between the margins, scaled by no less than 9/11), less a little for rounding.
    static let onePortraitPage = 880.0

    /// `widths` narrowed to ``pageWidthBudget`` where they exceed it: the text columns (which wrap) give up
    /// their width in proportion, down to 10 each; the others keep theirs.
    static func fitted(_ widths: [Double], columns: [Field], budget: Double = pageWidthBudget) -> [Double] {
        let total = widths.reduce(0, +)
        guard total > budget else { return widths }
        let floor = 10.0
        let shrinkable = columns.indices.filter {
            (columns[$0].type == .text || columns[$0].type == .reference) && widths[$0] > floor
        }
        let slack = shrinkable.reduce(0) { $0 + widths[$1] - floor }
        guard slack > 0 else { return widths }
        let factor = max(0, (slack - (total - budget)) / slack)
        var result = widths
        for i in shrinkable { result[i] = (floor + (widths[i] - floor) * factor).rounded() }
        return result
    }

    private func defaultWidth(_ field: Field) -> Int {
        switch field.type {
        case .date, .period: return 11
        case .integer, .decimal: return 8
        case .yesNo: return 6
        case .unit: return 16
        case .choice:
            // As wide as the longest choice.
            let longest = field.list.flatMap(document.formSet.list)?.allItems.map { DisplayWidth.columns($0.value) }.max() ?? 14
            return min(max(longest + 2, 8), 24)
        case .text, .reference: return field.multiline ? 60 : 20
        }
    }

    static func width(_ widths: [Double], _ column: Int) -> Double {
        column - 1 < widths.count ? widths[column - 1] : 10
    }

    /// The lines `text` takes in a wrapped cell `width` characters wide.
    /// (A line ends at a line feed that is a character of its own: CR LF is one character, which does not end
    /// a line; it counts no columns.) Scalar by scalar, without breaking the text into characters: every row of
    /// an export is measured.
    static func lines(_ text: String, width: Double) -> Int {
        let usable = max(1, Int(width) - 1)
        var total = 0
        var columns = 0
        var afterCR = false
        for scalar in text.unicodeScalars {
            if scalar.value == 0x0A && !afterCR {
                total += max(1, (columns + usable - 1) / usable)
                columns = 0
                continue
            }
            afterCR = scalar.value == 0x0D
            columns += DisplayWidth.columns(scalar)
        }
        total += max(1, (columns + usable - 1) / usable)
        return total
    }
}

/// The cell styles a template uses.
private struct Styles {
    let title, label, columnHeader, plain, note, text, centered: CellStyle
    let inputText, inputWrapped, inputCentered, date, number, headerText, headerLong, headerDate, headerNumber, decimal, headerDecimal: CellStyle
    let markError, markWarning, markErrorDate, markWarningDate, markErrorNumber, markWarningNumber: CellStyle

    init(_ book: Workbook) {
        let font = "宋体"
        title = book.style(CellFormat(fontName: font, fontSize: 18, bold: true, horizontal: .center, wrap: true))
        label = book.style(CellFormat(fontName: font, bold: true, fill: "F2F2F2", border: true, horizontal: .center, wrap: true))
        columnHeader = book.style(CellFormat(fontName: font, bold: true, fill: "DDEBF7", border: true, horizontal: .center, wrap: true))
        plain = book.style(CellFormat(fontName: font))
        note = book.style(CellFormat(fontName: font, vertical: .top, wrap: true))
        text = book.style(CellFormat(fontName: font, border: true, vertical: .top, wrap: true))
        centered = book.style(CellFormat(fontName: font, border: true, horizontal: .center, vertical: .top))
        inputText = book.style(CellFormat(fontName: font, border: true, wrap: true, locked: false))
        inputWrapped = book.style(CellFormat(fontName: font, border: true, vertical: .top, wrap: true, locked: false))
        // Choices wrap: a long 具体情形 shows whole in its column (the row is as tall as it needs).
        inputCentered = book.style(CellFormat(fontName: font, border: true, horizontal: .center, wrap: true, locked: false))
        date = book.style(CellFormat(fontName: font, border: true, horizontal: .center, numberFormat: CellFormat.isoDate, locked: false))
        number = book.style(CellFormat(fontName: font, border: true, horizontal: .right, numberFormat: "0", locked: false))
        decimal = book.style(CellFormat(fontName: font, border: true, horizontal: .right, numberFormat: "0.0#", locked: false))
        headerText = book.style(CellFormat(fontName: font, border: true, horizontal: .left, wrap: true, locked: false))
        headerLong = book.style(CellFormat(fontName: font, border: true, horizontal: .left, vertical: .top, wrap: true, locked: false))
        headerDate = book.style(CellFormat(fontName: font, border: true, horizontal: .left, numberFormat: CellFormat.isoDate, locked: false))
        headerNumber = book.style(CellFormat(fontName: font, border: true, horizontal: .right, numberFormat: "0", locked: false))
        headerDecimal = book.style(CellFormat(fontName: font, border: true, horizontal: .right, numberFormat: "0.0#", locked: false))
        // An annotated return's faulty cells: red for errors, yellow for warnings (still input cells).
        markError = book.style(CellFormat(fontName: font, fill: "FFC7CE", border: true, vertical: .top, wrap: true, locked: false))
        markWarning = book.style(CellFormat(fontName: font, fill: "FFEB9C", border: true, vertical: .top, wrap: true, locked: false))
        markErrorDate = book.style(CellFormat(fontName: font, fill: "FFC7CE", border: true, horizontal: .center, numberFormat: CellFormat.isoDate, locked: false))
        markWarningDate = book.style(CellFormat(fontName: font, fill: "FFEB9C", border: true, horizontal: .center, numberFormat: CellFormat.isoDate, locked: false))
        markErrorNumber = book.style(CellFormat(fontName: font, fill: "FFC7CE", border: true, horizontal: .right, numberFormat: "0", locked: false))
        markWarningNumber = book.style(CellFormat(fontName: font, fill: "FFEB9C", border: true, horizontal: .right, numberFormat: "0", locked: false))
    }

    func input(for field: Field) -> CellStyle {
        switch field.type {
        case .date: return date
        case .integer: return number
        case .decimal: return decimal
        case .yesNo, .choice, .period, .unit: return inputCentered
        case .text, .reference: return field.multiline ? inputWrapped : inputText
        }
    }

    func headerValue(for field: Field) -> CellStyle {
        switch field.type {
        case .date: return headerDate
        case .integer: return headerNumber
        case .decimal: return headerDecimal
        default: return field.multiline ? headerLong : headerText
        }
    }
}

/// The hidden 选项 sheet: one column per flat list (title in row 1, values below), and for a cascading
/// list one column per parent value (the parent value in row 1, its items and the common items below).
struct OptionsLayout {
    static let unitsKey = "__units"
    let set: FormSet
    private(set) var columns: [(title: String, values: [String])] = []
    private var flat: [String: Int] = [:]
    private var cascades: [String: (first: Int, count: Int, depth: Int)] = [:]

    init(set: FormSet) { self.set = set }

    mutating func include(_ field: Field) throws(ExportError) {
        if field.type == .unit, flat[OptionsLayout.unitsKey] == nil {
            flat[OptionsLayout.unitsKey] = columns.count
            columns.append(("填报单位", set.units.map(\.name)))
        }
        guard field.type == .choice, let id = field.list, let list = set.list(id) else { return }
        if list.parent != nil {
            guard cascades[id] == nil else { return }
            let first = columns.count
            var depth = 0
            for group in list.groups {
                let values = list.items(under: group.parent).map(\.value)
                depth = max(depth, values.count)
                columns.append((group.parent, values))
            }
            cascades[id] = (first, list.groups.count, depth)
            // The parent list is needed for its own dropdown too.
            if let parent = list.parent, flat[parent] == nil, let parentList = set.list(parent) {
                flat[parent] = columns.count
                columns.append((parentList.title, parentList.items.map(\.value)))
            }
        } else if flat[id] == nil {
            flat[id] = columns.count
            columns.append((list.title, list.items.map(\.value)))
        }
        if columns.count > 16_384 { throw ExportError("选项列表太多，超过工作表的列数上限") }
    }

    /// Reference keys (by the referring field's key): the column of keys, and the columns of texts shown.
    private var references: [String: (keys: Int, shown: [String: Int])] = [:]

    /// Lists the keys a reference column may take (and the texts of the rows they name) as columns.
    mutating func include(references choices: [LedgerDocument.ReferenceChoice], for field: Field, shown keys: [String]) {
        guard references[field.key] == nil else { return }
        let keyColumn = columns.count
        columns.append((field.label, choices.map(\.key)))
        var shown: [String: Int] = [:]
        let valueKeys = Set(choices.flatMap(\.values.keys)).filter { keys.contains($0) && $0 != field.key }.sorted()
        for key in valueKeys {
            shown[key] = columns.count
            columns.append((key, choices.map { $0.values[key] ?? "" }))
        }
        references[field.key] = (keyColumn, shown)
    }

    func hasReferences(_ key: String) -> Bool { references[key] != nil }

    private func range(column index: Int) -> String {
        let column = CellRange.columnName(index + 1)
        return "\(sheet)!$\(column)$2:$\(column)$\(max(2, columns[index].values.count + 1))"
    }

    /// `'选项'!$X$2:$X$9`: the keys a reference column may take.
    func referenceFormula(_ key: String) -> String? { references[key].map { range(column: $0.keys) } }

    /// The text of column `shown` of the row whose key is in `keyCell`, or empty.
    func lookupFormula(reference key: String, shown: String, keyCell: String) -> String? {
        guard let entry = references[key], let valueColumn = entry.shown[shown] else { return nil }
        return "IF(\(keyCell)=\"\",\"\",IFERROR(INDEX(\(range(column: valueColumn)),MATCH(\(keyCell),\(range(column: entry.keys)),0)),\"\"))"
    }

    private var sheet: String { Workbook.quotedSheetName(TemplateBuilder.optionsSheetName) }

    /// `'选项'!$B$2:$B$5` for a flat list.
    func listFormula(list id: String) -> String? {
        guard let index = flat[id] else { return nil }
        let column = CellRange.columnName(index + 1)
        return "\(sheet)!$\(column)$2:$\(column)$\(max(2, columns[index].values.count + 1))"
    }

    /// The defined name of the items under the `k`th parent value of cascading list `id` (`选项_situations_2`):
    /// parent values such as 执法不规范、不公正 are not valid names, so the names are numbered in the order of the
    /// heads on the options sheet.
    static func cascadeName(list id: String, group k: Int) -> String {
        let safe = String(id.map { $0.isLetter || $0.isNumber ? $0 : "_" })
        return "\(TemplateBuilder.optionsSheetName)_\(safe)_\(k + 1)"
    }

    /// Defines, for every cascading list, one name per parent value, each naming exactly that value's items.
    func defineCascadeNames(in book: Workbook) {
        for (id, c) in cascades.sorted(by: { $0.key < $1.key }) {
            for k in 0..<c.count { book.defineName(Self.cascadeName(list: id, group: k), formula: range(column: c.first + k)) }
        }
    }

    /// The items under the parent value in `parentCell` (`$E10`): the named range of that value, found by its
    /// place among the heads — `INDIRECT("选项_situations_"&MATCH(…))`, the construct Excel's and WPS's own
    /// guides give for a 二级联动 dropdown (no OFFSET/COUNTA arithmetic over a ragged block).
    func cascadeFormula(list id: String, parentCell: String) -> String? {
        guard let c = cascades[id] else { return nil }
        let firstColumn = CellRange.columnName(c.first + 1)
        let lastColumn = CellRange.columnName(c.first + c.count)
        let prefix = String(Self.cascadeName(list: id, group: 0).dropLast())
        return "INDIRECT(\"\(prefix)\"&MATCH(\(parentCell),\(sheet)!$\(firstColumn)$1:$\(lastColumn)$1,0))"
    }

    func write(to sheet: Worksheet, style: CellStyle) throws(ExportError) {
        for i in columns.indices {
            let width = columns[i].values.map { DisplayWidth.columns($0) }.max() ?? 8
            sheet.setColumn(i + 1, width: Double(max(width, DisplayWidth.columns(columns[i].title)) + 2))
        }
        let depth = columns.map(\.values.count).max() ?? 0
        try sheet.writeRow(columns.map { .text($0.title, style) })
        for r in 0..<depth {
            try sheet.writeRow(columns.map { r < $0.values.count ? .text($0.values[r], style) : .empty() })
        }
    }
}
