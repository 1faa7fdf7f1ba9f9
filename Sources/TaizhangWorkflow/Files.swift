import Foundation
import TaizhangCore

/// A sink that writes a file atomically: bytes go to a temporary file beside the target, which is flushed
/// to disk and renamed over the target only on ``commit()``. A crash or an error leaves any earlier file whole.
public final class AtomicFileSink: ByteSink {
    /// The file being written.
    public let target: URL
    private let temporary: URL
    private let handle: FileHandle
    private var committed = false

    /// Starts writing `path` (its folder is created when missing).
    public init(path: String) throws {
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
            throw WorkflowError(.cannotWrite, subject: target.path, detail: String(cString: strerror(errno)))
        }
        committed = true
    }

    deinit {
        if !committed {
            try? handle.close()
            try? FileManager.default.removeItem(at: temporary)
        }
    }

    /// Writes a whole file atomically with `body`.
    public static func write(_ path: String, _ body: (AtomicFileSink) throws -> Void) throws {
        let sink = try AtomicFileSink(path: path)
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
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ImportError(.unreadable, file: name, detail: "文件不存在")
        }
        guard !isDirectory.boolValue else { throw ImportError(.unreadable, file: name, detail: "这是一个目录，不是文件") }
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
