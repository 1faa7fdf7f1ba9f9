import Testing
@testable import TaizhangCore

/// The patterns matched without the regex engine (`^[^\s]+$` on every 问题编号) give the engine's answer.
@Suite struct PatternRunTests {
    static let patterns = [#"^[^\s]+$"#, #"^[A-Za-z0-9-]+$"#, #"^[^\s,]+$"#, #"^[\sa-c]+$"#]
    static let texts = [
        "", "FS-2024-001", "FS 2024", "FS\u{3000}2024", "FS\u{00A0}2024", "FS\t1", "FS\n1", "FS\r\n1", "FS\r1",
        "自查-001", "（一）问题", "ＦＳ－００１", "e\u{301}", "e\u{301}x", "a\u{200D}b", "👨‍👩‍👧", "한국", "\u{85}", " ",
        "abc", "a b", "a,b", "aaa\u{2028}", "〇〇一", "问题\u{302A}", "x\u{FE0F}", "-", "A-Z",
    ]

    @Test(arguments: patterns)
    func theDirectMatchAgreesWithTheRegexEngine(pattern: String) throws {
        let run = try #require(Normaliser.ClassRun(pattern))
        let regex = try Regex(pattern)
        for text in Self.texts {
            let engine = (try regex.wholeMatch(in: text)) != nil
            if let direct = run.wholeMatch(text) {
                #expect(direct == engine, "\(pattern) on \(text.unicodeScalars.map { String($0.value, radix: 16) })")
            }
        }
        // The plain texts a ledger holds are answered directly, not left to the engine.
        #expect(run.wholeMatch("FS-2024-000001") != nil)
        #expect(run.wholeMatch("自查 001") != nil)
    }

    @Test func patternsWithMoreThanOneRunAreLeftToTheEngine() {
        for pattern in [#"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$"#, #"^[^\s]*$"#, #"[^\s]+"#, #"^[\d]+$"#, #"^[[:alpha:]]+$"#,
                        #"^[^\s]+x$"#] {
            #expect(Normaliser.ClassRun(pattern) == nil, "\(pattern)")
        }
    }
}
