/// A field's cell after header mapping: the value as it was read, and where it was (sheet and cell, or CSV
/// record and column). Compare ``SourceCell``, a raw cell of a sheet row by column number, before mapping.
public struct MappedCell: Hashable, Sendable {
    public var value: CellValue
    public var location: Location

    public init(value: CellValue, location: Location) {
        self.value = value
        self.location = location
    }
}

/// One table row after header mapping: field key → cell, and the row's own location. Compare ``SourceRow``,
/// a raw sheet row as an importer streams it.
public struct MappedRow: Hashable, Sendable {
    /// Where the row is (sheet and row; or CSV record).
    public var location: Location
    /// The cells by field key; a field without a cell was empty (or its column is absent).
    public var cells: [String: MappedCell]
    /// Cells of columns the unit added that the form does not know, by their label (kept, not validated).
    public var extra: [String: CellValue] = [:]

    public init(location: Location, cells: [String: MappedCell], extra: [String: CellValue] = [:]) {
        self.location = location
        self.cells = cells
        self.extra = extra
    }
}

/// A form as read from a file, before normalisation: what importers (through ``LedgerReader``) produce
/// and the ``Validator`` consumes.
public struct LedgerInput: Sendable {
    /// The form.
    public var form: Form
    /// Header cells by field key.
    public var header: [String: MappedCell]
    /// Where a header field's value belongs, for fields that are missing (the label's neighbour).
    public var headerPlaces: [String: Location]
    /// Rows by table id.
    public var tables: [String: [MappedRow]]
    /// Columns absent from the file, by table id (reported once, not on every row).
    /// Labels of the columns a unit added that the form does not know, by table id, in the file's order.
    public var extraColumns: [String: [String]] = [:]
    public var absentColumns: [String: Set<String>]
    /// Where each table is (its sheet), for findings about the table as a whole.
    public var tablePlaces: [String: Location]
    /// The column of each field, by table id: where an empty cell of that field is.
    public var columns: [String: [String: Int]]

    public init(form: Form, header: [String: MappedCell] = [:], headerPlaces: [String: Location] = [:],
                tables: [String: [MappedRow]] = [:], absentColumns: [String: Set<String>] = [:],
                tablePlaces: [String: Location] = [:], columns: [String: [String: Int]] = [:]) {
        self.form = form
        self.header = header
        self.headerPlaces = headerPlaces
        self.tables = tables
        self.absentColumns = absentColumns
        self.tablePlaces = tablePlaces
        self.columns = columns
    }
}

/// The keys another form's ledger holds, for cross-form references (问题编号 of the unit's self-check ledger).
public struct ReferenceIndex: Sendable {
    private var keys: [String: Set<String>] = [:]
    private var rows: [String: [String: Value]] = [:]

    public init() {}

    /// Records the keys of `form`'s key field `field`.
    public mutating func add(form: String, field: String, keys: some Sequence<String>) {
        self.keys["\(form)/\(field)", default: []].formUnion(keys)
    }

    /// Records the values of the row of `form` whose key is `key` (for rules that compare with it, such as a
    /// 完成时间 that may not precede the problem's 发现时间). A later row with the same key replaces it.
    public mutating func addRow(form: String, key: String, values: [String: Value]) {
        rows["\(form)/\(key)"] = values
    }

    /// The known keys, or `nil` when that ledger is not known at all.
    public func keys(form: String, field: String) -> Set<String>? { keys["\(form)/\(field)"] }

    /// The values of the row of `form` with key `key`, when known.
    public func row(form: String, key: String) -> [String: Value]? { rows["\(form)/\(key)"] }
}

/// What the validator knows beyond the file: what was expected, and the other ledgers.
public struct ValidationContext: Sendable {
    /// The form set.
    public var formSet: FormSet
    /// The file's name, put into every finding's location.
    public var fileName: String?
    /// The unit the file is expected to come from (from a template's properties or `--unit`).
    public var expectedUnit: ReportingUnit?
    /// The period it is expected to be for (from a template's properties or `--period`).
    public var expectedPeriod: YearMonth?
    /// Keys of referenced ledgers; `nil` skips reference checks with one informational finding.
    public var references: ReferenceIndex?
    /// What a report's figures are reconciled with (the unit's ledgers, its previous report); `nil` skips it.
    public var facts: ReconciliationFacts?
    /// How serial numbers map to dates.
    public var dateSystem: ExcelDateSystem

