/// The cross-file checks of a form set: references between forms, lists, units and the calendar.
/// Each mistake names the file and the JSON path, so whoever edits `forms/` can find it.
struct FormSetChecker {
    let set: FormSet
    private(set) var errors: [FormDefinitionError] = []

    init(set: FormSet) { self.set = set }

    func check() -> [FormDefinitionError] {
        var checker = self
        checker.checkLists()
        checker.checkUnits()
        for form in set.forms { checker.checkForm(form) }
        checker.checkCampaign()
        return checker.errors
    }

    private mutating func fail(_ file: String, _ path: String, _ message: String) {
        errors.append(FormDefinitionError(file: file, path: path, message: message))
    }

    private func list(_ id: String) -> ChoiceList? { set.lists.first { $0.id == id } }

    // MARK: Lists

    private mutating func checkLists() {
        let file = FormSet.listsFile
        var seen = Set<String>()
        for (i, list) in set.lists.enumerated() {
            let path = "lists[\(i)]"
            if !seen.insert(list.id).inserted { fail(file, path + ".id", "选项列表 id“\(list.id)”重复") }
            if let parent = list.parent {
                guard let parentList = self.list(parent) else {
                    fail(file, path + ".parent", "未知的上级列表“\(parent)”")
                    continue
                }
                if !list.items.isEmpty { fail(file, path + ".items", "级联列表的选项须写在 groups 与 common 中") }
                let parentValues = Set(parentList.allItems.map(\.value))
                for (g, group) in list.groups.enumerated() where !parentValues.contains(group.parent) {
                    fail(file, "\(path).groups[\(g)].parent", "“\(group.parent)”不是列表“\(parent)”的选项")
                }
                for value in parentValues where list.items(under: value).isEmpty {
                    fail(file, path + ".groups", "上级选项“\(value)”没有对应的下级选项")
                }
                let commonValues = Set(list.common.map(\.value))
                for (item, parents) in list.pairing.sorted(by: { $0.key < $1.key }) {
                    if !commonValues.contains(item) { fail(file, path + ".pairing", "“\(item)”不是 common 中的选项") }
                    for value in parents where !parentValues.contains(value) {
                        fail(file, path + ".pairing", "“\(value)”不是列表“\(parent)”的选项")
                    }
                }
            } else if !list.groups.isEmpty || !list.common.isEmpty || !list.pairing.isEmpty {
                fail(file, path, "只有级联列表（写了 parent）才能有 groups 与 common")
            }
            if list.allItems.isEmpty { fail(file, path, "选项列表“\(list.id)”没有任何选项") }
            // Every spelling must lead to one canonical value.
            var owner: [String: String] = [:]
            for item in list.allItems {
                for name in [item.value] + item.synonyms {
                    let key = TextFolding.matchKey(name)
                    if let other = owner[key], other != item.value {
                        fail(file, path, "“\(name)”同时对应“\(other)”和“\(item.value)”两个选项")
                    }
                    owner[key] = item.value
                }
                if item.value.count > 255 { fail(file, path, "选项“\(item.value)”过长（至多 255 个字符）") }
            }
        }
    }

    // MARK: Units

    private mutating func checkUnits() {
        let file = FormSet.unitsFile
        let kinds = Set(set.unitKinds.map(\.id))
        var ids = Set<String>()
        var names: [String: String] = [:]
        for (i, unit) in set.units.enumerated() {
            let path = "units[\(i)]"
            if !ids.insert(unit.id).inserted { fail(file, path + ".id", "单位 id“\(unit.id)”重复") }
            if !kinds.contains(unit.kind) { fail(file, path + ".kind", "未知的单位类别“\(unit.kind)”") }
            for name in Set(FormSet.names(of: unit).map(TextFolding.matchKey)) {
                if let other = names[name], other != unit.id {
                    fail(file, path, "名称“\(name)”同时指向单位“\(other)”和“\(unit.id)”")
                }
                names[name] = unit.id
            }
        }
    }

