import Crypto
import Foundation
import TaizhangTestSupport
import Testing
import TaizhangCore
import TaizhangCSV
import TaizhangForms
import TaizhangParcel
import TaizhangSamples
import TaizhangStore
import TaizhangZip

/// Packages built in the test with the library (fast: no ledgers are parsed), then damaged in each way a
/// package can be damaged, and the verdict's problem list checked.
@Suite struct PackageVerdictTests {
    static let set = try! BuiltinForms.load()
    static let june = YearMonth(year: 2024, month: 6)!

    /// A scratch folder with a keys folder holding shenyang's and dalian's key pairs.
    struct Fixture {
        let dir: URL
        var keys: String { dir.appendingPathComponent("keys").path }
        func key(_ id: String) throws -> Curve25519.Signing.PrivateKey {
            try ParcelKeys.privateKey(at: (keys as NSString).appendingPathComponent("\(id).key"))
        }
        func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

        init() throws {
            dir = FileManager.default.temporaryDirectory.appendingPathComponent("taizhang-pkg-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            for unit in ["shenyang", "dalian"] {
                _ = try ParcelKeys.generate(id: unit, name: PackageVerdictTests.set.unit(id: unit)!.name,
                                             directory: dir.appendingPathComponent("keys").path)
            }
        }
    }

    /// The files of a complete June package of shenyang (ledger bytes are stand-ins: verification does not
    /// read ledgers).
    static func files() -> [ParcelFile] {
        var files: [ParcelFile] = []
        for form in ["self-check", "rectification", "progress"] {
            files.append(ParcelFile(name: "台账/2024-06_沈阳_\(form).csv", bytes: Array("\(form) 原件\n".utf8),
                                     role: "ledger", form: form))
            files.append(ParcelFile(name: "CSV副本/2024-06_沈阳_\(form).csv", bytes: Array("\(form) 副本\n".utf8),
                                     role: "csv", form: form))
        }
        files.append(ParcelFile(name: "报送函.txt", bytes: Array("报送函\n".utf8), role: "cover-letter"))
        return files
    }

    static func manifest(unitName: String = "沈阳市工业和信息化局", forms: [String] = ["self-check", "rectification", "progress"])
        -> ParcelManifest {
        ParcelManifest(
            kind: .unit, unit: .init(id: "shenyang", name: unitName), period: "2024-06", campaign: set.campaign.id,
            forms: forms.map { .init(id: $0, version: set.form($0)!.version, file: "台账/2024-06_沈阳_\($0).csv") },
            files: [], tool: "taizhang test", createdAt: "2024-06-20T10:00:00+08:00")
    }

    static func verify(_ path: String, keys: String?, limits: ZipLimits = ParcelVerifier.defaultLimits) throws -> ParcelVerdict {
        try ParcelVerifier(formSet: set, keysDirectory: keys, limits: limits).verify(path: path)
    }

    /// The entries of a zip (name and bytes), read with the safe reader.
    static func entries(_ path: String) throws -> [(String, [UInt8])] {
        let zip = try ZipReader(path: path, fileName: "t.zip", limits: ZipLimits(maxEntryBytes: 512 << 20, maxTotalBytes: 1 << 30))
        return try zip.entries.map { ($0.name, try zip.readAll($0)) }
    }

    /// Writes a zip with Python's zipfile, which writes whatever it is told: `../` and absolute names,
    /// duplicates, symbolic links (external attributes with S_IFLNK).
    static func pythonZip(_ entries: [(name: String, bytes: [UInt8], symlink: Bool)], to path: String) throws {
        let spec = entries.map { ["name": $0.name, "data": Data($0.bytes).base64EncodedString(), "link": $0.symlink ? "1" : ""] }
        let json = String(decoding: try JSONSerialization.data(withJSONObject: spec), as: UTF8.self)
        let script = """
            import base64, json, sys, warnings, zipfile
            warnings.simplefilter("ignore")
            with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
                for e in json.loads(sys.stdin.read()):
                    info = zipfile.ZipInfo(e["name"])
                    info.compress_type = zipfile.ZIP_DEFLATED
                    info.create_system = 3
                    info.external_attr = ((0o120777 if e["link"] else 0o100644) << 16)
                    z.writestr(info, base64.b64decode(e["data"]))
            """
        let result = try ExternalProgram.python(script, [path], input: Data(json.utf8))
        #expect(result.status == 0, "\(result.stderr)")
    }

