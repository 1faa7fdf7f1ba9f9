import ArgumentParser
import Dispatch
import Foundation
import TaizhangCore
import TaizhangWeb
import TaizhangWorkflow

/// `taizhang serve`: the web workbench over a workspace.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "启动网页工作台：报送总览、接收报送、自检、模板和汇总报告都在浏览器里完成",
        discussion: """
            例：taizhang serve --workspace taizhang-demo/taizhang.sqlite
                taizhang serve --workspace 台账/taizhang.sqlite --host 0.0.0.0 --port 8080   （须先用 taizhang users add 建立账号）
            工作区中没有用户时，只在本机地址上提供服务，本机用户即省厅；有用户时，每个页面和接口都需要登录或 API 令牌。
            按 Ctrl+C 停止。
            """)

    @OptionGroup var formOptions: FormOptions
    @OptionGroup var workspaceOptions: WorkspaceOptions
    @Option(help: ArgumentHelp("监听的地址；非本机地址须先建立用户", valueName: "HOST")) var host = "127.0.0.1"
    @Option(help: ArgumentHelp("端口", valueName: "PORT")) var port = 8080
    @Option(name: .customLong("as-of"), help: ArgumentHelp("页面默认的截至日期（回看某一天的情况）；默认为今天，整治结束后为工作区最后一次收到报送的日期", valueName: "YYYY-MM-DD"))
    var asOf: CivilDate?
    @Option(name: .customLong("upload-limit"), help: ArgumentHelp("单次上传的上限（MB）", valueName: "MB")) var uploadLimit = 64

    func validate() throws {
        guard (1...65535).contains(port) else { throw ValidationError("端口应在 1 到 65535 之间") }
        guard (1...1024).contains(uploadLimit) else { throw ValidationError("--upload-limit 应在 1 到 1024（MB）之间") }
    }

    func run() throws {
        let workflow = try formOptions.workflow(workspace: workspaceOptions.path)
        TaizhangCommand.workspaceInUse = workspaceOptions.path
        let workbench = try Workbench(workflow: workflow, options: WorkbenchOptions(
            workspace: workspaceOptions.path, host: host, port: port, asOf: asOf, uploadLimit: uploadLimit << 20))
        try workbench.checkBinding()
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            do { try await workbench.run() } catch { outcome.set(error) }
            done.signal()
        }
        done.wait()
        if let error = outcome.error { throw error }
    }

    /// The server's error, handed from its task to the command.
    private final class Outcome: @unchecked Sendable {
        private let lock = NSLock()
        private var value: (any Error)?
        var error: (any Error)? { lock.lock(); defer { lock.unlock() }; return value }
        func set(_ error: any Error) { lock.lock(); value = error; lock.unlock() }
    }
}
