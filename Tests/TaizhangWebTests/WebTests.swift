import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TaizhangCore
import TaizhangForms
import TaizhangSamples
import TaizhangTestSupport
import TaizhangWorkflow
import Testing

@testable import TaizhangWeb

/// The demo's workspace, made once (the demo is deterministic) and copied for every test.
enum Fixture {
    static let demo: String = {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("taizhang-web-tests-\(getpid())")
        try? FileManager.default.removeItem(at: directory)
        let workflow = try! Workflow(formSet: BuiltinForms.load())
        try! workflow.runDemo(in: directory) { _ in }
        return directory.appendingPathComponent("taizhang.sqlite").path
    }()

    static let asOf = CivilDate(year: 2024, month: 6, day: 28)!

    /// A copy of the demo workspace served by a new workbench (with `users`: a province user `省厅` and 朝阳's
    /// clerk `朝阳填报员`, password `password1`, whose API tokens are returned).
    static func workbench(users: Bool = false, uploadLimit: Int = 8 << 20, host: String = "127.0.0.1") throws
        -> (bench: Workbench, tokens: [String: String]) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("taizhang-web-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("taizhang.sqlite").path
        try FileManager.default.copyItem(atPath: demo, toPath: path)
        let workflow = try Workflow(formSet: BuiltinForms.load())
        let bench = try Workbench(workflow: workflow, options: WorkbenchOptions(
            workspace: path, host: host, port: 8080, asOf: asOf, uploadLimit: uploadLimit))
        var tokens: [String: String] = [:]
        if users {
            tokens["province"] = try workflow.addUser(name: "省厅", role: .province, unit: nil, password: "password1",
                                                      workspace: bench.writer).token
            tokens["chaoyang"] = try workflow.addUser(name: "朝阳填报员", role: .unit, unit: "朝阳", password: "password1",
                                                      workspace: bench.writer).token
        }
        return (bench, tokens)
    }

    /// 朝阳's June progress template, left empty: a faulty return (every required cell is blank).
    static func emptyProgressReturn(unit: String = "朝阳") throws -> Data {
        let workflow = try Workflow(formSet: BuiltinForms.load())
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("taizhang-web-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("return.xlsx").path
        try workflow.writeTemplate(form: "工作进展台账", unit: unit, period: YearMonth(year: 2024, month: 6)!, to: path)
        return try Data(contentsOf: URL(fileURLWithPath: path))
    }
}

/// A multipart body with the given files in field `files` (and other fields).
func multipart(_ files: [(name: String, bytes: Data)], fields: [String: String] = [:]) -> (ByteBuffer, HTTPFields) {
    let boundary = "----taizhang-test-\(UUID().uuidString)"
    var body = Data()
    for (key, value) in fields {
        body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(key)\"\r\n\r\n\(value)\r\n".utf8)
    }
    for file in files {
        body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"files\"; filename=\"\(file.name)\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8)
        body += file.bytes
        body += Data("\r\n".utf8)
    }
    body += Data("--\(boundary)--\r\n".utf8)
    return (ByteBuffer(bytes: body), [.contentType: "multipart/form-data; boundary=\(boundary)"])
}

extension TestResponse {
    var text: String { String(buffer: body) }
    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] ?? [:] }
    var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
}

func bearer(_ token: String?) -> HTTPFields {
    token.map { [.authorization: "Bearer \($0)"] } ?? [:]
}

