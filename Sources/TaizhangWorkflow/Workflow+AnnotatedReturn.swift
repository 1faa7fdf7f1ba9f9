import Foundation
import TaizhangCore
import TaizhangXLSX

extension Workflow {
    /// Writes the annotated return of the file at `path` (received as `name`) marked with `findings` to `output`,
    /// and returns how many cells it marks. The file is read row by row and each row written as it comes
    /// (``CorrectionWorkbook/Stream``), so a file of many rows is never whole in memory; a form of several tables,
    /// a file without rows or one that completes its header after its table (a footer's 填报日期) is read whole
    /// (``writeAnnotatedWorkbook(read:unit:period:findings:fileName:to:protecting:)``). The same workbook either way.
    func writeAnnotatedReturn(path: String, name: String, hints: LedgerReader.Hints = .init(), findings: [Finding],
                              to output: String, protecting inputs: [String] = []) throws -> Int {
        let (source, _) = try FileOpener(registry: registry).open(path, displayName: name)
        do {
            return try writeAnnotatedStreaming(source, name: name, hints: hints, findings: findings, to: output,
                                               protecting: inputs)
        } catch is NotStreamable {
            let read = try LedgerReader(formSet: formSet).read(source, fileName: name, hints: hints)
            let head = LedgerChecker(formSet: formSet).peek(read, fileName: name)
            return try writeAnnotatedWorkbook(read: read, unit: head.headerUnit, period: head.period, findings: findings,
                                              fileName: name, to: output, protecting: inputs)
        }
    }

    /// A file whose annotated return is written from the whole file read.
    private struct NotStreamable: Error {}

    private func writeAnnotatedStreaming(_ source: any SheetSource, name: String, hints: LedgerReader.Hints,
                                         findings: [Finding], to output: String, protecting inputs: [String]) throws -> Int {
        var marked = Set<String>()
        try AtomicFileSink.write(output, protecting: inputs) { sink in
            var stream: CorrectionWorkbook.Stream?
            var headerSeen: [String: MappedCell] = [:]
            var table: FormTable?
            var count = 0
            // The findings about table cells, by the sheet row they are in.
            var byRow: [Int: [(field: String, finding: Finding)]] = [:]
            let read = try LedgerReader(formSet: formSet).read(PrefetchedSheetSource(source), fileName: name,
                                                               hints: hints) { sofar, _, row in
                if stream == nil {
                    let now = sofar()
                    let form = now.input.form
                    guard form.tables.count == 1 else { throw NotStreamable() }
                    let only = form.tables[0]
                    table = only
                    headerSeen = now.input.header
                    // Each finding at the field it is about: a header field, or a row's column.
                    var headerAnnotations: [TemplateBuilder.Annotation] = []
                    for finding in findings where finding.severity >= .warning {
                        guard let field = finding.location.field else { continue }
                        if Workflow.isAboutHeader(finding, field: field, form: form) {
                            headerAnnotations.append(.init(table: nil, row: nil, field: field, finding: finding))
                        } else if let r = finding.location.row, only.column(field) != nil {
                            byRow[r, default: []].append((field, finding))
                        }
                    }
                    let head = LedgerChecker(formSet: formSet).peek(now, fileName: name)
                    var document = LedgerDocument(form: form, formSet: formSet, unit: head.headerUnit ?? now.expectedUnit,
                                                  period: head.period ?? now.expectedPeriod, purpose: .template)
                    for (key, cell) in now.input.header { document.header[key] = Workflow.asWritten(cell.value) }
                    for annotation in headerAnnotations { marked.insert("||\(annotation.field)") }
                    let labels = now.input.extraColumns[only.id] ?? []
                    stream = try CorrectionWorkbook.Stream(
                        document, headerAnnotations: headerAnnotations, annotated: !headerAnnotations.isEmpty || !byRow.isEmpty,
                        findings: findings, fileName: name, extraLabels: labels.isEmpty ? [:] : [only.id: labels], to: sink)
                }
                guard let table, let stream else { return }
                var values: [String: Value] = [:]
                for (i, value) in row.values.enumerated() {
                    if let written = Workflow.asWritten(value) { values[table.columns[i].key] = written }
                }
                let annotations = (row.row.flatMap { byRow[$0] } ?? []).map {
                    TemplateBuilder.Annotation(table: table.id, row: count, field: $0.field, finding: $0.finding)
                }
                for annotation in annotations { marked.insert("\(table.id)|\(count)|\(annotation.field)") }
                count += 1
                try stream.row(table: table.id, record: TaizhangCore.Record(values: values), annotations: annotations,
                               extra: row.extra.mapValues(\.displayText))
            }
            // Without rows, or with a header completed after them: read whole.
            guard let stream, read.input.header == headerSeen else { throw NotStreamable() }
            try stream.finish()
        }
        return marked.count
    }
}
