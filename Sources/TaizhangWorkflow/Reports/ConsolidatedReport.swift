import TaizhangCore
import TaizhangStore

/// The province's consolidated reports (both consolidations in one place), as ledger documents of forms derived from the official ones, so that
/// every ledger exporter (xlsx, csv, json) writes them: an overview table (one row per unit), every unit's
/// rows of each form with the unit as a column, and the overdue rectifications.
public enum ConsolidatedReport {
    /// The monthly progress workbook: every figure of the province's memo, in sheets, units in the official
    /// order with a 合计 row — 总览 (standings and headline figures), 整治成效 this month and cumulative (with
    /// 追责问责 and 容错免责, and whether each unit's figures reconcile), 问题查摆, 整改落实 —, then
    /// every unit's rows of each form and the overdue rectifications.
    public static func progress(_ p: ProvinceProgress, workspace: Workspace, formSet: FormSet) throws -> LedgerDocument {
        let status = p.status
        let owedForms = formSet.forms.filter { form in status.obligations.contains { $0.form == form.id } }
        var tables: [FormTable] = []
        var rows: [String: [Record]] = [:]
        let total: Value = .text("合计")
        func int(_ n: Int) -> Value { .integer(n) }

        // 总览: one row per unit owing anything this period.
        let rectByUnit = Dictionary(uniqueKeysWithValues: p.rectification.map { ($0.unit.id, $0) })
        let resultsByUnit = Dictionary(uniqueKeysWithValues: p.results.map { ($0.unit.id, $0) })
        let solved = p.resultFields.first
        var overview = [unitName]
        for form in owedForms {
            overview.append(Field(key: "standing_\(form.id)", label: "\(form.shortTitle)报送情况", type: .text, width: 18))
        }
        overview += [
            Field(key: "problems", label: "问题数（个）", type: .integer, width: 10),
            Field(key: "rectified", label: "已整改（个）", type: .integer, width: 10),
            Field(key: "rate", label: "整改率（%）", type: .decimal, width: 10),
            Field(key: "overdue", label: "逾期未整改（个）", type: .integer, width: 12),
        ]
        if let solved {
            overview.append(Field(key: solved.total.key, label: solved.total.label, type: .integer, width: 14))
        }
        tables.append(FormTable(id: "overview", title: "总览", columns: overview, templateRows: 0))
        let overviewUnits = formSet.units.filter { unit in status.obligations.contains { $0.unit == unit.id } }
        var overviewRows = overviewUnits.map { unit -> Record in
            var values: [String: Value] = ["unit_name": .text(unit.name)]
            for form in owedForms {
                guard let o = status.obligations.first(where: { $0.unit == unit.id && $0.form == form.id }) else { continue }
                var text = o.standing.label
                if let r = o.received { text += "（\(r.month)月\(r.day)日）" }
                values["standing_\(form.id)"] = .text(text)
            }
            let r = rectByUnit[unit.id]
            values["problems"] = int(r?.total ?? 0)
            values["rectified"] = int(r?.done ?? 0)
            if let rate = r?.rate { values["rate"] = .decimal(rate) }
            values["overdue"] = int(r?.overdue ?? 0)
            if let solved { values[solved.total.key] = int(resultsByUnit[unit.id]?.total[solved.total.key] ?? 0) }
            return Record(values: values)
        }
        let sums = p.rectificationTotal
        var overviewTotal: [String: Value] = ["unit_name": total, "problems": int(sums.total), "rectified": int(sums.done),
                                              "overdue": int(sums.overdue)]
        if sums.total > 0 { overviewTotal["rate"] = .decimal(ProvinceProgress.percent(sums.done, of: sums.total)) }
        for form in owedForms {
            let mine = status.obligations.filter { $0.form == form.id }
            let on = mine.filter { $0.standing == .onTime }.count, late = mine.filter { $0.standing == .late }.count
            overviewTotal["standing_\(form.id)"] = .text("应报\(mine.count)，按时\(on)，逾期\(late)")
        }
        if let solved { overviewTotal[solved.total.key] = int(p.sum(solved.total.key, monthly: false)) }
        overviewRows.append(Record(values: overviewTotal))
        rows["overview"] = overviewRows

        // 整治成效: the six results this month, then cumulative with the people and the reconciliation (two
        // sheets, so that each prints legibly on one page across).
        let source = Field(key: "source", label: "数据来源", type: .text, width: 16)
        let sourceText: (ProvinceProgress.UnitResults) -> Value = { unit in
            .text(unit.reportPeriod.map { $0 == p.period ? "本月报送" : "\($0.chinese)报送（本月未报）" } ?? "未报送")
        }
        tables.append(FormTable(id: "effect-month", title: "整治成效（本月）", columns: [unitName, source] + p.resultFields.map {
            Field(key: $0.month.key, label: $0.month.label, type: .integer, width: 12)
        }, templateRows: 0))
        var monthTotal: [String: Value] = ["unit_name": total]
        for pair in p.resultFields { monthTotal[pair.month.key] = int(p.sum(pair.month.key, monthly: true)) }
        rows["effect-month"] = p.results.map { unit in
            var values: [String: Value] = ["unit_name": .text(unit.unit.name), "source": sourceText(unit)]
            for (k, v) in unit.month { values[k] = int(v) }
            return Record(values: values)
        } + [Record(values: monthTotal)]

        var effect = [unitName, source]
        for pair in p.resultFields { effect.append(Field(key: pair.total.key, label: pair.total.label, type: .integer, width: 12)) }
        for field in p.peopleFields { effect.append(Field(key: field.key, label: field.label, type: .integer, width: 10)) }
        effect.append(Field(key: "reconciled", label: "与台账核对", type: .text, width: 28))
        tables.append(FormTable(id: "effect-total", title: "整治成效（累计）", columns: effect, templateRows: 0))
        var effectTotal: [String: Value] = ["unit_name": total]
        for pair in p.resultFields { effectTotal[pair.total.key] = int(p.sum(pair.total.key, monthly: false)) }
        for field in p.peopleFields { effectTotal[field.key] = int(p.sum(field.key, monthly: false)) }
        effectTotal["reconciled"] = .text(p.unreconciled.isEmpty ? "一致" : "\(p.unreconciled.count) 个单位的数字与台账不一致")
        rows["effect-total"] = p.results.map { unit in
            var values: [String: Value] = ["unit_name": .text(unit.unit.name), "source": sourceText(unit)]
            for (k, v) in unit.total { values[k] = int(v) }
            let warnings = p.unreconciled.first { $0.unit.id == unit.unit.id }?.findings.map(\.message) ?? []
            values["reconciled"] = .text(warnings.isEmpty ? (unit.reportPeriod == nil ? "" : "一致") : warnings.joined(separator: "；"))
            return Record(values: values)
        } + [Record(values: effectTotal)]

        // 问题查摆: counts by type, source and category.
        tables.append(FormTable(id: "problems", title: "问题查摆", columns: [
            Field(key: "dimension", label: "分类", type: .text, width: 12),
            Field(key: "value", label: "项目", type: .text, width: 30),
            Field(key: "count", label: "问题数（个）", type: .integer, width: 12),
            Field(key: "new", label: "其中本月新发现（个）", type: .integer, width: 14),
        ], templateRows: 0))
        rows["problems"] = p.problemTallies.flatMap { tally in
            tally.rows.map { Record(values: ["dimension": .text(tally.title), "value": .text($0.value),
                                             "count": int($0.total), "new": int($0.new)]) }
                + [Record(values: ["dimension": .text(tally.title), "value": total, "count": int(p.problemTotal),
                                   "new": int(p.problemsNew)])]
        }

        // 整改落实: each unit's latest rectification ledger.
        var rectColumns = [unitName, Field(key: "ledger", label: "台账期", type: .text, width: 10),
                           Field(key: "total", label: "问题数（个）", type: .integer, width: 10)]
        for (i, value) in p.statusValues.enumerated() {
            rectColumns.append(Field(key: "status_\(i)", label: "\(value)（个）", type: .integer, width: 10))
        }
        rectColumns += [Field(key: "rate", label: "整改率（%）", type: .decimal, width: 10),
                        Field(key: "overdue", label: "逾期未整改（个）", type: .integer, width: 12)]
        tables.append(FormTable(id: "rectification", title: "整改落实", columns: rectColumns, templateRows: 0))
        var rectRows = p.rectification.map { unit -> Record in
            var values: [String: Value] = ["unit_name": .text(unit.unit.name), "total": int(unit.total),
                                           "overdue": int(unit.overdue)]
            values["ledger"] = .text(unit.ledgerPeriod.map(\.chinese) ?? "未报送")
            for (i, value) in p.statusValues.enumerated() { values["status_\(i)"] = int(unit.byStatus[value] ?? 0) }
            if let rate = unit.rate { values["rate"] = .decimal(rate) }
            return Record(values: values)
        }
        var rectTotal: [String: Value] = ["unit_name": total, "total": int(sums.total), "overdue": int(sums.overdue)]
        for (i, value) in p.statusValues.enumerated() { rectTotal["status_\(i)"] = int(sums.byStatus[value] ?? 0) }
        if sums.total > 0 { rectTotal["rate"] = .decimal(ProvinceProgress.percent(sums.done, of: sums.total)) }
        rectRows.append(Record(values: rectTotal))
        rows["rectification"] = rectRows

        // Every unit's rows, form by form, units in the official order.
        let order = Dictionary(uniqueKeysWithValues: formSet.units.enumerated().map { ($1.id, $0) })
        for form in owedForms {
            guard let table = form.tables.first else { continue }
            var documents = try workspace.currentDocuments(form: form, formSet: formSet)
            // A growing ledger (with a key) counts in its latest version up to the period; others in this period's.
            documents = table.key != nil
                ? CampaignStatus.latestPerUnit(documents, upTo: p.period)
                : documents.filter { $0.period == p.period }
                    .sorted { (order[$0.unit?.id ?? ""] ?? .max) < (order[$1.unit?.id ?? ""] ?? .max) }
            let columns = [unitField, periodField] + table.columns.map { column -> Field in
                var copy = column
                if copy.type == .reference { copy.type = .text; copy.references = nil }
                copy.requiredWhen = nil
                copy.required = false
                return copy
            }
            let id = "rows-\(form.id)"
            tables.append(FormTable(id: id, title: String("\(form.shortTitle)汇总".prefix(31)), columns: columns, templateRows: 0))
            rows[id] = documents.flatMap { document in
                (document.rows[table.id] ?? []).map { record in
                    var values = record.values
                    values["report_unit"] = document.unit.map { .unit($0.id) }
                    values["report_period"] = document.period.map { .period($0) }
                    return Record(values: values)
                }
            }
        }

        // Overdue rectifications.
        tables.append(FormTable(id: "overdue", title: "逾期未整改问题", columns: [
            unitField,
            Field(key: "problem_id", label: "问题编号", type: .text, width: 14),
            Field(key: "description", label: "问题描述", type: .text, width: 40),
            Field(key: "responsible", label: "责任单位", type: .text, width: 16),
            Field(key: "deadline", label: "整改时限", type: .date, width: 12),
            Field(key: "status", label: "整改状态", type: .text, width: 10),
            Field(key: "days", label: "逾期天数", type: .integer, width: 10),
        ], templateRows: 0))
        rows["overdue"] = status.overdue.map { item in
            Record(values: [
                "report_unit": .unit(item.unit), "problem_id": .text(item.problemID), "description": .text(item.description),
                "responsible": .text(item.responsible), "deadline": .date(item.deadline), "status": .text(item.status),
                "days": .integer(item.daysOverdue),
            ])
        }

        let form = Form(
            id: "consolidated-progress", version: "1", title: "\(p.period.chinese)全省行政执法突出问题专项整治工作进展汇总表",
            shortTitle: "工作进展汇总", layout: .ledger,
            header: [
                Field(key: "period", label: "报送期", type: .period),
                Field(key: "as_of", label: "截至日期", type: .date),
                Field(key: "issuer", label: "汇总单位", type: .text),
            ],
            tables: tables)
        return LedgerDocument(form: form, formSet: formSet, unit: nil, period: p.period,
                              header: ["period": .period(p.period), "as_of": .date(p.asOf), "issuer": .text(formSet.campaign.issuer)],
                              rows: rows, purpose: .data)
    }

