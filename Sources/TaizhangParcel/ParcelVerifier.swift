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
    /// The bytes of every listed file that was present, safe and intact, by entry name.
    public var contents: [String: [UInt8]]

    /// Whether the package is sound: no problems at all.
    public var isSound: Bool { problems.isEmpty }

    /// The problem codes, in order (for programs and tests).
    public var codes: [String] { problems.map(\.code) }

    /// The verdict in Chinese: one heading line, then each problem on its own numbered line.
    public var text: String {
        var who = ""
        if let manifest { who = "（\(manifest.unit.name)，\(YearMonth(manifest.period)?.chinese ?? manifest.period)）" }
        if problems.isEmpty {
            return "报送包“\(fileName)”\(who)：核验通过。内容完整，文件未被改动，签名有效。"
        }
        var lines = ["报送包“\(fileName)”\(who)：核验未通过，发现 \(problems.count) 个问题："]
        for (i, problem) in problems.enumerated() {
            lines.append("  \(i + 1). \(problem.message)（\(problem.code)）")
        }
        return lines.joined(separator: "\n")
    }
}

/// Checks a submission package: the zip is safe and sound, the manifest is there and parses, every listed file
/// is present with the right size and SHA-256, nothing unlisted rides along, the unit exists under that name,
/// what the calendar says the unit owes for the period is all there, and `manifest.sig` verifies with the
/// sender's public key from the keys folder. A province package's unit packages are checked the same way.
///
/// Hostile entries (names that climb out, absolute names, duplicates, symbolic links, entries larger than the
/// caps) are reported and never read; nothing is ever written anywhere except, for nested unit packages, a
/// private temporary file.
public struct ParcelVerifier: Sendable {
    /// The forms, units and calendar.
    public var formSet: FormSet
    /// The folder of public keys (`<unit id>.pub`, `province.pub`); `nil`: no keys, so no signature verifies.
    public var keysDirectory: String?
    /// Decompression caps for the package's entries.
    public var limits: ZipLimits

    /// The default caps: 128 MiB per entry, 512 MiB in all.
    public static let defaultLimits = ZipLimits(maxEntryBytes: 128 << 20, maxTotalBytes: 512 << 20)

    public init(formSet: FormSet, keysDirectory: String?, limits: ZipLimits = ParcelVerifier.defaultLimits) {
        self.formSet = formSet
        self.keysDirectory = keysDirectory
        self.limits = limits
    }

    /// Verifies the package at `path`.
    ///
    /// - Throws: ``ImportError`` when the file cannot be read as a zip archive at all (not a zip, truncated,
    ///   encrypted, too many entries): the package is unreadable, not merely faulty.
    public func verify(path: String, fileName: String? = nil) throws -> ParcelVerdict {
        try verify(path: path, fileName: fileName, nestedAllowed: true)
    }

    private func verify(path: String, fileName: String?, nestedAllowed: Bool) throws -> ParcelVerdict {
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

        // 2. The manifest.
        guard let manifestEntry = byName[ParcelManifest.manifestName] else {
            problem("manifest.missing", "报送包中没有清单文件 manifest.json，无法核对内容")
            for entry in zip.entries where !entry.isSymlink && entry.name != ParcelManifest.signatureName {
                problem("entry.unlisted", "文件“\(entry.name)”不在清单中（无清单可核对）", place: entry.name)
            }
            return verdict
        }
        let manifestBytes: [UInt8]
        do {
            manifestBytes = try zip.readAll(manifestEntry)
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
        if manifest.format != ParcelManifest.formatName || manifest.formatVersion != 1 {
            problem("manifest.format", "清单的格式“\(manifest.format)”第 \(manifest.formatVersion) 版不是本工具能核验的格式（\(ParcelManifest.formatName) 第 1 版）")
        }

        // 3. The listed files.
        var listed = Set<String>()
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
            // The signed manifest says how big the file is: an entry that claims otherwise is not inflated, and
            // none is inflated past that size (a zip bomb inside a package costs no more than the manifest allows).
            if entry.declaredSize != UInt64(max(0, file.size)) {
                problem("file.size", "文件“\(file.name)”在压缩包中记载的大小为 \(entry.declaredSize) 字节，与清单记载的 \(file.size) 字节不符，未解压",
                        place: file.name)
                continue
            }
            let bytes: [UInt8]
            do {
                bytes = try zip.readAll(entry, limit: max(0, file.size))
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
            } else if ParcelDigest.sha256(Data(bytes)) != file.sha256.lowercased() {
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

        // 4. Sender, period, campaign, completeness.
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
            if let period {
                for owed in formSet.campaign.owed(unitKind: unit.kind, period: period) {
                    let present = forms[owed.form].map { verdict.contents[$0.file] != nil } ?? false
                    if !present {
                        let title = formSet.form(owed.form)?.title ?? owed.form
                        problem("forms.missing", "缺少\(period.chinese)应报送的《\(title)》（截止日期\(owed.due.chinese)）")
                    }
                }
            }
        case .province:
            if manifest.unit.id != ParcelKeys.provinceID || manifest.unit.name != formSet.campaign.issuer {
                problem("unit.name-mismatch", "省级报送包的报送单位应为“\(formSet.campaign.issuer)”（\(ParcelKeys.provinceID)），清单中为“\(manifest.unit.name)”（\(manifest.unit.id)）")
            }
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
            for file in manifest.files where file.role == "unit-package" && nestedAllowed {
                guard let bytes = verdict.contents[file.name] else { continue }
                verdict.problems += inner.nested(bytes, entry: file, period: manifest.period)
            }
        }

        // 5. The signature.
        verdict.problems += signatureProblems(zip: zip, byName: byName, manifestBytes: manifestBytes, sender: manifest.unit)
        return verdict
    }

    private func signatureProblems(zip: ZipReader, byName: [String: ZipReader.Entry], manifestBytes: [UInt8],
                                   sender: ParcelManifest.Sender) -> [ParcelProblem] {
        guard let entry = byName[ParcelManifest.signatureName] else {
            return [ParcelProblem("signature.missing", "报送包没有签名文件 manifest.sig，无法确认是否由“\(sender.name)”发出")]
        }
        let signature: [UInt8]
        do {
            signature = try zip.readAll(entry)
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
    private func nested(_ bytes: [UInt8], entry: ParcelManifest.FileEntry, period: String) -> [ParcelProblem] {
        let prefix = "单位报送包“\(entry.name)”："
        do {
            let directory = try ScratchDirectory(purpose: "verify")
            defer { directory.remove() }
            let file = directory.file("package.zip")
            try Data(bytes).write(to: URL(fileURLWithPath: file))
            let inner = try verify(path: file, fileName: entry.name, nestedAllowed: false)
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
