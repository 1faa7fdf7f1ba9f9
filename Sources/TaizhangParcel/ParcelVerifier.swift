import Crypto
import Foundation
import TaizhangCore
import TaizhangZip

/// One thing wrong with a package: a stable code and a Chinese message.
public struct ParcelProblem: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The stable code (`file.hash`, `entry.climbs-out`, `signature.invalid` …).
    public var code: String
    /// What is wrong, in Chinese.
    public var message: String
    /// The entry concerned, where there is one.
    public var place: String?

    public init(_ code: String, _ message: String, place: String? = nil) {
        self.code = code
        self.message = message
        self.place = place
    }

    public var description: String { "[\(code)] \(message)" }
}

/// What verifying a package found.
public struct ParcelVerdict: Sendable {
    /// The package's display name.
    public var fileName: String
    /// The manifest, when it was present and could be decoded.
    public var manifest: ParcelManifest?
    /// Every problem found; empty for a sound package.
    public var problems: [ParcelProblem]
    /// What is worth knowing but does not make the package unsound (a province package that says which units'
    /// packages it does not carry).
    public var notices: [ParcelProblem] = []
    /// The bytes of every listed file that was present, safe and intact, by entry name. Empty unless the
    /// signature verified: nothing of an unverified package is inflated beyond its manifest.
    public var contents: [String: [UInt8]]

    public init(fileName: String, manifest: ParcelManifest?, problems: [ParcelProblem], contents: [String: [UInt8]]) {
        self.fileName = fileName
        self.manifest = manifest
        self.problems = problems
        self.contents = contents
    }

    /// Whether the package is sound: no problems at all.
    public var isSound: Bool { problems.isEmpty }

    /// The problem codes, in order (for programs and tests).
    public var codes: [String] { problems.map(\.code) }

    /// The verdict in Chinese: one heading line, then each problem on its own numbered line, then the notices.
    public var text: String {
        var who = ""
        if let manifest { who = "（\(manifest.unit.name)，\(YearMonth(manifest.period)?.chinese ?? manifest.period)）" }
        var lines: [String]
        if problems.isEmpty {
            lines = ["报送包“\(fileName)”\(who)：核验通过。内容完整，文件未被改动，签名有效。"]
        } else {
            lines = ["报送包“\(fileName)”\(who)：核验未通过，发现 \(problems.count) 个问题："]
            for (i, problem) in problems.enumerated() {
                lines.append("  \(i + 1). \(problem.message)（\(problem.code)）")
            }
        }
        for notice in notices { lines.append("  注意：\(notice.message)（\(notice.code)）") }
        return lines.joined(separator: "\n")
    }
}

/// What a whole package may cost to verify, nested unit packages included: every byte inflated, every entry
/// looked at and every unit package opened is taken from one budget, so no package, however it is built or
/// nested, costs more than these.
public struct ParcelBudget: Sendable, Hashable {
    /// The most bytes inflated for the whole package, nested packages included.
    public var inflatedBytes: Int
    /// The most zip entries looked at, nested packages included.
    public var entries: Int
    /// The most unit packages inside a province package.
    public var nestedPackages: Int

    public init(inflatedBytes: Int, entries: Int, nestedPackages: Int) {
        self.inflatedBytes = inflatedBytes
        self.entries = entries
        self.nestedPackages = nestedPackages
    }

    /// 128 MiB inflated, 20,000 entries, 200 unit packages. A province's real package is a few MiB: 14 cities'
    /// and a few divisions' packages of a few hundred KiB each, and its report; everything it holds may be in
    /// memory at once, so the byte cap is also what verifying may hold.
    public static let standard = ParcelBudget(inflatedBytes: 128 << 20, entries: 20_000, nestedPackages: 200)
}

