import TaizhangCore

/// The text `taizhang check` prints.
public struct CheckText: Sendable {
    public init() {}

    /// The check of one file: what it was read as, its findings (at most `perCode` of each code, then how many
    /// more), and the verdict.
    public func render(_ checked: CheckedLedger, perCode: Int = ValidationReport.shownPerCode) -> String {
        let whole = checked.report
        let report = whole.capped(perCode: perCode)
        let form = checked.document.form
        var out = "文件：\(TextSafety.printable(report.file ?? ""))\n"
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
        let problems = report.errorCount + report.warningCount
        if shown.isEmpty {
            out += "检查通过，没有发现需要修改的问题。\n"
        } else {
            out += "发现 \(problems) 个问题（错误 \(report.errorCount) 个，警告 \(report.warningCount) 个）：\n"
            for finding in shown { out += "  \(finding)\n" }
            for (code, count) in (report.omitted ?? [:]).sorted(by: { $0.key < $1.key }) {
                guard let first = whole.findings.first(where: { $0.code.rawValue == code }), first.severity >= .warning else { continue }
                let like = first.location.columnLabel.map { "，如“\($0)”" } ?? ""
                out += "  ……另有 \(count) 处同类问题（\(code)\(like)）未逐一列出，加 --all 可全部列出\n"
            }
        }
        for finding in infos { out += "  \(finding)\n" }
        out += report.isAccepted
            ? (shown.isEmpty ? "" : "结论：可以接收，建议按警告修改。\n")
            : "结论：需要修改后重新报送。\n"
        return out
    }
}