    // MARK: Forms

    private mutating func checkForm(_ form: Form) {
        let file = form.id + ".json"
        if form.tables.isEmpty && form.header.isEmpty { fail(file, "", "表单既无表头字段也无表格") }
        checkFields(form.header, form: form, file: file, path: "header", scope: form.header)
        checkRules(form.rules, scope: form.header, file: file, path: "rules")
        if let reconcile = form.reconcile { checkReconciliation(reconcile, form: form, file: file) }
        var tableIDs = Set<String>()
        for (t, table) in form.tables.enumerated() {
            let path = "tables[\(t)]"
            if !tableIDs.insert(table.id).inserted { fail(file, path + ".id", "表格 id“\(table.id)”重复") }
            if table.title.count > 31 || table.title.contains(where: { "[]:*?/\\".contains($0) }) {
                fail(file, path + ".title", "表格标题须不超过 31 个字符且不含 []:*?/\\（用作工作表名）")
            }
            if table.columns.isEmpty { fail(file, path + ".columns", "表格没有列") }
            checkFields(table.columns, form: form, file: file, path: path + ".columns", scope: table.columns)
            checkRules(table.rules, scope: table.columns, header: form.header, file: file, path: path + ".rules")
            if let key = table.key, table.column(key) == nil {
                fail(file, path + ".key", "主键列“\(key)”不存在")
            }
            if let prefill = table.prefill {
                if table.column(prefill.column) == nil { fail(file, path + ".prefill.column", "列“\(prefill.column)”不存在") }
                if list(prefill.list) == nil { fail(file, path + ".prefill.list", "未知的选项列表“\(prefill.list)”") }
            }
            if table.templateRows < 0 || table.templateRows > 10_000 {
                fail(file, path + ".templateRows", "模板空行数须在 0–10000 之间")
            }
        }
    }

    private mutating func checkFields(_ fields: [Field], form: Form, file: String, path: String, scope: [Field]) {
        var keys = Set<String>()
        var names: [String: String] = [:]
        for (i, field) in fields.enumerated() {
            let p = "\(path)[\(i)]"
            if !keys.insert(field.key).inserted { fail(file, p + ".key", "字段 key“\(field.key)”重复") }
            if field.key.isEmpty || !field.key.unicodeScalars.allSatisfy({ $0.isASCII && ($0 == "_" || $0 == "-" || $0.properties.isAlphabetic || ("0"..."9").contains($0)) }) {
                fail(file, p + ".key", "字段 key 须为英文字母、数字、- 或 _")
            }
            for name in field.names {
                let key = TextFolding.matchKey(name)
                if let other = names[key], other != field.key {
                    fail(file, p, "标题或别名“\(name)”同时用于字段“\(other)”和“\(field.key)”，导入时无法区分")
                }
                names[key] = field.key
            }
            switch field.type {
            case .choice:
                guard let listID = field.list else {
                    fail(file, p + ".list", "选项字段须指定 list")
                    break
                }
                guard let choices = list(listID) else {
                    fail(file, p + ".list", "未知的选项列表“\(listID)”")
                    break
                }
                if let dependsOn = field.dependsOn {
                    guard let parentField = scope.first(where: { $0.key == dependsOn }) else {
                        fail(file, p + ".dependsOn", "同一表格中没有字段“\(dependsOn)”")
                        break
                    }
                    if choices.parent == nil || parentField.list != choices.parent {
                        fail(file, p + ".dependsOn", "列表“\(listID)”的上级列表须是字段“\(dependsOn)”的列表")
                    }
                } else if choices.parent != nil {
                    fail(file, p + ".dependsOn", "级联列表“\(listID)”须指定 dependsOn")
                }
            case .reference:
                guard let ref = field.references else {
                    fail(file, p + ".references", "引用字段须指定 references")
                    break
                }
                guard let target = set.form(ref.form) else {
                    fail(file, p + ".references.form", "未知的表单“\(ref.form)”")
                    break
                }
                if !target.tables.contains(where: { $0.key == ref.field }) {
                    fail(file, p + ".references.field", "表单“\(ref.form)”没有主键列“\(ref.field)”")
                }
            default:
                if field.list != nil { fail(file, p + ".list", "只有选项字段才能指定 list") }
                if field.dependsOn != nil { fail(file, p + ".dependsOn", "只有选项字段才能指定 dependsOn") }
            }
            if field.type != .reference && field.references != nil {
                fail(file, p + ".references", "只有引用字段才能指定 references")
            }
            if !field.allowedTexts.isEmpty && field.type != .date {
                fail(file, p + ".allowedTexts", "只有日期字段才能指定 allowedTexts")
            }
            if let min = field.min, let max = field.max, min > max { fail(file, p + ".min", "min 大于 max") }
            if (field.min != nil || field.max != nil) && field.type != .integer && field.type != .decimal {
                fail(file, p + ".min", "只有数值字段才能指定 min / max")
            }
            if let pattern = field.pattern, (try? Regex(pattern)) == nil {
                fail(file, p + ".pattern", "不是有效的正则表达式")
            }
            if let maxLength = field.maxLength, !(1...32_767).contains(maxLength) {
                fail(file, p + ".maxLength", "maxLength 须在 1–32767 之间（Excel 单元格上限）")
            }
            if let role = field.role, let expected = FormSetChecker.roleTypes[role], !expected.contains(field.type) {
                fail(file, p + ".role", "用途“\(role)”要求字段类型为\(expected.map(\.rawValue).sorted().joined(separator: "或"))")
            }
            if let condition = field.requiredWhen {
                if field.required { fail(file, p + ".requiredWhen", "已是必填字段，不应再写 requiredWhen") }
                checkCondition(condition, scope: scope, file: file, path: p + ".requiredWhen")
            }
        }
    }

