import ArgumentParser
import Foundation
import TaizhangCore
import TaizhangStore

/// `taizhang status`: who has submitted what, overdue rectifications, counts and results.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "查看报送情况、逾期未整改问题、分类统计和整治成果")

    @OptionGroup var formOptions: FormOptions
    @OptionGroup var workspaceOptions: WorkspaceOptions
    @Option(help: ArgumentHelp("报送期（YYYY-MM），默认为截至日所在的最近一个报送期", valueName: "PERIOD"))
    var period: String?
    @Option(name: .customLong("as-of"), help: ArgumentHelp("截至日期（YYYY-MM-DD），默认为今天", valueName: "DATE"))
    var asOf: String?
    @Flag(help: "以 JSON 输出") var json = false
    @Option(help: ArgumentHelp("另存为文件的格式：xlsx、csv、json 或 memo（与 -o 一起使用）", valueName: "FORMAT"))
    var to: String?
    @Option(name: .shortAndLong, help: ArgumentHelp("输出文件（csv 时为目录）", valueName: "OUT")) var output: String?

    func run() throws {
        let set = try formOptions.load()
        let workspace = try workspaceOptions.open()
        let day = try asOf.map { text in
            guard let d = CivilDate(iso: text) else { throw CommandFailure("日期“\(text)”无效，应写成 YYYY-MM-DD") }
            return d
        } ?? StatusCommand.today()
        let month = try period.map { text in
            guard let p = YearMonth(text) else { throw CommandFailure("报送期“\(text)”无效，应写成 YYYY-MM") }
            return p
        } ?? set.campaign.periods.last { $0 <= day.yearMonth } ?? set.campaign.periods.first
        let status = try CampaignStatus.compute(workspace: workspace, formSet: set, asOf: day, period: month)
        if let to {
            guard let output, let month else { throw CommandFailure("--to 须与 -o 一起使用，并有报送期") }
            let written = try ReportWriter(set: set, workspace: workspace, directory: output)
                .status(period: month, asOf: day, format: to, output: output)
            for path in written { print("已生成 \(path)") }
            return
        }
        if json {
            try printJSON(StatusJSON(status))
        } else {
            print(StatusPrinter(set: set).render(status), terminator: "")
        }
    }

    static func today() -> CivilDate {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = Workspace.timeZone
        let c = calendar.dateComponents([.year, .month, .day], from: Date())
        return CivilDate(year: c.year!, month: c.month!, day: c.day!)!
    }
}

struct StatusJSON: Encodable {
    var asOf: CivilDate
    var period: YearMonth?
    var obligations: [CampaignStatus.ObligationStatus]
    var overdue: [CampaignStatus.OverdueRectification]
    var tallies: [CampaignStatus.Tally]
    var results: [CampaignStatus.Figure]
    init(_ s: CampaignStatus) {
        asOf = s.asOf
        period = s.period
        obligations = s.obligations
        overdue = s.overdue
        tallies = s.tallies
        results = s.results
    }
}

/// The text `taizhang status` prints.
struct StatusPrinter {
    let set: FormSet

    func render(_ status: CampaignStatus) -> String {
        var out = "\(set.campaign.title)\n"
        out += "截至 \(status.asOf.chinese)" + (status.period.map { "，报送期 \($0.chinese)" } ?? "") + "\n\n"
        let forms = set.forms.filter { form in status.obligations.contains { $0.form == form.id } }
        var rows = [["单位"] + forms.map(\.shortTitle)]
        for unit in set.units {
            var row = [unit.shortName]
            for form in forms {
                guard let o = status.obligations.first(where: { $0.unit == unit.id && $0.form == form.id }) else {
                    row.append("—")
                    continue
                }
                var cell = o.standing.label
                if let r = o.received { cell += " \(r.month)月\(r.day)日" }
                if o.standing == .late { cell += "（晚\(o.daysLate)天）" }
                if o.standing == .missing { cell += "（\(o.daysLate)天）" }
                if o.versions > 1 { cell += " 更正\(o.versions - 1)次" }
                row.append(cell)
            }
            rows.append(row)
        }
        out += "一、报送情况\n" + TextTable(rows: rows, indent: 2).render()
        var counts: [CampaignStatus.SubmissionStanding: Int] = [:]
        for o in status.obligations { counts[o.standing, default: 0] += 1 }
        out += "  合计：" + CampaignStatus.SubmissionStanding.allCases.map { "\($0.label) \(counts[$0] ?? 0)" }
            .joined(separator: "，") + "\n\n"

        out += "二、逾期未整改问题（\(status.overdue.count) 个）\n"
        if status.overdue.isEmpty {
            out += "  无\n"
        } else {
            var table = [["单位", "问题编号", "整改时限", "逾期", "整改状态", "责任单位", "问题描述"]]
            for item in status.overdue {
                table.append([set.unit(id: item.unit)?.shortName ?? item.unit, item.problemID, item.deadline.iso,
                              "\(item.daysOverdue)天", item.status, item.responsible,
                              DisplayWidth.truncated(item.description, to: 40)])
            }
            out += TextTable(rows: table, indent: 2).render()
        }
        out += "\n三、分类统计\n"
        for tally in status.tallies {
            let total = tally.counts.reduce(0) { $0 + $1.count }
            out += "  \(tally.title)（共 \(total) 个）：" + tally.counts.map { "\($0.value) \($0.count)" }.joined(separator: "，") + "\n"
        }
        out += "\n四、整治成果（各单位最近一期工作进展台账的累计数）\n"
        for figure in status.results { out += "  \(figure.label)：\(figure.total)\n" }
        return out
    }
}
