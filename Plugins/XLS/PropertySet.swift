/// The user-defined (custom) properties of a compound file's `DocumentSummaryInformation` stream: its second
/// section, a dictionary of names and a value per name. A template saved as .xls keeps its `taizhang.*`
/// properties there, so it is still recognised as the template.
///
/// Damaged property sets are not an error: what cannot be read is left out (properties only help
/// recognition; the columns are found by their labels without them).
enum PropertySet {
    /// The format id of the user-defined section.
    static let userDefinedFormatID: [UInt8] = [
        0x05, 0xD5, 0xCD, 0xD5, 0x9C, 0x2E, 0x1B, 0x10, 0x93, 0x97, 0x08, 0x00, 0x2B, 0x2C, 0xF9, 0xAE,
    ]

    /// The user-defined properties as text (numbers in decimal, booleans as `true`/`false`).
    static func userDefined(_ b: [UInt8]) -> [String: String] {
        func u16(_ o: Int) -> Int? { o >= 0 && o + 2 <= b.count ? Int(b[o]) | Int(b[o + 1]) << 8 : nil }
        func u32(_ o: Int) -> Int? {
            guard o >= 0, o + 4 <= b.count else { return nil }
            return Int(b[o]) | Int(b[o + 1]) << 8 | Int(b[o + 2]) << 16 | Int(b[o + 3]) << 24
        }
        guard let order = u16(0), order == 0xFFFE, let sectionCount = u32(24), sectionCount <= 16 else { return [:] }
        var sectionStart: Int?
        for index in 0..<sectionCount {
            let entry = 28 + index * 20
            guard entry + 20 <= b.count else { return [:] }
            if Array(b[entry..<entry + 16]) == userDefinedFormatID { sectionStart = u32(entry + 16) }
        }
        guard let start = sectionStart, let count = u32(start + 4), count <= 4096 else { return [:] }
        var offsets: [Int: Int] = [:]
        for index in 0..<count {
            guard let id = u32(start + 8 + index * 8), let offset = u32(start + 12 + index * 8) else { return [:] }
            offsets[id] = start + offset
        }
        // The code page (property 1) says how 8-bit names and strings are encoded.
        var codePage = 1252
        if let at = offsets[1], u16(at) == 2, let page = u16(at + 4) { codePage = page }
        let decoder = CodePageDecoder(codePage: codePage == 1200 ? 1252 : codePage)
        func text(at offset: Int, count: Int, wide: Bool) -> String? {
            let length = wide ? count * 2 : count
            guard count >= 0, offset + length <= b.count else { return nil }
            if wide {
                var units: [UInt16] = []
                for i in 0..<count { units.append(UInt16(b[offset + 2 * i]) | UInt16(b[offset + 2 * i + 1]) << 8) }
                while units.last == 0 { units.removeLast() }
                return String(decoding: units, as: UTF16.self)
            }
            var bytes = Array(b[offset..<offset + length])
            while bytes.last == 0 { bytes.removeLast() }
            return decoder.decode(bytes)
        }

        // The dictionary (property 0): id → name.
        var names: [Int: String] = [:]
        guard let dictionary = offsets[0], let entries = u32(dictionary), entries <= 4096 else { return [:] }
        var p = dictionary + 4
        for _ in 0..<entries {
            guard let id = u32(p), let length = u32(p + 4), length <= 0xFFFF,
                  let name = text(at: p + 8, count: length, wide: codePage == 1200) else { break }
            names[id] = name
            p += 8 + (codePage == 1200 ? (length * 2 + 3) / 4 * 4 : length)
        }

        var result: [String: String] = [:]
        for (id, name) in names {
            guard let at = offsets[id], let type = u32(at) else { continue }
            switch type & 0xFFFF {
            case 0x1E:  // VT_LPSTR
                if let n = u32(at + 4), n <= 0xFFFFF,
                   let value = text(at: at + 8, count: codePage == 1200 ? n / 2 : n, wide: codePage == 1200) {
                    result[name] = value
                }
            case 0x1F:  // VT_LPWSTR
                if let n = u32(at + 4), n <= 0xFFFFF, let value = text(at: at + 8, count: n, wide: true) { result[name] = value }
            case 0x03:  // VT_I4
                if let v = u32(at + 4) { result[name] = String(Int32(truncatingIfNeeded: v)) }
            case 0x02:  // VT_I2
                if let v = u16(at + 4) { result[name] = String(Int16(truncatingIfNeeded: v)) }
            case 0x0B:  // VT_BOOL
                if let v = u16(at + 4) { result[name] = v != 0 ? "true" : "false" }
            case 0x05:  // VT_R8
                guard at + 12 <= b.count else { continue }
                var bits: UInt64 = 0
                for i in (0..<8).reversed() { bits = bits << 8 | UInt64(b[at + 4 + i]) }
                let value = Double(bitPattern: bits)
                result[name] = value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
            default:
                continue
            }
        }
        return result
    }
}
