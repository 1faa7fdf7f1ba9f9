import Testing
import Foundation
import TaizhangCore

/// Rows read on a thread of their own (issue 11) arrive as the source gives them, and stopping or failing on
/// either side stops both.
@Suite struct PrefetchedSheetSourceTests {
    /// A source of `count` rows that counts what it has read and can fail at a row.
    final class CountingSource: SheetSource, @unchecked Sendable {
        let count: Int
        let failAt: Int?
        private let lock = NSLock()
        private var _read = 0
        var read: Int { lock.withLock { _read } }
        init(count: Int, failAt: Int? = nil) {
            self.count = count
            self.failAt = failAt
        }
        var properties: [String: String] { [:] }
        var sheets: [SheetInfo] { [SheetInfo(name: "表")] }
        struct Broken: Error {}
        func readRows(sheet index: Int, _ visit: (SourceRow) throws -> Bool) throws {
            for r in 1...count {
                if r == failAt { throw Broken() }
                lock.withLock { _read += 1 }
                if try !visit(SourceRow(row: r, cells: [SourceCell(column: 1, value: .number(Double(r)))])) { return }
            }
        }
    }

    @Test func everyRowArrivesInOrder() throws {
        let source = PrefetchedSheetSource(CountingSource(count: 10_007), batchSize: 64, depth: 2)
        var rows: [Int] = []
        try source.readRows(sheet: 0) { rows.append($0.row); return true }
        #expect(rows == Array(1...10_007))
    }

    @Test func stoppingEarlyStopsTheReaderWithinWhatItMayReadAhead() throws {
        let inner = CountingSource(count: 100_000)
        let source = PrefetchedSheetSource(inner, batchSize: 64, depth: 2)
        var seen = 0
        try source.readRows(sheet: 0) { _ in
            seen += 1
            return seen < 100
        }
        #expect(seen == 100)
        // At most the batches queued, the one being filled and the one being visited.
        #expect(inner.read <= 100 + 64 * 4, "read \(inner.read)")
    }

    @Test func aReadingErrorReachesTheCaller() {
        let source = PrefetchedSheetSource(CountingSource(count: 5_000, failAt: 3_000), batchSize: 64)
        var seen = 0
        #expect(throws: CountingSource.Broken.self) {
            try source.readRows(sheet: 0) { _ in seen += 1; return true }
        }
        #expect(seen <= 2_999)
    }

    @Test func aVisitorsErrorStopsTheReader() {
        struct Refused: Error {}
        let inner = CountingSource(count: 100_000)
        let source = PrefetchedSheetSource(inner, batchSize: 64, depth: 2)
        #expect(throws: Refused.self) {
            try source.readRows(sheet: 0) { row in
                if row.row == 500 { throw Refused() }
                return true
            }
        }
        #expect(inner.read <= 500 + 64 * 4)
    }
}
