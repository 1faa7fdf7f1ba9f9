/// Turns what a clerk typed (a ``CellValue``) into what the form means (a ``Value``), field type by field type.
///
/// All the clerk-typing rules live here and only here: the date spellings (2024-06-30, 2024/6/30,
/// 2024.6.30, 2024年6月30日, 6月30日 with the period's year, 二〇二四年六月三十日, 20240630, Excel serials),
/// full-width digits and punctuation, stray spaces, choice synonyms, unit names, 是/否 spellings.
public struct Normaliser: Sendable {
    /// The form set (choice lists and units).
    public let formSet: FormSet
    /// The year a date without one (6月30日) belongs to: the period's year.
    public var defaultYear: Int?
    /// How serial numbers map to dates.
    public var dateSystem: ExcelDateSystem

    /// The form set's text patterns, compiled once (compiling one for every cell cost a third of a check).
    private let patterns: CompiledPatterns

    public init(formSet: FormSet, defaultYear: Int? = nil, dateSystem: ExcelDateSystem = .system1900) {
        self.formSet = formSet
        self.defaultYear = defaultYear
        self.dateSystem = dateSystem
        patterns = CompiledPatterns(formSet.forms.flatMap { $0.header + $0.tables.flatMap(\.columns) }.compactMap(\.pattern))
    }

    /// Compiled regular expressions by their source text. A pattern the form set did not list (a field made in
    /// code) is compiled when it is used.
    final class CompiledPatterns: @unchecked Sendable {
        // Read-only after init: safe to share between threads.
        private let compiled: [String: Regex<AnyRegexOutput>]
        /// The patterns that are one run of a character class (`^[^\\s]+$`), matched without the regex engine.
        private let runs: [String: ClassRun]
        init(_ sources: [String]) {
            var compiled: [String: Regex<AnyRegexOutput>] = [:]
            var runs: [String: ClassRun] = [:]
            for source in Set(sources) {
                compiled[source] = try? Regex(source)
                runs[source] = ClassRun(source)
            }
            self.compiled = compiled
            self.runs = runs
        }
        func regex(_ source: String) -> Regex<AnyRegexOutput>? { compiled[source] ?? (try? Regex(source)) }

        /// Whether `text` matches `source` as a whole; `nil` for a pattern that does not compile.
        func wholeMatch(_ source: String, _ text: String) -> Bool? {
            if let run = runs[source], let answer = run.wholeMatch(text) { return answer }
            guard let regex = regex(source) else { return nil }
            return (try? regex.wholeMatch(in: text)) != nil
        }
    }

    /// A pattern `^[…]+$` or `^[^…]+$` whose class holds only `\\s` and printable ASCII characters and ranges,
    /// matched directly: the regex engine costs microseconds a cell, and a key column is checked on every row.
    /// It answers only for text whose characters are all single scalars (where a character class means the same
    /// for characters as for scalars); other text goes to the regex engine.
    struct ClassRun: Sendable {
        let negated: Bool
        let whitespace: Bool
        let ascii: [Bool]

        init?(_ pattern: String) {
            var p = Array(pattern.unicodeScalars)
            guard p.count >= 6, p.first == "^", p.last == "$", p[1] == "[", p[p.count - 2] == "+", p[p.count - 3] == "]"
            else { return nil }
            p = Array(p[2..<(p.count - 3)])
            var i = 0
            negated = p.first == "^"
            if negated { i = 1 }
            var whitespace = false
            var ascii = [Bool](repeating: false, count: 128)
            var previous: Unicode.Scalar?
            guard i < p.count else { return nil }
            while i < p.count {
                let c = p[i]
                if c == "\\" {
                    guard i + 1 < p.count, p[i + 1] == "s" else { return nil }
                    whitespace = true
                    previous = nil
                    i += 2
                    continue
                }
                if c == "-", let low = previous, i + 1 < p.count, p[i + 1] != "\\" {
                    let high = p[i + 1]
                    guard high.value < 127, high.value > 32, low.value <= high.value else { return nil }
                    for v in low.value...high.value { ascii[Int(v)] = true }
                    previous = nil
                    i += 2
                    continue
                }
                // Only plain printable ASCII; anything with a meaning inside a class is left to the engine.
                guard c.value > 32, c.value < 127, !"[]^\\&~:".unicodeScalars.contains(c) else { return nil }
                ascii[Int(c.value)] = true
                previous = c
                i += 1
            }
            self.whitespace = whitespace
            self.ascii = ascii
        }

