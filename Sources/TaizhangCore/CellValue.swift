/// What a file holds in one cell, before the form gives it meaning.
///
/// Importers produce these; the ``Normaliser`` turns them into ``Value``s. A reader that knows a
/// number is a date (from the cell's style) produces ``date(_:secondsIntoDay:)``; one that does not
/// produces ``number(_:)`` and the normaliser treats a plausible serial as a date where a date is expected.
public enum CellValue: Hashable, Sendable, Codable {
    /// No content (or only a style).
    case empty
    /// A string, exactly as stored (escapes such as `_x000D_` already decoded).
    case text(String)
    /// A number; the cached value of a formula is given as what it evaluated to.
    case number(Double)
    /// A date (and time, as seconds since midnight) from a date-styled number or an ISO date cell.
    case date(CivilDate, secondsIntoDay: Int)
    /// A boolean cell.
    case boolean(Bool)
    /// An error value such as `#N/A` or `#REF!`.
    case error(String)

    /// Whether the cell has no content, or only white space.
    public var isBlank: Bool {
        switch self {
        case .empty: return true
        case .text(let s): return s.unicodeScalars.allSatisfy(TextFolding.isTrimmable)
        default: return false
        }
    }

    /// A display form for messages: what the clerk sees in the cell.
    public var displayText: String {
        switch self {
        case .empty: return ""
        case .text(let s): return s
        case .number(let n): return CellValue.format(n)
        case .date(let d, let seconds):
            if seconds == 0 { return d.iso }
            return d.iso + "T" + CellValue.time(seconds)
        case .boolean(let b): return b ? "TRUE" : "FALSE"
        case .error(let e): return e
        }
    }

    /// Formats a number the way a spreadsheet shows it in a general cell: integers without `.0`.
    public static func format(_ n: Double) -> String {
        if n.isFinite, n == n.rounded(), abs(n) < 1e15 { return String(Int64(n)) }
        return String(n)
    }

    /// `HH:MM:SS` for seconds since midnight.
    public static func time(_ seconds: Int) -> String {
        "\(CivilDate.pad(seconds / 3600, 2)):\(CivilDate.pad(seconds / 60 % 60, 2)):\(CivilDate.pad(seconds % 60, 2))"
    }
}

/// Where something is in a submitted file: a sheet cell (`整改台账!C5`), or a CSV record and column.
///
/// Rows and columns are 1-based, as a person counts them. Every ``Finding`` carries one.
public struct Location: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The file's name as the unit sent it, when known.
    public var file: String?
    /// The worksheet name (workbooks only).
    public var sheet: String?
    /// The 1-based row in the sheet, or the 1-based record line of a CSV file.
    public var row: Int?
    /// The 1-based column index in the sheet or record.
    public var column: Int?
    /// The column's header label as the unit's file has it (or the form's label).
    public var columnLabel: String?
    /// The form field's stable key.
    public var field: String?
    /// Whether the field is a header field (填报单位, 填报日期 …), not a column of a table.
    public var inHeader: Bool?

    public init(file: String? = nil, sheet: String? = nil, row: Int? = nil, column: Int? = nil,
                columnLabel: String? = nil, field: String? = nil, inHeader: Bool? = nil) {
        self.file = file
        self.sheet = sheet
        self.row = row
        self.column = column
        self.columnLabel = columnLabel
        self.field = field
        self.inHeader = inHeader
    }

    private enum CodingKeys: String, CodingKey { case file, sheet, row, column, columnLabel, field, inHeader, cell }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(file: try c.decodeIfPresent(String.self, forKey: .file), sheet: try c.decodeIfPresent(String.self, forKey: .sheet),
                  row: try c.decodeIfPresent(Int.self, forKey: .row), column: try c.decodeIfPresent(Int.self, forKey: .column),
                  columnLabel: try c.decodeIfPresent(String.self, forKey: .columnLabel),
                  field: try c.decodeIfPresent(String.self, forKey: .field),
                  inHeader: try c.decodeIfPresent(Bool.self, forKey: .inHeader))
    }

    /// The fields, and `cell` (the A1 reference) when row and column are known.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(file, forKey: .file)
        try c.encodeIfPresent(sheet, forKey: .sheet)
        try c.encodeIfPresent(row, forKey: .row)
        try c.encodeIfPresent(column, forKey: .column)
        try c.encodeIfPresent(columnLabel, forKey: .columnLabel)
        try c.encodeIfPresent(field, forKey: .field)
        try c.encodeIfPresent(inHeader, forKey: .inHeader)
        try c.encodeIfPresent(cellReference, forKey: .cell)
    }

    /// The A1-style reference of the cell (`C5`), when row and column are known.
    public var cellReference: String? {
        guard let row, let column else { return nil }
        return CellReference.columnName(column) + String(row)
    }

    /// A Chinese description a clerk can find: `“整改台账”工作表 C5 单元格（整改时限）` or `第 5 行“整改时限”列`.
    public var description: String {
        var parts: [String] = []
        if let sheet, let ref = cellReference {
            parts.append("“\(sheet)”工作表 \(ref) 单元格")
        } else if let sheet, let row {
            parts.append("“\(sheet)”工作表第 \(row) 行")
        } else if let sheet {
            parts.append("“\(sheet)”工作表")
        } else if let row {
            parts.append("第 \(row) 行")
        }
        if let columnLabel {
            if sheet != nil && cellReference != nil {
                parts.append("（\(columnLabel)）")
            } else {
                parts.append(inHeader == true ? "表头“\(columnLabel)”" : "“\(columnLabel)”列")
            }
        }
        return parts.joined()
    }
}

/// A1 references: column letters and parsing, within Excel's limits (XFD1048576).
public enum CellReference {
    /// Excel's largest column index (XFD).
    public static let maxColumn = 16_384
    /// Excel's largest row index.
    public static let maxRow = 1_048_576

    /// `1` → `A`, `27` → `AA`.
    public static func columnName(_ index: Int) -> String {
        precondition(index >= 1)
        var n = index
        var scalars: [Unicode.Scalar] = []
        while n > 0 {
            let rem = (n - 1) % 26
            scalars.append(Unicode.Scalar(UInt8(65 + rem)))
            n = (n - 1) / 26
        }
        return String(String.UnicodeScalarView(scalars.reversed()))
    }

    /// Parses `C5` (and `$C$5`) into (row, column), both 1-based; `nil` when malformed or beyond XFD1048576.
    public static func parse(_ text: String) -> (row: Int, column: Int)? {
        var column = 0
        var row = 0
        var sawLetter = false
        var sawDigit = false
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "$"):
                continue
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"):
                guard !sawDigit else { return nil }
                sawLetter = true
                column = column * 26 + Int((byte & 0xDF) - 64)
                if column > maxColumn { return nil }
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                guard sawLetter else { return nil }
                sawDigit = true
                row = row * 10 + Int(byte - 48)
                if row > maxRow { return nil }
            default:
                return nil
            }
        }
        guard sawLetter, sawDigit, row >= 1 else { return nil }
        return (row, column)
    }
}
