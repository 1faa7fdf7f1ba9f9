import Foundation

/// A sheet source whose rows are read on a thread of their own, a few hundred rows ahead of whoever visits
/// them: parsing a workbook and checking its rows then take the time of the slower of the two, not of both.
///
/// What is read ahead is bounded (``batchSize`` × ``depth`` rows), so memory does not grow with the file. The
/// wrapped source is used by one thread at a time: the reading thread while rows are read, the caller otherwise.
/// A visitor that stops early stops the reader; an error on either side stops both and is thrown to the caller.
public final class PrefetchedSheetSource: SheetSource {
    /// Rows handed over at a time.
    public let batchSize: Int
    /// Batches read ahead at most.
    public let depth: Int
    private let source: any SheetSource

    public init(_ source: any SheetSource, batchSize: Int = 256, depth: Int = 4) {
        self.source = source
        self.batchSize = max(1, batchSize)
        self.depth = max(1, depth)
    }

    public var properties: [String: String] { source.properties }
    public var sheets: [SheetInfo] { source.sheets }

    /// The queue between the reading thread and the visitor.
    private final class Channel: @unchecked Sendable {
        // Guarded by `condition`.
        let condition = NSCondition()
        var batches: [[SourceRow]] = []
        var finished = false
        var failure: (any Error)?
        var cancelled = false
    }

    /// The wrapped source, handed to the reading thread (which alone uses it until it is done).
    private struct Handoff: @unchecked Sendable {
        let source: any SheetSource
    }

    public func readRows(sheet index: Int, _ visit: (SourceRow) throws -> Bool) throws {
        let channel = Channel()
        let handoff = Handoff(source: source)
        let (batchSize, depth) = (self.batchSize, self.depth)
        let reader = Thread {
            var batch: [SourceRow] = []
            batch.reserveCapacity(batchSize)
            func push(_ rows: [SourceRow]) -> Bool {
                channel.condition.lock()
                defer { channel.condition.unlock() }
                while channel.batches.count >= depth && !channel.cancelled { channel.condition.wait() }
                if channel.cancelled { return false }
                channel.batches.append(rows)
                channel.condition.broadcast()
                return true
            }
            var failure: (any Error)?
            do {
                try handoff.source.readRows(sheet: index) { row in
                    batch.append(row)
                    guard batch.count >= batchSize else { return true }
                    defer { batch.removeAll(keepingCapacity: true) }
                    return push(batch)
                }
                if !batch.isEmpty { _ = push(batch) }
            } catch {
                failure = error
            }
            channel.condition.lock()
            channel.failure = failure
            channel.finished = true
            channel.condition.broadcast()
            channel.condition.unlock()
        }
        reader.stackSize = 8 << 20
        reader.start()

        // Waits for the reading thread to end, after telling it to stop when `stop`.
        func join(stop: Bool) {
            channel.condition.lock()
            if stop { channel.cancelled = true; channel.condition.broadcast() }
            while !channel.finished { channel.condition.wait() }
            channel.condition.unlock()
        }
        while true {
            channel.condition.lock()
            while channel.batches.isEmpty && !channel.finished { channel.condition.wait() }
            if channel.batches.isEmpty {
                let failure = channel.failure
                channel.condition.unlock()
                if let failure { throw failure }
                return
            }
            let rows = channel.batches.removeFirst()
            channel.condition.broadcast()
            channel.condition.unlock()
            for row in rows {
                let more: Bool
                do {
                    more = try visit(row)
                } catch {
                    join(stop: true)
                    throw error
                }
                if !more {
                    join(stop: true)
                    return
                }
            }
        }
    }
}
