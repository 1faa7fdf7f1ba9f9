/// The kinds of value a form field holds. Forms are data: `forms/*.json` spell these as `"type"`.
public enum FieldType: String, Sendable, Codable, CaseIterable {
    /// Free text, optionally with a maximum length, a pattern, and one line only.
    case text
    /// A whole number (counts are ≥ 0 by their `min`).
    case integer
    /// A decimal number.
    case decimal
    /// A calendar date; some fields also accept fixed texts such as 长期坚持.
    case date
    /// A reporting month (报送期), `2024-06`.
    case period
    /// One value of a choice list; with `dependsOn`, a cascading choice keyed by another field's value.
    case choice
    /// 是 / 否.
    case yesNo = "yesno"
    /// One of the reporting units.
    case unit
    /// A key that must exist in another form's ledger of the same unit (问题编号).
    case reference

    /// The Chinese name shown by `taizhang forms show`.
    public var label: String {
        switch self {
        case .text: return "文本"
        case .integer: return "整数"
        case .decimal: return "数值"
        case .date: return "日期"
        case .period: return "月份"
        case .choice: return "选项"
        case .yesNo: return "是/否"
        case .unit: return "填报单位"
        case .reference: return "引用"
        }
    }
}

/// A condition on another field of the same row (or of the header, for header fields).
public struct FieldCondition: Hashable, Sendable, Codable {
    /// The other field's key.
    public var field: String
    /// Canonical values of that field that make the condition true (for yes/no fields: 是 or 否).
    public var `in`: [String]

    public init(field: String, in values: [String]) {
        self.field = field
        self.in = values
    }
}

/// A pointer to a key field of another form.
public struct FieldReference: Hashable, Sendable, Codable {
    /// The referenced form's id.
    public var form: String
    /// The referenced field's key (the form's key column).
    public var field: String
}

/// One field of a form: a header field (填报单位) or a table column (整改时限).
public struct Field: Hashable, Sendable, Codable {
    /// Stable English key, used in code, JSON and the store.
    public var key: String
    /// The Chinese label printed on the form.
    public var label: String
    /// Other labels units use for the same column (整改期限 for 整改时限); matched when importing.
    public var aliases: [String]
    /// The value type.
    public var type: FieldType
    /// Whether the field must be filled.
    public var required: Bool
    /// When set, the field must be filled if the condition holds (完成时间 when 整改状态 is 已整改).
    public var requiredWhen: FieldCondition?
    /// Guidance for the clerk, printed in the 填表说明 and as the input prompt.
    public var help: String?
    /// The choice list id (choice fields).
    public var list: String?
    /// For a cascading choice: the key of the field whose value selects the group (具体情形 by 问题类型).
    public var dependsOn: String?
    /// Fixed texts accepted instead of a value (长期坚持 for a deadline).
    public var allowedTexts: [String]
    /// Inclusive minimum (numbers), as a number.
    public var min: Double?
    /// Inclusive maximum (numbers), as a number.
    public var max: Double?
    /// Earliest accepted date (dates).
    public var minDate: CivilDate?
    /// Latest accepted date (dates).
    public var maxDate: CivilDate?
    /// Maximum length in characters (text).
    public var maxLength: Int?
    /// A regular expression the whole (half-width folded) text must match.
    public var pattern: String?
    /// What the pattern means, in Chinese, for the message when it does not match.
    public var patternHint: String?
    /// Whether line breaks are allowed (long answers); ledger cells are one line.
    public var multiline: Bool
    /// Whether full-width letters, digits and ASCII punctuation are folded to half-width (codes, phone numbers).
    public var fold: Bool
    /// A numbering column (序号): filled in by the template, it does not make a row count as filled.
    public var autoNumber: Bool
    /// For reference fields: the referenced form and key.
    public var references: FieldReference?
    /// Suggested column width in half-width characters.
    public var width: Int?
    /// What the field means to the campaign's reports, when it means something (`deadline`, `status`,
    /// `done-date`, `found-date`, `problem-type`, `category`, `result-month`, `result-total`, …). Reports find
    /// fields by role, never by key, so a form may rename its keys.
    public var role: String?

