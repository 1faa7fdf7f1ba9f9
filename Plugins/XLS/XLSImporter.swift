import Foundation
import TaizhangCore
import TaizhangXLSX

/// The legacy Excel formats: Excel 97–2003 (BIFF8), Excel 5.0/95 (BIFF5) and WPS 表格 (.et, BIFF8).
public enum XLSFormat {
    /// The format's descriptor.
    public static let descriptor = FormatDescriptor(id: "xls", name: "Excel 97–2003 工作簿（.xls）", fileExtensions: ["xls", "et", "xlt", "ett"])
}

/// Reads legacy .xls workbooks (BIFF8 and BIFF5) and WPS .et files from their compound-file container, in
/// Swift, as the same ``SheetSource`` the XLSX reader gives, so recognition, header mapping, normalisation,
/// validation and annotation work unchanged. Encrypted files and password-protected OOXML files (also compound
/// files) are refused with an explanation.
public struct XLSImporter: Importer {
    public init() {}

    public var format: FormatDescriptor { XLSFormat.descriptor }

    /// Compound files (by their signature), and files named .xls/.et/.xlt/.ett that are not ZIP archives (an
    /// .xlsx misnamed .xls is left to the XLSX reader).
    public func recognises(prefix: [UInt8], fileName: String) -> Bool {
        if prefix.starts(with: CompoundFile.magic) { return true }
        if prefix.starts(with: [0x50, 0x4B, 0x03, 0x04]) { return false }
        let lower = fileName.lowercased()
        return format.fileExtensions.contains { lower.hasSuffix("." + $0) }
    }

    public func open(_ source: ImportSource, limits: ImportLimits) throws -> any SheetSource {
        try openWorkbook(source, limits: limits)
    }

    /// Opens the file, returning the concrete source (with merged ranges and the date system).
    public func openWorkbook(_ source: ImportSource, limits: ImportLimits = .standard) throws -> XLSSheetSource {
        let name = source.displayName
        guard let handle = FileHandle(forReadingAtPath: source.path) else {
            throw ImportError(.unreadable, file: name, detail: "文件不存在或无法打开")
        }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()).map(Int.init) ?? 0
        try? handle.seek(toOffset: 0)
        if size == 0 {
            throw ImportError(.truncated, file: name, detail: "文件是空的（0 字节），请重新报送")
        }
        guard size <= limits.maxPartBytes else {
            throw ImportError(.tooLarge, file: name, detail: "文件大小（\(size) 字节）超出上限 \(limits.maxPartBytes) 字节")
        }
        let data: Data
        do { data = try handle.readToEnd() ?? Data() } catch {
            throw ImportError(.unreadable, file: name, detail: "无法读取文件")
        }
        let bytes = [UInt8](data)
        guard bytes.starts(with: CompoundFile.magic) else {
            if CompoundFile.magic.starts(with: bytes.prefix(8)) {
                throw ImportError(.truncated, file: name, detail: "文件不完整（可能在传输或下载中被截断），请重新报送")
            }
            throw ImportError(.notSpreadsheet, file: name, detail: "不是 Excel 97–2003 工作簿（.xls）或 WPS 表格（.et）文件")
        }
        let container: CompoundFile
        do { container = try CompoundFile(bytes: bytes, fileName: name) } catch var error as ImportError {
            error.detail += "。文件可能已损坏：请用 Excel 或 WPS 打开后另存为 .xlsx 格式重新报送"
            throw error
        }
        if container.entry(named: "EncryptionInfo") != nil || container.entry(named: "EncryptedPackage") != nil {
            throw ImportError(.encrypted, file: name,
                              detail: "文件设置了打开密码（已加密），无法读取。请在 Excel 或 WPS 中取消密码后另存为 .xlsx 格式重新报送")
        }
        guard let stream = container.entry(named: "Workbook") ?? container.entry(named: "Book") else {
            let isWord = container.entry(named: "WordDocument") != nil
            throw ImportError(.notSpreadsheet, file: name,
                              detail: isWord ? "不是 Excel 工作簿，而是 Word 文档" : "不是 Excel 工作簿（复合文档中没有 Workbook 数据流）")
        }
        let workbook = try BIFFWorkbook(stream: try container.read(stream, cap: limits.maxPartBytes), fileName: name)
        var properties: [String: String] = [:]
        if let summary = container.entry(named: "\u{05}DocumentSummaryInformation"), summary.size <= 1 << 20,
           let bytes = try? container.read(summary, cap: 1 << 20) {
            properties = PropertySet.userDefined(bytes)
        }
        return XLSSheetSource(workbook: workbook, properties: properties, fileName: name, limits: limits)
    }
}

