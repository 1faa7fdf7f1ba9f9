import Foundation
import TaizhangCore
import TaizhangOOXML
import TaizhangZip

// A spreadsheet model that knows nothing of forms: sheets streamed row by row, cell formats,
// validations, merges, print setup. `TemplateBuilder` maps forms onto it; `Packager` writes it out.

/// A cell format: font, borders, fill, alignment, number format and protection.
public struct CellFormat: Hashable, Sendable {
    /// Horizontal alignment.
    public enum Horizontal: String, Sendable { case general, left, center, right }
    /// Vertical alignment.
    public enum Vertical: String, Sendable { case top, center, bottom }

    /// The font face (宋体, 仿宋, 黑体).
    public var fontName: String
    /// The font size in points.
    public var fontSize: Double
    /// Bold.
    public var bold: Bool
    /// Font colour as `RRGGBB`, `nil` for automatic.
    public var fontColor: String?
    /// A solid fill as `RRGGBB`, `nil` for none.
    public var fill: String?
    /// Thin borders on all four sides.
    public var border: Bool
    /// Horizontal alignment.
    public var horizontal: Horizontal
    /// Vertical alignment.
    public var vertical: Vertical
    /// Wrap text in the cell.
    public var wrap: Bool
    /// A number format code (`yyyy-mm-dd`, `yyyy"年"m"月"d"日"`, `0`), `nil` for General.
    public var numberFormat: String?
    /// Whether the cell is locked when the sheet is protected.
    public var locked: Bool

    public init(fontName: String = "宋体", fontSize: Double = 11, bold: Bool = false, fontColor: String? = nil,
                fill: String? = nil, border: Bool = false, horizontal: Horizontal = .general,
                vertical: Vertical = .center, wrap: Bool = false, numberFormat: String? = nil, locked: Bool = true) {
        self.fontName = fontName
        self.fontSize = fontSize
        self.bold = bold
        self.fontColor = fontColor
        self.fill = fill
        self.border = border
        self.horizontal = horizontal
        self.vertical = vertical
        self.wrap = wrap
        self.numberFormat = numberFormat
        self.locked = locked
    }

    /// The format of cells without one.
    public static let standard = CellFormat()

    /// The ISO date format `yyyy-mm-dd`.
    public static let isoDate = "yyyy-mm-dd"
    /// The Chinese date format `yyyy"年"m"月"d"日"`.
    public static let chineseDate = "yyyy\"年\"m\"月\"d\"日\""
}

/// A registered cell format, by its index in the workbook's style sheet.
public struct CellStyle: Hashable, Sendable {
    /// The `cellXfs` index.
    public let index: Int
}

/// What a cell holds.
public enum CellData: Hashable, Sendable {
    /// Nothing (a formatted empty cell).
    case empty
    /// Text (written to the shared strings table).
    case text(String)
    /// A number.
    case number(Double)
    /// A date, written as a serial number in the 1900 system; give the cell a date format.
    case date(CivilDate)
    /// TRUE or FALSE.
    case boolean(Bool)
    /// A formula without the leading `=`.
    case formula(String)
}

/// A cell to write: its data and format.
public struct Cell: Hashable, Sendable {
    public var data: CellData
    public var style: CellStyle?

    public init(_ data: CellData, style: CellStyle? = nil) {
        self.data = data
        self.style = style
    }

    /// A text cell.
    public static func text(_ text: String, _ style: CellStyle? = nil) -> Cell { Cell(.text(text), style: style) }
    /// A number cell.
    public static func number(_ value: Double, _ style: CellStyle? = nil) -> Cell { Cell(.number(value), style: style) }
    /// An empty, formatted cell.
    public static func empty(_ style: CellStyle? = nil) -> Cell { Cell(.empty, style: style) }
}

/// A rectangle of cells, 1-based and inclusive: what the writer merges and validates, and the merged ranges
/// the reader reports.
public struct CellRange: Hashable, Sendable, CustomStringConvertible {
    public var firstRow: Int
    public var firstColumn: Int
    public var lastRow: Int
    public var lastColumn: Int

    public init(firstRow: Int, firstColumn: Int, lastRow: Int, lastColumn: Int) {
        self.firstRow = firstRow
        self.firstColumn = firstColumn
        self.lastRow = lastRow
        self.lastColumn = lastColumn
    }

    /// One cell.
    public init(row: Int, column: Int) {
        self.init(firstRow: row, firstColumn: column, lastRow: row, lastColumn: column)
    }

    /// `A1:C3` (or `A1` for one cell).
    public var a1: String {
        let first = CellRange.reference(row: firstRow, column: firstColumn)
        if firstRow == lastRow && firstColumn == lastColumn { return first }
        return first + ":" + CellRange.reference(row: lastRow, column: lastColumn)
    }

    /// `$A$1:$C$3`.
    public var absolute: String {
        let first = CellRange.reference(row: firstRow, column: firstColumn, absolute: true)
        if firstRow == lastRow && firstColumn == lastColumn { return first }
        return first + ":" + CellRange.reference(row: lastRow, column: lastColumn, absolute: true)
    }