    public init(key: String, label: String, type: FieldType, aliases: [String] = [], required: Bool = false,
                requiredWhen: FieldCondition? = nil, help: String? = nil, list: String? = nil,
                dependsOn: String? = nil, allowedTexts: [String] = [], min: Double? = nil, max: Double? = nil,
                minDate: CivilDate? = nil, maxDate: CivilDate? = nil, maxLength: Int? = nil,
                pattern: String? = nil, patternHint: String? = nil, multiline: Bool = false, fold: Bool = false,
                autoNumber: Bool = false, references: FieldReference? = nil, width: Int? = nil,
                role: String? = nil) {
        self.key = key
        self.label = label
        self.aliases = aliases
        self.type = type
        self.required = required
        self.requiredWhen = requiredWhen
        self.help = help
        self.list = list
        self.dependsOn = dependsOn
        self.allowedTexts = allowedTexts
        self.min = min
        self.max = max
        self.minDate = minDate
        self.maxDate = maxDate
        self.maxLength = maxLength
        self.pattern = pattern
        self.patternHint = patternHint
        self.multiline = multiline
        self.fold = fold
        self.autoNumber = autoNumber
        self.references = references
        self.width = width
        self.role = role
    }

    /// The label and its aliases: every header text that names this field.
    public var names: [String] { [label] + aliases }
}

/// A check between two fields of the same row or header.
public struct FormRule: Hashable, Sendable, Codable {
    /// The kinds of rule.
    public enum Kind: String, Hashable, Sendable, Codable, CaseIterable {
        /// `field` must be ≥ `than` (a cumulative count is never below this month's).
        case notLess = "not-less"
        /// `field` (a date) must not be before `than` (a date).
        case notBefore = "not-before"
        /// `field` (a date) must not be after `than` (a date).
        case notAfter = "not-after"
        /// `field` must be empty while `when` holds (no 完成时间 for a problem 未整改).
        case emptyWhen = "empty-when"
        /// `field` must contain none of `texts` while `when` holds (no "已整改到位" beside 未整改).
        case excludesWhen = "excludes-when"
        /// `field` must say the same as `than` (ignoring spaces, punctuation width and case): the 问题描述 of a
        /// 整改工作台账 row and of the 自查台账 row it refers to.
        case sameAs = "same-as"
    }

    /// Where the value a rule compares with comes from.
    public enum Source: Hashable, Sendable {
        /// The same row (or, for a header rule, the header).
        case same(String)
        /// The form's header, from a row rule: `header.report_date`.
        case header(String)
        /// The row of the referenced ledger that this row's reference column names: `reference.found_date`
        /// (the 发现时间 the unit's 自查台账 records for the 问题编号).
        case reference(String)

        /// Parses `report_date`, `header.report_date` or `reference.found_date`.
        public init(_ text: String) {
            if text.hasPrefix("header.") { self = .header(String(text.dropFirst(7))) }
            else if text.hasPrefix("reference.") { self = .reference(String(text.dropFirst(10))) }
            else { self = .same(text) }
        }

        /// The field's key, wherever it is.
        public var key: String {
            switch self {
            case .same(let k), .header(let k), .reference(let k): return k
            }
        }
    }

    /// What to check.
    public var kind: Kind
    /// The field that is checked; findings point at its cell.
    public var field: String
    /// The field it is compared with (`not-less`, `not-before`, `not-after`): a key of the same row or header,
    /// `header.<key>` or `reference.<key>`.
    public var than: String?
    /// The condition (`empty-when`, `excludes-when`).
    public var when: FieldCondition?
    /// The texts `field` must not contain (`excludes-when`).
    public var texts: [String]
    /// The finding's code (`inconsistent-values` by default).
    public var code: FindingCode
    /// The finding's severity (an error by default).
    public var severity: Severity
    /// The Chinese message when the rule fails; `{value}` and `{other}` stand for the two values compared.
    public var message: String

