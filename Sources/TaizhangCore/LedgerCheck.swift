/// One returned file checked end to end: recognised, read, normalised and validated.
public struct CheckedLedger: Sendable {
    /// The normalised document (only valid values; see the report for the rest).
    public var document: LedgerDocument
    /// Every finding: the file's shape first (missing columns …), then the cells.
    public var report: ValidationReport
    /// How the form was recognised.
    public var recognition: LedgerReader.Recognition
}

/// Reads and validates a returned file: ``LedgerReader`` then ``Validator``, with the unit and period the
/// file itself declares (a template's properties) or the caller gave.
public struct LedgerChecker: Sendable {
    public let formSet: FormSet

    public init(formSet: FormSet) { self.formSet = formSet }

    /// Checks an opened file. Throws ``ImportError`` when no form can be recognised in it.
    public func check(_ source: any SheetSource, fileName: String, hints: LedgerReader.Hints = .init(),
                      references: ReferenceIndex? = nil, facts: ReconciliationFacts? = nil) throws -> CheckedLedger {
        let read = try LedgerReader(formSet: formSet).read(source, fileName: fileName, hints: hints)
        return validate(read, fileName: fileName, references: references, facts: facts)
    }

    /// The second half of ``check(_:fileName:hints:references:)``: validates what was read. Separate so that
    /// files can be read in parallel and validated in order against references that earlier files provide.
    public func validate(_ read: LedgerReader.Result, fileName: String, references: ReferenceIndex?,
                         facts: ReconciliationFacts? = nil) -> CheckedLedger {
        var context = ValidationContext(formSet: formSet, fileName: fileName, expectedUnit: read.expectedUnit,
                                        expectedPeriod: read.expectedPeriod, references: references)
        context.facts = facts
        var (document, report) = Validator(context: context).validate(read.input)
        report.findings = read.findings + report.findings
        return CheckedLedger(document: document, report: report, recognition: read.recognition)
    }

    /// Checks an opened file row by row as it is read (the file parsed on a thread of its own, a few hundred rows
    /// ahead: ``PrefetchedSheetSource``), keeping no rows and at most `perCode` findings of each code
    /// (``FindingCollector``): the document carries the header, unit and period but no rows; the report is
    /// capped, with the whole file's counts. The same findings, in the same order, as the ordinary check capped.
    /// A report's figures are reconciled with `facts` as in ``check(_:fileName:hints:references:facts:)``.
    /// A file that names header fields only after its table (a footer's 填报日期) is checked again the ordinary way:
    /// its rows' checks may depend on them.
    ///
    /// With `records`, each valid row's record is handed on as it is validated (for an export that writes while it
    /// reads), after `records.begin` has been given the document's header (form, unit, period and header values,
    /// no rows) — before the first row, or at the end for a file without rows. A file whose header is completed
    /// only after its table cannot be streamed: ``HeaderAfterRows`` is thrown, after rows may have been handed on;
    /// the caller discards what it wrote and checks the ordinary way.
    public func checkStreaming(_ source: any SheetSource, fileName: String, hints: LedgerReader.Hints = .init(),
                               references: ReferenceIndex? = nil, facts: ReconciliationFacts? = nil, perCode: Int,
                               records: RecordStream? = nil) throws -> CheckedLedger {
        func context(expectedUnit: ReportingUnit?, expectedPeriod: YearMonth?) -> ValidationContext {
            var context = ValidationContext(formSet: formSet, fileName: fileName, expectedUnit: expectedUnit,
                                            expectedPeriod: expectedPeriod, references: references)
            context.facts = facts
            return context
        }
        var validator: Validator?
        var head: Validator.HeaderOutcome?
        var headerSeen: [String: MappedCell] = [:]
        var tables: [Validator.TableValidation?] = []
        var rowCounts: [String: Int] = [:]
        var counts: [Int] = []
        var rowFindings = FindingCollector(perCode: perCode)
        var begun = false
        // The file is parsed on a thread of its own while its rows are checked on this one.
        let read = try LedgerReader(formSet: formSet).read(PrefetchedSheetSource(source), fileName: fileName,
                                                           hints: hints) { sofar, t, row in
            if head == nil {
                let now = sofar()
                let v = Validator(context: context(expectedUnit: now.expectedUnit, expectedPeriod: now.expectedPeriod))
                validator = v
                head = v.validateHeader(now.input)
                headerSeen = now.input.header
                tables = Array(repeating: nil, count: now.input.form.tables.count)
                counts = Array(repeating: 0, count: tables.count)
            }
            guard let v = validator, let h = head else { return }
            if tables[t] == nil {
                let now = sofar()
                tables[t] = Validator.TableValidation(validator: v, table: now.input.form.tables[t], input: now.input, head: h)
            }
            guard let (values, findings) = tables[t]!.validate(row) else { return }
            counts[t] += 1
            if !findings.isEmpty {
                rowFindings.add(findings)
                try records?.findings?(findings)
            }
            if let records {
                let table = tables[t]!
                if !begun {
                    begun = true
                    try records.begin(LedgerDocument(form: sofar().input.form, formSet: formSet, unit: h.unit,
                                                     period: h.period, header: h.header, purpose: .data))
                }
                try records.row(table.table.id, table.record(values, row: row.location))
            }
        }
        for (t, table) in read.input.form.tables.enumerated() { rowCounts[table.id] = t < counts.count ? counts[t] : 0 }
        // The rows were validated under the header as it was when the first row came: a file that names header
        // fields after its table is checked again the ordinary way.
        if head != nil && read.input.header != headerSeen {
            if records != nil { throw HeaderAfterRows() }
            var whole = try check(source, fileName: fileName, hints: hints, references: references, facts: facts)
            whole.report = whole.report.capped(perCode: perCode)
            whole.document.rows = [:]
            return whole
        }
        let finalHead = head ?? Validator(context: context(expectedUnit: read.expectedUnit,
                                                           expectedPeriod: read.expectedPeriod)).validateHeader(read.input)
        // In the ordinary check's order: the reader's findings (missing columns, an old template), the header's,
        // then the rows'.
        var all = FindingCollector(perCode: perCode)
        all.add(read.findings + finalHead.findings)
        let (errorsBefore, warningsBefore) = (all.errors, all.warnings)
        all.add(rowFindings.kept)
        let omitted = rowFindings.omitted.merging(all.omitted, uniquingKeysWith: +)
        let form = read.input.form
        let document = LedgerDocument(form: form, formSet: formSet, unit: finalHead.unit, period: finalHead.period,
                                      header: finalHead.header, rows: [:], purpose: .data)
        let report = ValidationReport.capped(
            file: fileName, form: form.id, formVersion: form.version, unit: finalHead.unit?.id, period: finalHead.period,
            rowCounts: rowCounts, kept: all.kept, omitted: omitted,
            errors: errorsBefore + rowFindings.errors, warnings: warningsBefore + rowFindings.warnings)
        if let records, !begun { try records.begin(document) }
        try records?.fileFindings?(read.findings + finalHead.findings)
        return CheckedLedger(document: document, report: report, recognition: read.recognition)
    }

