import TaizhangCore

/// A small deterministic random number generator (SplitMix64), so sample data is the same on every run.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Realistic filled-in ledgers for any form of a form set: the demo's returns, the plugins' round-trip
/// conformance tests and the benchmarks. Values follow the form's own rules (choices from its lists,
/// cascading choices consistent, dates in range, required-when satisfied), so a generated document is
/// valid unless a caller spoils it on purpose.
public struct SampleLedgers: Sendable {
    public let formSet: FormSet
    public init(formSet: FormSet) { self.formSet = formSet }

    static let subjects = ["执法监察支队", "无线电管理处", "节能监察中心", "综合行政执法大队", "安全生产监管科", "民爆行业管理科"]
    static let places = ["某化工企业", "某机械制造公司", "某钢铁企业", "某民爆器材仓库", "某通信基站", "某工业园区"]
    static let acts = ["开展监督检查时", "处理投诉举报时", "实施行政处罚时", "办理行政许可时", "开展节能监察时"]
    static let measures = ["组织执法人员专题培训，规范执法程序", "修订行政执法裁量基准并公开", "建立投诉举报办理台账，限时反馈",
                           "对相关执法文书逐件复查并纠正", "落实执法全过程记录制度，配备执法记录仪", "约谈相关责任人，督促立行立改",
                           "完善重大执法决定法制审核流程", "推行“双随机、一公开”检查，合并重复检查事项"]
    static let problems = ["对同一企业一个月内重复开展安全检查三次", "投诉举报件超过办理时限未予答复", "行政处罚决定书未载明裁量依据",
                           "执法人员检查时未出示行政执法证件", "对轻微违法行为未依法适用首违不罚", "现场检查未全程记录，记录仪资料缺失",
                           "同类案件处罚金额相差悬殊", "委托辅助人员单独开展现场执法", "行政许可办理超过法定期限",
                           "执法文书送达程序不规范", "对企业合理诉求推诿，未及时处理", "无依据顶格处罚小微企业"]
    static let phrases: [String: [String]] = [
        "effect": ["已组织专题培训，相关执法人员全部参训", "已修订相关制度并向社会公开", "问题已整改到位，企业反映良好",
                   "正在推进，预计按期完成", "已建立长效机制，定期复查"],
        "accountability_detail": ["对直接责任人进行诫勉谈话", "对相关责任人给予通报批评", "责令相关人员作出书面检查"],
        "exemption_detail": ["符合容错情形，经集体研究予以免责", "属于探索性工作中的失误，依规予以容错"],
        "remarks": ["无", "已报分管领导", "需跨部门协调"],
        "progress": ["召开专题会议部署推进", "已完成阶段性任务", "按计划推进中", "已形成工作台账并动态更新"],
        "handling": ["已责令整改并通报", "已公开曝光并约谈相关负责人", "已纠正并退还罚款"],
    ]
    static let people = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄强", "周杰", "吴婷"]

    /// A filled document of `form` for `unit` and `period`, with `rows` rows in each table
    /// (prefilled tables get one row per item).
    public func document(form: Form, unit: ReportingUnit, period: YearMonth, rows: Int, seed: UInt64) -> LedgerDocument {
        var random = SeededRandom(seed: seed)
        var header: [String: Value] = [:]
        for field in form.header {
            header[field.key] = value(for: field, row: [:], index: 0, unit: unit, period: period, random: &random)
        }
        // Cumulative counts are at least this month's.
        for rule in form.rules where rule.kind == .notLess {
            if let a = header[rule.field]?.number, let than = rule.than, let b = header[than]?.number, a < b {
                header[rule.field] = .integer(Int(b) + Int(a))
            }
        }
        var tables: [String: [Record]] = [:]
        for table in form.tables {
            var records: [Record] = []
            let prefill = table.prefill.flatMap { p in formSet.list(p.list).map { (p.column, $0.allItems.map(\.value)) } }
            let count = prefill?.1.count ?? rows
            for i in 0..<count {
                var values: [String: Value] = [:]
                for field in table.columns {
                    if let prefill, prefill.0 == field.key {
                        values[field.key] = .choice(prefill.1[i])
                        continue
                    }
                    if let v = value(for: field, row: values, index: i, unit: unit, period: period, random: &random) {
                        values[field.key] = v
                    }
                }
                // Required-when: fill the dependent field when its condition holds.
                for field in table.columns {
                    if let c = field.requiredWhen, let other = values[c.field], c.in.contains(other.conditionText),
                       values[field.key] == nil {
                        values[field.key] = value(for: Field(key: field.key, label: field.label, type: field.type,
                                                             required: true, minDate: field.minDate, maxLength: field.maxLength),
                                                  row: values, index: i, unit: unit, period: period, random: &random)
                    }
                }
                // 完成时间 lies between the problem's 发现时间 and the 填报日期.
                if case .date(let reported)? = header["report_date"], values["done_date"] != nil {
                    let found = Self.foundDate(index: i, period: period)
                    let span = max(0, found.days(until: reported))
                    values["done_date"] = .date(found.adding(days: Int.random(in: 0...span, using: &random))!)
                }
                records.append(Record(values: values))
            }
            tables[table.id] = records
        }
        return LedgerDocument(form: form, formSet: formSet, unit: unit, period: period, header: header, rows: tables)
    }

