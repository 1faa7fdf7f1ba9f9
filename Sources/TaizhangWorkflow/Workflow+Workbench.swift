import Foundation
import TaizhangCore
import TaizhangStore
import TaizhangZip

/// A stored submission as front ends show it (the store's type, named here so they need not import the store).
public typealias StoredSubmission = SubmissionRecord
/// Accepted, rejected or refused.
public typealias StoredSubmissionState = SubmissionState

/// A file made for a person to download: the name it is offered under and its bytes.
public struct DownloadFile: Sendable {
    /// The name offered (for `Content-Disposition`; never used as a path).
    public var name: String
    public var bytes: Data

    public init(name: String, bytes: Data) {
        self.name = name
        self.bytes = bytes
    }
}

/// One submission with what was found in it.
public struct SubmissionDetail: Sendable {
    public var record: StoredSubmission
    /// The stored validation report (`nil` for a package or a file that could not be read as a ledger).
    public var report: ValidationReport?
    /// Earlier verdicts (a recheck against changed reference ledgers).
    public var history: [(state: StoredSubmissionState, errors: Int, replacedAt: String)]
}

/// The use cases of the web workbench that the command does otherwise (by files in folders): submissions looked
/// up by id, downloads made in memory, uploads kept under generated names.
extension Workflow {
    /// The submissions of the workspace, newest first, optionally of one unit and one period.
    public func submissions(workspace: Workspace, unit: String? = nil, period: YearMonth? = nil) throws -> [StoredSubmission] {
        try workspace.submissions(period: period).filter { unit == nil || $0.unit == unit }.reversed()
    }

    /// One submission with its findings; `nil` when there is none with that id.
    public func submission(_ id: Int64, workspace: Workspace) throws -> SubmissionDetail? {
        guard let record = try workspace.submission(id: id) else { return nil }
        return SubmissionDetail(record: record, report: try storedReport(submission: id, workspace: workspace),
                                history: try workspace.verdictHistory(of: id))
    }

    /// The file as the unit sent it.
    public func originalFile(_ id: Int64, workspace: Workspace) throws -> DownloadFile? {
        guard let record = try workspace.submission(id: id), let bytes = try workspace.content(of: id) else { return nil }
        return DownloadFile(name: record.fileName, bytes: bytes)
    }

    /// The return for correction of a stored submission, made from its stored bytes: the annotated workbook
    /// (`<name>_退回修改.xlsx`) and the notice (`<name>_退回修改通知.txt`). Throws
    /// ``WorkflowError/Code/noAnnotation`` for a submission with no findings to mark (a refused file, a package).
    public func correctionFiles(_ id: Int64, workspace: Workspace) throws -> (annotated: DownloadFile, notice: DownloadFile?) {
        guard let record = try workspace.submission(id: id), let bytes = try workspace.content(of: id),
              record.form != nil, let report = try storedReport(submission: id, workspace: workspace) else {
            throw WorkflowError(.noAnnotation, subject: "\(id)")
        }
        let scratch = try ScratchDirectory(purpose: "correction")
        defer { scratch.remove() }
        // The stored bytes under a generated name: the sender's name never becomes a path.
        let input = scratch.file("original." + Workflow.safeExtension(of: record.fileName, allowed: ingestibleExtensions))
        try bytes.write(to: URL(fileURLWithPath: input))
        let base = (safeFileName(record.fileName) as NSString).deletingPathExtension
        let written = try writeCorrection(path: input, name: record.fileName, report: report, submission: id,
                                          workspace: workspace, annotated: scratch.file("annotated.xlsx"),
                                          notice: scratch.file("notice"), annotatedName: base + "_退回修改.xlsx")
        let annotated = DownloadFile(name: base + "_退回修改.xlsx", bytes: try Data(contentsOf: URL(fileURLWithPath: written[0])))
        let notice = try written.dropFirst().first.map { path in
            DownloadFile(name: base + "_退回修改通知." + (path as NSString).pathExtension,
                         bytes: try Data(contentsOf: URL(fileURLWithPath: path)))
        }
        return (annotated, notice)
    }

    /// The extension of `name` when it is one of `allowed` (lower-cased), else `bin`: what an upload or stored file
    /// is written under in a scratch folder, so that the importers recognise it.
    public static func safeExtension(of name: String, allowed: Set<String>) -> String {
        let ext = (name as NSString).pathExtension.lowercased()
        return allowed.contains(ext) ? ext : "bin"
    }