    /// What a file is, from its header alone: the form, unit and period it declares, read as far as its first
    /// row. Throws ``ImportError`` when no form can be recognised in it.
    public func peek(_ source: any SheetSource, fileName: String, hints: LedgerReader.Hints = .init()) throws -> Peek {
        struct Seen: Error { let result: LedgerReader.Result }
        let read: LedgerReader.Result
        do {
            read = try LedgerReader(formSet: formSet).read(source, fileName: fileName, hints: hints) { sofar, _, _ in
                throw Seen(result: sofar())
            }
        } catch let seen as Seen {
            read = seen.result
        }
        return peek(read, fileName: fileName)
    }

    /// What a file read is, from its header alone (its rows are not validated).
    public func peek(_ read: LedgerReader.Result, fileName: String) -> Peek {
        let head = Validator(context: ValidationContext(formSet: formSet, fileName: fileName,
                                                        expectedUnit: read.expectedUnit,
                                                        expectedPeriod: read.expectedPeriod, references: nil))
            .validateHeader(read.input)
        return Peek(form: read.input.form, unit: unit(of: read), period: head.period, headerUnit: head.unit)
    }

    /// A file's form, unit and period, as its header declares them (``peek(_:fileName:hints:)``).
    public struct Peek: Sendable {
        public var form: Form
        /// The unit (as ``unit(of:)`` finds it).
        public var unit: ReportingUnit?
        public var period: YearMonth?
        /// The unit as the header's validation gives it (what a checked document carries).
        public var headerUnit: ReportingUnit?
    }

    /// Where ``checkStreaming(_:fileName:hints:references:perCode:records:)`` hands valid records as it reads.
    public struct RecordStream {
        /// Called once, before the first record (or at the end when there is none): the document without rows.
        public var begin: (LedgerDocument) throws -> Void
        /// Called for each valid row, with its table's id, in file order (the tables in the form's order).
        public var row: (_ table: String, _ record: Record) throws -> Void
        /// Called with each row's findings as they are made, every one (the report returned is capped), for a
        /// whole report kept elsewhere.
        public var findings: ((_ rowFindings: [Finding]) throws -> Void)?
        /// Called once at the end with the file's own findings (the reader's and the header's), every one: in a
        /// whole report they come before the rows'.
        public var fileFindings: ((_ findings: [Finding]) throws -> Void)?

        public init(begin: @escaping (LedgerDocument) throws -> Void,
                    row: @escaping (_ table: String, _ record: Record) throws -> Void,
                    findings: ((_ rowFindings: [Finding]) throws -> Void)? = nil,
                    fileFindings: ((_ findings: [Finding]) throws -> Void)? = nil) {
            self.begin = begin
            self.row = row
            self.findings = findings
            self.fileFindings = fileFindings
        }
    }

    /// A file that completes its header after its table (a footer's 填报日期): its rows cannot be handed on before
    /// the header is known.
    public struct HeaderAfterRows: Error {}

    /// The unit a read file belongs to: the expected one, or the one its 填报单位 names.
    public func unit(of read: LedgerReader.Result) -> ReportingUnit? {
        if let unit = read.expectedUnit { return unit }
        guard let cell = read.input.header["unit"] else { return nil }
        return formSet.unit(named: cell.value.displayText)
    }

    /// The keys of a checked ledger's key columns, as a reference index for the ledgers that point at it.
    public static func referenceKeys(of document: LedgerDocument, into index: inout ReferenceIndex) {
        for table in document.form.tables {
            guard let key = table.key else { continue }
            let keys = (document.rows[table.id] ?? []).compactMap { $0[key]?.displayText }
            index.add(form: document.form.id, field: key, keys: keys)
            for record in document.rows[table.id] ?? [] {
                if let id = record[key]?.displayText { index.addRow(form: document.form.id, key: id, values: record.values) }
            }
        }
    }
}
