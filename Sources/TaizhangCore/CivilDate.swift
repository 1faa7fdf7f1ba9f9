/// A calendar date without a time zone, as a ledger cell means it (整改时限, 发现时间).
///
/// Taizhang never needs time zones: a clerk's "2024年6月30日" is a civil date. Arithmetic uses the
/// proleptic Gregorian calendar (Howard Hinnant's days-from-civil algorithm), so it is exact and fast.
public struct CivilDate: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Creates a date, or `nil` when the components do not name a real day (2024-02-30).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              day >= 1, day <= CivilDate.daysIn(month: month, year: year) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Whether `year` is a Gregorian leap year.
    public static func isLeap(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    /// The number of days of `month` in `year`.
    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 (negative before).
    public var daysSinceEpoch: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The date `days` days after 1970-01-01, or `nil` outside years 1–9999.
    public init?(daysSinceEpoch days: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        self.init(year: y, month: m, day: d)
    }

    /// This date moved by `days` days.
    public func adding(days: Int) -> CivilDate? {
        CivilDate(daysSinceEpoch: daysSinceEpoch + days)
    }

    /// The number of days from `self` to `other` (positive when `other` is later).
    public func days(until other: CivilDate) -> Int {
        other.daysSinceEpoch - daysSinceEpoch
    }

    /// ISO 8601, `2024-06-30`.
    public var iso: String {
        "\(Self.pad(year, 4))-\(Self.pad(month, 2))-\(Self.pad(day, 2))"
    }

    /// The official Chinese form without zero padding, `2024年6月30日` (GB/T 9704 成文日期 style).
    public var chinese: String { "\(year)年\(month)月\(day)日" }

    public var description: String { iso }

    /// The month this date falls in.
    public var yearMonth: YearMonth { YearMonth(year: year, month: month)! }

    public static func < (a: CivilDate, b: CivilDate) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    /// Parses strict ISO `YYYY-MM-DD` (digits only).
    public init?(iso text: String) {
        var text = text
        guard let date = text.withUTF8({ CivilDate(iso: $0) }) else { return nil }
        self = date
    }

    /// Parses strict ISO `YYYY-MM-DD` (digits only) from UTF-8 bytes, without making a string: what readers of
    /// dates in attributes and cells call for every cell.
    public init?(iso bytes: UnsafeBufferPointer<UInt8>) {
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
        func number(_ from: Int, _ to: Int) -> Int? {
            var n = 0
            for i in from..<to {
                guard bytes[i] >= 0x30, bytes[i] <= 0x39 else { return nil }
                n = n * 10 + Int(bytes[i] - 0x30)
            }
            return n
        }
        guard let y = number(0, 4), let m = number(5, 7), let d = number(8, 10) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let date = CivilDate(iso: text) else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath, debugDescription: "不是有效的日期（应为 YYYY-MM-DD）：\(text)"))
        }
        self = date
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(iso)
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}

/// A reporting month (报送期), `2024-06`.
public struct YearMonth: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let year: Int
    public let month: Int

    /// Creates a month, or `nil` when `month` is not 1–12 or the year is out of range.
    public init?(year: Int, month: Int) {
        guard (1...9999).contains(year), (1...12).contains(month) else { return nil }
        self.year = year
        self.month = month
    }

    /// Parses `YYYY-MM`.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, (1...2).contains(parts[1].count),
              let y = Int(parts[0]), let m = Int(parts[1]) else { return nil }
        self.init(year: y, month: m)
    }

    /// `2024-06`.
    public var iso: String { "\(CivilDate.pad(year, 4))-\(CivilDate.pad(month, 2))" }
    /// `2024年6月`.
    public var chinese: String { "\(year)年\(month)月" }
    public var description: String { iso }

    /// The following month.
    public var next: YearMonth {
        month == 12 ? YearMonth(year: year + 1, month: 1)! : YearMonth(year: year, month: month + 1)!
    }

    /// The preceding month.
    public var previous: YearMonth {
        month == 1 ? YearMonth(year: year - 1, month: 12)! : YearMonth(year: year, month: month - 1)!
    }

    /// The given day of this month, clamped to the month's last day.
    public func day(_ day: Int) -> CivilDate {
        CivilDate(year: year, month: month, day: min(max(day, 1), CivilDate.daysIn(month: month, year: year)))!
    }

    /// The months from `self` through `last`, inclusive.
    public func through(_ last: YearMonth) -> [YearMonth] {
        var result: [YearMonth] = []
        var current = self
        while current <= last {
            result.append(current)
            current = current.next
        }
        return result
    }

    public static func < (a: YearMonth, b: YearMonth) -> Bool { (a.year, a.month) < (b.year, b.month) }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = YearMonth(text) else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath, debugDescription: "不是有效的月份（应为 YYYY-MM）：\(text)"))
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(iso)
    }
}

/// Spreadsheet serial dates: the 1900 system (with Lotus's fictitious 1900-02-29) and the 1904 system.
public enum ExcelDateSystem: String, Sendable, Codable {
    case system1900
    case system1904

    /// The date and seconds-into-day for a serial number, or `nil` when it is out of range
    /// (negative, or past 9999-12-31). Serial 60 in the 1900 system is the nonexistent 1900-02-29,
    /// reported as 1900-02-28 the way other careful readers do; `isFictitious` says so.
    public func date(fromSerial serial: Double) -> (date: CivilDate, secondsIntoDay: Int, isFictitious: Bool)? {
        guard serial.isFinite, serial >= 0, serial < 2_958_466 else { return nil }
        var whole = Int(serial.rounded(.down))
        var seconds = Int(((serial - Double(whole)) * 86_400).rounded())
        if seconds >= 86_400 { whole += 1; seconds -= 86_400 }
        switch self {
        case .system1904:
            guard let d = CivilDate(year: 1904, month: 1, day: 1)!.adding(days: whole) else { return nil }
            return (d, seconds, false)
        case .system1900:
            if whole == 0 {  // Excel shows 1900-01-00; treat as a pure time.
                return (CivilDate(year: 1899, month: 12, day: 31)!, seconds, true)
            }
            if whole == 60 { return (CivilDate(year: 1900, month: 2, day: 28)!, seconds, true) }
            let offset = whole < 60 ? whole : whole - 1
            guard let d = CivilDate(year: 1899, month: 12, day: 31)!.adding(days: offset) else { return nil }
            return (d, seconds, false)
        }
    }

    /// The serial number of a date in this system.
    public func serial(of date: CivilDate) -> Int {
        switch self {
        case .system1904:
            return CivilDate(year: 1904, month: 1, day: 1)!.days(until: date)
        case .system1900:
            let days = CivilDate(year: 1899, month: 12, day: 31)!.days(until: date)
            return days >= 60 ? days + 1 : days
        }
    }
}
