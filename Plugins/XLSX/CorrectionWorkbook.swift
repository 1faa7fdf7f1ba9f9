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
        book.properties.title = "退回修改：\(fileName)"
        let saved = book.temporaryDirectory + "/workbook.xlsx"
        try book.save(to: saved)
        try XLSXExporter.copy(file: saved, to: sink)
    }
}
