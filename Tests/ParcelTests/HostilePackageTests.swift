import Crypto
import Foundation
import TaizhangTestSupport
import Testing
import TaizhangCore
import TaizhangForms
import TaizhangParcel
import TaizhangStore
import TaizhangZip

/// Packages built to cost: nested zip bombs, signed and unsigned (issue 13). Verification runs the real binary
/// under `/usr/bin/time`, which reports its peak memory.
@Suite(.serialized) struct NestedBombTests {
    typealias P = PackageVerdictTests
    static let declared = 127 << 20  // what each bomb entry inflates to

    /// `taizhang verify` on `path`: its exit status, output, seconds and peak resident memory in MiB.
    static func timedVerify(_ path: String, keys: String) throws -> (status: Int32, stdout: String, seconds: Double, mib: Double) {
        let run = try ExternalProgram.run("/usr/bin/time", ["-f", "TIME %e %M", ExternalProgram.taizhang.path,
                                                             "verify", path, "--keys", keys, "--json"])
        let line = run.stderr.split(separator: "\n").last { $0.hasPrefix("TIME ") } ?? ""
        let parts = line.split(separator: " ")
        let seconds = parts.count == 3 ? Double(parts[1]) ?? 99 : 99
        let kib = parts.count == 3 ? Double(parts[2]) ?? 1e9 : 1e9
        print("verify \((path as NSString).lastPathComponent): \(seconds) s, \(Int(kib / 1024)) MiB peak")
        return (run.status, run.stdout, seconds, kib / 1024)
    }

    /// A unit package of four entries of 127 MiB of zeros each, listed in its manifest at that size (it costs
    /// 508 MiB to inflate); signed with `key` when one is given. Written from a sparse file, so making it is cheap.
    static func bombUnitPackage(in dir: URL, key: Curve25519.Signing.PrivateKey?) throws -> [UInt8] {
        let zeros = dir.appendingPathComponent("zeros-\(UUID().uuidString)").path
        #expect(FileManager.default.createFile(atPath: zeros, contents: nil))
        #expect(truncate(zeros, off_t(declared)) == 0)
        let digest = ParcelDigest.sha256(try Data(contentsOf: URL(fileURLWithPath: zeros)))
        let forms = ["self-check", "rectification", "progress"]
        var manifest = P.manifest()
        manifest.files = (forms + ["extra"]).map {
            ParcelManifest.FileEntry(name: "台账/\($0).csv", size: declared, sha256: digest,
                                      role: $0 == "extra" ? "csv" : "ledger", form: $0 == "extra" ? nil : $0)
        }
        manifest.forms = forms.map { .init(id: $0, version: P.set.form($0)!.version, file: "台账/\($0).csv") }
        let manifestBytes = try manifest.encoded()
        let path = dir.appendingPathComponent("unit-bomb-\(UUID().uuidString).zip").path
        let zip = try ZipWriter(path: path, compressionLevel: 9)
        try zip.addData(name: ParcelManifest.manifestName, bytes: manifestBytes)
        if let key { try zip.addData(name: ParcelManifest.signatureName, bytes: try ParcelKeys.sign(manifestBytes, with: key)) }
        for entry in manifest.files { try zip.addFile(name: entry.name, path: zeros) }
        try zip.close()
        try FileManager.default.removeItem(atPath: zeros)
        return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// A province package carrying `copies` copies of `inner` as unit packages, signed with `key` when given.
    static func provincePackage(_ inner: [UInt8], copies: Int, key: Curve25519.Signing.PrivateKey?, to path: String) throws {
        let digest = ParcelDigest.sha256(Data(inner))
        let manifest = ParcelManifest(
            kind: .province, unit: .init(id: ParcelKeys.provinceID, name: P.set.campaign.issuer), period: "2024-06",
            campaign: P.set.campaign.id, forms: [],
            files: (0..<copies).map {
                ParcelManifest.FileEntry(name: "单位报送包/\($0).zip", size: inner.count, sha256: digest, role: "unit-package",
                                          unit: "shenyang")
            }, tool: "test", createdAt: "2024-06-28T00:00:00+08:00")
        let manifestBytes = try manifest.encoded()
        let innerPath = path + ".inner"
        try Data(inner).write(to: URL(fileURLWithPath: innerPath))
        defer { try? FileManager.default.removeItem(atPath: innerPath) }
        let zip = try ZipWriter(path: path, compressionLevel: 9)
        try zip.addData(name: ParcelManifest.manifestName, bytes: manifestBytes)
        if let key { try zip.addData(name: ParcelManifest.signatureName, bytes: try ParcelKeys.sign(manifestBytes, with: key)) }
        for entry in manifest.files { try zip.addFile(name: entry.name, path: innerPath) }
        try zip.close()
    }

    /// The package, scaled: an unsigned province package of 300 unit packages of four 127 MiB entries
    /// (152 GB declared). Nothing of an unsigned package is inflated, so it costs nothing.
    @Test func anUnsignedNestedBombCostsNothing() throws {
        let f = try P.Fixture()
        defer { try? FileManager.default.removeItem(at: f.dir) }
        let inner = try Self.bombUnitPackage(in: f.dir, key: nil)
        let path = f.path("全省_炸弹.zip")
        try Self.provincePackage(inner, copies: 300, key: nil, to: path)
        let run = try Self.timedVerify(path, keys: f.keys)
        #expect(run.status == 1, "\(run.stdout)")
        #expect(run.stdout.contains("signature.missing") || run.stdout.contains("signature.no-key"), "\(run.stdout)")
        #expect(run.stdout.contains("包中文件一律未解压"), "\(run.stdout)")
        #expect(run.seconds < 5, "verify took \(run.seconds) s")
        #expect(run.mib < 256, "verify peaked at \(run.mib) MiB")
    }

    /// The same bombs, now signed by the province and by the unit: every listed size is vouched for, so the
    /// budget for the whole package is what stops it (and the 64 MiB cap on one entry).
    @Test func aSignedNestedBombIsStoppedByTheBudget() throws {
        let f = try P.Fixture()
        defer { try? FileManager.default.removeItem(at: f.dir) }
        let province = try ParcelKeys.generate(id: ParcelKeys.provinceID, name: P.set.campaign.issuer, directory: f.keys)
        let provinceKey = try ParcelKeys.privateKey(at: province.privateKey)
        // Entries within the one-entry cap, signed: only the budget stops these.
        let zeros = f.path("zeros")
        #expect(FileManager.default.createFile(atPath: zeros, contents: nil))
        #expect(truncate(zeros, off_t(48 << 20)) == 0)
        var files: [ParcelFile] = []
        for form in ["self-check", "rectification", "progress", "extra"] {
            files.append(ParcelFile(name: "台账/\(form).csv", bytes: Array(try Data(contentsOf: URL(fileURLWithPath: zeros))),
                                     role: form == "extra" ? "csv" : "ledger", form: form == "extra" ? nil : form))
        }
        var manifest = P.manifest()
        manifest.forms = ["self-check", "rectification", "progress"].map {
            .init(id: $0, version: P.set.form($0)!.version, file: "台账/\($0).csv")
        }
        let innerPath = f.path("inner.zip")
        try ParcelWriter.write(manifest: manifest, files: files, key: try f.key("shenyang"), to: innerPath)
        let inner = Array(try Data(contentsOf: URL(fileURLWithPath: innerPath)))
        let path = f.path("全省_签名炸弹.zip")
        try Self.provincePackage(inner, copies: 40, key: provinceKey, to: path)
        let run = try Self.timedVerify(path, keys: f.keys)
        #expect(run.status == 1, "\(run.stdout)")
        #expect(run.stdout.contains("package.too-large"), "\(run.stdout)")
        #expect(run.seconds < 5, "verify took \(run.seconds) s")
        #expect(run.mib < 256, "verify peaked at \(run.mib) MiB")

        // Signed entries of 127 MiB are over the one-entry cap: refused before inflating.
        let big = try Self.bombUnitPackage(in: f.dir, key: try f.key("shenyang"))
        let bigPath = f.path("全省_大条目.zip")
        try Self.provincePackage(big, copies: 300, key: provinceKey, to: bigPath)
        let second = try Self.timedVerify(bigPath, keys: f.keys)
        #expect(second.status == 1)
        #expect(second.stdout.contains("entry.too-large") || second.stdout.contains("package.too-large"), "\(second.stdout)")
        #expect(second.seconds < 5, "verify took \(second.seconds) s")
        #expect(second.mib < 256, "verify peaked at \(second.mib) MiB")
    }
}

/// Manifests with numbers no reader holds the same way, and the order of checks (issue 13).
@Suite struct ManifestNumberTests {
    typealias P = PackageVerdictTests

