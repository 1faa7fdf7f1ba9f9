import Foundation
import TaizhangCore
import TaizhangZip

/// Reads .xlsx workbooks (Excel, WPS, LibreOffice, Gnumeric, openpyxl, XlsxWriter, Strict OOXML) as
/// streams of rows, refusing hostile and unreadable files with an ``ImportError``.
public struct XLSXImporter: Importer {
    /// Bytes of shared-string text kept in memory before the rest goes to a temporary file.
    let sharedStringBudget: Int
    /// Where that file is made (`nil`: `TMPDIR`, else `/tmp`).
    let spillDirectory: String?

    public init() {
        self.init(sharedStringBudget: SharedStringTable.defaultResidentBudget, spillDirectory: nil)
    }

    /// An importer with another memory budget for the shared strings, or another folder for their temporary
    /// file (tests).
    init(sharedStringBudget: Int, spillDirectory: String? = nil) {
        self.sharedStringBudget = sharedStringBudget
        self.spillDirectory = spillDirectory
    }

    public var format: FormatDescriptor { XLSXFormat.descriptor }

    /// Workbooks, and the legacy formats (.xls, .et) it recognises in order to refuse them with an explanation.
    public var fileExtensions: [String] { ["xlsx", "xlsm", "xls", "et"] }

    /// ZIP and OLE (legacy .xls/.et, or a password-protected .xlsx) files, and files named .xlsx/.xlsm/.xls/.et.
    public func recognises(prefix: [UInt8], fileName: String) -> Bool {
        if prefix.starts(with: XLSXImporter.zipMagic) || prefix.starts(with: XLSXImporter.oleMagic) { return true }
        let lower = fileName.lowercased()
        return ["xlsx", "xlsm", "xls", "et"].contains { lower.hasSuffix("." + $0) }
    }

    public func open(_ source: ImportSource, limits: ImportLimits) throws -> any SheetSource {
        try openWorkbook(source, limits: limits)
    }

    /// Opens the file, returning the concrete source (with merged ranges and the date system).
    public func openWorkbook(_ source: ImportSource, limits: ImportLimits = .standard) throws -> XLSXSheetSource {
        let name = source.displayName
        guard let handle = FileHandle(forReadingAtPath: source.path) else {
            throw ImportError(.unreadable, file: name, detail: "文件不存在或无法打开")
        }
        let prefix = [UInt8]((try? handle.read(upToCount: 8)) ?? Data())
        try? handle.close()
        if prefix.isEmpty {
            throw ImportError(.truncated, file: name, detail: "文件是空的（0 字节），请重新报送")
        }
        if prefix.starts(with: XLSXImporter.oleMagic) {
            throw XLSXImporter.classifyOLE(path: source.path, fileName: name)
        }
        guard prefix.starts(with: XLSXImporter.zipMagic) else {
            if XLSXImporter.zipMagic.starts(with: prefix) {
                throw ImportError(.truncated, file: name, detail: "文件不完整（可能在传输或下载中被截断），请重新报送")
            }
            throw ImportError(.notSpreadsheet, file: name, detail: "不是 Excel 工作簿（.xlsx）文件")
        }
        let zip = try ZipError.mapped { try ZipReader(path: source.path, fileName: name, limits: limits.zip) }
        return try XLSXSheetSource(zip: zip, fileName: name, limits: limits, sharedStringBudget: sharedStringBudget,
                                   spillDirectory: spillDirectory)
    }

    static let zipMagic: [UInt8] = [0x50, 0x4B, 0x03, 0x04]
    static let oleMagic: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]

    /// An OLE compound file is either a password-protected OOXML workbook (it has an `EncryptionInfo`
    /// stream) or a legacy .xls / WPS .et workbook.
    static func classifyOLE(path: String, fileName: String) -> ImportError {
        let needle = Array("EncryptionInfo".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        var found = false
        if let handle = FileHandle(forReadingAtPath: path) {
            defer { try? handle.close() }
            var carry: [UInt8] = []
            var scanned = 0
            while !found, scanned < 256 << 20, let chunk = try? handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                let bytes = carry + [UInt8](chunk)
                found = contains(bytes, needle)
                carry = Array(bytes.suffix(needle.count - 1))
                scanned += chunk.count
            }
        }
        if found {
            return ImportError(.encrypted, file: fileName,
                               detail: "文件设置了打开密码（已加密），无法读取。请在 Excel 或 WPS 中取消密码后另存为 .xlsx 格式重新报送")
        }
        return ImportError(.legacyFormat, file: fileName,
                           detail: "这是旧版 Excel（.xls）或 WPS 表格（.et）格式的文件，本工具只读取 .xlsx。请另存为 .xlsx 格式后重新报送")
    }

    private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard haystack.count >= needle.count, let first = needle.first else { return false }
        var index = 0
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == first, haystack[index..<index + needle.count].elementsEqual(needle) { return true }
            index += 1
        }
        return false
    }
}

/// An opened .xlsx workbook: its sheets, custom properties and date system; rows are streamed on demand.
public final class XLSXSheetSource: WorkbookSource {
    public let properties: [String: String]
    public let sheets: [SheetInfo]
    /// The workbook's date system (`workbookPr date1904`).
    public let dateSystem: ExcelDateSystem

    private let zip: ZipReader
    private let fileName: String
    private let limits: ImportLimits
    /// The worksheet part of each sheet, `nil` for chart and dialog sheets (no cells).
    private let sheetParts: [String?]
    private let sharedStrings: SharedStringTable
    private let dateStyles: [Bool]
    private var merged: [Int: [MergedRange]] = [:]

