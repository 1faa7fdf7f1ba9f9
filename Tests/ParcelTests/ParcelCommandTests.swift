import Foundation
import TaizhangTestSupport
import Testing
import TaizhangCore
import TaizhangCSV
import TaizhangForms
import TaizhangParcel
import TaizhangSamples
import TaizhangStore

/// The commands on the real binary: keys, package, verify, ingest of packages, the province's package.
@Suite(.serialized) struct PackageCommandTests {
    static let set = try! BuiltinForms.load()
    static let june = YearMonth(year: 2024, month: 6)!

    /// The binary beside the test bundle.
    static func run(_ arguments: [String]) throws -> ProgramRun {
        try ExternalProgram.run(ExternalProgram.taizhang.path, arguments)
    }

    static func writeCSV(_ form: String, unit: String, rows: Int, in dir: URL) throws {
        let document = SampleLedgers(formSet: set).document(
            form: set.form(form)!, unit: set.unit(id: unit)!, period: june, rows: rows, seed: 7)
        let sink = MemorySink()
        try CSVExporter().export(document, to: sink)
        try Data(sink.bytes).write(to: dir.appendingPathComponent("\(unit)_\(form).csv"))
    }

    /// What a document says, for comparing two workspaces.
    static func contents(_ workspace: Workspace, unit: String) throws -> [String: [String]] {
        var result: [String: [String]] = [:]
        for form in set.forms {
            for doc in try workspace.currentDocuments(form: form, period: june, formSet: set) where doc.unit?.id == unit {
                let header = doc.header.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
                let rows = form.tables.flatMap { table in
                    (doc.rows[table.id] ?? []).map { record in
                        table.id + ":" + record.values.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "|")
                    }
                }
                result[form.id] = header + rows
            }
        }
        return result
    }

    @Test func roundTripAndRefusals() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("taizhang-pkgcli-\(UUID().uuidString)")
        let fm = FileManager.default
        defer { try? fm.removeItem(at: dir) }
        let unitDir = dir.appendingPathComponent("沈阳")
        let inbox = unitDir.appendingPathComponent("inbox")
        let province = dir.appendingPathComponent("省厅")
        try fm.createDirectory(at: inbox, withIntermediateDirectories: true)
        try fm.createDirectory(at: province.appendingPathComponent("keys"), withIntermediateDirectories: true)

        // The unit: its own ledgers in its own workspace, a key pair, the package.
        try Self.writeCSV("self-check", unit: "shenyang", rows: 5, in: inbox)
        try Self.writeCSV("rectification", unit: "shenyang", rows: 3, in: inbox)
        try Self.writeCSV("progress", unit: "shenyang", rows: 0, in: inbox)
        let unitWS = unitDir.appendingPathComponent("ws.sqlite").path
        let ingest = try Self.run(["ingest", inbox.path, "--workspace", unitWS, "--received", "2024-06-20"])
        #expect(ingest.status == 0, "\(ingest.stdout)\(ingest.stderr)")
        let keys = try Self.run(["keys", "new", "--unit", "沈阳", "--workspace", unitWS])
        #expect(keys.status == 0, "\(keys.stderr)")
        let keyDir = unitDir.appendingPathComponent("keys")
        #expect(fm.fileExists(atPath: keyDir.appendingPathComponent("shenyang.key").path))
        let package = unitDir.appendingPathComponent("沈阳_2024-06.zip").path
        let made = try Self.run(["package", "--unit", "沈阳", "--period", "2024-06", "-o", package, "--workspace", unitWS,
                                 "--key", keyDir.appendingPathComponent("shenyang.key").path, "--date", "2024-06-20"])
        #expect(made.status == 0, "\(made.stdout)\(made.stderr)")
        #expect(made.stdout.contains("报送函.txt"))
        let verified = try Self.run(["verify", package, "--keys", keyDir.path])
        #expect(verified.status == 0, "\(verified.stdout)")
        #expect(verified.stdout.contains("核验通过"))

        // What the package holds: three ledgers with their CSV copies, the cover letter naming them.
        let verdict = try ParcelVerifier(formSet: Self.set, keysDirectory: keyDir.path).verify(path: package)
        let manifest = try #require(verdict.manifest)
        #expect(Set(manifest.forms.map(\.id)) == ["self-check", "rectification", "progress"])
        #expect(manifest.files.filter { $0.role == "ledger" }.count == 3)
        #expect(manifest.files.filter { $0.role == "csv" }.count >= 3)
        let letter = String(decoding: verdict.contents["报送函.txt"] ?? [], as: UTF8.self)
        #expect(letter.contains("沈阳市工业和信息化局"))
        #expect(letter.contains("2024-06_沈阳_"))
        #expect(manifest.tool.hasPrefix("taizhang "))

        // Another unit's key is caught when the unit's own public key is beside the workspace.
        #expect(try Self.run(["keys", "new", "--unit", "dalian", "--workspace", unitWS, "-o", dir.path]).status == 0)
        let wrongKey = try Self.run(["package", "--unit", "沈阳", "--period", "2024-06", "-o", dir.appendingPathComponent("w.zip").path,
                                     "--workspace", unitWS, "--key", dir.appendingPathComponent("dalian.key").path])
        #expect(wrongKey.status == 2)
        #expect(wrongKey.stderr.contains("不是一对"), "\(wrongKey.stderr)")

        // Nothing owed by dalian is in the workspace: refused with the list, unless --allow-incomplete.
        let incomplete = try Self.run(["package", "--unit", "dalian", "--period", "2024-06", "-o",
                                       dir.appendingPathComponent("大连.zip").path, "--workspace", unitWS])
        #expect(incomplete.status == 2)
        #expect(incomplete.stderr.contains("应报送的台账不齐"))
        #expect(incomplete.stderr.contains("《") && incomplete.stderr.contains("截止日期"))
        #expect(!fm.fileExists(atPath: dir.appendingPathComponent("大连.zip").path))

        // The province: the unit's public key in its keys folder (beside its workspace).
        let provinceWS = province.appendingPathComponent("ws.sqlite").path
        try fm.copyItem(at: keyDir.appendingPathComponent("shenyang.pub"),
                        to: province.appendingPathComponent("keys/shenyang.pub"))
        let taken = try Self.run(["ingest", package, "--workspace", provinceWS, "--received", "2024-06-21"])
        #expect(taken.status == 0, "\(taken.stdout)\(taken.stderr)")
        #expect(taken.stdout.contains("报送包：沈阳市工业和信息化局"), "\(taken.stdout)")
        #expect(taken.stdout.contains("已接收 4"), "\(taken.stdout)")
        // Elsewhere, keys given with --keys; without them the package is refused (and kept on record).
        let elsewhere = dir.appendingPathComponent("elsewhere")
        try fm.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        let noKeys = try Self.run(["ingest", package, "--workspace", elsewhere.appendingPathComponent("a.sqlite").path])
        #expect(noKeys.status == 1, "\(noKeys.stdout)")
        #expect(noKeys.stdout.contains("已拒收 1"), "\(noKeys.stdout)")
        let withKeys = try Self.run(["ingest", package, "--workspace", elsewhere.appendingPathComponent("b.sqlite").path,
                                     "--keys", keyDir.path])
        #expect(withKeys.status == 0, "\(withKeys.stdout)\(withKeys.stderr)")
        // The same documents come out on both sides.
        let unitSide = try Self.contents(Workspace(path: unitWS), unit: "shenyang")
        let provinceSide = try Self.contents(Workspace(path: provinceWS), unit: "shenyang")
        #expect(unitSide.count == 3)
        #expect(unitSide == provinceSide)

        // A doctored package is refused and kept on record with its problems.
        var list = try PackageVerdictTests.entries(package).map { (name: $0.0, bytes: $0.1, symlink: false) }
        let i = try #require(list.firstIndex { $0.name.hasPrefix("台账/") })
        list[i].bytes += Array("\r\n".utf8)
        list.append((name: "../../escape.txt", bytes: [1], symlink: false))
        let doctored = dir.appendingPathComponent("篡改.zip").path
        try PackageVerdictTests.pythonZip(list, to: doctored)
        let refused = try Self.run(["ingest", doctored, "--workspace", provinceWS])
        #expect(refused.status == 1)
        #expect(refused.stdout.contains("核验未通过，已拒收"), "\(refused.stdout)")
        #expect(refused.stdout.contains("entry.climbs-out") && refused.stdout.contains("file.size"))
        #expect(!fm.fileExists(atPath: dir.deletingLastPathComponent().appendingPathComponent("escape.txt").path))
        let stored = try Workspace(path: provinceWS).submissions()
        #expect(stored.contains { $0.fileName == "篡改.zip" && $0.state == .refused })
        #expect(stored.contains { $0.fileName == "沈阳_2024-06.zip" && $0.state == .accepted })
        let bad = try Self.run(["verify", doctored, "--keys", keyDir.path])
        #expect(bad.status == 1)
        #expect(bad.stdout.contains("核验未通过，发现 3 个问题"), "\(bad.stdout)")
        try Data("不是压缩包".utf8).write(to: dir.appendingPathComponent("x.zip"))
        let unreadable = try Self.run(["verify", dir.appendingPathComponent("x.zip").path])
        #expect(unreadable.status == 2)
        #expect(unreadable.stderr.contains("不是报送包"))

        // A sound, signed package of shenyang that carries dalian's self-check ledger: the signature vouches for
        // shenyang only, so that ledger is refused; the others are taken.
        var files: [ParcelFile] = []
        var forms: [ParcelManifest.FormEntry] = []
        for (form, unit) in [("self-check", "dalian"), ("rectification", "shenyang"), ("progress", "shenyang")] {
            let document = SampleLedgers(formSet: Self.set).document(
                form: Self.set.form(form)!, unit: Self.set.unit(id: unit)!, period: Self.june, rows: 2, seed: 11)
            let sink = MemorySink()
            try CSVExporter().export(document, to: sink)
            files.append(ParcelFile(name: "台账/\(form).csv", bytes: sink.bytes, role: "ledger", form: form))
            forms.append(.init(id: form, version: Self.set.form(form)!.version, file: "台账/\(form).csv"))
        }
        let smuggled = dir.appendingPathComponent("夹带.zip").path
        try ParcelWriter.write(
            manifest: ParcelManifest(kind: .unit, unit: .init(id: "shenyang", name: "沈阳市工业和信息化局"), period: "2024-06",
                                      campaign: Self.set.campaign.id, forms: forms, files: [], tool: "test",
                                      // Signed after the unit's real package (an older one would be refused as a replay).
                                      createdAt: ISO8601DateFormatter().string(from: Date().addingTimeInterval(60))),
            files: files, key: try ParcelKeys.privateKey(at: keyDir.appendingPathComponent("shenyang.key").path), to: smuggled)
        let carried = try Self.run(["ingest", smuggled, "--workspace", provinceWS])
        #expect(carried.status == 1, "\(carried.stdout)")
        // The whole package is refused with a coded problem (issue 13): nothing in it is taken in.
        #expect(carried.stdout.contains("台账“self-check.csv”的填报单位是“大连市工业和信息化局”"), "\(carried.stdout)")
        #expect(carried.stdout.contains("(ledger.unit)") || carried.stdout.contains("（ledger.unit）"), "\(carried.stdout)")
        let afterSmuggling = try Workspace(path: provinceWS).submissions()
        #expect(afterSmuggling.contains { $0.fileName == "夹带.zip" && $0.state == .refused })
        #expect(!afterSmuggling.contains { $0.fileName == "self-check.csv" })
        #expect(!afterSmuggling.contains { $0.unit == "dalian" })

        // The province's own package: report, memo, the unit's package, signed with the province's key.
        #expect(try Self.run(["keys", "new", "--province", "--workspace", provinceWS]).status == 0)
        let upward = province.appendingPathComponent("全省_2024-06.zip").path
        let built = try Self.run(["package", "--province", "--period", "2024-06", "-o", upward, "--workspace", provinceWS,
                                  "--key", province.appendingPathComponent("keys/province.key").path, "--date", "2024-06-28"])
        #expect(built.status == 0, "\(built.stdout)\(built.stderr)")
        let up = try Self.run(["verify", upward, "--workspace", provinceWS])
        #expect(up.status == 0, "\(up.stdout)\(up.stderr)")
        // Completeness across units: the thirteen other cities owe June and sent nothing; the province said so in
        // its signed manifest, so they are noticed, not faults.
        #expect(built.stdout.contains("尚未收到以下单位2024年6月的报送包") && built.stdout.contains("大连"), "\(built.stdout)")
        #expect(up.stdout.contains("注意：省级报送包中没有“大连市工业和信息化局”2024年6月的报送包（清单中已注明未收到）"), "\(up.stdout)")
        // The same inputs and the same --date give the same bytes (the zip's times are fixed; the creation
        // time is the date, in the signed manifest only), and the same number.
        let again = province.appendingPathComponent("全省_2024-06_again.zip").path
        let rebuilt = try Self.run(["package", "--province", "--period", "2024-06", "-o", again, "--workspace", provinceWS,
                                    "--key", province.appendingPathComponent("keys/province.key").path, "--date", "2024-06-28"])
        #expect(rebuilt.status == 0 && rebuilt.stdout.contains("本期第 1 份"), "\(rebuilt.stdout)")
        #expect(fm.contents(atPath: again) == fm.contents(atPath: upward), "reproducible package bytes")
        let provinceVerdict = try ParcelVerifier(formSet: Self.set, keysDirectory: province.appendingPathComponent("keys").path)
            .verify(path: upward)
        let roles = provinceVerdict.manifest?.files.map(\.role) ?? []
        #expect(roles.contains("report") && roles.contains("memo"))
        #expect(provinceVerdict.manifest?.files.filter { $0.role == "unit-package" }.map(\.unit) == ["shenyang"])
        #expect(provinceVerdict.manifest?.missing?.contains("dalian") == true)
        #expect(provinceVerdict.notices.map(\.code).contains("units.missing"))

        // A province manifest that leaves a unit out without saying so: a coded problem.
        var silent = try #require(provinceVerdict.manifest)
        silent.missing = nil
        let silentPath = province.appendingPathComponent("全省_未注明.zip").path
        try ParcelWriter.write(
            manifest: silent,
            files: silent.files.map { ParcelFile(name: $0.name, bytes: provinceVerdict.contents[$0.name] ?? [], role: $0.role,
                                                 form: $0.form, unit: $0.unit) },
            key: try ParcelKeys.privateKey(at: province.appendingPathComponent("keys/province.key").path), to: silentPath)
        let silentVerdict = try Self.run(["verify", silentPath, "--workspace", provinceWS, "--json"])
        #expect(silentVerdict.status == 1)
        #expect(silentVerdict.stdout.contains("\"units.missing\""), "\(silentVerdict.stdout)")
        // Without the unit's public key the unit package inside no longer verifies.
        try fm.removeItem(at: province.appendingPathComponent("keys/shenyang.pub"))
        let nested = try Self.run(["verify", upward, "--workspace", provinceWS, "--json"])
        #expect(nested.status == 1)
        #expect(nested.stdout.contains("signature.no-key"))
    }
}

