import Foundation
import TaizhangCore

/// A merged range of cells as the reader reports it: the writer's ``CellRange``.
public typealias MergedRange = CellRange

/// A workbook opened by one of the spreadsheet readers (.xlsx, .xls, .ods): besides its rows, its date system
/// and the merged ranges of each sheet (what `taizhang inspect` shows).
public protocol WorkbookSource: SheetSource {
    /// The workbook's date system.
    var dateSystem: ExcelDateSystem { get }
    /// The merged ranges of sheet `index`, in file order.
    func mergedRanges(sheet index: Int) throws -> [MergedRange]
}

/// Streams the rows of one worksheet part.
struct SheetReader {
    let x: XMLReader
    let sheetName: String
    let fileName: String
    let sharedStrings: SharedStringTable
    let dateStyles: [Bool]
    let dateSystem: ExcelDateSystem
    let limits: ImportLimits

    private enum CellType { case number, shared, inline, formulaString, boolean, error, date }

    /// Reads the rows; calls `visit` for each row that has a cell. Collects merged ranges when it reaches them.
    func read(mergedRanges: inout [MergedRange], _ visit: (SourceRow) throws -> Bool) throws {
        let main = MainNames(x)
        let cName = x.intern("c"), vName = x.intern("v"), rowName = x.intern("row"), isName = x.intern("is")
        let rName = x.intern("r"), sName = x.intern("s"), tName = x.intern("t"), rPhName = x.intern("rPh")
        let mergeCellName = x.intern("mergeCell"), refName = x.intern("ref")
        x.recordAttributes(only: ["c", "row", "mergeCell", "t"])  // <t>: its xml:space
        let element = XMLReader.Kind.element.rawValue, endElement = XMLReader.Kind.endElement.rawValue

        var rowNumber = 0
        var rowHasNumber = false
        var lastColumn = 0
        var cells: [SourceCell] = []
        var rowsSeen = 0
        var inRow = false
        var text: [UInt8] = []
        text.reserveCapacity(64)

        func emit() throws -> Bool {
            inRow = false
            guard !cells.isEmpty else { return true }
            rowsSeen += 1
            if rowsSeen > limits.maxRows {
                throw ImportError(.tooLarge, file: fileName, detail: "工作表的行数超过 \(limits.maxRows) 行", place: sheetName)
            }
            if !isSorted(cells) { cells.sort { $0.column < $1.column } }
            let row = SourceRow(row: rowNumber, cells: cells)
            cells.removeAll(keepingCapacity: true)
            return try visit(row)
        }

        while try x.read() {
            let kind = x.kind
            if kind == element {
                let local = x.localName
                if local == cName, main.isMain(x.namespaceURI) {
                    if !inRow {  // a cell outside a row: start an implicit one
                        rowNumber += 1
                        inRow = true
                        lastColumn = 0
                        rowHasNumber = false
                    }
                    // Attributes.
                    var column = lastColumn + 1
                    var style = -1
                    var type = CellType.number
                    var referenceRow: Int?
                    var badReference: String?
                    x.forEachAttribute { name, namespace, value in
                        guard namespace == nil else { return }
                        if name == rName {
                            if let (row, col) = parseReference(value) {
                                column = col
                                referenceRow = row
                            } else {
                                badReference = String(cString: value)
                            }
                        } else if name == sName {
                            style = parseInt(value) ?? -1
                        } else if name == tName {
                            type = cellType(value)
                        }
                    }
                    if let badReference {
                        throw ImportError(.malformed, file: fileName,
                                          detail: "单元格引用“\(badReference)”格式不正确或超出 Excel 的范围（最大为 XFD1048576）",
                                          place: "\(sheetName)!\(badReference)")
                    }
                    if let referenceRow, !rowHasNumber, cells.isEmpty {
                        rowNumber = referenceRow
                        rowHasNumber = true
                    }
                    guard column <= CellReference.maxColumn else {
                        throw ImportError(.malformed, file: fileName,
                                          detail: "单元格超出 Excel 的最大列 XFD", place: "\(sheetName)!第 \(rowNumber) 行")
                    }
                    lastColumn = column
                    if x.isEmptyElement { continue }
                    // Children: <v>, <is>, <f> (formula: only its cached value is used).
                    let depth = x.depth
                    var value: CellValue = .empty
                    var haveV = false
                    var inline: String?
                    text.removeAll(keepingCapacity: true)
                    while try x.read() {
                        let childKind = x.kind
                        if childKind == endElement, x.depth == depth { break }
                        guard childKind == element else { continue }
                        let child = x.localName
                        if child == vName {
                            haveV = true
                            if x.isEmptyElement { continue }
                            let vDepth = x.depth
                            while try x.read() {
                                let k = x.kind
                                if k == endElement, x.depth == vDepth { break }
                                if k != element, k != endElement, let p = x.value {
                                    text.append(contentsOf: UnsafeBufferPointer(start: p, count: strlen(p)))
                                    if text.count > XMLReader.maxTextBytes { throw x.tooLongText() }
                                }
                            }
                        } else if child == isName {
                            inline = try x.stringItem(text: tName, skipping: rPhName)
                        } else {
                            try x.skipElement()
                        }
                    }
                    if type == .inline || (inline != nil && !haveV) {
                        if let inline, !inline.isEmpty { value = .text(inline) }
                    } else if haveV {
                        value = try cellValue(type: type, text: &text, style: style, row: rowNumber, column: column)
                    }
                    if case .empty = value { continue }
                    cells.append(SourceCell(column: column, value: value))
                } else if local == rowName, main.isMain(x.namespaceURI) {
                    if inRow, !(try emit()) { return }
                    var number: Int?
                    var bad: String?
                    x.forEachAttribute { name, namespace, value in
                        guard namespace == nil, name == rName else { return }
                        number = parseInt(value)
                        if number == nil || number! < 1 || number! > CellReference.maxRow { bad = String(cString: value) }
                    }
                    if let bad {
                        throw ImportError(.malformed, file: fileName,
                                          detail: "行号“\(bad)”格式不正确或超出 Excel 的最大行数 1048576",
                                          place: "\(sheetName)!A\(bad)")
                    }
                    rowHasNumber = number != nil
                    rowNumber = number ?? rowNumber + 1
                    if rowNumber > CellReference.maxRow {
                        throw ImportError(.malformed, file: fileName, detail: "行数超出 Excel 的最大行数 1048576",
                                          place: "\(sheetName)!A\(rowNumber)")
                    }
                    lastColumn = 0
                    inRow = !x.isEmptyElement
                } else if local == mergeCellName, main.isMain(x.namespaceURI) {
                    if let ref = x.attribute(refName) {
                        guard let range = MergedRange(ref) else {
                            throw ImportError(.malformed, file: fileName,
                                              detail: "合并单元格区域“\(ref)”格式不正确或超出 Excel 的范围",
                                              place: "\(sheetName)!\(ref)")
                        }
                        mergedRanges.append(range)
                    }
                }
            } else if kind == endElement, inRow, x.localName == rowName {
                if !(try emit()) { return }
            }
        }
        if inRow { _ = try emit() }
    }

