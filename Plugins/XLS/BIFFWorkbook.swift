import TaizhangCore
import TaizhangXLSX

/// The workbook globals of a BIFF5 or BIFF8 `Workbook`/`Book` stream: sheets, shared strings, number formats
/// and cell formats, code page and date system. Cells are read sheet by sheet by ``readSheet(_:merged:visit:)``.
final class BIFFWorkbook {
    enum Version { case biff5, biff8 }

    let version: Version
    let stream: [UInt8]
    let fileName: String
    private(set) var sheets: [SheetInfo] = []
    /// Where each sheet's BOF record is, `nil` for sheets without cells (charts, macros).
    private(set) var sheetOffsets: [Int?] = []
    private(set) var dateSystem = ExcelDateSystem.system1900
    private(set) var sharedStrings: [String] = []
    private var isDateXF: [Bool] = []
    private(set) var decoder = CodePageDecoder(codePage: 1252)

    init(stream: [UInt8], fileName: String) throws {
        self.stream = stream
        self.fileName = fileName
        var records = RecordIterator(data: stream, position: 0)
        let first: Record?
        do { first = try records.next() } catch { first = nil }
        guard let bof = first else {
            if stream.isEmpty {
                throw ImportError(.malformed, file: fileName, detail: "工作簿数据流是空的", place: "Workbook")
            }
            throw ImportError(.truncated, file: fileName, detail: "文件不完整（工作簿数据流在第一条记录中结束），请重新报送", place: "Workbook")
        }
        if RecordType.oldBOFs.contains(bof.type) {
            throw ImportError(.unsupported, file: fileName,
                              detail: "这是 Excel 4.0 或更早版本的工作簿，本工具读取 Excel 97–2003（.xls）、Excel 5.0/95 和更新的格式。请另存为 .xlsx 格式后重新报送")
        }
        guard bof.type == RecordType.bof, bof.length >= 4 else {
            throw ImportError(.notSpreadsheet, file: fileName, detail: "工作簿数据流不以 BOF 记录开头，不是 Excel 工作簿", place: "Workbook")
        }
        let versionNumber = (try? bof.u16(stream, 0)) ?? 0
        version = versionNumber >= 0x0600 ? .biff8 : .biff5
        if version == .biff8 { decoder = CodePageDecoder(codePage: 1200) }
        try readGlobals(&records)
    }

    private func malformed(_ detail: String, place: String = "Workbook") -> ImportError {
        ImportError(.malformed, file: fileName, detail: detail, place: place)
    }

    private func readGlobals(_ records: inout RecordIterator) throws {
        var formats: [Int: String] = [:]
        var xfFormats: [Int] = []
        var sheetList: [(SheetInfo, Int, Bool)] = []
        do {
            while let record = try records.next() {
                switch record.type {
                case RecordType.eof:
                    break
                case RecordType.filePass:
                    throw ImportError(.encrypted, file: fileName,
                                      detail: "文件设置了打开密码（已加密），无法读取。请在 Excel 或 WPS 中取消密码后另存为 .xlsx 格式重新报送")
                case RecordType.codePage:
                    let page = Int(try record.u16(stream, 0))
                    if version == .biff5 || page != 1200 { decoder = CodePageDecoder(codePage: page == 1200 ? 1252 : page) }
                case RecordType.dateMode:
                    if try record.u16(stream, 0) == 1 { dateSystem = .system1904 }
                case RecordType.format:
                    var cursor = RecordCursor(data: stream, record: record)
                    let index = Int(try cursor.u16())
                    formats[index] = try text(&cursor, shortCount: version == .biff5)
                case RecordType.xf:
                    xfFormats.append(Int(try record.u16(stream, 2)))
                case RecordType.boundSheet:
                    let offset = Int(try record.u32(stream, 0))
                    let state = try record.u8(stream, 4)
                    let kind = try record.u8(stream, 5)
                    var cursor = RecordCursor(data: stream, record: record)
                    try cursor.skip(6)
                    let name = try text(&cursor, shortCount: true)
                    sheetList.append((SheetInfo(name: name, isHidden: state & 0x03 != 0), offset, kind == 0))
                case RecordType.sst:
                    var cursor = RecordCursor(data: stream, record: record)
                    while records.peekType() == RecordType.continue, let next = try records.next() { cursor.append(next) }
                    try readSharedStrings(&cursor)
                default:
                    continue
                }
                if record.type == RecordType.eof { break }
            }
        } catch is ShortRecord {
            throw malformed("工作簿全局记录的长度超出数据流（文件可能已损坏或被截断）")
        }
        sheets = sheetList.map(\.0)
        sheetOffsets = sheetList.map { $0.2 ? $0.1 : nil }
        isDateXF = xfFormats.map { index in
            if let code = formats[index] { return NumberFormats.isDateFormatCode(code) }
            return NumberFormats.isBuiltinDate(index)
        }
    }

