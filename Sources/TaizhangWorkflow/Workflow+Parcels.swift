import Crypto
import Foundation
import TaizhangCore
import TaizhangParcel
import TaizhangStore
import TaizhangZip

/// Who sends a package: a unit, or the province.
public enum ParcelSender: Sendable {
    case unit(String)
    case province
}

extension Workflow {
    /// Builds a signed submission package (报送包) for `period` from the workspace and writes it to `output`.
    ///
    /// A unit's package holds each owed ledger's original bytes, a CSV copy per table, the cover letter and the
    /// manifest; it is refused when ledgers are missing unless `allowIncomplete`. The province's holds the
    /// consolidated workbook and progress memo (as of the period's deadline unless `date`) and every unit package
    /// received for the period. The signing key, when given, must match the sender's public key beside the
    /// workspace when that key is there. `letterFormat` is the document format of a unit's cover letter and
    /// of the province's progress memo (`memo`, `docx`).
    public func buildParcel(sender: ParcelSender, period: YearMonth, workspace: Workspace, keyPath: String?,
                             date: CivilDate? = nil, allowIncomplete: Bool = false, letterFormat: String = "memo",
                             output: String) throws -> ParcelManifest {
        guard registry.documentExporter(letterFormat) != nil else {
            throw WorkflowError(.unknownFormat, subject: letterFormat,
                                detail: registry.documentExporters.keys.sorted().joined(separator: "、"))
        }
        try OutputGuard.check(output, inputs: [keyPath, workspace.path].compactMap { $0 })
        let key = try keyPath.map { path -> Curve25519.Signing.PrivateKey in
            do { return try ParcelKeys.privateKey(at: path) } catch {
                throw WorkflowError(.keyUnusable, detail: UserMessage.text(for: error))
            }
        }
        let senderID = try identity(of: sender).id
        if let key, let keyPath {
            let pub = (Parcels.defaultKeysDirectory(workspace: workspace.path) as NSString)
                .appendingPathComponent("\(senderID).pub")
            if FileManager.default.fileExists(atPath: pub),
               try ParcelKeys.publicKey(at: pub).rawRepresentation != key.publicKey.rawRepresentation {
                throw WorkflowError(.keyMismatch, detail: "私钥“\(keyPath)”与公钥“\(pub)”不是一对：请用本单位自己的私钥签署报送包")
            }
        }
        // The creation time: the given day (so the same inputs and the same --date give the same bytes), or now.
        let createdAt = date.map { "\($0.iso)T00:00:00+08:00" } ?? clock.timestamp
        let (manifest, files) = switch sender {
        case .province:
            try provincePackage(period: period, date: date ?? reportDay(for: period), createdAt: createdAt,
                                letterFormat: letterFormat, workspace: workspace)
        case .unit:
            try unitPackage(unit: formSet.unit(id: senderID)!, period: period, date: date ?? clock.today,
                            createdAt: createdAt, allowIncomplete: allowIncomplete, letterFormat: letterFormat,
                            workspace: workspace)
        }
        // Numbered by this workspace, per sender and period; the same contents keep their number.
        var numbered = try ParcelWriter.listing(manifest, files: files)
        let fingerprint = ParcelDigest.sha256(Data(try numbered.encoded()))
        numbered.sequence = try workspace.packageSequence(sender: senderID, period: period, fingerprint: fingerprint,
                                                          madeAt: clock.now)
        return try ParcelWriter.write(listed: numbered, files: files, key: key, to: output)
    }