    private func isSorted(_ cells: [SourceCell]) -> Bool {
        var previous = 0
        for cell in cells {
            if cell.column <= previous { return false }
            previous = cell.column
        }
        return true
    }

    private func cellType(_ value: UnsafePointer<UInt8>) -> CellType {
        switch (value[0], value[0] == 0 ? 0 : value[1]) {
        case (UInt8(ascii: "s"), 0): return .shared
        case (UInt8(ascii: "s"), UInt8(ascii: "t")): return .formulaString
        case (UInt8(ascii: "i"), _): return .inline
        case (UInt8(ascii: "b"), _): return .boolean
        case (UInt8(ascii: "e"), _): return .error
        case (UInt8(ascii: "d"), _): return .date
        default: return .number
        }
    }

    private func cellValue(type: CellType, text: inout [UInt8], style: Int, row: Int, column: Int) throws -> CellValue {
        switch type {
        case .number:
            guard let number = parseDouble(&text) else {
                let raw = trimmedString(text)
                return raw.isEmpty ? .empty : .text(raw)
            }
            if style >= 0, style < dateStyles.count, dateStyles[style],
               let (date, seconds, _) = dateSystem.date(fromSerial: number) {
                return .date(date, secondsIntoDay: seconds)
            }
            return .number(number)
        case .shared:
            guard !text.isEmpty else { return .empty }
            guard let index = parseInt(text), index >= 0, index < sharedStrings.count else {
                throw ImportError(.malformed, file: fileName,
                                  detail: "单元格引用了不存在的共享字符串（序号“\(String(decoding: text, as: UTF8.self))”）",
                                  place: "\(sheetName)!\(CellReference.columnName(column))\(row)")
            }
            if sharedStrings.byteCount(at: index) == 0 { return .empty }
            return .text(try sharedStrings.string(at: index))
        case .formulaString, .inline:
            let string = text.withUnsafeBufferPointer { OOXMLEscapes.string($0) }
            return string.isEmpty ? .empty : .text(string)
        case .boolean:
            let raw = trimmedString(text)
            switch raw {
            case "1", "true", "TRUE": return .boolean(true)
            case "0", "false", "FALSE": return .boolean(false)
            case "": return .empty
            default: return .text(raw)
            }
        case .error:
            let raw = trimmedString(text)
            return raw.isEmpty ? .empty : .error(raw)
        case .date:
            let raw = trimmedString(text)
            if raw.isEmpty { return .empty }
            if let (date, seconds) = SheetReader.parseISODate(raw) { return .date(date, secondsIntoDay: seconds) }
            return .text(raw)
        }
    }

    private func trimmedString(_ bytes: [UInt8]) -> String {
        var slice = bytes[...]
        while let first = slice.first, first == 32 || first == 9 || first == 10 || first == 13 { slice = slice.dropFirst() }
        while let last = slice.last, last == 32 || last == 9 || last == 10 || last == 13 { slice = slice.dropLast() }
        return String(decoding: slice, as: UTF8.self)
    }

