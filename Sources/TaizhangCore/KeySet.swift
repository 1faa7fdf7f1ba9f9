import Foundation

/// The keys of a table's key column seen so far, each with where it was first seen: what a row-by-row check must
/// remember of every row, kept compactly. ASCII keys (nearly all: `FS-2024-000123`) are stored as bytes in one
/// buffer with an open-addressing table of entry numbers, about 20 bytes a key against 40–60 in a dictionary of
/// strings (whose growth doubles its memory at unlucky sizes); other keys go to a dictionary.
///
/// Keys are equal as Swift strings are (canonical equivalence): a key whose canonical composition is ASCII
/// (`Ｋ` is not, but U+212A KELVIN SIGN is: `K`) is looked up among the ASCII keys in that form.
struct KeySet {
    /// Where a key was first seen.
    struct Place: Equatable {
        var row: Int32
        var column: Int32
    }

    private var bytes: [UInt8] = []
    /// Per entry: its bytes' start in `bytes`, its length, and its place.
    private var starts: [UInt32] = []
    private var lengths: [UInt16] = []
    private var places: [Place] = []
    /// Entry number + 1 per slot; 0 is empty. A power of two long, at most half full.
    private var slots: [UInt32] = []
    private var others: [String: Place] = [:]

    /// How many keys are held.
    var count: Int { starts.count + others.count }

    /// The place of `key` if it was seen; otherwise records it at `place` and returns `nil`.
    mutating func firstPlace(of key: String, else place: Place) -> Place? {
        var key = key
        if !key.utf8.allSatisfy({ $0 < 0x80 }) {
            let composed = key.precomposedStringWithCanonicalMapping
            guard composed.utf8.allSatisfy({ $0 < 0x80 }) else {
                if let seen = others[composed] { return seen }
                others[composed] = place
                return nil
            }
            key = composed
        }
        return key.utf8.withContiguousStorageIfAvailable { firstPlace(ascii: $0, else: place) }
            ?? Array(key.utf8).withUnsafeBufferPointer { firstPlace(ascii: $0, else: place) }
    }

    private mutating func firstPlace(ascii key: UnsafeBufferPointer<UInt8>, else place: Place) -> Place? {
        // Long keys (beyond what a 问题编号 is) are rare; they go to the dictionary as text.
        guard key.count <= Int(UInt16.max), bytes.count + key.count < Int(UInt32.max) else {
            let text = String(decoding: key, as: UTF8.self)
            if let seen = others[text] { return seen }
            others[text] = place
            return nil
        }
        if slots.isEmpty { slots = Array(repeating: 0, count: 1024) }
        let hash = KeySet.hash(key)
        var mask = slots.count - 1
        var i = hash & mask
        while slots[i] != 0 {
            let entry = Int(slots[i] - 1)
            if Int(lengths[entry]) == key.count,
               bytes.withUnsafeBufferPointer({ memcmp($0.baseAddress! + Int(starts[entry]), key.baseAddress!, key.count) == 0 }) {
                return places[entry]
            }
            i = (i + 1) & mask
        }
        starts.append(UInt32(bytes.count))
        lengths.append(UInt16(key.count))
        places.append(place)
        bytes.append(contentsOf: key)
        slots[i] = UInt32(starts.count)
        if starts.count * 2 > slots.count {
            // Twice the slots, every entry placed again.
            slots = Array(repeating: 0, count: slots.count * 2)
            mask = slots.count - 1
            for entry in starts.indices {
                let start = Int(starts[entry]), length = Int(lengths[entry])
                var j = bytes.withUnsafeBufferPointer { KeySet.hash(UnsafeBufferPointer(rebasing: $0[start..<(start + length)])) } & mask
                while slots[j] != 0 { j = (j + 1) & mask }
                slots[j] = UInt32(entry + 1)
            }
        }
        return nil
    }

    /// FNV-1a, 64-bit, finished with a multiply-xorshift so the low bits are well mixed.
    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { h = (h ^ UInt64(byte)) &* 0x100_0000_01b3 }
        h ^= h >> 33
        h = h &* 0xff51_afd7_ed55_8ccd
        h ^= h >> 33
        return Int(truncatingIfNeeded: h)
    }
}
