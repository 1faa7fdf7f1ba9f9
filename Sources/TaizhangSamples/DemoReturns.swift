import TaizhangCore

/// The demo's cast: every unit's returns for May and June 2024, with the campaign's usual mishaps.
///
/// Later checks rely on this cast, so keep it stable: 大连 sends late; 鞍山 sends a faulty 整改工作台账 (three planted
/// errors) and a clean 修改稿 three days later; 抚顺 sends its 自查台账 as CSV; 本溪 its 整改工作台账 in a layout of
/// its own; 朝阳 never sends its June progress report; 葫芦岛's 整改工作台账 has a 问题编号 missing from its 自查台账;
/// 沈阳's June progress report counts 15 people held accountable while every row of its 整改工作台账 says 否 (its
/// figures do not reconcile). Every other unit's figures agree with its ledgers and its May report.
public struct DemoReturns: Sendable {
    /// How a return is written.
    public enum Layout: Sendable, Equatable {
        /// The official template, filled in, in a format (`xlsx`, `csv`).
        case template(format: String)
        /// A workbook in the unit's own layout (title rows, reordered and renamed columns, an extra column).
        case handmade
    }

    /// One file a unit sends.
    public struct Return: Sendable {
        /// What it holds.
        public var document: LedgerDocument
        /// The day it arrives.
        public var received: CivilDate
        /// How it is written.
        public var layout: Layout
        /// A note in its file name (（初稿）, （修改稿）, （自制表）).
        public var note: String
    }

    public let formSet: FormSet
    public let may = YearMonth(year: 2024, month: 5)!
    public let june = YearMonth(year: 2024, month: 6)!

    public init(formSet: FormSet) { self.formSet = formSet }