    /// `2024-06-30`, `2024-06-30T08:00:00`, with optional fraction and zone (ignored), or a time `08:00:00`.
    static func parseISODate(_ text: String) -> (CivilDate, Int)? {
        let bytes = Array(text.utf8)
        func number(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[start..<start + count] {
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        func time(_ start: Int) -> Int? {
            guard let h = number(start, 2), start + 2 < bytes.count, bytes[start + 2] == UInt8(ascii: ":"),
                  let m = number(start + 3, 2), h < 24, m < 60 else { return nil }
            var s = 0
            if start + 5 < bytes.count, bytes[start + 5] == UInt8(ascii: ":") {
                guard let sec = number(start + 6, 2), sec < 60 else { return nil }
                s = sec
            }
            return h * 3600 + m * 60 + s
        }
        if let seconds = time(0), bytes.count >= 5, bytes[2] == UInt8(ascii: ":") {
            return (CivilDate(year: 1899, month: 12, day: 31)!, seconds)
        }
        guard bytes.count >= 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
              let y = number(0, 4), let m = number(5, 2), let d = number(8, 2),
              let date = CivilDate(year: y, month: m, day: d) else { return nil }
        if bytes.count == 10 { return (date, 0) }
        guard bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: " "), let seconds = time(11) else { return nil }
        return (date, seconds)
    }
}

/// Parses a cell reference from a C string: (row, column), or `nil` when malformed or beyond XFD1048576.
@inline(__always)
private func parseReference(_ p: UnsafePointer<UInt8>) -> (Int, Int)? {
    var i = 0
    var column = 0
    var row = 0
    if p[i] == UInt8(ascii: "$") { i += 1 }
    while true {
        let b = p[i]
        if b >= 65, b <= 90 { column = column * 26 + Int(b - 64) } else if b >= 97, b <= 122 { column = column * 26 + Int(b - 96) } else { break }
        if column > CellReference.maxColumn { return nil }
        i += 1
    }
    if p[i] == UInt8(ascii: "$") { i += 1 }
    let digitsStart = i
    while p[i] >= 48, p[i] <= 57 {
        row = row * 10 + Int(p[i] - 48)
        if row > CellReference.maxRow { return nil }
        i += 1
    }
    guard p[i] == 0, column >= 1, i > digitsStart, row >= 1 else { return nil }
    return (row, column)
}

/// Parses a non-negative decimal integer from a C string (surrounding white space allowed).
@inline(__always)
private func parseInt(_ p: UnsafePointer<UInt8>) -> Int? {
    var i = 0
    while p[i] == 32 || p[i] == 9 || p[i] == 10 || p[i] == 13 { i += 1 }
    var value = 0
    let start = i
    while p[i] >= 48, p[i] <= 57 {
        value = value &* 10 &+ Int(p[i] - 48)
        if value > Int(Int32.max) { return nil }
        i += 1
    }
    guard i > start else { return nil }
    while p[i] == 32 || p[i] == 9 || p[i] == 10 || p[i] == 13 { i += 1 }
    return p[i] == 0 ? value : nil
}

private func parseInt(_ bytes: [UInt8]) -> Int? {
    var value = 0
    var digits = 0
    var trailing = false
    for byte in bytes {
        switch byte {
        case 48...57:
            guard !trailing else { return nil }
            value = value &* 10 &+ Int(byte - 48)
            digits += 1
            if value > Int(Int32.max) { return nil }
        case 32, 9, 10, 13:
            if digits > 0 { trailing = true }
        default:
            return nil
        }
    }
    return digits > 0 ? value : nil
}

/// Parses a number the way `<v>` holds it; `nil` for anything else (or non-finite).
private func parseDouble(_ bytes: inout [UInt8]) -> Double? {
    guard !bytes.isEmpty else { return nil }
    bytes.append(0)
    defer { bytes.removeLast() }
    return bytes.withUnsafeBufferPointer { buffer -> Double? in
        let start = UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self)
        var p = start
        while p.pointee == 32 || p.pointee == 9 || p.pointee == 10 || p.pointee == 13 { p += 1 }
        // Only plain decimal forms: digits, sign, point, exponent.
        var q = p
        while q.pointee != 0 {
            switch UInt8(bitPattern: q.pointee) {
            case 48...57, UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"),
                 32, 9, 10, 13:
                q += 1
            default:
                return nil
            }
        }
        var end: UnsafeMutablePointer<CChar>?
        let value = strtod(p, &end)
        guard let end, end != UnsafeMutablePointer(mutating: p) else { return nil }
        var rest = UnsafePointer(end)
        while rest.pointee == 32 || rest.pointee == 9 || rest.pointee == 10 || rest.pointee == 13 { rest += 1 }
        guard rest.pointee == 0, value.isFinite else { return nil }
        return value
    }
}