@Suite("Web workbench: pages, API, roles and errors (in process)")
struct WebTests {
    @Test("Without users: every page answers for the local province user, in Chinese, with the board's legend and charts")
    func localPages() async throws {
        let (bench, _) = try Fixture.workbench()
        try await bench.application().test(.router) { client in
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                #expect(response.headers[.contentSecurityPolicy]?.contains("default-src 'self'") == true)
                let html = response.text
                #expect(html.contains("<meta charset=\"utf-8\">"))
                #expect(html.contains("报送情况总览"))
                #expect(html.contains("图例"))
                for word in ["按时", "逾期", "已退回", "未报送"] { #expect(html.contains(word)) }
                #expect(html.contains("逾期未整改问题"))
                #expect(html.contains("<svg"))
                #expect(html.contains("解决突出问题"))
                // 葫芦岛's June rectification ledger was returned; 朝阳's June progress report is missing.
                #expect(html.contains("已退回（"))
            }
            for uri in ["/static/style.css", "/static/app.js", "/units/chaoyang", "/upload", "/check", "/templates", "/reports",
                        "/submissions/1"] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .ok, "\(uri)")
                }
            }
            try await client.execute(uri: "/units/nowhere", method: .get) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/submissions/99999", method: .get) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/submissions/abc", method: .get) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/no-such-page", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.text.contains("找不到"))
            }
            try await client.execute(uri: "/?as_of=2024-13-01", method: .get) { #expect($0.status == .badRequest) }
            // Signing in makes no sense without users: back to the board.
            try await client.execute(uri: "/login", method: .get) { #expect($0.status == .found) }
        }
    }

    @Test("Downloads: the original, the annotated workbook and the notice of a returned submission; templates; reports")
    func downloads() async throws {
        let (bench, _) = try Fixture.workbench()
        let returned = try bench.workflow.submissions(workspace: bench.reader).first { $0.state == .rejected }!
        try await bench.application().test(.router) { client in
            try await client.execute(uri: "/submissions/\(returned.id)", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains("id=\"findings\""))
                #expect(response.text.contains("错误"))
            }
            try await client.execute(uri: "/submissions/\(returned.id)/original", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentDisposition]?.contains("filename*=UTF-8''") == true)
                #expect(response.body.readableBytes == returned.size)
            }
            for uri in ["/submissions/\(returned.id)/annotated.xlsx", "/api/submissions/\(returned.id)/annotated.xlsx"] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .ok, "\(uri)")
                    #expect(response.headers[.contentType]?.contains("spreadsheetml") == true)
                    #expect(Array(response.body.readableBytesView.prefix(2)) == [0x50, 0x4B])
                    #expect(response.headers[.contentDisposition]?.contains(query("_退回修改.xlsx")) == true)
                }
            }
            try await client.execute(uri: "/submissions/\(returned.id)/notice.txt", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains("退回"))
            }
            try await client.execute(uri: "/templates.zip?period=2024-06&unit=chaoyang", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/zip")
                #expect(Array(response.body.readableBytesView.prefix(2)) == [0x50, 0x4B])
            }
            try await client.execute(uri: "/templates.zip?period=2024-06", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/templates.zip?period=2030-01", method: .get) { #expect($0.status == .badRequest) }
            try await client.execute(uri: "/templates.zip?period=../../etc", method: .get) { #expect($0.status == .badRequest) }
            try await client.execute(uri: "/reports/progress?period=2024-06", method: .get) { response in
                #expect(response.status == .ok)
                #expect(Array(response.body.readableBytesView.prefix(2)) == [0x50, 0x4B])
            }
            try await client.execute(uri: "/reports/progress?period=2024-06&format=memo", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains("工作进展情况"))
            }
            try await client.execute(uri: "/reports/progress?period=2024-06&format=../x", method: .get) { #expect($0.status == .badRequest) }
            try await client.execute(uri: "/reports/other", method: .get) { #expect($0.status == .notFound) }
        }
    }

    @Test("A return with the same mistake on every row: the page lists 20 and counts the rest; the API too, whole with ?all=1")
    func boundedFindings() async throws {
        let (bench, _) = try Fixture.workbench()
        let workflow = bench.workflow
        var document = SampleLedgers(formSet: workflow.formSet).document(
            form: workflow.formSet.form("self-check")!, unit: workflow.formSet.unit(id: "tieling")!,
            period: YearMonth(year: 2024, month: 7)!, rows: 60, seed: 11)
        for i in document.rows["main"]!.indices { document.rows["main"]![i].values["found_date"] = .text("去年某天") }
        let sink = MemorySink()
        try workflow.ledgerExporter("csv").export(document, to: sink)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("铁岭-\(UUID().uuidString).csv").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(sink.bytes).write(to: URL(fileURLWithPath: path))
        let outcome = try #require(try workflow.ingest(paths: [path], workspace: bench.writer).first)
        #expect(outcome.verdict == .returned && outcome.errors == 60)
        try await bench.application().test(.router) { client in
            try await client.execute(uri: "/submissions/\(outcome.submission)", method: .get) { response in
                #expect(response.status == .ok)
                let listed = response.text.components(separatedBy: "去年某天").count - 1
                #expect(listed == ValidationReport.shownPerCode + 1, "20 rows and the example in the count line")
                #expect(response.text.contains("……另有 40 处同类问题（如 “发现时间”栏："), "\(response.text.suffix(1500))")
            }
            try await client.execute(uri: "/api/submissions/\(outcome.submission)", method: .get) { response in
                let report = response.json["report"] as? [String: Any]
                #expect((report?["findings"] as? [Any])?.count == ValidationReport.shownPerCode)
                #expect((report?["omitted"] as? [String: Int])?["invalid-date"] == 40)
                #expect(report?["errorCount"] as? Int == 60)
            }
            try await client.execute(uri: "/api/submissions/\(outcome.submission)?all=1", method: .get) { response in
                let report = response.json["report"] as? [String: Any]
                #expect((report?["findings"] as? [Any])?.count == 60)
                #expect(report?["omitted"] == nil)
            }
        }
    }

    @Test("JSON API: status as status --to json, submissions, check, the progress report; errors as JSON with a code")
    func api() async throws {
        let (bench, _) = try Fixture.workbench()
        let expected = try bench.workflow.statusText(workspace: bench.reader, period: YearMonth(year: 2024, month: 6)!,
                                                     asOf: Fixture.asOf, format: "json")
        let faulty = try Fixture.emptyProgressReturn()
        try await bench.application().test(.router) { client in
            try await client.execute(uri: "/api/status?period=2024-06&as_of=2024-06-28", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/json; charset=utf-8")
                #expect(response.text == expected)
            }
            try await client.execute(uri: "/api/status", method: .get) { response in
                #expect(response.status == .badRequest)
                #expect(response.errorCode == "period.invalid")
                #expect(((response.json["error"] as? [String: Any])?["message"] as? String)?.contains("报送期") == true)
            }
            try await client.execute(uri: "/api/submissions/1", method: .get) { response in
                #expect(response.status == .ok)
                #expect((response.json["submission"] as? [String: Any])?["id"] as? Int == 1)
                #expect(response.json["report"] != nil)
            }
            try await client.execute(uri: "/api/submissions/424242", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.errorCode == "web.not-found")
            }
            try await client.execute(uri: "/api/reports/progress.xlsx?period=2024-06", method: .get) { response in
                #expect(response.status == .ok)
                #expect(Array(response.body.readableBytesView.prefix(2)) == [0x50, 0x4B])
            }
            // Check: findings, nothing stored.
            let before = try bench.workflow.workspaceStamp(bench.reader)
            let (body, headers) = multipart([("朝阳_工作进展台账.xlsx", faulty), ("说明.txt", Data("你好".utf8))])
            try await client.execute(uri: "/api/check", method: .post, headers: headers, body: body) { response in
                #expect(response.status == .ok)
                let files = response.json["files"] as? [[String: Any]] ?? []
                #expect(files.count == 2)
                let report = files.first?["report"] as? [String: Any]
                #expect(report?["unit"] as? String == "chaoyang")
                #expect((report?["errorCount"] as? Int ?? 0) > 0)
                #expect(((report?["findings"] as? [[String: Any]])?.first?["location"] as? [String: Any])?["cell"] != nil)
                #expect(((files.last?["error"] as? [String: Any])?["code"] as? String)?.hasPrefix("import.") == true)
            }
            #expect(try bench.workflow.workspaceStamp(bench.reader) == before)
            // Ingest: outcome and findings; the board changes; the same bytes again are "known", not doubled.
            let (body2, headers2) = multipart([("2024-06_朝阳_工作进展台账.xlsx", faulty)])
            var id = 0
            try await client.execute(uri: "/api/submissions", method: .post, headers: headers2, body: body2) { response in
                #expect(response.status == .ok)
                let file = (response.json["files"] as? [[String: Any]])?.first
                let outcome = file?["outcome"] as? [String: Any]
                #expect(outcome?["state"] as? String == "rejected")
                #expect(outcome?["file"] as? String == "2024-06_朝阳_工作进展台账.xlsx")
                id = outcome?["submission"] as? Int ?? 0
                #expect(((file?["report"] as? [String: Any])?["errorCount"] as? Int ?? 0) > 0)
            }
            #expect(try bench.workflow.workspaceStamp(bench.reader) != before)
            try await client.execute(uri: "/api/submissions", method: .post, headers: headers2, body: body2) { response in
                let outcome = ((response.json["files"] as? [[String: Any]])?.first)?["outcome"] as? [String: Any]
                #expect(outcome?["state"] as? String == "known")
                #expect(outcome?["submission"] as? Int == id)
            }
            let status = try bench.workflow.boardStatus(workspace: bench.reader, asOf: Fixture.asOf)
            #expect(status.obligations.first { $0.unit == "chaoyang" && $0.form == "progress" && $0.period.iso == "2024-06" }?.standing == .returned)
            // Not multipart, no files: 400.
            try await client.execute(uri: "/api/check", method: .post, headers: [.contentType: "text/plain"],
                                     body: ByteBuffer(string: "x")) { response in
                #expect(response.status == .badRequest)
                #expect(response.errorCode == "web.bad-request")
            }
            let (empty, emptyHeaders) = multipart([])
            try await client.execute(uri: "/api/check", method: .post, headers: emptyHeaders, body: empty) { #expect($0.status == .badRequest) }
        }
    }

    @Test("Uploads keep the sender's name but never use it as a path")
    func hostileNames() async throws {
        let (bench, _) = try Fixture.workbench()
        let faulty = try Fixture.emptyProgressReturn(unit: "铁岭")
        let (body, headers) = multipart([("../../../../tmp/evil-\(UUID().uuidString).xlsx", faulty)])
        try await bench.application().test(.router) { client in
            try await client.execute(uri: "/api/submissions", method: .post, headers: headers, body: body) { response in
                #expect(response.status == .ok)
                let outcome = ((response.json["files"] as? [[String: Any]])?.first)?["outcome"] as? [String: Any]
                #expect((outcome?["file"] as? String)?.hasPrefix("evil-") == true)
                let id = outcome?["submission"] as? Int ?? 0
                try await client.execute(uri: "/submissions/\(id)/annotated.xlsx", method: .get) { #expect($0.status == .ok) }
            }
        }
    }

    @Test("Upload caps: a body over the limit is 413, as JSON under /api and as a page elsewhere")
    func tooLarge() async throws {
        let (bench, _) = try Fixture.workbench(uploadLimit: 4096)
        let (body, headers) = multipart([("big.xlsx", Data(repeating: 0x41, count: 10_000))])
        try await bench.application().test(.router) { client in
            try await client.execute(uri: "/api/check", method: .post, headers: headers, body: body) { response in
                #expect(response.status == .contentTooLarge)
                #expect(response.errorCode == "web.too-large")
            }
            var pageHeaders = headers
            pageHeaders[.csrfToken] = bench.localCSRF
            try await client.execute(uri: "/upload", method: .post, headers: pageHeaders, body: body) { response in
                #expect(response.status == .contentTooLarge)
                #expect(response.text.contains("太大"))
            }
        }
    }

    @Test("CSRF and Origin: a page's post without the token is refused; an API post from another site is refused")
    func forgery() async throws {
        let (bench, _) = try Fixture.workbench()
        let faulty = try Fixture.emptyProgressReturn()
        let before = try bench.workflow.workspaceStamp(bench.reader)
        try await bench.application().test(.router) { client in
            let (body, headers) = multipart([("a.xlsx", faulty)])
            try await client.execute(uri: "/upload", method: .post, headers: headers, body: body) { response in
                #expect(response.status == .forbidden)
                #expect(response.text.contains("表单已失效"))
            }
            let (wrong, wrongHeaders) = multipart([("a.xlsx", faulty)], fields: ["csrf": "0000"])
            try await client.execute(uri: "/check", method: .post, headers: wrongHeaders, body: wrong) { #expect($0.status == .forbidden) }
            var crossSite = headers
            crossSite[.origin] = "http://evil.example"
            try await client.execute(uri: "/api/submissions", method: .post, headers: crossSite, body: body) { response in
                #expect(response.status == .forbidden)
                #expect(response.errorCode == "web.origin")
            }
            #expect(try bench.workflow.workspaceStamp(bench.reader) == before)
            // With the token (the page's script sends it as a header), the upload goes through.
            var good = headers
            good[.csrfToken] = bench.localCSRF
            good[.origin] = "http://localhost"
            try await client.execute(uri: "/upload", method: .post, headers: good, body: body) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains("已退回"))
            }
            let (check, checkHeaders) = multipart([("a.xlsx", faulty)], fields: ["csrf": bench.localCSRF])
            try await client.execute(uri: "/check", method: .post, headers: checkHeaders, body: check) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains("不能为空"))
            }
        }
        #expect(try bench.workflow.workspaceStamp(bench.reader) != before)
    }

    @Test("Loopback rule: without users the server will not listen beyond loopback, with users it will")
    func binding() throws {
        let (open, _) = try Fixture.workbench(host: "0.0.0.0")
        #expect(throws: WorkflowError.self) { try open.checkBinding() }
        let (guarded, _) = try Fixture.workbench(users: true, host: "0.0.0.0")
        try guarded.checkBinding()
        #expect(Workbench.isLoopback("127.0.0.1") && Workbench.isLoopback("localhost") && Workbench.isLoopback("::1"))
        #expect(!Workbench.isLoopback("192.168.1.5"))
        #expect(AuthMiddleware.hostName("[::1]:8080") == "::1")
        #expect(AuthMiddleware.hostName("evil.example:8080") == "evil.example")
        #expect(WebRoutes.safeNext("//evil.example") == "/" && WebRoutes.safeNext("https://x") == "/"
                && WebRoutes.safeNext("/units/chaoyang") == "/units/chaoyang")
    }

    @Test("With users: anonymous requests get 401; sign-in sets an HttpOnly, SameSite=Strict cookie; a bad password is refused")
    func signIn() async throws {
        let (bench, _) = try Fixture.workbench(users: true)
        try await bench.application().test(.router) { client in
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.status == .unauthorized)
                #expect(response.text.contains("登录"))
            }
            for uri in ["/api/status?period=2024-06", "/api/submissions/1", "/api/reports/progress.xlsx?period=2024-06"] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .unauthorized, "\(uri)")
                    #expect(response.errorCode == "web.unauthorized")
                }
            }
            try await client.execute(uri: "/api/submissions/1", method: .get, headers: bearer("not-a-token")) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/submissions/1/original", method: .get) { #expect($0.status == .unauthorized) }
            let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            let wrong = "name=\(query("省厅"))&password=wrong-password&next=%2F"
            try await client.execute(uri: "/login", method: .post, headers: form, body: ByteBuffer(string: wrong)) { response in
                #expect(response.status == .unauthorized)
                #expect(response.text.contains("用户名或密码不正确"))
            }
            let right = "name=\(query("省厅"))&password=password1&next=\(query("/units/chaoyang"))"
            let cookie = try await client.execute(uri: "/login", method: .post, headers: form, body: ByteBuffer(string: right)) { response in
                #expect(response.status == .found)
                #expect(response.headers[.location] == "/units/chaoyang")
                let setCookie = response.headers[.setCookie] ?? ""
                #expect(setCookie.contains("HttpOnly"))
                #expect(setCookie.contains("SameSite=Strict"))
                return String(setCookie.split(separator: ";").first ?? "")
            }
            try await client.execute(uri: "/", method: .get, headers: [.cookie: cookie]) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains("报送情况总览"))
                #expect(response.text.contains("退出"))
            }
            // A page post with the session but without its CSRF token is refused.
            let (body, headers) = multipart([("a.xlsx", try Fixture.emptyProgressReturn())])
            var withCookie = headers
            withCookie[.cookie] = cookie
            try await client.execute(uri: "/upload", method: .post, headers: withCookie, body: body) { #expect($0.status == .forbidden) }
            try await client.execute(uri: "/logout", method: .post, headers: [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"],
                                     body: ByteBuffer(string: "csrf=nope")) { #expect($0.status == .forbidden) }
        }
    }

    @Test("Roles: a unit's clerk sees only its own unit; 403 on another unit's submission, on the province's reports and status")
    func roles() async throws {
        let (bench, tokens) = try Fixture.workbench(users: true)
        let submissions = try bench.workflow.submissions(workspace: bench.reader)
        let own = submissions.first { $0.unit == "chaoyang" }!
        let other = submissions.first { $0.unit == "shenyang" }!
        let clerk = bearer(tokens["chaoyang"])
        let province = bearer(tokens["province"])
        try await bench.application().test(.router) { client in
            try await client.execute(uri: "/api/submissions/\(own.id)", method: .get, headers: clerk) { #expect($0.status == .ok) }
            for uri in ["/api/submissions/\(other.id)", "/api/submissions/\(other.id)/annotated.xlsx",
                        "/api/reports/progress.xlsx?period=2024-06", "/api/status?period=2024-06",
                        "/submissions/\(other.id)", "/submissions/\(other.id)/original", "/units/shenyang",
                        "/reports", "/reports/progress?period=2024-06", "/templates.zip?period=2024-06&unit=shenyang"] {
                try await client.execute(uri: uri, method: .get, headers: clerk) { response in
                    #expect(response.status == .forbidden, "\(uri)")
                }
            }
            try await client.execute(uri: "/api/submissions/\(other.id)", method: .get, headers: clerk) { response in
                #expect(response.errorCode == "web.forbidden")
            }
            try await client.execute(uri: "/", method: .get, headers: clerk) { response in
                #expect(response.status == .found)
                #expect(response.headers[.location] == "/units/chaoyang")
            }
            try await client.execute(uri: "/units/chaoyang", method: .get, headers: clerk) { response in
                #expect(response.status == .ok)
                #expect(!response.text.contains("沈阳市工业和信息化局"))
            }
            try await client.execute(uri: "/templates.zip?period=2024-06", method: .get, headers: clerk) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentDisposition]?.contains(query("朝阳市工业和信息化局")) == true)
            }
            // The clerk uploads: its own unit's file is taken in, another unit's is not (and nothing of it is stored).
            let (body, headers) = multipart([("朝阳.xlsx", try Fixture.emptyProgressReturn()),
                                             ("铁岭.xlsx", try Fixture.emptyProgressReturn(unit: "铁岭"))])
            var h = headers
            h[.authorization] = clerk[.authorization]
            try await client.execute(uri: "/api/submissions", method: .post, headers: h, body: body) { response in
                #expect(response.status == .ok)
                let files = response.json["files"] as? [[String: Any]] ?? []
                #expect(files.count == 2)
                #expect((files.first?["outcome"] as? [String: Any])?["state"] as? String == "rejected")
                #expect((files.last?["error"] as? [String: Any])?["code"] as? String == "web.forbidden")
            }
            #expect(try bench.workflow.submissions(workspace: bench.reader).count == submissions.count + 1)
            try await client.execute(uri: "/api/check", method: .post, headers: h, body: body) { response in
                let files = response.json["files"] as? [[String: Any]] ?? []
                #expect(files.first?["report"] != nil)
                #expect((files.last?["error"] as? [String: Any])?["code"] as? String == "web.forbidden")
            }
            // The province sees everything.
            for uri in ["/api/submissions/\(other.id)", "/api/status?period=2024-06", "/api/reports/progress.xlsx?period=2024-06", "/"] {
                try await client.execute(uri: uri, method: .get, headers: province) { #expect($0.status == .ok, "\(uri)") }
            }
        }
    }

    @Test("Multipart parsing: quoted names, Windows paths, truncated bodies")
    func multipartParsing() throws {
        let body = Data("--b\r\nContent-Disposition: form-data; name=\"files\"; filename=\"C:\\\\x\\\\a%22b.xlsx\"\r\n\r\nABC\r\n--b--\r\n".utf8)
        let parts = try Multipart.parse(body, boundary: "b")
        #expect(parts.count == 1)
        #expect(Multipart.baseName(parts[0].fileName ?? "") == "a\"b.xlsx")
        #expect(parts[0].bytes == Data("ABC".utf8))
        #expect(throws: WorkflowError.self) { try Multipart.parse(Data("--b\r\nContent-Disposition: form-data; name=\"files\"\r\n\r\nABC".utf8), boundary: "b") }
        #expect(Multipart.boundary(contentType: "multipart/form-data; boundary=\"xyz\"") == "xyz")
        #expect(Multipart.boundary(contentType: "text/plain") == nil)
    }

    @Test("taizhang users add: a short password is refused; the API token is the last line")
    func usersCommand() throws {
        let (bench, _) = try Fixture.workbench()
        let path = bench.options.workspace
        let short = try ExternalProgram.run(ExternalProgram.taizhang.path, ["users", "add", "甲", "--role", "province", "--password-stdin",
                                                                         "--workspace", path], input: Data("short\n".utf8))
        #expect(short.status == 2)
        #expect(short.stderr.contains("至少要有 8 个字符"))
        let run = try ExternalProgram.run(ExternalProgram.taizhang.path, ["users", "add", "沈阳填报员", "--role", "unit", "--unit", "沈阳",
                                                                       "--password-stdin", "--workspace", path],
                                          input: Data("long-enough\n".utf8))
        #expect(run.status == 0)
        let token = run.stdout.split(separator: "\n").last.map(String.init) ?? ""
        #expect(token.count >= 40)
        let user = try bench.workflow.user(apiToken: token, workspace: bench.reader)
        #expect(user?.unit == "shenyang")
        #expect(user?.role == .unit)
        let again = try ExternalProgram.run(ExternalProgram.taizhang.path, ["users", "add", "沈阳填报员", "--role", "province",
                                                                         "--password-stdin", "--workspace", path], input: Data("long-enough\n".utf8))
        #expect(again.status == 2)
        #expect(again.stderr.contains("已有名为"))
    }
}