    /// All units' summaries (整治工作总结) in one ledger: the form itself, with the unit as a column of every table.
    public static func summary(form: Form, documents docs: [LedgerDocument], formSet: FormSet) -> LedgerDocument {
        var tables: [FormTable] = []
        var rows: [String: [Record]] = [:]
        let answers = form.header.filter { $0.type != .unit }
        tables.append(FormTable(id: "answers", title: "各单位总结", columns: [unitField] + answers, templateRows: 0))
        rows["answers"] = docs.map { doc in
            var values = doc.header
            values["report_unit"] = doc.unit.map { .unit($0.id) }
            values["unit"] = nil
            return Record(values: values)
        }
        for table in form.tables {
            tables.append(FormTable(id: table.id, title: table.title, columns: [unitField] + table.columns, templateRows: 0))
            rows[table.id] = docs.flatMap { doc in
                (doc.rows[table.id] ?? []).map { record in
                    var values = record.values
                    values["report_unit"] = doc.unit.map { .unit($0.id) }
                    return Record(values: values)
                }
            }
        }
        let consolidated = Form(id: "consolidated-summary", version: "1", title: "大力整治行政执法突出问题工作总结汇总表",
                                shortTitle: "工作总结汇总", layout: .ledger, header: [], tables: tables)
        return LedgerDocument(form: consolidated, formSet: formSet, rows: rows)
    }

    static let unitField = Field(key: "report_unit", label: "填报单位", type: .unit, width: 24)
    /// The unit as text, so that a table can end with a 合计 row.
    static let unitName = Field(key: "unit_name", label: "填报单位", type: .text, width: 24)
    static let periodField = Field(key: "report_period", label: "报送期", type: .period, width: 10)
}