/// The department's divisions (厅机关执法处室): added to the units file beside the workspace, used by every
/// command on that workspace, and carried in the province's package so that it verifies elsewhere.
@Suite(.serialized) struct DivisionCommandTests {
    @Test func aDivisionIsAddedReportsAndTravelsInTheProvincePackage() throws {
        let fm = FileManager.default
        let dir = fm.temporaryDirectory.appendingPathComponent("taizhang-division-\(UUID().uuidString)")
        defer { try? fm.removeItem(at: dir) }
        let province = dir.appendingPathComponent("省厅")
        try fm.createDirectory(at: province, withIntermediateDirectories: true)
        let ws = province.appendingPathComponent("taizhang.sqlite").path
        let run = PackageCommandTests.run

        let before = try run(["status", "--workspace", ws, "--period", "2024-06"])
        #expect(before.stderr.contains("工作区不存在"), "status needs a workspace")
        let added = try run(["units", "add", "--kind", "division", "--name", "节能监察处", "--code", "JN", "--workspace", ws])
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.stdout.contains("division-1"))
        #expect(try run(["units", "add", "--name", "节能监察处", "--workspace", ws]).status == 2, "a name is unique")

        // The division's returns, written with the province's units file.
        let set = try BuiltinForms.load(overlay: province.appendingPathComponent("taizhang-forms"))
        let division = try #require(set.unit(id: "division-1"))
        #expect(division.kind == "division")
        let inbox = dir.appendingPathComponent("inbox")
        try fm.createDirectory(at: inbox, withIntermediateDirectories: true)
        for (form, rows) in [("self-check", 4), ("rectification", 3), ("progress", 0)] {
            let document = SampleLedgers(formSet: set).document(form: set.form(form)!, unit: division,
                                                                period: PackageCommandTests.june, rows: rows, seed: 3)
            let sink = MemorySink()
            try CSVExporter().export(document, to: sink)
            try Data(sink.bytes).write(to: inbox.appendingPathComponent("节能监察处_\(form).csv"))
        }
        let ingest = try run(["ingest", inbox.path, "--workspace", ws, "--received", "2024-06-20"])
        #expect(ingest.status == 0, "\(ingest.stdout)\(ingest.stderr)")
        #expect(ingest.stdout.contains("节能监察处"))
        let status = try run(["status", "--workspace", ws, "--period", "2024-06", "--as-of", "2024-06-28"])
        #expect(status.stdout.contains("节能监察处"), "\(status.stdout)")
        #expect(!status.stdout.contains("厅机关执法处室尚未配置"))

