import Foundation
import TaizhangCore
import TaizhangXLSX
import TaizhangZip

/// The OpenDocument spreadsheet format (.ods), as LibreOffice and WPS write it.
public enum ODSFormat {
    /// The format's descriptor.
    public static let descriptor = FormatDescriptor(id: "ods", name: "OpenDocument 电子表格（.ods）", fileExtensions: ["ods", "ots"])
    /// The `mimetype` entry of a spreadsheet (and of a spreadsheet template).
    static let mimeTypes = ["application/vnd.oasis.opendocument.spreadsheet", "application/vnd.oasis.opendocument.spreadsheet-template"]
}

/// Reads .ods spreadsheets through the zip module and the XLSX plugin's libxml2 reader (the one XML reader),
/// as the same ``SheetSource`` the XLSX reader gives: `content.xml`'s tables (cells by `office:value-type`,
/// dates by `office:date-value`, merges from the spans, covered cells), repeated rows and columns expanded
/// lazily within caps, and `meta:user-defined` properties for template recognition.
public struct ODSImporter: Importer {
    public init() {}

    public var format: FormatDescriptor { ODSFormat.descriptor }

    /// ZIP files whose first entry is an ODF spreadsheet `mimetype` (as ODF requires), and files named .ods/.ots
    /// that are neither ZIP nor compound files.
    public func recognises(prefix: [UInt8], fileName: String) -> Bool {
        if prefix.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
            let text = String(decoding: prefix.prefix(512), as: UTF8.self)
            return text.contains("mimetypeapplication/vnd.oasis.opendocument.spreadsheet")
        }
        if prefix.starts(with: [0xD0, 0xCF, 0x11, 0xE0]) { return false }
        let lower = fileName.lowercased()
        return format.fileExtensions.contains { lower.hasSuffix("." + $0) }
    }

    public func open(_ source: ImportSource, limits: ImportLimits) throws -> any SheetSource {
        try openWorkbook(source, limits: limits)
    }

    /// Opens the file, returning the concrete source (with merged ranges).
    public func openWorkbook(_ source: ImportSource, limits: ImportLimits = .standard) throws -> ODSSheetSource {
        let name = source.displayName
        guard let handle = FileHandle(forReadingAtPath: source.path) else {
            throw ImportError(.unreadable, file: name, detail: "文件不存在或无法打开")
        }
        let prefix = [UInt8]((try? handle.read(upToCount: 8)) ?? Data())
        try? handle.close()
        if prefix.isEmpty { throw ImportError(.truncated, file: name, detail: "文件是空的（0 字节），请重新报送") }
        let zipMagic: [UInt8] = [0x50, 0x4B, 0x03, 0x04]
        guard prefix.starts(with: zipMagic) else {
            if zipMagic.starts(with: prefix) {
                throw ImportError(.truncated, file: name, detail: "文件不完整（可能在传输或下载中被截断），请重新报送")
            }
            throw ImportError(.notSpreadsheet, file: name, detail: "不是 OpenDocument 电子表格（.ods）文件")
        }
        let zip = try ZipError.mapped { try ZipReader(path: source.path, fileName: name, limits: limits.zip) }
        return try ODSSheetSource(zip: zip, fileName: name, limits: limits)
    }
}

/// An opened .ods spreadsheet: its sheets and user-defined properties; rows are streamed from `content.xml`.
/// Opening parses `content.xml`'s styles and table start tags only (the rows are skipped unparsed), so the
/// part is parsed in full once, when the rows are read.
public final class ODSSheetSource: WorkbookSource {
    public let properties: [String: String]
    public private(set) var sheets: [SheetInfo] = []
    /// ODF dates are written as dates: there is no serial number and no date system to choose.
    public var dateSystem: ExcelDateSystem { .system1900 }

    private let zip: ZipReader
    private let fileName: String
    private let limits: ImportLimits
    private var merged: [Int: [MergedRange]] = [:]
    /// Bytes of `content.xml` parsed, and skipped unparsed, while opening (the table bodies are skipped).
    package private(set) var openingBytesParsed = 0, openingBytesSkipped = 0

    /// The most cells a sheet may expand to (repeated cells and rows counted as often as they repeat).
    static let maxCells = 1 << 24

