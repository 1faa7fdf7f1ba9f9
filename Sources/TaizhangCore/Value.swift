/// What a cell means once the form has read it: the normalised value of one field.
///
/// Encoded as a one-key JSON object naming the kind: `{"date":"2024-06-30"}`, `{"integer":3}`,
/// `{"choice":"已整改"}`, `{"yesno":true}`, `{"unit":"shenyang"}`, `{"fixed":"长期坚持"}` — stable, and
/// readable by SQLite's JSON functions (`json_extract(values, '$.deadline.date')`).
public enum Value: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Text, trimmed (and folded to half-width where the field says so).
    case text(String)
    /// A whole number.
    case integer(Int)
    /// A decimal number.
    case decimal(Double)
    /// A date.
    case date(CivilDate)
    /// A reporting month.
    case period(YearMonth)
    /// The canonical value of a choice list.
    case choice(String)
    /// 是 (`true`) or 否 (`false`).
    case yesNo(Bool)
    /// A reporting unit, by id.
    case unit(String)
    /// One of a field's fixed texts accepted instead of a value (长期坚持 for a deadline).
    case fixedText(String)

    /// How the value is written in a ledger cell, a CSV file or a report.
    public var displayText: String {
        switch self {
        case .text(let s), .choice(let s), .fixedText(let s): return s
        case .integer(let n): return String(n)
        case .decimal(let d): return CellValue.format(d)
        case .date(let d): return d.iso
        case .period(let p): return p.iso
        case .yesNo(let b): return b ? "是" : "否"
        case .unit(let id): return id
        }
    }

    public var description: String { displayText }

    /// The value as a date, if it is one.
    public var date: CivilDate? {
        if case .date(let d) = self { return d }
        return nil
    }

    /// The value as a number, if it is one.
    public var number: Double? {
        switch self {
        case .integer(let n): return Double(n)
        case .decimal(let d): return d
        default: return nil
        }
    }

    /// The text that conditions and choice groups compare: a choice's canonical value, 是/否, a unit id.
    public var conditionText: String { displayText }
}

extension Value {
    enum Kind: String, CodingKey, CaseIterable {
        case text, integer, decimal, date, period, choice, yesno, unit, fixed
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Kind.self)
        guard c.allKeys.count == 1, let kind = c.allKeys.first else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "a value is an object with exactly one key"))
        }
        switch kind {
        case .text: self = .text(try c.decode(String.self, forKey: kind))
        case .integer: self = .integer(try c.decode(Int.self, forKey: kind))
        case .decimal: self = .decimal(try c.decode(Double.self, forKey: kind))
        case .date: self = .date(try c.decode(CivilDate.self, forKey: kind))
        case .period: self = .period(try c.decode(YearMonth.self, forKey: kind))
        case .choice: self = .choice(try c.decode(String.self, forKey: kind))
        case .yesno: self = .yesNo(try c.decode(Bool.self, forKey: kind))
        case .unit: self = .unit(try c.decode(String.self, forKey: kind))
        case .fixed: self = .fixedText(try c.decode(String.self, forKey: kind))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Kind.self)
        switch self {
        case .text(let s): try c.encode(s, forKey: .text)
        case .integer(let n): try c.encode(n, forKey: .integer)
        case .decimal(let d): try c.encode(d, forKey: .decimal)
        case .date(let d): try c.encode(d, forKey: .date)
        case .period(let p): try c.encode(p, forKey: .period)
        case .choice(let s): try c.encode(s, forKey: .choice)
        case .yesNo(let b): try c.encode(b, forKey: .yesno)
        case .unit(let id): try c.encode(id, forKey: .unit)
        case .fixedText(let s): try c.encode(s, forKey: .fixed)
        }
    }
}

extension Value {
    /// The JSON object of a record's values, keys sorted, each value in its one-key form — the same text
    /// `JSONEncoder` with `.sortedKeys` gives, written directly (the store writes one per row, so it is hot).
    public static func json(_ values: [String: Value]) -> String {
        var out = "{"
        var first = true
        for key in values.keys.sorted() {
            if !first { out += "," }
            first = false
            appendString(key, to: &out)
            out += ":{"
            let value = values[key]!
            switch value {
            case .text(let s): out += "\"text\":"; appendString(s, to: &out)
            case .integer(let n): out += "\"integer\":" + String(n)
            case .decimal(let d): out += "\"decimal\":" + (d.isFinite ? "\(d)" : "0")
            case .date(let d): out += "\"date\":\"" + d.iso + "\""
            case .period(let p): out += "\"period\":\"" + p.iso + "\""
            case .choice(let s): out += "\"choice\":"; appendString(s, to: &out)
            case .yesNo(let b): out += "\"yesno\":" + (b ? "true" : "false")
            case .unit(let id): out += "\"unit\":"; appendString(id, to: &out)
            case .fixedText(let s): out += "\"fixed\":"; appendString(s, to: &out)
            }
            out += "}"
        }
        return out + "}"
    }

    static func appendString(_ s: String, to out: inout String) {
        out += JSONText.quoted(s)
    }
}

/// JSON text helpers shared by the store and the JSON exporter.
public enum JSONText {
    /// A JSON string literal: quotes, backslashes and control characters escaped, U+2028/2029 too (for
    /// JavaScript consumers); everything else as UTF-8.
    public static func quoted(_ s: String) -> String {
        // Most texts have nothing to escape: quoted whole, not scalar by scalar.
        var copy = s
        let plain = copy.withUTF8 { bytes in
            var i = 0
            while i < bytes.count {
                let b = bytes[i]
                if b < 0x20 || b == 0x22 || b == 0x5C || b == 0x7F { return false }
                // U+2028 and U+2029 are E2 80 A8 and E2 80 A9.
                if b == 0xE2 && i + 2 < bytes.count && bytes[i + 1] == 0x80 && (bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9) {
                    return false
                }
                i += 1
            }
            return true
        }
        if plain { return "\"" + s + "\"" }
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
