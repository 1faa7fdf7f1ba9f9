import Foundation
import TaizhangCore
import TaizhangZip

/// A sink that writes a file atomically: bytes go to a temporary file beside the target, which is flushed
/// to disk and renamed over the target only on ``commit()``. A crash or an error leaves any earlier file whole.
public final class AtomicFileSink: ByteSink {
    /// The file being written.
    public let target: URL
    private let temporary: URL
    private let handle: FileHandle
    private var committed = false

    /// Starts writing `path` (its folder is created when missing). Refuses a destination that is a workspace,
    /// its log, or one of `inputs` (see ``OutputGuard``).
    public init(path: String, protecting inputs: [String] = []) throws {
        try OutputGuard.check(path, inputs: inputs)
        target = URL(fileURLWithPath: path)
        let dir = target.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        } catch {
            throw WorkflowError(.cannotWrite, subject: path, detail: "无法创建目录“\(dir.path)”")
        }
        temporary = dir.appendingPathComponent(".\(target.lastPathComponent).\(UUID().uuidString).tmp")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil),
              let handle = FileHandle(forWritingAtPath: temporary.path) else {
            throw WorkflowError(.cannotWrite, subject: path, detail: "没有写权限或目录不存在")
        }
        ScratchDirectory.removeOnInterruption(temporary.path)
        self.handle = handle
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard !bytes.isEmpty else { return }
        try handle.write(contentsOf: Data(bytes))
    }

    /// Flushes and moves the file into place.
    public func commit() throws {
        try handle.synchronize()
        try handle.close()
        if rename(temporary.path, target.path) != 0 {
            throw WorkflowError(.cannotWrite, subject: target.path, detail: UserMessage.posix(errno, file: nil))
        }
        ScratchDirectory.forget(temporary.path)
        committed = true
    }

    /// Removes the temporary file now, leaving the target as it was (what dropping the sink does, at a known time).
    public func discard() {
        guard !committed else { return }
        committed = true
        try? handle.close()
        try? FileManager.default.removeItem(at: temporary)
        ScratchDirectory.forget(temporary.path)
    }

    deinit { discard() }

    /// Writes a whole file atomically with `body`.
    public static func write(_ path: String, protecting inputs: [String] = [],
                             _ body: (AtomicFileSink) throws -> Void) throws {
        let sink = try AtomicFileSink(path: path, protecting: inputs)
        try body(sink)
        try sink.commit()
    }
}

/// Opens a returned file with the importer that recognises it, refusing what none does.
public struct FileOpener: Sendable {
    /// The importers to ask.
    public let registry: PluginRegistry
    /// The caps on what a file may unpack to.
    public var limits = ImportLimits.standard

    public init(registry: PluginRegistry, limits: ImportLimits = .standard) {
        self.registry = registry
        self.limits = limits
    }

    /// Opens `path`; `displayName` is the name shown in messages (the file's own name by default).
    public func open(_ path: String, displayName: String? = nil) throws -> (source: any SheetSource, name: String) {
        let name = displayName ?? URL(fileURLWithPath: path).lastPathComponent
        if let problem = IncomingBytes.notRegularFile(path) {
            throw ImportError(.unreadable, file: name, detail: problem)
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ImportError(.unreadable, file: name, detail: "没有读取权限")
        }
        let prefix = [UInt8]((try? handle.read(upToCount: 512)) ?? Data())
        try? handle.close()
        if prefix.isEmpty { throw ImportError(.unreadable, file: name, detail: "文件是空的") }
        guard let importer = registry.importer(prefix: prefix, fileName: name) else {
            if prefix.starts(with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
                throw ImportError(.legacyFormat, file: name,
                                  detail: "这是旧版 Excel（.xls）、WPS（.et）或加密的工作簿，请取消密码并另存为 .xlsx 格式后重新报送")
            }
            let known = registry.importers.map { "." + $0.format.fileExtensions[0] }.joined(separator: " 和 ")
            throw ImportError(.notSpreadsheet, file: name, detail: "不是可以识别的表格文件（支持 \(known)）")
        }
        return (try importer.open(ImportSource(path: path, displayName: name), limits: limits), name)
    }
}

/// Reading a file handed in without ever blocking on it: only regular files are read (a FIFO, a device or a
/// socket would hang or never end).
public enum IncomingBytes {
    /// Why `path` is not a regular file that can be read, or `nil` when it is one.
    public static func notRegularFile(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else {
            return errno == ENOENT ? "文件不存在" : errno == EACCES ? "没有读取权限" : "无法读取文件"
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return nil
        case S_IFDIR: return "这是一个目录，不是文件"
        case S_IFIFO: return "这是一个管道，不是普通文件"
        case S_IFSOCK: return "这是一个套接字，不是普通文件"
        default: return "这是一个设备，不是普通文件"
        }
    }

    /// The size of `path` when it is a regular file (`nil` for anything else, or when it cannot be looked at).
    public static func size(_ path: String) -> Int? {
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        return Int(info.st_size)
    }

    /// The bytes of `path`, or why they cannot be read (`name` is the file's name in messages).
    public static func read(_ path: String, name: String? = nil) -> Result<Data, ImportError> {
        let name = name ?? URL(fileURLWithPath: path).lastPathComponent
        if let problem = notRegularFile(path) { return .failure(ImportError(.unreadable, file: name, detail: problem)) }
        guard let bytes = FileManager.default.contents(atPath: path) else {
            return .failure(ImportError(.unreadable, file: name, detail: "无法读取文件（没有读取权限？）"))
        }
        return .success(bytes)
    }
}

/// Where outputs may not go: a command that writes a file refuses a destination that is a workspace (any
/// SQLite database), a workspace's `-wal`, `-shm` or `-journal`, or one of the files the command reads. A typo
/// in `-o` must never replace the province's records.
public enum OutputGuard {
    /// Throws when `path` must not be written.
    public static func check(_ path: String, inputs: [String] = []) throws {
        var candidates = [path]
        for suffix in ["-wal", "-shm", "-journal"] where path.hasSuffix(suffix) {
            candidates.append(String(path.dropLast(suffix.count)))
        }
        if candidates.contains(where: isDatabase) { throw WorkflowError(.outputIsWorkspace, subject: path) }
        let target = resolved(path)
        for input in inputs where resolved(input) == target || sameFile(input, path) {
            throw WorkflowError(.outputIsInput, subject: path)
        }
    }

    /// Whether the file at `path` is an SQLite database (its first 16 bytes are SQLite's header).
    static func isDatabase(_ path: String) -> Bool {
        guard IncomingBytes.notRegularFile(path) == nil, let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let header = (try? handle.read(upToCount: 16)) ?? Data()
        return header == Data("SQLite format 3\u{0}".utf8)
    }

    static func resolved(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }

    static func sameFile(_ a: String, _ b: String) -> Bool {
        var x = stat(), y = stat()
        guard stat(a, &x) == 0, stat(b, &y) == 0 else { return false }
        return x.st_dev == y.st_dev && x.st_ino == y.st_ino
    }
}

/// A value behind a lock, for results gathered from parallel work.
final class Locked<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()
    init(_ value: Value) { self.value = value }
    func withLock<T>(_ body: (inout Value) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}

/// A file name safe on every file system clerks use (no `/\:*?"<>|`).
func safeFileName(_ text: String) -> String {
    String(text.map { "/\\:*?\"<>|".contains($0) ? "_" : $0 })
}
