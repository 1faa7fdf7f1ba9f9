import Foundation
import HTTPTypes
import Hummingbird
import TaizhangCore
import TaizhangWorkflow

/// The workbench's routes: the pages (server-rendered HTML), the downloads and the JSON API, each a thin call
/// of one use case of the workflow.
struct WebRoutes: Sendable {
    let workbench: Workbench
    var workflow: Workflow { workbench.workflow }

    static let sessionCookie = "taizhang_session"
    /// The cap on a sign-in or sign-out form.
    static let smallBody = 64 << 10

    func router() -> Router<WebContext> {
        let router = Router(context: WebContext.self)
        router.add(middleware: ErrorMiddleware(workbench: workbench))
        router.add(middleware: AuthMiddleware(workbench: workbench))

        router.get("/static/style.css") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "max-age=300"],
                     body: .init(byteBuffer: ByteBuffer(string: styleSheet)))
        }
        router.get("/static/app.js") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/javascript; charset=utf-8", .cacheControl: "max-age=300"],
                     body: .init(byteBuffer: ByteBuffer(string: appScript)))
        }
        router.get("/login") { request, _ in
            htmlResponse(loginPage(campaign: workflow.formSet.campaign.title, next: request.uri.queryParameters["next"].map(String.init) ?? "/",
                                   message: nil))
        }
        router.post("/login", use: signIn)
        router.post("/logout", use: signOut)

        router.get("/", use: board)
        router.get("/units/:unit", use: unitPage)
        router.get("/submissions/:id", use: submissionPage)
        router.get("/submissions/:id/original", use: original)
        router.get("/submissions/:id/annotated.xlsx", use: annotated)
        router.get("/submissions/:id/notice.txt", use: notice)
        router.get("/upload") { _, context in
            let user = try context.requireUser()
            return htmlResponse(Pages(workflow: workflow, user: user).upload(limit: workbench.options.uploadLimit))
        }
        router.post("/upload", use: uploadPage)
        router.get("/check") { _, context in
            let user = try context.requireUser()
            return htmlResponse(Pages(workflow: workflow, user: user).selfCheck(limit: workbench.options.uploadLimit))
        }
        router.post("/check", use: checkPage)
        router.get("/templates") { request, context in
            let user = try context.requireUser()
            let day = try await self.pageDay(request).day
            let chosen = try await workbench.blocking { try workflow.boardPeriod(on: day, workspace: workbench.reader) }
            return htmlResponse(Pages(workflow: workflow, user: user).templates(periods: workflow.campaignPeriods, chosen: chosen))
        }
        router.get("/templates.zip", use: templatesZip)
        router.get("/reports") { request, context in
            let user = try context.requireProvince()
            let day = try await self.pageDay(request).day
            let chosen = try await workbench.blocking { try workflow.boardPeriod(on: day, workspace: workbench.reader) }
            return htmlResponse(Pages(workflow: workflow, user: user).reports(periods: workflow.campaignPeriods, chosen: chosen))
        }
        router.get("/reports/:kind") { request, context in
            _ = try context.requireProvince()
            let kind = context.parameters.get("kind") ?? ""
            let format = request.uri.queryParameters["format"].map(String.init) ?? "xlsx"
            guard ["xlsx", "memo"].contains(format) else { throw WorkflowError(.unknownFormat, subject: format, detail: "xlsx、memo") }
            let period = try self.period(request, required: kind == "progress")
            return downloadResponse(try await workbench.blocking {
                try workflow.reportFile(kind, format: format, period: period, workspace: workbench.reader)
            })
        }

        // The JSON API.
        let api = router.group("api")
        api.get("status") { request, context in
            _ = try context.requireProvince()
            guard let period = try self.period(request, required: true) else { throw WorkflowError(.invalidPeriod, subject: "") }
            let asOf = try self.asOf(request)
            let bench = workbench
            let text = try await bench.blocking { () -> String? in
                let stamp = try bench.workflow.workspaceStamp(bench.reader)
                let json = try bench.boardCache.page(stamp: stamp, key: "status|\(period.iso)|\(asOf.iso)") {
                    try bench.workflow.statusText(workspace: bench.reader, period: period, asOf: asOf, format: "json") ?? ""
                }
                return json.isEmpty ? nil : json
            }
            guard let text else { throw WorkflowError(.notFound, subject: "\(period.chinese)的进展情况") }
            return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        api.post("submissions") { request, context in
            let user = try context.requireUser()
            let uploads = try await self.uploads(request, context: context, checkCSRF: false)
            let results = try await workbench.blocking {
                try workflow.ingest(uploads: uploads, workspace: workbench.writer, onlyUnit: user.isProvince ? nil : user.unit)
            }
            return try jsonResponse(["files": results])
        }
        api.get("submissions/:id") { request, context in
            let detail = try await self.detail(context)
            // As `check --json`: at most 20 findings of each code and how many more, unless `?all=1`.
            let all = request.uri.queryParameters["all"].map { $0 == "1" || $0 == "true" } ?? false
            return try jsonResponse(SubmissionJSON(detail, perCode: all ? nil : ValidationReport.shownPerCode))
        }
        api.get("submissions/:id/annotated.xlsx") { _, context in
            let detail = try await self.detail(context)
            return downloadResponse(try await workbench.blocking {
                try workflow.correctionFiles(detail.record.id, workspace: workbench.reader).annotated
            })
        }
        api.post("check") { request, context in
            let user = try context.requireUser()
            let uploads = try await self.uploads(request, context: context, checkCSRF: false)
            let results = try await workbench.blocking {
                try workflow.check(uploads: uploads, workspace: workbench.reader, onlyUnit: user.isProvince ? nil : user.unit)
            }
            return try jsonResponse(["files": results])
        }
        api.get("reports/progress.xlsx") { request, context in
            _ = try context.requireProvince()
            let period = try self.period(request, required: true)
            return downloadResponse(try await workbench.blocking {
                try workflow.reportFile("progress", period: period, workspace: workbench.reader)
            })
        }
        return router
    }

    // MARK: Sign-in

    @Sendable func signIn(_ request: Request, context: WebContext) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: WebRoutes.smallBody)
        let fields = URLForm.parse(Data(body.readableBytesView))
        try AuthMiddleware.checkOrigin(request)
        let next = WebRoutes.safeNext(fields["next"])
        do {
            let (_, token, _) = try await workbench.blocking {
                try workflow.signIn(name: fields["name"] ?? "", password: fields["password"] ?? "", workspace: workbench.writer)
            }
            var response = Response.redirect(to: next, type: .found)
            response.setCookie(Cookie(name: WebRoutes.sessionCookie, value: token, maxAge: Int(Workflow.sessionLifetime),
                                      path: "/", secure: false, httpOnly: true, sameSite: .strict))
            return response
        } catch let error as WorkflowError where error.code == .signInFailed {
            return htmlResponse(loginPage(campaign: workflow.formSet.campaign.title, next: next, message: error.message),
                                status: .unauthorized)
        }
    }

    @Sendable func signOut(_ request: Request, context: WebContext) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: WebRoutes.smallBody)
        try checkCSRF(request, context: context, field: URLForm.parse(Data(body.readableBytesView))["csrf"])
        if let token = request.cookies[WebRoutes.sessionCookie]?.value {
            try await workbench.blocking { try workflow.signOut(token: token, workspace: workbench.writer) }
        }
        var response = Response.redirect(to: "/login", type: .found)
        response.setCookie(Cookie(name: WebRoutes.sessionCookie, value: "", maxAge: 0, path: "/", httpOnly: true, sameSite: .strict))
        return response
    }

    /// Only a path on this server may follow a sign-in (`/units/x`, not `//evil.example` or `https://…`).
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.contains("\\"),
              !next.unicodeScalars.contains(where: { $0.value < 0x20 }) else { return "/" }
        return next
    }

    // MARK: Pages

    @Sendable func board(_ request: Request, context: WebContext) async throws -> Response {
        let user = try context.requireUser()
        guard user.isProvince else {
            return Response.redirect(to: "/units/\(query(user.unit ?? ""))", type: .found)
        }
        let (asOf, lastReceipt) = try await pageDay(request)
        let bench = workbench
        let html = try await bench.blocking {
            let stamp = try bench.workflow.workspaceStamp(bench.reader)
            return try bench.boardCache.page(stamp: stamp, key: "board|\(asOf.iso)|\(lastReceipt)|\(user.csrf)|\(user.name)") {
                let status = try bench.workflow.boardStatus(workspace: bench.reader, asOf: asOf)
                return Pages(workflow: bench.workflow, user: user).board(status, asOf: asOf, lastReceipt: lastReceipt,
                                                                         periods: bench.workflow.campaignPeriods)
            }
        }
        return htmlResponse(html)
    }

    @Sendable func unitPage(_ request: Request, context: WebContext) async throws -> Response {
        let user = try context.requireUser()
        let name = context.parameters.get("unit") ?? ""
        guard let unit = workflow.formSet.unit(id: name) else { throw WorkflowError(.notFound, subject: "单位“\(name)”") }
        guard user.maysee(unit: unit.id) else { throw WorkflowError(.forbidden) }
        let asOf = try await pageDay(request).day
        let period = try self.period(request, required: false)
        let bench = workbench
        let (status, submissions) = try await bench.blocking {
            (try bench.workflow.boardStatus(workspace: bench.reader, asOf: asOf),
             try bench.workflow.submissions(workspace: bench.reader, unit: unit.id))
        }
        return htmlResponse(Pages(workflow: workflow, user: user).unit(unit, status: status, submissions: submissions,
                                                                       asOf: asOf, period: period))
    }

    /// The submission a route names, when the user may see it (404 for none, 403 for another unit's).
    func detail(_ context: WebContext) async throws -> SubmissionDetail {
        let user = try context.requireUser()
        guard let text = context.parameters.get("id"), let id = Int64(text), id > 0 else {
            throw WorkflowError(.notFound, subject: "这份报送")
        }
        let bench = workbench
        guard let detail = try await bench.blocking({ try bench.workflow.submission(id, workspace: bench.reader) }) else {
            throw WorkflowError(.notFound, subject: "第 \(id) 号报送")
        }
        guard user.maysee(unit: detail.record.unit) else { throw WorkflowError(.forbidden) }
        return detail
    }

    @Sendable func submissionPage(_ request: Request, context: WebContext) async throws -> Response {
        let detail = try await detail(context)
        return htmlResponse(Pages(workflow: workflow, user: try context.requireUser()).submission(detail))
    }

    @Sendable func original(_ request: Request, context: WebContext) async throws -> Response {
        let id = try await detail(context).record.id
        let bench = workbench
        guard let file = try await bench.blocking({ try bench.workflow.originalFile(id, workspace: bench.reader) }) else {
            throw WorkflowError(.notFound, subject: "第 \(id) 号报送的原文件")
        }
        return downloadResponse(file)
    }

    @Sendable func annotated(_ request: Request, context: WebContext) async throws -> Response {
        let id = try await detail(context).record.id
        let bench = workbench
        return downloadResponse(try await bench.blocking { try bench.workflow.correctionFiles(id, workspace: bench.reader).annotated })
    }

    @Sendable func notice(_ request: Request, context: WebContext) async throws -> Response {
        let id = try await detail(context).record.id
        let bench = workbench
        guard let file = try await bench.blocking({ try bench.workflow.correctionFiles(id, workspace: bench.reader).notice }) else {
            throw WorkflowError(.noAnnotation, subject: "\(id)")
        }
        return downloadResponse(file)
    }

    @Sendable func uploadPage(_ request: Request, context: WebContext) async throws -> Response {
        let user = try context.requireUser()
        let uploads = try await self.uploads(request, context: context, checkCSRF: true)
        let bench = workbench
        let results = try await bench.blocking {
            try bench.workflow.ingest(uploads: uploads, workspace: bench.writer, onlyUnit: user.isProvince ? nil : user.unit)
        }
        let pages = Pages(workflow: workflow, user: user)
        return htmlResponse(pages.upload(limit: bench.options.uploadLimit, results: pages.uploadResults(results)))
    }

    @Sendable func checkPage(_ request: Request, context: WebContext) async throws -> Response {
        let user = try context.requireUser()
        let uploads = try await self.uploads(request, context: context, checkCSRF: true)
        let bench = workbench
        let results = try await bench.blocking {
            try bench.workflow.check(uploads: uploads, workspace: bench.reader, onlyUnit: user.isProvince ? nil : user.unit)
        }
        let pages = Pages(workflow: workflow, user: user)
        return htmlResponse(pages.selfCheck(limit: bench.options.uploadLimit, results: pages.checkResults(results)))
    }

    @Sendable func templatesZip(_ request: Request, context: WebContext) async throws -> Response {
        let user = try context.requireUser()
        guard let period = try self.period(request, required: true) else { throw WorkflowError(.invalidPeriod, subject: "") }
        var unit = request.uri.queryParameters["unit"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        if !user.isProvince {
            if let asked = unit, (try? workflow.formSet.resolveUnit(asked).id) != user.unit { throw WorkflowError(.forbidden) }
            unit = user.unit
        }
        let bench = workbench
        let chosen = unit
        return downloadResponse(try await bench.blocking {
            try bench.workflow.templatesArchive(period: period, unit: chosen, workspace: bench.reader)
        })
    }

    // MARK: Request parts

    /// `period=YYYY-MM` (400 when malformed; when missing, 400 if `required`, else `nil`).
    func period(_ request: Request, required: Bool) throws -> YearMonth? {
        guard let text = request.uri.queryParameters["period"].map(String.init), !text.isEmpty else {
            if required { throw WorkflowError(.invalidPeriod, subject: "") }
            return nil
        }
        guard let period = YearMonth(text) else { throw WorkflowError(.invalidPeriod, subject: TextSafety.printable(text)) }
        return period
    }

    /// `as_of=YYYY-MM-DD`, else the workbench's day.
    func asOf(_ request: Request) throws -> CivilDate {
        guard let text = request.uri.queryParameters["as_of"].map(String.init), !text.isEmpty else { return workbench.today }
        guard let day = CivilDate(iso: text) else { throw WorkflowError(.invalidDate, subject: TextSafety.printable(text)) }
        return day
    }

    /// The day a page is "as of": `as_of=`, else `serve --as-of`, else today while the campaign runs (after it,
    /// the day the last file came in: ``Workflow/boardDay(today:workspace:)``).
    func pageDay(_ request: Request) async throws -> (day: CivilDate, lastReceipt: Bool) {
        if request.uri.queryParameters["as_of"] != nil || workbench.options.asOf != nil { return (try asOf(request), false) }
        let bench = workbench
        return try await bench.blocking { try bench.workflow.boardDay(today: bench.today, workspace: bench.reader) }
    }

    /// The files of a multipart upload (field `files`), the body capped at the workbench's limit (413 beyond).
    func uploads(_ request: Request, context: WebContext, checkCSRF csrf: Bool) async throws -> [Upload] {
        var request = request
        let limit = workbench.options.uploadLimit
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit {
            throw WorkflowError(.tooLarge, subject: "\(limit >> 20) MB")
        }
        guard let boundary = request.headers[.contentType].flatMap(Multipart.boundary(contentType:)) else {
            throw WorkflowError(.badRequest, detail: "请用 multipart/form-data 上传文件（字段名 files）")
        }
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: limit)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw WorkflowError(.tooLarge, subject: "\(limit >> 20) MB")
        }
        let parts = try Multipart.parse(Data(body.readableBytesView), boundary: boundary)
        if csrf { try checkCSRF(request, context: context, field: parts.first { $0.name == "csrf" }.map { String(decoding: $0.bytes, as: UTF8.self) }) }
        // A file input left empty sends a part with no name and no bytes: not a file.
        let files = parts.filter { $0.name == "files" && $0.fileName != nil && !($0.fileName!.isEmpty && $0.bytes.isEmpty) }
        guard !files.isEmpty else { throw WorkflowError(.badRequest, detail: "没有选择文件（字段名 files）") }
        guard files.count <= workbench.options.uploadFileLimit else {
            throw WorkflowError(.badRequest, detail: "一次最多上传 \(workbench.options.uploadFileLimit) 个文件，请分批上传")
        }
        return files.map { Upload(name: Multipart.baseName($0.fileName ?? ""), bytes: $0.bytes) }
    }

    /// A page's form post must carry the user's anti-forgery token (header `X-CSRF-Token` or field `csrf`).
    func checkCSRF(_ request: Request, context: WebContext, field: String?) throws {
        let user = try context.requireUser()
        let sent = request.headers[.csrfToken] ?? field ?? ""
        guard !user.csrf.isEmpty, constantTimeEqual(sent, user.csrf) else { throw WorkflowError(.csrfRefused) }
    }
}

