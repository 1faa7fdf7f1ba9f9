/// Finds a form in an opened file and lifts its cells into a ``LedgerInput``: which form it is (from a
/// template's own properties, or by its column labels), where each table's header row is (below any
/// title rows a unit added), which column is which field (reordered, renamed to an alias, extra columns),
/// and the header fields written around the tables (填报单位：…, 填报人 … in the footer).
///
/// Works on any ``SheetSource``, so xlsx and csv files go through the same rules.
public struct LedgerReader: Sendable {
    /// What the caller knows already (`--form`, `--unit`, `--period`).
    public struct Hints: Sendable {
        public var form: Form?
        public var unit: ReportingUnit?
        public var period: YearMonth?
        public init(form: Form? = nil, unit: ReportingUnit? = nil, period: YearMonth? = nil) {
            self.form = form
            self.unit = unit
            self.period = period
        }
    }

    /// How the form was recognised.
    public enum Recognition: String, Sendable, Codable {
        /// From a Taizhang template's custom properties: exact.
        case template
        /// Given by the caller.
        case hint
        /// From the column labels.
        case labels
    }

    /// What was read.
    public struct Result: Sendable {
        /// The cells, by field.
        public var input: LedgerInput
        /// Findings about the file's shape (missing columns, ignored columns, an old template version).
        public var findings: [Finding]
        /// How the form was recognised.
        public var recognition: Recognition
        /// The unit and period the file itself declares (template properties) or the caller gave.
        public var expectedUnit: ReportingUnit?
        public var expectedPeriod: YearMonth?
    }

    /// Sheets that explain a form rather than fill it in (a template's 填表说明): never read for values.
    public static let guidanceSheetNames: Set<String> = ["填表说明", "填报说明", "说明"]

    /// How many rows from the top of a sheet are searched for a header row.
    public var scanRows = 40

    public let formSet: FormSet

    public init(formSet: FormSet) { self.formSet = formSet }

    // MARK: Labels

    /// A label as a person reads it: without required-marks (`*`, `（必填）`) and a trailing colon.
    static func cleanLabel(_ text: String) -> String {
        var t = TextFolding.trimmed(text)
        for suffix in ["（必填）", "(必填)", "（选填）", "(选填)"] where t.hasSuffix(suffix) { t.removeLast(suffix.count) }
        while let last = t.last, "：:*＊".contains(last) { t.removeLast() }
        while let first = t.first, "*＊".contains(first) { t.removeFirst() }
        return TextFolding.trimmed(t)
    }

    /// A cell's text reduced for label matching: the clean label as a loose key.
    static func labelKey(_ text: String) -> String {
        TextFolding.matchKey(cleanLabel(text))
    }

    /// The label with a trailing parenthetical note removed (整改时限（年月日） → 整改时限).
    static func withoutNote(_ key: String) -> String? {
        guard key.hasSuffix(")"), let open = key.lastIndex(of: "(") , open != key.startIndex else { return nil }
        return String(key[..<open])
    }

    /// Field names by label key, for one list of fields.
    struct LabelIndex {
        var keys: [String: String] = [:]
        init(_ fields: [Field]) {
            for field in fields {
                for name in field.names { keys[LedgerReader.labelKey(name)] = field.key }
            }
        }
        func field(for text: String) -> String? {
            let key = LedgerReader.labelKey(text)
            if let hit = keys[key] { return hit }
            if let bare = LedgerReader.withoutNote(key) { return keys[bare] }
            return nil
        }
    }

    // MARK: Reading

    /// Where rows go when they are not kept: what has been read so far (the header cells, its tables empty; the
    /// expected unit and period; made when asked for), the table's index in the form and the row.
    public typealias RowSink = (_ sofar: () -> Result, _ table: Int, _ row: TableRow) throws -> Void

