import Foundation

/// One file of a form set: its name (`rectification.json`) and its bytes.
public struct FormFile: Sendable {
    public var name: String
    public var contents: Data

    public init(name: String, contents: Data) {
        self.name = name
        self.contents = contents
    }
}

/// A mistake in a form file, naming the file and the JSON path inside it, in Chinese.
public struct FormDefinitionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file (`rectification.json`).
    public var file: String
    /// The JSON path (`tables[0].columns[5].list`), empty for the whole file.
    public var path: String
    /// What is wrong.
    public var message: String

    public init(file: String, path: String, message: String) {
        self.file = file
        self.path = path
        self.message = message
    }

    public var description: String {
        path.isEmpty ? "表单定义有误：\(file)：\(message)" : "表单定义有误：\(file) 的 \(path)：\(message)"
    }
}

/// All mistakes found in a form set (the loader reports them all, not just the first).
public struct FormSetError: Error, Sendable, CustomStringConvertible {
    public var errors: [FormDefinitionError]
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}

/// The forms, choice lists, units and campaign calendar: everything Taizhang knows about the campaign,
/// loaded from `forms/` and checked once.
public struct FormSet: Sendable, Hashable {
    /// The forms, in a stable order (the calendar's order of first obligation, then by id).
    public private(set) var forms: [Form]
    /// The choice lists, in file order.
    public private(set) var lists: [ChoiceList]
    /// The kinds of unit.
    public private(set) var unitKinds: [UnitKind]
    /// The reporting units.
    public private(set) var units: [ReportingUnit]
    /// The campaign calendar.
    public private(set) var campaign: Campaign

    private var listIndex: [String: Int] = [:]
    private var choiceKeys: [String: [String: String]] = [:]
    /// The same answers by the exact texts of the values and synonyms (most cells): no key to fold.
    private var choiceExact: [String: [String: String]] = [:]
    private var unitKeys: [String: Int] = [:]

    /// The names of the files that are not forms.
    public static let listsFile = "lists.json"
    public static let unitsFile = "units.json"
    public static let campaignFile = "campaign.json"

    /// Loads and checks a form set. Files named `lists.json`, `units.json` and `campaign.json` hold the
    /// lists, units and calendar; every other `.json` file is one form. Names with a folder
    /// (`memos/progress-report.json`, the memo templates) are not part of the form set and are skipped.
    public static func load(_ files: [FormFile]) throws(FormSetError) -> FormSet {
        var errors: [FormDefinitionError] = []
        var forms: [Form] = []
        var lists: [ChoiceList]?
        var unitsFile: UnitsFile?
        var campaign: Campaign?

        func decode<T: Decodable>(_ type: T.Type, _ file: FormFile) -> T? {
            do {
                return try JSONDecoder().decode(T.self, from: file.contents)
            } catch let error as DecodingError {
                errors.append(FormDefinitionError(decoding: error, file: file.name))
            } catch {
                errors.append(FormDefinitionError(file: file.name, path: "", message: "不是有效的 JSON：\(error)"))
            }
            return nil
        }

        for file in files.sorted(by: { $0.name < $1.name }) where !file.name.contains("/") {
            switch file.name {
            case listsFile: lists = decode(ListsFile.self, file)?.lists
            case FormSet.unitsFile: unitsFile = decode(UnitsFile.self, file)
            case campaignFile: campaign = decode(Campaign.self, file)
            default:
                if let form = decode(Form.self, file) {
                    if form.id + ".json" != file.name {
                        errors.append(FormDefinitionError(
                            file: file.name, path: "id", message: "表单 id“\(form.id)”须与文件名一致（\(form.id).json）"))
                    }
                    forms.append(form)
                }
            }
        }
        for (name, present) in [(listsFile, lists != nil), (FormSet.unitsFile, unitsFile != nil),
                                (campaignFile, campaign != nil)] where !present {
            if !errors.contains(where: { $0.file == name }) {
                errors.append(FormDefinitionError(file: name, path: "", message: "缺少此文件"))
            }
        }
        guard errors.isEmpty, let lists, let unitsFile, let campaign else { throw FormSetError(errors: errors) }

        let order = campaign.obligations.map(\.form)
        forms.sort { a, b in
            let ia = order.firstIndex(of: a.id) ?? Int.max
            let ib = order.firstIndex(of: b.id) ?? Int.max
            return ia != ib ? ia < ib : a.id < b.id
        }
        var set = FormSet(forms: forms, lists: lists, unitKinds: unitsFile.kinds, units: unitsFile.units,
                          campaign: campaign)
        errors = FormSetChecker(set: set).check()
        guard errors.isEmpty else { throw FormSetError(errors: errors) }
        set.buildIndexes()
        return set
    }