    /// A good package rewritten by Python with `change` applied to its entry list.
    static func rewritten(_ fixture: Fixture, _ change: (inout [(name: String, bytes: [UInt8], symlink: Bool)]) -> Void)
        throws -> String {
        let good = fixture.path("good-\(UUID().uuidString).zip")
        try ParcelWriter.write(manifest: manifest(), files: files(), key: try fixture.key("shenyang"), to: good)
        var list = try entries(good).map { (name: $0.0, bytes: $0.1, symlink: false) }
        change(&list)
        let bad = fixture.path("bad-\(UUID().uuidString).zip")
        try pythonZip(list, to: bad)
        return bad
    }

    @Test func soundPackageVerifies() throws {
        let f = try Fixture()
        defer { try? FileManager.default.removeItem(at: f.dir) }
        let written = try ParcelWriter.write(manifest: Self.manifest(), files: Self.files(), key: try f.key("shenyang"),
                                              to: f.path("p.zip"))
        let verdict = try Self.verify(f.path("p.zip"), keys: f.keys)
        #expect(verdict.codes == [])
        #expect(verdict.isSound)
        #expect(verdict.text.contains("核验通过"))
        // Deterministic entry order: manifest, signature, then the files by name.
        let names = try Self.entries(f.path("p.zip")).map(\.0)
        #expect(names == ["manifest.json", "manifest.sig"] + written.files.map(\.name))
        #expect(written.files.map(\.name) == written.files.map(\.name).sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
        #expect(written.files.first { $0.name == "报送函.txt" }?.sha256 == Workspace.sha256(Data("报送函\n".utf8)))
        #expect(verdict.contents.count == Self.files().count)
    }

    @Test func tamperedByteAndSizeAreCaught() throws {
        let f = try Fixture()
        defer { try? FileManager.default.removeItem(at: f.dir) }
        let tampered = try Self.rewritten(f) { list in
            let i = list.firstIndex { $0.name == "台账/2024-06_沈阳_progress.csv" }!
            list[i].bytes[0] ^= 0x01
        }
        let verdict = try Self.verify(tampered, keys: f.keys)
        // The ledger fails its hash, and so the owed progress ledger counts as missing.
        #expect(verdict.codes == ["file.hash", "forms.missing"])
        #expect(verdict.problems[0].message.contains("SHA-256 校验值与清单不符"))
        #expect(verdict.problems[0].place == "台账/2024-06_沈阳_progress.csv")
        #expect(verdict.problems[1].message.contains("《工作进展台账》") || verdict.problems[1].message.contains("进展"))

        let longer = try Self.rewritten(f) { list in
            let i = list.firstIndex { $0.name == "报送函.txt" }!
            list[i].bytes.append(0x20)
        }
        let v2 = try Self.verify(longer, keys: f.keys)
        #expect(v2.codes == ["file.size"])
        #expect(v2.problems[0].message.contains("与清单记载的"))
        #expect(v2.text.contains("核验未通过，发现 1 个问题"))
    }

    @Test func droppedFilesAreCaught() throws {
        let f = try Fixture()
        defer { try? FileManager.default.removeItem(at: f.dir) }
        let noCopy = try Self.rewritten(f) { $0.removeAll { $0.name == "CSV副本/2024-06_沈阳_self-check.csv" } }
        let v1 = try Self.verify(noCopy, keys: f.keys)
        #expect(v1.codes == ["file.missing"])
        #expect(v1.problems[0].message.contains("不在报送包中"))

        let noLedger = try Self.rewritten(f) { $0.removeAll { $0.name == "台账/2024-06_沈阳_rectification.csv" } }
        let v2 = try Self.verify(noLedger, keys: f.keys)
        #expect(v2.codes == ["file.missing", "forms.missing"])
        #expect(v2.problems[1].message.contains("整改"))

        let noManifest = try Self.rewritten(f) { $0.removeAll { $0.name == "manifest.json" } }
        let v3 = try Self.verify(noManifest, keys: f.keys)
        #expect(v3.codes.first == "manifest.missing")
        #expect(v3.problems[0].message.contains("没有清单文件"))

        let noSignature = try Self.rewritten(f) { $0.removeAll { $0.name == "manifest.sig" } }
        #expect(try Self.verify(noSignature, keys: f.keys).codes == ["signature.missing"])
    }

