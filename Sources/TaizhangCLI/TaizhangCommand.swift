import ArgumentParser
import Foundation
import TaizhangCore
import TaizhangWorkflow

/// The `taizhang` command: the root of the subcommands. Each subcommand parses its arguments, calls one use
/// case of ``Workflow`` and prints the result; nothing else happens here.
public struct TaizhangCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "taizhang",
        abstract: "台账：行政执法突出问题专项整治的台账工具",
        discussion: """
            退出码：0 成功；1 发现需要修改的问题；2 拒绝处理或执行失败（错误信息输出到标准错误）。
            """,
        version: TaizhangVersion.current,
        subcommands: [
            FormsCommand.self, TemplateCommand.self, TemplatesCommand.self, InspectCommand.self, CheckCommand.self,
            ExportCommand.self, IngestCommand.self, StatusCommand.self, ReportCommand.self, DemoCommand.self,
            PackageCommand.self, VerifyCommand.self, KeysCommand.self, WorkspaceCommand.self, UnitsCommand.self,
            ManualCommand.self, UsersCommand.self, ServeCommand.self,
        ])

    public init() {}

    /// The workspace named on the command line, for messages about the store's errors.
    nonisolated(unsafe) static var workspaceInUse: String?

    /// Runs the command line and exits: 0 success, 1 findings, 2 refused or failed (message on stderr).
    public static func runAndExit(_ arguments: [String]? = nil) -> Never {
        Housekeeping.start()
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
            Foundation.exit(0)
        } catch let code as ExitCode {
            Foundation.exit(code.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .success {  // --help, --version
                print(ParserMessages.help(fullMessage(for: error)))
                Foundation.exit(0)
            }
            if code == .validationFailure {  // the arguments, not the work: the parser's own message
                printError(ParserMessages.chinese(fullMessage(for: error)))
                Foundation.exit(2)
            }
            printError("taizhang：" + UserMessage.text(for: error, workspace: workspaceInUse))
        }
        Foundation.exit(2)
    }
}

/// Options shared by the commands that read the form set.
struct FormOptions: ParsableArguments {
    @Option(name: .customLong("forms"), help: ArgumentHelp(
        "从目录加载表单定义：其中的 JSON 文件替换同名的内置文件（如加入厅机关执法处室的 units.json）。",
        valueName: "DIR"))
    var formsDirectory: String?

    /// The application over the built-in form set, overlaid with `--forms DIR`, or else with the forms kept
    /// beside `workspace` (its units file with the department's divisions).
    func workflow(workspace: String = WorkspaceOptions.defaultPath) throws -> Workflow {
        try Workflow(formSet: try Workflow.loadForms(overlay: formsDirectory, workspace: workspace))
    }
}

/// Options of the commands that use the workspace.
struct WorkspaceOptions: ParsableArguments {
    @Option(name: .customLong("workspace"), help: ArgumentHelp(
        "工作区数据库文件，默认为环境变量 TAIZHANG_WORKSPACE，或当前目录的 taizhang.sqlite", valueName: "PATH"))
    var path = WorkspaceOptions.defaultPath

    /// The workspace when none is named: `$TAIZHANG_WORKSPACE`, else `taizhang.sqlite` in the current folder.
    static var defaultPath: String {
        ProcessInfo.processInfo.environment["TAIZHANG_WORKSPACE"].flatMap { $0.isEmpty ? nil : $0 } ?? "taizhang.sqlite"
    }

    /// Opens the workspace, for reading unless `access` says otherwise (and remembers its path for messages
    /// about it). While another process holds it, says once that it is waiting.
    func open(with workflow: Workflow, for access: Workflow.WorkspaceAccess = .read) throws -> Workflow.OpenWorkspace {
        TaizhangCommand.workspaceInUse = path
        let path = self.path
        return try workflow.openWorkspace(at: path, for: access) {
            printError("工作区“\(path)”正被另一个程序使用，正在等待（最多 \(Int(Workflow.workspaceWaitLimit)) 秒）……")
        }
    }
}

/// Opens the workspace a command names with an optional `--workspace` (check, template), for reading.
func openNamedWorkspace(_ path: String?, with workflow: Workflow) throws -> Workflow.OpenWorkspace? {
    guard let path else { return nil }
    TaizhangCommand.workspaceInUse = path
    return try workflow.openWorkspace(at: path, for: .read)
}

extension YearMonth: ExpressibleByArgument {
    /// A period as a person types it: `2024-06`.
    public init?(argument: String) { self.init(argument) }
    public static var defaultCompletionKind: CompletionKind { .default }
}

extension CivilDate: ExpressibleByArgument {
    /// A date as a person types it: `2024-06-28`.
    public init?(argument: String) { self.init(iso: argument) }
}

/// Writes to standard error (messages for people; standard output is for results). Control characters that
/// came from a file are shown, not obeyed.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((TextSafety.printableKeepingLines(text) + "\n").utf8))
}

/// Prints a line (or several) for a person on standard output, control characters shown, not obeyed.
func say(_ text: String, terminator: String = "\n") {
    print(TextSafety.printableKeepingLines(text), terminator: terminator)
}

/// Prints `value` as JSON on standard output (sorted keys, indented).
func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    let data = try encoder.encode(value)
    FileHandle.standardOutput.write(data)
    FileHandle.standardOutput.write(Data("\n".utf8))
}

/// A progress bar on standard error, drawn only on a terminal.
final class ProgressBar: @unchecked Sendable {
    private let label: String
    private let enabled: Bool
    private let lock = NSLock()

    init(label: String) {
        self.label = label
        self.enabled = isatty(2) == 1
    }

    /// The callback a use case reports progress to.
    var callback: (@Sendable (Int, Int) -> Void)? {
        guard enabled else { return nil }
        return { [self] done, total in self.draw(done, total) }
    }

    private func draw(_ done: Int, _ total: Int) {
        guard total > 1 else { return }
        lock.lock()
        defer { lock.unlock() }
        let width = 30
        let filled = done * width / total
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        FileHandle.standardError.write(Data("\r\(label) \(bar) \(done)/\(total)\(done == total ? "\n" : "")".utf8))
    }
}
