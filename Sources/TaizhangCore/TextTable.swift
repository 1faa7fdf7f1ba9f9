/// A plain text table aligned by display width (CJK characters take two columns).
public struct TextTable: Sendable {
    /// The rows, the first being the header.
    public var rows: [[String]]
    /// Spaces before each line.
    public var indent = 0

    public init(rows: [[String]], indent: Int = 0) {
        self.rows = rows
        self.indent = indent
    }

    /// The table as lines, the last column unpadded.
    public func render() -> String {
        guard let first = rows.first else { return "" }
        var widths = Array(repeating: 0, count: first.count)
        for row in rows {
            for (i, cell) in row.enumerated() where i < widths.count - 1 {
                widths[i] = max(widths[i], DisplayWidth.columns(cell))
            }
        }
        let pad = String(repeating: " ", count: indent)
        return rows.map { row in
            pad + row.enumerated().map { i, cell in
                i == row.count - 1 ? cell : DisplayWidth.padded(cell, to: widths[i])
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }
}