    /// The templates owed for `period` as one zip: every unit's, or only `unit`'s (as a person names it).
    public func templatesArchive(period: YearMonth, unit: String? = nil, workspace: Workspace?) throws -> DownloadFile {
        let scratch = try ScratchDirectory(purpose: "templates")
        defer { scratch.remove() }
        var written: [(name: String, path: String)] = []
        let units = try unit.map { [try formSet.resolveUnit($0)] } ?? formSet.units
        for (n, unit) in units.enumerated() {
            for owed in formSet.campaign.owed(unitKind: unit.kind, period: period) {
                guard let form = formSet.form(owed.form) else { continue }
                let path = scratch.file("t\(n)-\(written.count).xlsx")
                try writeTemplate(templateDocument(form: form, unit: unit, period: period, workspace: workspace), to: path)
                written.append((templateFileName(period: period, unit: unit, form: form), path))
            }
        }
        if written.isEmpty { throw WorkflowError(.nothingOwed, subject: period.iso) }
        let zipPath = scratch.file("templates.zip")
        do {
            let zip = try ZipWriter(path: zipPath)
            for file in written { try zip.addFile(name: file.name, path: file.path) }
            try zip.close()
        } catch {
            throw WorkflowError(.cannotWrite, subject: "模板压缩包", detail: UserMessage.text(for: error))
        }
        let name = "\(period.iso)_" + (unit.flatMap { try? formSet.resolveUnit($0).name }.map { safeFileName($0) + "_" } ?? "") + "填报模板.zip"
        return DownloadFile(name: name, bytes: try Data(contentsOf: URL(fileURLWithPath: zipPath)))
    }

