/// Why an archive could not be read or written: a stable code, the archive's display name, what is wrong in
/// Chinese, and the entry where there is one. The zip module speaks only of archives; a plugin turns this into
/// its own error (an unreadable workbook, a refused package).
public struct ZipError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable codes.
    public enum Code: String, Sendable, Hashable {
        case unreadable
        case notZip = "not-zip"
        case truncated
        case encrypted
        case tooLarge = "too-large"
        case unsafeContent = "unsafe-content"
        case malformed
        case unsupported
        case cannotWrite = "cannot-write"
    }

    /// The code.
    public var code: Code
    /// The archive's display name (or path, when writing).
    public var file: String
    /// What is wrong, in Chinese.
    public var detail: String
    /// The entry, where there is one.
    public var place: String?

    public init(_ code: Code, file: String, detail: String, place: String? = nil) {
        self.code = code
        self.file = file
        self.detail = detail
        self.place = place
    }

    public var description: String {
        if let place { return "“\(file)”（\(place)）：\(detail)" }
        return "“\(file)”：\(detail)"
    }
}

/// Caps on what an archive may unpack to, so a zip bomb is stopped however its headers lie.
public struct ZipLimits: Sendable, Hashable {
    /// The most bytes one entry may decompress to.
    public var maxEntryBytes: Int
    /// The most decompressed bytes of all entries together.
    public var maxTotalBytes: Int

    public init(maxEntryBytes: Int, maxTotalBytes: Int) {
        self.maxEntryBytes = maxEntryBytes
        self.maxTotalBytes = maxTotalBytes
    }
}