        // The division packages its returns (keys and package in the province's folder, as the division would in
        // its own); the province takes it in, then sends its own package with the units file.
        #expect(try run(["keys", "new", "--unit", "节能监察处", "--workspace", ws]).status == 0)
        #expect(try run(["keys", "new", "--province", "--workspace", ws]).status == 0)
        let keys = province.appendingPathComponent("keys")
        let unitPackage = dir.appendingPathComponent("节能监察处_2024-06.zip").path
        let packed = try run(["package", "--unit", "节能监察处", "--period", "2024-06", "-o", unitPackage, "--workspace", ws,
                              "--key", keys.appendingPathComponent("division-1.key").path, "--date", "2024-06-20"])
        #expect(packed.status == 0, "\(packed.stdout)\(packed.stderr)")
        #expect(try run(["ingest", unitPackage, "--workspace", ws]).status == 0)
        let provincePackage = dir.appendingPathComponent("全省_2024-06.zip").path
        let sent = try run(["package", "--province", "--period", "2024-06", "-o", provincePackage, "--workspace", ws,
                            "--key", keys.appendingPathComponent("province.key").path])
        #expect(sent.status == 0, "\(sent.stdout)\(sent.stderr)")
        #expect(sent.stdout.contains("units.json"))

        // Elsewhere (no units file, the built-in list): the package carries what it needs.
        let elsewhere = dir.appendingPathComponent("elsewhere")
        try fm.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        let verified = try ExternalProgram.run(ExternalProgram.taizhang.path, ["verify", provincePackage, "--keys", keys.path],
                                               directory: elsewhere)
        #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
        #expect(verified.stdout.contains("核验通过"))
    }
}

