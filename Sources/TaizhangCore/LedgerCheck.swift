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
                      references: ReferenceIndex? = nil) throws -> CheckedLedger {
        let read = try LedgerReader(formSet: formSet).read(source, fileName: fileName, hints: hints)
        let context = ValidationContext(formSet: formSet, fileName: fileName, expectedUnit: read.expectedUnit,
                                        expectedPeriod: read.expectedPeriod, references: references)
        var (document, report) = Validator(context: context).validate(read.input)
        report.findings = read.findings + report.findings
        return CheckedLedger(document: document, report: report, recognition: read.recognition)
    }

    /// The keys of a checked ledger's key columns, as a reference index for the ledgers that point at it.
    public static func referenceKeys(of document: LedgerDocument, into index: inout ReferenceIndex) {
        for table in document.form.tables {
            guard let key = table.key else { continue }
            let keys = (document.rows[table.id] ?? []).compactMap { $0[key]?.displayText }
            index.add(form: document.form.id, field: key, keys: keys)
        }
    }
}