    public init(formSet: FormSet, fileName: String? = nil, expectedUnit: ReportingUnit? = nil,
                expectedPeriod: YearMonth? = nil, references: ReferenceIndex? = nil,
                dateSystem: ExcelDateSystem = .system1900) {
        self.formSet = formSet
        self.fileName = fileName
        self.expectedUnit = expectedUnit
        self.expectedPeriod = expectedPeriod
        self.references = references
        self.dateSystem = dateSystem
    }
}

/// The outcome of validating one submission: counts and findings. JSON-encodable for `--json`.
public struct ValidationReport: Sendable, Codable, Hashable {
    /// The file's name.
    public var file: String?
    /// The form id and version.
    public var form: String
    public var formVersion: String
    /// The unit id and period, when known.
    public var unit: String?
    public var period: YearMonth?
    /// Filled rows per table id.
    public var rowCounts: [String: Int]
    /// Every finding, in file order (header first, then tables row by row) — or, in a report capped for
    /// reading (``capped(perCode:)``), the first of each code.
    public var findings: [Finding]
    /// How many findings of each code a capped report leaves out; `nil` in a whole report.
    public var omitted: [String: Int]?
    /// The whole report's counts, kept by a capped one.
    private var wholeCounts: Counts?

    private struct Counts: Hashable, Sendable { var errors: Int, warnings: Int }

    public init(file: String?, form: String, formVersion: String, unit: String?, period: YearMonth?,
                rowCounts: [String: Int], findings: [Finding]) {
        self.file = file
        self.form = form
        self.formVersion = formVersion
        self.unit = unit
        self.period = period
        self.rowCounts = rowCounts
        self.findings = findings
    }

    /// Findings of severity error (in a capped report: of the whole report).
    public var errorCount: Int { wholeCounts?.errors ?? findings.filter { $0.severity == .error }.count }
    /// Findings of severity warning (in a capped report: of the whole report).
    public var warningCount: Int { wholeCounts?.warnings ?? findings.filter { $0.severity == .warning }.count }

    /// The findings people read at most of each code: a file with the same mistake on 100,000 rows names the
    /// first cells and says how many more there are, instead of 100,000 lines.
    public static let shownPerCode = 20

    /// A capped report made while validating (``FindingCollector``): the findings kept, how many of each code
    /// were left out, and the whole file's counts.
    public static func capped(file: String?, form: String, formVersion: String, unit: String?, period: YearMonth?,
                              rowCounts: [String: Int], kept: [Finding], omitted: [String: Int], errors: Int,
                              warnings: Int) -> ValidationReport {
        var report = ValidationReport(file: file, form: form, formVersion: formVersion, unit: unit, period: period,
                                      rowCounts: rowCounts, findings: kept)
        if !omitted.isEmpty {
            report.omitted = omitted
            report.wholeCounts = Counts(errors: errors, warnings: warnings)
        }
        return report
    }

    /// The report with at most `perCode` findings of each code, in file order, and the number left out of each
    /// code in ``omitted``; the counts and the verdict stay those of the whole report.
    public func capped(perCode: Int = ValidationReport.shownPerCode) -> ValidationReport {
        var collector = FindingCollector(perCode: perCode)
        collector.add(findings)
        guard !collector.omitted.isEmpty else { return self }
        return .capped(file: file, form: form, formVersion: formVersion, unit: unit, period: period,
                       rowCounts: rowCounts, kept: collector.kept, omitted: collector.omitted, errors: errorCount,
                       warnings: warningCount)
    }

    /// Whether the submission is accepted: no errors.
    public var isAccepted: Bool { errorCount == 0 }