    /// Parses `A1:K1` (or a single cell `A1`), within Excel's limits.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2, let first = CellReference.parse(String(parts[0])),
              let last = CellReference.parse(String(parts[parts.count - 1])) else { return nil }
        self.init(firstRow: min(first.row, last.row), firstColumn: min(first.column, last.column),
                  lastRow: max(first.row, last.row), lastColumn: max(first.column, last.column))
    }

    /// `A1:K1`.
    public var description: String {
        CellRange.reference(row: firstRow, column: firstColumn) + ":" + CellRange.reference(row: lastRow, column: lastColumn)
    }

    /// Whether the range covers the cell.
    public func contains(row: Int, column: Int) -> Bool {
        (firstRow...lastRow).contains(row) && (firstColumn...lastColumn).contains(column)
    }

    /// The letters of a 1-based column (`A`, `Z`, `AA`).
    public static func columnName(_ column: Int) -> String { CellReference.columnName(column) }

    /// `B7`, or `$B$7` when absolute.
    public static func reference(row: Int, column: Int, absolute: Bool = false) -> String {
        absolute ? "$\(columnName(column))$\(row)" : "\(columnName(column))\(row)"
    }
}

/// Sheet protection: what a person may still do on a protected sheet. No password is set.
public struct SheetProtection: Hashable, Sendable {
    public var allowFormatColumns: Bool
    public var allowFormatRows: Bool
    public var allowInsertRows: Bool
    public var allowDeleteRows: Bool
    public var allowSort: Bool
    public var allowAutoFilter: Bool

    public init(allowFormatColumns: Bool = true, allowFormatRows: Bool = true, allowInsertRows: Bool = true,
                allowDeleteRows: Bool = true, allowSort: Bool = true, allowAutoFilter: Bool = true) {
        self.allowFormatColumns = allowFormatColumns
        self.allowFormatRows = allowFormatRows
        self.allowInsertRows = allowInsertRows
        self.allowDeleteRows = allowDeleteRows
        self.allowSort = allowSort
        self.allowAutoFilter = allowAutoFilter
    }
}

/// How a sheet prints.
public struct PrintSetup: Hashable, Sendable {
    /// Landscape orientation.
    public var landscape: Bool
    /// A4 paper (otherwise the printer's default).
    public var a4: Bool
    /// A3 paper (overrides ``a4``).
    public var a3 = false
    /// Scale to fit the width of one page (any number of pages tall).
    public var fitToWidth: Bool
    /// With ``fitToWidth``: scale to one page tall as well (for a sheet known to fit one page legibly).
    public var fitToOnePage = false
    /// Rows repeated at the top of every page, 1-based.
    public var titleRows: ClosedRange<Int>?
    /// The footer, in Excel's header/footer codes (`&C第 &P 页 共 &N 页`).
    public var footer: String?
    /// Centre horizontally on the page.
    public var centerHorizontally: Bool

    public init(landscape: Bool = true, a4: Bool = true, fitToWidth: Bool = true, titleRows: ClosedRange<Int>? = nil,
                footer: String? = PrintSetup.pageNumberFooter, centerHorizontally: Bool = true) {
        self.landscape = landscape
        self.a4 = a4
        self.fitToWidth = fitToWidth
        self.titleRows = titleRows
        self.footer = footer
        self.centerHorizontally = centerHorizontally
    }

    /// 第 1 页 共 3 页, centred.
    public static let pageNumberFooter = "&C第 &P 页 共 &N 页"
}

/// Document properties, shared with the other OOXML formats (``TaizhangOOXML/DocumentProperties``).
public typealias DocumentProperties = TaizhangOOXML.DocumentProperties

/// A workbook written to disk as it is built: each sheet streams its rows to a temporary file, and
/// ``save(to:)`` packages everything into an .xlsx file.
///
/// Build sheets in any order, but within a sheet set columns, panes and print setup before the first
/// row, and write rows top to bottom. Not thread-safe; use one workbook per task.
public final class Workbook {
    /// Document properties.
    public var properties = DocumentProperties()
    /// The sheets, in tab order.
    public private(set) var sheets: [Worksheet] = []

    let scratch: ScratchDirectory
    var temporaryDirectory: String { scratch.path }
    let styles = StylesPart()
    let sharedStrings: SharedStringsPart
    private(set) var definedNames: [(name: String, formula: String, sheet: Int?, hidden: Bool)] = []
    private var cleaned = false

    /// Creates an empty workbook, with a private temporary directory for its parts.
    public init() throws(ExportError) {
        do {
            scratch = try ScratchDirectory(purpose: "xlsx")
        } catch {
            throw ExportError(error.description)
        }
        sharedStrings = try SharedStringsPart(path: scratch.file("sharedStrings.xml"))
    }

    deinit { removeTemporaryFiles() }

