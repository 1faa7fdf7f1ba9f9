import Foundation
import TaizhangCore
import TaizhangStore
import TaizhangXLSX

/// What a person told a use case about a file that the file may not say itself.
public struct LedgerHintText: Sendable {
    /// A form id or name.
    public var form: String?
    /// A unit's id, name or short name.
    public var unit: String?
    /// A period.
    public var period: YearMonth?

    public init(form: String? = nil, unit: String? = nil, period: YearMonth? = nil) {
        self.form = form
        self.unit = unit
        self.period = period
    }
}

/// What an export wrote: the check of the file (its report capped, its counts the whole file's; no rows) and the
/// files (one per table for a format of one table per file, such as CSV, when the form has several).
public struct LedgerExport: Sendable {
    public var checked: CheckedLedger
    public var files: [String]
}

extension Workflow {
    /// The reader's hints for what a person said, resolved against the form set.
    public func hints(_ text: LedgerHintText) throws -> LedgerReader.Hints {
        var hints = LedgerReader.Hints()
        if let form = text.form { hints.form = try formSet.resolveForm(form) }
        if let unit = text.unit { hints.unit = try formSet.resolveUnit(unit) }
        hints.period = text.period
        return hints
    }

    /// Checks one returned file: reads it, validates it (against the unit's referenced ledgers given as
    /// `references`, such as its self-check ledger) and, with `annotate`, writes the unit's file back with the
    /// faulty cells marked. With a `workspace`, the unit's ledgers there are the references (unless files are
    /// given), and a report's figures are reconciled with them and with the unit's previous report.
    /// Throws `ImportError` for a file that cannot be read at all.
    ///
    /// `displayName` is the file's name in findings and messages (its path's last component by default).
    /// With `perCode`, the report keeps at most that many findings of each code (the rest counted): a file
    /// checked without a workspace and without `annotate` is then read and validated row by row, keeping no rows
    /// (``LedgerChecker/checkStreaming(_:fileName:hints:references:perCode:)``), and its document has none.
    public func check(file: String, displayName: String? = nil, hints text: LedgerHintText = .init(),
                      references: [String] = [], workspace: Workspace? = nil,
                      annotate: String? = nil, perCode: Int? = nil) throws -> CheckedLedger {
        let hints = try hints(text)
        let opener = FileOpener(registry: registry)
        let checker = LedgerChecker(formSet: formSet)
        var index: ReferenceIndex?
        for path in references {
            let (source, name) = try opener.open(path)
            let checked = try checker.check(source, fileName: name, hints: LedgerReader.Hints(unit: hints.unit))
            var i = index ?? ReferenceIndex()
            LedgerChecker.referenceKeys(of: checked.document, into: &i)
            index = i
        }
        let (source, name) = try opener.open(file, displayName: displayName)
        if let perCode, workspace == nil, annotate == nil {
            return try checker.checkStreaming(source, fileName: name, hints: hints, references: index, perCode: perCode)
        }
        // Row by row too, keeping every finding (the annotated return marks them all, `--all` lists them all),
        // against the workspace's ledgers and figures for the unit the header names.
        var facts: ReconciliationFacts?
        if let workspace {
            let peek = try checker.peek(source, fileName: name, hints: hints)
            if let unit = peek.unit {
                if index == nil { index = try workspace.references(unit: unit.id, formSet: formSet).index }
                facts = try peek.period.flatMap {
                    try reconciliationFacts(form: peek.form, unit: unit.id, period: $0, workspace: workspace)
                }
            }
        }
        do {
            var leading: [Finding] = [], rows: [Finding] = []
            var checked = try checker.checkStreaming(
                source, fileName: name, hints: hints, references: index, facts: facts,
                perCode: perCode ?? ValidationReport.shownPerCode,
                records: .init(begin: { _ in }, row: { _, _ in }, findings: { rows += $0 }, fileFindings: { leading = $0 }))
            let findings = leading + rows
            if let annotate {
                try writeAnnotatedReturn(path: file, name: name, hints: hints, findings: findings, to: annotate,
                                         protecting: [file] + references)
            }
            if perCode == nil {
                var whole = checked.report.frame
                whole.findings = findings
                checked.report = whole
            }
            return checked
        } catch is LedgerChecker.HeaderAfterRows {
            // A header completed after the table (a footer's 填报日期): checked whole, below.
        }
        let read = try LedgerReader(formSet: formSet).read(source, fileName: name, hints: hints)
        var checked = checker.validate(read, fileName: name, references: index)
        if let workspace, let unit = checker.unit(of: read) {
            if index == nil { index = try workspace.references(unit: unit.id, formSet: formSet).index }
            let facts = try checked.document.period.flatMap {
                try reconciliationFacts(form: read.input.form, unit: unit.id, period: $0, workspace: workspace)
            }
            checked = checker.validate(read, fileName: name, references: index, facts: facts)
        }
        if let annotate {
            try writeAnnotatedWorkbook(read: read, unit: checked.document.unit, period: checked.document.period,
                                       findings: checked.report.findings, fileName: name, to: annotate,
                                       protecting: [file] + references)
        }
        if let perCode { checked.report = checked.report.capped(perCode: perCode) }
        return checked
    }

