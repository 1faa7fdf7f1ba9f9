// Strict decoding of the form files: unknown keys are errors (a typo such as "requird" must not be
// silently ignored), optional keys have documented defaults, and every error carries its JSON path.

/// A coding key for any string, used to list the keys an object really has.
struct AnyCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) {
        self.stringValue = String(intValue)
        self.intValue = intValue
    }
}

extension Decoder {
    /// Throws when the object has a key that `Keys` does not name (`$schema` and keys starting with `_`,
    /// the comment convention, are allowed).
    func rejectUnknownKeys<Keys: CodingKey & CaseIterable>(_: Keys.Type) throws {
        let container = try container(keyedBy: AnyCodingKey.self)
        let known = Set(Keys.allCases.map(\.stringValue))
        for key in container.allKeys
        where !known.contains(key.stringValue) && key.stringValue != "$schema" && !key.stringValue.hasPrefix("_") {
            let allowed = Keys.allCases.map(\.stringValue).joined(separator: "、")
            throw DecodingError.dataCorrupted(.init(
                codingPath: codingPath + [key],
                debugDescription: "未知的字段“\(key.stringValue)”（允许的字段：\(allowed)）"))
        }
    }
}

extension KeyedDecodingContainer {
    func value<T: Decodable>(_ key: Key, default value: T) throws -> T {
        try decodeIfPresent(T.self, forKey: key) ?? value
    }
}

extension FieldType {
    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        guard let type = FieldType(rawValue: raw) else {
            let allowed = FieldType.allCases.map(\.rawValue).joined(separator: "、")
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath, debugDescription: "未知的字段类型“\(raw)”（可用：\(allowed)）"))
        }
        self = type
    }
}

extension Field {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case key, label, aliases, type, required, requiredWhen, help, list, dependsOn, allowedTexts
        case min, max, minDate, maxDate, maxLength, pattern, patternHint, multiline, fold, autoNumber
        case references, width, role
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            key: try c.decode(String.self, forKey: .key),
            label: try c.decode(String.self, forKey: .label),
            type: try c.decode(FieldType.self, forKey: .type),
            aliases: try c.value(.aliases, default: []),
            required: try c.value(.required, default: false),
            requiredWhen: try c.decodeIfPresent(FieldCondition.self, forKey: .requiredWhen),
            help: try c.decodeIfPresent(String.self, forKey: .help),
            list: try c.decodeIfPresent(String.self, forKey: .list),
            dependsOn: try c.decodeIfPresent(String.self, forKey: .dependsOn),
            allowedTexts: try c.value(.allowedTexts, default: []),
            min: try c.decodeIfPresent(Double.self, forKey: .min),
            max: try c.decodeIfPresent(Double.self, forKey: .max),
            minDate: try c.decodeIfPresent(CivilDate.self, forKey: .minDate),
            maxDate: try c.decodeIfPresent(CivilDate.self, forKey: .maxDate),
            maxLength: try c.decodeIfPresent(Int.self, forKey: .maxLength),
            pattern: try c.decodeIfPresent(String.self, forKey: .pattern),
            patternHint: try c.decodeIfPresent(String.self, forKey: .patternHint),
            multiline: try c.value(.multiline, default: false),
            fold: try c.value(.fold, default: false),
            autoNumber: try c.value(.autoNumber, default: false),
            references: try c.decodeIfPresent(FieldReference.self, forKey: .references),
            width: try c.decodeIfPresent(Int.self, forKey: .width),
            role: try c.decodeIfPresent(String.self, forKey: .role))
    }
}

extension FieldCondition {
    enum CodingKeys: String, CodingKey, CaseIterable { case field, `in` }
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(field: try c.decode(String.self, forKey: .field), in: try c.decode([String].self, forKey: .in))
    }
}

extension FieldReference {
    enum CodingKeys: String, CodingKey, CaseIterable { case form, field }
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        form = try c.decode(String.self, forKey: .form)
        field = try c.decode(String.self, forKey: .field)
    }
}

