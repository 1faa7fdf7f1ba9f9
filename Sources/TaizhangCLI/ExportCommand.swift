import ArgumentParser
import Foundation
import TaizhangCore

/// `taizhang export FILE --to csv|xlsx|json -o OUT`: a returned file's normalised records in another format.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "把报送的台账规范化后另存为 csv、xlsx 或 json",
        discussion: "只导出通过检查的值；有错误的单元格留空，并在标准错误中提示。退出码：0 成功；1 有错误的单元格；2 失败。")

    @OptionGroup var formOptions: FormOptions
    @Argument(help: "报送的文件") var file: String
    @Option(help: "输出格式：csv、xlsx 或 json") var to: String
    @Option(name: .shortAndLong, help: ArgumentHelp("输出文件", valueName: "OUT")) var output: String
    @Option(help: "表单 id 或名称") var form: String?
    @Option(help: "填报单位") var unit: String?
    @Option(help: "报送期（YYYY-MM）") var period: String?

    func run() throws {
        let set = try formOptions.load()
        let registry = Registry.standard()
        guard let exporter = registry.exporter(to) else {
            throw CommandFailure("不支持的输出格式“\(to)”（可用：\(registry.exporters.keys.sorted().joined(separator: "、"))）")
        }
        let hints = try LedgerHints(set: set, form: form, unit: unit, period: period).hints
        let (source, name) = try FileOpener(registry: registry).open(file)
        let checked = try LedgerChecker(formSet: set).check(source, fileName: name, hints: hints)
        try AtomicFileSink.write(output) { try exporter.export(checked.document, to: $0) }
        let errors = checked.report.errorCount
        if errors > 0 {
            printError("注意：“\(name)”有 \(errors) 处错误，这些单元格未导出（用 taizhang check 查看）")
            throw ExitCode(1)
        }
    }
}
