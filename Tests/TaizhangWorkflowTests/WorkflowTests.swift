import Foundation
import Testing
import TaizhangCSV
import TaizhangCore
import TaizhangForms
import TaizhangSamples
import TaizhangWorkflow

/// The use cases called in-process, as the command and the web workbench call them.
struct Scene {
    static let set = try! BuiltinForms.load()
    let workflow = try! Workflow(formSet: Scene.set)
    let june = YearMonth(year: 2024, month: 6)!
    let dir: URL

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("taizhang-workflow-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(at: dir) }

    /// A unit's return of `form` for June, written as CSV into `folder`.
    @discardableResult
    func write(_ form: String, unit: String, in folder: String = "inbox", rows: Int = 4, seed: UInt64 = 1,
               edit: (inout LedgerDocument) -> Void = { _ in }) throws -> String {
        var document = SampleLedgers(formSet: Scene.set).document(
            form: Scene.set.form(form)!, unit: Scene.set.unit(id: unit)!, period: june, rows: rows, seed: seed)
        edit(&document)
        let sink = MemorySink()
        try CSVExporter().export(document, to: sink)
        let folderURL = dir.appendingPathComponent(folder)
        try FileManager.default.createDirectory(at: folderURL, withIntermediateDirectories: true)
        let url = folderURL.appendingPathComponent("\(unit)_\(form).csv")
        try Data(sink.bytes).write(to: url)
        return url.path
    }

    var noon: Date { CampaignClock.noon(of: CivilDate(year: 2024, month: 6, day: 20)!) }

    /// Moves the 填报日期 line of the CSV at `path` below its table (a footer), as some units write it: a header
    /// field that comes after the rows.
    func moveReportDateBelowTable(_ path: String) throws {
        var lines = try String(contentsOfFile: path, encoding: .utf8).components(separatedBy: "\r\n")
        let at = try #require(lines.firstIndex { $0.hasPrefix("填报日期,") })
        let footer = lines.remove(at: at)
        lines.insert(footer, at: lines.count - 1)
        try lines.joined(separator: "\r\n").write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// Runs the demo here and returns the paths of its 90 returns (its whole cast of mishaps), in name order.
    func demoReturns() throws -> [String] {
        try workflow.runDemo(in: dir) { _ in }
        let inbox = dir.appendingPathComponent("2-各单位报送")
        return try FileManager.default.contentsOfDirectory(atPath: inbox.path).sorted().map {
            inbox.appendingPathComponent($0).path
        }
    }
}

@Suite struct IngestUseCaseTests {
    @Test func ingestGivesATypedVerdictForEveryFile() throws {
        let scene = try Scene()
        defer { scene.remove() }
        let workspace = try scene.workflow.openWorkspace(at: scene.dir.appendingPathComponent("ws.sqlite").path)
        try scene.write("self-check", unit: "shenyang")
        try scene.write("rectification", unit: "shenyang", seed: 2) { doc in
            doc.rows["main"]![0]["problem_id"] = .text("SY-2024-999")  // not in the self-check ledger
        }
        let empty = scene.dir.appendingPathComponent("inbox/空文件.csv")
        FileManager.default.createFile(atPath: empty.path, contents: Data())

        let outcomes = try scene.workflow.ingest(paths: [scene.dir.appendingPathComponent("inbox").path],
                                                      workspace: workspace, received: scene.noon)
        let byFile = Dictionary(uniqueKeysWithValues: outcomes.map { ($0.file, $0) })
        #expect(byFile["shenyang_self-check.csv"]?.verdict == .accepted(supersedes: nil))
        #expect(byFile["shenyang_rectification.csv"]?.verdict == .returned)
        #expect(byFile["shenyang_rectification.csv"]?.firstFindings.first?.contains("SY-2024-999") == true)
        #expect(byFile["空文件.csv"]?.verdict == .refused)
        #expect(outcomes.summaryLine == "共 3 个文件：已接收 1，已退回 1，已拒收 1，已收到过 0。")
        #expect(outcomes.filter(\.verdict.needsAction).count == 2)

        // The same bytes again change nothing and say so.
        let again = try scene.workflow.ingest(paths: [scene.dir.appendingPathComponent("inbox/shenyang_self-check.csv").path],
                                                   workspace: workspace, received: scene.noon)
        #expect(again.map(\.verdict) == [.alreadyReceived(.accepted)])
        #expect(again[0].submission == byFile["shenyang_self-check.csv"]?.submission)

        // The JSON shape of `ingest --json` is unchanged: the verdict's word under "state".
        let json = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(outcomes)) as! [[String: Any]]
        #expect(Set(json.compactMap { $0["state"] as? String }) == ["accepted", "rejected", "refused"])
    }

    @Test func aFolderIsSearchedForTheRegisteredImportersExtensions() throws {
        let scene = try Scene()
        defer { scene.remove() }
        try scene.write("self-check", unit: "dalian")
        let inbox = scene.dir.appendingPathComponent("inbox")
        try Data("x".utf8).write(to: inbox.appendingPathComponent("说明.docx"))
        try Data("x".utf8).write(to: inbox.appendingPathComponent("~$锁文件.xlsx"))
        try Data("x".utf8).write(to: inbox.appendingPathComponent("旧表.xls"))
        let found = try scene.workflow.expand([inbox.path]).map { ($0 as NSString).lastPathComponent }
        #expect(found == ["dalian_self-check.csv", "旧表.xls"])
        #expect(scene.workflow.ingestibleExtensions.isSuperset(of: ["xlsx", "csv", "zip"]))
        #expect(throws: WorkflowError(.pathMissing, subject: "/没有/这个目录")) {
            try scene.workflow.expand(["/没有/这个目录"])
        }
    }
}

