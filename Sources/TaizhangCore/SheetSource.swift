/// A sheet of an opened file.
public struct SheetInfo: Hashable, Sendable {
    /// The sheet's name.
    public var name: String
    /// Whether it is hidden (a template's lists sheet).
    public var isHidden: Bool

    public init(name: String, isHidden: Bool = false) {
        self.name = name
        self.isHidden = isHidden
    }
}

/// One non-empty cell of a row.
public struct SourceCell: Hashable, Sendable {
    /// The 1-based column.
    public var column: Int
    /// The value.
    public var value: CellValue

    public init(column: Int, value: CellValue) {
        self.column = column
        self.value = value
    }
}

/// One row as read, with only its non-empty cells, in column order.
public struct SourceRow: Hashable, Sendable {
    /// The 1-based row number in the sheet (the record number in a CSV file).
    public var row: Int
    /// The cells.
    public var cells: [SourceCell]

    public init(row: Int, cells: [SourceCell]) {
        self.row = row
        self.cells = cells
    }

    /// The value in `column`, or `.empty`.
    public subscript(column: Int) -> CellValue {
        cells.first { $0.column == column }?.value ?? .empty
    }
}

/// A file opened by an importer: its sheets, streamed row by row.
public protocol SheetSource: AnyObject {
    /// Custom document properties (a template's `taizhang.*`), empty when the file has none.
    var properties: [String: String] { get }
    /// The sheets, in workbook order.
    var sheets: [SheetInfo] { get }
    /// Reads the rows of sheet `index` in order, calling `visit` for each row that has a cell;
    /// `visit` returns `false` to stop early.
    func readRows(sheet index: Int, _ visit: (SourceRow) throws -> Bool) throws
}
