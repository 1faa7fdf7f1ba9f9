import CLibZip
import Foundation

// The only file in the package that imports CLibZip (the TaizhangZip module: the XLSX plugin's OOXML packages
// and the official submission packages both use it). The reading side (`ZipReader`) and the writing side
// (`ZipWriter`) are kept apart: each type keeps its helpers to itself.

// MARK: - Reading

/// Reads a ZIP archive (an OOXML package) with libzip, refusing hostile archives.
///
/// Opening checks the central directory: encrypted entries, entry names that climb out of the package
/// (`../`, absolute paths, drive letters; backslashes count as separators) and duplicate names are refused.
/// Entries are streamed in chunks while their decompressed bytes are counted against
/// ``ZipLimits/maxEntryBytes`` and ``ZipLimits/maxTotalBytes``, so a zip bomb is stopped however
/// its headers lie. Errors are ``ZipError``s naming the file and the entry.
public final class ZipReader {
    /// One entry of the archive.
    public struct Entry: Sendable {
        /// The entry's index in libzip.
        public let index: UInt64
        /// The name with backslashes turned into slashes.
        public let name: String
        /// The uncompressed size the archive declares (it may lie).
        public let declaredSize: UInt64
        /// Whether the entry's external attributes mark it as a Unix symbolic link (`S_IFLNK`). Readers of
        /// OOXML ignore this; the submission packages refuse such entries.
        public let isSymlink: Bool
    }

    /// The most entries an archive may have (a workbook has tens, or thousands with many pictures).
    public static let maxEntries: Int64 = 100_000

    /// The file's display name, for messages.
    public let fileName: String
    /// The caps.
    public let limits: ZipLimits
    /// The entries, in archive order (directory entries left out).
    public private(set) var entries: [Entry] = []

    /// An entry name that was left out of ``entries`` because it is unsafe (only when the reader was opened
    /// with `collectUnsafeNames`; otherwise such names are refused with an ``ZipError``).
    public struct UnsafeName: Sendable, Hashable {
        /// What is wrong with the name.
        public enum Problem: String, Sendable, Hashable {
            /// Absolute, a drive letter, or a `..` component.
            case climbsOut = "climbs-out"
            /// The same name (compared case-insensitively) as an earlier entry; the later one is left out.
            case duplicate
        }
        /// The name as stored in the archive (for duplicates: with `\` turned into `/`).
        public let name: String
        /// The problem.
        public let problem: Problem
    }

    /// Unsafe names left out of ``entries``, in archive order (always empty unless `collectUnsafeNames`).
    public private(set) var unsafeNames: [UnsafeName] = []
    private let collectUnsafeNames: Bool
    private var byFoldedName: [String: Int] = [:]
    private let archive: OpaquePointer
    /// The most decompressed bytes seen per entry index, for the total cap (a part read twice counts once).
    private var decompressed: [UInt64: Int] = [:]
    private var decompressedTotal = 0