/// Keys others could read or replace are refused (issue 13), as ssh refuses them.
@Suite(.serialized) struct KeyPermissionTests {
    @Test func aPrivateKeyOthersCanReadAndAPublicKeyOthersCanChangeAreRefused() throws {
        let fm = FileManager.default
        let dir = fm.temporaryDirectory.appendingPathComponent("taizhang-keyperm-\(UUID().uuidString)")
        try fm.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: dir) }
        let made = try ParcelKeys.generate(id: "shenyang", name: "沈阳市工业和信息化局", directory: dir.path)
        #expect((try? ParcelKeys.privateKey(at: made.privateKey)) != nil, "0600: fine")
        #expect((try? ParcelKeys.publicKey(at: made.publicKey)) != nil, "0644 in a 0755 folder: fine")

        #expect(chmod(made.privateKey, 0o644) == 0)
        #expect(throws: ParcelError.self) { _ = try ParcelKeys.privateKey(at: made.privateKey) }
        do { _ = try ParcelKeys.privateKey(at: made.privateKey) } catch let error as ParcelError {
            #expect(error.message.contains("chmod 600"))
        }
        #expect(chmod(made.publicKey, 0o666) == 0)
        #expect(throws: ParcelError.self) { _ = try ParcelKeys.publicKey(at: made.publicKey) }
        #expect(chmod(made.publicKey, 0o644) == 0 && chmod(dir.path, 0o777) == 0)
        #expect(throws: ParcelError.self) { _ = try ParcelKeys.publicKey(at: made.publicKey) }
        #expect(chmod(dir.path, 0o755) == 0)
        #expect((try? ParcelKeys.publicKey(at: made.publicKey)) != nil)
    }
}