    /// The whole report without its findings, for a whole report whose findings are kept elsewhere (a file too
    /// large to hold them all): not capped, with the whole file's counts. Encoded, it is what the whole report
    /// encodes to with an empty list of findings.
    public var frame: ValidationReport {
        var frame = self
        frame.findings = []
        frame.omitted = nil
        frame.wholeCounts = Counts(errors: errorCount, warnings: warningCount)
        return frame
    }

    enum CodingKeys: String, CodingKey {
        case file, form, formVersion, unit, period, rowCounts, findings, omitted, errorCount, warningCount, accepted
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        file = try c.decodeIfPresent(String.self, forKey: .file)
        form = try c.decode(String.self, forKey: .form)
        formVersion = try c.decode(String.self, forKey: .formVersion)
        unit = try c.decodeIfPresent(String.self, forKey: .unit)
        period = try c.decodeIfPresent(YearMonth.self, forKey: .period)
        rowCounts = try c.decode([String: Int].self, forKey: .rowCounts)
        findings = try c.decode([Finding].self, forKey: .findings)
        omitted = try c.decodeIfPresent([String: Int].self, forKey: .omitted)
        if omitted != nil {
            wholeCounts = Counts(errors: try c.decode(Int.self, forKey: .errorCount),
                                 warnings: try c.decode(Int.self, forKey: .warningCount))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(file, forKey: .file)
        try c.encode(form, forKey: .form)
        try c.encode(formVersion, forKey: .formVersion)
        try c.encodeIfPresent(unit, forKey: .unit)
        try c.encodeIfPresent(period, forKey: .period)
        try c.encode(rowCounts, forKey: .rowCounts)
        try c.encode(findings, forKey: .findings)
        try c.encodeIfPresent(omitted, forKey: .omitted)
        try c.encode(errorCount, forKey: .errorCount)
        try c.encode(warningCount, forKey: .warningCount)
        try c.encode(isAccepted, forKey: .accepted)
    }
}

/// Checks a form as read: normalises every cell, then applies the form's rules — required,
/// required-when, cascading choices, unique keys, cross-form references, row and header rules —
/// and the expectations (unit, period). Produces the normalised document and the report.
public struct Validator: Sendable {
    public let context: ValidationContext

    public init(context: ValidationContext) { self.context = context }

    /// What validating the header gives the tables: the normalised header values, the unit and period, the
    /// normaliser (its year for dates written without one is the period's), and the header's findings.
    public struct HeaderOutcome: Sendable {
        public var header: [String: Value]
        public var unit: ReportingUnit?
        public var period: YearMonth?
        public var findings: [Finding]
        let normaliser: Normaliser
    }

    /// Validates `input`.
    public func validate(_ input: LedgerInput) -> (document: LedgerDocument, report: ValidationReport) {
        let form = input.form
        let head = validateHeader(input)
        var findings = head.findings

        // Tables.
        var rows: [String: [Record]] = [:]
        var rowCounts: [String: Int] = [:]
        for table in form.tables {
            var rowValidation = TableValidation(validator: self, table: table, input: input, head: head)
            var records: [Record] = []
            for row in input.tables[table.id] ?? [] {
                guard let (values, rowFindings) = rowValidation.validate(TableRow(row, table: table)) else { continue }
                records.append(rowValidation.record(values, row: row.location))
                findings += rowFindings
            }
            rows[table.id] = records
            rowCounts[table.id] = records.count
        }

        let document = LedgerDocument(form: form, formSet: context.formSet, unit: head.unit, period: head.period,
                                      header: head.header, rows: rows, purpose: .data)
        let report = ValidationReport(file: context.fileName, form: form.id, formVersion: form.version,
                                      unit: head.unit?.id, period: head.period, rowCounts: rowCounts, findings: findings)
        return (document, report)
    }

