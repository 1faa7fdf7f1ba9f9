import TaizhangCore

/// A Compound File Binary (OLE2, "structured storage") file held in memory: the container of legacy .xls,
/// WPS .et and password-protected OOXML files.
///
/// Everything the header and the tables say is checked before it is used: sector numbers past the end of
/// the file, chains that loop or run long, absurd sector counts, a directory whose tree loops, and stream
/// sizes larger than their chains are refused with an ``ImportError``; nothing is allocated from a count
/// the file gives before that count is checked against the file's own size.
struct CompoundFile {
    /// The OLE signature every compound file starts with.
    static let magic: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]

    /// One stream of the root storage.
    struct Entry {
        var name: String
        var start: UInt32
        var size: Int
    }

    private let bytes: [UInt8]
    private let fileName: String
    private let sectorSize: Int
    private let miniSectorSize: Int
    private let miniCutoff: Int
    private let sectorCount: Int
    private var fat: [UInt32] = []
    private var miniFAT: [UInt32] = []
    private var miniStream: [UInt8] = []
    /// The streams directly in the root storage.
    private(set) var streams: [Entry] = []

    private static let endOfChain: UInt32 = 0xFFFF_FFFE
    private static let freeSector: UInt32 = 0xFFFF_FFFF

    /// Parses the header, the FAT (through the DIFAT), the directory and the mini stream.
    init(bytes: [UInt8], fileName: String) throws {
        self.bytes = bytes
        self.fileName = fileName
        guard bytes.count >= 512, bytes.starts(with: CompoundFile.magic) else {
            throw ImportError(.truncated, file: fileName, detail: "文件不完整（复合文档的文件头不足 512 字节），请重新报送")
        }
        let shift = Int(CompoundFile.u16(bytes, 30))
        guard shift == 9 || shift == 12 else {
            throw ImportError(.malformed, file: fileName, detail: "复合文档的扇区大小不正确（2^\(shift) 字节）", place: "文件头")
        }
        let miniShift = Int(CompoundFile.u16(bytes, 32))
        guard miniShift == 6 else {
            throw ImportError(.malformed, file: fileName, detail: "复合文档的小扇区大小不正确（2^\(miniShift) 字节）", place: "文件头")
        }
        sectorSize = 1 << shift
        miniSectorSize = 1 << miniShift
        miniCutoff = Int(CompoundFile.u32(bytes, 56))
        // The last sector may be short when a writer did not pad the file: count it.
        sectorCount = max(0, (bytes.count - sectorSize + sectorSize - 1) / sectorSize)
        let fatSectors = Int(CompoundFile.u32(bytes, 44))
        let perSector = sectorSize / 4
        guard fatSectors <= sectorCount else {
            throw ImportError(.malformed, file: fileName,
                              detail: "复合文档声明的分配表扇区数（\(fatSectors)）超出文件的大小", place: "文件头")
        }

        // The DIFAT: 109 entries in the header, then a chain of DIFAT sectors.
        var fatSectorList: [UInt32] = []
        for index in 0..<109 where fatSectorList.count < fatSectors {
            fatSectorList.append(CompoundFile.u32(bytes, 76 + index * 4))
        }
        var difat = CompoundFile.u32(bytes, 68)
        var difatSeen = Set<UInt32>()
        while fatSectorList.count < fatSectors {
            guard difat != CompoundFile.endOfChain, difat != CompoundFile.freeSector else {
                throw ImportError(.malformed, file: fileName, detail: "复合文档的分配表索引（DIFAT）不完整", place: "DIFAT")
            }
            guard Int(difat) < sectorCount else {
                throw ImportError(.malformed, file: fileName, detail: "复合文档的分配表索引指向文件之外（扇区 \(difat)）", place: "DIFAT")
            }
            guard difatSeen.insert(difat).inserted else {
                throw ImportError(.malformed, file: fileName, detail: "复合文档的分配表索引链出现循环（扇区 \(difat)）", place: "DIFAT")
            }
            let base = (Int(difat) + 1) * sectorSize
            for index in 0..<(perSector - 1) where fatSectorList.count < fatSectors {
                fatSectorList.append(CompoundFile.u32(bytes, base + index * 4))
            }
            difat = CompoundFile.u32(bytes, base + (perSector - 1) * 4)
        }
        fat.reserveCapacity(fatSectorList.count * perSector)
        for sector in fatSectorList {
            guard Int(sector) < sectorCount else {
                throw ImportError(.malformed, file: fileName, detail: "复合文档的分配表扇区指向文件之外（扇区 \(sector)）", place: "FAT")
            }
            let base = (Int(sector) + 1) * sectorSize
            for index in 0..<perSector { fat.append(CompoundFile.u32(bytes, base + index * 4)) }
        }

        // The directory.
        let directory = try chain(start: CompoundFile.u32(bytes, 48), in: fat, count: sectorCount, what: "目录")
        var entries: [[UInt8]] = []
        entries.reserveCapacity(directory.count * sectorSize / 128)
        for sector in directory {
            let base = (Int(sector) + 1) * sectorSize
            for index in 0..<(sectorSize / 128) {
                let start = base + index * 128
                entries.append(start + 128 <= bytes.count ? Array(bytes[start..<start + 128]) : [UInt8](repeating: 0, count: 128))
            }
        }
        guard let root = entries.first, root[66] == 5 else {
            throw ImportError(.malformed, file: fileName, detail: "复合文档缺少根目录项", place: "目录")
        }
        let isVersion3 = shift == 9
        func size(_ entry: [UInt8]) -> Int {
            let low = Int(CompoundFile.u32(entry, 120))
            return isVersion3 ? low : low | Int(CompoundFile.u32(entry, 124)) << 32
        }

        // The mini stream (the root entry's stream) and the mini FAT.
        let rootSize = size(root)
        if rootSize > 0 {
            guard rootSize <= bytes.count else {
                throw ImportError(.malformed, file: fileName, detail: "复合文档的小流容器大小（\(rootSize) 字节）超出文件的大小", place: "根目录项")
            }
            miniStream = try read(start: CompoundFile.u32(root, 116), size: rootSize, in: fat, sectorBytes: sectorSize,
                                  count: sectorCount, what: "根目录项")
            let miniFATChain = try chain(start: CompoundFile.u32(bytes, 60), in: fat, count: sectorCount, what: "小扇区分配表")
            miniFAT.reserveCapacity(miniFATChain.count * perSector)
            for sector in miniFATChain {
                let base = (Int(sector) + 1) * sectorSize
                for index in 0..<perSector { miniFAT.append(CompoundFile.u32(bytes, base + index * 4)) }
            }
        }

        // The root storage's children: a red-black tree by left/right siblings.
        var stack: [UInt32] = [CompoundFile.u32(root, 76)]
        var visited = Set<UInt32>()
        while let id = stack.popLast() {
            guard id != CompoundFile.freeSector else { continue }
            guard Int(id) < entries.count else {
                throw ImportError(.malformed, file: fileName, detail: "复合文档的目录项编号超出目录（\(id)）", place: "目录")
            }
            guard visited.insert(id).inserted else {
                throw ImportError(.malformed, file: fileName, detail: "复合文档的目录结构出现循环（目录项 \(id)）", place: "目录")
            }
            let entry = entries[Int(id)]
            stack.append(CompoundFile.u32(entry, 68))
            stack.append(CompoundFile.u32(entry, 72))
            guard entry[66] == 2 else { continue }
            let nameBytes = min(64, max(0, Int(CompoundFile.u16(entry, 64)) - 2))
            var units: [UInt16] = []
            for index in stride(from: 0, to: nameBytes - 1, by: 2) { units.append(CompoundFile.u16(entry, index)) }
            streams.append(Entry(name: String(decoding: units, as: UTF16.self), start: CompoundFile.u32(entry, 116), size: size(entry)))
        }
    }

    /// The root stream named `name` (compared without regard to case), if there is one.
    func entry(named name: String) -> Entry? {
        let wanted = name.lowercased()
        return streams.first { $0.name.lowercased() == wanted }
    }

    /// The bytes of a stream, at most `cap` of them.
    func read(_ entry: Entry, cap: Int) throws -> [UInt8] {
        guard entry.size <= cap else {
            throw ImportError(.tooLarge, file: fileName, detail: "数据流“\(entry.name)”的大小（\(entry.size) 字节）超出上限 \(cap) 字节",
                              place: entry.name)
        }
        guard entry.size <= bytes.count else {
            throw ImportError(.malformed, file: fileName, detail: "数据流“\(entry.name)”声明的大小（\(entry.size) 字节）超出文件的大小",
                              place: entry.name)
        }
        if entry.size < miniCutoff {
            return try read(start: entry.start, size: entry.size, in: miniFAT, sectorBytes: miniSectorSize,
                            count: miniStream.count / miniSectorSize, what: entry.name, mini: true)
        }
        return try read(start: entry.start, size: entry.size, in: fat, sectorBytes: sectorSize, count: sectorCount, what: entry.name)
    }

    /// The sectors of a chain, checked: each within `count`, none twice, ending in ENDOFCHAIN.
    private func chain(start: UInt32, in table: [UInt32], count: Int, what: String, limit: Int? = nil) throws -> [UInt32] {
        var sectors: [UInt32] = []
        var seen = Set<UInt32>()
        var sector = start
        while sector != CompoundFile.endOfChain {
            if let limit, sectors.count >= limit { break }
            guard Int(sector) < count, Int(sector) < table.count else {
                throw ImportError(.malformed, file: fileName, detail: "复合文档中“\(what)”的扇区链指向文件之外（扇区 \(sector)）", place: what)
            }
            guard seen.insert(sector).inserted else {
                throw ImportError(.malformed, file: fileName, detail: "复合文档中“\(what)”的扇区链出现循环（扇区 \(sector)）", place: what)
            }
            sectors.append(sector)
            sector = table[Int(sector)]
        }
        return sectors
    }

    /// The first `size` bytes of a chain of sectors.
    private func read(start: UInt32, size: Int, in table: [UInt32], sectorBytes: Int, count: Int, what: String,
                      mini: Bool = false) throws -> [UInt8] {
        guard size > 0 else { return [] }
        let needed = (size + sectorBytes - 1) / sectorBytes
        let sectors = try chain(start: start, in: table, count: count, what: what, limit: needed)
        guard sectors.count == needed else {
            throw ImportError(.truncated, file: fileName,
                              detail: "复合文档中“\(what)”的数据不完整（声明 \(size) 字节，扇区链只有 \(sectors.count * sectorBytes) 字节）",
                              place: what)
        }
        var out: [UInt8] = []
        out.reserveCapacity(size)
        let source = mini ? miniStream : bytes
        for sector in sectors {
            let base = mini ? Int(sector) * sectorBytes : (Int(sector) + 1) * sectorBytes
            let take = min(sectorBytes, size - out.count)
            guard base + take <= source.count else {
                throw ImportError(.truncated, file: fileName, detail: "文件不完整（复合文档中“\(what)”的数据在文件结尾之后），请重新报送",
                                  place: what)
            }
            out.append(contentsOf: source[base..<base + take])
        }
        return out
    }

    @inline(__always)
    static func u16(_ b: [UInt8], _ o: Int) -> UInt16 {
        guard o + 2 <= b.count else { return 0 }
        return UInt16(b[o]) | UInt16(b[o + 1]) << 8
    }

    @inline(__always)
    static func u32(_ b: [UInt8], _ o: Int) -> UInt32 {
        guard o + 4 <= b.count else { return 0 }
        return UInt32(b[o]) | UInt32(b[o + 1]) << 8 | UInt32(b[o + 2]) << 16 | UInt32(b[o + 3]) << 24
    }
}
