/// The record types this reader uses (BIFF5 and BIFF8 share their numbers).
enum RecordType {
    static let formula: UInt16 = 0x0006
    static let eof: UInt16 = 0x000A
    static let dateMode: UInt16 = 0x0022
    static let filePass: UInt16 = 0x002F
    static let `continue`: UInt16 = 0x003C
    static let codePage: UInt16 = 0x0042
    static let boundSheet: UInt16 = 0x0085
    static let mulRK: UInt16 = 0x00BD
    static let mulBlank: UInt16 = 0x00BE
    static let rString: UInt16 = 0x00D6
    static let xf: UInt16 = 0x00E0
    static let mergedCells: UInt16 = 0x00E5
    static let sst: UInt16 = 0x00FC
    static let labelSST: UInt16 = 0x00FD
    static let blank: UInt16 = 0x0201
    static let number: UInt16 = 0x0203
    static let label: UInt16 = 0x0204
    static let boolErr: UInt16 = 0x0205
    static let string: UInt16 = 0x0207
    static let rk: UInt16 = 0x027E
    static let format: UInt16 = 0x041E
    static let bof: UInt16 = 0x0809
    /// BOF records of BIFF2, BIFF3 and BIFF4.
    static let oldBOFs: Set<UInt16> = [0x0009, 0x0209, 0x0409]
}

/// One record's place in the stream.
struct Record {
    var type: UInt16
    /// Where the record's data starts.
    var start: Int
    var length: Int
    var end: Int { start + length }
}

/// Reading past the end of the data a record (and its CONTINUE records) holds.
struct ShortRecord: Error {}

/// Walks the records of a BIFF stream from an offset. A record whose length points past the stream is
/// reported as ``ShortRecord`` by ``next()``'s caller.
struct RecordIterator {
    let data: [UInt8]
    var position: Int

    /// The next record, `nil` at the end of the stream; throws when a record runs past the stream.
    mutating func next() throws -> Record? {
        guard position + 4 <= data.count else {
            if position < data.count { throw ShortRecord() }
            return nil
        }
        let type = UInt16(data[position]) | UInt16(data[position + 1]) << 8
        let length = Int(data[position + 2]) | Int(data[position + 3]) << 8
        let start = position + 4
        guard start + length <= data.count else { throw ShortRecord() }
        position = start + length
        return Record(type: type, start: start, length: length)
    }

    /// The record after the current one, without moving.
    func peekType() -> UInt16? {
        guard position + 4 <= data.count else { return nil }
        return UInt16(data[position]) | UInt16(data[position + 1]) << 8
    }
}

/// A reader over a record's data and its CONTINUE records, which resumes character data after a record
/// boundary the way BIFF8 does (a fresh option byte says whether the rest is compressed or UTF-16).
struct RecordCursor {
    let data: [UInt8]
    private var segments: [(start: Int, end: Int)]
    private var segment = 0
    private(set) var position: Int

    init(data: [UInt8], record: Record) {
        self.data = data
        segments = [(record.start, record.end)]
        position = record.start
    }

    /// Adds a CONTINUE record's data.
    mutating func append(_ record: Record) {
        segments.append((record.start, record.end))
    }

    /// Whether every byte has been read.
    var atEnd: Bool {
        var s = segment, p = position
        while p >= segments[s].end {
            s += 1
            guard s < segments.count else { return true }
            p = segments[s].start
        }
        return false
    }

    /// The bytes left in the current segment, moving to the next one when this one is used up.
    private mutating func available() throws -> Int {
        while position >= segments[segment].end {
            segment += 1
            guard segment < segments.count else {
                segment -= 1
                throw ShortRecord()
            }
            position = segments[segment].start
        }
        return segments[segment].end - position
    }

    mutating func u8() throws -> UInt8 {
        _ = try available()
        defer { position += 1 }
        return data[position]
    }

    mutating func u16() throws -> UInt16 {
        if try available() >= 2 {
            defer { position += 2 }
            return UInt16(data[position]) | UInt16(data[position + 1]) << 8
        }
        return UInt16(try u8()) | UInt16(try u8()) << 8
    }

    mutating func u32() throws -> UInt32 {
        UInt32(try u16()) | UInt32(try u16()) << 16
    }