    /// Validates the header of `input` (its cells; its tables are not looked at).
    public func validateHeader(_ input: LedgerInput) -> HeaderOutcome {
        let form = input.form
        var findings: [Finding] = []
        let set = context.formSet

        // The year for dates written without one: the period's.
        let periodGuess = input.header["period"].flatMap {
            Normaliser(formSet: set, defaultYear: context.expectedPeriod?.year).parsePeriod($0.value)
        }
        let year = context.expectedPeriod?.year ?? periodGuess?.year ?? set.campaign.issued.year
        let normaliser = Normaliser(formSet: set, defaultYear: year, dateSystem: context.dateSystem)

        // Header.
        var header: [String: Value] = [:]
        for field in form.header {
            guard let cell = input.header[field.key] else { continue }
            let outcome = normaliser.normalise(cell.value, as: field, at: locate(cell.location, field))
            findings += outcome.findings
            if let value = outcome.value { header[field.key] = value }
        }
        // A unit or period the caller names (--unit, --period, a template's properties) fills the field the file
        // leaves out.
        if header["unit"] == nil, let unit = context.expectedUnit, form.headerField("unit") != nil {
            header["unit"] = .unit(unit.id)
        }
        if header["period"] == nil, let period = context.expectedPeriod, form.headerField("period") != nil {
            header["period"] = .period(period)
        }
        findings += requiredChecks(form.header, values: header, cells: input.header, places: input.headerPlaces)
        findings += ruleChecks(form.rules, fields: form.header, values: header, cells: input.header,
                               places: input.headerPlaces) { header[$0.key] }
        if let facts = context.facts {
            findings += Reconciler.findings(form: form, header: header, facts: facts) { field in
                locate(input.header[field.key]?.location ?? input.headerPlaces[field.key] ?? Location(), field)
            }
        }

        // Unit and period against what was expected.
        var unit = context.expectedUnit
        if case .unit(let id)? = header["unit"], let named = set.unit(id: id) {
            if let expected = context.expectedUnit, expected.id != named.id {
                findings.append(Finding(code: .unitMismatch, location: headerLocation("unit", input, form),
                                        message: "填报单位写的是“\(named.name)”，但这份表是发给“\(expected.name)”的，请核对"))
            }
            unit = unit ?? named
        }
        var period = context.expectedPeriod
        if case .period(let p)? = header["period"] {
            if let expected = context.expectedPeriod, expected != p {
                findings.append(Finding(code: .periodMismatch, location: headerLocation("period", input, form),
                                        message: "报送期写的是 \(p.chinese)，但应报送的是 \(expected.chinese)，请核对"))
            }
            period = period ?? p
        }

        // Everything found so far is about header fields: said so where no cell is known.
        for i in findings.indices where findings[i].location.field != nil { findings[i].location.inHeader = true }
        return HeaderOutcome(header: header, unit: unit, period: period, findings: findings, normaliser: normaliser)
    }

    func locate(_ location: Location, _ field: Field) -> Location {
        var l = location
        l.file = l.file ?? context.fileName
        l.field = field.key
        l.columnLabel = l.columnLabel ?? field.label
        return l
    }

    private func headerLocation(_ key: String, _ input: LedgerInput, _ form: Form) -> Location {
        let field = form.headerField(key)!
        return locate(input.header[key]?.location ?? input.headerPlaces[key] ?? Location(), field)
    }

    /// One table's rows validated one at a time, in file order: what validating a row needs to remember of the
    /// rows before it (the keys seen, for duplicates; which reference columns were said to be unchecked) is kept
    /// here, so rows can be validated as they are read. Fields are addressed by their index in the table (a
    /// ``TableRow``), never looked up by key per cell; a cell's place is worked out only for a finding.
    public struct TableValidation {
        /// What stays the same from row to row, behind one reference (a row costs one retain, not one per array
        /// or per copy of the form set).
        final class Setup: @unchecked Sendable {
            let validator: Validator
            let table: FormTable
            let header: [String: Value]
            let normaliser: Normaliser
            let plan: TablePlan
            /// Whether each field's column is absent from the file (reported once, not on every row).
            let absent: [Bool]
            /// The column of each field in the file, by field index.
            let columnOf: [Int?]
            /// The keys of each reference field's target ledger, when known.
            let referenceKeys: [Set<String>?]

