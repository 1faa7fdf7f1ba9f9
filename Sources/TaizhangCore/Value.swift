/// What a cell means once the form has read it: the normalised value of one field.
public enum Value: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Text, trimmed (and folded to half-width where the field says so).
    case text(String)
    /// A whole number.
    case integer(Int)
    /// A decimal number.
    case decimal(Double)
    /// A date.
    case date(CivilDate)
    /// A reporting month.
    case period(YearMonth)
    /// The canonical value of a choice list.
    case choice(String)
    /// 是 (`true`) or 否 (`false`).
    case yesNo(Bool)
    /// A reporting unit, by id.
    case unit(String)
    /// One of a field's fixed texts accepted instead of a value (长期坚持 for a deadline).
    case fixedText(String)

    /// How the value is written in a ledger cell, a CSV file or a report.
    public var displayText: String {
        switch self {
        case .text(let s), .choice(let s), .fixedText(let s): return s
        case .integer(let n): return String(n)
        case .decimal(let d): return CellValue.format(d)
        case .date(let d): return d.iso
        case .period(let p): return p.iso
        case .yesNo(let b): return b ? "是" : "否"
        case .unit(let id): return id
        }
    }

    public var description: String { displayText }

    /// The value as a date, if it is one.
    public var date: CivilDate? {
        if case .date(let d) = self { return d }
        return nil
    }

    /// The value as a number, if it is one.
    public var number: Double? {
        switch self {
        case .integer(let n): return Double(n)
        case .decimal(let d): return d
        default: return nil
        }
    }

    /// The text that conditions and choice groups compare: a choice's canonical value, 是/否, a unit id.
    public var conditionText: String { displayText }
}
