import TaizhangCore

/// The shared strings table (`xl/sharedStrings.xml`), streamed to a temporary file as strings arrive.
///
/// Every text cell goes through this table (some WPS versions fail on inline-string-only files).
/// Repeated values (choice values, units, statuses) are written once: a cache maps short strings to
/// their index. The cache is bounded (``cacheLimitBytes``), so memory stays flat however many unique
/// texts a sheet has; past the bound, or for long texts, a string may appear more than once in the
/// table, which the format allows (`count`/`uniqueCount` are optional and left out).
final class SharedStringsPart {
    /// Strings longer than this (UTF-8 bytes) are not cached: long texts are rarely repeated.
    static let cacheableLength = 128
    /// The most UTF-8 bytes the cache holds.
    static let cacheLimitBytes = 8 << 20

    private let writer: XMLWriter
    let path: String
    private var cache: [String: Int] = [:]
    private var cachedBytes = 0
    /// The number of `<si>` entries written.
    private(set) var count = 0
    private var finished = false

    init(path: String) throws(ExportError) {
        self.path = path
        writer = try XMLWriter(path: path)
        writer.start("sst")
        writer.attribute("xmlns", "http://schemas.openxmlformats.org/spreadsheetml/2006/main")
    }

    /// The index of `text` (already escaped for cells), writing it on first sight.
    @inline(__always) func index(of text: String) -> Int {
        let length = text.utf8.count
        let cacheable = length <= SharedStringsPart.cacheableLength
        if cacheable, let index = cache[text] { return index }
        let index = count
        count += 1
        writer.start("si")
        writer.start("t")
        if let first = text.unicodeScalars.first, let last = text.unicodeScalars.last,
           first.properties.isWhitespace || last.properties.isWhitespace {
            writer.attribute("xml:space", "preserve")
        }
        writer.text(text)
        writer.end()
        writer.end()
        if cacheable && cachedBytes < SharedStringsPart.cacheLimitBytes {
            cache[text] = index
            cachedBytes += length + 16
        }
        return index
    }

    /// Closes the table's file.
    func finish() throws(ExportError) {
        guard !finished else { return }
        finished = true
        cache = [:]
        writer.end()
        try writer.finish()
    }
}