    /// A FORMAT or BOUNDSHEET string: BIFF8's unicode string, BIFF5's bytes in the code page.
    private func text(_ cursor: inout RecordCursor, shortCount: Bool) throws -> String {
        if version == .biff8 { return try cursor.unicodeString(shortCount: shortCount) }
        let count = shortCount ? Int(try cursor.u8()) : Int(try cursor.u16())
        return decoder.decode(try cursor.bytes(count))
    }

    /// The SST: read by its content, whatever count it declares (a writer may get the count wrong).
    private func readSharedStrings(_ cursor: inout RecordCursor) throws {
        _ = try cursor.u32()  // total references
        let declared = Int(try cursor.u32())
        sharedStrings.reserveCapacity(min(declared, stream.count / 3))
        while !cursor.atEnd {
            do {
                sharedStrings.append(try cursor.unicodeString())
            } catch is ShortRecord {
                throw malformed("共享字符串表（SST）的第 \(sharedStrings.count + 1) 个字符串超出记录的长度", place: "SST")
            }
        }
    }

    /// Whether cell format `xf` shows numbers as dates.
    @inline(__always)
    private func isDate(_ xf: Int) -> Bool { xf < isDateXF.count && isDateXF[xf] }

    private func number(_ value: Double, xf: Int) -> CellValue {
        if isDate(xf), let (date, seconds, _) = dateSystem.date(fromSerial: value) {
            return .date(date, secondsIntoDay: seconds)
        }
        return .number(value)
    }

    /// Whether the cell records of sheet `index` come in row order (as every spreadsheet program writes them):
    /// then its rows can be handed out as they are read.
    func rowsInOrder(_ index: Int) -> Bool {
        guard let offset = sheetOffsets[index], offset >= 0, offset < stream.count else { return true }
        var records = RecordIterator(data: stream, position: offset)
        var previous = -1
        var depth = 0
        while let record = try? records.next() {
            switch record.type {
            case RecordType.bof: depth += 1
            case RecordType.eof:
                depth -= 1
                if depth == 0 { return true }
            case RecordType.labelSST, RecordType.label, RecordType.rString, RecordType.number, RecordType.rk,
                 RecordType.mulRK, RecordType.boolErr, RecordType.formula, RecordType.blank, RecordType.mulBlank:
                guard depth == 1, let row = try? record.u16(stream, 0) else { continue }
                if Int(row) < previous { return false }
                previous = Int(row)
            default: continue
            }
        }
        return true
    }

