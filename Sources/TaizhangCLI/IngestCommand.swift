import ArgumentParser
import Dispatch
import Foundation
import TaizhangCore
import TaizhangStore

/// Options of the commands that use the workspace.
struct WorkspaceOptions: ParsableArguments {
    @Option(name: .customLong("workspace"), help: ArgumentHelp("工作区数据库文件", valueName: "PATH"))
    var path = "taizhang.sqlite"

    func open() throws -> Workspace {
        do {
            return try Workspace(path: path)
        } catch {
            throw CommandFailure("无法打开工作区“\(path)”：\(error)")
        }
    }
}

/// `taizhang ingest PATH…`: takes returned files into the workspace.
struct IngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "接收报送的文件（.xlsx、.csv 或目录），检查后存入工作区",
        discussion: """
            每个文件都会原样保存：通过检查的标记为“已接收”，有错误的标记为“已退回”并保存检查结果，\
            无法读取的标记为“已拒收”。同一文件再次接收不会重复保存；同一单位同一报送期的更正版本会取代原版本（原版本保留）。
            退出码：0 全部接收；1 有文件被退回或拒收；2 执行失败。
            """)

    @OptionGroup var formOptions: FormOptions
    @OptionGroup var workspaceOptions: WorkspaceOptions
    @Argument(help: "文件或目录") var paths: [String]
    @Option(help: ArgumentHelp("收到文件的日期（补录时使用，YYYY-MM-DD），默认为现在", valueName: "DATE"))
    var received: String?
    @Flag(help: "以 JSON 输出每个文件的结果") var json = false
    @Option(help: ArgumentHelp("为退回的文件在此目录生成标注问题的工作簿和退回修改通知", valueName: "DIR"))
    var annotate: String?
    @Option(help: ArgumentHelp("核验报送包用的各单位公钥目录，默认为工作区文件旁的 keys/", valueName: "DIR"))
    var keys: String?

    func run() throws {
        let set = try formOptions.load()
        let workspace = try workspaceOptions.open()
        var receivedAt = Date()
        if let received {
            guard let day = CivilDate(iso: received) else { throw CommandFailure("日期“\(received)”无效，应写成 YYYY-MM-DD") }
            receivedAt = Ingestor.noon(of: day)
        }
        let files = try Ingestor.expand(paths)
        guard !files.isEmpty else { throw CommandFailure("没有找到可接收的文件（.xlsx、.csv）") }
        let ingestor = Ingestor(formSet: set, workspace: workspace, registry: Registry.standard(), keysDirectory: keys)
        let outcomes = try ingestor.ingest(files.map { ($0, receivedAt) }, progress: stderrIsTerminal)
        if let annotate {
            for (path, outcome) in zip(files, outcomes) where outcome.state == "rejected" {
                let written = try Annotation.returnForCorrection(
                    path: path, submission: outcome.submission, workspace: workspace, formSet: set,
                    registry: Registry.standard(), directory: annotate, date: StatusCommand.today())
                for file in written { printError("已生成 \(file)") }
            }
        }
        if json {
            try printJSON(outcomes)
        } else {
            for outcome in outcomes { print(outcome.line) }
            print(Ingestor.summary(outcomes))
        }
        if outcomes.contains(where: { $0.state == "rejected" || $0.state == "refused" }) { throw ExitCode(1) }
    }
}

/// What happened to one file.
struct IngestOutcome: Encodable, Sendable {
    var file: String
    var state: String
    var submission: Int64
    var unit: String?
    var form: String?
    var period: String?
    var rows: Int?
    var supersedes: Int64?
    var errors: Int
    var warnings: Int
    var firstFindings: [String]
    var line: String
}

/// Reads files on both cores, then validates and records them one by one in dependency order
/// (the forms others refer to first), each in its own transaction.
struct Ingestor {
    let formSet: FormSet
    let workspace: Workspace
    let registry: PluginRegistry
    /// Units' public keys for verifying packages; `keys/` beside the workspace when `nil`.
    var keysDirectory: String?

    static func noon(of day: CivilDate) -> Date {
        Date(timeIntervalSince1970: Double(day.daysSinceEpoch) * 86_400 + 4 * 3600)
    }