extension FormRule {
    enum CodingKeys: String, CodingKey, CaseIterable { case kind, field, than, when, texts, code, severity, message }
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let raw = try c.decode(String.self, forKey: .kind)
        guard let kind = Kind(rawValue: raw) else {
            throw DecodingError.dataCorruptedError(
                forKey: .kind, in: c,
                debugDescription: "未知的规则类型“\(raw)”（可用：\(Kind.allCases.map(\.rawValue).joined(separator: "、"))）")
        }
        let severity = try c.decodeIfPresent(String.self, forKey: .severity)
        guard severity.map({ Severity(rawValue: $0) != nil }) ?? true else {
            throw DecodingError.dataCorruptedError(forKey: .severity, in: c,
                                                   debugDescription: "未知的严重程度“\(severity ?? "")”（可用：error、warning、info）")
        }
        self.init(kind: kind, field: try c.decode(String.self, forKey: .field),
                  than: try c.decodeIfPresent(String.self, forKey: .than),
                  when: try c.decodeIfPresent(FieldCondition.self, forKey: .when),
                  texts: try c.decodeIfPresent([String].self, forKey: .texts) ?? [],
                  code: try c.decodeIfPresent(String.self, forKey: .code).map(FindingCode.init(rawValue:)) ?? .inconsistentValues,
                  severity: severity.flatMap(Severity.init(rawValue:)) ?? .error,
                  message: try c.decode(String.self, forKey: .message))
    }
}

extension FormTable.Prefill {
    enum CodingKeys: String, CodingKey, CaseIterable { case column, list }
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        column = try c.decode(String.self, forKey: .column)
        list = try c.decode(String.self, forKey: .list)
    }
}

extension FormTable {
    enum CodingKeys: String, CodingKey, CaseIterable { case id, title, columns, key, prefill, templateRows, rules }
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try c.decode(String.self, forKey: .id),
            title: try c.decode(String.self, forKey: .title),
            columns: try c.decode([Field].self, forKey: .columns),
            key: try c.decodeIfPresent(String.self, forKey: .key),
            prefill: try c.decodeIfPresent(Prefill.self, forKey: .prefill),
            templateRows: try c.value(.templateRows, default: 50),
            rules: try c.value(.rules, default: []))
    }
}

extension Form {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, version, title, shortTitle, layout, header, tables, rules, instructions, reconcile, paper, orientation
    }
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let layoutRaw = try c.decode(String.self, forKey: .layout)
        guard let layout = FormLayout(rawValue: layoutRaw) else {
            throw DecodingError.dataCorruptedError(
                forKey: .layout, in: c, debugDescription: "未知的版式“\(layoutRaw)”（可用：ledger、report、sections）")
        }
        self.init(
            id: try c.decode(String.self, forKey: .id),
            version: try c.decode(String.self, forKey: .version),
            title: try c.decode(String.self, forKey: .title),
            shortTitle: try c.decode(String.self, forKey: .shortTitle),
            layout: layout,
            header: try c.value(.header, default: []),
            tables: try c.value(.tables, default: []),
            rules: try c.value(.rules, default: []),
            instructions: try c.value(.instructions, default: []),
            reconcile: try c.decodeIfPresent(FormReconciliation.self, forKey: .reconcile))
        let paper = try c.decodeIfPresent(String.self, forKey: .paper) ?? "A4"
        guard ["A4", "A3"].contains(paper) else {
            throw DecodingError.dataCorruptedError(forKey: .paper, in: c, debugDescription: "未知的纸张“\(paper)”（可用：A4、A3）")
        }
        self.paper = paper
        let orientation = try c.decodeIfPresent(String.self, forKey: .orientation) ?? "landscape"
        guard ["landscape", "portrait"].contains(orientation) else {
            throw DecodingError.dataCorruptedError(forKey: .orientation, in: c,
                                                   debugDescription: "未知的方向“\(orientation)”（可用：landscape 横向、portrait 纵向）")
        }
        self.orientation = orientation
    }
}

extension FormReconciliation {
    enum CodingKeys: String, CodingKey, CaseIterable { case ledgerCounts, running }
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(ledgerCounts: try c.value(.ledgerCounts, default: []), running: try c.value(.running, default: []))
    }
}

extension FormReconciliation.LedgerCount {
    enum CodingKeys: String, CodingKey, CaseIterable { case field, form, count, expect, message }
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let raw = try c.decode(String.self, forKey: .expect)
        guard let expect = Expectation(rawValue: raw) else {
            throw DecodingError.dataCorruptedError(forKey: .expect, in: c, debugDescription: "未知的比较方式“\(raw)”（可用：equal、at-least）")
        }
        field = try c.decode(String.self, forKey: .field)
        form = try c.decode(String.self, forKey: .form)
        count = try c.decode(FieldCondition.self, forKey: .count)
        self.expect = expect
        message = try c.decode(String.self, forKey: .message)
    }
}

extension FormReconciliation.Running {
    enum CodingKeys: String, CodingKey, CaseIterable { case month, total }
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        month = try c.decode(String.self, forKey: .month)
        total = try c.decode(String.self, forKey: .total)
    }
}