    @Test func incompletePackageListsWhatIsOwed() throws {
        let f = try Fixture()
        defer { try? FileManager.default.removeItem(at: f.dir) }
        var manifest = Self.manifest(forms: ["self-check", "progress"])
        manifest.missing = ["rectification"]
        let files = Self.files().filter { !$0.name.contains("rectification") }
        try ParcelWriter.write(manifest: manifest, files: files, key: try f.key("shenyang"), to: f.path("p.zip"))
        let verdict = try Self.verify(f.path("p.zip"), keys: f.keys)
        #expect(verdict.codes == ["forms.missing"])
        #expect(verdict.problems[0].message.contains("缺少2024年6月应报送的《"))
        #expect(verdict.problems[0].message.contains("截止日期2024年6月24日"))
    }

    @Test func unitNameAndKeysAreChecked() throws {
        let f = try Fixture()
        defer { try? FileManager.default.removeItem(at: f.dir) }
        // A swapped name, signed with the unit's own key: the name is wrong, the signature is fine.
        try ParcelWriter.write(manifest: Self.manifest(unitName: "大连市工业和信息化局"), files: Self.files(),
                                key: try f.key("shenyang"), to: f.path("name.zip"))
        let v1 = try Self.verify(f.path("name.zip"), keys: f.keys)
        #expect(v1.codes == ["unit.name-mismatch"])
        #expect(v1.problems[0].message.contains("沈阳市工业和信息化局"))

        // Signed with another unit's key.
        try ParcelWriter.write(manifest: Self.manifest(), files: Self.files(), key: try f.key("dalian"), to: f.path("other.zip"))
        let v2 = try Self.verify(f.path("other.zip"), keys: f.keys)
        #expect(v2.codes == ["signature.invalid"])
        #expect(v2.problems[0].message.contains("签名无效"))

        // The manifest edited after signing (the name swapped in place, signature kept).
        let edited = try Self.rewritten(f) { list in
            let i = list.firstIndex { $0.name == "manifest.json" }!
            let text = String(decoding: list[i].bytes, as: UTF8.self).replacingOccurrences(of: "2024-06-20", with: "2024-06-21")
            list[i].bytes = Array(text.utf8)
        }
        #expect(try Self.verify(edited, keys: f.keys).codes == ["signature.invalid"])

        // No key for the unit, or no keys folder at all.
        try FileManager.default.removeItem(atPath: (f.keys as NSString).appendingPathComponent("shenyang.pub"))
        let v3 = try Self.verify(f.path("other.zip"), keys: f.keys)
        #expect(v3.codes == ["signature.no-key"])
        #expect(v3.problems[0].message.contains("shenyang.pub"))
        #expect(try Self.verify(f.path("other.zip"), keys: nil).codes == ["signature.no-key"])

        // A unit that is not on the list.
        var stranger = Self.manifest()
        stranger.unit = .init(id: "atlantis", name: "亚特兰蒂斯工信局")
        try ParcelWriter.write(manifest: stranger, files: Self.files(), key: try f.key("dalian"), to: f.path("s.zip"))
        #expect(try Self.verify(f.path("s.zip"), keys: f.keys).codes == ["unit.unknown", "signature.no-key"])
    }

