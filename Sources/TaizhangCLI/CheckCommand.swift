import ArgumentParser
import Foundation
import TaizhangCore
import TaizhangWorkflow

/// `--form`, `--unit`, `--period`: what a person says about a file that it may not say itself.
struct LedgerHintOptions: ParsableArguments {
    @Option(help: "表单 id 或名称（无法自动识别时指定）") var form: String?
    @Option(help: "填报单位（标识、名称或简称）") var unit: String?
    @Option(help: ArgumentHelp("报送期", valueName: "YYYY-MM")) var period: YearMonth?

    var text: LedgerHintText { LedgerHintText(form: form, unit: unit, period: period) }
}

/// `taizhang check FILE`: reads a returned ledger, validates it and says exactly what to fix.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "检查报送的台账文件，列出需要修改的问题",
        discussion: """
            例：taizhang check 沈阳_整改工作台账.xlsx --workspace taizhang.sqlite --annotate 沈阳_退回修改.xlsx
            退出码：0 没有问题；1 有需要修改或注意的问题；2 文件无法读取或被拒绝。
            """)

    @OptionGroup var formOptions: FormOptions
    @Argument(help: "要检查的文件（.xlsx、.xls、.et、.ods 或 .csv）") var file: String
    @OptionGroup var hints: LedgerHintOptions
    @Option(name: .customLong("reference"), help: ArgumentHelp(
        "本单位被引用的台账（如自查台账），用来核对问题编号；可多次指定", valueName: "FILE"))
    var references: [String] = []
    @Option(name: .customLong("workspace"), help: ArgumentHelp(
        "用这个工作区中本单位的台账核对：问题编号、日期，以及工作进展台账的数字（与整改工作台账和上月报送的是否一致）",
        valueName: "PATH"))
    var workspace: String?
    @Flag(help: "以 JSON 输出检查结果") var json = false
    @Flag(help: "列出全部问题（默认每类问题列出前 \(ValidationReport.shownPerCode) 处，再说明另有多少处）") var all = false
    @Option(help: ArgumentHelp("另存一份退回修改用的工作簿：问题单元格标红并附批注，另有“问题清单”工作表", valueName: "OUT.xlsx"))
    var annotate: String?

    func run() throws {
        let workflow = try formOptions.workflow(workspace: workspace ?? WorkspaceOptions.defaultPath)
        let opened = try openNamedWorkspace(workspace, with: workflow)
        let checked = try workflow.check(file: file, hints: hints.text, references: references, workspace: opened,
                                         annotate: annotate, perCode: all ? nil : ValidationReport.shownPerCode)
        if json {
            try printJSON(checked.report)
        } else {
            say(CheckText().render(checked, perCode: all ? Int.max : ValidationReport.shownPerCode), terminator: "")
        }
        if checked.report.errorCount + checked.report.warningCount > 0 { throw ExitCode(1) }
    }
}

/// `taizhang export FILE --to csv|xlsx|json -o OUT`: a returned file's normalised records in another format.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "把报送的台账规范化后另存为 csv、xlsx 或 json",
        discussion: """
            例：taizhang export 抚顺_自查台账.xlsx --to csv --encoding gb18030 -o 抚顺_自查台账.csv
            只导出通过检查的值；有错误的单元格留空，并在标准错误中提示。退出码：0 成功；1 有错误的单元格；2 失败。
            """)

    @OptionGroup var formOptions: FormOptions
    @Argument(help: "报送的文件") var file: String
    @Option(help: "输出格式：csv、xlsx 或 json") var to: String
    @Option(name: .shortAndLong, help: ArgumentHelp("输出文件", valueName: "OUT")) var output: String
    @Option(help: ArgumentHelp("文本格式（csv）的编码：utf8（默认，带 BOM）或 gb18030（旧版 Excel、WPS 直接打开）", valueName: "ENCODING"))
    var encoding: String?
    @OptionGroup var hints: LedgerHintOptions

    func run() throws {
        let export = try formOptions.workflow().export(file: file, format: to, to: output, hints: hints.text,
                                                      encoding: encoding)
        let checked = export.checked
        // A form of several tables written one file per table: say which files there are.
        if export.files.count > 1 {
            for path in export.files { print("已写入：\(path)") }
        }
        let errors = checked.report.errorCount
        if errors > 0 {
            printError("注意：“\(checked.report.file ?? file)”有 \(errors) 处错误，这些单元格未导出（用 taizhang check 查看）")
            throw ExitCode(1)
        }
    }
}

/// `taizhang inspect FILE [--json]`: prints every sheet's non-empty cells as the reader sees them.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "显示工作簿（.xlsx、.xls、.et、.ods）中各工作表的全部非空单元格（按读取程序所见的类型和值）",
        discussion: "例：taizhang inspect 营口整改台账.xlsx --json")

    @Argument(help: "要查看的工作簿文件") var file: String
    @Flag(help: "以 JSON 输出：{\"sheets\":[{\"name\":…,\"cells\":[{\"ref\":\"A1\",\"type\":…,\"value\":…}]}]}") var json = false

    func run() throws {
        let out = BufferedOutput()
        defer { out.flush() }
        do {
            try InspectText.inspect(file: file, json: json, to: out)
        } catch let error as ImportError {
            out.flush()
            printError("错误：\(error.description)")
            throw ExitCode(2)
        }
    }
}
