import ArgumentParser
import Foundation
import TaizhangCore
import TaizhangWorkflow

/// `taizhang units list|add`: the reporting units, and the department's divisions the province adds.
struct UnitsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "units",
        abstract: "填报单位名单：查看，或加入厅机关执法处室",
        discussion: """
            加入的单位写入工作区旁的 taizhang-forms/units.json，使用该工作区的命令都会读取它；\
            省级报送包也会带上这份名单。
            """,
        subcommands: [List.self, Add.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "列出填报单位")
        @OptionGroup var formOptions: FormOptions
        @OptionGroup var workspaceOptions: WorkspaceOptions

        func run() throws {
            let set = try formOptions.workflow(workspace: workspaceOptions.path).formSet
            var rows = [["标识", "名称", "简称", "编号前缀", "类别"]]
            for unit in set.units {
                rows.append([unit.id, unit.name, unit.shortName, unit.code,
                             set.unitKinds.first { $0.id == unit.kind }?.label ?? unit.kind])
            }
            say(TextTable(rows: rows, indent: 0).render(), terminator: "")
            if !set.units.contains(where: { $0.kind == "division" }) {
                say("厅机关执法处室尚未配置：用 taizhang units add --kind division --name 处室名称 加入")
            }
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add", abstract: "加入一个填报单位（如厅机关执法处室）",
            discussion: "例：taizhang units add --kind division --name 节能监察处 --code JN --workspace taizhang.sqlite")
        @OptionGroup var formOptions: FormOptions
        @OptionGroup var workspaceOptions: WorkspaceOptions
        @Option(help: ArgumentHelp("单位类别：division（厅机关执法处室）、city、zone", valueName: "KIND")) var kind = "division"
        @Option(help: ArgumentHelp("单位全称", valueName: "NAME")) var name: String
        @Option(name: .customLong("short-name"), help: ArgumentHelp("简称，默认同全称", valueName: "NAME")) var shortName: String?
        @Option(help: ArgumentHelp("问题编号前缀（大写字母），默认自动编排", valueName: "CODE")) var code: String?
        @Option(help: ArgumentHelp("标识（小写字母、数字和连字符），默认自动编排", valueName: "ID")) var id: String?
        @Option(help: ArgumentHelp("其他写法，可多次指定", valueName: "ALIAS")) var alias: [String] = []

        func run() throws {
            let workflow = try formOptions.workflow(workspace: workspaceOptions.path)
            let unit = try workflow.addUnit(kind: kind, name: name, shortName: shortName, code: code, id: id,
                                            aliases: alias, workspace: workspaceOptions.path)
            say("已加入\(unit.name)（标识 \(unit.id)，编号前缀 \(unit.code)），名单在 \(WorkspaceForms.directory(workspace: workspaceOptions.path))")
        }
    }
}