/// Packages are ordered by their signed sequence number, then creation time (issue 13): an older package for the
/// same unit and period does not replace a newer one already taken in; an identical one is a no-op.
@Suite(.serialized) struct PackageOrderTests {
    @Test func anOlderPackageDoesNotSupersedeANewerOne() throws {
        let fm = FileManager.default
        let dir = fm.temporaryDirectory.appendingPathComponent("taizhang-replay-\(UUID().uuidString)")
        defer { try? fm.removeItem(at: dir) }
        let unit = dir.appendingPathComponent("沈阳"), province = dir.appendingPathComponent("省厅")
        let inbox = unit.appendingPathComponent("inbox")
        try fm.createDirectory(at: inbox, withIntermediateDirectories: true)
        try fm.createDirectory(at: province, withIntermediateDirectories: true)
        for (form, rows) in [("self-check", 4), ("rectification", 3), ("progress", 0)] {
            try PackageCommandTests.writeCSV(form, unit: "shenyang", rows: rows, in: inbox)
        }
        let unitWS = unit.appendingPathComponent("ws.sqlite").path
        let run = PackageCommandTests.run
        #expect(try run(["ingest", inbox.path, "--workspace", unitWS, "--received", "2024-06-20"]).status == 0)
        #expect(try run(["keys", "new", "--unit", "沈阳", "--workspace", unitWS]).status == 0)
        let older = dir.appendingPathComponent("沈阳_2024-06_第一版.zip").path
        let newer = dir.appendingPathComponent("沈阳_2024-06_第二版.zip").path
        let first = try run(["package", "--unit", "沈阳", "--period", "2024-06", "-o", older, "--workspace", unitWS,
                             "--date", "2024-06-21"])
        #expect(first.stdout.contains("本期第 1 份"), "\(first.stdout)")
        // Packaged again unchanged: the same number and, with the same --date, the same bytes.
        let same = dir.appendingPathComponent("沈阳_2024-06_重做.zip").path
        #expect(try run(["package", "--unit", "沈阳", "--period", "2024-06", "-o", same, "--workspace", unitWS,
                         "--date", "2024-06-21"]).stdout.contains("本期第 1 份"))
        #expect(fm.contents(atPath: same) == fm.contents(atPath: older))
        // A correction to the self-check ledger, then the second package: number 2, though its date is earlier
        // (the number, counted by the sender's workspace, orders packages before their dates do).
        try PackageCommandTests.writeCSV("self-check", unit: "shenyang", rows: 5, in: inbox)
        #expect(try run(["ingest", inbox.path, "--workspace", unitWS, "--received", "2024-06-21"]).status == 0)
        let second = try run(["package", "--unit", "沈阳", "--period", "2024-06", "-o", newer, "--workspace", unitWS,
                              "--date", "2024-06-20"])
        #expect(second.stdout.contains("本期第 2 份"), "\(second.stdout)")
        let keys = unit.appendingPathComponent("keys").path
        let provinceWS = province.appendingPathComponent("taizhang.sqlite").path
        let taken = try run(["ingest", newer, "--workspace", provinceWS, "--keys", keys])
        #expect(taken.status == 0, "\(taken.stdout)\(taken.stderr)")
        let replay = try run(["ingest", older, "--workspace", provinceWS, "--keys", keys])
        #expect(replay.status == 1, "an older package is refused: \(replay.stdout)")
        #expect(replay.stdout.contains("较早的报送包（第 1 份") && replay.stdout.contains("第二版") && replay.stdout.contains("第 2 份"),
                "both are named: \(replay.stdout)")
        let packages = try Workspace(path: provinceWS, access: .read).currentPackages(period: PackageCommandTests.june)
        #expect(packages.map(\.fileName) == ["沈阳_2024-06_第二版.zip"], "the newer one still counts")
        #expect(try run(["ingest", newer, "--workspace", provinceWS, "--keys", keys]).stdout.contains("已收到过"))
    }
}

