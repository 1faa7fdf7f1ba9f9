import ArgumentParser
import Crypto
import Foundation
import TaizhangCSV
import TaizhangCore
import TaizhangForms
import TaizhangMemo
import TaizhangPackage
import TaizhangStore

/// Where the public keys are kept when `--keys` is not given: `keys/` in the folder of the workspace file.
/// (The workspace is what the province works in; its keys live beside it. The forms folder is optional, so
/// it cannot be the default.)
func defaultKeysDirectory(workspace: String) -> String {
    let folder = (workspace as NSString).deletingLastPathComponent
    return ((folder.isEmpty ? "." : folder) as NSString).appendingPathComponent("keys")
}

/// `taizhang package`: builds a unit's (or the province's) signed submission package.
struct PackageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "package",
        abstract: "生成报送包（.zip）：本单位应报送的台账原件、CSV 副本、报送函和清单，附签名",
        discussion: """
            单位：taizhang package --unit 沈阳 --period 2024-06 -o 沈阳_2024-06.zip --key keys/shenyang.key
            报送包中有 manifest.json（单位、报送期、各表版本、每个文件的大小和 SHA-256）和 manifest.sig（对清单的 Ed25519 签名）。
            应报送的台账不齐时拒绝生成并列出所缺，除非指定 --allow-incomplete。
            省厅：taizhang package --province --period 2024-06 -o 全省_2024-06.zip --key keys/province.key
            （全省汇总报表、进展情况报告和本期收到的各单位报送包）。
            """)

    @OptionGroup var formOptions: FormOptions
    @OptionGroup var workspaceOptions: WorkspaceOptions
    @Option(help: ArgumentHelp("报送单位（标识、全称或简称）", valueName: "UNIT")) var unit: String?
    @Flag(help: "生成省厅的报送包") var province = false
    @Option(help: ArgumentHelp("报送期（YYYY-MM）", valueName: "PERIOD")) var period: String
    @Option(name: .shortAndLong, help: ArgumentHelp("输出的报送包文件", valueName: "FILE.zip")) var output: String
    @Option(help: ArgumentHelp("签名私钥文件（taizhang keys new 生成）；不指定则不签名", valueName: "FILE")) var key: String?
    @Option(help: ArgumentHelp("报送函的日期（YYYY-MM-DD），默认为今天；省厅报送包为汇总的截至日期，默认为报送期的截止日", valueName: "DATE"))
    var date: String?
    @Flag(name: .customLong("allow-incomplete"), help: "应报送的台账不齐时仍然生成（清单中注明所缺）") var allowIncomplete = false

    func validate() throws {
        if province == (unit != nil) { throw ValidationError("请指定 --unit 单位 或 --province（二者选一）") }
    }

    func run() throws {
        let set = try formOptions.load()
        let workspace = try workspaceOptions.open()
        guard let month = YearMonth(period) else { throw CommandFailure("报送期“\(period)”无效，应写成 YYYY-MM") }
        let signingKey = try key.map { path -> Curve25519.Signing.PrivateKey in
            do { return try PackageKeys.privateKey(at: path) } catch { throw CommandFailure("\(error)") }
        }
        let day = try date.map { text -> CivilDate in
            guard let d = CivilDate(iso: text) else { throw CommandFailure("日期“\(text)”无效，应写成 YYYY-MM-DD") }
            return d
        } ?? PackageBuilder.today()
        let builder = PackageBuilder(set: set, workspace: workspace)
        let manifest: PackageManifest
        do {
            // A key that is not the sender's own would only be found out by the province: check it here when the
            // sender's public key is in the keys folder beside the workspace.
            let senderID = province ? PackageKeys.provinceID : (set.unit(id: unit!) ?? set.unit(named: unit!))?.id
            if let signingKey, let senderID {
                let pub = (defaultKeysDirectory(workspace: workspaceOptions.path) as NSString).appendingPathComponent("\(senderID).pub")
                if FileManager.default.fileExists(atPath: pub),
                   try PackageKeys.publicKey(at: pub).rawRepresentation != signingKey.publicKey.rawRepresentation {
                    throw CommandFailure("私钥“\(key!)”与公钥“\(pub)”不是一对：请用本单位自己的私钥签署报送包")
                }
            }
            if province {
                // As `report progress`: the report is as of the period's deadline unless --date says otherwise.
                let due = set.campaign.obligations.flatMap(\.deadlines).filter { $0.period == month }.map(\.due).max()
                let asOf = date == nil ? (due ?? day) : day
                manifest = try builder.provincePackage(period: month, date: asOf, key: signingKey, output: output)
            } else {
                guard let who = set.unit(id: unit!) ?? set.unit(named: unit!) else {
                    throw CommandFailure("找不到填报单位“\(unit!)”（可用 taizhang forms 查看单位名单）")
                }
                manifest = try builder.unitPackage(unit: who, period: month, date: day, key: signingKey,
                                                   allowIncomplete: allowIncomplete, output: output)
            }
        } catch let error as PackageError {
            throw CommandFailure(error.message)
        }
        print("已生成报送包 \(output)（\(manifest.unit.name)，\(month.chinese)，\(manifest.files.count) 个文件）")
        for file in manifest.files { print("  \(file.name)  \(file.size) 字节") }
        if let missing = manifest.missing, !missing.isEmpty {
            print("注意：报送包不完整，缺少" + missing.map { "《\(set.form($0)?.title ?? $0)》" }.joined(separator: "、"))
        }
        if signingKey == nil { printError("taizhang：未指定 --key，报送包没有签名，省厅核验时将不予通过") }
    }
}