            init(validator: Validator, table: FormTable, header: [String: Value], normaliser: Normaliser, plan: TablePlan,
                 absent: [Bool], columnOf: [Int?], referenceKeys: [Set<String>?]) {
                self.validator = validator
                self.table = table
                self.header = header
                self.normaliser = normaliser
                self.plan = plan
                self.absent = absent
                self.columnOf = columnOf
                self.referenceKeys = referenceKeys
            }
        }

        let setup: Setup
        /// The table.
        public var table: FormTable { setup.table }
        /// The first place of each key of the table's key column: its row and column only (the sheet and file
        /// are the table's), so 100,000 keys cost little.
        var seenKeys = KeySet()
        var uncheckedReported: [Bool]

        /// Prepares the validation of `table` in `input` (its columns and absent columns; its rows are not read),
        /// under the header's outcome.
        public init(validator: Validator, table: FormTable, input: LedgerInput, head: HeaderOutcome) {
            let plan = TablePlan(table, formSet: validator.context.formSet)
            let absentKeys = input.absentColumns[table.id] ?? []
            let columns = input.columns[table.id] ?? [:]
            let references = validator.context.references
            setup = Setup(
                validator: validator, table: table, header: head.header, normaliser: head.normaliser, plan: plan,
                absent: table.columns.map { absentKeys.contains($0.key) }, columnOf: table.columns.map { columns[$0.key] },
                referenceKeys: table.columns.map { field in
                    field.references.flatMap { references?.keys(form: $0.form, field: $0.field) }
                })
            uncheckedReported = Array(repeating: false, count: table.columns.count)
        }

        /// Validates the next row: its record (valid values only) and findings, or `nil` for a row that is not
        /// filled in (blank but for a 序号).
        public mutating func validate(_ row: MappedRow) -> (Record, [Finding])? {
            guard let (values, findings) = validate(TableRow(row, table: setup.table)) else { return nil }
            return (record(values, row: row.location), findings)
        }

        /// The record of a row's valid values (as ``validate(_:)-(TableRow)`` gives them) read at `location`.
        public func record(_ values: ContiguousArray<Value?>, row location: Location) -> Record {
            var dictionary: [String: Value] = [:]
            dictionary.reserveCapacity(values.count)
            let keys = setup.plan.keys
            for i in values.indices { if let value = values[i] { dictionary[keys[i]] = value } }
            var source = location
            source.file = source.file ?? setup.validator.context.fileName
            return Record(values: dictionary, source: source)
        }