    /// Opens the archive at `path`; `fileName` names it in messages. `notZip` is the message when the file is
    /// not a zip archive at all (by default: not an Excel workbook). With `collectUnsafeNames`, entries whose
    /// names climb out or repeat are left out of ``entries`` and listed in ``unsafeNames`` instead of refusing
    /// the whole archive (a caller that must report every problem uses this; such entries can never be read).
    ///
    /// - Throws: ``ZipError`` (`unreadable`, `notSpreadsheet`, `truncated`, `encrypted`, `tooLarge`,
    ///   `unsafeContent` for names that climb out or repeat, `malformed`).
    public init(path: String, fileName: String, limits: ZipLimits,
                notZip: String = "不是 Excel 工作簿（.xlsx）文件", collectUnsafeNames: Bool = false) throws {
        self.fileName = fileName
        self.limits = limits
        self.collectUnsafeNames = collectUnsafeNames
        var code: Int32 = 0
        guard let archive = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &code) else {
            throw ZipReader.openError(code: code, path: path, fileName: fileName, notZip: notZip)
        }
        self.archive = archive
        try readDirectory()  // on failure, deinit discards the archive
    }

    deinit {
        zip_discard(archive)
    }

    /// The entry named `name`, compared case-insensitively with `\` as `/` and without a leading `/`.
    public func entry(named name: String) -> Entry? {
        byFoldedName[ZipReader.fold(name)].map { entries[$0] }
    }

    /// Opens an entry for streaming.
    public func open(_ entry: Entry) throws -> EntryStream {
        if entry.declaredSize > UInt64(limits.maxEntryBytes) {
            throw tooLarge(entry.name, part: true)
        }
        guard let file = zip_fopen_index(archive, entry.index, 0) else {
            throw entryError(zip_error_code_zip(zip_get_error(archive)), entry: entry.name)
        }
        return EntryStream(reader: self, entry: entry, file: file)
    }

    /// Reads a whole (small) entry into memory, within the caps, and stopping after `limit` bytes when one is
    /// given (the size a signed manifest promises: no more is ever inflated, whatever the entry claims).
    public func readAll(_ entry: Entry, limit: Int? = nil) throws -> [UInt8] {
        let stream = try open(entry)
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let n = try chunk.withUnsafeMutableBytes { try stream.read(into: $0) }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
            if let limit, bytes.count > limit { break }
        }
        return bytes
    }

    /// A decompressed entry, read in chunks; counts bytes against the caps as it goes.
    public final class EntryStream {
        /// The entry being read.
        public let entry: Entry
        private let reader: ZipReader
        private var file: OpaquePointer?
        private var count = 0

        fileprivate init(reader: ZipReader, entry: Entry, file: OpaquePointer) {
            self.reader = reader
            self.entry = entry
            self.file = file
        }

        deinit { close() }

        /// Closes the entry early.
        public func close() {
            if let file { zip_fclose(file) }
            file = nil
        }

        /// Reads up to `buffer.count` decompressed bytes; 0 at the end.
        public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
            guard let file, let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
            let n = zip_fread(file, base, UInt64(buffer.count))
            if n < 0 {
                let code = zip_error_code_zip(zip_file_get_error(file))
                close()
                throw reader.entryError(code, entry: entry.name)
            }
            if n == 0 { return 0 }
            count += Int(n)
            try reader.account(entry: entry, bytesSoFar: count)
            return Int(n)
        }
    }

    // MARK: Private (reading)

    private func account(entry: Entry, bytesSoFar: Int) throws {
        if bytesSoFar > limits.maxEntryBytes { throw tooLarge(entry.name, part: true) }
        let previous = decompressed[entry.index] ?? 0
        if bytesSoFar > previous {
            decompressedTotal += bytesSoFar - previous
            decompressed[entry.index] = bytesSoFar
            if decompressedTotal > limits.maxTotalBytes { throw tooLarge(entry.name, part: false) }
        }
    }

    private func tooLarge(_ name: String, part: Bool) -> ZipError {
        let mib = (part ? limits.maxEntryBytes : limits.maxTotalBytes) >> 20
        let what = part ? "文件中的一个部件解压后超过 \(mib) MB" : "文件解压后的总大小超过 \(mib) MB"
        return ZipError(.tooLarge, file: fileName,
                           detail: "\(what)，可能是恶意构造的压缩文件（“压缩炸弹”），已停止读取", place: name)
    }

    private func readDirectory() throws {
        let count = zip_get_num_entries(archive, 0)
        guard count >= 0 else {
            throw ZipError(.malformed, file: fileName, detail: "ZIP 目录无法读取，文件已损坏")
        }
        if count > ZipReader.maxEntries {
            throw ZipError(.tooLarge, file: fileName,
                              detail: "压缩包中的条目过多（\(count) 个，上限 \(ZipReader.maxEntries) 个），可能是恶意构造的文件")
        }
        entries.reserveCapacity(Int(count))
        for index in 0..<UInt64(count) {
            var stat = zip_stat_t()
            zip_stat_init(&stat)
            guard zip_stat_index(archive, index, 0, &stat) == 0, let rawName = stat.name else {
                throw ZipError(.malformed, file: fileName, detail: "ZIP 目录中的第 \(index + 1) 项无法读取，文件已损坏")
            }
            let raw = String(cString: rawName)
            let name = ZipReader.slashed(raw)
            if stat.valid & UInt64(ZIP_STAT_ENCRYPTION_METHOD) != 0, stat.encryption_method != UInt16(ZIP_EM_NONE) {
                throw ZipError(.encrypted, file: fileName,
                                  detail: "文件中的内容已加密（设置了密码），请取消密码保护后重新报送", place: name)
            }
            if ZipReader.climbsOut(name) {
                if collectUnsafeNames {
                    unsafeNames.append(UnsafeName(name: raw, problem: .climbsOut))
                    continue
                }
                throw ZipError(.unsafeContent, file: fileName,
                                  detail: "压缩包中的条目名称“\(raw)”指向包外的位置，可能是恶意构造的文件", place: raw)
            }
            let folded = ZipReader.fold(name)
            if byFoldedName[folded] != nil {
                if collectUnsafeNames {
                    unsafeNames.append(UnsafeName(name: name, problem: .duplicate))
                    continue
                }
                throw ZipError(.unsafeContent, file: fileName,
                                  detail: "压缩包中有重名条目“\(name)”，无法确定应读取哪一个，可能是恶意构造的文件", place: name)
            }
            if name.hasSuffix("/") { continue }  // a directory entry
            byFoldedName[folded] = entries.count
            var opsys: zip_uint8_t = 0
            var attributes: zip_uint32_t = 0
            var isSymlink = false
            if zip_file_get_external_attributes(archive, index, 0, &opsys, &attributes) == 0,
               opsys == zip_uint8_t(ZIP_OPSYS_UNIX) {
                isSymlink = (attributes >> 16) & 0o170000 == 0o120000  // S_IFMT, S_IFLNK
            }
            entries.append(Entry(index: index, name: name,
                                 declaredSize: stat.valid & UInt64(ZIP_STAT_SIZE) != 0 ? stat.size : 0,
                                 isSymlink: isSymlink))
        }
    }

    private func entryError(_ code: Int32, entry: String) -> ZipError {
        switch code {
        case ZIP_ER_NOPASSWD, ZIP_ER_WRONGPASSWD, ZIP_ER_ENCRNOTSUPP:
            return ZipError(.encrypted, file: fileName,
                               detail: "文件中的内容已加密（设置了密码），请取消密码保护后重新报送", place: entry)
        case ZIP_ER_EOF, ZIP_ER_READ, ZIP_ER_SEEK:
            return ZipError(.truncated, file: fileName, detail: "文件不完整（可能在传输或下载中被截断），请重新报送", place: entry)
        case ZIP_ER_COMPNOTSUPP:
            return ZipError(.unsupported, file: fileName, detail: "文件使用了不支持的压缩方式", place: entry)
        default:
            let message = ZipReader.message(ofZipError: code)
            return ZipError(.malformed, file: fileName, detail: "文件已损坏，无法解压（\(message)）", place: entry)
        }
    }

    private static func message(ofZipError code: Int32) -> String {
        var error = zip_error_t()
        zip_error_init_with_code(&error, code)
        defer { zip_error_fini(&error) }
        return zip_error_strerror(&error).map { String(cString: $0) } ?? "libzip 错误 \(code)"
    }

    private static func openError(code: Int32, path: String, fileName: String, notZip: String) -> ZipError {
        switch code {
        case ZIP_ER_NOENT, ZIP_ER_OPEN:
            return ZipError(.unreadable, file: fileName, detail: "文件不存在或无法打开")
        case ZIP_ER_EXISTS:  // libzip refuses two entries with exactly the same name
            return ZipError(.unsafeContent, file: fileName,
                               detail: "压缩包中有完全重名的条目，无法确定应读取哪一个，可能是恶意构造的文件")
        case ZIP_ER_NOZIP, ZIP_ER_INCONS, ZIP_ER_EOF, ZIP_ER_READ, ZIP_ER_SEEK, ZIP_ER_CRC:
            if startsWithZipMagic(path) {
                return ZipError(.truncated, file: fileName,
                                   detail: "文件不完整（可能在传输或下载中被截断），请重新报送")
            }
            return ZipError(.notZip, file: fileName, detail: notZip)
        default:
            return ZipError(.unreadable, file: fileName, detail: "无法打开文件（libzip 错误 \(code)）")
        }
    }

    private static func startsWithZipMagic(_ path: String) -> Bool {
        guard let file = fopen(path, "rb") else { return false }
        defer { fclose(file) }
        var magic = [UInt8](repeating: 0, count: 4)
        guard fread(&magic, 1, 4, file) == 4 else { return false }
        return magic == [0x50, 0x4B, 0x03, 0x04]
    }

    /// The lookup key of a part name.
    public static func fold(_ name: String) -> String {
        var text = ZipReader.slashed(name)
        while text.hasPrefix("/") { text.removeFirst() }
        return text.lowercased()
    }

    /// The name with `\\` separators turned into `/`.
    public static func slashed(_ name: String) -> String {
        guard name.utf8.contains(UInt8(ascii: "\\")) else { return name }
        return String(decoding: name.utf8.map { $0 == UInt8(ascii: "\\") ? UInt8(ascii: "/") : $0 }, as: UTF8.self)
    }

    /// Whether an entry name is absolute or leaves the package with `..`.
    public static func climbsOut(_ name: String) -> Bool {
        if name.hasPrefix("/") { return true }
        let bytes = Array(name.utf8)
        if bytes.count >= 2, bytes[1] == UInt8(ascii: ":") { return true }  // C:...
        return name.split(separator: "/", omittingEmptySubsequences: false).contains("..")
    }
}

