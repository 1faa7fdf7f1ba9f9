import Dispatch
import Foundation
import Testing
import TaizhangCore
import TaizhangStore
import TaizhangTestSupport

/// The workspace under real, careless and concurrent use (issue 12): each test reproduces one way the
/// workspace used to fail, with the real binary.
@Suite struct WorkspaceSafetyTests {
    let june = YearMonth(year: 2024, month: 6)!

    /// SHA-256 of a file, or "" when it is absent.
    func digest(_ path: String) -> String {
        FileManager.default.contents(atPath: path).map(Workspace.sha256) ?? ""
    }

    /// A workspace with a few submissions of 本溪, and the inbox they came from.
    func workspace(in dir: URL) throws -> (ws: String, inbox: URL) {
        let inbox = dir.appendingPathComponent("inbox")
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        try Taizhang.writeCSV("self-check", unit: "benxi", period: june, rows: 4, in: inbox)
        try Taizhang.writeCSV("rectification", unit: "benxi", period: june, rows: 4, in: inbox)
        let ws = dir.appendingPathComponent("taizhang.sqlite").path
        let run = try Taizhang.run(["ingest", inbox.path, "--workspace", ws, "--received", "2024-06-20"])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        return (ws, inbox)
    }

    @Test func aTypoInDashOIsRefusedAndTheWorkspaceIsUntouched() throws {
        let dir = try Taizhang.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (ws, inbox) = try workspace(in: dir)
        let before = digest(ws)
        let ledger = try #require(try FileManager.default.contentsOfDirectory(atPath: inbox.path).first)
        let input = inbox.appendingPathComponent(ledger).path
        let attempts: [[String]] = [
            ["status", "--workspace", ws, "--period", "2024-06", "--to", "json", "-o", ws],
            ["export", input, "--to", "xlsx", "-o", ws],
            ["export", input, "--to", "csv", "-o", ws + "-wal"],
            ["export", input, "--to", "xlsx", "-o", ws + "-shm"],
            ["package", "--unit", "本溪", "--period", "2024-06", "--workspace", ws, "--allow-incomplete", "-o", ws],
        ]
        for arguments in attempts {
            let run = try Taizhang.run(arguments, in: dir)
            #expect(run.status == 2, "\(arguments): \(run.stdout)")
            #expect(run.stderr.contains("是工作区数据库"), "\(arguments): \(run.stderr)")
            #expect(digest(ws) == before, "\(arguments) changed the workspace")
        }
        let ontoInput = try Taizhang.run(["export", input, "--to", "csv", "-o", input])
        #expect(ontoInput.status == 2)
        #expect(ontoInput.stderr.contains("是本命令要读取的文件"), "\(ontoInput.stderr)")
        #expect(try Workspace(path: ws, access: .read).submissions().count == 2)
    }

