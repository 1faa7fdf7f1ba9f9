import Foundation

/// A private folder for the parts of an archive being built or unpacked: made `0700` under the system's
/// temporary folder, named `taizhang-scratch-<purpose>-<pid>-XXXXXX`, and removed when released, on
/// ``remove()``, or by ``removeAllLive()`` (which a front end calls when it is interrupted).
///
/// A process killed outright (`kill -9`) cannot clean up; ``sweepAbandoned()`` removes the folders of
/// processes that are no longer running, and front ends call it when they start.
public final class ScratchDirectory: @unchecked Sendable {
    /// The folder's path.
    public let path: String
    private var removed = false
    private let lock = NSLock()

    /// Makes a new private folder for `purpose` (a short word of ASCII letters: `xlsx`, `package`, …).
    public init(purpose: String) throws(ZipError) {
        precondition(!purpose.isEmpty && purpose.allSatisfy { $0.isASCII && $0.isLetter }, "purpose: ASCII letters")
        let base = ScratchDirectory.base
        var template = Array("\(base)/\(ScratchDirectory.prefix)\(purpose)-\(getpid())-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer -> Bool in
            mkdtemp(buffer.baseAddress!) != nil  // mkdtemp makes the folder with mode 0700
        }
        guard made else {
            let why = errno == ENOSPC ? "磁盘已满" : errno == EACCES || errno == EROFS ? "没有写权限" : "系统错误 \(errno)"
            throw ZipError(.cannotWrite, file: base, detail: "无法在临时目录中建立工作文件夹（\(why)）")
        }
        path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        Live.shared.insert(path)
    }

    deinit { remove() }

    /// A path inside the folder.
    public func file(_ name: String) -> String { path + "/" + name }

    /// Deletes the folder and everything in it (also done when the value is released).
    public func remove() {
        lock.lock()
        defer { lock.unlock() }
        guard !removed else { return }
        removed = true
        try? FileManager.default.removeItem(atPath: path)
        Live.shared.remove(path)
    }

    /// Has `path` (a temporary file made elsewhere, such as an atomic write's) removed by ``removeAllLive()``
    /// if the process is interrupted before ``forget(_:)``.
    public static func removeOnInterruption(_ path: String) { Live.shared.insert(path) }

    /// Stops tracking `path` (it was renamed into place or removed).
    public static func forget(_ path: String) { Live.shared.remove(path) }

    /// Removes every scratch folder this process still holds (for an interrupted process, before it exits).
    public static func removeAllLive() {
        for path in Live.shared.all() { try? FileManager.default.removeItem(atPath: path) }
    }

    /// Removes the scratch folders of this user's processes that are no longer running (left by a process that
    /// was killed outright). Returns how many were removed.
    @discardableResult
    public static func sweepAbandoned() -> Int {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: base) else { return 0 }
        var count = 0
        for name in names where name.hasPrefix(prefix) {
            // taizhang-scratch-<purpose>-<pid>-XXXXXX, exactly: nothing else in the folder is touched.
            let parts = name.dropFirst(prefix.count).split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 3, !parts[0].isEmpty, parts[0].allSatisfy({ $0.isASCII && $0.isLetter }),
                  !parts[1].isEmpty, parts[1].allSatisfy({ $0.isASCII && $0.isNumber }),
                  parts[2].count == 6, parts[2].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }),
                  let pid = pid_t(parts[1]), pid > 0, pid != getpid() else { continue }
            let path = base + "/" + name
            var info = stat()
            guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR, info.st_uid == getuid() else { continue }
            if kill(pid, 0) == -1 && errno == ESRCH {
                if (try? fm.removeItem(atPath: path)) != nil { count += 1 }
            }
        }
        return count
    }

    static let prefix = "taizhang-scratch-"

    static var base: String {
        var base = FileManager.default.temporaryDirectory.path
        while base.count > 1 && base.hasSuffix("/") { base.removeLast() }
        return base
    }

    /// The folders made and not yet removed, for cleanup on interruption.
    private final class Live: @unchecked Sendable {
        static let shared = Live()
        private var paths = Set<String>()
        private let lock = NSLock()
        func insert(_ path: String) { lock.lock(); paths.insert(path); lock.unlock() }
        func remove(_ path: String) { lock.lock(); paths.remove(path); lock.unlock() }
        func all() -> [String] { lock.lock(); defer { lock.unlock() }; return Array(paths) }
    }
}
