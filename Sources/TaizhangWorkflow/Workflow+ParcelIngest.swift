import Foundation
import TaizhangCore
import TaizhangParcel
import TaizhangStore
import TaizhangZip

/// Where submission packages (报送包) meet the workspace: their file type, and where the keys are kept.
public enum Parcels {
    /// A package's file extension.
    public static let fileExtension = "zip"

    /// Whether `path` names a package.
    public static func isParcel(_ path: String) -> Bool {
        (path as NSString).pathExtension.lowercased() == fileExtension
    }

    /// Where the public keys are kept when no folder is given: `keys/` in the folder of the workspace file.
    /// (The workspace is what the province works in; its keys live beside it.)
    public static func defaultKeysDirectory(workspace: String) -> String {
        let folder = (workspace as NSString).deletingLastPathComponent
        return ((folder.isEmpty ? "." : folder) as NSString).appendingPathComponent("keys")
    }
}

extension Workflow {
    /// Ingests files among which are packages: each package is verified first; an unsound one is recorded as
    /// refused with every problem, a sound one is recorded whole (the province forwards it upward) and its
    /// original ledgers are ingested as submissions of that unit. Other files are ingested unchanged.
    /// `recorded` hears the outcomes at the end, in their final order (each package's ledgers under it).
    func ingestWithParcels(_ files: [IncomingFile], workspace: Workspace, keys: String?,
                           progress: (@Sendable (Int, Int) -> Void)?,
                           recorded: ((IngestOutcome) -> Void)?) throws -> [IngestOutcome] {
        let scratchDirectory = try ScratchDirectory(purpose: "ingest")
        defer { scratchDirectory.remove() }
        let scratch = URL(fileURLWithPath: scratchDirectory.path)
        let verifier = parcelVerifier(keys: keys ?? Parcels.defaultKeysDirectory(workspace: workspace.path))
        // Each package becomes one outcome line, followed by the outcomes of its ledgers; plain files keep theirs.
        enum Slot { case plain(Int), package(IngestOutcome, [Int]) }
        var slots: [Slot] = []
        var plain: [IncomingFile] = []
        for (n, file) in files.enumerated() {
            guard Parcels.isParcel(file.path) else {
                slots.append(.plain(plain.count))
                plain.append(file)
                continue
            }
            let name = file.fileName
            guard case .success(let bytes) = IncomingBytes.read(file.path, name: name) else {
                let error = ImportError(.unreadable, file: name, detail: IncomingBytes.notRegularFile(file.path) ?? "无法读取文件")
                let result = try workspace.record(Intake(fileName: name, bytes: Data(), receivedAt: file.received,
                                                         outcome: .refused(error)))
                slots.append(.package(refusedOutcome(name, result, error.description), []))
                continue
            }
            let verdict: ParcelVerdict
            do {
                verdict = try verifier.verify(path: file.path, fileName: name)
            } catch let error as ImportError {
                let result = try workspace.record(Intake(fileName: name, bytes: bytes, receivedAt: file.received,
                                                         outcome: .refused(error)))
                slots.append(.package(refusedOutcome(name, result, error.description), []))
                continue
            }
            guard verdict.isSound, let manifest = verdict.manifest, manifest.kind == .unit,
                  let period = YearMonth(manifest.period) else {
                var problems = verdict.problems.map(\.description)
                if problems.isEmpty { problems = ["这是省级报送包，不能作为单位报送接收"] }
                let error = ImportError(.unsafeContent, file: name,
                                        detail: "报送包核验未通过：" + problems.joined(separator: "；"))
                let result = try workspace.record(Intake(fileName: name, bytes: bytes, receivedAt: file.received,
                                                         outcome: .refused(error)))
                var outcome = refusedOutcome(name, result, "报送包“\(TextSafety.printable(name))”核验未通过，已拒收：")
                if case .alreadyKnown = result {} else {
                    outcome.line += verdict.problems.map { "\n          \(TextSafety.printable($0.message))（\($0.code)）" }.joined()
                    outcome.firstFindings = Array(verdict.problems.prefix(3).map(\.description))
                }
                slots.append(.package(outcome, []))
                continue
            }
            // Packages are ordered by their signed sequence number and creation time: one that comes before the
            // package already taken in for the same unit and period (a replay, a resend of last week's) does not
            // replace it. Asked inside the recording transaction, so two versions ingested at once cannot both win.
            let manifestJSON = String(decoding: try manifest.encoded(), as: UTF8.self)
            let result: IngestResult
            do {
                result = try workspace.recordPackage(
                    fileName: name, bytes: bytes, receivedAt: file.received, unit: manifest.unit.id, period: period,
                    manifest: manifestJSON, isNewer: { current in
                        guard let current = try? ParcelManifest.decode(Array(current.utf8)) else { return true }
                        return manifest.isNewer(than: current) ?? false
                    })
            } catch let older as Workspace.OlderPackage {
                let current = try? ParcelManifest.decode(Array(older.manifest.utf8))
                let error = ImportError(.unsafeContent, file: name, detail: "这是\(manifest.unit.name)\(period.chinese)较早的报送包"
                    + "（\(Self.describeOrder(manifest))），工作区中已有更新的一份“\(older.fileName)”"
                    + "（\(current.map(Self.describeOrder) ?? "")），未接收")
                let result = try workspace.record(Intake(fileName: name, bytes: bytes, receivedAt: file.received,
                                                         outcome: .refused(error)))
                slots.append(.package(refusedOutcome(name, result, error.description), []))
                continue
            }
            var outcome = IngestOutcome(file: TextSafety.printable(name), verdict: .accepted(supersedes: nil), submission: 0,
                                        unit: manifest.unit.id, form: nil, period: manifest.period, rows: nil,
                                        errors: 0, warnings: 0, firstFindings: [], line: "")
            switch result {
            case .accepted(let id, let supersedes):
                outcome.verdict = .accepted(supersedes: supersedes)
                outcome.submission = id
                outcome.line = "已接收    \(TextSafety.printable(name))（报送包：\(manifest.unit.name)，\(period.chinese)，核验通过"
                    + (supersedes.map { "，取代第 \($0) 号报送包" } ?? "") + "）"
            case .alreadyKnown(let id, let state):
                outcome.verdict = .alreadyReceived(state)
                outcome.submission = id
                outcome.line = IngestText.alreadyReceived(name, id: id, state: state)
            case .rejected(let id), .refused(let id):
                outcome.submission = id
            }
            // The original ledgers, written under fresh names in a private folder (entry names are never used as
            // paths), keep their entry's last component as the name they are recorded under.
            var indexes: [Int] = []
            let folder = scratch.appendingPathComponent("\(n)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for form in manifest.forms {
                guard let bytes = verdict.contents[form.file] else { continue }
                let base = (form.file as NSString).lastPathComponent
                let ext = (base as NSString).pathExtension.lowercased()
                guard registry.importers.contains(where: { $0.format.fileExtensions.contains(ext) }),
                      !base.hasPrefix(".") else { continue }
                let path = folder.appendingPathComponent(base.replacingOccurrences(of: "/", with: "_"))
                try Data(bytes).write(to: path)
                indexes.append(plain.count)
                plain.append(IncomingFile(path: path.path, received: file.received))
            }
            outcome.source = file.path
            slots.append(.package(outcome, indexes))
        }
        let ledgers = plain.isEmpty ? [] : try ingestLedgers(plain, workspace: workspace, progress: progress, recorded: nil)
        var outcomes: [IngestOutcome] = []
        for slot in slots {
            switch slot {
            case .plain(let i): outcomes.append(ledgers[i])
            case .package(let outcome, let members):
                outcomes.append(outcome)
                outcomes += members.map { ledgers[$0] }.map { o in
                    var o = o
                    o.insideParcel = true
                    o.source = nil
                    return o
                }
            }
        }
        outcomes.forEach { recorded?($0) }
        return outcomes
    }