    @Test func hostileEntriesAreReportedAndNeverWritten() throws {
        let f = try Fixture()
        defer { try? FileManager.default.removeItem(at: f.dir) }
        let unlisted = try Self.rewritten(f) { $0.append((name: "附件/说明.txt", bytes: Array("?".utf8), symlink: false)) }
        let v1 = try Self.verify(unlisted, keys: f.keys)
        #expect(v1.codes == ["entry.unlisted"])
        #expect(v1.problems[0].message.contains("不在清单中"))

        let escapeName = "../../taizhang-escape-\(UUID().uuidString).txt"
        let climbing = try Self.rewritten(f) { $0.append((name: escapeName, bytes: Array("x".utf8), symlink: false)) }
        let v2 = try Self.verify(climbing, keys: f.keys)
        #expect(v2.codes == ["entry.climbs-out"])
        #expect(v2.problems[0].message.contains("指向包外"))
        #expect(!FileManager.default.fileExists(atPath: f.dir.appendingPathComponent(escapeName).standardized.path))

        let absolute = try Self.rewritten(f) { $0.append((name: "/etc/taizhang-evil", bytes: Array("x".utf8), symlink: false)) }
        #expect(try Self.verify(absolute, keys: f.keys).codes == ["entry.climbs-out"])

        // A listed file replaced by a symbolic link to a file outside.
        let link = try Self.rewritten(f) { list in
            let i = list.firstIndex { $0.name == "报送函.txt" }!
            list[i] = (name: "报送函.txt", bytes: Array("/etc/passwd".utf8), symlink: true)
        }
        let v3 = try Self.verify(link, keys: f.keys)
        #expect(v3.codes == ["entry.symlink"])
        #expect(v3.problems[0].message.contains("符号链接"))

        // A second entry under a listed name: libzip will not open such an archive at all, so that is the one
        // problem; a name differing only in case is reported beside the sound first entry.
        let duplicate = try Self.rewritten(f) { $0.append((name: "报送函.txt", bytes: Array("伪造的报送函".utf8), symlink: false)) }
        let v4 = try Self.verify(duplicate, keys: f.keys)
        #expect(v4.codes == ["entry.duplicate"])
        #expect(v4.problems[0].message.contains("重名"))
        let caseVariant = try Self.rewritten(f) { list in
            list.insert((name: "CSV副本/2024-06_沈阳_PROGRESS.csv", bytes: Array("伪造".utf8), symlink: false), at: list.count - 1)
        }
        let v5 = try Self.verify(caseVariant, keys: f.keys)
        #expect(v5.codes == ["entry.duplicate"])
        #expect(v5.problems[0].place == "CSV副本/2024-06_沈阳_PROGRESS.csv")

        // Everything at once: each problem is listed.
        let all = try Self.rewritten(f) { list in
            list.append((name: "../x", bytes: [1], symlink: false))
            list.append((name: "y", bytes: [2], symlink: true))
            list.append((name: "z.txt", bytes: [3], symlink: false))
        }
        #expect(try Self.verify(all, keys: f.keys).codes == ["entry.climbs-out", "entry.symlink", "entry.unlisted"])
    }

    @Test func oversizedEntryIsStoppedByTheCap() throws {
        let f = try Fixture()
        defer { try? FileManager.default.removeItem(at: f.dir) }
        var files = Self.files()
        files.append(ParcelFile(name: "附件.bin", bytes: [UInt8](repeating: 0, count: 64 << 10), role: "attachment"))
        try ParcelWriter.write(manifest: Self.manifest(), files: files, key: try f.key("shenyang"), to: f.path("big.zip"))
        let small = ZipLimits(maxEntryBytes: 16 << 10, maxTotalBytes: 1 << 20)
        let verdict = try Self.verify(f.path("big.zip"), keys: f.keys, limits: small)
        #expect(verdict.codes == ["entry.too-large"])
        #expect(verdict.problems[0].place == "附件.bin")
        #expect(try Self.verify(f.path("big.zip"), keys: f.keys).codes == [])
    }

    @Test func unreadableFilesThrow() throws {
        let f = try Fixture()
        defer { try? FileManager.default.removeItem(at: f.dir) }
        try Data("这不是压缩文件".utf8).write(to: URL(fileURLWithPath: f.path("x.zip")))
        #expect(throws: ImportError.self) { try Self.verify(f.path("x.zip"), keys: f.keys) }
        do {
            _ = try Self.verify(f.path("x.zip"), keys: f.keys)
        } catch let error as ImportError {
            #expect(error.detail.contains("不是报送包"))
        }
        let notJSON = try Self.rewritten(f) { list in
            let i = list.firstIndex { $0.name == "manifest.json" }!
            list[i].bytes = Array("{".utf8)
        }
        #expect(try Self.verify(notJSON, keys: f.keys).codes == ["manifest.malformed"])
    }

