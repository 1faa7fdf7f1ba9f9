/// One row of a ledger: field key → value, and where it came from.
public struct Record: Hashable, Sendable, Codable {
    /// The values by field key; an empty field has no entry.
    public var values: [String: Value]
    /// The row in the file it was read from, when it was read from one.
    public var source: Location?

    public init(values: [String: Value], source: Location? = nil) {
        self.values = values
        self.source = source
    }

    public subscript(key: String) -> Value? {
        get { values[key] }
        set { values[key] = newValue }
    }
}