    /// A package's place in its sender's order, in Chinese: its number and creation time.
    static func describeOrder(_ manifest: ParcelManifest) -> String {
        (manifest.sequence.map { "第 \($0) 份，" } ?? "") + "签署于 \(manifest.createdAt)"
    }

    /// Why a ledger inside a package is not what the manifest says it is (the signature vouches for the sender
    /// only): another form, another unit, or another period, read from the ledger itself. `nil` when it is, or
    /// when it cannot be read (ingesting it reports why).
    func ledgerMismatch(_ bytes: [UInt8], entry: ParcelManifest.FileEntry, form: String,
                        manifest: ParcelManifest) -> ParcelProblem? {
        let name = (entry.name as NSString).lastPathComponent
        guard let directory = try? ScratchDirectory(purpose: "inspect") else { return nil }
        defer { directory.remove() }
        let ext = (name as NSString).pathExtension
        let path = directory.file("ledger" + (ext.isEmpty ? "" : "." + ext))
        guard (try? Data(bytes).write(to: URL(fileURLWithPath: path))) != nil,
              let (source, _) = try? FileOpener(registry: registry).open(path, displayName: name),
              let read = try? LedgerReader(formSet: formSet).read(source, fileName: name) else {
            return nil
        }
        let title = formSet.form(form)?.title ?? form
        if read.input.form.id != form {
            return ParcelProblem("ledger.form", "清单说“\(name)”是《\(title)》，文件内容却是《\(read.input.form.title)》",
                                 place: entry.name)
        }
        if let unit = LedgerChecker(formSet: formSet).unit(of: read), unit.id != manifest.unit.id {
            return ParcelProblem("ledger.unit", "台账“\(name)”的填报单位是“\(unit.name)”，却装在“\(manifest.unit.name)”的报送包中："
                + "签名只能证明报送包来自“\(manifest.unit.name)”", place: entry.name)
        }
        let said = read.expectedPeriod
            ?? LedgerChecker(formSet: formSet).validate(read, fileName: name, references: nil).document.period
        if let said, let packaged = YearMonth(manifest.period), said != packaged {
            return ParcelProblem("ledger.period", "台账“\(name)”的报送期是\(said.chinese)，却装在\(packaged.chinese)的报送包中；"
                + "请按报送期分别报送", place: entry.name)
        }
        return nil
    }

    private func refusedOutcome(_ name: String, _ result: IngestResult, _ line: String) -> IngestOutcome {
        var o = IngestOutcome(file: TextSafety.printable(name), verdict: .refused, submission: 0, unit: nil, form: nil, period: nil, rows: nil,
                              errors: 0, warnings: 0, firstFindings: [], line: "已拒收    \(line)")
        switch result {
        case .refused(let id), .rejected(let id), .accepted(let id, _): o.submission = id
        case .alreadyKnown(let id, let state):
            o.verdict = .alreadyReceived(state)
            o.submission = id
            o.line = IngestText.alreadyReceived(name, id: id, state: state)
        }
        return o
    }
}