@Suite("Web workbench beside the command")
struct WebBesideCommandTests {
    @Test("A clerk running taizhang ingest while the server records uploads: every file recorded once")
    func ingestBesideServer() async throws {
        let (bench, _) = try Fixture.workbench()
        let before = try bench.workflow.submissions(workspace: bench.reader).count
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("taizhang-web-inbox-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let commandUnits = ["沈阳", "大连", "鞍山", "抚顺", "本溪"]
        for unit in commandUnits {
            try Fixture.emptyProgressReturn(unit: unit).write(to: folder.appendingPathComponent("\(unit).xlsx"))
        }
        let uploads = try ["丹东", "锦州", "营口", "阜新", "辽阳"].map { ("\($0).xlsx", try Fixture.emptyProgressReturn(unit: $0)) }
        let (body, headers) = multipart(uploads)
        let workspace = bench.options.workspace
        async let command = Task.detached {
            try ExternalProgram.run(ExternalProgram.taizhang.path, ["ingest", folder.path, "--workspace", workspace, "--json"])
        }.value
        try await bench.application().test(.router) { client in
            try await client.execute(uri: "/api/submissions", method: .post, headers: headers, body: body) { response in
                #expect(response.status == .ok)
                #expect((response.json["files"] as? [[String: Any]])?.count == 5)
            }
        }
        let run = try await command
        #expect(run.status == 1, "\(run.stderr)")  // returned files: exit 1
        let after = try bench.workflow.submissions(workspace: bench.reader)
        #expect(after.count == before + 10)
        #expect(Set(after.prefix(10).map(\.sha256)).count == 10)
    }
}

/// Users can be removed and tokens revoked (`users remove`, `users token`): a leaked token stops working at once,
/// and a removed user's token and session with it.
@Suite("Web workbench: revoking tokens and removing users")
struct RevocationTests {
    @Test func aRenewedTokenReplacesTheOldOneAndARemovedUserIsLockedOut() async throws {
        let (bench, tokens) = try Fixture.workbench(users: true)
        let workflow = bench.workflow
        let old = try #require(tokens["province"])
        let session = try workflow.signIn(name: "省厅", password: "password1", workspace: bench.writer)
        let renewed = try workflow.renewToken(name: "省厅", workspace: bench.writer)
        #expect(renewed != old)
        try await bench.application().test(.router) { client in
            let uri = "/api/status?period=2024-06&as_of=2024-06-28"
            try await client.execute(uri: uri, method: .get, headers: bearer(old)) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: uri, method: .get, headers: bearer(renewed)) { #expect($0.status == .ok) }
            #expect(try workflow.session(token: session.token, workspace: bench.reader) != nil, "renewing keeps the session")
            try workflow.removeUser(name: "省厅", workspace: bench.writer)
            try await client.execute(uri: uri, method: .get, headers: bearer(renewed)) { #expect($0.status == .unauthorized) }
            #expect(try workflow.session(token: session.token, workspace: bench.reader) == nil, "signed out")
            // 朝阳's clerk is untouched.
            try await client.execute(uri: "/api/submissions/1", method: .get, headers: bearer(tokens["chaoyang"])) {
                #expect($0.status != .unauthorized)
            }
        }
        #expect(throws: WorkflowError.self) { try workflow.removeUser(name: "省厅", workspace: bench.writer) }
        do {
            _ = try workflow.renewToken(name: "无此人", workspace: bench.writer)
        } catch let error as WorkflowError {
            #expect(error.message.contains("没有名为“无此人”的用户"))
        }
    }
}
