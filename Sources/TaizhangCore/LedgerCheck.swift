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
