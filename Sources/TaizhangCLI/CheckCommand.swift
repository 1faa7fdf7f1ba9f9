import ArgumentParser
import Foundation
import TaizhangCore

/// `taizhang check FILE`: reads a returned ledger, validates it and says exactly what to fix.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "检查报送的台账文件，列出需要修改的问题",
        discussion: "退出码：0 没有问题；1 有需要修改或注意的问题；2 文件无法读取或被拒绝。")

    @OptionGroup var formOptions: FormOptions
    @Argument(help: "要检查的文件（.xlsx 或 .csv）") var file: String
    @Option(help: "表单 id 或名称（无法自动识别时指定）") var form: String?
    @Option(help: "填报单位（名称或简称）") var unit: String?
    @Option(help: "报送期（YYYY-MM）") var period: String?
    @Option(name: .customLong("reference"), help: ArgumentHelp(
        "本单位被引用的台账（如自查台账），用来核对问题编号；可多次指定", valueName: "FILE"))
    var references: [String] = []
    @Flag(help: "以 JSON 输出检查结果") var json = false
    @Option(help: ArgumentHelp("另存一份退回修改用的工作簿：问题单元格标红并附批注，另有“问题清单”工作表", valueName: "OUT.xlsx"))
    var annotate: String?

    func run() throws {
        let set = try formOptions.load()
        let hints = try LedgerHints(set: set, form: form, unit: unit, period: period).hints
        let opener = FileOpener(registry: Registry.standard())
        let checker = LedgerChecker(formSet: set)

        var index: ReferenceIndex?
        for path in references {
            let (source, name) = try opener.open(path)
            let checked = try checker.check(source, fileName: name, hints: LedgerReader.Hints(unit: hints.unit))
            var i = index ?? ReferenceIndex()
            LedgerChecker.referenceKeys(of: checked.document, into: &i)
            index = i
        }
        let (source, name) = try opener.open(file)
        let checked = try checker.check(source, fileName: name, hints: hints, references: index)
        if let annotate {
            try Annotation.workbook(source: source, findings: checked.report.findings, fileName: name, to: annotate)
        }
        if json {
            try printJSON(checked.report)
        } else {
            print(ReportPrinter(set: set).render(checked), terminator: "")
        }
        let needsWork = checked.report.findings.contains { $0.severity >= .warning }
        if needsWork { throw ExitCode(1) }
    }
}

/// `--form`, `--unit`, `--period` resolved against the form set.
struct LedgerHints {
    var hints: LedgerReader.Hints

    init(set: FormSet, form: String?, unit: String?, period: String?) throws {
        hints = LedgerReader.Hints()
        if let form {
            guard let resolved = set.resolveForm(form) else {
                throw CommandFailure("没有表单“\(form)”。可用：\(set.forms.map { "\($0.id)（\($0.shortTitle)）" }.joined(separator: "、"))")
            }
            hints.form = resolved
        }
        if let unit {
            guard let resolved = set.unit(named: unit) else { throw CommandFailure("没有填报单位“\(unit)”") }
            hints.unit = resolved
        }
        if let period {
            guard let resolved = Normaliser(formSet: set).parsePeriod(.text(period)) else {
                throw CommandFailure("报送期“\(period)”无效，应写成 YYYY-MM，如 2024-06")
            }
            hints.period = resolved
        }
    }
}

/// The text `taizhang check` prints.
struct ReportPrinter {
    let set: FormSet

    func render(_ checked: CheckedLedger) -> String {
        let report = checked.report
        let form = checked.document.form
        var out = "文件：\(report.file ?? "")\n"
        let how: String
        switch checked.recognition {
        case .template: how = "按模板识别"
        case .hint: how = "按指定"
        case .labels: how = "按表头识别"
        }
        out += "表单：\(form.title)（\(form.id)，版本 \(form.version)，\(how)）\n"
        let unit = checked.document.unit?.name ?? "未知"
        let period = checked.document.period?.chinese ?? "未知"
        out += "单位：\(unit)　报送期：\(period)\n"
        let counts = form.tables.map { "\($0.title) \(report.rowCounts[$0.id] ?? 0) 行" }
        if !counts.isEmpty { out += "数据：\(counts.joined(separator: "，"))\n" }
        let shown = report.findings.filter { $0.severity >= .warning }
        let infos = report.findings.filter { $0.severity == .info }
        if shown.isEmpty {
            out += "检查通过，没有发现需要修改的问题。\n"
        } else {
            out += "发现 \(shown.count) 个问题（错误 \(report.errorCount) 个，警告 \(report.warningCount) 个）：\n"
            for finding in shown { out += "  \(finding)\n" }
        }
        for finding in infos { out += "  \(finding)\n" }
        out += report.isAccepted
            ? (shown.isEmpty ? "" : "结论：可以接收，建议按警告修改。\n")
            : "结论：需要修改后重新报送。\n"
        return out
    }
}
