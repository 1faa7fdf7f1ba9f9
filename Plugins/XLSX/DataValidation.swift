import TaizhangCore
import TaizhangOOXML

/// A data validation rule on a range of cells.
public struct DataValidation: Hashable, Sendable {
    /// What the cells accept.
    public enum Rule: Hashable, Sendable {
        /// Anything (only the input prompt shows).
        case any
        /// One of the given values (a literal list; the values joined with commas must fit 255 characters).
        case list([String])
        /// One of the values a formula yields (a range on a hidden sheet, or an OFFSET formula).
        case listFormula(String)
        /// A whole number in the bounds.
        case whole(min: Int?, max: Int?)
        /// A number in the bounds.
        case decimal(min: Double?, max: Double?)
        /// A date in the bounds.
        case date(min: CivilDate?, max: CivilDate?)
        /// Text of at most this many characters.
        case textLength(max: Int)
        /// Any value the formula (relative to the range's first cell) accepts.
        case custom(String)
    }

    /// The cells.
    public var ranges: [CellRange]
    /// The rule.
    public var rule: Rule
    /// Whether empty cells are accepted.
    public var allowBlank: Bool
    /// The input prompt's title (at most 32 characters).
    public var promptTitle: String?
    /// The input prompt (at most 255 characters).
    public var prompt: String?
    /// The error box's title (at most 32 characters).
    public var errorTitle: String?
    /// The error message (at most 255 characters).
    public var error: String?
    /// What the error box does: refuse the value (the default), or warn and let the clerk keep it.
    public var errorStyle: ErrorStyle = .stop

    /// Excel's error styles.
    public enum ErrorStyle: String, Sendable {
        case stop, warning, information
    }

    public init(ranges: [CellRange], rule: Rule, allowBlank: Bool = true, promptTitle: String? = nil,
                prompt: String? = nil, errorTitle: String? = nil, error: String? = nil, errorStyle: ErrorStyle = .stop) {
        self.errorStyle = errorStyle
        self.ranges = ranges
        self.rule = rule
        self.allowBlank = allowBlank
        self.promptTitle = promptTitle
        self.prompt = prompt
        self.errorTitle = errorTitle
        self.error = error
    }
}

extension DataValidation {
    /// Writes the `<dataValidation>` element; throws when a literal list is too long for Excel.
    func write(to w: XMLWriter, sheet name: String) throws(ExportError) {
        let v = self
        let sqref = v.ranges.map(\.a1).joined(separator: " ")
        var formula1: String?
        var formula2: String?
        w.start("dataValidation")
        func bounds<T>(_ min: T?, _ max: T?, _ text: (T) -> String) {
            switch (min, max) {
            case let (lo?, hi?):
                w.attribute("operator", "between"); formula1 = text(lo); formula2 = text(hi)
            case let (lo?, nil):
                w.attribute("operator", "greaterThanOrEqual"); formula1 = text(lo)
            case let (nil, hi?):
                w.attribute("operator", "lessThanOrEqual"); formula1 = text(hi)
            case (nil, nil):
                w.attribute("operator", "greaterThanOrEqual"); formula1 = nil
            }
        }
        switch v.rule {
        case .any:
            break
        case .list(let values):
            let joined = values.map { $0.replacingOccurrences(of: "\"", with: "\"\"") }.joined(separator: ",")
            if joined.utf16.count > 255 {
                throw ExportError("工作表“\(name)”\(sqref) 的下拉列表超过 255 个字符，Excel 会丢弃它；请改用选项工作表中的区域")
            }
            w.attribute("type", "list")
            formula1 = "\"" + joined + "\""
        case .listFormula(let formula):
            w.attribute("type", "list")
            formula1 = formula
        case .whole(let min, let max):
            w.attribute("type", "whole")
            bounds(min, max) { String($0) }
            if formula1 == nil { formula1 = "-2147483648" }
        case .decimal(let min, let max):
            w.attribute("type", "decimal")
            bounds(min, max) { XMLWriter.numberText($0) }
            if formula1 == nil { formula1 = "-1E+300" }
        case .date(let min, let max):
            w.attribute("type", "date")
            bounds(min, max) { String(ExcelDateSystem.system1900.serial(of: $0)) }
            if formula1 == nil { formula1 = "1" }
        case .textLength(let max):
            w.attribute("type", "textLength")
            w.attribute("operator", "lessThanOrEqual")
            formula1 = String(max)
        case .custom(let formula):
            w.attribute("type", "custom")
            formula1 = formula
        }
        if v.errorStyle != .stop { w.attribute("errorStyle", v.errorStyle.rawValue) }
        if v.allowBlank { w.attribute("allowBlank", 1) }
        w.attribute("showInputMessage", 1)
        w.attribute("showErrorMessage", 1)
        if let t = v.errorTitle { w.attribute("errorTitle", Worksheet.clip(t, 32)) }
        if let e = v.error { w.attribute("error", Worksheet.clip(e, 255)) }
        if let t = v.promptTitle { w.attribute("promptTitle", Worksheet.clip(t, 32)) }
        if let p = v.prompt { w.attribute("prompt", Worksheet.clip(p, 255)) }
        w.attribute("sqref", sqref)
        if let formula1 { w.element("formula1", formula1) }
        if let formula2 { w.element("formula2", formula2) }
        w.end()
    }
}
