import TaizhangCore

/// A return for correction in a working template: the unit's own values back in the official template for its
/// unit, form and period (dropdowns, validations, frozen header, print setup, the template's properties, so the
/// corrected file is recognised and checked exactly), each faulty cell marked (red for errors, yellow for
/// warnings) with a comment saying what to fix, and a first sheet 退回修改意见 listing the findings with links
/// to their cells.
public enum CorrectionWorkbook {
    /// The name of the sheet that lists the findings.
    public static let findingsSheet = TemplateBuilder.returnedSheetName

    /// Writes `document` (a template holding the unit's values as they sent them) with `annotations` marked and
    /// `findings` listed, to `sink` (as ``XLSXExporter`` writes: saved in the workbook's scratch folder, then
    /// copied).
    public static func write(_ document: LedgerDocument, annotations: [TemplateBuilder.Annotation], findings: [Finding],
                             fileName: String, extraColumns: [String: (labels: [String], rows: [[String: String]])] = [:],
                             to sink: any ByteSink) throws {
        var builder = TemplateBuilder(document: document)
        builder.annotations = annotations
        builder.extraColumns = extraColumns
        builder.returned = (fileName, findings)
        let book = try builder.build()
        defer { book.removeTemporaryFiles() }
        book.properties.title = title(fileName)
        let saved = book.temporaryDirectory + "/workbook.xlsx"
        try book.save(to: saved)
        try XLSXExporter.copy(file: saved, to: sink)
    }

    static func title(_ fileName: String) -> String { "退回修改：\(fileName)" }

    /// The same workbook written as the unit's rows are read, so that a file of many rows is never whole in
    /// memory: `document` holds the header (no rows), `headerAnnotations` the findings about its fields, and
    /// each row comes with the findings about its cells (``row(table:record:annotations:extra:)``, in the form's
    /// table order); `annotated` says whether any cell is marked at all, as ``write(_:annotations:findings:fileName:extraColumns:to:)``
    /// finds from its annotations. `extraLabels` are the labels of the columns the unit added, by table id.
    /// The same bytes as ``write(_:annotations:findings:fileName:extraColumns:to:)`` given the same.
    public final class Stream {
        private let writer: XLSXStreamWriter

        public init(_ document: LedgerDocument, headerAnnotations: [TemplateBuilder.Annotation], annotated: Bool,
                    findings: [Finding], fileName: String, extraLabels: [String: [String]],
                    to sink: any ByteSink) throws {
            var builder = TemplateBuilder(document: document)
            builder.annotations = headerAnnotations
            builder.marksCells = annotated
            builder.extraColumns = extraLabels.mapValues { ($0, []) }
            builder.returned = (fileName, findings)
            writer = try XLSXStreamWriter(builder: builder, compressionLevel: nil, sink: sink)
            writer.title = CorrectionWorkbook.title(fileName)
        }

        /// The next row of `table` as the unit wrote it, the findings about its cells (each annotation's `row` is
        /// the row's index among the table's rows), and the texts of its added columns by label.
        public func row(table: String, record: Record, annotations: [TemplateBuilder.Annotation],
                        extra: [String: String]) throws {
            try writer.row(table: table, record: record, annotations: annotations, extra: extra)
        }

        /// Writes what follows the rows and the workbook to the sink.
        public func finish() throws { try writer.finish() }
    }
}