func constantTimeEqual(_ a: String, _ b: String) -> Bool {
    let x = Array(a.utf8), y = Array(b.utf8)
    guard x.count == y.count else { return false }
    var d: UInt8 = 0
    for i in x.indices { d |= x[i] ^ y[i] }
    return d == 0
}

/// The JSON of `GET /api/submissions/{id}`: the stored record and its findings as `check --json` gives them.
struct SubmissionJSON: Encodable {
    struct Record: Encodable {
        var id: Int64
        var file: String
        var state: String
        var unit: String?
        var form: String?
        var period: YearMonth?
        var receivedAt: String
        var errors: Int
        var warnings: Int
        var supersedes: Int64?
        var sha256: String
        var size: Int
    }
    var submission: Record
    var report: ValidationReport?

    /// The submission with its report, capped at `perCode` findings of each code (`nil`: every one).
    init(_ detail: SubmissionDetail, perCode: Int?) {
        let r = detail.record
        submission = Record(id: r.id, file: r.fileName, state: r.state.rawValue, unit: r.unit, form: r.form, period: r.period,
                            receivedAt: r.receivedAt, errors: r.errorCount, warnings: r.warningCount, supersedes: r.supersedes,
                            sha256: r.sha256, size: r.size)
        report = perCode.flatMap { detail.report?.capped(perCode: $0) } ?? detail.report
    }
}

