import Foundation

/// Why a workspace was not opened, with a code for each case. The application layer words them in Chinese.
public struct WorkspaceError: Error, Sendable, Equatable {
    /// What went wrong.
    public enum Code: String, Sendable {
        /// The file does not exist, and this use does not create one.
        case missing = "workspace-missing"
        /// `PRAGMA quick_check` found damage: writing is refused until it is restored.
        case damaged = "workspace-damaged"
        /// The workspace was written by a newer build: it holds migrations this build does not know.
        case unknownVersion = "workspace-unknown-version"
        /// An older workspace that needs an upgrade, opened where it cannot be written.
        case outdatedReadOnly = "workspace-outdated-read-only"
        /// The file is not a Taizhang workspace (an SQLite file without its tables).
        case notWorkspace = "workspace-not-workspace"
    }

    /// The code.
    public var code: Code
    /// The workspace file.
    public var path: String
    /// What the check found (the first problems of `quick_check`, or the unknown migrations).
    public var detail: [String]

    public init(_ code: Code, path: String, detail: [String] = []) {
        self.code = code
        self.path = path
        self.detail = detail
    }
}