    /// This form set with the units of another `units.json` (a province's list with its divisions, as a
    /// province package carries it), checked like a loaded set.
    public func replacingUnits(with unitsJSON: Data) throws(FormSetError) -> FormSet {
        let file: UnitsFile
        do {
            file = try JSONDecoder().decode(UnitsFile.self, from: unitsJSON)
        } catch let error as DecodingError {
            throw FormSetError(errors: [FormDefinitionError(decoding: error, file: FormSet.unitsFile)])
        } catch {
            throw FormSetError(errors: [FormDefinitionError(file: FormSet.unitsFile, path: "", message: "不是有效的 JSON")])
        }
        var set = FormSet(forms: forms, lists: lists, unitKinds: file.kinds, units: file.units, campaign: campaign)
        let errors = FormSetChecker(set: set).check()
        guard errors.isEmpty else { throw FormSetError(errors: errors) }
        set.buildIndexes()
        return set
    }

    private init(forms: [Form], lists: [ChoiceList], unitKinds: [UnitKind], units: [ReportingUnit],
                 campaign: Campaign) {
        self.forms = forms
        self.lists = lists
        self.unitKinds = unitKinds
        self.units = units
        self.campaign = campaign
    }

    private mutating func buildIndexes() {
        for (i, list) in lists.enumerated() {
            listIndex[list.id] = i
            var keys: [String: String] = [:]
            for item in list.allItems {
                for name in [item.value] + item.synonyms { keys[TextFolding.matchKey(name)] = item.value }
            }
            choiceKeys[list.id] = keys
            var exact: [String: String] = [:]
            for item in list.allItems {
                for name in [item.value] + item.synonyms { exact[name] = keys[TextFolding.matchKey(name)] }
            }
            choiceExact[list.id] = exact
        }
        for (i, unit) in units.enumerated() {
            for name in FormSet.names(of: unit) { unitKeys[TextFolding.matchKey(name)] = i }
        }
    }

    /// Every name a unit is known by: full name, short name, code, id, aliases, and 工信局 for 工业和信息化局.
    static func names(of unit: ReportingUnit) -> [String] {
        var names = [unit.name, unit.shortName, unit.code, unit.id] + unit.aliases
        if unit.name.contains("工业和信息化") {
            names.append(unit.name.replacingOccurrences(of: "工业和信息化", with: "工信"))
        }
        return names
    }

    /// The form with `id`.
    public func form(_ id: String) -> Form? { forms.first { $0.id == id } }

    /// The keys other forms' reference columns point at (the 自查台账's 问题编号), each once, in form order.
    public var referenceTargets: [FieldReference] {
        var targets: [FieldReference] = []
        for target in forms.flatMap({ $0.tables.flatMap(\.columns) }).compactMap(\.references) where !targets.contains(target) {
            targets.append(target)
        }
        return targets
    }

    /// The forms whose ledgers others refer to (the 自查台账).
    public var referencedForms: Set<String> { Set(referenceTargets.map(\.form)) }