        func wholeMatch(_ text: String) -> Bool? {
            guard !text.isEmpty else { return false }
            for scalar in text.unicodeScalars {
                // A scalar that may join its neighbour into one character: leave the text to the engine.
                if scalar.value >= 0x300 && !(0x3400...0x9FFF).contains(scalar.value) && !(0xFF01...0xFF5E).contains(scalar.value)
                    && !(0x3000...0x3029).contains(scalar.value) { return nil }
                if scalar == "\r" { return nil }
                let v = Int(scalar.value)
                let inClass: Bool
                if v < 128 {
                    inClass = ascii[v] || (whitespace && (v == 32 || (9...13).contains(v)))
                } else {
                    // Of the scalars let through above, U+0085, U+00A0 and U+3000 are white space.
                    inClass = whitespace && (v == 0x85 || v == 0xA0 || v == 0x3000)
                }
                if inClass == negated { return false }
            }
            return true
        }
    }

    /// The outcome for one cell: its value (nil when empty or invalid) and what is wrong with it.
    public struct Outcome: Sendable, Equatable {
        public var value: Value?
        public var findings: [Finding]
    }

    /// Normalises one cell for `field`. Empty cells give no value and no finding: whether a value is
    /// required is the ``Validator``'s business.
    public func normalise(_ cell: CellValue, as field: Field, at location: Location) -> Outcome {
        if case .error(let code) = cell {
            return fail(.errorValue, location, "单元格显示错误值“\(code)”，请填写实际内容（不要使用公式）")
        }
        if cell.isBlank { return Outcome(value: nil, findings: []) }
        switch field.type {
        case .text, .reference: return text(cell, field, location)
        case .integer: return integer(cell, field, location)
        case .decimal: return decimal(cell, field, location)
        case .date: return date(cell, field, location)
        case .period: return period(cell, field, location)
        case .choice: return choice(cell, field, location)
        case .yesNo: return yesNo(cell, field, location)
        case .unit: return unit(cell, field, location)
        }
    }

    private func fail(_ code: FindingCode, _ location: Location, _ message: String,
                      severity: Severity = .error) -> Outcome {
        Outcome(value: nil, findings: [Finding(code: code, severity: severity, location: location, message: message)])
    }

    private func quoted(_ cell: CellValue) -> String { "“\(DisplayWidth.truncated(cell.displayText, to: 40))”" }

    // MARK: Text

    private func text(_ cell: CellValue, _ field: Field, _ location: Location) -> Outcome {
        var s: String
        switch cell {
        case .number(let n): s = CellValue.format(n)
        case .date(let d, _): s = d.iso
        case .boolean(let b): s = b ? "是" : "否"
        case .text(let t): s = t
        case .empty, .error: s = ""
        }
        s = TextFolding.trimmed(s)
        // A leading apostrophe neutralises a formula (`'=1+2`, as CSV exporters write it): the text is what follows.
        if s.hasPrefix("'"), let next = s.dropFirst().first, "=+-@\t\r".contains(next) { s.removeFirst() }
        if field.fold { s = TextFolding.halfWidth(s) }
        var findings: [Finding] = []
        if TextFolding.hasLineBreak(s) {
            if field.multiline {
                s = s.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            } else {
                findings.append(Finding(code: .lineBreak, severity: .warning, location: location,
                                        message: "单元格内有换行，请删除换行，把内容写在一行内"))
            }
        }
        // The length in characters, counted only when the bytes could exceed it (counting is slow).
        if let maxLength = field.maxLength, s.utf8.count > maxLength, s.unicodeScalars.count > maxLength,
           s.count > maxLength {
            findings.append(Finding(code: .tooLong, location: location,
                                    message: "内容有 \(s.count) 个字，超过上限 \(maxLength) 字，请精简"))
        }
        if let pattern = field.pattern, patterns.wholeMatch(pattern, s) == false {
            let hint = field.patternHint ?? "格式不符合要求"
            findings.append(Finding(code: .patternMismatch, location: location, message: "\(quoted(.text(s)))：\(hint)"))
        }
        let failed = findings.contains { $0.severity == .error }
        return Outcome(value: failed ? nil : .text(s), findings: findings)
    }

