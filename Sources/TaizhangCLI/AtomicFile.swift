import Foundation
import TaizhangCore

/// A sink that writes a file atomically: bytes go to a temporary file beside the target, which is flushed
/// to disk and renamed over the target only on ``commit()``. A crash or an error leaves any earlier file whole.
final class AtomicFileSink: ByteSink {
    let target: URL
    private let temporary: URL
    private let handle: FileHandle
    private var committed = false

    init(path: String) throws {
        target = URL(fileURLWithPath: path)
        let dir = target.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        temporary = dir.appendingPathComponent(".\(target.lastPathComponent).\(UUID().uuidString).tmp")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil),
              let handle = FileHandle(forWritingAtPath: temporary.path) else {
            throw CommandFailure("无法写入“\(path)”：没有写权限或目录不存在")
        }
        self.handle = handle
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        try handle.write(contentsOf: Data(bytes))
    }

    /// Flushes and moves the file into place.
    func commit() throws {
        try handle.synchronize()
        try handle.close()
        if rename(temporary.path, target.path) != 0 {
            throw CommandFailure("无法写入“\(target.path)”：\(String(cString: strerror(errno)))")
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
    static func write(_ path: String, _ body: (AtomicFileSink) throws -> Void) throws {
        let sink = try AtomicFileSink(path: path)
        try body(sink)
        try sink.commit()
    }
}