    /// Reads `source`. Throws ``ImportError`` (`.unsupported`) when no form can be recognised. With `rows`, each
    /// table row is handed to it as it is read, and none is kept in the result (a file of any length costs the
    /// memory of one row).
    public func read(_ source: any SheetSource, fileName: String, hints: Hints = Hints(),
                     rows sink: RowSink? = nil) throws -> Result {
        var findings: [Finding] = []
        var recognition = Recognition.labels
        var form = hints.form
        var expectedUnit = hints.unit
        var expectedPeriod = hints.period
        let props = source.properties
        if form != nil { recognition = .hint }
        if let id = props[TemplateProperty.form], let templateForm = formSet.form(id) {
            if form == nil || form?.id == id {
                form = templateForm
                recognition = form == nil || hints.form == nil ? .template : .hint
                if let version = props[TemplateProperty.formVersion], version != templateForm.version {
                    findings.append(Finding(
                        code: .oldTemplate, severity: .warning, location: Location(file: fileName),
                        message: "这份表使用的是旧版模板（版本 \(version)），当前版本为 \(templateForm.version)，请今后使用新模板"))
                }
            }
            if expectedUnit == nil, let unitID = props[TemplateProperty.unit] { expectedUnit = formSet.unit(id: unitID) }
            if expectedPeriod == nil, let p = props[TemplateProperty.period] { expectedPeriod = YearMonth(p) }
        }

        let sheets = source.sheets.enumerated().filter { !$0.element.isHidden }
        // The top rows of every visible sheet, for finding header rows.
        var tops: [Int: [SourceRow]] = [:]
        for (index, _) in sheets {
            var rows: [SourceRow] = []
            try source.readRows(sheet: index) { row in
                rows.append(row)
                return rows.count < scanRows && row.row < scanRows * 4
            }
            tops[index] = rows
        }

        let candidates = form.map { [$0] } ?? formSet.forms
        var best: (form: Form, score: Double, places: [String: TablePlace])?
        for candidate in candidates {
            var places: [String: TablePlace] = [:]
            var score = 0.0
            for table in candidate.tables {
                if let place = locate(table, in: sheets.map(\.offset), tops: tops) {
                    places[table.id] = place
                    score += Double(place.mapping.count)
                }
            }
            score += 0.5 * Double(headerLabelCount(candidate, tops: tops))
            if score > (best?.score ?? 0) { best = (candidate, score, places) }
        }
        guard let chosen = best, chosen.score >= 2 || form != nil else {
            throw ImportError(.unsupported, file: fileName,
                              detail: "无法识别这是哪一张表：没有找到与任何表单相符的表头行。请使用下发的模板填报，或用 --form 指定表单")
        }
        let theForm = chosen.form
        if theForm.layout != .sections, let main = theForm.tables.first, chosen.places[main.id] == nil {
            throw ImportError(.unsupported, file: fileName,
                              detail: "没有找到“\(theForm.shortTitle)”的表头行（应含有\(main.columns.filter(\.required).prefix(4).map { "“\($0.label)”" }.joined(separator: "、"))等列）")
        }

        var input = LedgerInput(form: theForm)
        let headerIndex = LabelIndex(theForm.header)
        // Sheets holding tables: header pairs above the header row and in the footer; rows in between are data.
        var tableSheets = Set<Int>()
        for (tableIndex, table) in theForm.tables.enumerated() {
            guard let place = chosen.places[table.id] else { continue }
            tableSheets.insert(place.sheet)
            let sheetName = source.sheets[place.sheet].name
            input.tablePlaces[table.id] = Location(file: fileName, sheet: sheetName, row: place.headerRow)
            input.columns[table.id] = Dictionary(place.mapping.map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
            let mapped = Set(place.mapping.values)
            let absent = Set(table.columns.map(\.key)).subtracting(mapped)
            input.absentColumns[table.id] = absent
            for field in table.columns where absent.contains(field.key) && field.required {
                findings.append(Finding(
                    code: .missingColumn, location: Location(file: fileName, sheet: sheetName, row: place.headerRow,
                                                               columnLabel: field.label, field: field.key),
                    message: "缺少“\(field.label)”列，请使用下发的模板，或在表头行补上该列"))
            }
            for (column, label) in place.unmapped {
                findings.append(Finding(
                    code: .extraColumn, severity: .info,
                    location: Location(file: fileName, sheet: sheetName, row: place.headerRow, column: column, columnLabel: label),
                    message: "“\(label)”列不属于本表，已忽略"))
            }
            let extraLabels = Dictionary(place.unmapped, uniquingKeysWith: { a, _ in a })
            input.extraColumns[table.id] = place.unmapped.map(\.1)
            var rows: [MappedRow] = []
            var ended = false
            // Each sheet column's field index (-1: not a field), and where the table is.
            var fieldOfColumn: [Int] = []
            var fieldIndex: [String: Int] = [:]
            for (i, field) in table.columns.enumerated() where fieldIndex[field.key] == nil { fieldIndex[field.key] = i }
            var shapeColumns = [Int?](repeating: nil, count: table.columns.count)
            var shapeLabels = [String?](repeating: nil, count: table.columns.count)
            for (column, key) in place.mapping {
                guard let i = fieldIndex[key] else { continue }
                if fieldOfColumn.count < column + 1 { fieldOfColumn += Array(repeating: -1, count: column + 1 - fieldOfColumn.count) }
                fieldOfColumn[column] = i
                shapeColumns[i] = column
                shapeLabels[i] = place.labels[column]
            }
            let shape = TableShape(file: fileName, sheet: sheetName, columns: shapeColumns, labels: shapeLabels)
            let fieldCount = table.columns.count
            try source.readRows(sheet: place.sheet) { row in
                if row.row < place.headerRow {
                    collectHeader(row, sheet: sheetName, index: headerIndex, file: fileName, into: &input)
                    return true
                }
                if row.row == place.headerRow { return true }
                if ended || isFooter(row, headerIndex) {
                    collectHeader(row, sheet: sheetName, index: headerIndex, file: fileName, into: &input)
                    return true
                }
                switch rowKind(row) {
                case .total: return true
                case .notes:
                    ended = true
                    return true
                case .data: break
                }
                var values = ContiguousArray<CellValue>(repeating: .empty, count: fieldCount)
                var extra: [String: CellValue] = [:]
                for cell in row.cells {
                    let i = cell.column < fieldOfColumn.count ? fieldOfColumn[cell.column] : -1
                    guard i >= 0 else {
                        if !extraLabels.isEmpty, let label = extraLabels[cell.column], !cell.value.isBlank {
                            extra[label] = cell.value
                        }
                        continue
                    }
                    values[i] = cell.value
                }
                let tableRow = TableRow(values: values, row: row.row, shape: shape, extra: extra)
                if let sink {
                    try sink({ Result(input: input, findings: findings, recognition: recognition,
                                      expectedUnit: expectedUnit, expectedPeriod: expectedPeriod) }, tableIndex, tableRow)
                } else {
                    rows.append(tableRow.mapped(table))
                }
                return true
            }
            input.tables[table.id] = rows
        }
        // Sheets without a table hold a summary's answers (a form of sections, or one read without its tables):
        // there every label/value pair counts. A ledger's header fields are on its own sheet only — a 填表说明
        // sheet listing the fields (填报日期 | 是 | …) is not where 填报日期 is filled in.
        let answersElsewhere = theForm.layout == .sections || tableSheets.isEmpty
        for (index, info) in sheets where !tableSheets.contains(index) && answersElsewhere
            && !LedgerReader.guidanceSheetNames.contains(info.name) {
            try source.readRows(sheet: index) { row in
                collectHeader(row, sheet: info.name, index: headerIndex, file: fileName, into: &input)
                return true
            }
        }
        // The unit named in a title row (沈阳市工业和信息化局行政执法突出问题整改工作台账) when no 填报单位 is given.
        if input.header["unit"] == nil, theForm.headerField("unit") != nil {
            outer: for (index, info) in sheets {
                for row in tops[index] ?? [] {
                    for cell in row.cells {
                        guard case .text(let t) = cell.value, t.contains(theForm.title) || t.contains(theForm.shortTitle)
                        else { continue }
                        if let unit = formSet.units.first(where: { t.hasPrefix($0.name) }) {
                            input.header["unit"] = MappedCell(value: .text(unit.name), location: Location(
                                file: fileName, sheet: info.name, row: row.row, column: cell.column, field: "unit"))
                            break outer
                        }
                    }
                }
            }
        }
        return Result(input: input, findings: findings, recognition: recognition,
                      expectedUnit: expectedUnit, expectedPeriod: expectedPeriod)
    }

    // MARK: Header rows

    struct TablePlace {
        var sheet: Int
        var headerRow: Int
        /// Column → field key.
        var mapping: [Int: String]
        /// Column → the label as the file has it.
        var labels: [Int: String]
        /// Labelled columns that are not fields of the table.
        var unmapped: [(Int, String)]
    }

    private func locate(_ table: FormTable, in sheets: [Int], tops: [Int: [SourceRow]]) -> TablePlace? {
        let index = LabelIndex(table.columns)
        let needed = max(2, Int((Double(table.columns.filter { !$0.autoNumber }.count) * 0.4).rounded(.up)))
        var best: TablePlace?
        for sheet in sheets {
            for row in tops[sheet] ?? [] {
                var mapping: [Int: String] = [:]
                var labels: [Int: String] = [:]
                var unmapped: [(Int, String)] = []
                var used = Set<String>()
                for cell in row.cells {
                    guard case .text(let text) = cell.value, !TextFolding.trimmed(text).isEmpty else { continue }
                    if let key = index.field(for: text), !used.contains(key) {
                        mapping[cell.column] = key
                        labels[cell.column] = LedgerReader.cleanLabel(text)
                        used.insert(key)
                    } else {
                        unmapped.append((cell.column, TextFolding.trimmed(text)))
                    }
                }
                let real = mapping.values.filter { key in !(table.column(key)?.autoNumber ?? false) }.count
                guard real >= needed, real > (best.map { p in p.mapping.count } ?? 0) else { continue }
                best = TablePlace(sheet: sheet, headerRow: row.row, mapping: mapping, labels: labels, unmapped: unmapped)
            }
        }
        return best
    }

    private func headerLabelCount(_ form: Form, tops: [Int: [SourceRow]]) -> Int {
        let index = LabelIndex(form.header)
        var found = Set<String>()
        for rows in tops.values {
            for row in rows {
                for cell in row.cells {
                    guard case .text(let text) = cell.value else { continue }
                    for (label, _) in LedgerReader.pairs(in: text) {
                        if let key = index.field(for: label) { found.insert(key) }
                    }
                }
            }
        }
        return found.count
    }

    // MARK: Header fields around the tables

    /// Label/value pairs written in one cell: `填报单位：沈阳市工业和信息化局　　填报日期：2024年6月20日`.
    /// A bare label (`填报单位`, `填报单位：`) gives a pair with an empty value.
    static func pairs(in text: String) -> [(label: String, value: String)] {
        let segments = TextFolding.trimmed(text)
            .replacingOccurrences(of: "\u{3000}", with: "  ")
            .components(separatedBy: "  ")
            .map(TextFolding.trimmed)
            .filter { !$0.isEmpty }
        var result: [(String, String)] = []
        for segment in segments {
            if let colon = segment.firstIndex(where: { $0 == "：" || $0 == ":" }) {
                result.append((String(segment[..<colon]), TextFolding.trimmed(String(segment[segment.index(after: colon)...]))))
            } else {
                result.append((segment, ""))
            }
        }
        return result
    }

    private func isFooter(_ row: SourceRow, _ index: LabelIndex) -> Bool {
        guard let first = row.cells.first, case .text(let text) = first.value, !LedgerReader.startsWithDigit(text)
        else { return false }
        return LedgerReader.pairs(in: text).contains { index.field(for: $0.label) != nil }
            && (text.contains("：") || text.contains(":") || row.cells.count <= 8)
    }

    private enum RowKind { case data, total, notes }

    /// Whether a cell's text begins with an ASCII digit (a 序号 written as text, as every CSV cell is): no label,
    /// total or note does, so the row needs no closer look.
    static func startsWithDigit(_ text: String) -> Bool {
        guard let byte = text.utf8.first else { return false }
        return byte >= 0x30 && byte <= 0x39
    }

    private func rowKind(_ row: SourceRow) -> RowKind {
        guard let first = row.cells.first(where: { !$0.value.isBlank }), case .text(let text) = first.value,
              !LedgerReader.startsWithDigit(text) else {
            return .data
        }
        let key = TextFolding.matchKey(text)
        if key.hasPrefix("合计") || key.hasPrefix("总计") || key.hasPrefix("小计") { return .total }
        if key.hasPrefix("填表说明") || key.hasPrefix("填报说明") || key.hasPrefix("说明:") || key.hasPrefix("注:")
            || key == "说明" || key == "注" { return .notes }
        return .data
    }

    private func collectHeader(_ row: SourceRow, sheet: String, index: LabelIndex, file: String,
                               into input: inout LedgerInput) {
        var i = 0
        let cells = row.cells
        while i < cells.count {
            let cell = cells[i]
            i += 1
            guard case .text(let text) = cell.value else { continue }
            for (label, value) in LedgerReader.pairs(in: text) {
                guard let key = index.field(for: label), input.header[key] == nil else { continue }
                let here = Location(file: file, sheet: sheet, row: row.row, column: cell.column, field: key)
                if !value.isEmpty {
                    input.header[key] = MappedCell(value: .text(value), location: here)
                    continue
                }
                // The value is the next cell to the right, unless that is another label.
                if i < cells.count {
                    let next = cells[i]
                    let nextIsLabel: Bool
                    if case .text(let t) = next.value {
                        nextIsLabel = LedgerReader.pairs(in: t).contains { index.field(for: $0.label) != nil }
                    } else {
                        nextIsLabel = false
                    }
                    if !nextIsLabel {
                        input.header[key] = MappedCell(value: next.value, location: Location(
                            file: file, sheet: sheet, row: row.row, column: next.column, field: key))
                        i += 1
                        continue
                    }
                }
                input.headerPlaces[key] = Location(file: file, sheet: sheet, row: row.row, column: cell.column + 1, field: key)
            }
        }
    }
}

/// A sheet source held in memory: rows of cells by sheet. For tests, and for programs that build
/// ledgers without a file.
public final class InMemorySheetSource: SheetSource {
    public let properties: [String: String]
    public let sheets: [SheetInfo]
    private let rows: [[SourceRow]]

    /// Sheets as grids of cell values: `grid[sheet][row][column]`, 0-based; `.empty` cells are left out.
    public init(sheets: [(name: String, grid: [[CellValue]])], properties: [String: String] = [:]) {
        self.properties = properties
        self.sheets = sheets.map { SheetInfo(name: $0.name) }
        self.rows = sheets.map { sheet in
            sheet.grid.enumerated().compactMap { r, values in
                let cells = values.enumerated().compactMap { c, v in
                    v == .empty ? nil : SourceCell(column: c + 1, value: v)
                }
                return cells.isEmpty ? nil : SourceRow(row: r + 1, cells: cells)
            }
        }
    }

    public func readRows(sheet index: Int, _ visit: (SourceRow) throws -> Bool) throws {
        for row in rows[index] where try !visit(row) { return }
    }
}