    init(zip: ZipReader, fileName: String, limits: ImportLimits) throws {
        self.zip = zip
        self.fileName = fileName
        self.limits = limits
        if let entry = zip.entry(named: "mimetype") {
            let stream = try ZipError.mapped { try zip.open(entry) }
            var buffer = [UInt8](repeating: 0, count: 256)
            let count = try ZipError.mapped { try buffer.withUnsafeMutableBytes { try stream.read(into: $0) } }
            stream.close()
            let type = String(decoding: buffer[0..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard ODSFormat.mimeTypes.contains(type) else {
                throw ImportError(.notSpreadsheet, file: fileName,
                                  detail: type.hasPrefix("application/vnd.oasis.opendocument")
                                      ? "不是电子表格，而是其他 OpenDocument 文档（\(type)）" : "不是 OpenDocument 电子表格（.ods）文件")
            }
        }
        guard zip.entry(named: "content.xml") != nil else {
            let isOOXML = zip.entry(named: "[Content_Types].xml") != nil
            throw ImportError(.notSpreadsheet, file: fileName,
                              detail: isOOXML ? "这是 Office Open XML（.xlsx 等）文件，不是 .ods 电子表格，请按原格式的扩展名报送" : "不是 OpenDocument 电子表格（缺少 content.xml）")
        }
        properties = try ODSSheetSource.userDefined(zip: zip, fileName: fileName)
        sheets = try scanSheets(skimming: true)
    }

    private static func reader(_ zip: ZipReader, _ part: String, fileName: String) throws -> XMLReader? {
        guard let entry = zip.entry(named: part) else { return nil }
        return try XMLReader(stream: ZipError.mapped { try zip.open(entry) }, fileName: fileName)
    }

    /// `meta:user-defined` in meta.xml: name → text.
    private static func userDefined(zip: ZipReader, fileName: String) throws -> [String: String] {
        guard let x = try reader(zip, "meta.xml", fileName: fileName) else { return [:] }
        let userDefined = x.intern("user-defined"), nameName = x.intern("name")
        var result: [String: String] = [:]
        while try x.read() {
            guard x.kind == XMLReader.Kind.element.rawValue, x.localName == userDefined else { continue }
            guard let name = x.attribute(nameName) else { try x.skipElement(); continue }
            result[name] = try x.text()
        }
        return result
    }

    /// The tables of content.xml (names, and hidden by their table style's `table:display="false"`). The styles
    /// come before the body and are parsed; when `skimming`, each table's body (its rows: nearly all of the
    /// part) is skipped unparsed, only counted through to its end tag (see `XMLSkimmer`).
    package func scanSheets(skimming: Bool) throws -> [SheetInfo] {
        guard let x = try ODSSheetSource.reader(zip, "content.xml", fileName: fileName) else { return [] }
        if skimming { x.skim(pausingAfter: ["table"]) }
        defer { if skimming { (openingBytesParsed, openingBytesSkipped) = (x.bytesParsed, x.bytesSkipped) } }
        let names = ODFNames(x)
        x.recordAttributes(only: ["table", "style", "table-properties"])
        var hiddenStyles = Set<String>()
        var styleName: String?
        var result: [(name: String, style: String?)] = []
        var spreadsheetDepth: Int32 = -1
        while try x.read() {
            guard x.kind == XMLReader.Kind.element.rawValue else { continue }
            let local = x.localName
            if local == names.style, x.namespaceURI == names.styleNS {
                styleName = x.attribute(names.name)
            } else if local == names.tableProperties {
                var display = true
                x.forEachAttribute { attribute, namespace, value in
                    if attribute == names.display, namespace == names.tableNS, String(cString: value) == "false" { display = false }
                }
                if !display, let styleName { hiddenStyles.insert(styleName) }
            } else if local == names.spreadsheet, x.namespaceURI == names.officeNS {
                spreadsheetDepth = x.depth
            } else if local == names.table, x.namespaceURI == names.tableNS, spreadsheetDepth >= 0, x.depth == spreadsheetDepth + 1 {
                var name = "", style: String?
                x.forEachAttribute { attribute, namespace, value in
                    guard namespace == names.tableNS else { return }
                    if attribute == names.name { name = String(cString: value) }
                    else if attribute == names.styleName { style = String(cString: value) }
                }
                result.append((name, style))
                try x.skipElement()
            }
        }
        return result.map { SheetInfo(name: $0.name, isHidden: $0.style.map { hiddenStyles.contains($0) } ?? false) }
    }

    public func mergedRanges(sheet index: Int) throws -> [MergedRange] {
        if let cached = merged[index] { return cached }
        var ranges: [MergedRange] = []
        try read(sheet: index, mergedRanges: &ranges) { _ in true }
        return ranges
    }

    public func readRows(sheet index: Int, _ visit: (SourceRow) throws -> Bool) throws {
        var ranges: [MergedRange] = []
        try read(sheet: index, mergedRanges: &ranges, visit)
    }

    private func read(sheet index: Int, mergedRanges: inout [MergedRange], _ visit: (SourceRow) throws -> Bool) throws {
        guard sheets.indices.contains(index) else {
            throw ImportError(.unsupported, file: fileName, detail: "文件中没有第 \(index + 1) 个工作表")
        }
        guard let x = try ODSSheetSource.reader(zip, "content.xml", fileName: fileName) else { return }
        let names = ODFNames(x)
        x.recordAttributes(only: ["table", "table-row", "table-cell", "covered-table-cell", "s"])
        let sheetName = sheets[index].name
        var spreadsheetDepth: Int32 = -1
        var tableIndex = -1
        // Find the table, skipping the bodies of those before it unparsed.
        x.skim(pausingAfter: ["table"])
        while try x.read() {
            guard x.kind == XMLReader.Kind.element.rawValue else { continue }
            if x.localName == names.spreadsheet, x.namespaceURI == names.officeNS { spreadsheetDepth = x.depth; continue }
            guard x.localName == names.table, x.namespaceURI == names.tableNS, spreadsheetDepth >= 0,
                  x.depth == spreadsheetDepth + 1 else { continue }
            tableIndex += 1
            if tableIndex == index { x.stopSkimming(); break }
            try x.skipElement()
        }
        guard tableIndex == index else { return }
        let tableDepth = x.depth
        var rowNumber = 1
        var rowsSeen = 0
        var cellsSeen = 0
        var cells: [SourceCell] = []
        var textBytes: [UInt8] = []
        var complete = true
        defer { if complete { merged[index] = mergedRanges } }

        func place(_ row: Int, _ column: Int) -> String {
            "\(sheetName)!\(CellReference.columnName(min(max(column, 1), CellReference.maxColumn)))\(min(row, CellReference.maxRow))"
        }

        while try x.read() {
            let kind = x.kind
            if kind == XMLReader.Kind.endElement.rawValue, x.depth == tableDepth { break }
            guard kind == XMLReader.Kind.element.rawValue, x.localName == names.tableRow else { continue }
            var repeatRows = 1
            x.forEachAttribute { attribute, namespace, value in
                if attribute == names.rowsRepeated, namespace == names.tableNS { repeatRows = max(1, parseCount(value) ?? 1) }
            }
            let rowDepth = x.depth
            var column = 1
            cells.removeAll(keepingCapacity: true)
            while try x.read() {
                let k = x.kind
                if k == XMLReader.Kind.endElement.rawValue, x.depth == rowDepth { break }
                guard k == XMLReader.Kind.element.rawValue else { continue }
                let local = x.localName
                guard local == names.tableCell || local == names.coveredCell else { try x.skipElement(); continue }
                var repeatColumns = 1, spanColumns = 1, spanRows = 1
                // The attribute values live until the next read: the value they give is taken before the text.
                var valueType, officeValue, dateValue, timeValue, booleanValue, stringValue: UnsafePointer<UInt8>?
                var calcError = false
                x.forEachAttribute { attribute, namespace, value in
                    if namespace == names.tableNS {
                        if attribute == names.columnsRepeated { repeatColumns = max(1, parseCount(value) ?? 1) }
                        else if attribute == names.columnsSpanned { spanColumns = max(1, parseCount(value) ?? 1) }
                        else if attribute == names.rowsSpanned { spanRows = max(1, parseCount(value) ?? 1) }
                    } else if namespace == names.officeNS {
                        if attribute == names.valueType { valueType = value }
                        else if attribute == names.value { officeValue = value }
                        else if attribute == names.dateValue { dateValue = value }
                        else if attribute == names.timeValue { timeValue = value }
                        else if attribute == names.booleanValue { booleanValue = value }
                        else if attribute == names.stringValue { stringValue = value }
                    } else if namespace == names.calcextNS, attribute == names.valueType {
                        calcError = isString(value, "error")
                    }
                }
                let typed = typedValue(valueType: valueType, value: officeValue, date: dateValue, time: timeValue,
                                       boolean: booleanValue, string: stringValue)
                // The text counts only for an error or an untyped value (it is still read, within its cap).
                let text = try cellText(x, names, keep: calcError || typed == nil, &textBytes)
                if local == names.tableCell, spanColumns > 1 || spanRows > 1 {
                    let lastRow = rowNumber + spanRows - 1, lastColumn = column + spanColumns - 1
                    if lastRow <= CellReference.maxRow, lastColumn <= CellReference.maxColumn {
                        mergedRanges.append(MergedRange(firstRow: rowNumber, firstColumn: column, lastRow: lastRow, lastColumn: lastColumn))
                    }
                }
                let value: CellValue
                if calcError, let text { value = .error(text) }
                else if let typed { value = typed }
                else if let text, !text.isEmpty { value = .text(text) }
                else { value = .empty }
                if case .empty = value {
                    column += repeatColumns
                    continue
                }
                guard column + repeatColumns - 1 <= CellReference.maxColumn else {
                    throw ImportError(.tooLarge, file: fileName, detail: "单元格（重复 \(repeatColumns) 列）超出最大列 XFD", place: place(rowNumber, column))
                }
                cellsSeen += repeatColumns * repeatRows
                guard cellsSeen <= ODSSheetSource.maxCells else {
                    throw ImportError(.tooLarge, file: fileName,
                                      detail: "工作表展开重复的行和列后超过 \(ODSSheetSource.maxCells) 个单元格，文件可能是恶意构造的",
                                      place: place(rowNumber, column))
                }
                for _ in 0..<repeatColumns {
                    cells.append(SourceCell(column: column, value: value))
                    column += 1
                }
            }
            if cells.isEmpty {
                rowNumber += repeatRows  // empty rows, however many, cost nothing
                continue
            }
            guard rowNumber + repeatRows - 1 <= CellReference.maxRow else {
                throw ImportError(.tooLarge, file: fileName,
                                  detail: "第 \(rowNumber) 行重复 \(repeatRows) 次，超出最大行数 \(CellReference.maxRow)，文件可能是恶意构造的",
                                  place: place(rowNumber, 1))
            }
            for _ in 0..<repeatRows {
                rowsSeen += 1
                if rowsSeen > limits.maxRows {
                    throw ImportError(.tooLarge, file: fileName, detail: "工作表的行数超过 \(limits.maxRows) 行", place: sheetName)
                }
                if !(try visit(SourceRow(row: rowNumber, cells: cells))) { complete = false; return }
                rowNumber += 1
            }
        }
    }

    /// The text of a cell: its `text:p` paragraphs joined by line breaks (`text:s` spaces, `text:tab`,
    /// `text:line-break` as written), annotations skipped; `nil` without a paragraph, and `""` when not `keep`
    /// (the text is still read, each paragraph within ``XMLReader/maxTextBytes``). `bytes` is scratch space.
    /// Leaves the reader on the cell's end.
    private func cellText(_ x: XMLReader, _ names: ODFNames, keep: Bool, _ bytes: inout [UInt8]) throws -> String? {
        let cellDepth = x.depth
        bytes.removeAll(keepingCapacity: true)
        var paragraphs = 0
        var paragraphStart = 0
        var paragraphDepth: Int32 = -1
        while try x.read() {
            let kind = x.kind
            if kind == XMLReader.Kind.endElement.rawValue {
                if x.depth == cellDepth { break }
                if x.depth == paragraphDepth {
                    paragraphs += 1
                    paragraphDepth = -1
                }
                continue
            }
            if kind == XMLReader.Kind.element.rawValue {
                let local = x.localName
                if local == names.annotation { try x.skipElement(); continue }
                if local == names.p, x.namespaceURI == names.textNS, paragraphDepth < 0 {
                    if paragraphs > 0 { bytes.append(0x0A) }
                    paragraphStart = bytes.count
                    paragraphDepth = x.depth
                    continue
                }
                guard paragraphDepth >= 0, x.namespaceURI == names.textNS else { continue }
                if local == names.s {
                    var count = 1
                    x.forEachAttribute { attribute, _, value in if attribute == names.c { count = min(parseCount(value) ?? 1, 32_767) } }
                    bytes.append(contentsOf: repeatElement(0x20, count: count))
                } else if local == names.tab {
                    bytes.append(0x09)
                } else if local == names.lineBreak {
                    bytes.append(0x0A)
                }
                if bytes.count - paragraphStart > XMLReader.maxTextBytes { throw x.tooLongText() }
                continue
            }
            if paragraphDepth >= 0, let value = x.value {
                bytes.append(contentsOf: UnsafeBufferPointer(start: value, count: strlen(value)))
                if bytes.count - paragraphStart > XMLReader.maxTextBytes { throw x.tooLongText() }
            }
        }
        guard paragraphs > 0 else { return nil }
        return keep ? String(decoding: bytes, as: UTF8.self) : ""
    }

    /// The value a cell's attributes give (`office:value-type` with its value attribute), or `nil` when its text
    /// decides (no type, an unknown one, or a value that does not parse).
    private func typedValue(valueType: UnsafePointer<UInt8>?, value: UnsafePointer<UInt8>?, date: UnsafePointer<UInt8>?,
                            time: UnsafePointer<UInt8>?, boolean: UnsafePointer<UInt8>?, string: UnsafePointer<UInt8>?) -> CellValue? {
        guard let valueType else { return nil }
        if isString(valueType, "float") || isString(valueType, "percentage") || isString(valueType, "currency") {
            if let value, let number = ODSSheetSource.parseNumber(value), number.isFinite { return .number(number) }
        } else if isString(valueType, "date") {
            if let date, let (day, seconds) = ODSSheetSource.parseDate(date) { return .date(day, secondsIntoDay: seconds) }
        } else if isString(valueType, "time") {
            if let time, let seconds = ODSSheetSource.parseDuration(String(cString: time)) {
                return .date(CivilDate(year: 1899, month: 12, day: 31)!, secondsIntoDay: seconds)
            }
        } else if isString(valueType, "boolean") {
            if let boolean { return .boolean(isString(boolean, "true") || isString(boolean, "1")) }
        } else if isString(valueType, "string") {
            if let string { return string[0] == 0 ? .empty : .text(String(cString: string)) }
        }
        return nil
    }

    /// `office:value`: a decimal number, white space (Unicode's spaces and tab) around it allowed.
    package static func parseNumber(_ p: UnsafePointer<UInt8>) -> Double? {
        let length = strlen(p)
        // Without white space (or any non-ASCII byte) at either end there is nothing to trim.
        func plain(_ b: UInt8) -> Bool { b < 0x80 && b != 0x20 && b != 0x09 }
        if length > 0, plain(p[0]), plain(p[length - 1]) {
            return Double(String(decoding: UnsafeBufferPointer(start: p, count: length), as: UTF8.self))
        }
        return Double(String(cString: p).trimmingCharacters(in: .whitespaces))
    }

    /// ``parseDate(_:)-(String)`` of a NUL-terminated value; `YYYY-MM-DD`, as LibreOffice writes dates, without a `String`.
    package static func parseDate(_ p: UnsafePointer<UInt8>) -> (CivilDate, Int)? {
        if let date = CivilDate(iso: UnsafeBufferPointer(start: p, count: strlen(p))) { return (date, 0) }
        return parseDate(String(cString: p))
    }

    /// `2024-06-30` or `2024-06-30T08:00:00(.fff)`.
    package static func parseDate(_ text: String) -> (CivilDate, Int)? {
        let parts = text.split(separator: "T", maxSplits: 1)
        guard let day = parts.first else { return nil }  // an empty office:date-value
        let ymd = day.split(separator: "-")
        guard ymd.count == 3, let y = Int(ymd[0]), let m = Int(ymd[1]), let d = Int(ymd[2]),
              let date = CivilDate(year: y, month: m, day: d) else { return nil }
        guard parts.count == 2 else { return (date, 0) }
        let hms = parts[1].split(separator: ":")
        guard hms.count >= 2, let h = Int(hms[0]), let mi = Int(hms[1]) else { return nil }
        let s = hms.count > 2 ? (Double(hms[2].prefix { $0 != "Z" && $0 != "+" }) ?? 0) : 0
        var seconds = h * 3600 + mi * 60 + Int(s.rounded())
        if seconds >= 86_400 { seconds = 86_399 }
        return (date, seconds)
    }

    /// `PT08H30M00S` (an ISO duration, as ODF writes times) in seconds within a day.
    static func parseDuration(_ text: String) -> Int? {
        guard text.hasPrefix("P") else { return nil }
        var number = ""
        var total = 0.0
        for character in text.drop { $0 != "T" }.dropFirst() {
            switch character {
            case "H": total += (Double(number) ?? 0) * 3600; number = ""
            case "M": total += (Double(number) ?? 0) * 60; number = ""
            case "S": total += Double(number) ?? 0; number = ""
            default: number.append(character)
            }
        }
        let seconds = Int(total.rounded())
        return seconds >= 0 && seconds < 86_400 ? seconds : nil
    }
}

/// Whether the NUL-terminated `p` is `literal`.
@inline(__always)
private func isString(_ p: UnsafePointer<UInt8>, _ literal: StaticString) -> Bool {
    let bytes = literal.utf8Start
    for i in 0..<literal.utf8CodeUnitCount where p[i] != bytes[i] { return false }  // stops at p's NUL at the latest
    return p[literal.utf8CodeUnitCount] == 0
}

/// A non-negative decimal count from a C string; `nil` when malformed, capped at 2^31.
private func parseCount(_ p: UnsafePointer<UInt8>) -> Int? {
    var i = 0, value = 0
    while p[i] >= 48, p[i] <= 57 {
        value = value * 10 + Int(p[i] - 48)
        if value > Int(Int32.max) { return Int(Int32.max) }
        i += 1
    }
    return i > 0 && p[i] == 0 ? value : nil
}

/// The ODF names the reader compares, interned once per part.
struct ODFNames {
    let officeNS, tableNS, textNS, styleNS, calcextNS: XMLReader.Name
    let spreadsheet, table, tableRow, tableCell, coveredCell, annotation, p, s, c, tab, lineBreak: XMLReader.Name
    let name, styleName, style, tableProperties, display: XMLReader.Name
    let rowsRepeated, columnsRepeated, columnsSpanned, rowsSpanned: XMLReader.Name
    let valueType, value, dateValue, timeValue, booleanValue, stringValue: XMLReader.Name

    init(_ x: XMLReader) {
        officeNS = x.intern("urn:oasis:names:tc:opendocument:xmlns:office:1.0")
        tableNS = x.intern("urn:oasis:names:tc:opendocument:xmlns:table:1.0")
        textNS = x.intern("urn:oasis:names:tc:opendocument:xmlns:text:1.0")
        styleNS = x.intern("urn:oasis:names:tc:opendocument:xmlns:style:1.0")
        calcextNS = x.intern("urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0")
        spreadsheet = x.intern("spreadsheet"); table = x.intern("table"); tableRow = x.intern("table-row")
        tableCell = x.intern("table-cell"); coveredCell = x.intern("covered-table-cell"); annotation = x.intern("annotation")
        p = x.intern("p"); s = x.intern("s"); c = x.intern("c"); tab = x.intern("tab"); lineBreak = x.intern("line-break")
        name = x.intern("name"); styleName = x.intern("style-name"); style = x.intern("style")
        tableProperties = x.intern("table-properties"); display = x.intern("display")
        rowsRepeated = x.intern("number-rows-repeated"); columnsRepeated = x.intern("number-columns-repeated")
        columnsSpanned = x.intern("number-columns-spanned"); rowsSpanned = x.intern("number-rows-spanned")
        valueType = x.intern("value-type"); value = x.intern("value"); dateValue = x.intern("date-value")
        timeValue = x.intern("time-value"); booleanValue = x.intern("boolean-value"); stringValue = x.intern("string-value")
    }
}
