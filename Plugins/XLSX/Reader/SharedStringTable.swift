import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TaizhangCore

/// A workbook's shared-string table, kept compactly: every string's UTF-8 bytes laid end to end, and one
/// 32-bit end offset per string.
///
/// The first strings, up to ``residentBudget`` bytes of text, stay in memory (a small workbook's whole table:
/// as fast as an array of strings). The rest is written to an unlinked temporary file (in `TMPDIR`, else
/// `/tmp`) and read back with `pread` through a few windows of ``windowSize`` bytes. Excel and LibreOffice write
/// the table in the order of first use, so a sheet read top to bottom asks for each new string just after the
/// previous one (the window that served it serves them too), while the strings that repeat (choices, units)
/// come early and are resident. What grows with the table is the offsets: 4 bytes per string.
///
/// Not thread-safe (the windows are a cache); a sheet source reads one sheet at a time.
final class SharedStringTable {
    /// Bytes of text kept in memory before the table spills to a temporary file.
    static let defaultResidentBudget = 2 << 20
    /// The size of one read-back window.
    static let defaultWindowSize = 64 << 10
    /// How many windows are kept (least recently used is replaced).
    static let windowCount = 4

    private let fileName: String
    private let spillDirectory: String?
    let residentBudget: Int
    let windowSize: Int

    /// `ends[i]`: the end of string `i` in the table's bytes (its start is `ends[i - 1]`, or 0).
    private var ends: [UInt32] = []
    /// The bytes of the resident strings (`0..<resident.count` of the table's bytes).
    private var resident: [UInt8] = []
    /// How many strings are resident (the first ones).
    private var residentCount = 0
    /// The spilled strings: table byte `b` is at file offset `b - resident.count`.
    private var spill: SpillFile?
    /// Bytes written to the spill file, and bytes still waiting in `pending`.
    private var spilledBytes = 0
    private var pending: [UInt8] = []

    private struct Window {
        var start = 0        // file offset of bytes[0]
        var bytes: [UInt8] = []
        var used = 0         // for least-recently-used replacement
    }
    private var windows: [Window] = []
    private var tick = 0
    private(set) var statistics = SharedStringStatistics()

    /// `spillDirectory`: where the temporary file is made (`nil`: `TMPDIR`, else `/tmp`).
    init(fileName: String, residentBudget: Int = SharedStringTable.defaultResidentBudget,
         windowSize: Int = SharedStringTable.defaultWindowSize, spillDirectory: String? = nil) {
        self.fileName = fileName
        self.spillDirectory = spillDirectory
        self.residentBudget = residentBudget
        self.windowSize = max(windowSize, 16)
    }

    /// The number of strings.
    var count: Int { ends.count }

    /// Whether part of the table lives in the temporary file.
    var hasSpilled: Bool { spill != nil }

    /// Memory held (bytes), not counting the windows: the resident text and the offsets.
    var residentBytes: Int { resident.capacity + ends.capacity * MemoryLayout<UInt32>.stride }

    func reserveCapacity(_ count: Int) {
        ends.reserveCapacity(count)
    }

    /// Appends a string given as UTF-8 bytes.
    func append(_ bytes: UnsafeBufferPointer<UInt8>) throws {
        let total = resident.count + spilledBytes + pending.count + bytes.count
        guard total <= Int(UInt32.max) else {
            throw ImportError(.tooLarge, file: fileName, detail: "共享字符串表的文字超过 4 GiB")
        }
        if spill == nil, resident.count + bytes.count <= residentBudget {
            resident.append(contentsOf: bytes)
            residentCount += 1
        } else {
            if spill == nil {
                spill = try SpillFile(fileName: fileName, directory: spillDirectory ?? SpillFile.directory)
                pending.reserveCapacity(SharedStringTable.writeBuffer)
            }
            if pending.count + bytes.count > SharedStringTable.writeBuffer { try flush() }
            if bytes.count >= SharedStringTable.writeBuffer {
                try spill!.write(bytes, at: spilledBytes)
                spilledBytes += bytes.count
            } else {
                pending.append(contentsOf: bytes)
            }
        }
        ends.append(UInt32(total))
    }

