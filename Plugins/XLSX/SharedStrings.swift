#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TaizhangCore
import TaizhangOOXML

/// The shared strings table (`xl/sharedStrings.xml`), streamed to a temporary file as strings arrive.
///
/// Every text cell goes through this table (some WPS versions fail on inline-string-only files).
/// Repeated values (choice values, units, statuses) are written once: a cache maps short strings to
/// their index. The cache works on UTF-8 bytes (an open-addressing table over a byte arena, no
/// per-string objects and no Unicode normalisation) and is bounded (``cacheLimitBytes``), so memory
/// stays flat however many unique texts a sheet has; past the bound, or for long texts, a string may
/// appear more than once in the table, which the format allows. `count` and `uniqueCount` are not known
/// until the end: the start tag is written with room (spaces) for them and patched in place when the
/// table is finished.
final class SharedStringsPart {
    /// Strings longer than this (UTF-8 bytes) are not cached: long texts are rarely repeated.
    static let cacheableLength = 128
    /// The most UTF-8 bytes the cache's arena holds.
    static let cacheLimitBytes = 2 << 20

    private let writer: XMLWriter
    let path: String
    /// The number of `<si>` entries written.
    private(set) var count = 0
    /// The number of cells that refer to the table.
    private(set) var references = 0
    private static let startTag = "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\""
    private static let room = 48
    private var finished = false

    // The cache: `slots` holds entry number + 1 (0 = empty); entries are (hash, offset, length, index).
    private var arena: [UInt8] = []
    private var slots: [Int32] = Array(repeating: 0, count: 1 << 12)
    private var hashes: [UInt64] = []
    private var offsets: [Int32] = []
    private var lengths: [Int32] = []
    private var indexes: [Int32] = []

    init(path: String) throws(ExportError) {
        self.path = path
        writer = try XMLWriter(path: path)
        // Reserved at its bound once: the arena never grows by doubling (a copy, and twice the bytes for a moment);
        // the pages are touched only as strings arrive.
        arena.reserveCapacity(SharedStringsPart.cacheLimitBytes)
        var tag = Array((SharedStringsPart.startTag + String(repeating: " ", count: SharedStringsPart.room) + ">").utf8)
        writer.raw(&tag, count: tag.count)
    }

    /// The index of `text`, writing it (escaped for cells and for XML) on first sight.
    func index(of text: String) -> Int {
        var text = text
        return text.withUTF8 { bytes in
            if ExcelText.needsEscaping(bytes) {
                var escaped = ExcelText.escape(String(decoding: bytes, as: UTF8.self))
                return escaped.withUTF8 { index(ofEscaped: $0) }
            }
            return index(ofEscaped: bytes)
        }
    }

    private func index(ofEscaped bytes: UnsafeBufferPointer<UInt8>) -> Int {
        references += 1
        let cacheable = bytes.count <= SharedStringsPart.cacheableLength
        var hash: UInt64 = 0
        if cacheable {
            hash = SharedStringsPart.hash(bytes)
            let mask = slots.count - 1
            var slot = Int(truncatingIfNeeded: hash) & mask
            while slots[slot] != 0 {
                let e = Int(slots[slot]) - 1
                if hashes[e] == hash && Int(lengths[e]) == bytes.count {
                    let same = arena.withUnsafeBufferPointer { arena in
                        bytes.isEmpty || memcmp(arena.baseAddress! + Int(offsets[e]), bytes.baseAddress!, bytes.count) == 0
                    }
                    if same { return Int(indexes[e]) }
                }
                slot = (slot + 1) & mask
            }
        }
        let index = count
        count += 1
        writer.raw("<si><t")
        if let first = bytes.first, let last = bytes.last,
           SharedStringsPart.isXMLSpace(first) || SharedStringsPart.isXMLSpace(last) {
            writer.raw(" xml:space=\"preserve\"")
        }
        writer.raw(">")
        writer.escapedText(bytes)
        writer.raw("</t></si>")
        if cacheable && arena.count + bytes.count <= SharedStringsPart.cacheLimitBytes && hashes.count < Int(Int32.max / 2) {
            insert(bytes, hash: hash, index: index)
        }
        return index
    }

    private func insert(_ bytes: UnsafeBufferPointer<UInt8>, hash: UInt64, index: Int) {
        if (hashes.count + 1) * 2 > slots.count { grow() }
        let entry = hashes.count
        hashes.append(hash)
        offsets.append(Int32(arena.count))
        lengths.append(Int32(bytes.count))
        indexes.append(Int32(index))
        arena.append(contentsOf: bytes)
        place(entry: entry)
    }

    private func place(entry: Int) {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hashes[entry]) & mask
        while slots[slot] != 0 { slot = (slot + 1) & mask }
        slots[slot] = Int32(entry + 1)
    }

    private func grow() {
        slots = Array(repeating: 0, count: slots.count * 2)
        for entry in hashes.indices { place(entry: entry) }
    }

    @inline(__always) private static func isXMLSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    /// FNV-1a over the bytes, finished with a multiply-xorshift so the low bits mix well.
    @inline(__always) static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        h ^= h >> 33
        h = h &* 0xff51_afd7_ed55_8ccd
        h ^= h >> 33
        return h
    }

    /// Closes the table's file and frees the cache.
    func finish() throws(ExportError) {
        guard !finished else { return }
        finished = true
        arena = []
        slots = []
        hashes = []
        offsets = []
        lengths = []
        indexes = []
        writer.raw("</sst>")
        try writer.finish()
        try patchCounts()
    }

    /// Writes ` count="…" uniqueCount="…"` into the spaces left in the start tag.
    private func patchCounts() throws(ExportError) {
        let attributes = Array(" count=\"\(references)\" uniqueCount=\"\(count)\"".utf8)
        guard attributes.count <= SharedStringsPart.room, let file = fopen(path, "r+b") else {
            throw ExportError("无法写入临时文件“\(path)”")
        }
        defer { fclose(file) }
        var head = [UInt8](repeating: 0, count: 256)
        let read = fread(&head, 1, head.count, file)
        let tag = Array(SharedStringsPart.startTag.utf8)
        guard let start = (0..<max(0, read - tag.count)).first(where: { Array(head[$0..<$0 + tag.count]) == tag }),
              fseek(file, start + tag.count, SEEK_SET) == 0,
              fwrite(attributes, 1, attributes.count, file) == attributes.count,
              fflush(file) == 0 else {
            throw ExportError("无法写入临时文件“\(path)”")
        }
    }
}
