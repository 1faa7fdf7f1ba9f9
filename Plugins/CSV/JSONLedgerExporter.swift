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
        try streamWriter(for: document, to: sink).write(rowsOf: document)
    }

    /// Writes the document's head, then each record as it comes, one per line.
    public func streamWriter(for document: LedgerDocument, to sink: any ByteSink) throws -> any LedgerStreamWriter {
        try JSONStreamWriter(document: document, sink: sink)
    }

    /// The JSON text.
    public func json(_ document: LedgerDocument) throws -> String {
        let sink = MemorySink()
        try export(document, to: sink)
        return String(decoding: sink.bytes, as: UTF8.self)
    }

    /// Appends `{"key": value, …}` to `out`: the keys of `order` (whose set is `known`), then unknown keys sorted.
    /// (``object(_:order:)`` for every record, without a set or a string of its own per record.)
    static func append(_ values: [String: Value], order: [String], known: Set<String>, to out: inout String) throws {
        out += "{"
        var first = true
        var found = 0
        for key in order {
            guard let value = values[key] else { continue }
            found += 1
            if !first { out += ", " }
            first = false
            out += string(key)
            out += ": "
            out += try self.value(value, key: key)
        }
        if found < values.count {
            for key in values.keys.filter({ !known.contains($0) }).sorted() {
                if !first { out += ", " }
                first = false
                out += string(key)
                out += ": "
                out += try self.value(values[key]!, key: key)
            }
        }
        out += "}"
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

/// A ledger written as JSON as its records come (``JSONLedgerExporter``): the head at once, the `tables` object
/// table by table in the form's order; the text goes to the sink in pieces of about 64 KiB.
final class JSONStreamWriter: LedgerStreamWriter {
    private let tables: [FormTable]
    private let orders: [[String]]
    private let known: [Set<String>]
    private let sink: any ByteSink
    /// The table being written (its index), and how many records it has had.
    private var current = -1
    private var written = 0
    private var pending = ""
    private var finished = false
    private static let pieceBytes = 1 << 16

    init(document: LedgerDocument, sink: any ByteSink) throws {
        tables = document.form.tables
        orders = tables.map { $0.columns.map(\.key) }
        known = orders.map(Set.init)
        self.sink = sink
        typealias J = JSONLedgerExporter
        var out = "{\n"
        out += "  \"form\": \(J.string(document.form.id)),\n"
        out += "  \"formVersion\": \(J.string(document.form.version)),\n"
        out += "  \"campaign\": \(J.string(document.formSet.campaign.id)),\n"
        if let unit = document.unit {
            out += "  \"unit\": {\"id\": \(J.string(unit.id)), \"name\": \(J.string(unit.name))},\n"
        } else {
            out += "  \"unit\": null,\n"
        }
        out += "  \"period\": \(document.period.map { J.string($0.iso) } ?? "null"),\n"
        out += "  \"header\": \(try J.object(document.header, order: document.form.header.map(\.key))),\n"
        out += "  \"tables\": {"
        pending = out
    }

    func row(table id: String, record: Record) throws {
        if current < 0 || tables[current].id != id {
            // Rows under table ids the form does not have are not written: they cannot be named by the form.
            guard let index = tables.firstIndex(where: { $0.id == id }) else { return }
            guard index > current else {
                throw ExportError("表格“\(tables[index].title)”的行须按表单中表格的顺序成组给出")
            }
            while current < index { advance() }
        }
        pending += written == 0 ? "\n      " : ",\n      "
        try JSONLedgerExporter.append(record.values, order: orders[current], known: known[current], to: &pending)
        written += 1
        if pending.utf8.count >= JSONStreamWriter.pieceBytes {
            try sink.write(pending)
            pending.removeAll(keepingCapacity: true)
        }
    }

    /// Closes the current table's array and opens the next one's.
    private func advance() {
        if current >= 0 {
            pending += written == 0 ? "]" : "\n    ]"
            if current < tables.count - 1 { pending += "," }
        }
        current += 1
        written = 0
        if current < tables.count { pending += "\n    \(JSONLedgerExporter.string(tables[current].id)): [" }
    }

    func finish() throws {
        guard !finished else { return }
        finished = true
        while current < tables.count { advance() }
        pending += tables.isEmpty ? "}\n}\n" : "\n  }\n}\n"
        try sink.write(pending)
        pending = ""
    }
}