        /// Validates the next row: its valid values by field index and its findings, or `nil` for a row that is
        /// not filled in (blank but for a 序号).
        public mutating func validate(_ row: TableRow) -> (values: ContiguousArray<Value?>, findings: [Finding])? {
            let k = setup
            let plan = k.plan
            let columns = k.table.columns
            let count = columns.count
            var filled = false
            for i in 0..<count where !plan.autoNumber[i] && !row.values[i].isBlank {
                filled = true
                break
            }
            guard filled else { return nil }
            var findings: [Finding] = []
            var values = ContiguousArray<Value?>(repeating: nil, count: count)

            // Each cell normalised; findings are placed at the cell afterwards (most cells have none).
            let nowhere = Location()
            let boxes = plan.fields
            for i in 0..<count where row.hasCell(i) {
                let outcome = k.normaliser.normalise(row.values[i], as: boxes[i].field, at: nowhere)
                if !outcome.findings.isEmpty {
                    let here = place(i, row)
                    for var finding in outcome.findings {
                        finding.location = here
                        findings.append(finding)
                    }
                }
                values[i] = outcome.value
            }

            // Required fields, and fields required while another has a value.
            for i in 0..<count where values[i] == nil && !k.absent[i] {
                // An invalid value was already reported; only empty cells are "missing".
                if row.hasCell(i), !row.values[i].isBlank { continue }
                if plan.required[i] {
                    findings.append(Validator.missingValue(columns[i], at: place(i, row)))
                } else if let (j, states) = plan.requiredWhen[i], let other = values[j], states.contains(other.conditionText) {
                    findings.append(Validator.missingConditional(columns[i], when: columns[j].label, is: other,
                                                                 at: place(i, row)))
                }
            }

            // Cascading choices: the child must belong to the parent's group (or the common items).
            for i in 0..<count {
                guard let parentIndex = plan.dependsOn[i], let list = plan.lists[i],
                      case .choice(let child)? = values[i], case .choice(let parent)? = values[parentIndex] else { continue }
                if !list.items(under: parent).contains(where: { $0.value == child }) {
                    let parentLabel = columns[parentIndex].label
                    findings.append(Finding(
                        code: .choiceMismatch, location: place(i, row),
                        message: "“\(child)”不属于\(parentLabel)“\(parent)”的具体情形，请核对\(parentLabel)或重新选择"))
                    values[i] = nil
                }
            }

            // The form's rules on the row.
            for rule in plan.rules {
                guard let a = values[rule.field] else { continue }
                var b: Value?
                switch rule.other {
                case .same(let j): b = j.flatMap { values[$0] }
                case .header(let key): b = k.header[key]
                case .reference(let key):
                    if let r = plan.referenceColumn, let ref = columns[r].references, let id = values[r]?.displayText {
                        b = k.validator.context.references?.row(form: ref.form, key: id)?[key]
                    }
                case .condition(let j, let states):
                    guard let j, let state = values[j], states.contains(state.conditionText) else { continue }
                    b = state
                case nil: continue
                }
                guard let other = b, rule.rule.isBroken(a, other) else { continue }
                findings.append(rule.rule.finding(a, other, at: place(rule.field, row)))
            }

            // Unique key.
            if let k = plan.keyIndex, let key = values[k]?.displayText {
                let (r, c) = row.cellRowColumn(k) ?? (row.row, setup.columnOf[k])
                if let first = seenKeys.firstPlace(of: key, else: KeySet.Place(row: Int32(r ?? 0), column: Int32(c ?? 0))) {
                    let firstPlace = first.column > 0 && first.row > 0
                        ? CellReference.columnName(Int(first.column)) + String(first.row)
                        : first.row > 0 ? "第 \(first.row) 行" : ""
                    let label = columns[k].label
                    findings.append(Finding(
                        code: .duplicateKey, location: place(k, row),
                        message: "\(label)“\(key)”与 \(firstPlace) 重复，每个\(label)只能出现一次"))
                }
            }

            // Cross-form references.
            for (i, ref) in plan.referenceFields {
                guard let key = values[i]?.displayText else { continue }
                if let known = k.referenceKeys[i] {
                    if !known.contains(key) {
                        let targetTitle = k.validator.context.formSet.form(ref.form)?.shortTitle ?? ref.form
                        findings.append(Finding(
                            code: .danglingReference, location: place(i, row),
                            message: "\(columns[i].label)“\(key)”在本单位的\(targetTitle)中不存在，请先在\(targetTitle)中登记该问题，或核对编号"))
                    }
                } else if !uncheckedReported[i] {
                    uncheckedReported[i] = true
                    let targetTitle = k.validator.context.formSet.form(ref.form)?.shortTitle ?? ref.form
                    findings.append(Finding(
                        code: .referenceUnchecked, severity: .info, location: k.validator.locate(row.location, columns[i]),
                        message: "尚未收到本单位的\(targetTitle)，暂未核对\(columns[i].label)"))
                }
            }
            return (values, findings)
        }

        /// Where field `i` of `row` is: its cell, or (for a field the row has no cell for) the field's column in
        /// the row; with the field's key and label.
        func place(_ i: Int, _ row: TableRow) -> Location {
            let k = setup
            let field = k.table.columns[i]
            if let cell = row.cellLocation(i) { return k.validator.locate(cell, field) }
            var location = row.location
            location.column = k.columnOf[i]
            return k.validator.locate(location, field)
        }
    }