    /// The forms with a column referring to another form's keys (the 整改工作台账).
    public var referringForms: Set<String> { Set(forms.filter(\.refersToOtherForms).map(\.id)) }

    /// The first form with a header field of `role` (the progress report is the form with `result-total`).
    public func form(withHeaderRole role: String) -> Form? {
        forms.first { !$0.headerFields(role: role).isEmpty }
    }

    /// The choice list with `id`.
    public func list(_ id: String) -> ChoiceList? { listIndex[id].map { lists[$0] } }

    /// The unit with `id`.
    public func unit(id: String) -> ReportingUnit? { units.first { $0.id == id } }

    /// The unit a clerk's text names (full name, short name, alias, code), matched loosely.
    public func unit(named text: String) -> ReportingUnit? {
        unitKeys[TextFolding.matchKey(text)].map { units[$0] }
    }

    /// The canonical value of `list` that `text` spells (value or synonym, matched loosely), if any.
    public func canonicalChoice(_ text: String, list id: String) -> String? {
        if let hit = choiceExact[id]?[text] { return hit }
        return choiceKeys[id]?[TextFolding.matchKey(text)]
    }

    /// The label of a unit kind.
    public func unitKindLabel(_ id: String) -> String { unitKinds.first { $0.id == id }?.label ?? id }

    /// Returns a copy whose units are `units` (the province's own units file, with its divisions).
    public func replacingUnits(_ units: [ReportingUnit]) throws(FormSetError) -> FormSet {
        var copy = self
        copy.units = units
        let errors = FormSetChecker(set: copy).check()
        guard errors.isEmpty else { throw FormSetError(errors: errors) }
        copy.buildIndexes()
        return copy
    }
}

struct ListsFile: Decodable {
    var lists: [ChoiceList]
    enum CodingKeys: String, CodingKey, CaseIterable { case lists }
    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        lists = try decoder.container(keyedBy: CodingKeys.self).decode([ChoiceList].self, forKey: .lists)
    }
}

struct UnitsFile: Decodable {
    var kinds: [UnitKind]
    var units: [ReportingUnit]
    enum CodingKeys: String, CodingKey, CaseIterable { case kinds, units }
    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        kinds = try c.decode([UnitKind].self, forKey: .kinds)
        units = try c.decode([ReportingUnit].self, forKey: .units)
    }
}

extension FormDefinitionError {
    /// Translates a decoding error into a Chinese message with its JSON path.
    init(decoding error: DecodingError, file: String) {
        func path(_ keys: [any CodingKey]) -> String {
            var out = ""
            for key in keys {
                if let index = key.intValue {
                    out += "[\(index)]"
                } else {
                    out += out.isEmpty ? key.stringValue : "." + key.stringValue
                }
            }
            return out
        }
        switch error {
        case .keyNotFound(let key, let context):
            self.init(file: file, path: path(context.codingPath + [key]), message: "缺少必填字段“\(key.stringValue)”")
        case .typeMismatch(let type, let context):
            self.init(file: file, path: path(context.codingPath), message: "类型不对，应为\(FormDefinitionError.typeName(type))")
        case .valueNotFound(let type, let context):
            self.init(file: file, path: path(context.codingPath), message: "不能为空，应为\(FormDefinitionError.typeName(type))")
        case .dataCorrupted(let context):
            let message = context.codingPath.isEmpty && context.underlyingError != nil
                ? "不是有效的 JSON" : context.debugDescription
            self.init(file: file, path: path(context.codingPath), message: message)
        @unknown default:
            self.init(file: file, path: "", message: "\(error)")
        }
    }

    static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "文本"
        case is Int.Type: return "整数"
        case is Double.Type: return "数值"
        case is Bool.Type: return "true 或 false"
        default:
            let name = String(describing: type)
            if name.hasPrefix("Array") { return "数组" }
            if name.hasPrefix("Dictionary") { return "对象" }
            return "对象"
        }
    }
}