    mutating func skip(_ count: Int) throws {
        var left = count
        while left > 0 {
            let step = min(left, try available())
            position += step
            left -= step
        }
    }

    /// `count` bytes of 8-bit text, continuing across records without option bytes (BIFF5).
    mutating func bytes(_ count: Int) throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(min(count, data.count))
        while out.count < count {
            let step = min(count - out.count, try available())
            out.append(contentsOf: data[position..<position + step])
            position += step
        }
        return out
    }

    /// `count` characters of a BIFF8 string, compressed (one byte each, Latin-1) or UTF-16; after a record
    /// boundary a new option byte gives the form of the rest.
    mutating func characters(_ count: Int, wide startsWide: Bool) throws -> String {
        var units: [UInt16] = []
        units.reserveCapacity(min(count, data.count - position))
        var wide = startsWide
        var segmentAtStart = segment
        while units.count < count {
            var avail = try available()
            if segment != segmentAtStart {  // crossed into a CONTINUE record: its first byte is the option byte
                segmentAtStart = segment
                wide = data[position] & 0x01 != 0
                position += 1
                avail -= 1
                if avail == 0 { continue }
            }
            if wide {
                let take = min(count - units.count, avail / 2)
                guard take > 0 else { throw ShortRecord() }
                var p = position
                for _ in 0..<take {
                    units.append(UInt16(data[p]) | UInt16(data[p + 1]) << 8)
                    p += 2
                }
                position = p
            } else {
                let take = min(count - units.count, avail)
                for p in position..<position + take { units.append(UInt16(data[p])) }
                position += take
            }
        }
        return String(decoding: units, as: UTF16.self)
    }

    /// A BIFF8 unicode string: a character count (16-bit, or 8-bit for the short form), an option byte, then
    /// the characters and any rich-text runs and phonetic data (skipped).
    mutating func unicodeString(shortCount: Bool = false) throws -> String {
        let count = shortCount ? Int(try u8()) : Int(try u16())
        let options = try u8()
        let runs = options & 0x08 != 0 ? Int(try u16()) : 0
        let extra = options & 0x04 != 0 ? Int(try u32()) : 0
        let text = try characters(count, wide: options & 0x01 != 0)
        try skip(runs * 4)
        try skip(extra)
        return text
    }
}

/// Little-endian reads from a record's data, bounds-checked against the record.
extension Record {
    func u8(_ data: [UInt8], _ offset: Int) throws -> UInt8 {
        guard offset + 1 <= length else { throw ShortRecord() }
        return data[start + offset]
    }

    func u16(_ data: [UInt8], _ offset: Int) throws -> UInt16 {
        guard offset + 2 <= length else { throw ShortRecord() }
        return UInt16(data[start + offset]) | UInt16(data[start + offset + 1]) << 8
    }

    func u32(_ data: [UInt8], _ offset: Int) throws -> UInt32 {
        guard offset + 4 <= length else { throw ShortRecord() }
        var value: UInt32 = 0
        for i in (0..<4).reversed() { value = value << 8 | UInt32(data[start + offset + i]) }
        return value
    }

    func f64(_ data: [UInt8], _ offset: Int) throws -> Double {
        guard offset + 8 <= length else { throw ShortRecord() }
        var bits: UInt64 = 0
        for i in (0..<8).reversed() { bits = bits << 8 | UInt64(data[start + offset + i]) }
        return Double(bitPattern: bits)
    }
}

/// The value of an RK number: a 30-bit integer or the top of a double, perhaps divided by 100.
func rkValue(_ rk: UInt32) -> Double {
    var value: Double
    if rk & 0x02 != 0 {
        value = Double(Int32(bitPattern: rk) >> 2)
    } else {
        value = Double(bitPattern: UInt64(rk & 0xFFFF_FFFC) << 32)
    }
    if rk & 0x01 != 0 { value /= 100 }
    return value
}

/// The text of a BIFF error code.
func errorText(_ code: UInt8) -> String {
    switch code {
    case 0x00: return "#NULL!"
    case 0x07: return "#DIV/0!"
    case 0x0F: return "#VALUE!"
    case 0x17: return "#REF!"
    case 0x1D: return "#NAME?"
    case 0x24: return "#NUM!"
    case 0x2A: return "#N/A"
    default: return "#N/A"
    }
}