    // MARK: Numbers

    /// Trailing measure words clerks add to counts (3个, 5件).
    private static let measureWords: Set<Character> = ["个", "件", "起", "项", "人", "次", "例", "条", "家", "名", "份"]

    private func parseNumber(_ cell: CellValue) -> Double? {
        switch cell {
        case .number(let n): return n.isFinite ? n : nil
        case .text(let t):
            // Plain digits (a 序号 or a count as CSV holds it): the number directly.
            if t.utf8.count <= 15, !t.isEmpty, t.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) { return Double(t) }
            var s = TextFolding.numeric(t)
            while let last = s.last, Normaliser.measureWords.contains(last) { s.removeLast() }
            guard !s.isEmpty, s.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "." || $0 == "-" || $0 == "+") })
            else { return nil }
            return Double(s)
        default: return nil
        }
    }

    private func rangeCheck(_ n: Double, _ field: Field, _ location: Location) -> Finding? {
        if let min = field.min, n < min {
            let text = min == 0 ? "不能为负数" : "不能小于 \(CellValue.format(min))"
            return Finding(code: .outOfRange, location: location, message: "\(CellValue.format(n))\(text)")
        }
        if let max = field.max, n > max {
            return Finding(code: .outOfRange, location: location, message: "\(CellValue.format(n))不能大于 \(CellValue.format(max))")
        }
        return nil
    }

    private func integer(_ cell: CellValue, _ field: Field, _ location: Location) -> Outcome {
        guard let n = parseNumber(cell) else {
            if case .text(let t) = cell, ["无", "没有", "/", "-", "—"].contains(TextFolding.trimmed(t)) {
                return fail(.invalidNumber, location, "\(quoted(cell))不是数字：没有的请填 0")
            }
            return fail(.invalidNumber, location, "\(quoted(cell))不是数字，请填写阿拉伯数字，如 3")
        }
        guard n == n.rounded(), abs(n) < 1e15 else {
            return fail(.invalidNumber, location, "\(quoted(cell))不是整数，请填写整数")
        }
        if let finding = rangeCheck(n, field, location) { return Outcome(value: nil, findings: [finding]) }
        return Outcome(value: .integer(Int(n)), findings: [])
    }

    private func decimal(_ cell: CellValue, _ field: Field, _ location: Location) -> Outcome {
        guard let n = parseNumber(cell) else {
            return fail(.invalidNumber, location, "\(quoted(cell))不是数字，请填写阿拉伯数字")
        }
        if let finding = rangeCheck(n, field, location) { return Outcome(value: nil, findings: [finding]) }
        return Outcome(value: .decimal(n), findings: [])
    }

    // MARK: Dates

    private func date(_ cell: CellValue, _ field: Field, _ location: Location) -> Outcome {
        if case .text(let t) = cell {
            let key = TextFolding.matchKey(t)
            if let fixed = field.allowedTexts.first(where: { TextFolding.matchKey($0) == key }) {
                return Outcome(value: .fixedText(fixed), findings: [])
            }
        }
        guard let d = parseDate(cell) else {
            var message = "\(quoted(cell))不是有效的日期，请写成“2024-06-30”或“2024年6月30日”"
            if !field.allowedTexts.isEmpty {
                message += "，或填写\(field.allowedTexts.map { "“\($0)”" }.joined(separator: "、"))"
            }
            return fail(.invalidDate, location, message)
        }
        if let minDate = field.minDate, d < minDate {
            return fail(.outOfRange, location, "日期 \(d.chinese)早于 \(minDate.chinese)，请核对年份")
        }
        if let maxDate = field.maxDate, d > maxDate {
            return fail(.outOfRange, location, "日期 \(d.chinese)晚于 \(maxDate.chinese)，请核对")
        }
        return Outcome(value: .date(d), findings: [])
    }

    /// Parses a cell as a date in any accepted spelling.
    public func parseDate(_ cell: CellValue) -> CivilDate? {
        switch cell {
        case .date(let d, _): return d
        case .number(let n):
            if n == n.rounded(), n >= 19_000_101, n <= 99_991_231 { return Normaliser.yyyymmdd(Int(n)) }
            guard n >= 1, let result = dateSystem.date(fromSerial: n), !result.isFictitious else { return nil }
            return result.date
        case .text(let t): return parseDateText(t)
        default: return nil
        }
    }

    static func yyyymmdd(_ n: Int) -> CivilDate? {
        CivilDate(year: n / 10_000, month: n / 100 % 100, day: n % 100)
    }

    /// Parses the spellings of a date clerks type.
    public func parseDateText(_ raw: String) -> CivilDate? {
        // The spelling most text cells have (what CSV files and ISO cells hold), read without rebuilding the text.
        if let date = CivilDate(iso: raw), date.year >= 1000 { return date }
        var s = TextFolding.halfWidth(TextFolding.trimmed(raw))
        s = Normaliser.chineseNumeralsToDigits(s)
        // Drop a trailing time: 2024-06-30 00:00:00, 2024-06-30T08:00.
        if s.contains(":") {
            guard let cut = s.lastIndex(where: { $0 == " " || $0 == "T" }) else { return nil }
            s = String(s[..<cut])
        }
        s.removeAll { $0 == " " }
        while let last = s.last, last == "号" || last == "日" || last == "." { s.removeLast() }
        if s.count == 8, s.allSatisfy(\.isASCII), let n = Int(s) { return Normaliser.yyyymmdd(n) }
        // Split into runs of digits with their separators.
        var numbers: [Int] = []
        var separators: [Character] = []
        var current = ""
        for ch in s {
            if ch.isASCII && ch.isNumber {
                current.append(ch)
            } else {
                guard !current.isEmpty else { return nil }
                numbers.append(Int(current)!)
                current = ""
                separators.append(ch)
            }
        }
        if !current.isEmpty { numbers.append(Int(current)!) }
        switch (numbers.count, separators.count) {
        case (3, 2):
            let ok: Bool
            switch (separators[0], separators[1]) {
            case ("-", "-"), ("/", "/"), (".", "."), ("年", "月"), ("-", "/"): ok = true
            default: ok = false
            }
            guard ok, numbers[0] >= 1000 else { return nil }
            return CivilDate(year: numbers[0], month: numbers[1], day: numbers[2])
        case (2, 1) where separators[0] == "月":
            guard let year = defaultYear else { return nil }
            return CivilDate(year: year, month: numbers[0], day: numbers[1])
        default:
            return nil
        }
    }

    /// 二〇二四年六月三十日 → 2024年6月30日: digits written as Chinese numerals, with 十 for tens.
    private static let numeralDigits: [Character: Int] = [
        "〇": 0, "零": 0, "○": 0, "Ｏ": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
        "九": 9,
    ]

    static func chineseNumeralsToDigits(_ s: String) -> String {
        // Numerals are never ASCII: plain ASCII text (2024-6-30, 2024/06/30) has none.
        if s.utf8.allSatisfy({ $0 < 0x80 }) { return s }
        let digits = numeralDigits
        guard s.contains(where: { digits[$0] != nil || $0 == "十" }) else { return s }
        var out = ""
        var run: [Character] = []
        func flush() {
            guard !run.isEmpty else { return }
            if let ten = run.firstIndex(of: "十") {
                let tens = ten == run.startIndex ? 1 : (digits[run[run.startIndex]] ?? 0)
                let ones = ten == run.index(before: run.endIndex) ? 0 : (digits[run[run.index(after: ten)]] ?? 0)
                out += String(tens * 10 + ones)
            } else {
                out += run.map { String(digits[$0]!) }.joined()
            }
            run.removeAll()
        }
        for ch in s {
            if digits[ch] != nil || ch == "十" { run.append(ch) } else { flush(); out.append(ch) }
        }
        flush()
        return out
    }

    // MARK: Periods

    private func period(_ cell: CellValue, _ field: Field, _ location: Location) -> Outcome {
        if let p = parsePeriod(cell) { return Outcome(value: .period(p), findings: []) }
        return fail(.invalidPeriod, location, "\(quoted(cell))不是有效的月份，请写成“2024-06”或“2024年6月”")
    }

    /// Parses a reporting month: 2024-06, 2024年6月(份), 202406, 6月 (with the default year), or a date.
    public func parsePeriod(_ cell: CellValue) -> YearMonth? {
        switch cell {
        case .date(let d, _): return d.yearMonth
        case .number(let n):
            if n == n.rounded(), n >= 190_001, n <= 999_912 {
                return YearMonth(year: Int(n) / 100, month: Int(n) % 100)
            }
            return parseDate(cell)?.yearMonth
        case .text(let t):
            var s = Normaliser.chineseNumeralsToDigits(TextFolding.halfWidth(TextFolding.trimmed(t)))
            s.removeAll { $0 == " " }
            if s.hasSuffix("月份") { s.removeLast() }
            if s.hasSuffix("月") { s.removeLast() }
            if s.count == 6, s.allSatisfy(\.isASCII), let n = Int(s) { return YearMonth(year: n / 100, month: n % 100) }
            let parts = s.split(whereSeparator: { "-/.年".contains($0) }).map(String.init)
            if parts.count == 2, parts[0].count == 4, let y = Int(parts[0]), let m = Int(parts[1]) {
                return YearMonth(year: y, month: m)
            }
            if parts.count == 1, let m = Int(parts[0]), let year = defaultYear, t.contains("月") {
                return YearMonth(year: year, month: m)
            }
            return parseDateText(t)?.yearMonth
        default: return nil
        }
    }

    // MARK: Choices, yes/no, units

    private func choice(_ cell: CellValue, _ field: Field, _ location: Location) -> Outcome {
        guard let listID = field.list, let list = formSet.list(listID) else {
            return fail(.unknownChoice, location, "表单定义缺少选项列表")
        }
        let text = cell.displayText
        if let canonical = formSet.canonicalChoice(text, list: listID) {
            return Outcome(value: .choice(canonical), findings: [])
        }
        let values = list.parent == nil ? list.items.map(\.value) : []
        var message = "\(quoted(cell))不是“\(list.title)”的选项"
        if !values.isEmpty && values.count <= 12 {
            message += "，请从以下选项中选择：\(values.joined(separator: "、"))"
        } else {
            message += "，请从下拉列表中选择"
        }
        return fail(.unknownChoice, location, message)
    }

    private static let yes: Set<String> = ["是", "y", "yes", "true", "√", "✓", "✔", "有", "1", "是的", "已"]
    private static let no: Set<String> = ["否", "n", "no", "false", "×", "✗", "✘", "无", "0", "不是", "没有", "未"]

    private func yesNo(_ cell: CellValue, _ field: Field, _ location: Location) -> Outcome {
        if case .boolean(let b) = cell { return Outcome(value: .yesNo(b), findings: []) }
        let text = cell.displayText
        if Normaliser.yes.contains(text) { return Outcome(value: .yesNo(true), findings: []) }
        if Normaliser.no.contains(text) { return Outcome(value: .yesNo(false), findings: []) }
        let key = TextFolding.matchKey(text)
        if Normaliser.yes.contains(key) { return Outcome(value: .yesNo(true), findings: []) }
        if Normaliser.no.contains(key) { return Outcome(value: .yesNo(false), findings: []) }
        return fail(.invalidYesNo, location, "\(quoted(cell))应填“是”或“否”")
    }

    private func unit(_ cell: CellValue, _ field: Field, _ location: Location) -> Outcome {
        if let unit = formSet.unit(named: cell.displayText) { return Outcome(value: .unit(unit.id), findings: []) }
        return fail(.unknownUnit, location, "\(quoted(cell))不是本次专项整治的填报单位，请填写单位全称，如“\(formSet.units.first?.name ?? "")”")
    }
}