// MARK: - Writing

/// Writes a zip archive with libzip: entries from files or bytes, deflated at a chosen level,
/// with a fixed timestamp so the same input gives the same bytes.
///
/// Entries are read when ``close()`` runs, so files added with ``addFile(name:path:)`` must exist until then.
/// No ZIP64 records are written unless an entry needs them (sources have known sizes below 4 GiB).
public final class ZipWriter {
    /// The deflate level (1–9) Taizhang uses, chosen by measurement (Benchmarks/xlsx-write.sh, 100,000 rows ×
    /// 11 columns of ledger data, release build, 2 shared cores): level 1 took 1.55 s for 7.2 MiB, level 3
    /// 2.32 s for 6.0 MiB, level 6 3.51 s for 5.6 MiB, level 9 11.0 s for 5.3 MiB; libxlsxwriter
    /// (constant_memory) took 2.31 s. Level 1 keeps Taizhang faster than libxlsxwriter; the files are
    /// about a quarter larger than at level 6, which does not matter for ledgers sent by mail.
    public static let defaultCompressionLevel: UInt32 = 1

    private var archive: OpaquePointer?
    private let path: String
    private let compressionLevel: UInt32

    /// MS-DOS date of 1980-01-01 and time 00:00:00: the fixed timestamp of every entry.
    private static let fixedDosDate: UInt16 = (0 << 9) | (1 << 5) | 1
    private static let fixedDosTime: UInt16 = 0

