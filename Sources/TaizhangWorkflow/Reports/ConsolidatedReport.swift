import TaizhangCore
import TaizhangStore

/// The province's consolidated reports (both consolidations in one place), as ledger documents of forms derived from the official ones, so that
/// every ledger exporter (xlsx, csv, json) writes them: an overview table (one row per unit), every unit's
/// rows of each form with the unit as a column, and the overdue rectifications.
public enum ConsolidatedReport {
    /// The monthly progress report for `period`, as of `asOf`.
    public static func progress(workspace: Workspace, formSet: FormSet, period: YearMonth,
                                asOf: CivilDate) throws -> LedgerDocument {
        let status = try CampaignStatus.compute(workspace: workspace, formSet: formSet, asOf: asOf, period: period)
        let owedForms = formSet.forms.filter { form in status.obligations.contains { $0.form == form.id } }
        var tables: [FormTable] = []
        var rows: [String: [Record]] = [:]

        // Overview: one row per unit.
        let progressForm = formSet.form(withHeaderRole: "result-total")
        let figures = progressForm.map {
            $0.headerFields(role: "result-total") + $0.headerFields(role: "accountability-count")
                + $0.headerFields(role: "exemption-count")
        } ?? []
        var overviewColumns = [unitField]
        for form in owedForms {
            overviewColumns.append(Field(key: "standing_\(form.id)", label: "\(form.shortTitle)报送情况", type: .text, width: 16))
        }
        for field in figures {
            overviewColumns.append(Field(key: field.key, label: CampaignStatus.resultLabel(field.label), type: .integer, width: 12))
        }
        overviewColumns.append(Field(key: "overdue_count", label: "逾期未整改问题（个）", type: .integer, width: 12))
        tables.append(FormTable(id: "overview", title: "总览", columns: overviewColumns, templateRows: 0))
        let latestProgress = try progressForm.map {
            CampaignStatus.latestPerUnit(try workspace.currentDocuments(form: $0, formSet: formSet), upTo: period)
        } ?? []
        rows["overview"] = formSet.units.map { unit in
            var values: [String: Value] = ["report_unit": .unit(unit.id)]
            for form in owedForms {
                guard let o = status.obligations.first(where: { $0.unit == unit.id && $0.form == form.id }) else { continue }
                var text = o.standing.label
                if let r = o.received { text += "（\(r.month)月\(r.day)日）" }
                values["standing_\(form.id)"] = .text(text)
            }
            if let doc = latestProgress.first(where: { $0.unit?.id == unit.id }) {
                for field in figures { if let v = doc.header[field.key] { values[field.key] = v } }
            }
            values["overdue_count"] = .integer(status.overdue.filter { $0.unit == unit.id }.count)
            return Record(values: values)
        }

        // Every unit's rows, form by form.
        for form in owedForms {
            guard let table = form.tables.first else { continue }
            var documents = try workspace.currentDocuments(form: form, formSet: formSet)
            // A growing ledger (with a key) counts in its latest version up to the period; others in this period's.
            documents = table.key != nil
                ? CampaignStatus.latestPerUnit(documents, upTo: period)
                : documents.filter { $0.period == period }
            let columns = [unitField, periodField] + table.columns.map { column -> Field in
                var copy = column
                if copy.type == .reference { copy.type = .text; copy.references = nil }
                copy.requiredWhen = nil
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
            id: "consolidated-progress", version: "1", title: "\(period.chinese)行政执法突出问题专项整治工作进展汇总表",
            shortTitle: "工作进展汇总", layout: .ledger,
            header: [
                Field(key: "period", label: "报送期", type: .period),
                Field(key: "as_of", label: "截至日期", type: .date),
                Field(key: "issuer", label: "汇总单位", type: .text),
            ],
            tables: tables,
            instructions: ["本表由台账工具根据各单位报送的台账自动汇总，请勿手工修改。",
                           "“总览”中的整治成果为各单位截至本期最近一期工作进展台账的累计数。"])
        return LedgerDocument(form: form, formSet: formSet, unit: nil, period: period,
                              header: ["period": .period(period), "as_of": .date(asOf), "issuer": .text(formSet.campaign.issuer)],
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
    static let periodField = Field(key: "report_period", label: "报送期", type: .period, width: 10)
}