    /// The header's required fields, and fields required while another has a value. (A table's rows are checked
    /// by ``TableValidation``, with the same findings.)
    func requiredChecks(_ fields: [Field], values: [String: Value], cells: [String: MappedCell],
                        places: [String: Location]) -> [Finding] {
        var findings: [Finding] = []
        for field in fields where values[field.key] == nil {
            // An invalid value was already reported; only empty cells are "missing".
            if let cell = cells[field.key], !cell.value.isBlank { continue }
            guard field.required || field.requiredWhen != nil else { continue }
            let location = locate(cells[field.key]?.location ?? places[field.key] ?? Location(), field)
            if field.required {
                findings.append(Validator.missingValue(field, at: location))
            } else if let condition = field.requiredWhen, let other = values[condition.field],
                      condition.in.contains(other.conditionText) {
                let otherLabel = fields.first { $0.key == condition.field }?.label ?? condition.field
                findings.append(Validator.missingConditional(field, when: otherLabel, is: other, at: location))
            }
        }
        return findings
    }

    /// An empty required field.
    static func missingValue(_ field: Field, at location: Location) -> Finding {
        let hint = field.type == .integer ? "，没有的请填 0" : ""
        return Finding(code: .missingValue, location: location, message: "“\(field.label)”不能为空\(hint)")
    }

    /// An empty field that another field's value (`otherLabel` is `other`) makes required.
    static func missingConditional(_ field: Field, when otherLabel: String, is other: Value, at location: Location) -> Finding {
        Finding(code: .missingConditional, location: location,
                message: "\(otherLabel)为“\(other.conditionText)”时，“\(field.label)”必须填写")
    }

    /// The form's rules on one row (or the header). `other` finds the value a rule compares with.
    func ruleChecks(_ rules: [FormRule], fields: [Field], values: [String: Value],
                            cells: [String: MappedCell], places: [String: Location],
                            other: (FormRule.Source) -> Value?) -> [Finding] {
        var findings: [Finding] = []
        for rule in rules {
            guard let index = fields.firstIndex(where: { $0.key == rule.field }) else { continue }
            let a = values[rule.field]
            var b: Value?
            let broken: Bool
            switch rule.kind {
            case .notLess, .notBefore, .notAfter, .sameAs:
                guard let a, let source = rule.thanSource, let found = other(source) else { continue }
                b = found
                broken = rule.isBroken(a, found)
            case .emptyWhen, .excludesWhen:
                guard let a, let condition = rule.when, let state = values[condition.field],
                      condition.in.contains(state.conditionText) else { continue }
                b = state
                broken = rule.isBroken(a, state)
            }
            if broken, let a, let b {
                findings.append(rule.finding(a, b, at: locate(cells[rule.field]?.location ?? places[rule.field] ?? Location(),
                                                              fields[index])))
            }
        }
        return findings
    }
}

/// Findings as they come, keeping at most `perCode` of each code and counting the rest: what a check of a file of
/// any size holds in memory.
public struct FindingCollector: Sendable {
    public let perCode: Int
    public private(set) var kept: [Finding] = []
    public private(set) var omitted: [String: Int] = [:]
    public private(set) var errors = 0
    public private(set) var warnings = 0
    private var seen: [String: Int] = [:]

    public init(perCode: Int) { self.perCode = perCode }

    public mutating func add(_ findings: [Finding]) {
        for finding in findings {
            if finding.severity == .error { errors += 1 } else if finding.severity == .warning { warnings += 1 }
            let code = finding.code.rawValue
            let n = (seen[code] ?? 0) + 1
            seen[code] = n
            if n <= perCode { kept.append(finding) } else { omitted[code, default: 0] += 1 }
        }
    }
}

extension FormRule {
    /// The finding when the rule is broken by `value` given `other`: its message with both filled in.
    func finding(_ value: Value, _ other: Value, at location: Location) -> Finding {
        let message = self.message.replacingOccurrences(of: "{value}", with: value.displayText)
            .replacingOccurrences(of: "{other}", with: other.displayText)
        return Finding(code: code, severity: severity, location: location, message: message)
    }

