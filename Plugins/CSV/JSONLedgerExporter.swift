import TaizhangCore

/// Writes a ledger document's normalised records as JSON, for other systems.
///
/// ```json
/// {"form":"progress","formVersion":"2024.1","campaign":"ln-gxt-zhifa-2024",
///  "unit":{"id":"shenyang","name":"沈阳市工业和信息化局"},"period":"2024-06",
///  "header":{"report_date":"2024-06-20","resolved_problems_month":3},
///  "tables":{"main":[{"seq":1,"item":"动员部署","progress":"…"}]}}
/// ```
///
/// Keys are the form's stable field keys, in form order (keys a form does not know follow, sorted). Dates are
/// ISO (`2024-06-30`), months `2024-06`, integers and decimals JSON numbers, 是/否 booleans, units their id,
/// choices their canonical value. Empty fields are absent. `unit` and `period` are `null` when unknown. Every
/// table of the form is present (an empty array when it has no rows). UTF-8 without BOM, LF line ends,
/// one record per line.
public struct JSONLedgerExporter: LedgerExporter {
    /// The JSON format's descriptor.
    public static let descriptor = FormatDescriptor(id: "json", name: "JSON 数据（.json）", fileExtensions: ["json"], isText: true)

    public init() {}

    public var format: FormatDescriptor { Self.descriptor }

    public func export(_ document: LedgerDocument, to sink: any ByteSink) throws {
        try sink.write(try json(document))
    }

    /// The JSON text.
    public func json(_ document: LedgerDocument) throws -> String {
        var out = "{\n"
        out += "  \"form\": \(Self.string(document.form.id)),\n"
        out += "  \"formVersion\": \(Self.string(document.form.version)),\n"
        out += "  \"campaign\": \(Self.string(document.formSet.campaign.id)),\n"
        if let unit = document.unit {
            out += "  \"unit\": {\"id\": \(Self.string(unit.id)), \"name\": \(Self.string(unit.name))},\n"
        } else {
            out += "  \"unit\": null,\n"
        }
        out += "  \"period\": \(document.period.map { Self.string($0.iso) } ?? "null"),\n"
        out += "  \"header\": \(try Self.object(document.header, order: document.form.header.map(\.key))),\n"
        out += "  \"tables\": {"
        let tables = document.form.tables
        for (t, table) in tables.enumerated() {
            out += "\n    \(Self.string(table.id)): ["
            let records = document.rows[table.id] ?? []
            for (r, record) in records.enumerated() {
                out += "\n      " + (try Self.object(record.values, order: table.columns.map(\.key)))
                if r < records.count - 1 { out += "," }
            }
            out += records.isEmpty ? "]" : "\n    ]"
            if t < tables.count - 1 { out += "," }
        }
        // Rows under table ids the form does not have are not written: they cannot be named by the form.
        out += tables.isEmpty ? "}\n}\n" : "\n  }\n}\n"
        return out
    }

    /// `{"key": value, …}` in `order`, then unknown keys sorted.
    static func object(_ values: [String: Value], order: [String]) throws -> String {
        let known = Set(order)
        let keys = order.filter { values[$0] != nil } + values.keys.filter { !known.contains($0) }.sorted()
        let members = try keys.map { "\(string($0)): \(try value(values[$0]!, key: $0))" }
        return "{" + members.joined(separator: ", ") + "}"
    }

    /// One value as JSON.
    static func value(_ value: Value, key: String) throws -> String {
        switch value {
        case .text(let s), .choice(let s), .fixedText(let s), .unit(let s): return string(s)
        case .integer(let n): return String(n)
        case .decimal(let d):
            guard d.isFinite else { throw ExportError("字段“\(key)”的数值无效（\(d)），无法写入 JSON") }
            return CellValue.format(d)
        case .date(let d): return string(d.iso)
        case .period(let p): return string(p.iso)
        case .yesNo(let b): return b ? "true" : "false"
        }
    }

    /// A JSON string literal (see ``JSONText/quoted(_:)``).
    static func string(_ s: String) -> String { JSONText.quoted(s) }
}