    public init(kind: Kind, field: String, than: String? = nil, when: FieldCondition? = nil, texts: [String] = [],
                code: FindingCode = .inconsistentValues, severity: Severity = .error, message: String) {
        self.kind = kind
        self.field = field
        self.than = than
        self.when = when
        self.texts = texts
        self.code = code
        self.severity = severity
        self.message = message
    }

    /// Where `than` comes from.
    public var thanSource: Source? { than.map(Source.init) }
}

/// A table of a form: the rows a unit fills in (a ledger's problems, a progress report's work items).
public struct FormTable: Hashable, Sendable, Codable {
    /// Stable id, unique in the form (`main` for a ledger's one table).
    public var id: String
    /// The Chinese title (sheet name in a workbook: at most 31 characters).
    public var title: String
    /// The columns, in order.
    public var columns: [Field]
    /// The key column: its values are unique per unit and identify a row across submissions.
    public var key: String?
    /// Rows pre-filled by the template: one row per item of this list, in the given column.
    public var prefill: Prefill?
    /// Empty input rows a template offers.
    public var templateRows: Int
    /// Row-level rules.
    public var rules: [FormRule]

    /// Rows filled in ahead from a choice list (the progress report's 工作事项).
    public struct Prefill: Hashable, Sendable, Codable {
        /// The column that receives the items.
        public var column: String
        /// The choice list whose items become rows.
        public var list: String
    }

    public init(id: String, title: String, columns: [Field], key: String? = nil, prefill: Prefill? = nil,
                templateRows: Int = 50, rules: [FormRule] = []) {
        self.id = id
        self.title = title
        self.columns = columns
        self.key = key
        self.prefill = prefill
        self.templateRows = templateRows
        self.rules = rules
    }

    /// The column with `key`.
    public func column(_ key: String) -> Field? { columns.first { $0.key == key } }

    /// The column with `role`.
    public func column(role: String) -> Field? { columns.first { $0.role == role } }
}

/// How a form is laid out when printed or offered as a template.
public enum FormLayout: String, Hashable, Sendable, Codable {
    /// A ledger: a header block above one wide table.
    case ledger
    /// A report: a statistics block and a table (工作进展台账).
    case report
    /// Long answers, section by section, with small tables (整治工作总结).
    case sections
}

/// An official form: its header fields, its tables and its rules. Loaded from `forms/<id>.json`.
public struct Form: Hashable, Sendable, Codable, Identifiable {
    /// Stable id (`rectification`).
    public var id: String
    /// The form's version; templates carry it so an import knows exactly which form it was.
    public var version: String
    /// The Chinese title without the unit (行政执法突出问题整改工作台账).
    public var title: String
    /// A short Chinese name (整改工作台账), used in file names and lists.
    public var shortTitle: String
    /// The layout.
    public var layout: FormLayout
    /// Fields filled once per submission (填报单位, 报送期, the statistics block, long answers).
    public var header: [Field]
    /// The tables.
    public var tables: [FormTable]
    /// Header-level rules.
    public var rules: [FormRule]
    /// General filling instructions (填表说明), before the per-field help.
    public var instructions: [String]
    /// How the report's figures are checked against the unit's ledgers and earlier reports, if they are.
    public var reconcile: FormReconciliation?
    /// The paper its sheets print on: `A4` (the default) or `A3` for a ledger too wide to be legible on A4.
    public var paper: String = "A4"
    /// How its sheets lie on the paper: `landscape` (the default) or `portrait` for a report whose statistics
    /// and table fit one upright page.
    public var orientation: String = "landscape"

    public init(id: String, version: String, title: String, shortTitle: String, layout: FormLayout,
                header: [Field], tables: [FormTable], rules: [FormRule] = [], instructions: [String] = [],
                reconcile: FormReconciliation? = nil) {
        self.reconcile = reconcile
        self.id = id
        self.version = version
        self.title = title
        self.shortTitle = shortTitle
        self.layout = layout
        self.header = header
        self.tables = tables
        self.rules = rules
        self.instructions = instructions
    }

