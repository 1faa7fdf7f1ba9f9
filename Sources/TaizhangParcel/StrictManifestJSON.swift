import Foundation

/// What a manifest may not be, beyond valid JSON: two readers must never read it differently. A key given twice
/// (JSON decoders disagree on which wins), a key the format does not define, and a number that is not a whole
/// number between 0 and 2^53 − 1 (what every JSON reader holds exactly; sizes and counts are never negative) are
/// refused.
enum StrictManifestJSON {
    /// Why the manifest is refused: a code for the problem list and the Chinese reason.
    struct Refusal: Error {
        var code: String
        var message: String
    }

    /// The keys each object of a manifest may have, by its path (`""` top level, `unit`, `forms[]`, `files[]`).
    static let allowed: [String: Set<String>] = [
        "": ["format", "formatVersion", "kind", "unit", "period", "campaign", "forms", "files", "missing", "sequence",
             "tool", "createdAt"],
        "unit": ["id", "name"],
        "forms[]": ["id", "version", "file"],
        "files[]": ["name", "size", "sha256", "role", "form", "unit"],
    ]

    /// Throws ``Refusal`` for a duplicate key or an unknown one (at most 1 MiB is examined: manifests are small
    /// and the reader caps them before this).
    static func check(_ bytes: [UInt8]) throws {
        var scanner = Scanner(bytes: bytes)
        try scanner.value(path: "")
    }

    private struct Scanner {
        let bytes: [UInt8]
        var i = 0

        mutating func skipSpace() {
            while i < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[i]) { i += 1 }
        }

        mutating func value(path: String) throws {
            skipSpace()
            guard i < bytes.count else { return }
            switch bytes[i] {
            case UInt8(ascii: "{"): try object(path: path)
            case UInt8(ascii: "["):
                i += 1
                skipSpace()
                if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return }
                while i < bytes.count {
                    try value(path: path + "[]")
                    skipSpace()
                    guard i < bytes.count else { return }
                    if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                    i += 1  // ]
                    return
                }
            case UInt8(ascii: "\""): _ = string()
            default:
                let start = i
                while i < bytes.count, ![UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x09, 0x0A, 0x0D]
                    .contains(bytes[i]) { i += 1 }
                let token = bytes[start..<i]
                if let first = token.first, first == UInt8(ascii: "-") || (0x30...0x39).contains(first) {
                    try number(token, path: path)
                }
            }
        }

        /// A number token: digits only (no sign, fraction or exponent), at most 2^53 − 1.
        func number(_ token: ArraySlice<UInt8>, path: String) throws {
            let text = String(decoding: token, as: UTF8.self)
            let digitsOnly = token.allSatisfy { (0x30...0x39).contains($0) }
            guard digitsOnly, token.count <= 16, let value = Int64(text), value <= (1 << 53) - 1 else {
                throw Refusal(code: "manifest.number",
                              message: "字段“\(path)”的数值“\(text.prefix(40))”超出清单允许的范围（应为 0 到 9007199254740991 的整数）")
            }
        }

        mutating func object(path: String) throws {
            i += 1
            var seen = Set<String>()
            while i < bytes.count {
                skipSpace()
                guard i < bytes.count else { return }
                if bytes[i] == UInt8(ascii: "}") { i += 1; return }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                let key = string()
                let place = path.isEmpty ? key : "\(path).\(key)"
                guard seen.insert(key).inserted else {
                    throw Refusal(code: "manifest.duplicate-key", message: "字段“\(place)”出现了两次，不同程序会读出不同的值")
                }
                if let allowed = StrictManifestJSON.allowed[path], !allowed.contains(key) {
                    throw Refusal(code: "manifest.unknown-key", message: "字段“\(place)”不是报送包清单的字段")
                }
                skipSpace()
                if i < bytes.count, bytes[i] == UInt8(ascii: ":") { i += 1 }
                try value(path: path.isEmpty ? key : "\(path).\(key)")
            }
        }

        /// A string token (the reader is on its opening quote), unescaped enough to compare keys.
        mutating func string() -> String {
            var out: [UInt8] = []
            i += 1
            while i < bytes.count, bytes[i] != UInt8(ascii: "\"") {
                if bytes[i] == UInt8(ascii: "\\"), i + 1 < bytes.count {
                    out.append(bytes[i]); out.append(bytes[i + 1]); i += 2; continue
                }
                out.append(bytes[i]); i += 1
            }
            i += 1
            // Escapes compared as written, decoded through JSON for \u sequences.
            let raw = "\"" + String(decoding: out, as: UTF8.self) + "\""
            return (try? JSONDecoder().decode(String.self, from: Data(raw.utf8))) ?? String(decoding: out, as: UTF8.self)
        }
    }
}
