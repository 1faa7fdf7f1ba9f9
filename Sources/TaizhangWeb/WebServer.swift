import Dispatch
import Foundation
import Hummingbird
import Logging
import TaizhangCore
import TaizhangWorkflow

/// How `taizhang serve` was asked to run.
public struct WorkbenchOptions: Sendable {
    /// The workspace file (created when missing).
    public var workspace: String
    /// The address to listen on: loopback unless the workspace has users.
    public var host: String
    public var port: Int
    /// The day the board is "as of" when a page does not say (today when `nil`).
    public var asOf: CivilDate?
    /// The largest upload accepted, in bytes (the whole request).
    public var uploadLimit: Int
    /// The most files one upload may carry.
    public var uploadFileLimit: Int

    public init(workspace: String, host: String = "127.0.0.1", port: Int = 8080, asOf: CivilDate? = nil,
                uploadLimit: Int = 64 << 20, uploadFileLimit: Int = 200) {
        self.workspace = workspace
        self.host = host
        self.port = port
        self.asOf = asOf
        self.uploadLimit = uploadLimit
        self.uploadFileLimit = uploadFileLimit
    }
}

/// The web workbench: the workflow and the workspace it serves, shared by every request.
///
/// The server is the workspace's one writer among its own requests (one connection writes; reads go through a
/// second, read-only connection so that the board answers while an upload is recorded). A clerk running
/// `taizhang ingest` beside it is safe: the store takes its write lock per file.
public final class Workbench: Sendable {
    public let workflow: Workflow
    public let options: WorkbenchOptions
    /// The connection that writes (uploads, sign-ins).
    let writer: Workflow.OpenWorkspace
    /// The connection that reads (pages, downloads).
    let reader: Workflow.OpenWorkspace
    /// The anti-forgery token of the pages when the workspace has no users (one per server run).
    let localCSRF: String
    /// The board's pages, kept until the workspace changes.
    let boardCache = BoardCache()

    /// Opens the workspace at `options.workspace` for `workflow` (creating and upgrading it when needed).
    public init(workflow: Workflow, options: WorkbenchOptions) throws {
        self.workflow = workflow
        self.options = options
        writer = try workflow.openWorkspace(at: options.workspace, for: .write)
        reader = try workflow.openWorkspace(at: options.workspace, for: .read)
        localCSRF = Workbench.randomToken()
    }

    /// Whether `host` is a loopback address (what a server without users may listen on).
    public static func isLoopback(_ host: String) -> Bool {
        let h = host.lowercased()
        return h == "localhost" || h == "::1" || h == "[::1]" || h.hasPrefix("127.")
    }

    /// Refuses to listen beyond loopback while the workspace has no users.
    public func checkBinding() throws {
        if !Workbench.isLoopback(options.host), try !workflow.hasUsers(workspace: reader) {
            throw WorkflowError(.needsUsers, subject: options.host)
        }
    }

    /// The address people open.
    public var address: String {
        let host = options.host.contains(":") && !options.host.hasPrefix("[") ? "[\(options.host)]" : options.host
        return "http://\(host):\(options.port)/"
    }

    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }

    /// Runs `body` off the server's threads (the workflow's use cases block on files and SQLite).
    func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try body() })
            }
        }
    }

    /// The day pages are "as of" unless a request says otherwise.
    var today: CivilDate { options.asOf ?? workflow.clock.today }

    /// The Hummingbird application serving the workbench.
    public func application() -> some ApplicationProtocol {
        var logger = Logger(label: "taizhang.web")
        logger.logLevel = .warning
        return Application(
            router: WebRoutes(workbench: self).router(),
            configuration: .init(address: .hostname(options.host, port: options.port), serverName: "taizhang",
                                 reuseAddress: true),
            onServerRunning: { [address] _ in
                FileHandle.standardError.write(Data("台账网页工作台已启动：\(address)（按 Ctrl+C 停止）\n".utf8))
            },
            logger: logger)
    }

    /// Serves until interrupted (SIGINT, SIGTERM).
    public func run() async throws {
        try checkBinding()
        try await application().runService()
    }
}

/// The board's rendered pages (and the status JSON), dropped whenever the workspace's submissions change (what a page shows depends
/// only on them, the day and the user's role), so that a board refreshed by many people costs one computation.
final class BoardCache: @unchecked Sendable {
    /// The most pages kept at once.
    static let capacity = 256
    private let lock = NSLock()
    private let computing = NSLock()
    private var stamp = ""
    private var pages: [String: String] = [:]

    func page(stamp: String, key: String, make: () throws -> String) rethrows -> String {
        lock.lock()
        if stamp == self.stamp, let page = pages[key] {
            lock.unlock()
            return page
        }
        lock.unlock()
        // One computation at a time: requests arriving together for a page not yet made wait for the first
        // and take its result (the reads are serialised on one connection anyway).
        computing.lock()
        defer { computing.unlock() }
        lock.lock()
        if stamp == self.stamp, let page = pages[key] {
            lock.unlock()
            return page
        }
        lock.unlock()
        let page = try make()
        lock.lock()
        if stamp != self.stamp {
            self.stamp = stamp
            pages = [:]
        }
        if pages.count >= BoardCache.capacity { pages = [:] }  // many different days asked for: start again
        pages[key] = page
        lock.unlock()
        return page
    }
}