    /// Appends a string.
    func append(_ string: String) throws {
        var string = string
        try string.withUTF8 { try append($0) }
    }

    /// Writes what is still buffered; call once the table is complete.
    func finish() throws {
        try flush()
        statistics.strings = count
        statistics.spilled = count - residentCount
        pending = []
    }

    private func flush() throws {
        guard !pending.isEmpty, let spill else { return }
        try pending.withUnsafeBufferPointer { try spill.write($0, at: spilledBytes) }
        spilledBytes += pending.count
        pending.removeAll(keepingCapacity: true)
    }

    private static let writeBuffer = 256 << 10

    /// The UTF-8 length of string `index`.
    @inline(__always)
    func byteCount(at index: Int) -> Int {
        Int(ends[index]) - (index == 0 ? 0 : Int(ends[index - 1]))
    }

    /// String `index` (`0..<count`). Throws only when the temporary file cannot be read back.
    func string(at index: Int) throws -> String {
        statistics.lookups += 1
        let start = index == 0 ? 0 : Int(ends[index - 1])
        let end = Int(ends[index])
        if index < residentCount {
            statistics.resident += 1
            return resident.withUnsafeBufferPointer {
                String(decoding: UnsafeBufferPointer(rebasing: $0[start..<end]), as: UTF8.self)
            }
        }
        let offset = start - resident.count, length = end - start
        if length == 0 { statistics.windowHits += 1; return "" }
        tick &+= 1
        for w in windows.indices where windows[w].start <= offset && offset + length <= windows[w].start + windows[w].bytes.count {
            windows[w].used = tick
            statistics.windowHits += 1
            let from = offset - windows[w].start
            return windows[w].bytes.withUnsafeBufferPointer {
                String(decoding: UnsafeBufferPointer(rebasing: $0[from..<from + length]), as: UTF8.self)
            }
        }
        guard let spill else { return "" }
        if length > windowSize {
            // Longer than a window: read it on its own.
            var bytes = [UInt8](repeating: 0, count: length)
            try spill.read(into: &bytes, count: length, at: offset)
            statistics.reads += 1
            statistics.bytesRead += length
            return String(decoding: bytes, as: UTF8.self)
        }
        // Fill the least recently used window, starting a little before the string (a string just behind
        // the current one is often asked for again) and reaching as far ahead as the window allows.
        let back = min(offset, min(4096, (windowSize - length) / 4)) & ~63
        let windowStart = offset - back
        let available = spilledBytes - windowStart
        let fill = min(windowSize, available)
        var slot = 0
        if windows.count < SharedStringTable.windowCount {
            windows.append(Window(start: 0, bytes: [UInt8](repeating: 0, count: windowSize), used: 0))
            slot = windows.count - 1
        } else {
            for w in windows.indices where windows[w].used < windows[slot].used { slot = w }
        }
        windows[slot].bytes.removeAll(keepingCapacity: true)
        windows[slot].bytes.append(contentsOf: repeatElement(0, count: fill))
        try spill.read(into: &windows[slot].bytes, count: fill, at: windowStart)
        windows[slot].start = windowStart
        windows[slot].used = tick
        statistics.reads += 1
        statistics.bytesRead += fill
        let from = back
        return windows[slot].bytes.withUnsafeBufferPointer {
            String(decoding: UnsafeBufferPointer(rebasing: $0[from..<from + length]), as: UTF8.self)
        }
    }
}

/// An unlinked temporary file: nothing is left behind, whatever happens to the process.
final class SpillFile {
    private let descriptor: Int32
    private let fileName: String
    private let directory: String

    /// The folder temporary files go to: `TMPDIR` when set, else `/tmp`.
    static var directory: String {
        var base = FileManager.default.temporaryDirectory.path
        while base.count > 1 && base.hasSuffix("/") { base.removeLast() }
        return base
    }