    /// The cells of sheet `index` as (0-based row, 0-based column, value) in record order, and its merged
    /// ranges. `visit` returns `false` to stop.
    func readSheet(_ index: Int, merged: inout [MergedRange], onlyMerges: Bool = false,
                   visit: (Int, Int, CellValue) throws -> Bool) throws {
        guard let offset = sheetOffsets[index] else { return }
        let sheetName = sheets[index].name
        guard offset >= 0, offset < stream.count else {
            throw malformed("工作表“\(sheetName)”的位置（\(offset)）超出工作簿数据流", place: sheetName)
        }
        var records = RecordIterator(data: stream, position: offset)
        func place(_ row: Int, _ column: Int) -> String {
            "\(sheetName)!\(CellReference.columnName(column + 1))\(row + 1)"
        }
        do {
            guard let bof = try records.next(), bof.type == RecordType.bof else {
                throw malformed("工作表“\(sheetName)”的位置上没有 BOF 记录", place: sheetName)
            }
            var depth = 1
            var pendingString: (row: Int, column: Int)?
            while let record = try records.next() {
                switch record.type {
                case RecordType.bof:
                    depth += 1  // an embedded chart: skipped to its EOF
                    continue
                case RecordType.eof:
                    depth -= 1
                    if depth == 0 { return }
                    continue
                default:
                    if depth > 1 { continue }
                }
                if record.type == RecordType.mergedCells {
                    let count = Int(try record.u16(stream, 0))
                    for i in 0..<count {
                        let base = 2 + i * 8
                        guard base + 8 <= record.length else { break }
                        let r1 = Int(try record.u16(stream, base)), r2 = Int(try record.u16(stream, base + 2))
                        let c1 = Int(try record.u16(stream, base + 4)), c2 = Int(try record.u16(stream, base + 6))
                        guard r1 <= r2, c1 <= c2 else { continue }
                        merged.append(MergedRange(firstRow: r1 + 1, firstColumn: c1 + 1, lastRow: r2 + 1, lastColumn: c2 + 1))
                    }
                    continue
                }
                if onlyMerges { continue }
                switch record.type {
                case RecordType.labelSST:
                    let row = Int(try record.u16(stream, 0)), column = Int(try record.u16(stream, 2))
                    let item = Int(try record.u32(stream, 6))
                    guard item < sharedStrings.count else {
                        throw ImportError(.malformed, file: fileName,
                                          detail: "单元格引用了不存在的共享字符串（序号 \(item)，共 \(sharedStrings.count) 个）",
                                          place: place(row, column))
                    }
                    let text = sharedStrings[item]
                    if !text.isEmpty, !(try visit(row, column, .text(text))) { return }
                case RecordType.label, RecordType.rString:
                    let row = Int(try record.u16(stream, 0)), column = Int(try record.u16(stream, 2))
                    var cursor = RecordCursor(data: stream, record: record)
                    try cursor.skip(6)
                    let text = version == .biff8 ? try cursor.unicodeString() : decoder.decode(try cursor.bytes(Int(try cursor.u16())))
                    if !text.isEmpty, !(try visit(row, column, .text(text))) { return }
                case RecordType.number:
                    let row = Int(try record.u16(stream, 0)), column = Int(try record.u16(stream, 2))
                    let xf = Int(try record.u16(stream, 4))
                    if !(try visit(row, column, number(try record.f64(stream, 6), xf: xf))) { return }
                case RecordType.rk:
                    let row = Int(try record.u16(stream, 0)), column = Int(try record.u16(stream, 2))
                    let xf = Int(try record.u16(stream, 4))
                    if !(try visit(row, column, number(rkValue(try record.u32(stream, 6)), xf: xf))) { return }
                case RecordType.mulRK:
                    let row = Int(try record.u16(stream, 0)), first = Int(try record.u16(stream, 2))
                    let count = (record.length - 6) / 6
                    for i in 0..<max(0, count) {
                        let xf = Int(try record.u16(stream, 4 + i * 6))
                        let value = rkValue(try record.u32(stream, 6 + i * 6))
                        if !(try visit(row, first + i, number(value, xf: xf))) { return }
                    }
                case RecordType.boolErr:
                    let row = Int(try record.u16(stream, 0)), column = Int(try record.u16(stream, 2))
                    let value = try record.u8(stream, 6), isError = try record.u8(stream, 7)
                    let cell: CellValue = isError != 0 ? .error(errorText(value)) : .boolean(value != 0)
                    if !(try visit(row, column, cell)) { return }
                case RecordType.formula:
                    let row = Int(try record.u16(stream, 0)), column = Int(try record.u16(stream, 2))
                    let xf = Int(try record.u16(stream, 4))
                    pendingString = nil
                    if try record.u16(stream, 12) == 0xFFFF {
                        let kind = try record.u8(stream, 6)
                        switch kind {
                        case 0: pendingString = (row, column)
                        case 1: if !(try visit(row, column, .boolean(try record.u8(stream, 8) != 0))) { return }
                        case 2: if !(try visit(row, column, .error(errorText(try record.u8(stream, 8))))) { return }
                        default: continue  // 3: an empty string
                        }
                    } else {
                        let value = try record.f64(stream, 6)
                        if value.isFinite, !(try visit(row, column, number(value, xf: xf))) { return }
                    }
                case RecordType.string:
                    guard let (row, column) = pendingString else { continue }
                    pendingString = nil
                    var cursor = RecordCursor(data: stream, record: record)
                    while records.peekType() == RecordType.continue, let next = try records.next() { cursor.append(next) }
                    let text = version == .biff8 ? try cursor.unicodeString() : decoder.decode(try cursor.bytes(Int(try cursor.u16())))
                    if !text.isEmpty, !(try visit(row, column, .text(text))) { return }
                default:
                    continue
                }
            }
        } catch is ShortRecord {
            throw malformed("工作表“\(sheetName)”中有记录的长度超出数据流（文件可能已损坏或被截断）", place: sheetName)
        }
    }
}