    /// The field types a role needs (reports read these fields by role).
    static let roleTypes: [String: Set<FieldType>] = [
        "deadline": [.date], "done-date": [.date], "found-date": [.date], "report-date": [.date],
        "status": [.choice], "problem-type": [.choice], "category": [.choice], "source": [.choice],
        "situation": [.choice], "work-item": [.choice], "problem-key": [.text, .reference],
        "result-month": [.integer], "result-total": [.integer], "accountability": [.yesNo], "exemption": [.yesNo],
        "accountability-count": [.integer], "exemption-count": [.integer],
    ]

    private mutating func checkCondition(_ condition: FieldCondition, scope: [Field], file: String, path: String) {
        guard let other = scope.first(where: { $0.key == condition.field }) else {
            fail(file, path + ".field", "同一表格中没有字段“\(condition.field)”")
            return
        }
        if condition.in.isEmpty { fail(file, path + ".in", "至少列出一个取值") }
        let allowed: Set<String>
        switch other.type {
        case .yesNo: allowed = ["是", "否"]
        case .choice: allowed = Set(other.list.flatMap(list)?.allItems.map(\.value) ?? [])
        default:
            fail(file, path + ".field", "条件字段须为选项或是/否字段")
            return
        }
        for value in condition.in where !allowed.contains(value) {
            fail(file, path + ".in", "“\(value)”不是字段“\(other.key)”的取值")
        }
    }