/// Checks a submission package, in the order that costs least and trusts nothing before it is vouched for:
///
/// 1. the archive's directory (names that climb out, duplicates, symbolic links; nothing inflated);
/// 2. the manifest (at most 1 MiB, strict JSON) and its signature (`manifest.sig`, at most 4 KiB) with the
///    sender's public key from the keys folder. A manifest whose signature does not verify is not trusted with
///    anything: the package's files are not inflated (only their names are compared);
/// 3. each listed file against its signed size before it is inflated, never inflated past that size, its
///    SHA-256 computed as it streams; what nothing lists is reported; every byte comes from one
///    ``ParcelBudget`` for the whole package;
/// 4. the sender, period and campaign, and what the calendar says the unit owes; each ledger is of the unit,
///    form and period the manifest says (through ``ledgerInspector``, read from the ledger itself);
/// 5. for a province package, its unit packages the same way (one level deep, never more), within the same
///    budget, and the units that owe the period but are missing from it.
///
/// Nothing is ever written anywhere except, for nested unit packages, a private temporary file.
public struct ParcelVerifier: Sendable {
    /// Reads a ledger inside a package and says why it is not what the manifest says (another unit, form or
    /// period), or `nil` when it is (or cannot be read: ingesting it reports that). Arguments: the ledger's bytes,
    /// its entry, the form the manifest gives it, the manifest.
    public typealias LedgerInspector = @Sendable (_ bytes: [UInt8], _ entry: ParcelManifest.FileEntry, _ form: String,
                                                  _ manifest: ParcelManifest) -> ParcelProblem?

    /// The forms, units and calendar.
    public var formSet: FormSet
    /// The folder of public keys (`<unit id>.pub`, `province.pub`); `nil`: no keys, so no signature verifies.
    public var keysDirectory: String?
    /// Decompression caps for one entry and for one archive.
    public var limits: ZipLimits
    /// The caps for the whole package, nested packages included.
    public var budget: ParcelBudget
    /// Checks each ledger against the manifest; `nil`: ledgers are not read.
    public var ledgerInspector: LedgerInspector?

    /// The default caps: 64 MiB per entry, 256 MiB per archive (a 100,000-row ledger is about 7 MiB).
    public static let defaultLimits = ZipLimits(maxEntryBytes: 64 << 20, maxTotalBytes: 256 << 20)
    /// The most bytes a manifest may have.
    public static let maxManifestBytes = 1 << 20
    /// The most bytes a signature file may have (an Ed25519 signature in base64 is 88).
    public static let maxSignatureBytes = 4 << 10

    public init(formSet: FormSet, keysDirectory: String?, limits: ZipLimits = ParcelVerifier.defaultLimits,
                budget: ParcelBudget = .standard, ledgerInspector: LedgerInspector? = nil) {
        self.formSet = formSet
        self.keysDirectory = keysDirectory
        self.limits = limits
        self.budget = budget
        self.ledgerInspector = ledgerInspector
    }

    /// Verifies the package at `path`.
    ///
    /// - Throws: ``ImportError`` when the file cannot be read as a zip archive at all (not a zip, truncated,
    ///   encrypted, too many entries): the package is unreadable, not merely faulty.
    public func verify(path: String, fileName: String? = nil) throws -> ParcelVerdict {
        let spent = Spending(budget)
        return try verify(path: path, fileName: fileName, nestedAllowed: true, spent: spent)
    }

    /// What the package has cost so far (shared by the package and the unit packages inside it).
    final class Spending: @unchecked Sendable {
        var bytes: Int
        var entries: Int
        var nested: Int
        init(_ budget: ParcelBudget) {
            bytes = budget.inflatedBytes
            entries = budget.entries
            nested = budget.nestedPackages
        }
    }

