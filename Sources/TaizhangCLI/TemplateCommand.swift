import ArgumentParser
import Foundation
import TaizhangCore
import TaizhangWorkflow

/// `taizhang template <表单> --unit <单位> --period <YYYY-MM> -o FILE.xlsx`: one template workbook.
struct TemplateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "template",
        abstract: "生成一个单位某一报送期的 Excel 填报模板",
        discussion: "例：taizhang template 整改工作台账 --unit 沈阳 --period 2024-07 --workspace taizhang.sqlite -o 沈阳_整改工作台账.xlsx")

    @OptionGroup var formOptions: FormOptions
    @Argument(help: "表单 id 或名称（如 rectification、整改工作台账）") var form: String
    @Option(help: "填报单位（全称、简称或代码，如 沈阳）") var unit: String
    @Option(help: ArgumentHelp("报送期", valueName: "YYYY-MM")) var period: YearMonth
    @Option(name: .shortAndLong, help: ArgumentHelp("输出文件", valueName: "FILE.xlsx")) var output: String
    @Option(name: .customLong("workspace"), help: ArgumentHelp(
        "带入工作区中各单位最近一期已接收的自查台账和整改工作台账（在其上更新、增补）；整改工作台账的问题编号可从自查台账中选择",
        valueName: "PATH"))
    var workspace: String?

    func run() throws {
        let workflow = try formOptions.workflow(workspace: workspace ?? WorkspaceOptions.defaultPath)
        let opened = try openNamedWorkspace(workspace, with: workflow)
        try workflow.writeTemplate(form: form, unit: unit, period: period, to: output, workspace: opened)
        say("已生成 \(output)")
    }
}

/// `taizhang templates --period <YYYY-MM> -o DIR`: every template owed for a period, one file per unit and form.
struct TemplatesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "templates",
        abstract: "按报送日程为每个填报单位生成该报送期应报的全部 Excel 模板",
        discussion: "例：taizhang templates --period 2024-07 --workspace taizhang.sqlite -o 7月模板")

    @OptionGroup var formOptions: FormOptions
    @Option(help: ArgumentHelp("报送期", valueName: "YYYY-MM")) var period: YearMonth
    @Option(name: .shortAndLong, help: ArgumentHelp("输出目录（不存在时创建）", valueName: "DIR")) var output: String
    @Option(name: .customLong("workspace"), help: ArgumentHelp(
        "带入工作区中各单位最近一期已接收的自查台账和整改工作台账（在其上更新、增补）；整改工作台账的问题编号可从自查台账中选择",
        valueName: "PATH"))
    var workspace: String?

    func run() throws {
        let workflow = try formOptions.workflow(workspace: workspace ?? WorkspaceOptions.defaultPath)
        let opened = try openNamedWorkspace(workspace, with: workflow)
        let written = try workflow.writeTemplates(period: period, to: output, workspace: opened)
        say("已在 \(output) 生成 \(written.count) 个模板")
    }
}