@Suite struct ReportUseCaseTests {
    @Test func reportsGoThroughTheRegisteredExporters() throws {
        let scene = try Scene()
        defer { scene.remove() }
        let workspace = try scene.workflow.openWorkspace(at: scene.dir.appendingPathComponent("ws.sqlite").path)
        for form in ["self-check", "rectification", "progress"] { try scene.write(form, unit: "anshan", rows: 3) }
        let outcomes = try scene.workflow.ingest(paths: [scene.dir.appendingPathComponent("inbox").path],
                                                      workspace: workspace, received: scene.noon)
        #expect(outcomes.allSatisfy { $0.verdict == .accepted(supersedes: nil) }, "\(outcomes.map(\.line))")

        // An unknown format is refused before anything is written.
        let out = scene.dir.appendingPathComponent("报告").path
        #expect(throws: WorkflowError.self) {
            try scene.workflow.progressReport(workspace: workspace, period: scene.june, formats: ["xlsx", "pdf"], directory: out)
        }
        #expect(!FileManager.default.fileExists(atPath: out))

        let written = try scene.workflow.progressReport(workspace: workspace, period: scene.june,
                                                        formats: ["xlsx", "csv", "memo"], directory: out)
        let names = written.map { ($0 as NSString).lastPathComponent }
        #expect(names.first == "2024-06_全省工作进展汇总.xlsx")
        #expect(names.last == "2024-06_全省工作进展情况报告.txt")
        // CSV holds one table per file: one file per table of the consolidated ledger, 总览 first.
        let csv = names.filter { $0.hasSuffix(".csv") }
        #expect(csv.first == "2024-06_全省工作进展汇总_总览.csv")
        #expect(csv.count >= 4, "\(csv)")
        let memo = try String(contentsOfFile: written.last!, encoding: .utf8)
        #expect(memo.contains("工作进展"))

        // The status as one file per format; the memo through the document exporter.
        let status = try scene.workflow.status(workspace: workspace, period: scene.june,
                                               asOf: CivilDate(year: 2024, month: 6, day: 28)!)
        #expect(status.obligations.filter { $0.unit == "anshan" }.allSatisfy { $0.standing == .onTime })
        let memoPath = scene.dir.appendingPathComponent("status.txt").path
        #expect(try scene.workflow.exportStatus(workspace: workspace, period: scene.june, asOf: status.asOf,
                                                format: "memo", to: memoPath) == [memoPath])
    }
}