    init(zip: ZipReader, fileName: String, limits: ImportLimits,
         sharedStringBudget: Int = SharedStringTable.defaultResidentBudget, spillDirectory: String? = nil) throws {
        self.zip = zip
        self.fileName = fileName
        self.limits = limits
        let parts = PackageParts(zip: zip, fileName: fileName)
        let contentTypes = try parts.contentTypeOverrides()
        let rootRelationships = try parts.relationships(of: "")

        // The workbook: the package's officeDocument relationship, else the content types, else the usual name.
        var workbookPart: String?
        if let office = rootRelationships.first(where: { $0.isType("officeDocument") && !$0.isExternal }) {
            workbookPart = PartNames.resolve(office.target, from: "")
        }
        if workbookPart.map({ zip.entry(named: $0) == nil }) ?? true {
            workbookPart = contentTypes?.first(where: {
                $0.value.contains("spreadsheetml.sheet.main") || $0.value.contains("spreadsheetml.template.main")
            })?.key
        }
        if workbookPart.map({ zip.entry(named: $0) == nil }) ?? true, zip.entry(named: "xl/workbook.xml") != nil {
            workbookPart = "xl/workbook.xml"
        }
        guard let workbook = workbookPart, let workbookEntry = zip.entry(named: workbook) else {
            let isOffice = contentTypes != nil || !rootRelationships.isEmpty
            throw ImportError(.notSpreadsheet, file: fileName,
                              detail: isOffice ? "不是 Excel 工作簿（可能是 Word、PowerPoint 等其他文档）" : "不是 Excel 工作簿（.xlsx）文件，而是其他 ZIP 压缩文件")
        }
        let workbookName = workbookEntry.name
        let relationships = try parts.relationships(of: workbookName)
        let (sheetList, system) = try parts.workbook(workbookName)
        dateSystem = system
        sheets = sheetList.map(\.info)
        var byId: [String: Relationship] = [:]
        for relationship in relationships where !relationship.isExternal { byId[relationship.id] = relationship }
        sheetParts = sheetList.map { sheet in
            guard let relationship = byId[sheet.relationship], relationship.isType("worksheet") else { return nil }
            return PartNames.resolve(relationship.target, from: workbookName)
        }
        func part(_ kind: String, fallback: String) -> String {
            if let relationship = relationships.first(where: { $0.isType(kind) && !$0.isExternal }) {
                return PartNames.resolve(relationship.target, from: workbookName)
            }
            return fallback
        }
        sharedStrings = try parts.sharedStrings(part("sharedStrings", fallback: PartNames.folder(of: workbookName) + "sharedStrings.xml"),
                                                residentBudget: sharedStringBudget, spillDirectory: spillDirectory)
        dateStyles = try parts.dateStyles(part("styles", fallback: PartNames.folder(of: workbookName) + "styles.xml"))
        let custom = rootRelationships.first { $0.isType("custom-properties") || $0.isType("customProperties") }
        properties = try parts.customProperties(custom.map { PartNames.resolve($0.target, from: "") } ?? "docProps/custom.xml")
    }

    /// How the shared-string table served the lookups so far (for the reader benchmark).
    package var sharedStringStatistics: SharedStringStatistics { sharedStrings.statistics }

    public func readRows(sheet index: Int, _ visit: (SourceRow) throws -> Bool) throws {
        var ranges: [MergedRange] = []
        try read(sheet: index, mergedRanges: &ranges, visit)
    }

    /// The merged ranges of sheet `index` (`<mergeCell ref=…>`), in file order.
    public func mergedRanges(sheet index: Int) throws -> [MergedRange] {
        if let cached = merged[index] { return cached }
        var ranges: [MergedRange] = []
        try read(sheet: index, mergedRanges: &ranges) { _ in true }
        return ranges
    }

    private func read(sheet index: Int, mergedRanges: inout [MergedRange], _ visit: (SourceRow) throws -> Bool) throws {
        guard sheets.indices.contains(index) else {
            throw ImportError(.unsupported, file: fileName, detail: "文件中没有第 \(index + 1) 个工作表")
        }
        guard let partName = sheetParts[index] else { return }
        guard let entry = zip.entry(named: partName) else {
            throw ImportError(.malformed, file: fileName, detail: "缺少工作表“\(sheets[index].name)”的内容部件", place: partName)
        }
        let x = try XMLReader(stream: ZipError.mapped { try zip.open(entry) }, fileName: fileName)
        let reader = SheetReader(x: x, sheetName: sheets[index].name, fileName: fileName, sharedStrings: sharedStrings,
                                 dateStyles: dateStyles, dateSystem: dateSystem, limits: limits)
        var complete = true
        try reader.read(mergedRanges: &mergedRanges) { row in
            let more = try visit(row)
            if !more { complete = false }
            return more
        }
        if complete { merged[index] = mergedRanges }
    }
}

extension ZipError {
    /// Runs `body`, reporting an archive's error as the workbook's `ImportError` (same code, file and entry).
    package static func mapped<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as ZipError {
            throw ImportError(code: error.code.rawValue, file: error.file, detail: error.detail, place: error.place)
        }
    }
}

extension ImportLimits {
    /// The caps as the zip reader takes them.
    package var zip: ZipLimits { ZipLimits(maxEntryBytes: maxPartBytes, maxTotalBytes: maxTotalBytes) }
}