    /// The header field with `key`.
    public func headerField(_ key: String) -> Field? { header.first { $0.key == key } }

    /// Whether a column of this form refers to another form's keys (its verdict depends on that ledger).
    public var refersToOtherForms: Bool { tables.contains { $0.columns.contains { $0.references != nil } } }

    /// The header fields with `role`, in order.
    public func headerFields(role: String) -> [Field] { header.filter { $0.role == role } }

    /// The table with `id`.
    public func table(_ id: String) -> FormTable? { tables.first { $0.id == id } }

    /// The full title for a unit: 沈阳市工业和信息化局 + 行政执法突出问题整改工作台账.
    public func title(for unit: ReportingUnit?) -> String {
        guard let unit else { return title }
        return unit.name + title
    }
}

/// One value of a choice list, with the spellings units use for it.
public struct ChoiceItem: Hashable, Sendable, Codable {
    /// The canonical value, as printed in dropdowns and reports.
    public var value: String
    /// Other spellings accepted on import (已完成, 销号 for 已整改).
    public var synonyms: [String]
    /// Semantic tags the code relies on by name (`done` marks a finished rectification).
    public var tags: [String]

    public init(value: String, synonyms: [String] = [], tags: [String] = []) {
        self.value = value
        self.synonyms = synonyms
        self.tags = tags
    }
}

/// A choice list (问题类型, 整改状态). A cascading list groups its items by a parent list's values.
public struct ChoiceList: Hashable, Sendable, Codable, Identifiable {
    /// Stable id (`rectification-status`).
    public var id: String
    /// The Chinese title.
    public var title: String
    /// The items of a flat list.
    public var items: [ChoiceItem]
    /// For a cascading list: the parent list's id.
    public var parent: String?
    /// For a cascading list: the items allowed under each parent value.
    public var groups: [Group]
    /// For a cascading list: items that may go under several parent values (运动式执法).
    public var common: [ChoiceItem]
    /// For a cascading list: which parent values each common item goes with (野蛮执法 with 执法乱作为, not with
    /// 执法不作为). A common item not named here goes with every parent value.
    public var pairing: [String: [String]]

    /// The items of a cascading list under one parent value.
    public struct Group: Hashable, Sendable, Codable {
        /// The parent list's canonical value.
        public var parent: String
        /// The items.
        public var items: [ChoiceItem]
    }

    public init(id: String, title: String, items: [ChoiceItem] = [], parent: String? = nil,
                groups: [Group] = [], common: [ChoiceItem] = [], pairing: [String: [String]] = [:]) {
        self.id = id
        self.title = title
        self.items = items
        self.parent = parent
        self.groups = groups
        self.common = common
        self.pairing = pairing
    }

    /// Every item, in order: a flat list's items, or each group's then the common ones.
    public var allItems: [ChoiceItem] {
        parent == nil ? items : groups.flatMap(\.items) + common
    }

    /// The items allowed under a parent value (cascading lists), group first, then the common ones the pairing
    /// table lets go with it.
    public func items(under parentValue: String) -> [ChoiceItem] {
        (groups.first { $0.parent == parentValue }?.items ?? [])
            + common.filter { pairing[$0.value].map { $0.contains(parentValue) } ?? true }
    }

    /// The canonical values carrying `tag`.
    public func values(tagged tag: String) -> Set<String> {
        Set(allItems.filter { $0.tags.contains(tag) }.map(\.value))
    }
}

/// A reporting unit (填报单位): a city bureau, the Shenfu zone, or one of the department's divisions.
public struct ReportingUnit: Hashable, Sendable, Codable, Identifiable {
    /// Stable id (`shenyang`).
    public var id: String
    /// The full official name (沈阳市工业和信息化局).
    public var name: String
    /// The short name (沈阳).
    public var shortName: String
    /// A short code for problem numbers and file names (SY).
    public var code: String
    /// The unit kind (`city`, `zone`, `division`); the calendar says which kinds owe which forms.
    public var kind: String
    /// Other names units write (沈阳市工信局).
    public var aliases: [String]