    /// A returned file's normalised records written in another format (`xlsx`, `csv`, `json`); cells with
    /// errors are left empty. Returns the check, whose error count says how many were left out; its report is
    /// capped (``ValidationReport/shownPerCode`` findings of each code, the counts of the whole file) and its
    /// document has no rows.
    ///
    /// The records are written as they are read and validated (``LedgerChecker/checkStreaming(_:fileName:hints:references:perCode:records:)``
    /// into the exporter's ``LedgerStreamWriter``), so memory does not grow with the rows. A file that completes
    /// its header after its table (a footer's 填报日期) is written the ordinary way: what was streamed is discarded.
    /// A format that holds one table per file (CSV) writes a form of several tables as one file per table beside
    /// `output` (`名称_表名.csv`, as reports are written). Files are written atomically: an export that fails leaves
    /// none.
    public func export(file: String, format: String, to output: String, hints text: LedgerHintText = .init(),
                       encoding: String? = nil) throws -> LedgerExport {
        var exporter = try ledgerExporter(format)
        if let encoding {
            guard let encoded = exporter.encoded(encoding) else {
                throw WorkflowError(.unknownEncoding, subject: encoding, detail: exporter.encodings.isEmpty
                    ? "\(format) 格式没有编码可选" : "可用：" + exporter.encodings.joined(separator: "、"))
            }
            exporter = encoded
        }
        let hints = try hints(text)
        let (source, name) = try FileOpener(registry: registry).open(file)
        let checker = LedgerChecker(formSet: formSet)
        // Written on a thread of its own, while the file is read (on another) and checked (on this one).
        var streamed: BackgroundLedgerOutput?
        do {
            let checked = try checker.checkStreaming(
                source, fileName: name, hints: hints, references: nil, perCode: ValidationReport.shownPerCode,
                records: .init(begin: { document in
                    streamed = BackgroundLedgerOutput(
                        try LedgerOutput(document, exporter: exporter, path: output, protecting: [file]))
                }, row: { table, record in
                    try streamed?.row(table: table, record: record)
                }))
            guard let streamed else { throw WorkflowError(.cannotWrite, subject: output, detail: "没有可写入的内容") }
            try streamed.commit()
            return LedgerExport(checked: checked, files: streamed.paths)
        } catch is LedgerChecker.HeaderAfterRows {
            streamed = nil  // its temporary files are removed
            var checked = try checker.check(source, fileName: name, hints: hints)
            let whole = try LedgerOutput(checked.document, exporter: exporter, path: output, protecting: [file])
            try whole.write(rowsOf: checked.document)
            checked.report = checked.report.capped(perCode: ValidationReport.shownPerCode)
            checked.document.rows = [:]
            return LedgerExport(checked: checked, files: whole.paths)
        }
    }

    /// Writes the annotated return atomically: the unit's values as they sent them (`read`) in the official
    /// template for the unit, form and period, every finding marked at its cell with what to fix, and a first
    /// sheet listing the findings (``CorrectionWorkbook``).
    /// Returns how many cells it marked.
    @discardableResult
    func writeAnnotatedWorkbook(read: LedgerReader.Result, unit: ReportingUnit?, period: YearMonth?, findings: [Finding],
                                fileName: String, to path: String, protecting inputs: [String] = []) throws -> Int {
        let form = read.input.form
        let raw = Workflow.asWritten
        var document = LedgerDocument(form: form, formSet: formSet, unit: unit ?? read.expectedUnit,
                                      period: period ?? read.expectedPeriod, purpose: .template)
        for (key, cell) in read.input.header { document.header[key] = raw(cell.value) }
        var rowIndex: [String: [Int: Int]] = [:]  // table → sheet row → index
        for table in form.tables {
            let rows = read.input.tables[table.id] ?? []
            document.rows[table.id] = rows.map { row in
                TaizhangCore.Record(values: row.cells.compactMapValues { raw($0.value) })
            }
            for (i, row) in rows.enumerated() { if let r = row.location.row { rowIndex[table.id, default: [:]][r] = i } }
        }
        // Each finding at the field it is about: a header field, or a table row's column.
        var annotations: [TemplateBuilder.Annotation] = []
        for finding in findings where finding.severity >= .warning {
            guard let field = finding.location.field else { continue }
            if Workflow.isAboutHeader(finding, field: field, form: form) {
                annotations.append(.init(table: nil, row: nil, field: field, finding: finding))
            } else if let row = finding.location.row,
                      let table = form.tables.first(where: { $0.column(field) != nil && rowIndex[$0.id]?[row] != nil }),
                      let index = rowIndex[table.id]?[row] {
                annotations.append(.init(table: table.id, row: index, field: field, finding: finding))
            }
        }
        // Columns the unit added are kept beside the table, not dropped.
        var extras: [String: (labels: [String], rows: [[String: String]])] = [:]
        for table in form.tables {
            guard let labels = read.input.extraColumns[table.id], !labels.isEmpty else { continue }
            extras[table.id] = (labels, (read.input.tables[table.id] ?? []).map { $0.extra.mapValues(\.displayText) })
        }
        try AtomicFileSink.write(path, protecting: inputs) { sink in
            try CorrectionWorkbook.write(document, annotations: annotations, findings: findings,
                                         fileName: fileName, extraColumns: extras, to: sink)
        }
        return Set(annotations.map { "\($0.table ?? "")|\($0.row ?? -1)|\($0.field)" }).count
    }

    /// A value as the unit wrote it, for an annotated return: text stays text, numbers and dates as read.
    static func asWritten(_ value: CellValue) -> Value? {
        switch value {
        case .empty: return nil
        case .text(let text): return .text(text)
        case .number(let n): return n.rounded() == n && abs(n) < 1e15 ? .integer(Int(n)) : .decimal(n)
        case .date(let date, _): return .date(date)
        case .boolean(let b): return .text(b ? "是" : "否")
        case .error(let e): return .text(e)
        }
    }

    /// Whether a finding about `field` is marked at the header field (else at a table row's column).
    static func isAboutHeader(_ finding: Finding, field: String, form: Form) -> Bool {
        form.headerField(field) != nil
            && (finding.location.inHeader == true || form.tables.allSatisfy { $0.column(field) == nil })
    }
}
