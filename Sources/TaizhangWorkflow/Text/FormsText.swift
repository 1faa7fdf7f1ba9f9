import TaizhangCore

/// The text `taizhang forms` and `taizhang forms show` print.
public struct FormsText: Sendable {
    /// The form set described.
    public let set: FormSet

    public init(set: FormSet) { self.set = set }

    /// The list of forms with who owes them and when.
    public func list() -> String {
        var rows = [["表单", "名称", "版本", "报送单位", "报送期与截止日期"]]
        for form in set.forms {
            let obligations = set.campaign.obligations.filter { $0.form == form.id }
            let kinds = Array(Set(obligations.flatMap(\.unitKinds))).sorted().map(set.unitKindLabel)
            let deadlines = obligations.flatMap(\.deadlines)
            let schedule = deadlines.count == 1
                ? "\(deadlines[0].period)，\(deadlines[0].due.chinese)前"
                : "\(deadlines.count) 期，\(deadlines.first.map { $0.due.chinese } ?? "")起"
            rows.append([form.id, form.title, form.version, kinds.joined(separator: "、"), schedule])
        }
        return TextTable(rows: rows).render()
            + "\n共 \(set.forms.count) 张表单，\(set.units.count) 个填报单位。用 taizhang forms show <表单> 查看字段。\n"
    }

    /// One form: fields, types, choice lists, rules and filling instructions.
    public func show(_ form: Form) -> String {
        var out = "\(form.title)（\(form.id)，版本 \(form.version)）\n"
        let obligations = set.campaign.obligations.filter { $0.form == form.id }
        for obligation in obligations {
            let kinds = obligation.unitKinds.map(set.unitKindLabel).joined(separator: "、")
            let dates = obligation.deadlines.map { "\($0.period) 于 \($0.due.chinese)前" }.joined(separator: "；")
            out += "报送：\(kinds)；\(dates)\n"
            if let basis = obligation.basis { out += "依据：工作方案 \(basis)\n" }
        }
        if !form.header.isEmpty {
            out += "\n表头\n" + fieldTable(form.header)
        }
        if !form.rules.isEmpty {
            out += "\n表头规则\n" + form.rules.map { "  · \($0.message)\n" }.joined()
        }
        for table in form.tables {
            out += "\n表格“\(table.title)”（\(table.id)）"
            if let key = table.key, let field = table.column(key) { out += "，主键：\(field.label)" }
            if let prefill = table.prefill, let list = set.list(prefill.list) {
                out += "，按“\(list.title)”预置各行"
            }
            out += "\n" + fieldTable(table.columns)
            if !table.rules.isEmpty { out += table.rules.map { "  · \($0.message)\n" }.joined() }
        }
        let lists = Set((form.header + form.tables.flatMap(\.columns)).compactMap(\.list))
        for list in set.lists where lists.contains(list.id) {
            out += "\n选项“\(list.title)”（\(list.id)）\n"
            if list.parent != nil {
                for group in list.groups {
                    // Situations contain 、 themselves: they are separated by ；.
                    out += "  \(group.parent)：\(group.items.map(\.value).joined(separator: "；"))\n"
                }
                if !list.common.isEmpty {
                    out += "  通用情形：" + list.common.map { item in
                        list.pairing[item.value].map { "\(item.value)（限\($0.joined(separator: "或"))）" } ?? item.value
                    }.joined(separator: "；") + "\n"
                }
            } else {
                for item in list.items {
                    out += "  \(item.value)"
                    if !item.synonyms.isEmpty { out += "（也接受：\(item.synonyms.joined(separator: "、"))）" }
                    out += "\n"
                }
            }
        }
        if !form.instructions.isEmpty {
            out += "\n填表说明\n" + form.instructions.enumerated().map { "  \($0.offset + 1). \($0.element)\n" }.joined()
        }
        return out
    }

    private func fieldTable(_ fields: [Field]) -> String {
        var rows = [["字段", "标题", "类型", "必填", "规则"]]
        for field in fields {
            rows.append([field.key, field.label, typeText(field), requiredText(field), rulesText(field)])
        }
        return TextTable(rows: rows, indent: 2).render()
    }

    private func typeText(_ field: Field) -> String {
        switch field.type {
        case .choice:
            let title = field.list.flatMap(set.list)?.title ?? field.list ?? ""
            return field.dependsOn != nil ? "级联选项：\(title)" : "选项：\(title)"
        case .reference:
            guard let ref = field.references else { return field.type.label }
            let form = set.form(ref.form)
            let label = form?.tables.first { $0.key == ref.field }?.column(ref.field)?.label ?? ref.field
            return "引用：\(form?.shortTitle ?? ref.form)的\(label)"
        default:
            return field.type.label
        }
    }

    private func requiredText(_ field: Field) -> String {
        if field.required { return "是" }
        if let condition = field.requiredWhen {
            let other = findLabel(condition.field)
            return "当\(other)为\(condition.in.map { "“\($0)”" }.joined(separator: "或"))时"
        }
        return ""
    }

    private func findLabel(_ key: String) -> String {
        for form in set.forms {
            for field in form.header + form.tables.flatMap(\.columns) where field.key == key { return field.label }
        }
        return key
    }

    private func rulesText(_ field: Field) -> String {
        var parts: [String] = []
        if field.autoNumber { parts.append("自动编号") }
        if let dependsOn = field.dependsOn { parts.append("随“\(findLabel(dependsOn))”而定") }
        if !field.allowedTexts.isEmpty { parts.append("也可填\(field.allowedTexts.map { "“\($0)”" }.joined(separator: "、"))") }
        if let min = field.min, let max = field.max {
            parts.append("\(CellValue.format(min))–\(CellValue.format(max))")
        } else if let min = field.min {
            parts.append("≥ \(CellValue.format(min))")
        } else if let max = field.max {
            parts.append("≤ \(CellValue.format(max))")
        }
        if let minDate = field.minDate { parts.append("不早于 \(minDate)") }
        if let maxDate = field.maxDate { parts.append("不晚于 \(maxDate)") }
        if let maxLength = field.maxLength { parts.append("≤ \(maxLength) 字") }
        if field.type == .text && !field.multiline { parts.append("不换行") }
        if let hint = field.patternHint { parts.append(hint) }
        if !field.aliases.isEmpty { parts.append("别名：\(field.aliases.joined(separator: "、"))") }
        return parts.joined(separator: "；")
    }
}