    private func unitPackage(unit: ReportingUnit, period: YearMonth, date: CivilDate, createdAt: String,
                             allowIncomplete: Bool, letterFormat: String,
                             workspace: Workspace) throws -> (ParcelManifest, [ParcelFile]) {
        var files: [ParcelFile] = []
        var forms: [ParcelManifest.FormEntry] = []
        var missing: [(String, CivilDate)] = []
        let received = try workspace.submissions(period: period)  // once, not once per form
        for owed in formSet.campaign.owed(unitKind: unit.kind, period: period) {
            guard let form = formSet.form(owed.form),
                  let id = try workspace.currentSubmissionID(unit: unit.id, form: owed.form, period: period),
                  let bytes = try workspace.content(of: id),
                  let record = received.first(where: { $0.id == id }) else {
                missing.append((owed.form, owed.due))
                continue
            }
            let ext = (record.fileName as NSString).pathExtension.lowercased()
            let base = "\(period.iso)_\(unit.shortName)_\(form.shortTitle)"
            let ledgerName = "台账/\(base).\(ext.isEmpty ? "xlsx" : ext)"
            files.append(ParcelFile(name: ledgerName, bytes: Array(bytes), role: "ledger", form: form.id))
            forms.append(ParcelManifest.FormEntry(id: form.id, version: record.formVersion ?? form.version, file: ledgerName))
            if let document = try workspace.currentDocuments(form: form, period: period, formSet: formSet)
                .first(where: { $0.unit?.id == unit.id }), let csv = registry.exporter("csv") {
                for table in form.tables {
                    let sink = MemorySink()
                    try csv.export(document, table: table.id, to: sink)
                    let suffix = form.tables.count > 1 ? "_\(table.title)" : ""
                    files.append(ParcelFile(name: "CSV副本/\(base)\(suffix).\(csv.format.fileExtensions[0])",
                                             bytes: sink.bytes, role: "csv", form: form.id))
                }
            }
        }
        if !missing.isEmpty && !allowIncomplete {
            let list = missing.map { "《\(formSet.form($0.0)?.title ?? $0.0)》（截止日期\($0.1.chinese)）" }.joined(separator: "、")
            throw WorkflowError(.incompletePackage, detail: "\(unit.name)\(period.chinese)应报送的台账不齐，工作区中没有已接收的：\(list)。"
                + "请先接收这些台账（taizhang ingest），或用 --allow-incomplete 生成不完整的报送包")
        }
        let memo = try memos.coverLetter(unit: unit, period: period, files: forms.map { ($0.file as NSString).lastPathComponent },
                                         formSet: formSet, date: date)
        let letter = try documentBytes(memo, format: letterFormat)
        files.append(ParcelFile(name: "报送函.\(letter.ext)", bytes: letter.bytes, role: "cover-letter"))
        let manifest = ParcelManifest(
            kind: .unit, unit: .init(id: unit.id, name: unit.name), period: period.iso, campaign: formSet.campaign.id,
            forms: forms, files: [], missing: missing.isEmpty ? nil : missing.map(\.0),
            tool: "taizhang \(TaizhangVersion.current)", createdAt: createdAt)
        return (manifest, files)
    }

    private func provincePackage(period: YearMonth, date: CivilDate, createdAt: String, letterFormat: String,
                                 workspace: Workspace) throws -> (ParcelManifest, [ParcelFile]) {
        let directory = try ScratchDirectory(purpose: "package")
        defer { directory.remove() }
        let written = try progressReport(workspace: workspace, period: period, asOf: date, formats: ["xlsx", letterFormat],
                                         directory: directory.path)
        let memoExtension = registry.documentExporter(letterFormat)?.format.fileExtensions[0]
        var files: [ParcelFile] = []
        for path in written {
            guard let bytes = FileManager.default.contents(atPath: path) else { continue }
            let name = (path as NSString).lastPathComponent
            let role = (name as NSString).pathExtension == memoExtension ? "memo" : "report"
            files.append(ParcelFile(name: "报告/\(name)", bytes: Array(bytes), role: role))
        }
        var carried = Set<String>()
        for record in try workspace.currentPackages(period: period) {
            guard let unitID = record.unit, let bytes = try workspace.content(of: record.id) else { continue }
            carried.insert(unitID)
            let unitName = formSet.unit(id: unitID)?.shortName ?? unitID
            files.append(ParcelFile(name: "单位报送包/\(period.iso)_\(unitName).zip", bytes: Array(bytes),
                                     role: "unit-package", unit: unitID))
        }
        // The province's units file (its divisions), so that a package verified elsewhere knows its units.
        if let units = WorkspaceForms.unitsFile(workspace: workspace.path), let bytes = FileManager.default.contents(atPath: units) {
            files.append(ParcelFile(name: "单位名单/\(FormSet.unitsFile)", bytes: Array(bytes), role: "units"))
        }
        // The units that owe the period and whose packages have not come: said in the signed manifest, so that
        // the package is known to be incomplete rather than stripped.
        let absent = formSet.units.filter {
            !carried.contains($0.id) && !formSet.campaign.owed(unitKind: $0.kind, period: period).isEmpty
        }.map(\.id)
        let manifest = ParcelManifest(
            kind: .province, unit: .init(id: ParcelKeys.provinceID, name: formSet.campaign.issuer), period: period.iso,
            campaign: formSet.campaign.id, forms: [], files: [], missing: absent.isEmpty ? nil : absent,
            tool: "taizhang \(TaizhangVersion.current)", createdAt: createdAt)
        return (manifest, files)
    }

