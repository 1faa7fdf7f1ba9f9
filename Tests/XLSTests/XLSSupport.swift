import Foundation
import TaizhangTestSupport
import TaizhangCore
import TaizhangXLS

/// Helpers for the XLS tests: temporary folders, real programs, and hand-made compound files and BIFF records.
enum XLSSupport {
    static func temporaryFolder(_ label: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("taizhang-xls-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @discardableResult
    static func run(_ program: String, _ arguments: [String], input: Data? = nil) throws -> String {
        let result = try ExternalProgram.tool(program, arguments, input: input)
        guard result.status == 0 else { throw SupportError("\(program) failed (\(result.status)): \(result.stderr)") }
        return result.stdout
    }

    @discardableResult
    static func python(_ script: String, _ arguments: [String] = [], input: Data? = nil) throws -> String {
        try run("python3", ["-c", script] + arguments, input: input)
    }

    /// Converts files with LibreOffice in one run (`xls`, `ods`, `xlsx`), into `folder`.
    static func soffice(_ files: [URL], to format: String, in folder: URL) throws {
        try run("soffice", ["-env:UserInstallation=file:///tmp/taizhang-lo-legacy-tests", "--headless", "--convert-to", format,
                            "--outdir", folder.path] + files.map(\.path))
    }

    static func open(_ url: URL, limits: ImportLimits = .standard) throws -> XLSSheetSource {
        try XLSImporter().openWorkbook(ImportSource(path: url.path), limits: limits)
    }

    static func open(bytes: [UInt8], name: String = "报送.xls", limits: ImportLimits = .standard) throws -> XLSSheetSource {
        let folder = try temporaryFolder("bytes")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return try open(url, limits: limits)
    }

    /// Every non-empty cell of a sheet by reference (`A1`).
    static func cells(_ source: any SheetSource, sheet: Int = 0) throws -> [String: CellValue] {
        var result: [String: CellValue] = [:]
        try source.readRows(sheet: sheet) { row in
            for cell in row.cells { result[CellReference.columnName(cell.column) + String(row.row)] = cell.value }
            return true
        }
        return result
    }

    /// The ImportError that opening the bytes and reading every sheet throws, or `nil`.
    static func refusal(_ bytes: [UInt8], name: String = "报送.xls", limits: ImportLimits = .standard) -> ImportError? {
        refusal {
            let source = try open(bytes: bytes, name: name, limits: limits)
            for index in source.sheets.indices {
                try source.readRows(sheet: index) { _ in true }
                _ = try source.mergedRanges(sheet: index)
            }
        }
    }

    static func refusal(_ body: () throws -> Void) -> ImportError? {
        do {
            try body()
            return nil
        } catch let error as ImportError {
            return error
        } catch {
            return ImportError(.unreadable, file: "?", detail: "unexpected error: \(error)")
        }
    }

    static func date(_ y: Int, _ m: Int, _ d: Int, _ seconds: Int = 0) -> CellValue {
        .date(CivilDate(year: y, month: m, day: d)!, secondsIntoDay: seconds)
    }

    // MARK: Compound files

    static let endOfChain: UInt32 = 0xFFFF_FFFE
    static let free: UInt32 = 0xFFFF_FFFF

    /// A version-3 compound file (512-byte sectors) holding `streams` in its root storage, every stream in
    /// regular sectors (the mini-stream cutoff is 0). The parts are returned too, so tests can damage them.
    struct Layout {
        var bytes: [UInt8]
        /// The first sector of each stream.
        var starts: [Int]
        var fatSectors: Int
        var directorySector: Int
    }

    static func compoundFile(_ streams: [(String, [UInt8])]) -> Layout {
        let sectorCounts = streams.map { ($0.1.count + 511) / 512 }
        let directorySectors = (streams.count + 1 + 3) / 4
        let dataSectors = directorySectors + sectorCounts.reduce(0, +)
        var fatSectors = 1
        while (dataSectors + fatSectors) > fatSectors * 128 { fatSectors += 1 }
        var fat = [UInt32](repeating: free, count: fatSectors * 128)
        for i in 0..<fatSectors { fat[i] = 0xFFFF_FFFD }
        var next = fatSectors
        func chain(_ count: Int) -> Int {
            let start = next
            for i in 0..<count { fat[start + i] = i == count - 1 ? endOfChain : UInt32(start + i + 1) }
            next += count
            return count == 0 ? Int(endOfChain) : start
        }
        let directoryStart = chain(directorySectors)
        let starts = sectorCounts.map { chain($0) }
        var header = [UInt8](repeating: 0, count: 512)
        func put32(_ b: inout [UInt8], _ o: Int, _ v: UInt32) { for i in 0..<4 { b[o + i] = UInt8(truncatingIfNeeded: v >> (8 * i)) } }
        func put16(_ b: inout [UInt8], _ o: Int, _ v: UInt16) { b[o] = UInt8(v & 0xFF); b[o + 1] = UInt8(v >> 8) }
        header.replaceSubrange(0..<8, with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])
        put16(&header, 24, 0x3E); put16(&header, 26, 3); put16(&header, 28, 0xFFFE); put16(&header, 30, 9); put16(&header, 32, 6)
        put32(&header, 44, UInt32(fatSectors)); put32(&header, 48, UInt32(directoryStart)); put32(&header, 56, 0)
        put32(&header, 60, endOfChain); put32(&header, 68, endOfChain)
        for i in 0..<109 { put32(&header, 76 + 4 * i, i < fatSectors ? UInt32(i) : free) }
        var directory = [UInt8](repeating: 0, count: directorySectors * 512)
        func entry(_ index: Int, name: String, type: UInt8, right: UInt32, child: UInt32, start: UInt32, size: Int) {
            let base = index * 128
            let units = Array(name.utf16)
            for (i, u) in units.enumerated() { put16(&directory, base + 2 * i, u) }
            put16(&directory, base + 64, UInt16((units.count + 1) * 2))
            directory[base + 66] = type
            directory[base + 67] = 1
            put32(&directory, base + 68, free); put32(&directory, base + 72, right); put32(&directory, base + 76, child)
            put32(&directory, base + 116, start); put32(&directory, base + 120, UInt32(size))
        }
        entry(0, name: "Root Entry", type: 5, right: free, child: streams.isEmpty ? free : 1, start: endOfChain, size: 0)
        for (i, stream) in streams.enumerated() {
            entry(i + 1, name: stream.0, type: 2, right: i + 1 < streams.count ? UInt32(i + 2) : free, child: free,
                  start: UInt32(starts[i]), size: stream.1.count)
        }
        for index in (streams.count + 1)..<(directorySectors * 4) {
            put32(&directory, index * 128 + 68, free); put32(&directory, index * 128 + 72, free); put32(&directory, index * 128 + 76, free)
        }
        var bytes = header
        for value in fat { var b = [UInt8](repeating: 0, count: 4); put32(&b, 0, value); bytes += b }
        bytes += directory
        for stream in streams {
            var data = stream.1
            if data.count % 512 != 0 { data += [UInt8](repeating: 0, count: 512 - data.count % 512) }
            bytes += data
        }
        return Layout(bytes: bytes, starts: starts, fatSectors: fatSectors, directorySector: directoryStart)
    }

    /// Sets FAT entry `sector` of a layout to `value`.
    static func setFAT(_ layout: inout Layout, sector: Int, to value: UInt32) {
        let offset = 512 + sector * 4
        for i in 0..<4 { layout.bytes[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * i)) }
    }

