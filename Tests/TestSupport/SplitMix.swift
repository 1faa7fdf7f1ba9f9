import TaizhangSamples

/// A small deterministic random number generator for the tests that damage files or write random text: the
/// sample data's own (SplitMix64), so the same seed gives the same sequence on every machine.
public typealias SplitMix = SeededRandom

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