    private func verify(path: String, fileName: String?, nestedAllowed: Bool, spent: Spending) throws -> ParcelVerdict {
        let name = fileName ?? URL(fileURLWithPath: path).lastPathComponent
        var verdict = ParcelVerdict(fileName: name, manifest: nil, problems: [], contents: [:])
        let zip: ZipReader
        do {
            zip = try ZipReader(path: path, fileName: name, limits: limits,
                                notZip: "不是报送包（报送包应为 .zip 压缩文件）", collectUnsafeNames: true)
        } catch let error as ZipError where error.code == .unsafeContent {
            // Names that climb out or differ only in case are collected below; libzip itself refuses to open
            // an archive with two entries of exactly the same name, so nothing else of it can be checked.
            verdict.problems.append(ParcelProblem("entry.duplicate", error.detail + "，未读取其中任何内容"))
            return verdict
        } catch let error as ZipError {
            throw ImportError(code: error.code.rawValue, file: error.file, detail: error.detail, place: error.place)
        }
        func problem(_ code: String, _ message: String, place: String? = nil) {
            verdict.problems.append(ParcelProblem(code, message, place: place))
        }
        spent.entries -= zip.entries.count + zip.unsafeNames.count
        if spent.entries < 0 {
            problem("package.too-large", "报送包（连同其中的单位报送包）的条目超过 \(budget.entries) 个，可能是恶意构造的文件，未再核验")
            return verdict
        }

        // 1. The archive's own entries.
        for unsafe in zip.unsafeNames {
            switch unsafe.problem {
            case .climbsOut:
                problem("entry.climbs-out", "压缩包中的条目“\(unsafe.name)”使用绝对路径或“..”指向包外的位置，可能是恶意构造的文件，未读取",
                        place: unsafe.name)
            case .duplicate:
                problem("entry.duplicate", "压缩包中有重名条目“\(unsafe.name)”，无法确定哪一个是真的，未读取", place: unsafe.name)
            }
        }
        var byName: [String: ZipReader.Entry] = [:]
        for entry in zip.entries {
            if entry.isSymlink {
                problem("entry.symlink", "压缩包中的条目“\(entry.name)”是符号链接，可能指向包外的文件，未读取", place: entry.name)
                continue
            }
            byName[entry.name] = entry
        }

        // 2. The manifest, and its signature before anything it says is acted on.
        guard let manifestEntry = byName[ParcelManifest.manifestName] else {
            problem("manifest.missing", "报送包中没有清单文件 manifest.json，无法核对内容")
            for entry in zip.entries where !entry.isSymlink && entry.name != ParcelManifest.signatureName {
                problem("entry.unlisted", "文件“\(entry.name)”不在清单中（无清单可核对）", place: entry.name)
            }
            return verdict
        }
        let manifestBytes: [UInt8]
        do {
            manifestBytes = try read(manifestEntry, from: zip, cap: Self.maxManifestBytes, spent: spent)
        } catch let refusal as CapReached {
            problem("manifest.too-large", "清单文件 manifest.json 超过 \(refusal.cap >> 10) KB，不是正常的清单，未读取",
                    place: ParcelManifest.manifestName)
            return verdict
        } catch let error as ZipError {
            problem(error.code == .tooLarge ? "entry.too-large" : "manifest.unreadable",
                    "清单文件 manifest.json 无法读取：\(error.detail)", place: ParcelManifest.manifestName)
            return verdict
        }
        let manifest: ParcelManifest
        do {
            try StrictManifestJSON.check(manifestBytes)
            manifest = try ParcelManifest.decode(manifestBytes)
        } catch let refusal as StrictManifestJSON.Refusal {
            problem(refusal.code, "清单文件 manifest.json 有歧义：\(refusal.message)", place: ParcelManifest.manifestName)
            return verdict
        } catch {
            problem("manifest.malformed", "清单文件 manifest.json 不是有效的报送包清单（\(Self.describe(error))）",
                    place: ParcelManifest.manifestName)
            return verdict
        }
        verdict.manifest = manifest
        var signature = signatureProblems(zip: zip, byName: byName, manifestBytes: manifestBytes, sender: manifest.unit,
                                          spent: spent)
        let trusted = signature.isEmpty
        if !trusted, !manifest.files.isEmpty {
            signature = signature.map {
                ParcelProblem($0.code, $0.message + "；清单未经核验，包中文件一律未解压", place: $0.place)
            }
        }
        if manifest.format != ParcelManifest.formatName || manifest.formatVersion != 1 {
            problem("manifest.format", "清单的格式“\(manifest.format)”第 \(manifest.formatVersion) 版不是本工具能核验的格式（\(ParcelManifest.formatName) 第 1 版）")
        }

        // 3. The listed files: names always; contents only under a verified signature, within the budget.
        var listed = Set<String>()
        var outOfBudget = false
        for file in manifest.files {
            guard listed.insert(file.name).inserted else {
                problem("manifest.duplicate", "清单中重复列出了文件“\(file.name)”", place: file.name)
                continue
            }
            if ZipReader.climbsOut(file.name) || file.name == ParcelManifest.manifestName
                || file.name == ParcelManifest.signatureName {
                problem("manifest.unsafe-name", "清单中的文件名“\(file.name)”不可用（保留名或指向包外）", place: file.name)
                continue
            }
            guard let entry = byName[file.name] else {
                if !zip.unsafeNames.contains(where: { $0.name == file.name })
                    && !zip.entries.contains(where: { $0.name == file.name && $0.isSymlink }) {
                    problem("file.missing", "清单列出的文件“\(file.name)”不在报送包中", place: file.name)
                }
                continue
            }
            guard trusted, !outOfBudget else { continue }
            // The signed manifest says how big the file is: an entry that claims otherwise is not inflated, and
            // none is inflated past that size (a zip bomb inside a package costs no more than the manifest allows).
            if entry.declaredSize != UInt64(file.size) {
                problem("file.size", "文件“\(file.name)”在压缩包中记载的大小为 \(entry.declaredSize) 字节，与清单记载的 \(file.size) 字节不符，未解压",
                        place: file.name)
                continue
            }
            if file.size > spent.bytes {
                outOfBudget = true
                problem("package.too-large", "报送包（连同其中的单位报送包）解压后超过 \(budget.inflatedBytes >> 20) MB，可能是恶意构造的文件；"
                    + "从“\(file.name)”起未再解压", place: file.name)
                continue
            }
            let bytes: [UInt8]
            let digest: String
            do {
                (bytes, digest) = try readHashing(entry, from: zip, size: file.size, spent: spent)
            } catch let error as ZipError {
                if error.code == .tooLarge {
                    problem("entry.too-large", "文件“\(file.name)”解压后过大（超过 \(limits.maxEntryBytes >> 20) MB 或报送包总量超限），可能是恶意构造的压缩文件，已停止读取",
                            place: file.name)
                } else {
                    problem("file.unreadable", "文件“\(file.name)”无法解压：\(error.detail)", place: file.name)
                }
                continue
            }
            if bytes.count != file.size {
                problem("file.size", "文件“\(file.name)”的大小为 \(bytes.count) 字节，与清单记载的 \(file.size) 字节不符", place: file.name)
            } else if digest != file.sha256.lowercased() {
                problem("file.hash", "文件“\(file.name)”的 SHA-256 校验值与清单不符：内容已被改动", place: file.name)
            } else {
                verdict.contents[file.name] = bytes
            }
        }
        for entry in zip.entries where !entry.isSymlink {
            if entry.name == ParcelManifest.manifestName || entry.name == ParcelManifest.signatureName { continue }
            if !listed.contains(entry.name) {
                problem("entry.unlisted", "文件“\(entry.name)”不在清单中，来源不明", place: entry.name)
            }
        }

        // 4. Sender, period, campaign, completeness, and the ledgers against the manifest.
        let period = YearMonth(manifest.period)
        if period == nil { problem("manifest.period", "清单中的报送期“\(manifest.period)”无效（应为 YYYY-MM）") }
        if manifest.campaign != formSet.campaign.id {
            problem("manifest.campaign", "清单中的专项工作“\(manifest.campaign)”不是本次专项整治（\(formSet.campaign.id)）")
        }
        let forms = Dictionary(manifest.forms.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        for form in manifest.forms where !manifest.files.contains(where: { $0.name == form.file && $0.role == "ledger" }) {
            problem("manifest.form-file", "清单中《\(formSet.form(form.id)?.title ?? form.id)》对应的文件“\(form.file)”没有作为台账列出",
                    place: form.file)
        }
        switch manifest.kind {
        case .unit:
            guard let unit = formSet.unit(id: manifest.unit.id) else {
                problem("unit.unknown", "报送单位“\(manifest.unit.name)”（\(manifest.unit.id)）不在填报单位名单中")
                break
            }
            if unit.name != manifest.unit.name {
                problem("unit.name-mismatch", "清单中的单位名称“\(manifest.unit.name)”与名单中 \(unit.id) 的名称“\(unit.name)”不符")
            }
            guard trusted, !outOfBudget else { break }
            if let period {
                for owed in formSet.campaign.owed(unitKind: unit.kind, period: period) {
                    let present = forms[owed.form].map { verdict.contents[$0.file] != nil } ?? false
                    if !present {
                        let title = formSet.form(owed.form)?.title ?? owed.form
                        problem("forms.missing", "缺少\(period.chinese)应报送的《\(title)》（截止日期\(owed.due.chinese)）")
                    }
                }
            }
            if let ledgerInspector {
                for form in manifest.forms {
                    guard let entry = manifest.files.first(where: { $0.name == form.file }),
                          let bytes = verdict.contents[form.file],
                          let found = ledgerInspector(bytes, entry, form.id, manifest) else { continue }
                    verdict.problems.append(found)
                }
            }
        case .province:
            if manifest.unit.id != ParcelKeys.provinceID || manifest.unit.name != formSet.campaign.issuer {
                problem("unit.name-mismatch", "省级报送包的报送单位应为“\(formSet.campaign.issuer)”（\(ParcelKeys.provinceID)），清单中为“\(manifest.unit.name)”（\(manifest.unit.id)）")
            }
            guard trusted, !outOfBudget else { break }
            if !manifest.files.contains(where: { $0.role == "report" && verdict.contents[$0.name] != nil }) {
                problem("forms.missing", "省级报送包中缺少全省汇总报表")
            }
            // The province's own units file (with its divisions), when it sent one: the units of its packages.
            var inner = self
            if let units = manifest.files.first(where: { $0.role == "units" }), let bytes = verdict.contents[units.name] {
                do {
                    inner.formSet = try formSet.replacingUnits(with: Data(bytes))
                } catch {
                    problem("units.invalid", "省级报送包中的单位名单“\(units.name)”有误：\(error.description)", place: units.name)
                }
            }
            guard nestedAllowed else { break }
            for file in manifest.files where file.role == "unit-package" {
                guard let bytes = verdict.contents[file.name] else { continue }
                spent.nested -= 1
                if spent.nested < 0 {
                    problem("package.too-large", "省级报送包中的单位报送包超过 \(budget.nestedPackages) 个，可能是恶意构造的文件；"
                        + "从“\(file.name)”起未再核验", place: file.name)
                    break
                }
                verdict.problems += inner.nested(bytes, entry: file, period: manifest.period, spent: spent)
            }
            // Completeness across units: every unit that owes the period is in the package, or the province
            // said in its signed manifest that its package is not there.
            if let period {
                let carried = Set(manifest.files.filter { $0.role == "unit-package" }.compactMap(\.unit))
                let declared = Set(manifest.missing ?? [])
                for unit in inner.formSet.units where !carried.contains(unit.id)
                    && !inner.formSet.campaign.owed(unitKind: unit.kind, period: period).isEmpty {
                    let message = "省级报送包中没有“\(unit.name)”\(period.chinese)的报送包"
                    if declared.contains(unit.id) {
                        verdict.notices.append(ParcelProblem("units.missing", message + "（清单中已注明未收到）"))
                    } else {
                        problem("units.missing", message + "，清单中也未注明")
                    }
                }
            }
        }

        // 5. The signature, checked first, reported last.
        verdict.problems += signature
        return verdict
    }

    /// Thrown when a small entry (the manifest, the signature) is bigger than it may be.
    struct CapReached: Error { var cap: Int }

    /// A small entry whole, refused past `cap` bytes (checked on the declared size first, then while reading).
    private func read(_ entry: ZipReader.Entry, from zip: ZipReader, cap: Int, spent: Spending) throws -> [UInt8] {
        if entry.declaredSize > UInt64(cap) { throw CapReached(cap: cap) }
        let bytes = try zip.readAll(entry, limit: cap)
        if bytes.count > cap { throw CapReached(cap: cap) }
        spent.bytes -= bytes.count
        return bytes
    }

    /// An entry of signed size `size`, inflated at most to `size + 1` bytes, hashed as it streams.
    private func readHashing(_ entry: ZipReader.Entry, from zip: ZipReader, size: Int, spent: Spending) throws
        -> (bytes: [UInt8], sha256: String) {
        let stream = try zip.open(entry)
        defer { stream.close() }
        var hasher = SHA256()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(size)
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while bytes.count <= size {
            let n = try chunk.withUnsafeMutableBytes { try stream.read(into: $0) }
            if n == 0 { break }
            chunk.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            bytes.append(contentsOf: chunk[0..<n])
            spent.bytes -= n
        }
        return (bytes, ParcelDigest.hex(hasher.finalize()))
    }

    private func signatureProblems(zip: ZipReader, byName: [String: ZipReader.Entry], manifestBytes: [UInt8],
                                   sender: ParcelManifest.Sender, spent: Spending) -> [ParcelProblem] {
        guard let entry = byName[ParcelManifest.signatureName] else {
            return [ParcelProblem("signature.missing", "报送包没有签名文件 manifest.sig，无法确认是否由“\(sender.name)”发出")]
        }
        let signature: [UInt8]
        do {
            signature = try read(entry, from: zip, cap: Self.maxSignatureBytes, spent: spent)
        } catch {
            return [ParcelProblem("signature.invalid", "签名文件 manifest.sig 无法读取", place: ParcelManifest.signatureName)]
        }
        guard let keysDirectory else {
            return [ParcelProblem("signature.no-key", "未指定公钥目录，无法核验“\(sender.name)”的签名")]
        }
        guard sender.id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }), !sender.id.isEmpty else {
            return [ParcelProblem("signature.no-key", "报送单位标识“\(sender.id)”不是有效的单位标识，无法查找公钥")]
        }
        let keyPath = (keysDirectory as NSString).appendingPathComponent("\(sender.id).pub")
        guard FileManager.default.fileExists(atPath: keyPath) else {
            return [ParcelProblem("signature.no-key", "公钥目录“\(keysDirectory)”中没有“\(sender.name)”的公钥（\(sender.id).pub），无法核验签名")]
        }
        let key: Curve25519.Signing.PublicKey
        do {
            key = try ParcelKeys.publicKey(at: keyPath)
        } catch {
            return [ParcelProblem("signature.bad-key", "\(error)")]
        }
        if !ParcelKeys.isValid(signatureText: signature, of: manifestBytes, key: key) {
            return [ParcelProblem("signature.invalid", "签名无效：清单不是由“\(sender.name)”的密钥签署的，或签署后被改动",
                                   place: ParcelManifest.signatureName)]
        }
        return []
    }

    /// A unit package inside a province package, verified through a private temporary file.
    private func nested(_ bytes: [UInt8], entry: ParcelManifest.FileEntry, period: String, spent: Spending) -> [ParcelProblem] {
        let prefix = "单位报送包“\(entry.name)”："
        do {
            let directory = try ScratchDirectory(purpose: "verify")
            defer { directory.remove() }
            let file = directory.file("package.zip")
            try Data(bytes).write(to: URL(fileURLWithPath: file))
            let inner = try verify(path: file, fileName: entry.name, nestedAllowed: false, spent: spent)
            var problems = inner.problems.map {
                ParcelProblem($0.code, prefix + $0.message, place: entry.name + ($0.place.map { "/" + $0 } ?? ""))
            }
            if let manifest = inner.manifest {
                if manifest.kind != .unit || (entry.unit != nil && manifest.unit.id != entry.unit) || manifest.period != period {
                    problems.append(ParcelProblem("nested.mismatch", prefix + "其报送单位或报送期与省级清单的记载不符", place: entry.name))
                }
            }
            return problems
        } catch let error as ImportError {
            return [ParcelProblem("nested.unreadable", prefix + error.detail, place: entry.name)]
        } catch {
            return [ParcelProblem("nested.unreadable", prefix + "无法核验（\((error as? ZipError)?.detail ?? "无法写入临时文件")）", place: entry.name)]
        }
    }

    private static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): return "缺少字段“\(key.stringValue)”"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "字段“\(context.codingPath.map(\.stringValue).joined(separator: "."))”的类型不对"
        case DecodingError.dataCorrupted: return "不是有效的 JSON"
        default: return "\(error)"
        }
    }
}
