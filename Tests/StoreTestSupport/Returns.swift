import Foundation
import TaizhangCore
import TaizhangForms
import TaizhangSamples
import TaizhangStore

/// Builds returned files in memory (a grid like a unit's workbook) and records them in a workspace.
public struct Returns {
    public init() {}

    public static let set = try! BuiltinForms.load()
    public let samples = SampleLedgers(formSet: Returns.set)

    /// A grid as a hand-made workbook would have it: title, header pairs, column labels, rows.
    public static func grid(_ document: LedgerDocument, table: FormTable) -> [[CellValue]] {
        var grid: [[CellValue]] = [[.text(document.form.title(for: document.unit))]]
        for field in document.form.header {
            guard let value = document.header[field.key] else { continue }
            let text = field.type == .unit ? set.unit(id: value.displayText)!.name : value.displayText
            grid.append([.text(field.label), .text(text)])
        }
        grid.append(table.columns.map { .text($0.label) })
        for record in document.rows[table.id] ?? [] {
            grid.append(table.columns.map { field in record[field.key].map { CellValue.text($0.displayText) } ?? .empty })
        }
        return grid
    }

    public func checked(_ document: LedgerDocument, workspace: Workspace, name: String) throws -> CheckedLedger {
        let sheets = document.form.tables.map { (name: $0.title, grid: Returns.grid(document, table: $0)) }
        let source = InMemorySheetSource(sheets: sheets)
        let checker = LedgerChecker(formSet: Returns.set)
        let read = try LedgerReader(formSet: Returns.set).read(source, fileName: name)
        let references = try checker.unit(of: read).map { try workspace.referenceIndex(unit: $0.id, formSet: Returns.set) }
        return checker.validate(read, fileName: name, references: references)
    }

    /// Records a document as if received on `day`; `spoil` may break it first.
    @discardableResult
    public func submit(_ document: LedgerDocument, to workspace: Workspace, on day: CivilDate, name: String? = nil,
                salt: String = "") throws -> IngestResult {
        let name = name ?? "\(document.unit!.shortName)_\(document.form.shortTitle)_\(document.period!.iso).xlsx"
        let checked = try checked(document, workspace: workspace, name: name)
        let bytes = Data((name + salt + "\(document.rows)\(document.header)").utf8)
        return try workspace.record(Intake(fileName: name, bytes: bytes, receivedAt: Returns.date(day),
                                           outcome: .checked(checked)))
    }

    public static func date(_ day: CivilDate) -> Date {
        // Noon in Beijing.
        Date(timeIntervalSince1970: Double(day.daysSinceEpoch) * 86_400 + 4 * 3600)
    }

    public func document(_ form: String, _ unit: String, _ period: YearMonth, rows: Int = 5, seed: UInt64 = 1) -> LedgerDocument {
        samples.document(form: Returns.set.form(form)!, unit: Returns.set.unit(id: unit)!, period: period, rows: rows, seed: seed)
    }
}

