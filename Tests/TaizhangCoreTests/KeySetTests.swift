import Testing
@testable import TaizhangCore

/// The compact set of keys a row-by-row check remembers finds every repeat, as Swift's string equality does.
@Suite struct KeySetTests {
    @Test func everyRepeatIsFoundWithItsFirstPlace() {
        var set = KeySet()
        let n = 50_000
        for i in 0..<n {
            #expect(set.firstPlace(of: "FS-2024-\(i)", else: .init(row: Int32(i + 7), column: 2)) == nil)
        }
        #expect(set.count == n)
        for i in stride(from: 0, to: n, by: 997) {
            #expect(set.firstPlace(of: "FS-2024-\(i)", else: .init(row: 0, column: 0)) == .init(row: Int32(i + 7), column: 2))
        }
        #expect(set.firstPlace(of: "FS-2024-\(n)", else: .init(row: 1, column: 1)) == nil)
        #expect(set.firstPlace(of: "fs-2024-1", else: .init(row: 1, column: 1)) == nil, "case matters")
    }

    @Test func keysAreEqualAsSwiftStringsAre() {
        var set = KeySet()
        #expect(set.firstPlace(of: "K-001", else: .init(row: 5, column: 2)) == nil)
        // U+212A KELVIN SIGN is canonically K.
        #expect(set.firstPlace(of: "\u{212A}-001", else: .init(row: 6, column: 2)) == .init(row: 5, column: 2))
        #expect("\u{212A}-001" == "K-001")
        // Composed and decomposed é.
        #expect(set.firstPlace(of: "caf\u{E9}", else: .init(row: 7, column: 2)) == nil)
        #expect(set.firstPlace(of: "cafe\u{301}", else: .init(row: 8, column: 2)) == .init(row: 7, column: 2))
        #expect(set.firstPlace(of: "自查-001", else: .init(row: 9, column: 2)) == nil)
        #expect(set.firstPlace(of: "自查-001", else: .init(row: 10, column: 2)) == .init(row: 9, column: 2))
        // Full-width Ｋ is another character (folding is the normaliser's business).
        #expect(set.firstPlace(of: "\u{FF2B}-001", else: .init(row: 11, column: 2)) == nil)
        let long = String(repeating: "A", count: 70_000)
        #expect(set.firstPlace(of: long, else: .init(row: 12, column: 2)) == nil)
        #expect(set.firstPlace(of: long, else: .init(row: 13, column: 2)) == .init(row: 12, column: 2))
        #expect(set.count == 5)
    }
}