    public init(id: String, name: String, shortName: String, code: String, kind: String, aliases: [String] = []) {
        self.id = id
        self.name = name
        self.shortName = shortName
        self.code = code
        self.kind = kind
        self.aliases = aliases
    }
}

/// A kind of unit, with its Chinese name.
public struct UnitKind: Hashable, Sendable, Codable {
    /// Stable id (`city`).
    public var id: String
    /// The Chinese name (市工业和信息化主管部门).
    public var label: String
}

/// When a form is owed: one period with its due date, or a run of months due on a day of each month.
public struct ScheduleEntry: Hashable, Sendable, Codable {
    /// A single period.
    public var period: YearMonth?
    /// Its due date.
    public var due: CivilDate?
    /// The first month of a monthly run.
    public var from: YearMonth?
    /// The last month of a monthly run.
    public var to: YearMonth?
    /// The day of each month on which a monthly run is due (24 for 每月24日前).
    public var dueDay: Int?

    /// The (period, due date) pairs this entry stands for.
    public var deadlines: [Deadline] {
        if let period, let due { return [Deadline(period: period, due: due)] }
        if let from, let to, let dueDay {
            return from.through(to).map { Deadline(period: $0, due: $0.day(dueDay)) }
        }
        return []
    }
}

/// A period and the date by which it is due.
public struct Deadline: Hashable, Sendable, Codable {
    public var period: YearMonth
    public var due: CivilDate
}

/// An obligation of the campaign: which unit kinds owe which form, and when.
public struct Obligation: Hashable, Sendable, Codable {
    /// The form's id.
    public var form: String
    /// The unit kinds that owe it.
    public var unitKinds: [String]
    /// When.
    public var schedule: [ScheduleEntry]
    /// The plan's wording, for reports (各市工信部门9月20日前报送整治工作总结).
    public var basis: String?

    /// All (period, due date) pairs, in order.
    public var deadlines: [Deadline] { schedule.flatMap(\.deadlines).sorted { $0.period < $1.period } }
}

/// A phase of the campaign (自清自查阶段).
public struct CampaignPhase: Hashable, Sendable, Codable {
    public var name: String
    public var from: CivilDate
    public var to: CivilDate?
}

/// The campaign: who issues it, its phases, and the calendar of obligations. Loaded from `forms/campaign.json`.
public struct Campaign: Hashable, Sendable, Codable {
    /// Stable id.
    public var id: String
    /// The campaign's Chinese name.
    public var title: String
    /// The issuing and coordinating authority (辽宁省工业和信息化厅).
    public var issuer: String
    /// The office that leads the supervision (政策法规处).
    public var coordinator: String
    /// The plan's date.
    public var issued: CivilDate
    /// The phases.
    public var phases: [CampaignPhase]
    /// The obligations.
    public var obligations: [Obligation]
    /// The organs the province's reports go to (主送机关) unless a person names others: the 省司法厅, whose plan
    /// this campaign implements.
    public var reportsTo: [String] = []

    /// The deadlines a unit of `kind` has for `form`.
    public func deadlines(form: String, unitKind: String) -> [Deadline] {
        obligations.filter { $0.form == form && $0.unitKinds.contains(unitKind) }.flatMap(\.deadlines)
    }

    /// What a unit of `kind` owes for `period`: (form id, due date) pairs.
    public func owed(unitKind: String, period: YearMonth) -> [(form: String, due: CivilDate)] {
        obligations.filter { $0.unitKinds.contains(unitKind) }.flatMap { obligation in
            obligation.deadlines.filter { $0.period == period }.map { (obligation.form, $0.due) }
        }
    }

    /// Every period any obligation names, in order.
    public var periods: [YearMonth] {
        Array(Set(obligations.flatMap { $0.deadlines.map(\.period) })).sorted()
    }
}
