import ArgumentParser
import Foundation
import TaizhangCore
import TaizhangForms

/// The `taizhang` command: the root of the subcommands.
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
            PackageCommand.self, VerifyCommand.self, KeysCommand.self,
        ])

    public init() {}

    /// Runs the command line and exits: 0 success, 1 findings, 2 refused or failed (message on stderr).
    public static func runAndExit(_ arguments: [String]? = nil) -> Never {
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
            Foundation.exit(0)
        } catch let code as ExitCode {
            Foundation.exit(code.rawValue)
        } catch let error as CommandFailure {
            printError("taizhang：\(error.message)")
        } catch let error as ImportError {
            printError("taizhang：\(error.description)")
        } catch let error as FormSetError {
            printError("taizhang：\(error.description)")
        } catch let error as ExportError {
            printError("taizhang：\(error.message)")
        } catch {
            let code = exitCode(for: error)
            if code == .success {  // --help, --version
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            printError(fullMessage(for: error))
        }
        Foundation.exit(2)
    }
}

/// The tool's version, written into templates and manifests.
public enum TaizhangVersion {
    public static let current = "0.1.0"
}

/// Options shared by the commands that read the form set.
struct FormOptions: ParsableArguments {
    @Option(name: .customLong("forms"), help: ArgumentHelp(
        "从目录加载表单定义：其中的 JSON 文件替换同名的内置文件（如加入厅机关执法处室的 units.json）。",
        valueName: "DIR"))
    var formsDirectory: String?

    /// The built-in form set, or the built-in set overlaid with `--forms DIR`.
    func load() throws -> FormSet {
        do {
            if let formsDirectory {
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: formsDirectory, isDirectory: &isDirectory),
                      isDirectory.boolValue else {
                    throw CommandFailure("表单目录“\(formsDirectory)”不存在或不是目录")
                }
                return try BuiltinForms.load(overlay: URL(fileURLWithPath: formsDirectory))
            }
            return try BuiltinForms.load()
        } catch let error as FormSetError {
            throw CommandFailure(error.description)
        }
    }
}

/// A failure reported to the person in Chinese on stderr, with exit code 2.
struct CommandFailure: Error, CustomStringConvertible {
    var message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}
