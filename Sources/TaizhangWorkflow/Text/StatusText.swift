import TaizhangCore

/// The JSON shape of `status --json`.
public struct StatusJSON: Encodable, Sendable {
    public var asOf: CivilDate
    public var period: YearMonth?
    public var obligations: [CampaignStatus.ObligationStatus]
    public var overdue: [CampaignStatus.OverdueRectification]
    public var tallies: [CampaignStatus.Tally]
    public var results: [CampaignStatus.Figure]
    public var unreconciled: [Unreconciled]

    /// A report whose figures do not reconcile.
    public struct Unreconciled: Encodable, Sendable {
        public var unit: String
        public var period: YearMonth
        public var findings: [Item]
        public struct Item: Encodable, Sendable {
            public var code: String
            public var field: String?
            public var message: String
        }
    }

    public init(_ s: CampaignStatus) {
        unreconciled = s.unreconciled.map { report in
            Unreconciled(unit: report.unit.id, period: report.period, findings: report.findings.map {
                Unreconciled.Item(code: $0.code.rawValue, field: $0.location.field, message: $0.message)
            })
        }
        asOf = s.asOf
        period = s.period
        obligations = s.obligations
        overdue = s.overdue
        tallies = s.tallies
        results = s.results
    }
}

/// The text `taizhang status` prints (and the demo shows).
public struct StatusText: Sendable {
    /// The forms and units.
    public let formSet: FormSet

    public init(formSet: FormSet) { self.formSet = formSet }

    /// The status as a report of four parts: submissions, overdue rectifications, counts, results.
    public func render(_ status: CampaignStatus) -> String {
        var out = "\(formSet.campaign.title)\n"
        out += "截至 \(status.asOf.chinese)" + (status.period.map { "，报送期 \($0.chinese)" } ?? "") + "\n\n"
        let forms = formSet.forms.filter { form in status.obligations.contains { $0.form == form.id } }
        var rows = [["单位"] + forms.map(\.shortTitle)]
        for unit in formSet.units {
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
            .joined(separator: "，") + "\n"
        if formSet.unitKinds.contains(where: { $0.id == "division" }) && !formSet.units.contains(where: { $0.kind == "division" }) {
            out += "  注：厅机关执法处室尚未配置（用 taizhang units add 加入），以上应报送数不含处室。\n"
        }
        out += "\n"

        out += "二、逾期未整改问题（\(status.overdue.count) 个）\n"
        if status.overdue.isEmpty {
            out += "  无\n"
        } else {
            var table = [["单位", "问题编号", "整改时限", "逾期", "整改状态", "责任单位", "问题描述"]]
            for item in status.overdue {
                table.append([formSet.unit(id: item.unit)?.shortName ?? item.unit, item.problemID, item.deadline.iso,
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
        if !status.unreconciled.isEmpty {
            out += "\n五、数字与台账对不上的工作进展台账（\(status.unreconciled.count) 个单位，请核实后再汇总）\n"
            for report in status.unreconciled {
                out += "  \(report.unit.shortName)：\n"
                for finding in report.findings { out += "    \(TextSafety.printable(finding.message))\n" }
            }
        }
        return out
    }
}
