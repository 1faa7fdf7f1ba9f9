import Dispatch
import Foundation
import TaizhangCore
import TaizhangStore

/// A file to take in and when it was received.
public struct IncomingFile: Sendable {
    /// Its path.
    public var path: String
    /// When it was received (now, or the day a clerk back-fills).
    public var received: Date
    /// The name it is recorded and shown under, when not the path's last component (an upload kept under a
    /// generated name in a scratch folder keeps the name it was sent with).
    public var name: String?

    public init(path: String, received: Date, name: String? = nil) {
        self.path = path
        self.received = received
        self.name = name
    }

    /// The name the file is recorded under.
    public var fileName: String { name ?? URL(fileURLWithPath: path).lastPathComponent }
}

extension Workflow {
    /// The extensions of files ingest takes from a folder: those of the registered importers, and packages.
    public var ingestibleExtensions: Set<String> {
        Set(registry.importers.flatMap(\.fileExtensions).map { $0.lowercased() } + [Parcels.fileExtension])
    }

    /// Files under the given paths (folders recursively, in name order), skipping hidden files, Office lock
    /// files and files of no format a plugin reads.
    public func expand(_ paths: [String]) throws -> [String] {
        var files: [String] = []
        let fm = FileManager.default
        let extensions = ingestibleExtensions
        for path in paths {
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw WorkflowError(.pathMissing, subject: path)
            }
            if !isDirectory.boolValue {
                files.append(path)
                continue
            }
            guard let walker = fm.enumerator(atPath: path) else { continue }
            var found: [String] = []
            for case let relative as String in walker {
                let name = (relative as NSString).lastPathComponent
                if name.hasPrefix(".") || name.hasPrefix("~$") { continue }
                guard extensions.contains((name as NSString).pathExtension.lowercased()) else { continue }
                found.append((path as NSString).appendingPathComponent(relative))
            }
            files += found.sorted()
        }
        return files
    }

    /// Takes the files under `paths` (folders recursively) into the workspace, all received at `received`
    /// (now by default); packages are verified with the public keys in `keys` (`keys/` beside the workspace by
    /// default). `recorded` hears each outcome as soon as its file is recorded. The ingest use case of the
    /// command and the web workbench.
    public func ingest(paths: [String], workspace: Workspace, received: Date? = nil, keys: String? = nil,
                       progress: (@Sendable (Int, Int) -> Void)? = nil,
                       recorded: ((IngestOutcome) -> Void)? = nil) throws -> [IngestOutcome] {
        let files = try expand(paths)
        guard !files.isEmpty else {
            throw WorkflowError(.noFiles, detail: ingestibleExtensions.sorted().map { "." + $0 }.joined(separator: "、"))
        }
        let at = received ?? clock.now
        return try ingest(files.map { IncomingFile(path: $0, received: at) }, workspace: workspace, keys: keys,
                          progress: progress, recorded: recorded)
    }

    /// Takes files into the workspace. Submission packages (`.zip`) are verified first and their ledgers taken
    /// in as the sender's; every other file is read on both cores, then validated and recorded one by one in
    /// dependency order (the forms others refer to first), each in its own transaction. Every file is kept.
    ///
    /// Afterwards every verdict that referred to ledgers which have changed since (in this run or another
    /// process's) is reached again (``recheck(workspace:)``); those that change come last, as `.rechecked`.
    /// A failure part-way throws ``WorkflowError/Code/ingestInterrupted`` naming what was and was not recorded.
    public func ingest(_ files: [IncomingFile], workspace: Workspace, keys: String? = nil,
                       progress: (@Sendable (Int, Int) -> Void)? = nil,
                       recorded: ((IngestOutcome) -> Void)? = nil) throws -> [IngestOutcome] {
        var outcomes: [IngestOutcome]
        if files.contains(where: { Parcels.isParcel($0.path) }) {
            outcomes = try ingestWithParcels(files, workspace: workspace, keys: keys, progress: progress, recorded: recorded)
        } else {
            outcomes = try ingestLedgers(files, workspace: workspace, progress: progress, recorded: recorded)
        }
        let rechecked = try recheck(workspace: workspace)
        rechecked.forEach { recorded?($0) }
        outcomes += rechecked
        return outcomes
    }

    private enum Parsed: @unchecked Sendable {
        case known(SubmissionRecord)
        /// Read, and validated against the store as it was before this batch.
        case read(LedgerReader.Result, CheckedLedger, unit: String?, Data, basis: String?)
        case refused(ImportError, Data)
        /// Larger than ``Workflow/streamedIngestBytes``: hashed in pieces and only its header read (what it is);
        /// it is checked and recorded row by row in phase 2, its bytes copied into the store in pieces.
        case large(LedgerChecker.Peek, ContentFile)
        /// Larger than ``Workflow/streamedIngestBytes`` and no ledger.
        case refusedLarge(ImportError, ContentFile)
    }

    /// Ledgers only (no packages): read in parallel, then recorded in order.
    func ingestLedgers(_ files: [IncomingFile], workspace: Workspace, progress: (@Sendable (Int, Int) -> Void)?,
                       recorded: ((IngestOutcome) -> Void)?) throws -> [IngestOutcome] {
        // Phase 1: read every file, in parallel. Parsing dominates; the store is not written.
        let results = Locked<[Int: Parsed]>([:])
        let snapshots = Locked<[String: References]>([:])
        let done = Locked(0)
        let opener = FileOpener(registry: registry)
        let reader = LedgerReader(formSet: formSet)
        let checker = LedgerChecker(formSet: formSet)
        let formSet = self.formSet
        DispatchQueue.concurrentPerform(iterations: files.count) { i in
            let path = files[i].path
            let name = files[i].fileName
            let parsed: Parsed
            if let size = IncomingBytes.size(path), size > streamedIngestBytes {
                parsed = peekLarge(path, name: name, workspace: workspace)
            } else {
                switch IncomingBytes.read(path, name: name) {
                case .failure(let error):
                    // Unreadable (no permission, a FIFO, a folder): recorded as refused under its own name.
                    if let known = try? workspace.known(identity: Workspace.identity(of: Data(), fileName: name)) {
                        parsed = .known(known)
                    } else {
                        parsed = .refused(error, Data())
                    }
                case .success(let bytes):
                    if let known = try? workspace.known(identity: Workspace.identity(of: bytes, fileName: name)) {
                        parsed = .known(known)
                    } else {
                        do {
                            let (source, _) = try opener.open(path, displayName: name)
                            let read = try reader.read(source, fileName: name)
                            let unit = checker.unit(of: read)?.id
                            let references = try unit.map { unit in
                                // The store is not written in this phase: one snapshot per unit serves all its files.
                                if let cached = snapshots.withLock({ $0[unit] }) { return cached }
                                let references = try workspace.references(unit: unit, formSet: formSet)
                                snapshots.withLock { $0[unit] = references }
                                return references
                            }
                            parsed = .read(read, checker.validate(read, fileName: name, references: references?.index),
                                           unit: unit, bytes, basis: read.input.form.refersToOtherForms ? references?.basis : nil)
                        } catch let error as ImportError {
                            parsed = .refused(error, bytes)
                        } catch {
                            parsed = .refused(ImportError(.unreadable, file: name, detail: UserMessage.text(for: error)), bytes)
                        }
                    }
                }
            }
            results.withLock { $0[i] = parsed }
            let count = done.withLock { n -> Int in n += 1; return n }
            progress?(count, files.count)
        }

        // Phase 2: validate and record, referenced forms first, reports reconciled with ledgers last, otherwise
        // in the order given.
        let referenced = formSet.referencedForms
        let all = results.withLock { $0 }
        let order = files.indices.sorted { a, b in
            func rank(_ i: Int) -> Int {
                let form: Form
                switch all[i] {
                case .read(let r, _, _, _, _)?: form = r.input.form
                case .large(let peek, _)?: form = peek.form
                default: return 1
                }
                return referenced.contains(form.id) ? 0 : form.reconcile == nil ? 1 : 2
            }
            return (rank(a), a) < (rank(b), b)
        }
        var outcomes: [Int: IngestOutcome] = [:]
        // Units whose referenced ledgers (the self-check ledger) changed in this batch: their referring files
        // are validated again against the store as it is now. All others keep their phase-1 validation (a
        // change made meanwhile by another process is caught by the recheck that follows).
        var changedUnits = Set<String>()
        for i in order {
            let name = files[i].fileName
            let shown = TextSafety.printable(name)
            let received = files[i].received
            var outcome: IngestOutcome
            do {
                switch all[i]! {
                case .known(let record):
                    outcome = IngestOutcome(
                        file: shown, verdict: .alreadyReceived(record.state), submission: record.id, unit: record.unit,
                        form: record.form, period: record.period?.iso, rows: nil, errors: record.errorCount,
                        warnings: record.warningCount, firstFindings: [],
                        line: IngestText.alreadyReceived(shown, id: record.id, state: record.state))
                case .refused(let error, let bytes):
                    let result = try workspace.record(Intake(fileName: name, bytes: bytes, receivedAt: received,
                                                             outcome: .refused(error)))
                    outcome = self.outcome(name: shown, result: result, checked: nil, refusal: error)
                case .read(let read, var checked, let unit, let bytes, var basis):
                    if basis != nil, let unit, changedUnits.contains(unit) {
                        let references = try workspace.references(unit: unit, formSet: formSet)
                        checked = checker.validate(read, fileName: name, references: references.index)
                        basis = references.basis
                    }
                    // A report's figures are reconciled with the unit's ledgers as recorded so far.
                    if let unit, let period = checked.document.period,
                       let facts = try reconciliationFacts(form: read.input.form, unit: unit, period: period, workspace: workspace) {
                        let references = basis == nil ? nil : try workspace.references(unit: unit, formSet: formSet)
                        checked = checker.validate(read, fileName: name, references: references?.index, facts: facts)
                        basis = references?.basis ?? basis
                    }
                    let result = try workspace.record(Intake(fileName: name, bytes: bytes, receivedAt: received,
                                                             outcome: .checked(checked), checkedAgainst: basis))
                    if case .accepted = result, referenced.contains(read.input.form.id), let unit { changedUnits.insert(unit) }
                    outcome = self.outcome(name: shown, result: result, checked: checked, refusal: nil)
                case .refusedLarge(let error, let content):
                    let result = try workspace.recordRefused(fileName: name, content: content, receivedAt: received, error: error)
                    outcome = self.outcome(name: shown, result: result, checked: nil, refusal: error)
                case .large(let peek, let content):
                    let (result, checked, refusal) = try recordStreamed(files[i], peek: peek, content: content,
                                                                        workspace: workspace)
                    if case .accepted = result, referenced.contains(peek.form.id), let unit = peek.unit?.id {
                        changedUnits.insert(unit)
                    }
                    outcome = self.outcome(name: shown, result: result, checked: checked, refusal: refusal)
                }
            } catch {
                throw interrupted(by: error, recorded: outcomes.keys.sorted().map { files[$0].path },
                                  notRecorded: files.indices.filter { outcomes[$0] == nil }.map { files[$0].path })
            }
            outcome.source = files[i].path
            outcomes[i] = outcome
            recorded?(outcome)
        }
        return files.indices.map { outcomes[$0]! }
    }

    /// Phase 1 of ingest for a file larger than ``streamedIngestBytes``: its hash (read in pieces, never whole)
    /// and what its header says it is.
    private func peekLarge(_ path: String, name: String, workspace: Workspace) -> Parsed {
        let content: ContentFile
        do {
            content = try ContentFile(path: path)
        } catch {
            return .refused(contentError(error, name: name), Data())
        }
        if let known = try? workspace.known(identity: content.identity(fileName: name)) { return .known(known) }
        do {
            let (source, _) = try FileOpener(registry: registry).open(path, displayName: name)
            return .large(try LedgerChecker(formSet: formSet).peek(source, fileName: name), content)
        } catch let error as ImportError {
            return .refusedLarge(error, content)
        } catch {
            return .refusedLarge(ImportError(.unreadable, file: name, detail: UserMessage.text(for: error)), content)
        }
    }

    /// Why a large file's bytes could not be read (or changed while they were).
    private func contentError(_ error: any Error, name: String) -> ImportError {
        guard let unreadable = error as? ContentFile.Unreadable else {
            return ImportError(.unreadable, file: name, detail: UserMessage.text(for: error))
        }
        guard let code = unreadable.errno else {
            return ImportError(.unreadable, file: name, detail: "文件在接收过程中被改动，请等它写完后重新接收")
        }
        return ImportError(.unreadable, file: name, detail: UserMessage.posix(code, file: name))
    }

    /// Checks and records a file larger than ``streamedIngestBytes`` row by row, in one transaction
    /// (``Workspace/recordStreaming(fileName:content:receivedAt:checkedAgainst:check:)``): its rows go to the
    /// store as they are validated, every finding to the stored report and its bytes into the store in pieces,
    /// without the file, its records or its findings whole in memory. It is checked against the referenced
    /// ledgers as the store holds them now. The check returned carries the capped report (for the outcome);
    /// `refusal` says why a file that could not be read was refused.
    func recordStreamed(_ file: IncomingFile, peek: LedgerChecker.Peek, content: ContentFile, workspace: Workspace) throws
        -> (result: IngestResult, checked: CheckedLedger?, refusal: ImportError?) {
        let name = file.fileName
        let opener = FileOpener(registry: registry)
        let checker = LedgerChecker(formSet: formSet)
        let unit = peek.unit?.id
        let references = try unit.map { try workspace.references(unit: $0, formSet: formSet) }
        let facts = try unit.flatMap { unit in
            try peek.period.flatMap { try reconciliationFacts(form: peek.form, unit: unit, period: $0, workspace: workspace) }
        }
        let basis = peek.form.refersToOtherForms ? references?.basis : nil
        func refused(_ error: ImportError) throws -> (IngestResult, CheckedLedger?, ImportError?) {
            (try workspace.recordRefused(fileName: name, content: content, receivedAt: file.received, error: error), nil, error)
        }
        do {
            var checked: CheckedLedger?
            let result = try workspace.recordStreaming(fileName: name, content: content, receivedAt: file.received,
                                                       checkedAgainst: basis) { submission in
                do {
                    let (source, _) = try opener.open(file.path, displayName: name)
                    checked = try checker.checkStreaming(
                        source, fileName: name, references: references?.index, facts: facts,
                        perCode: ValidationReport.shownPerCode,
                        records: .init(begin: submission.begin, row: submission.row,
                                       findings: submission.findings.rowFindings,
                                       fileFindings: submission.findings.fileFindings))
                    return checked!
                } catch {
                    // What reading the file threw is the file's refusal; the store's own errors stay what they are.
                    if error is ImportError || error is LedgerChecker.HeaderAfterRows || StoreErrorText.reason(error) != nil {
                        throw error
                    }
                    throw ImportError(.unreadable, file: name, detail: UserMessage.text(for: error))
                }
            }
            return (result, checked, nil)
        } catch is LedgerChecker.HeaderAfterRows {
            // A header completed after the table (a footer's 填报日期): checked whole, as a small file is.
            do {
                let bytes = try IncomingBytes.read(file.path, name: name).get()
                let (source, _) = try opener.open(file.path, displayName: name)
                var checked = try checker.check(source, fileName: name, references: references?.index, facts: facts)
                let result = try workspace.record(Intake(fileName: name, bytes: bytes, receivedAt: file.received,
                                                         outcome: .checked(checked), checkedAgainst: basis))
                checked.report = checked.report.capped()
                return (result, checked, nil)
            } catch let error as ImportError {
                return try refused(error)
            }
        } catch let error as ImportError {
            return try refused(error)
        } catch let error as ContentFile.Unreadable {
            // The file changed (or could not be read) while its bytes were copied: recorded as refused, as a file
            // that cannot be read is.
            let refusal = contentError(error, name: name)
            return (try workspace.record(Intake(fileName: name, bytes: Data(), receivedAt: file.received,
                                                outcome: .refused(refusal))), nil, refusal)
        }
    }

    /// The error for an ingest that stopped part-way: why, and which files are in the workspace and which not.
    func interrupted(by error: any Error, recorded: [String], notRecorded: [String]) -> WorkflowError {
        func names(_ paths: [String]) -> String {
            let shown = paths.prefix(10).map { TextSafety.printable(URL(fileURLWithPath: $0).lastPathComponent) }
            return shown.joined(separator: "、") + (paths.count > 10 ? " 等 \(paths.count) 个" : "")
        }
        var detail = UserMessage.text(for: error)
        detail += "。已存入工作区的 \(recorded.count) 个文件不受影响"
        if !notRecorded.isEmpty {
            detail += "；未存入的 \(notRecorded.count) 个文件：\(names(notRecorded))，请稍后重新运行 ingest（已存入的不会重复存入）"
        }
        return WorkflowError(.ingestInterrupted, detail: detail)
    }

    private func outcome(name: String, result: IngestResult, checked: CheckedLedger?, refusal: ImportError?) -> IngestOutcome {
        let document = checked?.document
        let report = checked?.report
        let rows = report?.rowCounts.values.reduce(0, +)
        let problems = report?.findings.filter { $0.severity == .error } ?? []
        var o = IngestOutcome(
            file: name, verdict: .refused, submission: 0, unit: document?.unit?.id, form: document?.form.id,
            period: document?.period?.iso, rows: rows, errors: report?.errorCount ?? 0,
            warnings: report?.warningCount ?? 0, firstFindings: problems.prefix(3).map(\.description), line: "")
        let what = [document?.unit?.name, document?.form.shortTitle, document?.period?.iso].compactMap { $0 }
            .map(TextSafety.printable)
            .joined(separator: "，")
        switch result {
        case .accepted(let id, let supersedes):
            o.verdict = .accepted(supersedes: supersedes)
            o.submission = id
            o.line = "已接收    \(name)（\(what)，\(rows ?? 0) 行"
                + (o.warnings > 0 ? "，\(o.warnings) 个警告" : "")
                + (supersedes.map { "，取代第 \($0) 号报送" } ?? "") + "）"
        case .rejected(let id):
            o.verdict = .returned
            o.submission = id
            o.line = "已退回    \(name)（\(what)）：\(o.errors) 个错误"
                + problems.prefix(3).map { "\n          \($0)" }.joined()
                + (problems.count > 3 ? "\n          ……（用 taizhang check 查看全部）" : "")
        case .refused(let id):
            o.verdict = .refused
            o.submission = id
            o.line = "已拒收    \(refusal?.description ?? name)"
        case .alreadyKnown(let id, let state):
            o.verdict = .alreadyReceived(state)
            o.submission = id
            o.line = IngestText.alreadyReceived(name, id: id, state: state)
        }
        return o
    }
}

/// The Chinese wording of ingest outcomes, in one place.
enum IngestText {
    static func alreadyReceived(_ name: String, id: Int64, state: SubmissionState) -> String {
        "已收到过  \(TextSafety.printable(name))：与第 \(id) 号报送完全相同（\(state.label)），未作改动"
    }
}
