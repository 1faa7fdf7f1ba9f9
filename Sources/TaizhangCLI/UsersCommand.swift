import ArgumentParser
import Foundation
import TaizhangCore
import TaizhangWorkflow

/// `taizhang users add|list`: the accounts of the web workbench, kept in the workspace.
struct UsersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users",
        abstract: "网页工作台的用户：加入、列出、删除，或换发 API 令牌（保存在工作区中）",
        discussion: """
            工作区中一旦有用户，taizhang serve 的每个页面和接口都需要登录（或 API 令牌）。
            """,
        subcommands: [Add.self, List.self, Remove.self, Token.self])

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "remove", abstract: "删除一个用户：其 API 令牌随即失效，已登录的浏览器随即退出",
            discussion: "例：taizhang users remove 沈阳填报员 --workspace taizhang.sqlite")
        @OptionGroup var formOptions: FormOptions
        @OptionGroup var workspaceOptions: WorkspaceOptions
        @Argument(help: "用户名") var name: String

        func run() throws {
            let workflow = try formOptions.workflow(workspace: workspaceOptions.path)
            try workflow.removeUser(name: name, workspace: try workspaceOptions.open(with: workflow, for: .update))
            say("已删除用户“\(TextSafety.printable(name))”，其 API 令牌和登录随即失效。")
        }
    }

    struct Token: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "token", abstract: "为用户换发 API 令牌：旧令牌随即失效，最后一行输出新令牌（只显示这一次）",
            discussion: "例：taizhang users token 省厅王科长 --workspace taizhang.sqlite")
        @OptionGroup var formOptions: FormOptions
        @OptionGroup var workspaceOptions: WorkspaceOptions
        @Argument(help: "用户名") var name: String

        func run() throws {
            let workflow = try formOptions.workflow(workspace: workspaceOptions.path)
            let token = try workflow.renewToken(name: name, workspace: try workspaceOptions.open(with: workflow, for: .update))
            printError("已为“\(TextSafety.printable(name))”换发 API 令牌，旧令牌已失效。新令牌只显示这一次，请妥善保存：")
            say(token)
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add", abstract: "加入一个用户，最后一行输出其 API 令牌（只显示这一次）",
            discussion: """
                例：taizhang users add 省厅王科长 --role province --workspace taizhang.sqlite
                    echo '密码至少八位' | taizhang users add 沈阳填报员 --role unit --unit 沈阳 --password-stdin --workspace taizhang.sqlite
                """)
        @OptionGroup var formOptions: FormOptions
        @OptionGroup var workspaceOptions: WorkspaceOptions
        @Argument(help: "用户名（登录时使用）") var name: String
        @Option(help: ArgumentHelp("角色：province（省厅）或 unit（填报单位）", valueName: "ROLE")) var role: String
        @Option(help: ArgumentHelp("单位用户所属的单位（标识、名称或简称）", valueName: "UNIT")) var unit: String?
        @Flag(name: .customLong("password-stdin"), help: "从标准输入的第一行读取密码（不提示）") var passwordStdin = false

        func run() throws {
            guard let role = WorkbenchRole(rawValue: role) else {
                throw ValidationError("角色只能是 province 或 unit")
            }
            let workflow = try formOptions.workflow(workspace: workspaceOptions.path)
            let password: String
            if passwordStdin {
                password = readLine(strippingNewline: true) ?? ""
            } else {
                let first = try promptPassword("请输入密码（至少 \(Workflow.minimumPasswordLength) 个字符）：")
                let second = try promptPassword("请再输入一次：")
                guard first == second else { throw ValidationError("两次输入的密码不一致") }
                password = first
            }
            let workspace = try workspaceOptions.open(with: workflow, for: .write)
            let (account, token) = try workflow.addUser(name: name, role: role, unit: unit, password: password,
                                                        workspace: workspace)
            let unitName = account.unit.flatMap { workflow.formSet.unit(id: $0)?.name }
            printError("已加入用户“\(account.name)”（\(account.role == .province ? "省厅" : "单位：\(unitName ?? "")")）。"
                       + "下面是它的 API 令牌，只显示这一次，请妥善保存：")
            say(token)
        }

        /// Reads a line from the terminal with echo off.
        private func promptPassword(_ prompt: String) throws -> String {
            FileHandle.standardError.write(Data(prompt.utf8))
            var saved = termios()
            let isTerminal = tcgetattr(0, &saved) == 0
            if isTerminal {
                var quiet = saved
                quiet.c_lflag &= ~tcflag_t(ECHO)
                tcsetattr(0, TCSANOW, &quiet)
            }
            defer {
                if isTerminal {
                    tcsetattr(0, TCSANOW, &saved)
                    FileHandle.standardError.write(Data("\n".utf8))
                }
            }
            guard let line = readLine(strippingNewline: true) else { throw ValidationError("没有读到密码") }
            return line
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "列出用户")
        @OptionGroup var formOptions: FormOptions
        @OptionGroup var workspaceOptions: WorkspaceOptions

        func run() throws {
            let workflow = try formOptions.workflow(workspace: workspaceOptions.path)
            let users = try workflow.users(workspace: try workspaceOptions.open(with: workflow))
            if users.isEmpty {
                say("工作区中还没有用户：taizhang serve 只在本机地址上运行，本机用户即省厅。")
                return
            }
            var rows = [["用户名", "角色", "单位"]]
            for user in users {
                rows.append([user.name, user.role == .province ? "省厅" : "填报单位",
                             user.unit.flatMap { workflow.formSet.unit(id: $0)?.name } ?? ""])
            }
            say(TextTable(rows: rows, indent: 0).render(), terminator: "")
        }
    }
}
