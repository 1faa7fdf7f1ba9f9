import CLibZip
import Foundation
import TaizhangCore

// The only file that imports CLibZip. The reading side (ZipReader) and the writing side (ZipWriter)
// live in separate sections; each keeps its helpers private to its own type.

// MARK: - Writing

/// Writes a zip archive with libzip: entries from files or bytes, deflated at a chosen level,
/// with a fixed timestamp so the same input gives the same bytes.
///
/// Entries are read when ``close()`` runs, so files added with ``addFile(name:path:)`` must exist until then.
/// No ZIP64 records are written unless an entry needs them (sources have known sizes below 4 GiB).
final class ZipWriter {
    /// The deflate level (1–9) Taizhang uses, chosen by measurement (Benchmarks/xlsx-write.sh, 100,000 rows ×
    /// 11 columns of ledger data, release build, 2 shared cores): level 1 took 1.55 s for 7.2 MiB, level 3
    /// 2.32 s for 6.0 MiB, level 6 3.51 s for 5.6 MiB, level 9 11.0 s for 5.3 MiB; libxlsxwriter
    /// (constant_memory) took 2.31 s. Level 1 keeps Taizhang faster than libxlsxwriter; the files are
    /// about a quarter larger than at level 6, which does not matter for ledgers sent by mail.
    static let defaultCompressionLevel: UInt32 = 1

    private var archive: OpaquePointer?
    private let path: String
    private let compressionLevel: UInt32

    /// MS-DOS date of 1980-01-01 and time 00:00:00: the fixed timestamp of every entry.
    private static let fixedDosDate: UInt16 = (0 << 9) | (1 << 5) | 1
    private static let fixedDosTime: UInt16 = 0

    /// Creates (or truncates) the archive at `path`.
    init(path: String, compressionLevel: UInt32 = ZipWriter.defaultCompressionLevel) throws(ExportError) {
        self.path = path
        self.compressionLevel = compressionLevel
        var error: Int32 = 0
        guard let archive = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &error) else {
            var zerror = zip_error_t()
            zip_error_init_with_code(&zerror, error)
            defer { zip_error_fini(&zerror) }
            throw ExportError("无法创建压缩文件“\(path)”：\(String(cString: zip_error_strerror(&zerror)))")
        }
        self.archive = archive
    }

    deinit {
        if let archive { zip_discard(archive) }
    }

    /// Adds an entry whose content is the file at `filePath` (read at ``close()``).
    func addFile(name: String, path filePath: String) throws(ExportError) {
        let archive = try zipWriterOpenArchive()
        guard let source = zip_source_file(archive, filePath, 0, -1) else {
            throw zipWriterError("无法读取临时文件“\(filePath)”")
        }
        try zipWriterAdd(name: name, source: source)
    }

    /// Adds an entry with the given bytes (copied).
    func addData(name: String, bytes: [UInt8]) throws(ExportError) {
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
    func close() throws(ExportError) {
        let archive = try zipWriterOpenArchive()
        if zip_close(archive) != 0 {
            let message = String(cString: zip_strerror(archive))
            zip_discard(archive)
            self.archive = nil
            throw ExportError("写入压缩文件“\(path)”失败：\(message)")
        }
        self.archive = nil
    }

    private func zipWriterOpenArchive() throws(ExportError) -> OpaquePointer {
        guard let archive else { throw ExportError("压缩文件“\(path)”已关闭") }
        return archive
    }

    private func zipWriterAdd(name: String, source: OpaquePointer) throws(ExportError) {
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

    private func zipWriterError(_ message: String) -> ExportError {
        guard let archive else { return ExportError(message) }
        return ExportError("\(message)：\(String(cString: zip_strerror(archive)))")
    }
}
