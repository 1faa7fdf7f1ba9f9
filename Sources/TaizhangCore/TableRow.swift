/// Where one table's cells are in a file: its sheet, and the column and label of each of the table's fields.
/// Shared by every row the reader hands on, so a row carries values, not places.
public final class TableShape: Sendable {
    /// The file's name.
    public let file: String?
    /// The sheet (workbooks only).
    public let sheet: String?
    /// The column of each field, by the field's index in the table's columns; `nil` for a field without one.
    public let columns: [Int?]
    /// The label the file gives each field's column, by the field's index (`nil` where it has none).
    public let labels: [String?]

    public init(file: String?, sheet: String?, columns: [Int?], labels: [String?]) {
        self.file = file
        self.sheet = sheet
        self.columns = columns
        self.labels = labels
    }
}

/// One table row as the reader hands it on, compactly: a value for each of the table's fields (by the field's
/// index in ``FormTable/columns``), and where it is. A cell's place is worked out from the row and its
/// ``TableShape`` only when a finding needs it. Compare ``MappedRow``, the same row keyed by field and with a
/// location per cell, as a ``LedgerInput`` keeps it.
public struct TableRow: Sendable {
    /// The cells by field index; ``CellValue/empty`` where the row has no cell for the field.
    public var values: ContiguousArray<CellValue>
    /// The 1-based row in the sheet (or the CSV record).
    public var row: Int?
    /// Where the table is.
    public let shape: TableShape
    /// Cells of columns the unit added that the form does not know, by their label (kept, not validated).
    public var extra: [String: CellValue]
    /// Each cell's own place, by field index, for a row made from a ``MappedRow`` (whose cells may be anywhere):
    /// `nil` for a field without a cell. `nil` for a row read from a file, whose places follow from ``shape``.
    var cellLocations: ContiguousArray<Location?>?
    /// The row's place, for a row made from a ``MappedRow``.
    var rowLocation: Location?

    /// A row read from a file.
    public init(values: ContiguousArray<CellValue>, row: Int?, shape: TableShape, extra: [String: CellValue] = [:]) {
        self.values = values
        self.row = row
        self.shape = shape
        self.extra = extra
    }

    /// A row keyed by field, as a ``LedgerInput`` holds it, for `table`.
    public init(_ mapped: MappedRow, table: FormTable) {
        let columns = table.columns
        var values = ContiguousArray<CellValue>(repeating: .empty, count: columns.count)
        var places = ContiguousArray<Location?>(repeating: nil, count: columns.count)
        for i in columns.indices {
            guard let cell = mapped.cells[columns[i].key] else { continue }
            values[i] = cell.value
            places[i] = cell.location
        }
        self.values = values
        row = mapped.location.row
        shape = TableShape(file: mapped.location.file, sheet: mapped.location.sheet, columns: [], labels: [])
        extra = mapped.extra
        cellLocations = places
        rowLocation = mapped.location
    }

    /// Whether the row has a cell for field `i`.
    @inline(__always)
    func hasCell(_ i: Int) -> Bool {
        if let cellLocations { return cellLocations[i] != nil }
        if case .empty = values[i] { return false }
        return true
    }

    /// The row's place: file, sheet and row.
    public var location: Location {
        rowLocation ?? Location(file: shape.file, sheet: shape.sheet, row: row)
    }

    /// The place of field `i`'s cell as the file has it (its column and the file's label), or `nil` when the row
    /// has no cell for it.
    func cellLocation(_ i: Int) -> Location? {
        if let cellLocations { return cellLocations[i] }
        if case .empty = values[i] { return nil }
        return Location(file: shape.file, sheet: shape.sheet, row: row, column: shape.columns[i], columnLabel: shape.labels[i])
    }

    /// The row and column of field `i`'s cell (``cellLocation(_:)`` without making one), or `nil` when the row has
    /// no cell for it.
    func cellRowColumn(_ i: Int) -> (Int?, Int?)? {
        if let cellLocations { return cellLocations[i].map { ($0.row, $0.column) } }
        if case .empty = values[i] { return nil }
        return (row, shape.columns[i])
    }

    /// The row keyed by field, as a ``LedgerInput`` keeps it.
    public func mapped(_ table: FormTable) -> MappedRow {
        var cells: [String: MappedCell] = [:]
        for i in table.columns.indices {
            guard let place = cellLocation(i) else { continue }
            cells[table.columns[i].key] = MappedCell(value: values[i], location: place)
        }
        return MappedRow(location: location, cells: cells, extra: extra)
    }
}
