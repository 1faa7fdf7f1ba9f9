import Foundation
import TaizhangCore
import TaizhangMemo
import TaizhangStore

extension Workflow {
    /// The province's progress memo for `period` (template `province-progress-report`), every figure from
    /// ``ProvinceProgress``, the same figures the workbook holds. `recipients` default to the campaign's
    /// `reportsTo`. `nil` when the form set has no progress form.
    public func provinceMemo(workspace: Workspace, period: YearMonth, recipients: [String], date: CivilDate,
                             asOf: CivilDate? = nil) throws -> OfficialDocument? {
        guard let progress = try provinceProgress(workspace: workspace, period: period, asOf: asOf ?? date) else { return nil }
        return try memos.templates.template("province-progress-report")
            .render(provinceMemoContext(progress, recipients: recipients), date: date)
    }

    /// The memo's words and figures from ``ProvinceProgress``.
    func provinceMemoContext(_ p: ProvinceProgress, recipients: [String]) -> MemoContext {
        var c: MemoContext = [
            "issuer": .text(formSet.campaign.issuer), "campaign_title": .text(formSet.campaign.title),
            "period_text": .text(p.period.chinese), "as_of_text": .text(p.asOf.chinese),
        ]
        let to = recipients.isEmpty ? formSet.campaign.reportsTo : recipients
        c["recipients"] = .list(to.map { ["name": .text($0)] })
        func names(_ units: [ReportingUnit]) -> MemoValue { .text(units.map(\.name).joined(separator: "、")) }

        // 一、总体情况
        c["owed_count"] = .number(p.standings.count)
        for (key, standing) in [("on_time", CampaignStatus.SubmissionStanding.onTime), ("late", .late),
                                ("returned", .returned), ("missing", .missing)] {
            c["\(key)_count"] = .number(p.units(standing).count)
            c["\(key)_units"] = names(p.units(standing))
        }
        c["divisions_missing"] = .number(p.divisionsConfigured ? 0 : 1)

        // 二、问题查摆
        c["problem_total"] = .number(p.problemTotal)
        c["problems_new"] = .number(p.problemsNew)
        let keys = ["问题类型": "by_problem_type", "问题来源": "by_source", "执法类别": "by_category"]
        for tally in p.problemTallies {
            guard let key = keys[tally.title] else { continue }
            c[key] = .text(tally.rows.filter { $0.total > 0 }.map { "“\($0.value)”\($0.total)个" }.joined(separator: "，"))
        }

        // 三、整改落实
        let sums = p.rectificationTotal
        c["rect_total"] = .number(sums.total)
        c["rect_by_status"] = .text(p.statusValues.map { "\($0)\(sums.byStatus[$0] ?? 0)个" }.joined(separator: "，"))
        c["rect_rate"] = .text(sums.total == 0 ? "0" : String(ProvinceProgress.percent(sums.done, of: sums.total)))
        c["overdue_count"] = .number(sums.overdue)
        c["overdue_units"] = .text(p.rectification.filter { $0.overdue > 0 }
            .map { "\($0.unit.name)\($0.overdue)个" }.joined(separator: "、"))

        // 四、五: the six results and the people, summed over the units listed in the workbook.
        for pair in p.resultFields {
            c[pair.month.key] = .number(p.sum(pair.month.key, monthly: true))
            c[pair.total.key] = .number(p.sum(pair.total.key, monthly: false))
        }
        for field in p.peopleFields { c[field.key] = .number(p.sum(field.key, monthly: false)) }
        let carried = p.results.filter { $0.reportPeriod != nil && $0.reportPeriod != p.period }.map(\.unit)
        c["carried_count"] = .number(carried.count)
        c["carried_units"] = names(carried)
        c["unreconciled_count"] = .number(p.unreconciled.count)
        c["unreconciled_units"] = names(p.unreconciled.map(\.unit))
        c["workbook_title"] = .text("\(p.period.chinese)全省行政执法突出问题专项整治工作进展汇总表")
        return c
    }
}

extension Workflow {
    /// A unit's own progress memo for `period` (template `progress-report`), for the unit to send upward: its
    /// progress report's figures and narrative, with what its own ledgers in the workspace show (problems
    /// found, rectified, overdue). Written in the document formats among `formats` (ledger formats are for the
    /// province's workbook and are passed over) to `directory`; returns the paths.
    public func unitProgressReport(workspace: Workspace, unit name: String, period: YearMonth, date: CivilDate? = nil,
                                   formats: [String] = ["memo"], directory: String) throws -> [String] {
        let unit = try formSet.resolveUnit(name)
        guard let form = formSet.form(withHeaderRole: "result-total") else { return [] }
        guard let report = try workspace.currentDocuments(form: form, period: period, formSet: formSet)
            .first(where: { $0.unit?.id == unit.id }) else {
            throw WorkflowError(.nothingReceived, subject: unit.name,
                                detail: "工作区中没有\(unit.name)\(period.chinese)已接收的\(form.shortTitle)")
        }
        var context = try MemoContexts.progressReport(report)
        let day = date ?? reportDay(for: period)
        if let progress = try provinceProgress(workspace: workspace, period: period, asOf: day),
           let rect = progress.rectification.first(where: { $0.unit.id == unit.id }) {
            let selfCheck = progress.problemsByUnit[unit.id] ?? (0, 0)
            context["problem_total"] = .number(selfCheck.total)
            context["problems_new"] = .number(selfCheck.new)
            context["rect_total"] = .number(rect.total)
            context["rect_done"] = .number(rect.done)
            context["rect_rate"] = .text(rect.rate.map { String($0) } ?? "0")
            let overdue = progress.status.overdue.filter { $0.unit == unit.id }
            context["overdue_count"] = .number(overdue.count)
            context["overdue_ids"] = .text(overdue.map(\.problemID).joined(separator: "、"))
        }
        let memo = try memos.templates.template("progress-report").render(context, date: day)
        var written: [String] = []
        for case .document(let exporter) in try outputFormats(formats) {
            let file = (directory as NSString).appendingPathComponent(
                "\(period.iso)_\(safeFileName(unit.shortName))_工作进展情况报告.\(exporter.format.fileExtensions[0])")
            try write(memo, with: exporter, to: file)
            written.append(file)
        }
        return written
    }
}