@Suite struct PackageUseCaseTests {
    @Test func aUnitPackageIsBuiltSignedVerifiedAndIngestedElsewhere() throws {
        let scene = try Scene()
        defer { scene.remove() }
        // The unit's own workspace, with its key beside it.
        let unitWorkspacePath = scene.dir.appendingPathComponent("unit/ws.sqlite").path
        try FileManager.default.createDirectory(atPath: (unitWorkspacePath as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        let unitWorkspace = try scene.workflow.openWorkspace(at: unitWorkspacePath)
        let keys = try scene.workflow.newKeys(for: .unit("铁岭"), directory: nil, workspace: unitWorkspacePath)
        #expect(keys.privateKey.hasSuffix("keys/tieling.key"))
        for form in ["self-check", "rectification", "progress"] { try scene.write(form, unit: "tieling", rows: 3) }
        _ = try scene.workflow.ingest(paths: [scene.dir.appendingPathComponent("inbox").path], workspace: unitWorkspace,
                                           received: scene.noon)

        // Incomplete for May: refused with the missing forms named.
        let may = YearMonth(year: 2024, month: 5)!
        do {
            _ = try scene.workflow.buildParcel(sender: .unit("tieling"), period: may, workspace: unitWorkspace,
                                                keyPath: keys.privateKey, output: scene.dir.appendingPathComponent("may.zip").path)
            Issue.record("an incomplete package was built")
        } catch let error as WorkflowError {
            #expect(error.code == .incompletePackage)
            #expect(error.message.contains("应报送的台账不齐"))
        }

        let package = scene.dir.appendingPathComponent("铁岭_2024-06.zip").path
        let manifest = try scene.workflow.buildParcel(sender: .unit("铁岭"), period: scene.june, workspace: unitWorkspace,
                                                       keyPath: keys.privateKey, date: CivilDate(year: 2024, month: 6, day: 21),
                                                       output: package)
        #expect(manifest.forms.count == 3)
        let verdict = try scene.workflow.verifyParcel(path: package, keys: (keys.publicKey as NSString).deletingLastPathComponent,
                                                       workspace: unitWorkspacePath)
        #expect(verdict.isSound, "\(verdict.problems)")

        // The province takes the package in with the unit's public key.
        let province = try scene.workflow.openWorkspace(at: scene.dir.appendingPathComponent("province.sqlite").path)
        let outcomes = try scene.workflow.ingest([IncomingFile(path: package, received: scene.noon)], workspace: province,
                                                 keys: (keys.publicKey as NSString).deletingLastPathComponent)
        #expect(outcomes.count == 4)
        #expect(outcomes[0].verdict == .accepted(supersedes: nil) && !outcomes[0].insideParcel)
        #expect(outcomes.dropFirst().allSatisfy { $0.insideParcel && $0.verdict == .accepted(supersedes: nil) })
        #expect(outcomes[1].displayLine.hasPrefix("  └ 已接收"))
        #expect(outcomes[0].source == package && outcomes.dropFirst().allSatisfy { $0.source == nil })

        // A package among plain files: each outcome still names the file it came from (what --annotate marks),
        // though the package adds a line for each ledger inside it.
        let faulty = try scene.write("rectification", unit: "tieling", in: "more", seed: 3) { doc in
            doc.rows["main"]![0]["problem_id"] = .text("TL-2024-999")  // not in its self-check ledger
        }
        let mixed = try scene.workflow.ingest([IncomingFile(path: package, received: scene.noon),
                                               IncomingFile(path: faulty, received: scene.noon)],
                                              workspace: try scene.workflow.openWorkspace(
                                                at: scene.dir.appendingPathComponent("mixed.sqlite").path),
                                              keys: (keys.publicKey as NSString).deletingLastPathComponent)
        #expect(mixed.count == 5)
        #expect(mixed.last?.verdict == .returned && mixed.last?.source == faulty)

        // Without the key, the package is refused and kept.
        let stranger = try scene.workflow.openWorkspace(at: scene.dir.appendingPathComponent("stranger.sqlite").path)
        let refused = try scene.workflow.ingest([IncomingFile(path: package, received: scene.noon)], workspace: stranger,
                                                keys: scene.dir.appendingPathComponent("无公钥").path)
        #expect(refused.map(\.verdict) == [.refused])
        #expect(refused[0].line.contains("核验未通过"))
    }
}

@Suite(.serialized) struct DemoUseCaseTests {
    @Test func theDemoRunsInProcessWithItsCast() throws {
        let scene = try Scene()
        defer { scene.remove() }
        var lines: [String] = []
        try scene.workflow.runDemo(in: scene.dir) { lines.append($0) }
        let summary = lines.first { $0.hasPrefix("  共 ") && $0.contains("个文件：") }
        #expect(summary?.hasPrefix("  共 90 个文件：已接收 88，已退回 2，已拒收 0，已收到过 0。") == true, "\(summary ?? "")")
        let returned = lines.filter { $0.hasPrefix("  已退回") }
        #expect(returned.count == 2)
        #expect(returned.contains { $0.contains("鞍山") && $0.contains("（初稿）") })
        #expect(returned.contains { $0.contains("葫芦岛") })
        let reports = try FileManager.default.contentsOfDirectory(atPath: scene.dir.appendingPathComponent("3-汇总报告").path)
        #expect(reports.filter { $0.hasPrefix("退回修改通知") }.count == 2)
        #expect(reports.contains("2024-06_全省工作进展情况报告.txt"))
        // The cast comes from the samples: the same every run.
        let cast = DemoReturns(formSet: Scene.set).returns()
        #expect(cast.count == 90)
        #expect(cast.filter { $0.layout == .handmade }.count == 1)
        #expect(cast.filter { $0.layout == .template(format: "csv") }.count == 1)

        // Every unit's figures reconcile with its ledgers and its May report, except 沈阳's (15 people held
        // accountable, none in its ledger) and 葫芦岛's (its June ledger was returned: May's is what counts).
        let workspace = try scene.workflow.openWorkspace(at: scene.dir.appendingPathComponent("taizhang.sqlite").path, for: .read)
        let june = YearMonth(year: 2024, month: 6)!
        let status = try scene.workflow.status(workspace: workspace, period: june, asOf: CivilDate(year: 2024, month: 6, day: 28)!)
        #expect(status.unreconciled.map(\.unit.id) == ["shenyang", "huludao"])
        #expect(status.unreconciled.first?.findings.map(\.location.field) == ["accountability_count"])
        #expect(lines.contains { $0.contains("追责问责人数填的是 15 人") }, "the demo's status names 沈阳")
        for month in [YearMonth(year: 2024, month: 5)!, june] {
            #expect(try scene.workflow.unreconciledReports(period: month, workspace: workspace)
                .allSatisfy { ["shenyang", "huludao"].contains($0.unit.id) })
        }
    }

    /// `check --workspace`: a progress report checked against the unit's ledgers in the workspace, before it
    /// is sent.
    @Test func checkWithAWorkspaceReconcilesAReportWithTheUnitsLedgers() throws {
        let scene = try Scene()
        defer { scene.remove() }
        let june = YearMonth(year: 2024, month: 6)!
        let rect = try scene.write("rectification", unit: "dandong", rows: 6)
        let workspace = try scene.workflow.openWorkspace(at: scene.dir.appendingPathComponent("ws.sqlite").path)
        _ = try scene.workflow.ingest(paths: [rect], workspace: workspace)
        let done = try workspace.currentDocuments(form: Scene.set.form("rectification")!, formSet: Scene.set)[0]
            .rows["main"]!.filter { $0["status"]?.conditionText == "已整改" }.count
        let report = try scene.write("progress", unit: "dandong", rows: 0) { doc in
            doc.header["resolved_problems_total"] = .integer(done + 7)
            doc.header["resolved_problems_month"] = .integer(done + 7)
        }
        let alone = try scene.workflow.check(file: report)
        #expect(!alone.report.findings.contains { $0.code == Reconciler.doesNotReconcile })
        let checked = try scene.workflow.check(file: report, workspace: workspace)
        let finding = try #require(checked.report.findings.first { $0.code == Reconciler.doesNotReconcile })
        #expect(finding.location.field == "resolved_problems_total")
        #expect(finding.message.contains("\(done + 7) 个") && finding.message.contains("是 \(done) 个"))
        #expect(checked.report.isAccepted, "a warning, not an error")
    }
}