    @Test func keyFiles() throws {
        let f = try Fixture()
        defer { try? FileManager.default.removeItem(at: f.dir) }
        let privatePath = (f.keys as NSString).appendingPathComponent("shenyang.key")
        let attributes = try FileManager.default.attributesOfItem(atPath: privatePath)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let text = try String(contentsOfFile: privatePath, encoding: .utf8)
        #expect(text.hasPrefix("# 沈阳市工业和信息化局（shenyang）报送包签名私钥"))
        #expect(text.split(separator: "\n").count == 2)
        // A second key pair for the same unit is refused rather than overwriting the first.
        #expect(throws: ParcelError.self) {
            try ParcelKeys.generate(id: "shenyang", name: "沈阳市工业和信息化局", directory: f.keys)
        }
        let key = try f.key("shenyang")
        let publicKey = try ParcelKeys.publicKey(at: (f.keys as NSString).appendingPathComponent("shenyang.pub"))
        let signature = try ParcelKeys.sign(Array("清单".utf8), with: key)
        #expect(ParcelKeys.isValid(signatureText: signature, of: Array("清单".utf8), key: publicKey))
        #expect(!ParcelKeys.isValid(signatureText: signature, of: Array("清单 ".utf8), key: publicKey))
    }
}

/// A manifest two readers could read differently is refused (issue 13): a key given twice, a key the format
/// does not define — even when the sender signed it.
@Suite struct StrictManifestTests {
    typealias P = PackageVerdictTests

    func package(manifestText: String, fixture: P.Fixture, name: String) throws -> String {
        let bytes = Array(manifestText.utf8)
        let path = fixture.path(name)
        let zip = try ZipWriter(path: path)
        try zip.addData(name: ParcelManifest.manifestName, bytes: bytes)
        try zip.addData(name: ParcelManifest.signatureName, bytes: try ParcelKeys.sign(bytes, with: try fixture.key("shenyang")))
        try zip.close()
        return path
    }

    @Test func duplicateAndUnknownKeysAreRefusedWithCodes() throws {
        let fixture = try P.Fixture()
        defer { try? FileManager.default.removeItem(at: fixture.dir) }
        let good = String(decoding: try P.manifest().encoded(), as: UTF8.self)
        let twice = good.replacingOccurrences(of: "\"period\" : \"2024-06\",", with: "\"period\" : \"2024-05\",\n  \"period\" : \"2024-06\",")
        #expect(twice != good, "the manifest text has the expected shape")
        let unknown = good.replacingOccurrences(of: "\"tool\" :", with: "\"note\" : \"额外\",\n  \"tool\" :")
        let nested = good.replacingOccurrences(of: "\"id\" : \"shenyang\",", with: "\"id\" : \"shenyang\",\n    \"id\" : \"dalian\",")
        for (text, code, name) in [(twice, "manifest.duplicate-key", "twice.zip"), (unknown, "manifest.unknown-key", "unknown.zip"),
                                   (nested, "manifest.duplicate-key", "nested.zip")] {
            let verdict = try P.verify(try package(manifestText: text, fixture: fixture, name: name), keys: fixture.keys)
            #expect(!verdict.isSound)
            #expect(verdict.problems.map(\.code).contains(code), "\(name): \(verdict.problems.map(\.code))")
        }
    }
}

/// A package never costs more to verify than its signed manifest allows (issue 13): an entry bigger than the
/// size the manifest promises is not inflated.
@Suite struct SignedSizeTests {
    typealias P = PackageVerdictTests

    @Test func anEntryBiggerThanItsSignedSizeIsNotInflated() throws {
        let fixture = try P.Fixture()
        defer { try? FileManager.default.removeItem(at: fixture.dir) }
        var manifest = P.manifest()
        let small = Array("小文件\n".utf8)
        manifest.files = [ParcelManifest.FileEntry(name: "台账/2024-06_沈阳_self-check.csv", size: small.count,
                                                   sha256: ParcelDigest.sha256(Data(small)), role: "ledger", form: "self-check")]
        let manifestBytes = try manifest.encoded()
        let path = fixture.path("bomb.zip")
        let zip = try ZipWriter(path: path)
        try zip.addData(name: ParcelManifest.manifestName, bytes: manifestBytes)
        try zip.addData(name: ParcelManifest.signatureName, bytes: try ParcelKeys.sign(manifestBytes, with: try fixture.key("shenyang")))
        try zip.addData(name: "台账/2024-06_沈阳_self-check.csv", bytes: [UInt8](repeating: 0x30, count: 64 << 20))
        try zip.close()
        let started = Date()
        let verdict = try P.verify(path, keys: fixture.keys)
        #expect(Date().timeIntervalSince(started) < 5)
        #expect(verdict.problems.contains { $0.code == "file.size" }, "\(verdict.problems.map(\.code))")
        #expect(verdict.contents.isEmpty, "nothing of it was taken")
    }
}
