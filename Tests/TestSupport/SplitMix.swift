/// A small deterministic random number generator (SplitMix64) for the tests that damage files or write random
/// text: the same seed gives the same sequence on every machine.
public struct SplitMix: RandomNumberGenerator {
    public var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A test helper's failure, with what went wrong.
public struct SupportError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Scripts the tests hand to Python, kept beside this file.
public enum TestScripts {
    /// `dump_cells.py`: every cell of every sheet, with its type, as xlrd or python-calamine read it (JSON).
    public static func dumpCells() throws -> String {
        try String(contentsOfFile: #filePath.replacingOccurrences(of: "SplitMix.swift", with: "dump_cells.py"), encoding: .utf8)
    }
}
