/// How much a finding matters.
public enum Severity: String, Sendable, Codable, Comparable, CaseIterable {
    /// Informational; nothing to fix.
    case info
    /// Should be fixed, but the submission is accepted.
    case warning
    /// Must be fixed; the submission is rejected while any remain.
    case error

    /// The Chinese word shown to people.
    public var label: String {
        switch self {
        case .info: return "提示"
        case .warning: return "警告"
        case .error: return "错误"
        }
    }

    private var rank: Int {
        switch self {
        case .info: return 0
        case .warning: return 1
        case .error: return 2
        }
    }

    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
}

/// A stable, machine-readable finding code, such as `missing-value` or `invalid-date`.
///
/// Codes never change meaning; messages may be reworded. Other systems match on codes.
public struct FindingCode: RawRepresentable, Hashable, Sendable, Codable, ExpressibleByStringLiteral,
    CustomStringConvertible
{
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }

    /// A required field is empty.
    public static let missingValue: FindingCode = "missing-value"
    /// A field required by another field's value (required-when) is empty.
    public static let missingConditional: FindingCode = "missing-conditional"
    /// Text that is not a date in any accepted spelling.
    public static let invalidDate: FindingCode = "invalid-date"
    /// Text that is not a month (报送期).
    public static let invalidPeriod: FindingCode = "invalid-period"
    /// Not a number, or not a whole number where one is required.
    public static let invalidNumber: FindingCode = "invalid-number"
    /// Not 是 or 否.
    public static let invalidYesNo: FindingCode = "invalid-yes-no"
    /// A value outside the field's choice list.
    public static let unknownChoice: FindingCode = "unknown-choice"
    /// A dependent choice that does not belong to the chosen parent value (具体情形 vs 问题类型).
    public static let choiceMismatch: FindingCode = "choice-mismatch"
    /// A unit name that is not one of the reporting units.
    public static let unknownUnit: FindingCode = "unknown-unit"
    /// A number or date outside the field's range.
    public static let outOfRange: FindingCode = "out-of-range"
    /// Text longer than the field allows.
    public static let tooLong: FindingCode = "too-long"
    /// Text that does not match the field's pattern.
    public static let patternMismatch: FindingCode = "pattern-mismatch"
    /// A line break inside a cell that must be one line.
    public static let lineBreak: FindingCode = "line-break"
    /// A key value used by two rows.
    public static let duplicateKey: FindingCode = "duplicate-key"
    /// A reference to a key that does not exist in the referenced form (问题编号 not in the self-check ledger).
    public static let danglingReference: FindingCode = "dangling-reference"
    /// A reference that could not be checked because the referenced ledger is not known.
    public static let referenceUnchecked: FindingCode = "reference-unchecked"
    /// Two fields that contradict each other (a cumulative count below this month's).
    public static let inconsistentValues: FindingCode = "inconsistent-values"
    /// A spreadsheet error value (`#N/A`) where data is expected.
    public static let errorValue: FindingCode = "error-value"
    /// The file names a different unit than expected.
    public static let unitMismatch: FindingCode = "unit-mismatch"
    /// A required column is not in the file at all.
    public static let missingColumn: FindingCode = "missing-column"
    /// A column that is not part of the form; it is ignored.
    public static let extraColumn: FindingCode = "extra-column"
    /// The file was made from an older version of the template.
    public static let oldTemplate: FindingCode = "old-template"
    /// The file names a different period than expected.
    public static let periodMismatch: FindingCode = "period-mismatch"
}

/// One thing a unit must fix (or should know), with where it is and a Chinese message a clerk can act on.
public struct Finding: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The stable code.
    public var code: FindingCode
    /// How much it matters.
    public var severity: Severity
    /// Where it is.
    public var location: Location
    /// What is wrong and how to fix it, in Chinese.
    public var message: String

    public init(code: FindingCode, severity: Severity = .error, location: Location, message: String) {
        self.code = code
        self.severity = severity
        self.location = location
        self.message = message
    }

    /// `错误 “整改台账”工作表 H7 单元格（整改时限）：…` — one line, safe to print (cell text and sheet names
    /// come from the file: their control characters are shown, not obeyed).
    public var description: String {
        let place = location.description
        return TextSafety.printable(place.isEmpty ? "\(severity.label)：\(message)" : "\(severity.label) \(place)：\(message)")
    }
}