    @Test func numbersOutsideWhatTheManifestHoldsAreRefusedWithACode() throws {
        let fixture = try P.Fixture()
        defer { try? FileManager.default.removeItem(at: fixture.dir) }
        var manifest = P.manifest()
        manifest.files = [.init(name: "报送函.txt", size: 7, sha256: String(repeating: "0", count: 64), role: "cover-letter")]
        let good = String(decoding: try manifest.encoded(), as: UTF8.self)
        #expect(good.contains("\"size\" : 7"))
        for bad in ["99999999999999999999", "9007199254740992", "-1", "7.0", "7e0", "0x7"] {
            let text = good.replacingOccurrences(of: "\"size\" : 7", with: "\"size\" : \(bad)")
            let verdict = try P.verify(try StrictManifestTests().package(manifestText: text, fixture: fixture, name: "n.zip"),
                                       keys: fixture.keys)
            #expect(verdict.codes.first == "manifest.number", "\(bad): \(verdict.codes)")
            #expect(verdict.problems.first?.message.contains("files[].size") == true)
        }
        // The largest number every reader holds exactly is accepted by the parser (then fails as a size).
        let edge = good.replacingOccurrences(of: "\"size\" : 7", with: "\"size\" : 9007199254740991")
        let verdict = try P.verify(try StrictManifestTests().package(manifestText: edge, fixture: fixture, name: "e.zip"),
                                   keys: fixture.keys)
        #expect(!verdict.codes.contains("manifest.number"), "\(verdict.codes)")
    }

    /// A manifest that does not verify is not trusted with anything: a tampered file inside is not even inflated
    /// (the signature is the only problem reported about the contents).
    @Test func theSignatureIsCheckedBeforeAnyFileIsInflated() throws {
        let f = try P.Fixture()
        defer { try? FileManager.default.removeItem(at: f.dir) }
        let doctored = try P.rewritten(f) { list in
            let m = list.firstIndex { $0.name == "manifest.json" }!
            list[m].bytes = Array(String(decoding: list[m].bytes, as: UTF8.self)
                .replacingOccurrences(of: "taizhang test", with: "taizhang tesT").utf8)
            let i = list.firstIndex { $0.name == "台账/2024-06_沈阳_progress.csv" }!
            list[i].bytes[0] ^= 0x01
        }
        let verdict = try P.verify(doctored, keys: f.keys)
        #expect(verdict.codes == ["signature.invalid"], "\(verdict.codes)")
        #expect(verdict.contents.isEmpty)
        #expect(verdict.problems[0].message.contains("包中文件一律未解压"))
    }
}