/// Assembles packages from the workspace.
struct PackageBuilder {
    let set: FormSet
    let workspace: Workspace

    static func today() -> CivilDate {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = Workspace.timeZone
        let c = calendar.dateComponents([.year, .month, .day], from: Date())
        return CivilDate(year: c.year!, month: c.month!, day: c.day!)!
    }

    static func now() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = Workspace.timeZone
        return formatter.string(from: Date())
    }

    /// A unit's package: each owed ledger's original bytes, a CSV copy per table, the cover letter, the manifest.
    func unitPackage(unit: ReportingUnit, period: YearMonth, date: CivilDate, key: Curve25519.Signing.PrivateKey?,
                     allowIncomplete: Bool, output: String) throws -> PackageManifest {
        var files: [PackageFile] = []
        var forms: [PackageManifest.FormEntry] = []
        var missing: [(String, CivilDate)] = []
        for owed in set.campaign.owed(unitKind: unit.kind, period: period) {
            guard let form = set.form(owed.form),
                  let id = try workspace.currentSubmissionID(unit: unit.id, form: owed.form, period: period),
                  let bytes = try workspace.content(of: id),
                  let record = try workspace.submissions(period: period).first(where: { $0.id == id }) else {
                missing.append((owed.form, owed.due))
                continue
            }
            let ext = (record.fileName as NSString).pathExtension.lowercased()
            let base = "\(period.iso)_\(unit.shortName)_\(form.shortTitle)"
            let ledgerName = "台账/\(base).\(ext.isEmpty ? "xlsx" : ext)"
            files.append(PackageFile(name: ledgerName, bytes: Array(bytes), role: "ledger", form: form.id))
            forms.append(PackageManifest.FormEntry(id: form.id, version: record.formVersion ?? form.version, file: ledgerName))
            if let document = try workspace.currentDocuments(form: form, period: period, formSet: set)
                .first(where: { $0.unit?.id == unit.id }) {
                for table in form.tables {
                    let sink = MemorySink()
                    try CSVExporter(options: CSVExporter.Options(table: table.id)).export(document, to: sink)
                    let suffix = form.tables.count > 1 ? "_\(table.title)" : ""
                    files.append(PackageFile(name: "CSV副本/\(base)\(suffix).csv", bytes: sink.bytes, role: "csv", form: form.id))
                }
            }
        }
        if !missing.isEmpty && !allowIncomplete {
            let list = missing.map { "《\(set.form($0.0)?.title ?? $0.0)》（截止日期\($0.1.chinese)）" }.joined(separator: "、")
            throw PackageError("\(unit.name)\(period.chinese)应报送的台账不齐，工作区中没有已接收的：\(list)。"
                + "请先接收这些台账（taizhang ingest），或用 --allow-incomplete 生成不完整的报送包")
        }
        let memo = try Memos(templates: MemoTemplateSet(files: BuiltinForms.memoTemplates))
            .coverLetter(unit: unit, period: period, files: forms.map { ($0.file as NSString).lastPathComponent },
                         formSet: set, date: date)
        let sink = MemorySink()
        try MemoExporter().export(memo, to: sink)
        files.append(PackageFile(name: "报送函.txt", bytes: sink.bytes, role: "cover-letter"))
        let manifest = PackageManifest(
            kind: .unit, unit: .init(id: unit.id, name: unit.name), period: period.iso, campaign: set.campaign.id,
            forms: forms, files: [], missing: missing.isEmpty ? nil : missing.map(\.0),
            tool: "taizhang \(TaizhangVersion.current)", createdAt: PackageBuilder.now())
        return try PackageWriter.write(manifest: manifest, files: files, key: key, to: output)
    }

    /// The province's package: the consolidated workbook and progress memo, and every unit package received for
    /// the period.
    func provincePackage(period: YearMonth, date: CivilDate, key: Curve25519.Signing.PrivateKey?,
                         output: String) throws -> PackageManifest {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("taizhang-package-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let written = try ReportWriter(set: set, workspace: workspace, directory: directory.path)
            .progress(period: period, asOf: date, formats: ["xlsx", "memo"], recipients: [])
        var files: [PackageFile] = []
        for path in written {
            guard let bytes = FileManager.default.contents(atPath: path) else { continue }
            let name = (path as NSString).lastPathComponent
            files.append(PackageFile(name: "报告/\(name)", bytes: Array(bytes), role: name.hasSuffix(".txt") ? "memo" : "report"))
        }
        for record in try workspace.currentPackages(period: period) {
            guard let unitID = record.unit, let bytes = try workspace.content(of: record.id) else { continue }
            let unitName = set.unit(id: unitID)?.shortName ?? unitID
            files.append(PackageFile(name: "单位报送包/\(period.iso)_\(unitName).zip", bytes: Array(bytes),
                                     role: "unit-package", unit: unitID))
        }
        let manifest = PackageManifest(
            kind: .province, unit: .init(id: PackageKeys.provinceID, name: set.campaign.issuer), period: period.iso,
            campaign: set.campaign.id, forms: [], files: [], tool: "taizhang \(TaizhangVersion.current)",
            createdAt: PackageBuilder.now())
        return try PackageWriter.write(manifest: manifest, files: files, key: key, to: output)
    }
}

