import ArgumentParser
import Foundation
import TaizhangWorkflow

/// `taizhang workspace check|backup|restore`: the workspace's health, copies and recovery.
struct WorkspaceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workspace",
        abstract: "工作区的检查、备份和恢复",
        subcommands: [Check.self, Backup.self, Restore.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check", abstract: "检查工作区是否完好（不写入工作区）；退出码 0 完好，1 已损坏",
            discussion: "例：taizhang workspace check --workspace taizhang.sqlite")
        @OptionGroup var formOptions: FormOptions
        @OptionGroup var workspaceOptions: WorkspaceOptions

        func run() throws {
            TaizhangCommand.workspaceInUse = workspaceOptions.path
            let health = try formOptions.workflow(workspace: workspaceOptions.path).checkWorkspace(at: workspaceOptions.path)
            say(health.text, terminator: "")
            if !health.isSound { throw ExitCode(1) }
        }
    }

    struct Backup: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "backup", abstract: "把工作区备份到一个新文件（别人正在接收文件时也可以备份）",
            discussion: "例：taizhang workspace backup 备份/taizhang-2024-06-28.sqlite")
        @OptionGroup var formOptions: FormOptions
        @OptionGroup var workspaceOptions: WorkspaceOptions
        @Argument(help: ArgumentHelp("备份文件（不能是已有的文件）", valueName: "FILE")) var destination: String

        func run() throws {
            TaizhangCommand.workspaceInUse = workspaceOptions.path
            try formOptions.workflow(workspace: workspaceOptions.path).backupWorkspace(at: workspaceOptions.path, to: destination)
            say("已把工作区 \(workspaceOptions.path) 备份到 \(destination)")
        }
    }

    struct Restore: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "restore", abstract: "用备份文件替换工作区（原工作区改名保留，不删除）",
            discussion: "例：taizhang workspace restore 备份/taizhang-2024-06-28.sqlite")
        @OptionGroup var formOptions: FormOptions
        @OptionGroup var workspaceOptions: WorkspaceOptions
        @Argument(help: ArgumentHelp("备份文件", valueName: "FILE")) var backup: String

        func run() throws {
            TaizhangCommand.workspaceInUse = workspaceOptions.path
            let aside = try formOptions.workflow(workspace: workspaceOptions.path).restoreWorkspace(at: workspaceOptions.path, from: backup)
            say("已用 \(backup) 恢复工作区 \(workspaceOptions.path)")
            if let aside { say("原工作区保留为 \(aside)") }
        }
    }
}
