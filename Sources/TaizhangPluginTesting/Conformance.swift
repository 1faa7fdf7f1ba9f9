import Foundation
import TaizhangCore
import TaizhangSamples

/// A failed conformance check: which check, and what was expected.
public struct ConformanceFailure: Error, CustomStringConvertible {
    /// The check's name.
    public var check: String
    /// What went wrong.
    public var detail: String
    public var description: String { "\(check): \(detail)" }
}

/// The checks every format plugin must pass. Call them from your plugin's tests, e.g.
///
/// ```swift
/// @Test func conformance() throws {
///     try ExporterConformance.run(MyExporter(), formSet: try BuiltinForms.load())
///     try RoundTripConformance.run(exporter: MyExporter(), importer: MyImporter(), formSet: try BuiltinForms.load())
/// }
/// ```
///
/// Like swift-configuration's provider tests, the suite is plain throwing functions, so it runs under
/// Swift Testing or XCTest alike.
public enum ExporterConformance {
    /// The exporter describes its format, and writes every form of `formSet` — as an empty template and
    /// as data — without throwing and without writing nothing.
    public static func run(_ exporter: any LedgerExporter, formSet: FormSet) throws {
        try checkDescriptor(exporter.format)
        let samples = SampleLedgers(formSet: formSet)
        guard let unit = formSet.units.first else { throw ConformanceFailure(check: "units", detail: "the form set has no units") }
        for form in formSet.forms {
            let period = formSet.campaign.obligations.first { $0.form == form.id }?.deadlines.last?.period
                ?? YearMonth(year: 2024, month: 6)!
            let template = LedgerDocument(form: form, formSet: formSet, unit: unit, period: period, purpose: .template)
            let data = samples.document(form: form, unit: unit, period: period, rows: 25, seed: 7)
            for document in [template, data] {
                let sink = MemorySink()
                do {
                    try exporter.export(document, to: sink)
                } catch {
                    throw ConformanceFailure(check: "export \(form.id) (\(document.purpose))", detail: "threw \(error)")
                }
                if sink.bytes.isEmpty {
                    throw ConformanceFailure(check: "export \(form.id) (\(document.purpose))", detail: "wrote no bytes")
                }
            }
        }
    }

    static func checkDescriptor(_ format: FormatDescriptor) throws {
        guard !format.id.isEmpty, format.id == format.id.lowercased(), !format.id.contains(" ") else {
            throw ConformanceFailure(check: "descriptor", detail: "format id \"\(format.id)\" must be lower-case, one word")
        }
        guard !format.fileExtensions.isEmpty, format.fileExtensions.allSatisfy({ !$0.hasPrefix(".") && !$0.isEmpty }) else {
            throw ConformanceFailure(check: "descriptor", detail: "file extensions must be given without the dot")
        }
        guard !format.name.isEmpty else { throw ConformanceFailure(check: "descriptor", detail: "no name") }
    }
}

/// The checks every importer must pass: it opens what it claims, and refuses what it cannot read with an
/// ``ImportError`` — never a crash, never an empty success.
public enum ImporterConformance {
    /// Runs the refusal checks in a scratch folder.
    public static func run(_ importer: any Importer) throws {
        try ExporterConformance.checkDescriptor(importer.format)
        let ext = importer.format.fileExtensions[0]
        let dir = try scratchDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }

        func mustRefuse(_ name: String, _ bytes: [UInt8], _ check: String) throws {
            let url = dir.appendingPathComponent(name)
            try Data(bytes).write(to: url)
            do {
                let source = try importer.open(ImportSource(path: url.path), limits: .standard)
                // Some formats can only tell when the rows are read.
                for i in source.sheets.indices { try source.readRows(sheet: i) { _ in true } }
                if !source.sheets.isEmpty && bytes.isEmpty == false && check != "binary" {
                    throw ConformanceFailure(check: check, detail: "opened a file it should refuse")
                }
            } catch let error as ImportError {
                guard error.file == name else {
                    throw ConformanceFailure(check: check, detail: "the error must name the file \(name), named \(error.file)")
                }
                guard error.description.unicodeScalars.contains(where: { $0.value >= 0x4E00 && $0.value <= 0x9FFF }) else {
                    throw ConformanceFailure(check: check, detail: "the error must be in Chinese: \(error)")
                }
            } catch let failure as ConformanceFailure {
                throw failure
            } catch {
                throw ConformanceFailure(check: check, detail: "threw \(type(of: error)) instead of ImportError: \(error)")
            }
        }