/// Who is asking (see ``WebUser``): with no users in the workspace the one local user, on loopback only;
/// otherwise a session cookie or `Authorization: Bearer`. Everything else gets 401.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = WebContext
    let workbench: Workbench

    func handle(_ request: Request, context: WebContext, next: (Request, WebContext) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        if path.hasPrefix("/static/") { return try await next(request, context) }
        var context = context
        let bench = workbench
        let isAPI = path.hasPrefix("/api/")
        let unsafe = request.method != .get && request.method != .head
        let hasUsers = try await bench.blocking { try bench.workflow.hasUsers(workspace: bench.reader) }
        if !hasUsers {
            // The one local user is the province, on loopback only: a page reached under another host name (DNS
            // rebinding) or a cross-site script is refused.
            try AuthMiddleware.checkLoopbackHost(request)
            if path == "/login" { return Response.redirect(to: "/", type: .found) }
            context.user = WebUser(name: "本机用户", role: .province, unit: nil, csrf: bench.localCSRF, signedIn: false)
            if unsafe && isAPI { try AuthMiddleware.checkOrigin(request) }
            return try await next(request, context)
        }
        if path == "/login" { return try await next(request, context) }
        if let authorization = request.headers[.authorization], authorization.lowercased().hasPrefix("bearer ") {
            let token = String(authorization.dropFirst("bearer ".count)).trimmingCharacters(in: .whitespaces)
            guard let account = try await bench.blocking({ try bench.workflow.user(apiToken: token, workspace: bench.reader) }) else {
                throw WorkflowError(.notSignedIn)
            }
            context.user = WebUser(name: account.name, role: account.role, unit: account.unit, csrf: "", signedIn: false)
            return try await next(request, context)
        }
        if let token = request.cookies[WebRoutes.sessionCookie]?.value, !token.isEmpty,
           let session = try await bench.blocking({ try bench.workflow.session(token: token, workspace: bench.reader) }) {
            let a = session.account
            context.user = WebUser(name: a.name, role: a.role, unit: a.unit, csrf: session.csrf, signedIn: true)
            if unsafe && isAPI { try AuthMiddleware.checkOrigin(request) }
            return try await next(request, context)
        }
        throw WorkflowError(.notSignedIn)
    }

    /// The host part of `host[:port]` or `[v6]:port`.
    static func hostName(_ authority: String) -> String {
        if authority.hasPrefix("["), let end = authority.firstIndex(of: "]") {
            return String(authority[authority.index(after: authority.startIndex)..<end])
        }
        return String(authority.split(separator: ":", maxSplits: 1).first ?? "")
    }

    static func checkLoopbackHost(_ request: Request) throws {
        guard let authority = request.head.authority else { return }
        guard Workbench.isLoopback(hostName(authority)) else { throw WorkflowError(.originRefused) }
    }

    /// A state-changing request a browser sends carries `Origin`: it must be this server's own address.
    static func checkOrigin(_ request: Request) throws {
        if request.headers[.secFetchSite] == "cross-site" { throw WorkflowError(.originRefused) }
        guard let origin = request.headers[.origin] else { return }
        guard let url = URL(string: origin), let scheme = url.scheme, ["http", "https"].contains(scheme), let host = url.host else {
            throw WorkflowError(.originRefused)
        }
        let port = url.port.map { ":\($0)" } ?? ""
        let authority = (host.contains(":") ? "[\(host)]" : host) + port
        guard let own = request.head.authority, own.lowercased() == authority.lowercased() else {
            throw WorkflowError(.originRefused)
        }
    }
}