    /// The day a sample problem of row `index` was found: in the first half of the period, so before the
    /// 填报日期 (the 15th to the 17th) and the rectification deadlines (from the 15th).
    public static func foundDate(index: Int, period: YearMonth) -> CivilDate {
        period.day(1 + (index * 5) % 13)
    }

    /// The problem number a sample uses for row `index` of a unit: `SY-2024-001`.
    public static func problemID(unit: ReportingUnit, index: Int, year: Int) -> String {
        let n = String(index + 1)
        return "\(unit.code)-\(year)-\(String(repeating: "0", count: max(0, 3 - n.count)))\(n)"
    }

    private func value(for field: Field, row: [String: Value], index: Int, unit: ReportingUnit, period: YearMonth,
                       random: inout SeededRandom) -> Value? {
        if field.autoNumber { return .integer(index + 1) }  // 序号: clerks number their rows
        let optional = !field.required && field.requiredWhen == nil
        if field.requiredWhen != nil { return nil }  // filled afterwards when the condition holds
        if optional && field.key != "effect" && Int.random(in: 0..<3, using: &random) == 0 { return nil }
        let pick = { (items: [String], r: inout SeededRandom) in items[Int.random(in: 0..<items.count, using: &r)] }
        switch field.type {
        case .unit: return .unit(unit.id)
        case .period: return .period(period)
        case .reference, .text:
            if field.key == "problem_id" { return .text(Self.problemID(unit: unit, index: index, year: period.year)) }
            if field.key == "phone" { return .text("024-2\(String(Int.random(in: 1_000_000...9_999_999, using: &random)))") }
            if field.key.contains("person") || ["filler", "unit_head", "leader", "model_name"].contains(field.key) {
                return .text(pick(Self.people, &random))
            }
            if field.key.contains("unit") || field.key == "subject" || field.key == "department" || field.key == "affiliation" {
                return .text(pick(Self.subjects, &random))
            }
            if field.key == "measures" { return .text(pick(Self.measures, &random)) }
            if field.key == "effect", let status = row["status"], status.conditionText != "已整改" {
                return .text(pick(Self.phrases["progress"] ?? [], &random))  // nothing claims it is done yet
            }
            if let phrases = Self.phrases[field.key] { return .text(pick(phrases, &random)) }
            if field.key == "description" && !field.multiline {
                // The same problem (unit and row) is described alike in every ledger that lists it.
                var own = SeededRandom(seed: unit.id.unicodeScalars.reduce(UInt64(index) &* 7919) { $0 &* 31 &+ UInt64($1.value) })
                return .text("\(pick(Self.acts, &own).replacingOccurrences(of: "时", with: ""))中，\(pick(Self.problems, &own))（\(pick(Self.places, &own))）")
            }
            var text = "\(pick(Self.acts, &random))对\(pick(Self.places, &random))\(field.label.hasSuffix("情况") ? "的" : "")"
            text += field.multiline
                ? "\(field.label)：\n一是\(pick(Self.measures, &random))；\n二是\(pick(Self.measures, &random))。"
                : "\(field.label)（第\(index + 1)项）"
            if let max = field.maxLength, text.count > max { text = String(text.prefix(max)) }
            return .text(text)
        case .integer:
            let low = Int(field.min ?? 0)
            let high = Int(field.max ?? Double(low + 20))
            return .integer(Int.random(in: low...max(low, min(high, low + 20)), using: &random))
        case .decimal:
            return .decimal(Double(Int.random(in: 0...10_000, using: &random)) / 100)
        case .date:
            if field.role == "found-date" { return .date(Self.foundDate(index: index, period: period)) }
            if field.role == "report-date" { return .date(period.day(15 + Int.random(in: 0...2, using: &random))) }
            let start = field.minDate.map { max($0, period.day(1)) } ?? period.day(1)
            let span = max(0, start.days(until: period.day(28)))
            if !field.allowedTexts.isEmpty && Int.random(in: 0..<8, using: &random) == 0 {
                return .fixedText(field.allowedTexts[0])
            }
            if field.role == "deadline" {
                // Spread from mid-month to four months ahead, row by row: the first row's falls in the period
                // (overdue by its end unless done), later rows' in the months after.
                let offset = (index * 17 + Int.random(in: 0...6, using: &random)) % 120
                return .date(period.day(15).adding(days: offset)!)
            }
            return .date(start.adding(days: Int.random(in: 0...span, using: &random))!)
        case .choice:
            guard let list = field.list.flatMap(formSet.list) else { return nil }
            if let parentKey = field.dependsOn, case .choice(let parent)? = row[parentKey] {
                return .choice(pick(list.items(under: parent).map(\.value), &random))
            }
            return .choice(pick(list.allItems.map(\.value), &random))
        case .yesNo:
            return .yesNo(Int.random(in: 0..<5, using: &random) == 0)
        }
    }
}
