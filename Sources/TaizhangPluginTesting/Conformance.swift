import TaizhangCore

/// A failed conformance check, with what was expected.
public struct ConformanceFailure: Error, CustomStringConvertible {
    public var check: String
    public var detail: String
    public var description: String { "\(check): \(detail)" }
}