/// Turns every error into a response: JSON `{"error": {code, message}}` under `/api/`, a page otherwise (the
/// sign-in page for 401); and adds the security headers to every answer.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = WebContext
    let workbench: Workbench

    func handle(_ request: Request, context: WebContext, next: (Request, WebContext) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            let status = WebStatus.of(error)
            let failure = WebStatus.workflowError(error)
            if request.uri.path.hasPrefix("/api/") {
                response = try jsonResponse(ErrorJSON(error is WorkflowError ? error : failure), status: status)
            } else if status == .unauthorized {
                let next = WebRoutes.safeNext(request.method == .get ? request.uri.description : "/")
                response = htmlResponse(loginPage(campaign: workbench.workflow.formSet.campaign.title, next: next,
                                                  message: failure.message), status: status)
            } else {
                let user = context.user ?? WebUser(name: "", role: .unit, unit: nil, csrf: "", signedIn: false)
                response = htmlResponse(Pages(workflow: workbench.workflow, user: user).error(failure.message, status: status.code),
                                        status: status)
            }
            if status == .unauthorized, request.uri.path.hasPrefix("/api/") {
                response.headers[.wwwAuthenticate] = "Bearer realm=\"taizhang\""
            }
        }
        response.headers[.contentSecurityPolicy] = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'"
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.xFrameOptions] = "DENY"
        response.headers[.referrerPolicy] = "same-origin"
        return response
    }
}
