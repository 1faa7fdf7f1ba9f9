import ArgumentParser
import Foundation
import TaizhangCore
import TaizhangWorkflow

/// `taizhang status`: who has submitted what, overdue rectifications, counts and results.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "查看报送情况、逾期未整改问题、分类统计和整治成果",
        discussion: """
            例：taizhang status --period 2024-06 --as-of 2024-06-28
                taizhang status --period 2024-06 --to json | jq '.obligations[] | select(.standing == "missing")'
            """)

    @OptionGroup var formOptions: FormOptions
    @OptionGroup var workspaceOptions: WorkspaceOptions
    @Option(help: ArgumentHelp("报送期，默认为截至日所在的最近一个报送期", valueName: "YYYY-MM"))
    var period: YearMonth?
    @Option(name: .customLong("as-of"), help: ArgumentHelp("截至日期，默认为今天", valueName: "YYYY-MM-DD"))
    var asOf: CivilDate?
    @Flag(help: "以 JSON 输出") var json = false
    @Option(help: ArgumentHelp("输出格式：xlsx、csv、json、memo 或 docx（Word 公文）；不指定 -o 时 json 和 memo 输出到标准输出", valueName: "FORMAT"))
    var to: String?
    @Option(name: .shortAndLong, help: ArgumentHelp("输出文件（csv 时为目录）", valueName: "OUT")) var output: String?

    func run() throws {
        let workflow = try formOptions.workflow(workspace: workspaceOptions.path)
        let workspace = try workspaceOptions.open(with: workflow)
        if let to {
            // The export computes the status itself: not twice.
            let scope = workflow.statusScope(period: period, asOf: asOf)
            guard let month = scope.period else { throw ValidationError("请用 --period 指定报送期") }
            guard let output else {
                // Text formats go to standard output (to pipe into jq or a script); a workbook needs a file.
                if let text = try workflow.statusText(workspace: workspace, period: month, asOf: scope.asOf, format: to) {
                    FileHandle.standardOutput.write(Data(text.utf8))
                    return
                }
                throw ValidationError("\(to) 格式须用 -o 指定输出文件")
            }
            for path in try workflow.exportStatus(workspace: workspace, period: month, asOf: scope.asOf, format: to, to: output) {
                say("已生成 \(path)")
            }
            return
        }
        let status = try workflow.status(workspace: workspace, period: period, asOf: asOf)
        if json {
            try printJSON(StatusJSON(status))
        } else {
            say(StatusText(formSet: workflow.formSet).render(status), terminator: "")
        }
    }
}

/// `taizhang report progress|summary`: the province's consolidated workbooks and memos.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "生成全省汇总报表和报告",
        subcommands: [Progress.self, Summary.self])

    struct Progress: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "progress", abstract: "每月工作进展：汇总工作簿（总览、各单位台账、逾期未整改问题）和全省进展情况报告",
            discussion: """
                例：taizhang report progress --period 2024-06 -o 报告
                    taizhang report progress --period 2024-06 --unit 沈阳 -o 报告   （沈阳自己的进展情况报告）
                """)
        @OptionGroup var formOptions: FormOptions
        @OptionGroup var workspaceOptions: WorkspaceOptions
        @Option(help: ArgumentHelp("报送期", valueName: "YYYY-MM")) var period: YearMonth
        @Option(name: .customLong("as-of"), help: ArgumentHelp("截至日期，默认为报送期的截止日", valueName: "YYYY-MM-DD"))
        var asOf: CivilDate?
        @Option(name: .shortAndLong, help: ArgumentHelp("输出目录", valueName: "DIR")) var output: String
        @Option(help: ArgumentHelp("输出格式，逗号分隔：xlsx、csv、json、memo、docx（Word 公文）", valueName: "FORMATS")) var to = "xlsx,memo"
        @Option(help: ArgumentHelp("报告的主送机关，可多次指定；默认为 campaign.json 的 reportsTo", valueName: "ORGAN"))
        var recipient: [String] = []
        @Option(help: ArgumentHelp("只生成这个单位自己的工作进展情况报告（由它的工作进展台账和台账生成，供它向上报送）", valueName: "UNIT"))
        var unit: String?

        func run() throws {
            let workflow = try formOptions.workflow(workspace: workspaceOptions.path)
            if let unit {
                let written = try workflow.unitProgressReport(
                    workspace: try workspaceOptions.open(with: workflow), unit: unit, period: period, date: asOf,
                    formats: to.split(separator: ",").map(String.init),
                    directory: output)
                for path in written { say("已生成 \(path)") }
                return
            }
            let written = try workflow.progressReport(
                workspace: try workspaceOptions.open(with: workflow), period: period, asOf: asOf,
                formats: to.split(separator: ",").map(String.init), recipients: recipient, directory: output)
            for path in written { say("已生成 \(path)") }
        }
    }

    struct Summary: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "summary", abstract: "整治工作总结：各单位总结汇总工作簿和各单位的总结文本",
            discussion: "例：taizhang report summary -o 总结")
        @OptionGroup var formOptions: FormOptions
        @OptionGroup var workspaceOptions: WorkspaceOptions
        @Option(name: .shortAndLong, help: ArgumentHelp("输出目录", valueName: "DIR")) var output: String
        @Option(help: ArgumentHelp("输出格式，逗号分隔：xlsx、csv、json、memo、docx（Word 公文）", valueName: "FORMATS")) var to = "xlsx,memo"

        func run() throws {
            let workflow = try formOptions.workflow(workspace: workspaceOptions.path)
            let written = try workflow.summaryReport(
                workspace: try workspaceOptions.open(with: workflow), formats: to.split(separator: ",").map(String.init), directory: output)
            for path in written { say("已生成 \(path)") }
        }
    }
}