/// `taizhang verify FILE.zip`: checks a package and prints the verdict.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "核验报送包：完整、未被改动、确由所称单位签发",
        discussion: """
            逐项列出发现的问题。公钥目录默认为工作区文件所在目录下的 keys/（其中每个单位一个 <单位标识>.pub，省厅为 province.pub）。
            退出码：0 核验通过；1 有问题；2 文件无法读取。
            """)

    @OptionGroup var formOptions: FormOptions
    @OptionGroup var workspaceOptions: WorkspaceOptions
    @Argument(help: "报送包文件（.zip）") var file: String
    @Option(help: ArgumentHelp("公钥目录，默认为工作区旁的 keys/", valueName: "DIR")) var keys: String?
    @Flag(help: "以 JSON 输出核验结果") var json = false

    func run() throws {
        let set = try formOptions.load()
        let verifier = PackageVerifier(formSet: set, keysDirectory: keys ?? defaultKeysDirectory(workspace: workspaceOptions.path))
        let verdict = try verifier.verify(path: file)
        if json {
            struct Output: Encodable {
                var file: String
                var sound: Bool
                var unit: String?
                var period: String?
                var problems: [PackageProblem]
            }
            try printJSON(Output(file: verdict.fileName, sound: verdict.isSound, unit: verdict.manifest?.unit.id,
                                 period: verdict.manifest?.period, problems: verdict.problems))
        } else {
            print(verdict.text)
        }
        if !verdict.isSound { throw ExitCode(1) }
    }
}

/// `taizhang keys new`: makes a signing key pair.
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "管理报送包的签名密钥", subcommands: [New.self])

    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "new",
            abstract: "为单位（或省厅）生成 Ed25519 密钥对：<单位标识>.key（私钥，仅本人可读）和 <单位标识>.pub（公钥，交省厅）")
        @OptionGroup var formOptions: FormOptions
        @OptionGroup var workspaceOptions: WorkspaceOptions
        @Option(help: ArgumentHelp("单位（标识、全称或简称）", valueName: "UNIT")) var unit: String?
        @Flag(help: "生成省厅自己的密钥（province.key / province.pub）") var province = false
        @Option(name: .shortAndLong, help: ArgumentHelp("输出目录，默认为工作区旁的 keys/", valueName: "DIR")) var output: String?

        func validate() throws {
            if province == (unit != nil) { throw ValidationError("请指定 --unit 单位 或 --province（二者选一）") }
        }

        func run() throws {
            let set = try formOptions.load()
            let id: String
            let name: String
            if province {
                (id, name) = (PackageKeys.provinceID, set.campaign.issuer)
            } else {
                guard let who = set.unit(id: unit!) ?? set.unit(named: unit!) else {
                    throw CommandFailure("找不到填报单位“\(unit!)”（可用 taizhang forms 查看单位名单）")
                }
                (id, name) = (who.id, who.name)
            }
            let directory = output ?? defaultKeysDirectory(workspace: workspaceOptions.path)
            do {
                let paths = try PackageKeys.generate(id: id, name: name, directory: directory)
                print("已生成\(name)的密钥：")
                print("  私钥 \(paths.privateKey)（妥善保管，用于签署报送包）")
                print("  公钥 \(paths.publicKey)（交省厅，放入其公钥目录）")
            } catch let error as PackageError {
                throw CommandFailure(error.message)
            }
        }
    }
}
