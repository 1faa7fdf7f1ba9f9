import Foundation
import TaizhangCore
import TaizhangStore
import TaizhangZip

/// What `workspace check` found.
public struct WorkspaceHealth: Sendable {
    /// The workspace file.
    public var path: String
    /// What `PRAGMA integrity_check` found; empty when sound.
    public var problems: [String]
    /// Submissions by state.
    public var submissions: [SubmissionState: Int]
    /// Rows held.
    public var rows: Int
    /// Earlier verdicts kept.
    public var history: Int
    /// Verdicts waiting to be checked again (their referenced ledgers changed; the next ingest does it).
    public var staleVerdicts: Int

    /// Whether the workspace is sound.
    public var isSound: Bool { problems.isEmpty }

    /// The report a person reads.
    public var text: String {
        var lines = ["工作区 \(path)"]
        if isSound {
            lines.append("完整性检查：通过")
        } else {
            lines.append("完整性检查：发现 \(problems.count) 处损坏")
            lines += problems.prefix(20).map { "  " + $0 }
            lines.append("请用备份恢复：taizhang workspace restore 备份文件 --workspace \(path)")
        }
        let states: [SubmissionState] = [.accepted, .rejected, .refused]
        lines.append("报送：" + states.map { "\($0.label) \(submissions[$0] ?? 0)" }.joined(separator: "，")
                     + "；台账行 \(rows)；历次核对结论 \(history)")
        if staleVerdicts > 0 {
            lines.append("有 \(staleVerdicts) 份报送所引用的台账已更新，下次接收（taizhang ingest）时会重新核对")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension Workflow {
    /// How long a writer waits for another process before giving up, in seconds.
    public static var workspaceWaitLimit: TimeInterval { Workspace.waitLimit }

    /// Checks the workspace at `path` (`PRAGMA integrity_check`) without writing to it.
    public func checkWorkspace(at path: String) throws -> WorkspaceHealth {
        let problems: [String]
        do {
            problems = try Workspace.integrityProblems(at: path)
        } catch let error as WorkspaceError {
            throw WorkflowError(error)
        }
        guard problems.isEmpty else {
            return WorkspaceHealth(path: path, problems: problems, submissions: [:], rows: 0, history: 0, staleVerdicts: 0)
        }
        let workspace = try openWorkspace(at: path, for: .read)
        let counts = try workspace.counts()
        let stale = try workspace.staleVerdicts(formSet: formSet).count
        return WorkspaceHealth(path: path, problems: problems, submissions: counts.submissions, rows: counts.rows,
                               history: counts.history, staleVerdicts: stale)
    }

    /// Copies the workspace at `path` into a new file `destination` with SQLite's online backup (others may
    /// go on working meanwhile). Refuses a destination that exists.
    public func backupWorkspace(at path: String, to destination: String) throws {
        if FileManager.default.fileExists(atPath: destination) {
            throw WorkflowError(.destinationExists, subject: destination)
        }
        let workspace = try openWorkspace(at: path, for: .read)
        do {
            try workspace.backup(to: destination)
        } catch {
            throw WorkflowError(.cannotWrite, subject: destination, detail: UserMessage.text(for: error, workspace: path))
        }
    }

    /// Replaces the workspace at `path` with the backup at `backup` (checked first). The replaced file is kept
    /// beside it; returns its path.
    public func restoreWorkspace(at path: String, from backup: String) throws -> String? {
        if OutputGuard.resolved(path) == OutputGuard.resolved(backup) {
            throw WorkflowError(.outputIsInput, subject: path)
        }
        do {
            return try Workspace.restore(at: path, from: backup, now: clock.now)
        } catch let error as WorkspaceError {
            throw WorkflowError(error)
        }
    }
}

/// What a front end does for the process as a whole: remove the scratch folders that killed runs left, and
/// remove this run's own when it is interrupted (Ctrl-C, `kill`).
public enum Housekeeping {
    /// Sweeps abandoned scratch folders and installs the interruption handlers. Call once, first.
    public static func start() {
        ScratchDirectory.sweepAbandoned()
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                ScratchDirectory.removeAllLive()
                _exit(128 + sig)
            }
            source.resume()
            Sources.shared.keep(source)
        }
    }

    private final class Sources: @unchecked Sendable {
        static let shared = Sources()
        private var sources: [any DispatchSourceSignal] = []
        private let lock = NSLock()
        func keep(_ source: any DispatchSourceSignal) { lock.lock(); sources.append(source); lock.unlock() }
    }
}