    /// Whether the rule is broken by `value` (its field's) given `other`: the value it compares with, or for
    /// `empty-when` and `excludes-when` the state that makes the rule apply.
    func isBroken(_ value: Value, _ other: Value) -> Bool {
        switch kind {
        case .notLess: return (value.number ?? 0) < (other.number ?? 0)
        case .notBefore: return value.date.flatMap { x in other.date.map { x < $0 } } ?? false
        case .notAfter: return value.date.flatMap { x in other.date.map { x > $0 } } ?? false
        case .sameAs: return TextFolding.matchKey(value.displayText) != TextFolding.matchKey(other.displayText)
        case .emptyWhen: return !TextFolding.trimmed(value.displayText).isEmpty
        case .excludesWhen:
            let text = value.displayText
            return texts.contains { TextFolding.contains(text, $0) }
        }
    }
}

/// A table's fields and rules resolved to field indices once, so validating a row looks nothing up by key.
final class TablePlan: Sendable {
    /// Where a rule's other value comes from, resolved.
    enum Other: Sendable {
        /// A field of the same row (`nil`: not a field of the table).
        case same(Int?)
        case header(String)
        case reference(String)
        /// The field whose state makes the rule apply, and the states.
        case condition(Int?, Set<String>)
    }

    /// A class, so that going through the rules of every row costs a retain each, not a copy of each rule's texts.
    final class Rule: Sendable {
        init(rule: FormRule, field: Int, other: Other?) {
            self.rule = rule
            self.field = field
            self.other = other
        }
        let rule: FormRule
        /// The checked field's index.
        let field: Int
        /// `nil`: the rule has nothing to compare with and never applies.
        let other: Other?
    }

    /// The fields, each behind a reference: the normaliser reads a field in place instead of copying it (a
    /// Field is a large struct) for every cell.
    final class FieldBox: Sendable {
        let field: Field
        init(_ field: Field) { self.field = field }
    }

    let fields: [FieldBox]
    let keys: [String]
    let autoNumber: [Bool]
    let required: [Bool]
    /// The index of the field a field's `requiredWhen` looks at, and the states that make it required.
    let requiredWhen: [(Int, [String])?]
    /// The index of the parent of a cascading choice.
    let dependsOn: [Int?]
    /// The choice list of a cascading choice.
    let lists: [ChoiceList?]
    /// The first field that references another form (a rule's `reference.` values come through it).
    let referenceColumn: Int?
    /// The reference fields, checked against the other ledger's keys.
    let referenceFields: [(Int, FieldReference)]
    /// The key column.
    let keyIndex: Int?
    let rules: [Rule]

    init(_ table: FormTable, formSet: FormSet) {
        let columns = table.columns
        var index: [String: Int] = [:]
        for (i, field) in columns.enumerated() where index[field.key] == nil { index[field.key] = i }
        fields = columns.map(FieldBox.init)
        keys = columns.map(\.key)
        autoNumber = columns.map(\.autoNumber)
        required = columns.map(\.required)
        requiredWhen = columns.map { field in
            field.requiredWhen.flatMap { condition in index[condition.field].map { ($0, condition.in) } }
        }
        dependsOn = columns.map { $0.dependsOn.flatMap { index[$0] } }
        lists = columns.map { field in field.dependsOn == nil ? nil : field.list.flatMap(formSet.list) }
        referenceColumn = columns.firstIndex { $0.references != nil }
        referenceFields = columns.indices.compactMap { i in
            columns[i].type == .reference ? columns[i].references.map { (i, $0) } : nil
        }
        keyIndex = table.key.flatMap { index[$0] }
        rules = table.rules.compactMap { rule in
            guard let field = index[rule.field] else { return nil }
            let other: Other?
            switch rule.kind {
            case .notLess, .notBefore, .notAfter, .sameAs:
                switch rule.thanSource {
                case .same(let key)?: other = .same(index[key])
                case .header(let key)?: other = .header(key)
                case .reference(let key)?: other = .reference(key)
                case nil: other = nil
                }
            case .emptyWhen, .excludesWhen:
                other = rule.when.map { .condition(index[$0.field], Set($0.in)) }
            }
            return Rule(rule: rule, field: field, other: other)
        }
    }
}