    /// Creates the file (mode 0600) and removes its name at once.
    init(fileName: String, directory: String = SpillFile.directory) throws {
        self.fileName = fileName
        self.directory = directory
        var template = Array((directory + "/taizhang-sst-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            throw SpillFile.error(errno, fileName: fileName, directory: directory, creating: true)
        }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        descriptor = fd
    }

    deinit { close(descriptor) }

    func write(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) throws {
        var done = 0
        while done < bytes.count {
            let n = pwrite(descriptor, bytes.baseAddress! + done, bytes.count - done, off_t(offset + done))
            if n < 0 {
                if errno == EINTR { continue }
                throw SpillFile.error(errno, fileName: fileName, directory: directory, creating: false)
            }
            if n == 0 { throw SpillFile.error(ENOSPC, fileName: fileName, directory: directory, creating: false) }
            done += n
        }
    }

    /// Reads exactly `count` bytes at `offset` into the start of `buffer` (which holds at least `count`).
    func read(into buffer: inout [UInt8], count: Int, at offset: Int) throws {
        var done = 0
        try buffer.withUnsafeMutableBufferPointer { pointer in
            while done < count {
                let n = pread(descriptor, pointer.baseAddress! + done, count - done, off_t(offset + done))
                if n < 0 {
                    if errno == EINTR { continue }
                    throw SpillFile.readError(errno, fileName: fileName, directory: directory)
                }
                if n == 0 { throw SpillFile.readError(EIO, fileName: fileName, directory: directory) }
                done += n
            }
        }
    }

    /// Why a system call failed, in Chinese.
    static func reason(_ code: Int32) -> String {
        switch code {
        case ENOSPC: return "磁盘空间已满"
        case EDQUOT: return "超出了磁盘配额"
        case EROFS: return "目录所在的文件系统是只读的"
        case EACCES, EPERM: return "没有在该目录中写文件的权限"
        case ENOENT, ENOTDIR: return "目录不存在"
        case EMFILE, ENFILE: return "打开的文件太多"
        case EIO: return "磁盘读写出错"
        case EFBIG: return "文件超过了系统允许的大小"
        default: return "系统错误（errno \(code)）"
        }
    }

    static func error(_ code: Int32, fileName: String, directory: String, creating: Bool) -> ImportError {
        let what = creating ? "无法在临时目录“\(directory)”中创建临时文件" : "写入临时目录“\(directory)”中的临时文件失败"
        return ImportError(.unreadable, file: fileName,
                           detail: "工作簿的共享字符串较多，需要暂存到临时文件，但\(what)：\(reason(code))。请清理磁盘空间，或用环境变量 TMPDIR 指定一个可写的目录后重试")
    }

    static func readError(_ code: Int32, fileName: String, directory: String) -> ImportError {
        ImportError(.unreadable, file: fileName,
                    detail: "读取临时目录“\(directory)”中暂存的共享字符串失败：\(reason(code))，请重试")
    }
}

/// How a shared-string table served its lookups (the reader benchmark prints it).
package struct SharedStringStatistics: Equatable, Sendable {
    /// Strings in the table, and how many of them were spilled to the temporary file.
    package var strings = 0
    package var spilled = 0
    /// Every lookup.
    package var lookups = 0
    /// Lookups of resident strings.
    package var resident = 0
    /// Lookups of spilled strings found in a window.
    package var windowHits = 0
    /// `pread` calls (window fills and strings longer than a window).
    package var reads = 0
    /// Bytes read back from the temporary file.
    package var bytesRead = 0

    /// The share of spilled lookups served without a system call (1 when nothing spilled).
    package var windowHitRate: Double {
        let spilledLookups = lookups - resident
        return spilledLookups == 0 ? 1 : Double(windowHits) / Double(spilledLookups)
    }

    /// The share of all lookups served without a system call.
    package var hitRate: Double {
        lookups == 0 ? 1 : 1 - Double(reads) / Double(lookups)
    }
}
