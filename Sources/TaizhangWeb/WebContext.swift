import Foundation
import HTTPTypes
import Hummingbird
import TaizhangCore
import TaizhangWorkflow

/// Who is asking: a signed-in user, a script with an API token, or (in a workspace without users) the one
/// local user, who is the province.
struct WebUser: Sendable {
    var name: String
    var role: WorkbenchRole
    /// The unit's id, for a unit's clerk.
    var unit: String?
    /// The anti-forgery token the user's pages carry.
    var csrf: String
    /// Signed in with a session (pages show 退出).
    var signedIn: Bool

    var isProvince: Bool { role == .province }

    /// Whether the user may see a unit's files.
    func maysee(unit other: String?) -> Bool { isProvince || (other != nil && other == unit) }
}

/// The request context of the workbench: Hummingbird's core storage and the user the auth middleware found.
struct WebContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    var user: WebUser?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }

    /// Bodies are collected explicitly with each route's own cap (see ``WebRoutes``).
    var maxUploadSize: Int { 1 << 20 }

    /// The user, which every route behind the auth middleware has.
    func requireUser() throws -> WebUser {
        guard let user else { throw WorkflowError(.notSignedIn) }
        return user
    }

    /// The province, or 403.
    func requireProvince() throws -> WebUser {
        let user = try requireUser()
        guard user.isProvince else { throw WorkflowError(.forbidden, detail: "这项内容只对省厅用户开放") }
        return user
    }
}

extension HTTPField.Name {
    static let csrfToken = HTTPField.Name("X-CSRF-Token")!
    static let xContentTypeOptions = HTTPField.Name("X-Content-Type-Options")!
    static let xFrameOptions = HTTPField.Name("X-Frame-Options")!
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    static let secFetchSite = HTTPField.Name("Sec-Fetch-Site")!
}

/// How an error is answered: its HTTP status.
enum WebStatus {
    static func of(_ error: any Error) -> HTTPResponse.Status {
        if let error = error as? WorkflowError {
            switch error.code {
            case .notSignedIn, .signInFailed: return .unauthorized
            case .forbidden, .csrfRefused, .originRefused: return .forbidden
            case .notFound, .noAnnotation, .nothingReceived: return .notFound
            case .tooLarge: return .contentTooLarge
            case .badRequest, .unknownUnit, .unknownForm, .invalidPeriod, .invalidDate, .nothingOwed, .unknownFormat,
                 .noFiles, .passwordTooShort, .userExists, .userNeedsUnit, .userUnitNotAllowed, .userNameInvalid:
                return .badRequest
            default: return .internalServerError
            }
        }
        if let error = error as? any HTTPResponseError {
            return error.status
        }
        return .internalServerError
    }

    /// The workflow error standing for any error (Hummingbird's own become the workbench's codes).
    static func workflowError(_ error: any Error) -> WorkflowError {
        if let error = error as? WorkflowError { return error }
        if let error = error as? any HTTPResponseError {
            switch error.status {
            case .notFound: return WorkflowError(.notFound)
            case .contentTooLarge: return WorkflowError(.tooLarge, subject: "")
            case .unauthorized: return WorkflowError(.notSignedIn)
            case .forbidden: return WorkflowError(.forbidden)
            case .methodNotAllowed: return WorkflowError(.badRequest, detail: "不支持这种请求方法")
            default: return WorkflowError(.badRequest, detail: "HTTP \(error.status.code)")
            }
        }
        return WorkflowError(.badRequest, detail: UserMessage.text(for: error))
    }
}

/// The JSON of an error: `{"error": {"code": "web.forbidden", "message": "无权访问：…"}}`.
struct ErrorJSON: Encodable {
    struct Body: Encodable {
        var code: String
        var message: String
    }
    var error: Body

    init(_ error: any Error) {
        let code = (error as? WorkflowError)?.code.rawValue ?? WebStatus.workflowError(error).code.rawValue
        let message = (error as? WorkflowError).map(\.message)
            ?? ((error is any HTTPResponseError) ? WebStatus.workflowError(error).message : UserMessage.text(for: error))
        self.error = Body(code: code, message: TextSafety.printable(message))
    }
}

/// Encodes JSON as the command prints it (sorted keys, indented).
func jsonResponse<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    var data = try encoder.encode(value)
    data.append(0x0A)
    return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                    body: .init(byteBuffer: ByteBuffer(bytes: data)))
}

/// A page of HTML.
func htmlResponse(_ html: String, status: HTTPResponse.Status = .ok) -> Response {
    Response(status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
             body: .init(byteBuffer: ByteBuffer(string: html)))
}

/// A file to download, offered under its (Chinese) name.
func downloadResponse(_ file: DownloadFile) -> Response {
    let ext = (file.name as NSString).pathExtension.lowercased()
    let type: String
    switch ext {
    case "xlsx": type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    case "xls", "et": type = "application/vnd.ms-excel"
    case "ods": type = "application/vnd.oasis.opendocument.spreadsheet"
    case "csv": type = "text/csv; charset=utf-8"
    case "txt": type = "text/plain; charset=utf-8"
    case "json": type = "application/json; charset=utf-8"
    case "zip": type = "application/zip"
    default: type = "application/octet-stream"
    }
    // An ASCII fallback for old clients, the real name as RFC 5987 UTF-8.
    let fallback = String(file.name.unicodeScalars.map { $0.isASCII && $0.value >= 0x20 && !"\"\\;".unicodeScalars.contains($0) ? Character($0) : "_" })
    let encoded = file.name.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? fallback
    return Response(status: .ok, headers: [
        .contentType: type, .cacheControl: "no-store",
        .contentDisposition: "attachment; filename=\"\(fallback)\"; filename*=UTF-8''\(encoded)",
    ], body: .init(byteBuffer: ByteBuffer(bytes: file.bytes)))
}