        do {
            _ = try importer.open(ImportSource(path: dir.appendingPathComponent("不存在.\(ext)").path), limits: .standard)
            throw ConformanceFailure(check: "missing file", detail: "opened a file that does not exist")
        } catch is ImportError {
        } catch let failure as ConformanceFailure {
            throw failure
        } catch {
            throw ConformanceFailure(check: "missing file", detail: "threw \(type(of: error)) instead of ImportError")
        }
        try mustRefuse("空文件.\(ext)", [], "empty file")
        var random = SeededRandom(seed: 42)
        try mustRefuse("乱码.\(ext)", (0..<4096).map { _ in UInt8.random(in: 0...255, using: &random) }, "binary")
        if !importer.recognises(prefix: Array("序号,问题编号\r\n".utf8), fileName: "台账.\(ext)")
            && !importer.recognises(prefix: [0x50, 0x4B, 0x03, 0x04, 0, 0, 0, 0], fileName: "台账.\(ext)") {
            throw ConformanceFailure(check: "recognises", detail: "does not recognise a file of its own extension")
        }
    }

    static func scratchDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("taizhang-conformance-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }
}

/// Export, then import: every value of every form comes back as it went out. For plugins that both
/// write and read a format.
public enum RoundTripConformance {
    /// Round-trips a generated document of every form with `rows` rows per table.
    ///
    /// - Parameters:
    ///   - holdsHeader: whether the format keeps header fields (填报单位, the statistics block); CSV does not.
    ///   - firstTableOnly: whether the format keeps only a form's first table (one CSV file is one table).
    ///   - forms: the form ids to try, or all.
    public static func run(exporter: any LedgerExporter, importer: any Importer, formSet: FormSet,
                           rows: Int = 30, holdsHeader: Bool = true, firstTableOnly: Bool = false,
                           forms: [String]? = nil) throws {
        let dir = try ImporterConformance.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let samples = SampleLedgers(formSet: formSet)
        guard let unit = formSet.units.first else { return }
        var references = ReferenceIndex()
        for form in formSet.forms where forms?.contains(form.id) ?? true {
            let period = YearMonth(year: 2024, month: 6)!
            let original = samples.document(form: form, unit: unit, period: period, rows: rows, seed: 11)
            let sink = MemorySink()
            try exporter.export(original, to: sink)
            let url = dir.appendingPathComponent("\(form.id).\(exporter.format.fileExtensions[0])")
            try Data(sink.bytes).write(to: url)
            let source = try importer.open(ImportSource(path: url.path), limits: .standard)
            // One table per file is enough for formats that hold one table (CSV).
            let checked = try LedgerChecker(formSet: formSet).check(
                source, fileName: url.lastPathComponent,
                hints: LedgerReader.Hints(form: form, unit: unit, period: period), references: references)
            LedgerChecker.referenceKeys(of: checked.document, into: &references)
            let headerKeys = Set(form.header.map(\.key))
            let errors = checked.report.findings.filter { finding in
                finding.severity == .error && (holdsHeader || !headerKeys.contains(finding.location.field ?? ""))
            }
            if !errors.isEmpty {
                throw ConformanceFailure(check: "round trip \(form.id)", detail: "findings on re-import: \(errors.prefix(5))")
            }
            for table in firstTableOnly ? Array(form.tables.prefix(1)) : form.tables {
                let before = original.rows[table.id] ?? []
                let after = checked.document.rows[table.id] ?? []
                guard before.count == after.count else {
                    throw ConformanceFailure(check: "round trip \(form.id).\(table.id)",
                                             detail: "\(before.count) rows out, \(after.count) back")
                }
                for (i, (a, b)) in zip(before, after).enumerated() where a.values != b.values {
                    let diff = Set(a.values.keys).union(b.values.keys).filter { a[$0] != b[$0] }
                        .map { "\($0): \(a[$0]?.displayText ?? "∅") → \(b[$0]?.displayText ?? "∅")" }
                    throw ConformanceFailure(check: "round trip \(form.id).\(table.id) row \(i + 1)",
                                             detail: diff.sorted().joined(separator: "; "))
                }
            }
            if holdsHeader {
                for (key, value) in original.header where checked.document.header[key] != value {
                    throw ConformanceFailure(check: "round trip \(form.id) header \(key)",
                                             detail: "\(value) → \(checked.document.header[key]?.displayText ?? "∅")")
                }
            }
        }
    }
}