    /// Every unit's returns, unit by unit in the order of the units file.
    public func returns() -> [Return] {
        let samples = SampleLedgers(formSet: formSet)
        var returns: [Return] = []
        func send(_ document: LedgerDocument, _ day: CivilDate, _ layout: Layout = .template(format: "xlsx"), note: String = "") {
            returns.append(Return(document: document, received: day, layout: layout, note: note))
        }
        for (u, unit) in formSet.units.enumerated() {
            let seed = UInt64(u + 1)
            // The self-check ledger grows: six problems in May, two more found in June.
            let selfCheckForm = formSet.form("self-check")!
            var selfCheckJune = samples.document(form: selfCheckForm, unit: unit, period: june, rows: 8, seed: seed)
            // The six problems found in May keep their May 发现时间 in the June ledger.
            for i in 0..<6 {
                if let d = selfCheckJune.rows["main"]![i]["found_date"]?.date, d.month > 5 {
                    selfCheckJune.rows["main"]![i]["found_date"] = .date(CivilDate(year: 2024, month: 5, day: d.day)!)
                }
            }
            var selfCheckMay = moved(selfCheckJune, to: may, reportedOn: 20)
            selfCheckMay.rows["main"] = Array(selfCheckJune.rows["main"]!.prefix(6))
            // The rectification ledger: in May nothing is done yet; in June some problems are.
            let rectForm = formSet.form("rectification")!
            var rectJune = samples.document(form: rectForm, unit: unit, period: june, rows: 8, seed: seed &+ 100)
            // A rectification row describes its problem as the self-check ledger does.
            for i in rectJune.rows["main"]!.indices where i < selfCheckJune.rows["main"]!.count {
                rectJune.rows["main"]![i]["description"] = selfCheckJune.rows["main"]![i]["description"]
            }
            if unit.id == "shenyang" {  // nobody held accountable, according to the ledger
                for i in rectJune.rows["main"]!.indices {
                    rectJune.rows["main"]![i]["accountability"] = .yesNo(false)
                    rectJune.rows["main"]![i]["accountability_detail"] = nil
                }
            }
            var rectMay = moved(rectJune, to: may, reportedOn: 21)
            rectMay.rows["main"] = Array(rectJune.rows["main"]!.prefix(6)).map { record in
                var r = record
                r["status"] = .choice("正在整改")
                r["done_date"] = nil
                return r
            }
            let progressForm = formSet.form("progress")!
            let progressMay = reconciled(samples.document(form: progressForm, unit: unit, period: may, rows: 0, seed: seed &+ 200),
                                         with: rectMay, after: nil)
            var progressJune = reconciled(samples.document(form: progressForm, unit: unit, period: june, rows: 0, seed: seed &+ 300),
                                          with: rectJune, after: progressMay)
            if unit.id == "shenyang" { progressJune.header["accountability_count"] = .integer(15) }

            for (document, due) in [(selfCheckMay, 31), (rectMay, 31), (progressMay, 24)] {
                send(document, CivilDate(year: 2024, month: 5, day: min(due, 23 + u % 3))!)
            }
            let onTime = CivilDate(year: 2024, month: 6, day: 18 + u % 5)!
            switch unit.id {
            case "dalian":  // late
                for d in [selfCheckJune, rectJune, progressJune] { send(d, CivilDate(year: 2024, month: 6, day: 27)!) }
            case "anshan":  // a faulty rectification ledger, corrected three days later
                var faulty = rectJune
                faulty.rows["main"]![2]["deadline"] = .text("六月底前")
                faulty.rows["main"]![4]["status"] = .text("差不多完成")
                faulty.rows["main"]![5]["accountability"] = .yesNo(true)
                faulty.rows["main"]![5]["accountability_detail"] = nil
                send(selfCheckJune, onTime)
                send(faulty, onTime, note: "（初稿）")
                send(rectJune, onTime.adding(days: 3)!, note: "（修改稿）")
                send(progressJune, onTime)
            case "fushun":  // the self-check ledger sent as CSV
                send(selfCheckJune, onTime, .template(format: "csv"))
                send(rectJune, onTime)
                send(progressJune, onTime)
            case "benxi":  // a rectification ledger in the unit's own layout, not the template
                send(selfCheckJune, onTime)
                send(rectJune, onTime, .handmade, note: "（自制表）")
                send(progressJune, onTime)
            case "chaoyang":  // no progress report yet
                send(selfCheckJune, onTime)
                send(rectJune, onTime)
            case "huludao":  // a rectification row whose problem is not in the self-check ledger
                var dangling = rectJune
                dangling.rows["main"]![7]["problem_id"] = .text("\(unit.code)-2024-099")
                send(selfCheckJune, onTime)
                send(dangling, onTime)
                send(progressJune, onTime)
            default:
                for d in [selfCheckJune, rectJune, progressJune] { send(d, onTime) }
            }
        }
        return returns
    }

    /// `report` with figures that agree with the unit's `ledger` and its `previous` report, as the form's
    /// `reconcile` section asks: counted figures equal (or, for people, cover) the ledger's rows, cumulative
    /// figures never go down, and each monthly figure is the cumulative less the previous report's.
    func reconciled(_ report: LedgerDocument, with ledger: LedgerDocument, after previous: LedgerDocument?) -> LedgerDocument {
        guard let rules = report.form.reconcile else { return report }
        var copy = report
        let rows = ledger.rows.values.joined()
        for rule in rules.ledgerCounts {
            let count = rows.filter { $0[rule.count.field].map { rule.count.in.contains($0.conditionText) } ?? false }.count
            copy.header[rule.field] = .integer(count)
        }
        let counted = Set(rules.ledgerCounts.map(\.field))
        for pair in rules.running {
            let before = previous?.header[pair.total]?.number.map { Int($0) } ?? 0
            if counted.contains(pair.total) {
                let total = max(before, copy.header[pair.total]?.number.map { Int($0) } ?? 0)
                copy.header[pair.total] = .integer(total)
                copy.header[pair.month] = .integer(total - before)
            } else {
                let month = copy.header[pair.month]?.number.map { Int($0) } ?? 0
                copy.header[pair.total] = .integer(before + month)
            }
        }
        return copy
    }

    /// A copy of `document` reported for `period`, on `day` of that month.
    func moved(_ document: LedgerDocument, to period: YearMonth, reportedOn day: Int) -> LedgerDocument {
        var copy = document
        copy.period = period
        copy.header["period"] = .period(period)
        copy.header["report_date"] = .date(period.day(day))
        return copy
    }
}
