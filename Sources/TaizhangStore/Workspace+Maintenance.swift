import Foundation
import GRDB

extension Workspace {
    /// The problems `PRAGMA integrity_check` finds (at most `limit`); empty when the workspace is sound.
    public func integrityProblems(limit: Int = 100) throws -> [String] {
        let rows = try queue.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check(\(max(1, limit)))") }
        return rows == ["ok"] ? [] : rows
    }

    /// What `PRAGMA integrity_check` finds in the workspace file at `path`, read through a read-only connection
    /// that runs no migration; a file too damaged to open at all is one problem. Throws when there is no file.
    public static func integrityProblems(at path: String, limit: Int = 100) throws -> [String] {
        do {
            return try Workspace(path: path, access: .read).integrityProblems(limit: limit)
        } catch let error as DatabaseError where [.SQLITE_CORRUPT, .SQLITE_NOTADB].contains(error.resultCode.primaryResultCode) {
            return ["文件已严重损坏，无法读取（SQLite 错误 \(error.resultCode.primaryResultCode.rawValue)）"]
        }
    }

    /// The number of submissions by state, and of rows, for a workspace's health report.
    public func counts() throws -> (submissions: [SubmissionState: Int], rows: Int, history: Int) {
        try queue.read { db in
            var states: [SubmissionState: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM submissions GROUP BY state") {
                if let state = SubmissionState(rawValue: row["state"]) { states[state] = row["n"] }
            }
            let rows = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM rows") ?? 0
            let history = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM verdict_history") ?? 0
            return (states, rows, history)
        }
    }

    /// Copies the workspace, as of its last commit, into a new file at `path` with SQLite's online backup
    /// (other processes may go on writing). The copy is written beside `path` and moved into place when whole;
    /// a file already at `path` is replaced only then.
    public func backup(to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp").path
        do {
            var configuration = Configuration()
            configuration.label = "taizhang-backup"
            let destination = try DatabaseQueue(path: temporary, configuration: configuration)
            try queue.backup(to: destination)
            // One self-contained file: no write-ahead log beside it.
            try destination.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = DELETE") }
            try destination.close()
            if rename(temporary, path) != 0 { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        } catch {
            for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: temporary + suffix) }
            throw error
        }
    }

    /// Replaces the workspace at `path` with a copy of the workspace at `backupPath`, after checking the backup
    /// is sound and of a version this build knows. The file being replaced (and its `-wal`, `-shm`) is not
    /// deleted but moved aside, to `<path>.replaced-<timestamp>`; returns that path (`nil` when there was none).
    @discardableResult
    public static func restore(at path: String, from backupPath: String, now: Date = Date()) throws -> String? {
        let source = try Workspace(path: backupPath, access: .read)
        let problems = try source.integrityProblems(limit: 20)
        guard problems.isEmpty else { throw WorkspaceError(.damaged, path: backupPath, detail: problems) }
        let folder = (path as NSString).deletingLastPathComponent
        let temporary = ((folder.isEmpty ? "." : folder) as NSString)
            .appendingPathComponent(".\((path as NSString).lastPathComponent).restore-\(UUID().uuidString).tmp")
        try source.backup(to: temporary)
        let fm = FileManager.default
        var keptAside: String?
        if fm.fileExists(atPath: path) {
            let stamp = Int(now.timeIntervalSince1970)
            let aside = path + ".replaced-\(stamp)"
            for suffix in ["", "-wal", "-shm"] where fm.fileExists(atPath: path + suffix) {
                if rename(path + suffix, aside + suffix) != 0 {
                    try? fm.removeItem(atPath: temporary)
                    throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
                }
            }
            keptAside = aside
        }
        if rename(temporary, path) != 0 {
            let error = POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
            try? fm.removeItem(atPath: temporary)
            throw error
        }
        return keptAside
    }
}