/// An opened .xls workbook: its sheets, custom properties and date system; rows are read on demand.
public final class XLSSheetSource: WorkbookSource {
    public let properties: [String: String]
    public var sheets: [SheetInfo] { workbook.sheets }
    /// The workbook's date system (`DATEMODE`).
    public var dateSystem: ExcelDateSystem { workbook.dateSystem }
    /// Whether the file is BIFF5 (Excel 5.0/95) rather than BIFF8.
    public var isBIFF5: Bool { workbook.version == .biff5 }

    private let workbook: BIFFWorkbook
    private let fileName: String
    private let limits: ImportLimits
    private var merged: [Int: [MergedRange]] = [:]

    init(workbook: BIFFWorkbook, properties: [String: String], fileName: String, limits: ImportLimits) {
        self.workbook = workbook
        self.properties = properties
        self.fileName = fileName
        self.limits = limits
    }

    public func mergedRanges(sheet index: Int) throws -> [MergedRange] {
        try checkIndex(index)
        if let cached = merged[index] { return cached }
        var ranges: [MergedRange] = []
        try workbook.readSheet(index, merged: &ranges, onlyMerges: true) { _, _, _ in true }
        merged[index] = ranges
        return ranges
    }

    private func checkIndex(_ index: Int) throws {
        guard sheets.indices.contains(index) else {
            throw ImportError(.unsupported, file: fileName, detail: "文件中没有第 \(index + 1) 个工作表")
        }
    }

    public func readRows(sheet index: Int, _ visit: (SourceRow) throws -> Bool) throws {
        try checkIndex(index)
        let sheetName = sheets[index].name
        var rowsSeen = 0
        var ranges: [MergedRange] = []
        func emit(_ row: Int, _ cells: inout [SourceCell]) throws -> Bool {
            defer { cells.removeAll(keepingCapacity: true) }
            guard !cells.isEmpty else { return true }
            rowsSeen += 1
            if rowsSeen > limits.maxRows {
                throw ImportError(.tooLarge, file: fileName, detail: "工作表的行数超过 \(limits.maxRows) 行", place: sheetName)
            }
            var previous = 0
            var sorted = true
            for cell in cells {
                if cell.column <= previous { sorted = false; break }
                previous = cell.column
            }
            if !sorted {
                // Column order, and one value per cell (the last record for a cell wins).
                var byColumn: [Int: CellValue] = [:]
                for cell in cells { byColumn[cell.column] = cell.value }
                cells = byColumn.keys.sorted().map { SourceCell(column: $0, value: byColumn[$0]!) }
            }
            return try visit(SourceRow(row: row + 1, cells: cells))
        }

        var current = -1
        var cells: [SourceCell] = []
        if workbook.rowsInOrder(index) {
            var stopped = false
            try workbook.readSheet(index, merged: &ranges) { row, column, value in
                if row != current {
                    if !(try emit(current, &cells)) { stopped = true; return false }
                    current = row
                }
                cells.append(SourceCell(column: column + 1, value: value))
                return true
            }
            if !stopped { _ = try emit(current, &cells) }
            return
        }
        // Rows out of order (hand-made files): everything read, then sorted by row.
        var all: [(row: Int, cell: SourceCell)] = []
        try workbook.readSheet(index, merged: &ranges) { row, column, value in
            all.append((row, SourceCell(column: column + 1, value: value)))
            return true
        }
        all.sort { $0.row < $1.row || ($0.row == $1.row && $0.cell.column < $1.cell.column) }
        for item in all {
            if item.row != current {
                if !(try emit(current, &cells)) { return }
                current = item.row
            }
            cells.append(item.cell)
        }
        _ = try emit(current, &cells)
    }
}