/// A ledger must be of the period its package says (issue 13): a June package carrying a May ledger does not
/// get it filed under May.
@Suite(.serialized) struct MislabelledPeriodTests {
    @Test func aLedgerOfAnotherPeriodInsideAPackageIsRefused() throws {
        let fm = FileManager.default
        let dir = fm.temporaryDirectory.appendingPathComponent("taizhang-period-\(UUID().uuidString)")
        let keys = dir.appendingPathComponent("keys")
        try fm.createDirectory(at: keys, withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: dir) }
        let set = PackageCommandTests.set
        let made = try ParcelKeys.generate(id: "shenyang", name: "沈阳市工业和信息化局", directory: keys.path)
        var files: [ParcelFile] = []
        var forms: [ParcelManifest.FormEntry] = []
        for (form, period) in [("self-check", YearMonth(year: 2024, month: 5)!), ("rectification", PackageCommandTests.june),
                               ("progress", PackageCommandTests.june)] {
            let document = SampleLedgers(formSet: set).document(form: set.form(form)!, unit: set.unit(id: "shenyang")!,
                                                                period: period, rows: 2, seed: 5)
            let sink = MemorySink()
            try CSVExporter().export(document, to: sink)
            files.append(ParcelFile(name: "台账/\(form).csv", bytes: sink.bytes, role: "ledger", form: form))
            forms.append(.init(id: form, version: set.form(form)!.version, file: "台账/\(form).csv"))
        }
        let package = dir.appendingPathComponent("沈阳_2024-06.zip").path
        try ParcelWriter.write(
            manifest: ParcelManifest(kind: .unit, unit: .init(id: "shenyang", name: "沈阳市工业和信息化局"), period: "2024-06",
                                      campaign: set.campaign.id, forms: forms, files: [], tool: "test",
                                      createdAt: ISO8601DateFormatter().string(from: Date())),
            files: files, key: try ParcelKeys.privateKey(at: made.privateKey), to: package)
        let ws = dir.appendingPathComponent("taizhang.sqlite").path
        let run = try PackageCommandTests.run(["ingest", package, "--workspace", ws, "--keys", keys.path])
        #expect(run.status == 1, "\(run.stdout)")
        #expect(run.stdout.contains("台账“self-check.csv”的报送期是2024年5月，却装在2024年6月的报送包中"), "\(run.stdout)")
        #expect(run.stdout.contains("（ledger.period）"), "\(run.stdout)")
        // verify says the same, with the code.
        let verified = try PackageCommandTests.run(["verify", package, "--keys", keys.path, "--json"])
        #expect(verified.status == 1)
        #expect(verified.stdout.contains("\"ledger.period\""), "\(verified.stdout)")
        let stored = try Workspace(path: ws, access: .read).submissions()
        #expect(!stored.contains { $0.period == YearMonth(year: 2024, month: 5)! && $0.state == .accepted })
    }
}