    @Test func readingNeverCreatesOrWritesAWorkspace() throws {
        let dir = try Taizhang.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let missing = dir.appendingPathComponent("taizhang.sqllite").path  // mistyped
        for arguments in [["status", "--period", "2024-06"], ["report", "progress", "--period", "2024-06", "-o", dir.path],
                          ["workspace", "check"], ["package", "--province", "--period", "2024-06", "-o", dir.appendingPathComponent("p.zip").path]] {
            let run = try Taizhang.run(arguments + ["--workspace", missing])
            #expect(run.status == 2, "\(arguments)")
            #expect(run.stderr.contains("工作区不存在：\(missing)"), "\(arguments): \(run.stderr)")
            #expect(!FileManager.default.fileExists(atPath: missing), "\(arguments) created the workspace")
        }
        // An existing workspace is read without a byte of it (or of its log) changing.
        let (ws, _) = try workspace(in: dir)
        let before = [digest(ws), digest(ws + "-wal")]
        let status = try Taizhang.run(["status", "--workspace", ws, "--period", "2024-06", "--as-of", "2024-06-28"])
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stdout.contains("本溪"))
        #expect(digest(ws) == before[0], "the workspace file is not written")
        #expect([before[1], Workspace.sha256(Data())].contains(digest(ws + "-wal")), "nor its log (SQLite may add an empty one)")
    }

    /// Another user's workspace in a folder they may not write to: read as it is. Run as an unprivileged user
    /// when the tests run as root (as CI does) and that user can reach the binary.
    @Test func aWorkspaceOnAReadOnlyFolderCanBeRead() throws {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/sbin/runuser"),
              (try? ExternalProgram.run("/usr/sbin/runuser", ["-u", "nobody", "--", "test", "-x", ExternalProgram.taizhang.path]))?.status == 0
        else { return }
        let dir = URL(fileURLWithPath: "/tmp/taizhang-readonly-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer {
            chmod(dir.path, 0o755)
            try? FileManager.default.removeItem(at: dir)
        }
        let (ws, inbox) = try workspace(in: dir)
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: ws + suffix) }
        let before = digest(ws)
        #expect(chmod(ws, 0o444) == 0 && chmod(dir.path, 0o555) == 0)
        func asNobody(_ arguments: [String]) throws -> ProgramRun {
            try ExternalProgram.run("/usr/sbin/runuser", ["-u", "nobody", "--", ExternalProgram.taizhang.path] + arguments)
        }
        let status = try asNobody(["status", "--workspace", ws, "--period", "2024-06", "--as-of", "2024-06-28"])
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stdout.contains("本溪"))
        let check = try asNobody(["workspace", "check", "--workspace", ws])
        #expect(check.status == 0, "\(check.stderr)")
        let file = try #require(try FileManager.default.contentsOfDirectory(atPath: inbox.path).first)
        let ingest = try asNobody(["ingest", inbox.appendingPathComponent(file).path, "--workspace", ws])
        #expect(ingest.status == 2)
        #expect(ingest.stderr.contains("只读"), "\(ingest.stderr)")
        #expect(digest(ws) == before)
    }

    /// A full disk, on a small tmpfs (when the tests may mount one, as root in CI): a Chinese message, the
    /// workspace whole, no empty key file left to block a retry.
    @Test func aFullDiskLosesNothingAndSaysSoInChinese() throws {
        let dir = try Taizhang.scratch()
        let disk = dir.appendingPathComponent("disk")
        try FileManager.default.createDirectory(at: disk, withIntermediateDirectories: true)
        defer {
            _ = try? ExternalProgram.run("/bin/umount", [disk.path])
            try? FileManager.default.removeItem(at: dir)
        }
        guard getuid() == 0,
              (try? ExternalProgram.run("/bin/mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", disk.path]))?.status == 0
        else { return }
        let inbox = dir.appendingPathComponent("inbox")
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        let first = try Taizhang.writeCSV("self-check", unit: "benxi", period: june, rows: 3, in: inbox)
        let second = try Taizhang.writeCSV("self-check", unit: "dandong", period: june, rows: 200, in: dir)
        let ws = disk.appendingPathComponent("taizhang.sqlite").path
        #expect(try Taizhang.run(["ingest", first.path, "--workspace", ws]).status == 0)
        // Fill what is left.
        let filler = disk.appendingPathComponent("filler").path
        let fd = open(filler, O_WRONLY | O_CREAT, 0o600)
        let block = [UInt8](repeating: 0x55, count: 4096)
        while block.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) > 0 {}
        close(fd)

        let full = try Taizhang.run(["ingest", second.path, "--workspace", ws])
        #expect(full.status == 2, "\(full.stdout)")
        #expect(full.stderr.contains("磁盘") || full.stderr.contains("空间"), "\(full.stderr)")
        #expect(!full.stderr.contains("SQLite error") && !full.stderr.contains("NSCocoaErrorDomain"), "\(full.stderr)")
        let keys = disk.appendingPathComponent("keys")
        let noKeys = try Taizhang.run(["keys", "new", "--unit", "本溪", "-o", keys.path])
        #expect(noKeys.status == 2)
        #expect(noKeys.stderr.contains("磁盘已满") || noKeys.stderr.contains("无法创建"), "\(noKeys.stderr)")
        #expect(!FileManager.default.fileExists(atPath: keys.appendingPathComponent("benxi.key").path), "no half-written key")

        try FileManager.default.removeItem(atPath: filler)
        #expect(try Workspace(path: ws, access: .read).submissions().map(\.unit) == ["benxi"], "the workspace is whole")
        #expect(try Taizhang.run(["ingest", second.path, "--workspace", ws]).status == 0)
        #expect(try Taizhang.run(["keys", "new", "--unit", "本溪", "-o", keys.path]).status == 0, "a retry is not blocked")
    }

    @Test func aDamagedWorkspaceIsRefusedForWritingAndRestoredFromABackup() throws {
        let dir = try Taizhang.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (ws, inbox) = try workspace(in: dir)
        let backup = dir.appendingPathComponent("备份.sqlite").path
        let made = try Taizhang.run(["workspace", "backup", backup, "--workspace", ws])
        #expect(made.status == 0, "\(made.stderr)")
        #expect(try Taizhang.run(["workspace", "backup", backup, "--workspace", ws]).stderr.contains("已存在"))
        // Fold the log into the file, then damage a page in the middle of it.
        let damage = try ExternalProgram.python("""
            import sqlite3, sys
            c = sqlite3.connect(sys.argv[1]); c.execute('PRAGMA wal_checkpoint(TRUNCATE)'); c.close()
            size = __import__('os').path.getsize(sys.argv[1])
            with open(sys.argv[1], 'r+b') as f:
                for page in range(2, size // 4096):
                    f.seek(page * 4096 + 8); f.write(b'\\xde\\xad\\xbe\\xef' * 200)
            """, [ws])
        #expect(damage.status == 0, "\(damage.stderr)")
        let more = try Taizhang.writeCSV("progress", unit: "benxi", period: june, rows: 0, in: inbox)
        let refused = try Taizhang.run(["ingest", more.path, "--workspace", ws])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("已损坏"), "\(refused.stderr)")
        #expect(refused.stderr.contains("taizhang workspace restore"), "\(refused.stderr)")
        #expect(try Taizhang.run(["workspace", "check", "--workspace", ws]).status == 1)
        let restored = try Taizhang.run(["workspace", "restore", backup, "--workspace", ws])
        #expect(restored.status == 0, "\(restored.stderr)")
        #expect(restored.stdout.contains("原工作区保留为"))
        #expect(try Taizhang.run(["workspace", "check", "--workspace", ws]).stdout.contains("完整性检查：通过"))
        #expect(try Taizhang.run(["ingest", more.path, "--workspace", ws]).status == 0)
    }

    @Test func aWorkspaceFromANewerBuildIsRefused() throws {
        let dir = try Taizhang.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (ws, inbox) = try workspace(in: dir)
        let future = try ExternalProgram.python("""
            import sqlite3, sys
            c = sqlite3.connect(sys.argv[1]); c.execute("INSERT INTO grdb_migrations VALUES ('v9: from the future')"); c.commit()
            """, [ws])
        #expect(future.status == 0, "\(future.stderr)")
        let before = digest(ws)
        let more = try Taizhang.writeCSV("progress", unit: "benxi", period: june, rows: 0, in: inbox)
        for arguments in [["ingest", more.path], ["status", "--period", "2024-06"]] {
            let run = try Taizhang.run(arguments + ["--workspace", ws])
            #expect(run.status == 2)
            #expect(run.stderr.contains("由更新版本的台账工具建立"), "\(run.stderr)")
            #expect(run.stderr.contains("v9: from the future"))
        }
        #expect(digest(ws) == before)
    }

    /// Three workspaces that received the same files in different orders, in separate runs: the rectification
    /// ledger (five rows) names two problems the self-check ledger (three rows) lacks, whichever came first.
    @Test func verdictsDoNotDependOnTheOrderOfArrival() throws {
        let dir = try Taizhang.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let inbox = dir.appendingPathComponent("inbox")
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        let selfCheck = try Taizhang.writeCSV("self-check", unit: "anshan", period: june, rows: 3, in: inbox)
        let rectification = try Taizhang.writeCSV("rectification", unit: "anshan", period: june, rows: 5, in: inbox)
        let fuller = dir.appendingPathComponent("corrected")
        try FileManager.default.createDirectory(at: fuller, withIntermediateDirectories: true)
        let corrected = try Taizhang.writeCSV("self-check", unit: "anshan", period: june, rows: 5, in: fuller)

        func ingest(_ files: [URL], into ws: String) throws -> ProgramRun {
            try Taizhang.run(["ingest"] + files.map(\.path) + ["--workspace", ws, "--received", "2024-06-20"])
        }
        func status(_ ws: String) throws -> String {
            try Taizhang.run(["status", "--workspace", ws, "--period", "2024-06", "--as-of", "2024-06-28", "--json"]).stdout
        }
        let late = dir.appendingPathComponent("late.sqlite").path      // rectification first, then self-check
        let early = dir.appendingPathComponent("early.sqlite").path    // self-check first
        let together = dir.appendingPathComponent("together.sqlite").path

        #expect(try ingest([rectification], into: late).status == 0, "no self-check ledger yet: nothing to check against")
        let arrival = try ingest([selfCheck], into: late)
        #expect(arrival.status == 1, "a ledger of the unit now stands returned")
        #expect(arrival.stdout.contains("重新核对"), "\(arrival.stdout)")
        #expect(arrival.stdout.contains("已接收 → 已退回"), "\(arrival.stdout)")
        #expect(try ingest([selfCheck], into: early).status == 0)
        #expect(try ingest([rectification], into: early).status == 1)
        #expect(try ingest([rectification, selfCheck], into: together).status == 1)

        let statuses = try [late, early, together].map(status)
        #expect(statuses[0] == statuses[1])
        #expect(statuses[1] == statuses[2])
        for ws in [late, early, together] {
            let workspace = try Workspace(path: ws, access: .read)
            let rect = try #require(try workspace.submissions().first { $0.form == "rectification" })
            #expect(rect.state == .rejected)
            #expect(rect.errorCount == 2)
            #expect(try workspace.submissions().count == 2, "a recheck updates the submission; it adds none")
        }
        #expect(try Workspace(path: late, access: .read).verdictHistory(of: 1).map(\.state) == [.accepted])

        // The corrected self-check ledger names all five: the rectification ledger stands accepted in both.
        for ws in [late, early] {
            let run = try ingest([corrected], into: ws)
            #expect(run.status == 0, "\(run.stdout)")
            #expect(run.stdout.contains("已退回 → 已接收"), "\(run.stdout)")
        }
        #expect(try status(late) == status(early))
        #expect(try Workspace(path: late, access: .read).verdictHistory(of: 1).map(\.state) == [.accepted, .rejected])
    }

    /// The same for a rectification ledger large enough to be checked row by row (over a MiB): its verdict is
    /// reached again when its self-check ledger comes, and the report stored with it then names every one of its
    /// thousands of unknown 问题编号 — the report `check --all` gives against the same self-check ledger.
    @Test func aLargeLedgersVerdictIsReachedAgainRowByRow() throws {
        let dir = try Taizhang.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let rows = 6_000
        let rectification = try Taizhang.writeCSV("rectification", unit: "anshan", period: june, rows: rows, in: dir)
        #expect(try FileManager.default.attributesOfItem(atPath: rectification.path)[.size] as! Int > 1 << 20)
        let few = dir.appendingPathComponent("few")
        try FileManager.default.createDirectory(at: few, withIntermediateDirectories: true)
        let selfCheck = try Taizhang.writeCSV("self-check", unit: "anshan", period: june, rows: 3, in: few)
        let ws = dir.appendingPathComponent("ws.sqlite").path
        func ingest(_ file: URL) throws -> ProgramRun {
            try Taizhang.run(["ingest", file.path, "--workspace", ws, "--received", "2024-06-20"])
        }
        #expect(try ingest(rectification).status == 0)
        let arrival = try ingest(selfCheck)
        #expect(arrival.status == 1, "\(arrival.stdout)")
        #expect(arrival.stdout.contains("已接收 → 已退回"), "\(arrival.stdout)")

        let workspace = try Workspace(path: ws, access: .read)
        let rect = try #require(try workspace.submissions().first { $0.form == "rectification" })
        #expect(rect.state == .rejected && rect.errorCount == rows - 3)
        let stored = try JSONDecoder().decode(ValidationReport.self,
                                              from: Data(try #require(try workspace.reportJSON(of: rect.id)).utf8))
        let check = try Taizhang.run(["check", rectification.path, "--reference", selfCheck.path, "--json", "--all"])
        let checked = try JSONDecoder().decode(ValidationReport.self, from: Data(check.stdout.utf8))
        #expect(stored.findings.count == rows - 3)
        #expect(stored.findings == checked.findings)
        #expect(try workspace.verdictHistory(of: rect.id).map(\.state) == [.accepted])
    }

    @Test(arguments: [2, 3])
    func clerksIngestingAtOnceLoseAndDoubleNothing(processes: Int) throws {
        let dir = try Taizhang.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let units = ["shenyang", "dalian", "anshan", "fushun", "benxi", "dandong"]
        var batches: [[URL]] = Array(repeating: [], count: processes)
        var all: [URL] = []
        for (n, unit) in units.enumerated() {
            for form in ["self-check", "rectification", "progress"] {
                let folder = dir.appendingPathComponent("\(unit)-\(form)")
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                let file = try Taizhang.writeCSV(form, unit: unit, period: june, rows: form == "progress" ? 0 : 30, in: folder)
                batches[(n + all.count) % processes].append(file)
                all.append(file)
            }
        }
        // Every process also sends one file another process sends: it must be recorded once.
        for p in 0..<processes { batches[p].append(batches[(p + 1) % processes][0]) }
        let ws = dir.appendingPathComponent("taizhang.sqlite").path
        let runs = Locked<[Int: ProgramRun]>([:])
        let given = batches
        DispatchQueue.concurrentPerform(iterations: processes) { p in
            let run = try? Taizhang.run(["ingest"] + given[p].map(\.path) + ["--workspace", ws, "--received", "2024-06-20"])
            runs.withLock { $0[p] = run }
        }
        var lines: [String] = []
        for p in 0..<processes {
            let run = try #require(runs.withLock { $0[p] } ?? nil)
            #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
            #expect(!run.stderr.contains("SQLite"), "\(run.stderr)")
            lines += run.stdout.split(separator: "\n").map(String.init)
        }
        let workspace = try Workspace(path: ws, access: .read)
        let submissions = try workspace.submissions()
        #expect(submissions.count == all.count, "every file once")
        #expect(Set(submissions.map(\.fileName)) == Set(all.map(\.lastPathComponent)))
        #expect(submissions.allSatisfy { $0.state == .accepted })
        for file in all {
            let mentions = lines.filter { $0.contains(file.lastPathComponent) }
            #expect(mentions.filter { $0.hasPrefix("已接收") }.count == 1, "\(file.lastPathComponent): \(mentions)")
        }
        #expect(lines.filter { $0.hasPrefix("已收到过") }.count == processes)
    }

    @Test func emptyAndUnreadableFilesAreRefusedUnderTheirOwnNames() throws {
        let dir = try Taizhang.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let ws = dir.appendingPathComponent("taizhang.sqlite").path
        let a = dir.appendingPathComponent("沈阳_自查台账.xlsx"), b = dir.appendingPathComponent("大连_自查台账.xlsx")
        try Data().write(to: a)
        try Data().write(to: b)
        let fifo = dir.appendingPathComponent("管道.xlsx").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let first = try Taizhang.run(["ingest", a.path, b.path, fifo, "--workspace", ws])
        #expect(first.status == 1, "\(first.stdout)\(first.stderr)")
        #expect(first.stdout.contains("已拒收 3"), "\(first.stdout)")
        #expect(first.stdout.contains("管道"), "\(first.stdout)")
        let names = try Workspace(path: ws, access: .read).submissions().map(\.fileName)
        #expect(Set(names) == ["沈阳_自查台账.xlsx", "大连_自查台账.xlsx", "管道.xlsx"])
        // Sent again: known, and still a file the unit must fix.
        let again = try Taizhang.run(["ingest", a.path, "--workspace", ws])
        #expect(again.status == 1)
        #expect(again.stdout.contains("已收到过") && again.stdout.contains("已拒收"), "\(again.stdout)")
    }

    @Test func controlCharactersFromFilesAreShownNotObeyed() throws {
        let dir = try Taizhang.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let inbox = dir.appendingPathComponent("inbox")
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        let file = try Taizhang.writeCSV("self-check", unit: "benxi", period: june, rows: 3, in: inbox) { doc in
            doc.rows["main"]![1]["found_date"] = .text("\u{1B}[2J\u{1B}[H已接收\n伪造")
        }
        let evil = inbox.appendingPathComponent("假\u{1B}[31m\n已接收    伪造.csv")
        try FileManager.default.moveItem(at: file, to: evil)
        for arguments in [["check", evil.path], ["ingest", evil.path, "--workspace", dir.appendingPathComponent("w.sqlite").path]] {
            let run = try Taizhang.run(arguments)
            #expect(!run.stdout.contains("\u{1B}") && !run.stderr.contains("\u{1B}"), "\(arguments)")
            #expect(!run.stdout.split(separator: "\n").contains { $0.hasPrefix("已接收    伪造") }, "\(run.stdout)")
            #expect(run.stdout.contains("␛"), "\(arguments): \(run.stdout)")
        }
    }

    @Test func theDemoKeepsOutOfFoldersItDidNotMake() throws {
        let dir = try Taizhang.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let precious = dir.appendingPathComponent("1-模板")
        try FileManager.default.createDirectory(at: precious, withIntermediateDirectories: true)
        try Data("mine".utf8).write(to: precious.appendingPathComponent("我的.txt"))
        let refused = try Taizhang.run(["demo", dir.path])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("不是演示程序建立的"), "\(refused.stderr)")
        #expect(FileManager.default.fileExists(atPath: precious.appendingPathComponent("我的.txt").path))
        let fresh = dir.appendingPathComponent("demo")
        #expect(try Taizhang.run(["demo", fresh.path]).status == 0)
        #expect(try Taizhang.run(["demo", fresh.path]).status == 0, "its own folder again")
        #expect(try Taizhang.run(["demo", dir.path, "--force"]).status == 0)
    }

    @Test func scratchFoldersArePrivateAndLeftoversOfKilledRunsAreSwept() throws {
        let dir = try Taizhang.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let tmp = dir.appendingPathComponent("tmp")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
        // A leftover of a process that no longer runs, and folders that are not Taizhang's scratch.
        var dead: pid_t = 4_000_000
        while kill(dead, 0) == 0 || errno != ESRCH { dead += 1 }
        let leftover = tmp.appendingPathComponent("taizhang-scratch-xlsx-\(dead)-a1B2c3")
        let others = ["taizhang-cli-1234-5678", "taizhang-scratch-xlsx-\(getpid())-a1B2c3", "taizhang-scratch-xlsx-\(dead)-toolong7"]
        for folder in [leftover.lastPathComponent] + others {
            try FileManager.default.createDirectory(at: tmp.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        let out = dir.appendingPathComponent("t.xlsx").path
        let run = try Taizhang.run(["template", "自查台账", "--unit", "本溪", "--period", "2024-06", "-o", out],
                                   environment: ["TMPDIR": tmp.path])
        #expect(run.status == 0, "\(run.stderr)")
        let left = try FileManager.default.contentsOfDirectory(atPath: tmp.path)
        #expect(!left.contains(leftover.lastPathComponent), "the dead process's folder is swept")
        #expect(Set(left) == Set(others), "nothing else is touched, and the run left nothing behind: \(left)")

        // Interrupted mid-way, a run removes its own scratch folder.
        let big = dir.appendingPathComponent("big")
        try FileManager.default.createDirectory(at: big, withIntermediateDirectories: true)
        let csv = try Taizhang.writeCSV("self-check", unit: "benxi", period: june, rows: 30_000, in: big)
        let process = Process()
        process.executableURL = ExternalProgram.taizhang
        process.arguments = ["export", csv.path, "--to", "xlsx", "-o", dir.appendingPathComponent("big.xlsx").path]
        process.environment = ProcessInfo.processInfo.environment.merging(["TMPDIR": tmp.path]) { $1 }
        try process.run()
        var seen = false
        for _ in 0..<12_000 where !seen && process.isRunning {
            usleep(10_000)
            let now = (try? FileManager.default.contentsOfDirectory(atPath: tmp.path)) ?? []
            if let mine = now.first(where: { $0.hasPrefix("taizhang-scratch-xlsx-\(process.processIdentifier)-") }) {
                seen = true
                var info = stat()
                #expect(stat(tmp.appendingPathComponent(mine).path, &info) == 0)
                #expect(info.st_mode & 0o777 == 0o700, "private to its owner")
            }
        }
        #expect(seen, "the export made its scratch folder")
        process.terminate()
        process.waitUntilExit()
        let after = try FileManager.default.contentsOfDirectory(atPath: tmp.path)
        #expect(!after.contains { $0.contains("-\(process.processIdentifier)-") }, "\(after)")
    }
}