    private mutating func checkRules(_ rules: [FormRule], scope: [Field], header: [Field]? = nil, file: String,
                                     path: String) {
        for (i, rule) in rules.enumerated() {
            let at = "\(path)[\(i)]"
            var compared: [Field] = []
            if let field = scope.first(where: { $0.key == rule.field }) { compared.append(field) }
            else { fail(file, at, "没有字段“\(rule.field)”") }
            switch rule.kind {
            case .notLess, .notBefore, .notAfter, .sameAs:
                guard let source = rule.thanSource else { fail(file, at, "\(rule.kind.rawValue) 须有 than"); continue }
                switch source {
                case .same(let key):
                    if let field = scope.first(where: { $0.key == key }) { compared.append(field) }
                    else { fail(file, at, "没有字段“\(key)”") }
                case .header(let key):
                    if let field = header?.first(where: { $0.key == key }) { compared.append(field) }
                    else { fail(file, at, "表头没有字段“\(key)”（header. 只能用于表格的规则）") }
                case .reference(let key):
                    // The referenced form is the one this table's reference column names.
                    let targets = scope.compactMap(\.references).compactMap { set.form($0.form) }
                    if let field = targets.flatMap({ $0.tables.flatMap(\.columns) }).first(where: { $0.key == key }) {
                        compared.append(field)
                    } else {
                        fail(file, at, "所引用的台账中没有字段“\(key)”（reference. 只能用于有引用列的表格）")
                    }
                }
                for field in compared {
                    let numeric = field.type == .integer || field.type == .decimal
                    if rule.kind == .notLess && !numeric { fail(file, at, "not-less 只能比较数值字段") }
                    if (rule.kind == .notBefore || rule.kind == .notAfter) && field.type != .date {
                        fail(file, at, "\(rule.kind.rawValue) 只能比较日期字段")
                    }
                }
            case .emptyWhen, .excludesWhen:
                guard let condition = rule.when else { fail(file, at, "\(rule.kind.rawValue) 须有 when"); continue }
                if !scope.contains(where: { $0.key == condition.field }) { fail(file, at, "没有字段“\(condition.field)”") }
                if rule.kind == .excludesWhen && rule.texts.isEmpty { fail(file, at, "excludes-when 须有 texts") }
            }
        }
    }

    private mutating func checkReconciliation(_ reconcile: FormReconciliation, form: Form, file: String) {
        func numeric(_ key: String) -> Bool {
            guard let field = form.headerField(key) else { return false }
            return field.type == .integer || field.type == .decimal
        }
        for (i, rule) in reconcile.ledgerCounts.enumerated() {
            let at = "reconcile.ledgerCounts[\(i)]"
            if !numeric(rule.field) { fail(file, at + ".field", "表头没有数值字段“\(rule.field)”") }
            guard let target = set.form(rule.form) else { fail(file, at + ".form", "没有表单“\(rule.form)”"); continue }
            if !target.tables.contains(where: { $0.column(rule.count.field) != nil }) {
                fail(file, at + ".count.field", "表单“\(rule.form)”的表格中没有字段“\(rule.count.field)”")
            }
        }
        for (i, pair) in reconcile.running.enumerated() {
            for key in [pair.month, pair.total] where !numeric(key) {
                fail(file, "reconcile.running[\(i)]", "表头没有数值字段“\(key)”")
            }
        }
    }

    // MARK: Campaign

    private mutating func checkCampaign() {
        let file = FormSet.campaignFile
        let kinds = Set(set.unitKinds.map(\.id))
        for (i, obligation) in set.campaign.obligations.enumerated() {
            let path = "obligations[\(i)]"
            if set.form(obligation.form) == nil { fail(file, path + ".form", "未知的表单“\(obligation.form)”") }
            for kind in obligation.unitKinds where !kinds.contains(kind) {
                fail(file, path + ".unitKinds", "未知的单位类别“\(kind)”")
            }
            if obligation.deadlines.isEmpty { fail(file, path + ".schedule", "没有任何报送期") }
            for deadline in obligation.deadlines where deadline.due < deadline.period.day(1) {
                fail(file, path + ".schedule", "报送期 \(deadline.period) 的截止日期 \(deadline.due) 早于该月")
            }
        }
        for form in set.forms where !set.campaign.obligations.contains(where: { $0.form == form.id }) {
            fail(file, "obligations", "表单“\(form.id)”没有报送安排")
        }
    }
}
