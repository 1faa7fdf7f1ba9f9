import Foundation
import TaizhangCore
import TaizhangSamples
import TaizhangStore

extension Workflow {
    /// The file that marks a folder as the demo's own (so that running the demo again may replace its files).
    public static let demoMarker = ".taizhang-demo"

    /// The demo: two months of the campaign as the province lives them, in `directory` — templates, the units'
    /// returns (``DemoReturns``: late, faulty, CSV, home-made), ingest day by day, correction notices, the
    /// status on 28 June and the province's reports. `say` receives each line of the narration.
    ///
    /// The demo replaces what it made before in `directory`, and only that: a folder that is neither empty nor
    /// marked as the demo's (``demoMarker``) is refused unless `force` is set.
    public func runDemo(in directory: URL, force: Bool = false, say: (String) -> Void) throws {
        let may = YearMonth(year: 2024, month: 5)!
        let june = YearMonth(year: 2024, month: 6)!
        let templates = directory.appendingPathComponent("1-模板")
        let inbox = directory.appendingPathComponent("2-各单位报送")
        let reports = directory.appendingPathComponent("3-汇总报告")
        let workspacePath = directory.appendingPathComponent("taizhang.sqlite").path
        let fm = FileManager.default
        let marker = directory.appendingPathComponent(Workflow.demoMarker)
        if let entries = try? fm.contentsOfDirectory(atPath: directory.path), !entries.isEmpty,
           !fm.fileExists(atPath: marker.path), !force {
            throw WorkflowError(.demoFolderInUse, subject: directory.path)
        }
        do {
            try fm.createDirectory(at: directory, withIntermediateDirectories: true)
            try Data("台账演示程序建立的目录：再次运行 taizhang demo 会重新生成其中的文件。\n".utf8).write(to: marker)
        } catch {
            throw WorkflowError(.cannotCreateFolder, subject: directory.path, detail: UserMessage.text(for: error))
        }
        for dir in [templates, inbox, reports] {
            try? fm.removeItem(at: dir)
            try fm.createDirectory(at: dir, withIntermediateDirectories: true)
        }
        for suffix in ["", "-wal", "-shm", "-journal"] { try? fm.removeItem(atPath: workspacePath + suffix) }

        say("【第一步】生成 \(june.chinese)各单位应填报的模板")
        let templateCount = try writeTemplates(period: june, to: templates.path).count
        say("  已生成 \(templateCount) 个模板，在 \(templates.path)\n")

        say("【第二步】模拟各单位报送 \(may.chinese)和\(june.chinese)的台账")
        let returns = try DemoReturns(formSet: formSet).returns().map { try writeDemoReturn($0, to: inbox) }
        say("  共 \(returns.count) 个文件，在 \(inbox.path)\n")

        say("【第三步】接收报送的文件")
        let workspace = try openWorkspace(at: workspacePath, for: .write)
        var outcomes: [IngestOutcome] = []
        // Files arrive day by day.
        for (day, batch) in Dictionary(grouping: returns, by: \.received).sorted(by: { $0.key < $1.key }) {
            outcomes += try ingest(batch.map { IncomingFile(path: $0.path, received: CampaignClock.noon(of: day)) },
                                   workspace: workspace)
        }
        for outcome in outcomes { say("  " + outcome.displayLine.replacingOccurrences(of: "\n", with: "\n  ")) }
        say("  " + outcomes.summaryLine + "\n")

        say("【第四步】退回有错误的文件，附修改通知")
        let noticeFormat = registry.documentExporter("memo")
        for outcome in outcomes where outcome.verdict == .returned {
            guard let exporter = noticeFormat,
                  let (notice, unit, form) = try correctionNotice(
                    submission: outcome.submission, fileName: outcome.file, workspace: workspace,
                    date: CivilDate(year: 2024, month: 6, day: 21)!, deadline: CivilDate(year: 2024, month: 6, day: 24)!)
            else { continue }
            let file = reports.appendingPathComponent(
                "退回修改通知_\(unit.shortName)_\(form.shortTitle).\(exporter.format.fileExtensions[0])").path
            try write(notice, with: exporter, to: file)
            say("  \(file)")
        }
        say("")

        let asOf = CivilDate(year: 2024, month: 6, day: 28)!
        say("【第五步】\(asOf.chinese)的进展情况")
        let status = try self.status(workspace: workspace, period: june, asOf: asOf)
        say(StatusText(formSet: formSet).render(status))

        say("【第六步】生成全省汇总报告")
        let written = try progressReport(workspace: workspace, period: june, asOf: asOf, formats: ["xlsx", "csv", "memo", "docx"],
                                         directory: reports.path)
        for path in written { say("  \(path)") }
        say("\n演示完成。工作区：\(workspacePath)")
        say("可以继续试用：taizhang status --workspace \(workspacePath) --period 2024-06 --as-of 2024-06-28")
    }

    /// Writes one of the demo's returns into `inbox` as the unit would send it.
    private func writeDemoReturn(_ item: DemoReturns.Return, to inbox: URL) throws -> (path: String, received: CivilDate) {
        var filled = item.document
        filled.purpose = .data
        let unit = filled.unit!
        let period = filled.period!
        switch item.layout {
        case .template(let format):
            let exporter = try ledgerExporter(format)
            let name = "\(period.iso)_\(unit.name)_\(filled.form.shortTitle)\(item.note).\(exporter.format.fileExtensions[0])"
            let path = inbox.appendingPathComponent(name).path
            try AtomicFileSink.write(path) { try exporter.export(filled, to: $0) }
            return (path, item.received)
        case .handmade:
            let path = inbox.appendingPathComponent("\(period.iso)_\(unit.name)_\(filled.form.shortTitle)\(item.note).xlsx").path
            try HandmadeWorkbook.write(filled, to: path)
            return (path, item.received)
        }
    }
}