    /// Deletes the temporary files (also done when the workbook is released).
    public func removeTemporaryFiles() {
        guard !cleaned else { return }
        cleaned = true
        scratch.remove()
    }

    /// Registers a cell format and returns its style.
    public func style(_ format: CellFormat) -> CellStyle {
        CellStyle(index: styles.index(of: format))
    }

    /// Adds a sheet. Throws when the name breaks Excel's rules (at most 31 characters, none of
    /// `[]:*?/\`, not starting or ending with `'`, unique ignoring case).
    @discardableResult
    public func addSheet(_ name: String) throws(ExportError) -> Worksheet {
        try Workbook.checkSheetName(name)
        if sheets.contains(where: { $0.name.lowercased() == name.lowercased() }) {
            throw ExportError("工作表名称“\(name)”重复")
        }
        let sheet = try Worksheet(workbook: self, name: name, index: sheets.count,
                                  path: temporaryDirectory + "/sheet\(sheets.count + 1).xml")
        sheets.append(sheet)
        return sheet
    }

    /// Defines a name (`选项_问题类型` → `'选项'!$A$2:$A$4`), global or local to a sheet index.
    public func defineName(_ name: String, formula: String, sheet: Int? = nil, hidden: Bool = false) {
        definedNames.append((name, formula, sheet, hidden))
    }

    /// Writes the workbook as an .xlsx file at `path` (not atomically; callers rename), deflating at
    /// `compressionLevel` (1–9; `nil` for the measured default).
    public func save(to path: String, compressionLevel: UInt32? = nil) throws(ExportError) {
        try Packager(workbook: self, compressionLevel: compressionLevel ?? ZipWriter.defaultCompressionLevel)
            .write(to: path)
    }

    static func checkSheetName(_ name: String) throws(ExportError) {
        if name.isEmpty { throw ExportError("工作表名称不能为空") }
        let count = name.utf16.count
        if count > 31 { throw ExportError("工作表名称“\(name)”有 \(count) 个字符，超过 31 个字符的上限") }
        if let bad = name.first(where: { "[]:*?/\\".contains($0) }) {
            throw ExportError("工作表名称“\(name)”含有不允许的字符“\(bad)”（不能含有 [ ] : * ? / \\）")
        }
        if name.hasPrefix("'") || name.hasSuffix("'") {
            throw ExportError("工作表名称“\(name)”不能以单引号开头或结尾")
        }
        if name.unicodeScalars.contains(where: { $0.value < 0x20 }) {
            throw ExportError("工作表名称“\(name)”含有控制字符")
        }
    }

    /// A sheet name as formulas write it: `'选项'`.
    public static func quotedSheetName(_ name: String) -> String {
        "'" + name.replacingOccurrences(of: "'", with: "''") + "'"
    }
}

/// Text as cells store it: control characters as `_xHHHH_`, and an existing `_xHHHH_` protected by `_x005F_`.
enum ExcelText {
    /// The longest text a cell holds, in UTF-16 units.
    static let maxLength = 32_767

    /// Whether UTF-8 text has anything ``escape(_:)`` changes: a control character, U+FFFE/U+FFFF, or `_x`.
    @inline(__always) static func needsEscaping(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return false }
        let count = bytes.count
        var i = 0
        while i < count {
            let byte = base[i]
            if byte < 0x20 {
                if byte != 0x09 && byte != 0x0A { return true }
            } else if byte == 0x5F {
                if i + 1 < count && base[i + 1] == 0x78 { return true }
            } else if byte == 0xEF {
                if i + 2 < count && base[i + 1] == 0xBF && (base[i + 2] == 0xBE || base[i + 2] == 0xBF) { return true }
            }
            i += 1
        }
        return false
    }

    /// Escapes `text` for a cell; returns it unchanged in the common case.
    static func escape(_ text: String) -> String {
        var copy = text
        guard copy.withUTF8({ needsEscaping($0) }) else { return text }
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < scalars.count {
            let s = scalars[i]
            let v = s.value
            if (v < 0x20 && v != 0x09 && v != 0x0A) || v == 0xFFFE || v == 0xFFFF {
                out.append(contentsOf: hex(v).unicodeScalars)
            } else if v == 0x5F, isEscapeSequence(scalars, at: i) {
                out.append(contentsOf: "_x005F_".unicodeScalars)
            } else {
                out.append(s)
            }
            i += 1
        }
        return String(out)
    }

    private static func hex(_ v: UInt32) -> String {
        let digits = String(v, radix: 16, uppercase: true)
        return "_x" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits + "_"
    }

    /// Whether `_xHHHH_` starts at `i`.
    private static func isEscapeSequence(_ s: [Unicode.Scalar], at i: Int) -> Bool {
        guard i + 6 < s.count, s[i + 1] == "x", s[i + 6] == "_" else { return false }
        for k in 2...5 where !s[i + k].properties.isASCIIHexDigit { return false }
        return true
    }
}
