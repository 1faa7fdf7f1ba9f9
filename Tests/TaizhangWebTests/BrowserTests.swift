import Foundation
import TaizhangTestSupport
import Testing

/// The workbench in a real browser: the built `taizhang serve` on a loopback port, driven by Selenium through
/// Debian's chromium and chromedriver (`browser/workbench_browser.py`). Screenshots of every page are kept in
/// `artefacts/` beside this file. A machine without chromium fails this test with the reason: it is never
/// skipped silently.
@Suite("Web workbench in Chromium (Selenium)", .serialized)
struct BrowserTests {
    static let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()

    /// A free loopback port (bound, read and released).
    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Whether something answers on the port.
    static func answers(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }

    @Test("Sign in, upload a faulty return through the file input, see its findings, download and open the annotated workbook, see the board change; a unit's clerk self-checks")
    func browser() throws {
        for program in ["/usr/bin/chromium", "/usr/bin/chromedriver"] {
            try #require(FileManager.default.isExecutableFile(atPath: program),
                         "没有 \(program)：请运行 scripts/install-deps.sh（apt-get install chromium chromium-driver）")
        }
        let selenium = try ExternalProgram.python("import selenium, openpyxl")
        try #require(selenium.status == 0, "没有 Python 模块 selenium 或 openpyxl：请运行 scripts/install-deps.sh")

        // The demo's workspace with two users, and 朝阳's June progress report left empty: a faulty return.
        let (bench, _) = try Fixture.workbench()
        let workspace = bench.options.workspace
        let folder = (workspace as NSString).deletingLastPathComponent
        let taizhang = ExternalProgram.taizhang.path
        for (name, role) in [("省厅", ["--role", "province"]), ("朝阳填报员", ["--role", "unit", "--unit", "朝阳"])] {
            let run = try ExternalProgram.run(taizhang, ["users", "add", name] + role + ["--password-stdin", "--workspace", workspace],
                                              input: Data("browser-test-1\n".utf8))
            try #require(run.status == 0, "\(run.stderr)")
        }
        let faulty = (folder as NSString).appendingPathComponent("2024-06_朝阳市工业和信息化局_工作进展台账.xlsx")
        try Fixture.emptyProgressReturn().write(to: URL(fileURLWithPath: faulty))

        let port = BrowserTests.freePort()
        let server = Process()
        server.executableURL = URL(fileURLWithPath: taizhang)
        server.arguments = ["serve", "--workspace", workspace, "--port", "\(port)", "--as-of", "2024-06-28"]
        let log = Pipe()
        server.standardError = log
        server.standardOutput = log
        try server.run()
        defer {
            server.terminate()
            server.waitUntilExit()
        }
        let ready = Date().addingTimeInterval(30)
        while !BrowserTests.answers(port) && Date() < ready && server.isRunning { usleep(100_000) }
        try #require(BrowserTests.answers(port), "taizhang serve 没有在 30 秒内启动")

        let artefacts = BrowserTests.here.appendingPathComponent("artefacts").path
        let script = BrowserTests.here.appendingPathComponent("browser/workbench_browser.py").path
        let run = try ExternalProgram.tool("python3", [script, "http://127.0.0.1:\(port)", artefacts, faulty, "省厅", "朝阳填报员",
                                                       "browser-test-1"])
        #expect(run.status == 0, "\(run.stderr)\n\(run.stdout)")
        print(run.stdout, terminator: "")
        let shots = try FileManager.default.contentsOfDirectory(atPath: artefacts).filter { $0.hasSuffix(".png") }
        #expect(shots.count >= 13)
    }
}