extension ChoiceItem {
    enum CodingKeys: String, CodingKey, CaseIterable { case value, synonyms, tags }
    public init(from decoder: any Decoder) throws {
        // An item may be written as a bare string when it has no synonyms.
        if let single = try? decoder.singleValueContainer(), let text = try? single.decode(String.self) {
            self.init(value: text)
            return
        }
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            value: try c.decode(String.self, forKey: .value),
            synonyms: try c.value(.synonyms, default: []),
            tags: try c.value(.tags, default: []))
    }
}

extension ChoiceList.Group {
    enum CodingKeys: String, CodingKey, CaseIterable { case parent, items }
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        parent = try c.decode(String.self, forKey: .parent)
        items = try c.decode([ChoiceItem].self, forKey: .items)
    }
}

extension ChoiceList {
    enum CodingKeys: String, CodingKey, CaseIterable { case id, title, items, parent, groups, common, pairing }
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try c.decode(String.self, forKey: .id),
            title: try c.decode(String.self, forKey: .title),
            items: try c.value(.items, default: []),
            parent: try c.decodeIfPresent(String.self, forKey: .parent),
            groups: try c.value(.groups, default: []),
            common: try c.value(.common, default: []),
            pairing: try c.value(.pairing, default: [:]))
    }
}

extension ReportingUnit {
    enum CodingKeys: String, CodingKey, CaseIterable { case id, name, shortName, code, kind, aliases }
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try c.decode(String.self, forKey: .id),
            name: try c.decode(String.self, forKey: .name),
            shortName: try c.decode(String.self, forKey: .shortName),
            code: try c.decode(String.self, forKey: .code),
            kind: try c.decode(String.self, forKey: .kind),
            aliases: try c.value(.aliases, default: []))
    }
}

extension UnitKind {
    enum CodingKeys: String, CodingKey, CaseIterable { case id, label }
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        label = try c.decode(String.self, forKey: .label)
    }
}

extension ScheduleEntry {
    enum CodingKeys: String, CodingKey, CaseIterable { case period, due, from, to, dueDay }
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        period = try c.decodeIfPresent(YearMonth.self, forKey: .period)
        due = try c.decodeIfPresent(CivilDate.self, forKey: .due)
        from = try c.decodeIfPresent(YearMonth.self, forKey: .from)
        to = try c.decodeIfPresent(YearMonth.self, forKey: .to)
        dueDay = try c.decodeIfPresent(Int.self, forKey: .dueDay)
        let single = period != nil && due != nil && from == nil && to == nil && dueDay == nil
        let monthly = period == nil && due == nil && from != nil && to != nil && dueDay != nil
        guard single || monthly else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath,
                debugDescription: "日程须写成 {\"period\",\"due\"} 或 {\"from\",\"to\",\"dueDay\"} 之一"))
        }
        if let dueDay, !(1...31).contains(dueDay) {
            throw DecodingError.dataCorruptedError(forKey: .dueDay, in: c, debugDescription: "每月截止日须在 1–31 之间")
        }
        if let from, let to, to < from {
            throw DecodingError.dataCorruptedError(forKey: .to, in: c, debugDescription: "结束月份早于开始月份")
        }
    }
}

extension Obligation {
    enum CodingKeys: String, CodingKey, CaseIterable { case form, unitKinds, schedule, basis }
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        form = try c.decode(String.self, forKey: .form)
        unitKinds = try c.decode([String].self, forKey: .unitKinds)
        schedule = try c.decode([ScheduleEntry].self, forKey: .schedule)
        basis = try c.decodeIfPresent(String.self, forKey: .basis)
    }
}

extension CampaignPhase {
    enum CodingKeys: String, CodingKey, CaseIterable { case name, from, to }
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        from = try c.decode(CivilDate.self, forKey: .from)
        to = try c.decodeIfPresent(CivilDate.self, forKey: .to)
    }
}

extension Campaign {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, title, issuer, coordinator, issued, phases, obligations, reportsTo
    }
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        title = try c.decode(String.self, forKey: .title)
        issuer = try c.decode(String.self, forKey: .issuer)
        coordinator = try c.decode(String.self, forKey: .coordinator)
        issued = try c.decode(CivilDate.self, forKey: .issued)
        phases = try c.value(.phases, default: [])
        obligations = try c.decode([Obligation].self, forKey: .obligations)
        reportsTo = try c.value(.reportsTo, default: [])
    }
}
