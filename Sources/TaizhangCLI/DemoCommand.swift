import ArgumentParser
import Foundation
import TaizhangCore
import TaizhangForms
import TaizhangMemo
import TaizhangSamples
import TaizhangStore

/// `taizhang demo [DIR]`: the whole loop on generated data, with no setup.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "演示完整流程：生成模板、模拟各单位报送（含逾期、错误、CSV 和自制表格）、接收、查看进展、生成汇总报告",
        discussion: "所有文件写入 DIR（默认 taizhang-demo）；其中的工作区 taizhang.sqlite 每次重新生成。")

    @OptionGroup var formOptions: FormOptions
    @Argument(help: "输出目录") var directory = "taizhang-demo"

    func run() throws {
        let set = try formOptions.load()
        try Demo(set: set, directory: URL(fileURLWithPath: directory)).run()
    }
}

/// The demo's script: two months of a campaign, as the province would live them.
struct Demo {
    let set: FormSet
    let directory: URL
    let registry = Registry.standard()
    let may = YearMonth(year: 2024, month: 5)!
    let june = YearMonth(year: 2024, month: 6)!

    var templates: URL { directory.appendingPathComponent("1-模板") }
    var inbox: URL { directory.appendingPathComponent("2-各单位报送") }
    var reports: URL { directory.appendingPathComponent("3-汇总报告") }
    var workspacePath: String { directory.appendingPathComponent("taizhang.sqlite").path }

    func say(_ text: String) { print(text) }

    func run() throws {
        let fm = FileManager.default
        for dir in [templates, inbox, reports] {
            try? fm.removeItem(at: dir)
            try fm.createDirectory(at: dir, withIntermediateDirectories: true)
        }
        for suffix in ["", "-wal", "-shm", "-journal"] { try? fm.removeItem(atPath: workspacePath + suffix) }

        say("【第一步】生成 \(june.chinese)各单位应填报的模板")
        let templateCount = try writeTemplates(period: june)
        say("  已生成 \(templateCount) 个模板，在 \(templates.path)\n")

        say("【第二步】模拟各单位报送 \(may.chinese)和\(june.chinese)的台账")
        let returns = try makeReturns()
        say("  共 \(returns.count) 个文件，在 \(inbox.path)\n")

        say("【第三步】接收报送的文件")
        let workspace = try Workspace(path: workspacePath)
        let ingestor = Ingestor(formSet: set, workspace: workspace, registry: registry)
        var outcomes: [IngestOutcome] = []
        // Files arrive day by day.
        for (day, batch) in Dictionary(grouping: returns, by: \.received).sorted(by: { $0.key < $1.key }) {
            outcomes += try ingestor.ingest(batch.map { ($0.url.path, Ingestor.noon(of: day)) }, progress: false)
        }
        for outcome in outcomes { say("  " + outcome.line.replacingOccurrences(of: "\n", with: "\n  ")) }
        say("  " + Ingestor.summary(outcomes) + "\n")

        say("【第四步】退回有错误的文件，附修改通知")
        let memos = Memos(templates: try MemoTemplateSet(files: BuiltinForms.memoTemplates))
        for outcome in outcomes where outcome.state == "rejected" {
            guard let json = try workspace.reportJSON(of: outcome.submission),
                  let report = try? JSONDecoder().decode(ValidationReport.self, from: Data(json.utf8)),
                  let unit = report.unit.flatMap(set.unit(id:)), let form = set.form(report.form) else { continue }
            let notice = try memos.correctionNotice(
                findings: report.findings.filter { $0.severity >= .warning }, fileName: outcome.file, form: form,
                unit: unit, formSet: set, date: CivilDate(year: 2024, month: 6, day: 21)!,
                deadline: CivilDate(year: 2024, month: 6, day: 24)!)
            let file = reports.appendingPathComponent("退回修改通知_\(unit.shortName)_\(form.shortTitle).txt").path
            try AtomicFileSink.write(file) { try MemoExporter().export(notice, to: $0) }
            say("  \(file)")
        }
        say("")

        let asOf = CivilDate(year: 2024, month: 6, day: 28)!
        say("【第五步】\(asOf.chinese)的进展情况")
        let status = try CampaignStatus.compute(workspace: workspace, formSet: set, asOf: asOf, period: june)
        say(StatusPrinter(set: set).render(status))

        say("【第六步】生成全省汇总报告")
        let written = try ReportWriter(set: set, workspace: workspace, directory: reports.path)
            .progress(period: june, asOf: asOf, formats: ["xlsx", "csv", "memo"], recipients: [])
        for path in written { say("  \(path)") }
        say("\n演示完成。工作区：\(workspacePath)")
        say("可以继续试用：taizhang status --workspace \(workspacePath) --period 2024-06 --as-of 2024-06-28")
    }

    // MARK: Templates

    func writeTemplates(period: YearMonth) throws -> Int {
        guard let xlsx = registry.exporter("xlsx") else { return 0 }
        var count = 0
        for unit in set.units {
            for (formID, _) in set.campaign.owed(unitKind: unit.kind, period: period) {
                guard let form = set.form(formID) else { continue }
                let document = LedgerDocument(form: form, formSet: set, unit: unit, period: period, purpose: .template)
                let file = templates.appendingPathComponent(Demo.fileName(period: period, unit: unit, form: form, ext: "xlsx"))
                try AtomicFileSink.write(file.path) { try xlsx.export(document, to: $0) }
                count += 1
            }
        }
        return count
    }

    static func fileName(period: YearMonth, unit: ReportingUnit, form: Form, ext: String, note: String = "") -> String {
        "\(period.iso)_\(unit.name)_\(form.shortTitle)\(note).\(ext)"
    }