    /// One report as a download: `progress` (the consolidated monthly workbook, or with `memo` format the
    /// province's progress memo) or `summary` (all units' summaries in one workbook).
    public func reportFile(_ kind: String, format: String = "xlsx", period: YearMonth?, asOf: CivilDate? = nil,
                           workspace: Workspace) throws -> DownloadFile {
        let scratch = try ScratchDirectory(purpose: "report")
        defer { scratch.remove() }
        let written: [String]
        switch kind {
        case "progress":
            guard let period else { throw WorkflowError(.invalidPeriod, subject: "") }
            written = try progressReport(workspace: workspace, period: period, asOf: asOf, formats: [format],
                                         directory: scratch.path)
        case "summary":
            written = try summaryReport(workspace: workspace, formats: [format], directory: scratch.path)
        default:
            throw WorkflowError(.notFound, subject: "报告“\(TextSafety.printable(kind))”")
        }
        guard let path = written.first else {
            throw WorkflowError(.nothingReceived, subject: period.map { "\($0.chinese)" } ?? "",
                                detail: "还没有可以汇总的报送，报告未生成")
        }
        return DownloadFile(name: (path as NSString).lastPathComponent, bytes: try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// A short text that changes whenever the workspace's submissions or verdicts do (a cache key).
    public func workspaceStamp(_ workspace: Workspace) throws -> String { try workspace.changeStamp() }

    /// The reporting periods of the campaign, in order.
    public var campaignPeriods: [YearMonth] {
        Array(Set(formSet.campaign.obligations.flatMap { $0.deadlines.map(\.period) })).sorted()
    }

    /// Where the campaign stands on `asOf` across every period due by then (the board's units × forms × periods).
    public func boardStatus(workspace: Workspace, asOf: CivilDate) throws -> CampaignStatus {
        var status = try CampaignStatus.compute(workspace: workspace, formSet: formSet, asOf: asOf, period: nil)
        if let period = formSet.campaign.period(containing: asOf) {
            status.unreconciled = try unreconciledReports(period: period, workspace: workspace)
        }
        return status
    }

    /// The day a board is "as of" when nobody says: today while the campaign runs; after its last deadline, the
    /// day the workspace last received a file (a finished campaign is shown as it stood when the files stopped),
    /// with whether that replaced today.
    public func boardDay(today: CivilDate, workspace: Workspace) throws -> (day: CivilDate, lastReceipt: Bool) {
        let last = formSet.campaign.obligations.flatMap { $0.deadlines.map(\.due) }.max()
        guard let last, today > last, let received = try workspace.submissions().map(\.receivedDate).max() else {
            return (today, false)
        }
        return (min(received, today), true)
    }

    /// The period a board opens on for `day`: the campaign's period containing it, else the latest period with
    /// a submission, else the campaign's first.
    public func boardPeriod(on day: CivilDate, workspace: Workspace) throws -> YearMonth? {
        if let period = formSet.campaign.period(containing: day) { return period }
        if let latest = try workspace.submissions().compactMap(\.period).max() { return latest }
        return campaignPeriods.first
    }
}

/// A file sent through the web workbench: the name it was sent under and its bytes (never a path).
public struct Upload: Sendable {
    public var name: String
    public var bytes: Data
    public init(name: String, bytes: Data) {
        self.name = name
        self.bytes = bytes
    }
}

/// What became of one uploaded file: ingest's outcome with its findings (as `check --json` gives them), or why it
/// was not taken in.
public struct UploadResult: Sendable, Encodable {
    /// The file's name as sent.
    public var file: String
    /// Ingest's outcome (`nil` when the file was not taken in).
    public var outcome: IngestOutcome?
    /// The findings (for a self-check, or the stored report of an ingested file).
    public var report: ValidationReport?
    /// Why the file was not taken in or could not be checked.
    public var error: UploadError?

    /// A refusal with a stable code and its Chinese message.
    public struct UploadError: Sendable, Encodable {
        public var code: String
        public var message: String
    }

    public init(file: String, outcome: IngestOutcome? = nil, report: ValidationReport? = nil, error: UploadError? = nil) {
        self.file = file
        self.outcome = outcome
        self.report = report
        self.error = error
    }
}

extension Workflow {
    /// Takes uploaded files into the workspace as ``ingest(_:workspace:keys:progress:recorded:)`` does, received
    /// now. Each file is written to a private scratch folder under a generated name (only its extension kept, when
    /// it is one the importers read), so the name it was sent under never becomes a path. With `onlyUnit` (a unit's
    /// clerk) each ledger is read first and only that unit's own are taken in; packages are left to the province.
    public func ingest(uploads: [Upload], workspace: Workspace, onlyUnit: String? = nil) throws -> [UploadResult] {
        let scratch = try ScratchDirectory(purpose: "upload")
        defer { scratch.remove() }
        var results: [UploadResult?] = Array(repeating: nil, count: uploads.count)
        var incoming: [IncomingFile] = []
        let now = clock.now
        for (i, upload) in uploads.enumerated() {
            let ext = Workflow.safeExtension(of: upload.name, allowed: ingestibleExtensions)
            let path = scratch.file("upload-\(i).\(ext)")
            try upload.bytes.write(to: URL(fileURLWithPath: path))
            if let unit = onlyUnit {
                if Parcels.isParcel(path) {
                    results[i] = UploadResult(file: upload.name, error: .init(
                        code: WorkflowError.Code.forbidden.rawValue,
                        message: WorkflowError(.forbidden, detail: "报送包由省厅接收，请上传台账文件").message))
                    continue
                }
                do {
                    let checked = try check(file: path, displayName: upload.name)
                    guard checked.document.unit?.id == unit else {
                        let whose = checked.document.unit?.name ?? "未能识别填报单位"
                        results[i] = UploadResult(file: upload.name, report: nil, error: .init(
                            code: WorkflowError.Code.forbidden.rawValue,
                            message: WorkflowError(.forbidden, detail: "这个文件不是本单位的台账（\(whose)），未接收").message))
                        continue
                    }
                } catch {
                    results[i] = UploadResult(file: upload.name, error: Workflow.uploadError(error))
                    continue
                }
            }
            incoming.append(IncomingFile(path: path, received: now, name: upload.name))
        }
        var outcomes: [IngestOutcome] = []
        if !incoming.isEmpty { outcomes = try ingest(incoming, workspace: workspace) }
        // Outcomes come back file by file (a package's ledgers after it, rechecks last); each gets its findings.
        var extra: [UploadResult] = []
        var slots = results.indices.filter { results[$0] == nil }.makeIterator()
        for var outcome in outcomes {
            outcome.source = nil
            let report = outcome.submission > 0 && outcome.form != nil
                ? try storedReport(submission: outcome.submission, workspace: workspace) : nil
            let result = UploadResult(file: outcome.file, outcome: outcome, report: report)
            if !outcome.insideParcel, outcome.verdict.code != "rechecked", let slot = slots.next() {
                results[slot] = result
            } else {
                extra.append(result)
            }
        }
        return results.compactMap { $0 } + extra
    }

    /// Checks uploaded files without storing anything (自检): each file's findings, cell by cell, against the
    /// unit's ledgers in `workspace`. With `onlyUnit`, a file of another unit is not checked against the
    /// workspace and is refused.
    public func check(uploads: [Upload], workspace: Workspace?, onlyUnit: String? = nil) throws -> [UploadResult] {
        let scratch = try ScratchDirectory(purpose: "check")
        defer { scratch.remove() }
        let readable = Set(registry.importers.flatMap(\.fileExtensions).map { $0.lowercased() })
        var results: [UploadResult] = []
        for (i, upload) in uploads.enumerated() {
            let path = scratch.file("check-\(i).\(Workflow.safeExtension(of: upload.name, allowed: readable))")
            try upload.bytes.write(to: URL(fileURLWithPath: path))
            do {
                if let unit = onlyUnit {
                    let first = try check(file: path, displayName: upload.name)
                    guard first.document.unit?.id == unit else {
                        let whose = first.document.unit?.name ?? "未能识别填报单位"
                        results.append(UploadResult(file: upload.name, error: .init(
                            code: WorkflowError.Code.forbidden.rawValue,
                            message: WorkflowError(.forbidden, detail: "这个文件不是本单位的台账（\(whose)）").message)))
                        continue
                    }
                }
                let checked = try check(file: path, displayName: upload.name, workspace: workspace)
                results.append(UploadResult(file: upload.name, report: checked.report))
            } catch {
                results.append(UploadResult(file: upload.name, error: Workflow.uploadError(error)))
            }
        }
        return results
    }

    static func uploadError(_ error: any Error) -> UploadResult.UploadError {
        let code: String
        switch error {
        case let e as ImportError: code = "import.\(e.reason.rawValue)"
        case let e as WorkflowError: code = e.code.rawValue
        default: code = "failed"
        }
        return .init(code: code, message: TextSafety.printable(UserMessage.text(for: error)))
    }
}