    // MARK: BIFF records

    static func u16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF)] }
    static func u32(_ v: Int) -> [UInt8] { (0..<4).map { UInt8((v >> (8 * $0)) & 0xFF) } }
    static func f64(_ v: Double) -> [UInt8] { (0..<8).map { UInt8((v.bitPattern >> (8 * UInt64($0))) & 0xFF) } }

    static func record(_ type: Int, _ payload: [UInt8]) -> [UInt8] { u16(type) + u16(payload.count) + payload }

    /// A BIFF8 unicode string: compressed when every character is Latin-1, else UTF-16.
    static func string8(_ text: String, short: Bool = false) -> [UInt8] {
        let units = Array(text.utf16)
        let wide = units.contains { $0 > 0xFF }
        let count = short ? [UInt8(units.count)] : u16(units.count)
        return count + [wide ? 1 : 0] + (wide ? units.flatMap { u16(Int($0)) } : units.map { UInt8($0) })
    }

    /// A workbook stream: globals (BOF, `globals`, one BOUNDSHEET per sheet, EOF) then each sheet's substream
    /// (BOF, its records, EOF). `biff5` writes BIFF5 records (names as `name5` bytes).
    static func workbook(globals: [[UInt8]], sheets: [(name: [UInt8], records: [[UInt8]])], biff5: Bool = false,
                         hidden: Set<Int> = []) -> [UInt8] {
        let version = biff5 ? 0x0500 : 0x0600
        let bof = { (kind: Int) in record(0x0809, u16(version) + u16(kind) + (biff5 ? [0, 0, 0, 0] : [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])) }
        let eof = record(0x000A, [])
        var head = bof(0x0005)
        for g in globals { head += g }
        let boundSheetSizes = sheets.map { 4 + 6 + $0.name.count }
        let globalsSize = head.count + boundSheetSizes.reduce(0, +) + eof.count
        var offset = globalsSize
        var bodies: [UInt8] = []
        for (index, sheet) in sheets.enumerated() {
            head += record(0x0085, u32(offset) + [hidden.contains(index) ? 1 : 0, 0] + sheet.name)
            var body = bof(0x0010)
            for r in sheet.records { body += r }
            body += eof
            bodies += body
            offset += body.count
        }
        return head + eof + bodies
    }

    /// A BIFF8 `.xls` file: the workbook stream in a compound file.
    static func xls(globals: [[UInt8]] = [], sheets: [(String, [[UInt8]])], extra: [(String, [UInt8])] = []) -> [UInt8] {
        let stream = workbook(globals: [record(0x0042, u16(1200))] + globals, sheets: sheets.map { (string8($0.0, short: true), $0.1) })
        return compoundFile([("Workbook", stream)] + extra).bytes
    }

    static func labelSST(_ row: Int, _ column: Int, _ index: Int, xf: Int = 15) -> [UInt8] {
        record(0x00FD, u16(row) + u16(column) + u16(xf) + u32(index))
    }

    static func number(_ row: Int, _ column: Int, _ value: Double, xf: Int = 15) -> [UInt8] {
        record(0x0203, u16(row) + u16(column) + u16(xf) + f64(value))
    }
}