    // MARK: Returns

    struct Return {
        var url: URL
        var received: CivilDate
    }

    /// Every unit's returns for May and June, with the campaign's usual mishaps.
    func makeReturns() throws -> [Return] {
        let samples = SampleLedgers(formSet: set)
        var returns: [Return] = []
        for (u, unit) in set.units.enumerated() {
            let seed = UInt64(u + 1)
            // The self-check ledger grows: six problems in May, two more found in June.
            let selfCheckForm = set.form("self-check")!
            let selfCheckJune = samples.document(form: selfCheckForm, unit: unit, period: june, rows: 8, seed: seed)
            var selfCheckMay = moved(selfCheckJune, to: may, reportedOn: 28)
            selfCheckMay.rows["main"] = Array(selfCheckJune.rows["main"]!.prefix(6)).map { record in
                var r = record
                if let d = r["found_date"]?.date, d.month > 5 { r["found_date"] = .date(CivilDate(year: 2024, month: 5, day: d.day)!) }
                return r
            }
            // The rectification ledger: in May nothing is done yet; in June some problems are.
            let rectForm = set.form("rectification")!
            let rectJune = samples.document(form: rectForm, unit: unit, period: june, rows: 8, seed: seed &+ 100)
            var rectMay = moved(rectJune, to: may, reportedOn: 29)
            rectMay.rows["main"] = Array(rectJune.rows["main"]!.prefix(6)).map { record in
                var r = record
                r["status"] = .choice("正在整改")
                r["done_date"] = nil
                return r
            }
            let progressForm = set.form("progress")!
            let progressMay = samples.document(form: progressForm, unit: unit, period: may, rows: 0, seed: seed &+ 200)
            let progressJune = samples.document(form: progressForm, unit: unit, period: june, rows: 0, seed: seed &+ 300)

            for (document, due) in [(selfCheckMay, 31), (rectMay, 31), (progressMay, 24)] {
                returns.append(try write(document, received: CivilDate(year: 2024, month: 5, day: min(due, 23 + u % 3))!))
            }
            let onTime = CivilDate(year: 2024, month: 6, day: 18 + u % 5)!
            switch unit.id {
            case "dalian":  // late
                for d in [selfCheckJune, rectJune, progressJune] {
                    returns.append(try write(d, received: CivilDate(year: 2024, month: 6, day: 27)!))
                }
            case "anshan":  // a faulty rectification ledger, corrected three days later
                var faulty = rectJune
                faulty.rows["main"]![2]["deadline"] = .text("六月底前")
                faulty.rows["main"]![4]["status"] = .text("差不多完成")
                faulty.rows["main"]![5]["accountability"] = .yesNo(true)
                faulty.rows["main"]![5]["accountability_detail"] = nil
                returns.append(try write(selfCheckJune, received: onTime))
                returns.append(try write(faulty, received: onTime, note: "（初稿）"))
                returns.append(try write(rectJune, received: onTime.adding(days: 3)!, note: "（修改稿）"))
                returns.append(try write(progressJune, received: onTime))
            case "fushun":  // the self-check ledger sent as CSV
                returns.append(try write(selfCheckJune, received: onTime, format: "csv"))
                returns.append(try write(rectJune, received: onTime))
                returns.append(try write(progressJune, received: onTime))
            case "benxi":  // a rectification ledger in the unit's own layout, not the template
                returns.append(try write(selfCheckJune, received: onTime))
                returns.append(try writeHandmade(rectJune, received: onTime))
                returns.append(try write(progressJune, received: onTime))
            case "chaoyang":  // no progress report yet
                returns.append(try write(selfCheckJune, received: onTime))
                returns.append(try write(rectJune, received: onTime))
            case "huludao":  // a rectification row whose problem is not in the self-check ledger
                var dangling = rectJune
                dangling.rows["main"]![7]["problem_id"] = .text("\(unit.code)-2024-099")
                returns.append(try write(selfCheckJune, received: onTime))
                returns.append(try write(dangling, received: onTime))
                returns.append(try write(progressJune, received: onTime))
            default:
                for d in [selfCheckJune, rectJune, progressJune] { returns.append(try write(d, received: onTime)) }
            }
        }
        return returns
    }

    /// A copy of `document` reported for `period`, on `day` of that month.
    func moved(_ document: LedgerDocument, to period: YearMonth, reportedOn day: Int) -> LedgerDocument {
        var copy = document
        copy.period = period
        copy.header["period"] = .period(period)
        copy.header["report_date"] = .date(period.day(day))
        return copy
    }

    /// Writes a filled-in ledger as the unit would return it (the template with its rows filled in).
    func write(_ document: LedgerDocument, received: CivilDate, format: String = "xlsx", note: String = "") throws -> Return {
        var filled = document
        filled.purpose = .data
        guard let exporter = registry.exporter(format) else { throw CommandFailure("没有“\(format)”格式的导出插件") }
        let name = Demo.fileName(period: document.period!, unit: document.unit!, form: document.form, ext: exporter.format.fileExtensions[0], note: note)
        let url = inbox.appendingPathComponent(name)
        try AtomicFileSink.write(url.path) { try exporter.export(filled, to: $0) }
        return Return(url: url, received: received)
    }

    /// A ledger in a unit's own layout: title rows, reordered and renamed columns, an extra column.
    func writeHandmade(_ document: LedgerDocument, received: CivilDate) throws -> Return {
        let url = inbox.appendingPathComponent(Demo.fileName(period: document.period!, unit: document.unit!,
                                                             form: document.form, ext: "xlsx", note: "（自制表）"))
        try HandmadeWorkbook.write(document, to: url.path)
        return Return(url: url, received: received)
    }
}