    /// Files under the given paths (folders recursively), skipping hidden files and Office lock files.
    static func expand(_ paths: [String]) throws -> [String] {
        var files: [String] = []
        let fm = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw CommandFailure("“\(path)”不存在")
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
                let ext = (name as NSString).pathExtension.lowercased()
                guard ["xlsx", "csv", "xls", "et", "zip"].contains(ext) else { continue }
                found.append((path as NSString).appendingPathComponent(relative))
            }
            files += found.sorted()
        }
        return files
    }

    private enum Parsed: @unchecked Sendable {
        case known(SubmissionRecord)
        /// Read, and validated against the store as it was before this batch.
        case read(LedgerReader.Result, CheckedLedger, unit: String?, Data)
        case refused(ImportError, Data)
    }

    func ingest(_ files: [(path: String, received: Date)], progress: Bool) throws -> [IngestOutcome] {
        if files.contains(where: { PackageIngest.isPackage($0.path) }) { return try PackageIngest(ingestor: self).ingest(files, progress: progress) }
        let bar = ProgressBar(total: files.count, label: "读取", enabled: progress)
        // Phase 1: read every file, in parallel. Parsing dominates; the store is not touched.
        let results = Locked<[Int: Parsed]>([:])
        let snapshots = Locked<[String: ReferenceIndex]>([:])
        let opener = FileOpener(registry: registry)
        let reader = LedgerReader(formSet: formSet)
        let checker = LedgerChecker(formSet: formSet)
        DispatchQueue.concurrentPerform(iterations: files.count) { i in
            let path = files[i].path
            let name = URL(fileURLWithPath: path).lastPathComponent
            let parsed: Parsed
            if let bytes = FileManager.default.contents(atPath: path) {
                if let known = try? workspace.known(sha256: Workspace.sha256(bytes)) {
                    parsed = .known(known)
                } else {
                    do {
                        let (source, _) = try opener.open(path, displayName: name)
                        let read = try reader.read(source, fileName: name)
                        let unit = checker.unit(of: read)?.id
                        let references = try unit.map { unit in
                            // The store is not written in this phase: one snapshot per unit serves all its files.
                            if let cached = snapshots.withLock({ $0[unit] }) { return cached }
                            let index = try workspace.referenceIndex(unit: unit, formSet: formSet)
                            snapshots.withLock { $0[unit] = index }
                            return index
                        }
                        parsed = .read(read, checker.validate(read, fileName: name, references: references), unit: unit, bytes)
                    } catch let error as ImportError {
                        parsed = .refused(error, bytes)
                    } catch {
                        parsed = .refused(ImportError(.unreadable, file: name, detail: "\(error)"), bytes)
                    }
                }
            } else {
                parsed = .refused(ImportError(.unreadable, file: name, detail: "无法读取文件"), Data())
            }
            results.withLock { $0[i] = parsed }
            bar.advance()
        }
        bar.finish()

        // Phase 2: validate and record, referenced forms first, then in the order given.
        let referenced = Set(formSet.forms.flatMap { $0.tables.flatMap(\.columns) }.compactMap(\.references?.form))
        let all = results.withLock { $0 }
        let order = files.indices.sorted { a, b in
            func rank(_ i: Int) -> Int {
                if case .read(let r, _, _, _)? = all[i] { return referenced.contains(r.input.form.id) ? 0 : 1 }
                return 1
            }
            return (rank(a), a) < (rank(b), b)
        }
        var outcomes: [Int: IngestOutcome] = [:]
        // Units whose referenced ledgers (the self-check ledger) changed in this batch: their referring files
        // are validated again against the store as it is now. All others keep their phase-1 validation.
        var changedUnits = Set<String>()
        for i in order {
            let name = URL(fileURLWithPath: files[i].path).lastPathComponent
            let received = files[i].received
            switch all[i]! {
            case .known(let record):
                outcomes[i] = IngestOutcome(
                    file: name, state: "known", submission: record.id, unit: record.unit, form: record.form,
                    period: record.period?.iso, rows: nil, supersedes: nil, errors: record.errorCount,
                    warnings: record.warningCount, firstFindings: [],
                    line: "已收到过  \(name)：与第 \(record.id) 号报送完全相同（\(record.state.label)），未作改动")
            case .refused(let error, let bytes):
                let result = try workspace.record(Intake(fileName: name, bytes: bytes, receivedAt: received, outcome: .refused(error)))
                outcomes[i] = outcome(name: name, result: result, checked: nil, refusal: error)
            case .read(let read, var checked, let unit, let bytes):
                let refers = read.input.form.tables.contains { $0.columns.contains { $0.references != nil } }
                if refers, let unit, changedUnits.contains(unit) {
                    let references = try workspace.referenceIndex(unit: unit, formSet: formSet)
                    checked = checker.validate(read, fileName: name, references: references)
                }
                let result = try workspace.record(Intake(fileName: name, bytes: bytes, receivedAt: received, outcome: .checked(checked)))
                if case .accepted = result, referenced.contains(read.input.form.id), let unit { changedUnits.insert(unit) }
                outcomes[i] = outcome(name: name, result: result, checked: checked, refusal: nil)
            }
        }
        return files.indices.map { outcomes[$0]! }
    }

    private func outcome(name: String, result: IngestResult, checked: CheckedLedger?, refusal: ImportError?) -> IngestOutcome {
        let document = checked?.document
        let report = checked?.report
        let rows = report?.rowCounts.values.reduce(0, +)
        let problems = report?.findings.filter { $0.severity == .error } ?? []
        var o = IngestOutcome(
            file: name, state: "", submission: 0, unit: document?.unit?.id, form: document?.form.id,
            period: document?.period?.iso, rows: rows, supersedes: nil, errors: report?.errorCount ?? 0,
            warnings: report?.warningCount ?? 0, firstFindings: problems.prefix(3).map(\.description), line: "")
        let what = [document?.unit?.name, document?.form.shortTitle, document?.period?.iso].compactMap { $0 }
            .joined(separator: "，")
        switch result {
        case .accepted(let id, let supersedes):
            o.state = "accepted"
            o.submission = id
            o.supersedes = supersedes
            o.line = "已接收    \(name)（\(what)，\(rows ?? 0) 行"
                + (o.warnings > 0 ? "，\(o.warnings) 个警告" : "")
                + (supersedes.map { "，取代第 \($0) 号报送" } ?? "") + "）"
        case .rejected(let id):
            o.state = "rejected"
            o.submission = id
            o.line = "已退回    \(name)（\(what)）：\(o.errors) 个错误"
                + problems.prefix(3).map { "\n          \($0)" }.joined()
                + (problems.count > 3 ? "\n          ……（用 taizhang check 查看全部）" : "")
        case .refused(let id):
            o.state = "refused"
            o.submission = id
            o.line = "已拒收    \(refusal?.description ?? name)"
        case .alreadyKnown(let id, let state):
            o.state = "known"
            o.submission = id
            o.line = "已收到过  \(name)：与第 \(id) 号报送完全相同（\(state.label)），未作改动"
        }
        return o
    }

    static func summary(_ outcomes: [IngestOutcome]) -> String {
        func count(_ s: String) -> Int { outcomes.filter { $0.state == s }.count }
        return "共 \(outcomes.count) 个文件：已接收 \(count("accepted"))，已退回 \(count("rejected"))，已拒收 \(count("refused"))，已收到过 \(count("known"))。"
    }
}

/// A value behind a lock, for results gathered from parallel work.
final class Locked<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()
    init(_ value: Value) { self.value = value }
    func withLock<T>(_ body: (inout Value) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}

/// A progress bar on standard error, drawn only on a terminal.
final class ProgressBar: @unchecked Sendable {
    private let total: Int
    private let label: String
    private let enabled: Bool
    private var done = 0
    private let lock = NSLock()

    init(total: Int, label: String, enabled: Bool) {
        self.total = total
        self.label = label
        self.enabled = enabled && total > 1
    }

    func advance() {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        done += 1
        let width = 30
        let filled = total == 0 ? width : done * width / total
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        FileHandle.standardError.write(Data("\r\(label) \(bar) \(done)/\(total)".utf8))
    }

    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\n".utf8))
    }
}