    /// Creates (or truncates) the archive at `path`.
    public init(path: String, compressionLevel: UInt32 = ZipWriter.defaultCompressionLevel) throws(ZipError) {
        self.path = path
        self.compressionLevel = compressionLevel
        var error: Int32 = 0
        guard let archive = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &error) else {
            var zerror = zip_error_t()
            zip_error_init_with_code(&zerror, error)
            defer { zip_error_fini(&zerror) }
            throw ZipError(.cannotWrite, file: path, detail: "无法创建压缩文件“\(path)”：\(String(cString: zip_error_strerror(&zerror)))")
        }
        self.archive = archive
    }

    deinit {
        if let archive { zip_discard(archive) }
    }

    /// Adds an entry whose content is the file at `filePath` (read at ``close()``).
    public func addFile(name: String, path filePath: String) throws(ZipError) {
        let archive = try zipWriterOpenArchive()
        guard let source = zip_source_file(archive, filePath, 0, -1) else {
            throw zipWriterError("无法读取临时文件“\(filePath)”")
        }
        try zipWriterAdd(name: name, source: source)
    }

    /// Adds an entry with the given bytes (copied).
    public func addData(name: String, bytes: [UInt8]) throws(ZipError) {
        let archive = try zipWriterOpenArchive()
        let count = bytes.count
        let copy = malloc(max(count, 1))!
        bytes.withUnsafeBytes { if count > 0 { copy.copyMemory(from: $0.baseAddress!, byteCount: count) } }
        // freep = 1: libzip frees the copy when it is done with the source.
        guard let source = zip_source_buffer(archive, copy, zip_uint64_t(count), 1) else {
            free(copy)
            throw zipWriterError("无法加入压缩条目“\(name)”")
        }
        try zipWriterAdd(name: name, source: source)
    }

    /// Compresses and writes everything, then closes the archive.
    public func close() throws(ZipError) {
        let archive = try zipWriterOpenArchive()
        if zip_close(archive) != 0 {
            let message = String(cString: zip_strerror(archive))
            zip_discard(archive)
            self.archive = nil
            throw ZipError(.cannotWrite, file: path, detail: "写入压缩文件“\(path)”失败：\(message)")
        }
        self.archive = nil
    }

    private func zipWriterOpenArchive() throws(ZipError) -> OpaquePointer {
        guard let archive else { throw ZipError(.cannotWrite, file: path, detail: "压缩文件“\(path)”已关闭") }
        return archive
    }

    private func zipWriterAdd(name: String, source: OpaquePointer) throws(ZipError) {
        let archive = try zipWriterOpenArchive()
        let index = zip_file_add(archive, name, source, zip_flags_t(ZIP_FL_ENC_UTF_8))
        guard index >= 0 else {
            zip_source_free(source)
            throw zipWriterError("无法加入压缩条目“\(name)”")
        }
        let entry = zip_uint64_t(index)
        guard zip_set_file_compression(archive, entry, ZIP_CM_DEFLATE, compressionLevel) == 0,
              zip_file_set_dostime(archive, entry, ZipWriter.fixedDosTime, ZipWriter.fixedDosDate, 0) == 0 else {
            throw zipWriterError("无法设置压缩条目“\(name)”")
        }
    }

    private func zipWriterError(_ message: String) -> ZipError {
        guard let archive else { return ZipError(.cannotWrite, file: path, detail: message) }
        return ZipError(.cannotWrite, file: path, detail: "\(message)：\(String(cString: zip_strerror(archive)))")
    }
}