    /// Who `sender` is: its id (the name of its key files) and its full name; a unit as a person types it.
    func identity(of sender: ParcelSender) throws -> (id: String, name: String) {
        switch sender {
        case .province: return (ParcelKeys.provinceID, formSet.campaign.issuer)
        case .unit(let text):
            let unit = try formSet.resolveUnit(text)
            return (unit.id, unit.name)
        }
    }

    /// The private key `keys new` made for `sender` beside the workspace at `workspace` (`keys/<id>.key`), when
    /// it is there: what `package` signs with unless told otherwise.
    public func defaultKey(for sender: ParcelSender, workspace: String) -> String? {
        guard let id = try? identity(of: sender).id else { return nil }
        let path = (Parcels.defaultKeysDirectory(workspace: workspace) as NSString).appendingPathComponent("\(id).key")
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    /// Verifies a package with the public keys in `keys` (`keys/` beside `workspace` by default), each ledger in
    /// it read to see that it is of the unit, form and period the manifest says.
    public func verifyParcel(path: String, keys: String?, workspace: String) throws -> ParcelVerdict {
        try parcelVerifier(keys: keys ?? Parcels.defaultKeysDirectory(workspace: workspace)).verify(path: path)
    }

    /// The verifier `verify` and `ingest` use: the forms, the keys, and the ledger reader for what is inside.
    func parcelVerifier(keys: String) -> ParcelVerifier {
        let workflow = self
        return ParcelVerifier(formSet: formSet, keysDirectory: keys, ledgerInspector: { bytes, entry, form, manifest in
            workflow.ledgerMismatch(bytes, entry: entry, form: form, manifest: manifest)
        })
    }

    /// Makes a signing key pair for a unit or the province in `directory` (`keys/` beside `workspace` by
    /// default). Returns the sender's name and the two paths.
    public func newKeys(for sender: ParcelSender, directory: String?, workspace: String) throws
        -> (name: String, privateKey: String, publicKey: String) {
        let (id, name) = try identity(of: sender)
        let paths = try ParcelKeys.generate(
            id: id, name: name, directory: directory ?? Parcels.defaultKeysDirectory(workspace: workspace))
        return (name, paths.privateKey, paths.publicKey)
    }
}

/// The JSON shape of `verify --json`.
public struct ParcelVerdictJSON: Encodable, Sendable {
    public var file: String
    public var sound: Bool
    public var unit: String?
    public var period: String?
    public var problems: [ParcelProblem]

    public init(_ verdict: ParcelVerdict) {
        file = verdict.fileName
        sound = verdict.isSound
        unit = verdict.manifest?.unit.id
        period = verdict.manifest?.period
        problems = verdict.problems
    }
}

/// The tool's version, written into templates and manifests.
public enum TaizhangVersion {
    public static let current = "0.1.0"
}
