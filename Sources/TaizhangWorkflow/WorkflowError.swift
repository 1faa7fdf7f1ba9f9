import Foundation
import TaizhangStore

/// Why a use case could not be carried out: a stable code for programs, and the subject (a file, a unit, a
/// period) and detail the Chinese message is built from. ``UserMessage`` turns it into the one line a person
/// reads; no text in English reaches a user.
public struct WorkflowError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, stable for programs and tests.
    public enum Code: String, Sendable, Codable {
        case formsFolderMissing = "forms.folder-missing"
        case formsInvalid = "forms.invalid"
        case unknownForm = "form.unknown"
        case unknownUnit = "unit.unknown"
        case invalidPeriod = "period.invalid"
        case invalidDate = "date.invalid"
        case pathMissing = "path.missing"
        case noFiles = "ingest.no-files"
        case cannotWrite = "output.cannot-write"
        case cannotCreateFolder = "output.cannot-create-folder"
        case outputFolderMissing = "output.folder-missing"
        case unknownFormat = "output.unknown-format"
        case workspaceUnavailable = "workspace.unavailable"
        case nothingOwed = "calendar.nothing-owed"
        case noSummaryForm = "forms.no-summary"
        case incompletePackage = "package.incomplete"
        case keyMismatch = "package.key-mismatch"
        case keyUnusable = "package.key-unusable"
        case outputIsWorkspace = "output.is-workspace"
        case outputIsInput = "output.is-input"
        case workspaceMissing = "workspace.missing"
        case workspaceDamaged = "workspace.damaged"
        case workspaceTooNew = "workspace.too-new"
        case workspaceOutdatedReadOnly = "workspace.outdated-read-only"
        case notWorkspace = "workspace.not-workspace"
        case ingestInterrupted = "ingest.interrupted"
        case demoFolderInUse = "demo.folder-in-use"
        case destinationExists = "output.exists"
        case unitRefused = "units.refused"
        case nothingReceived = "report.nothing-received"
        case unknownEncoding = "output.unknown-encoding"
        case workspaceFolder = "workspace.folder"
        case passwordTooShort = "user.password-too-short"
        case userExists = "user.exists"
        case userNeedsUnit = "user.needs-unit"
        case userUnitNotAllowed = "user.unit-not-allowed"
        case userNameInvalid = "user.name-invalid"
        case userUnknown = "user.unknown"
        case notSignedIn = "web.unauthorized"
        case signInFailed = "web.sign-in-failed"
        case forbidden = "web.forbidden"
        case notFound = "web.not-found"
        case tooLarge = "web.too-large"
        case csrfRefused = "web.csrf"
        case originRefused = "web.origin"
        case badRequest = "web.bad-request"
        case needsUsers = "web.needs-users"
        case noAnnotation = "web.no-annotation"
    }

    /// The code.
    public var code: Code
    /// What the message is about: a path, a name, the text a person typed.
    public var subject: String?
    /// More, in Chinese (what is available, the underlying reason).
    public var detail: String?

    public init(_ code: Code, subject: String? = nil, detail: String? = nil) {
        self.code = code
        self.subject = subject
        self.detail = detail
    }

    /// The Chinese message.
    public var message: String {
        let s = subject ?? ""
        let more = detail.map { "。\($0)" } ?? ""
        switch code {
        case .formsFolderMissing: return "表单目录“\(s)”不存在或不是目录"
        case .formsInvalid: return "表单定义有误：\(detail ?? "")"
        case .unknownForm: return "没有表单“\(s)”\(more)"
        case .unknownUnit: return "没有填报单位“\(s)”\(more)"
        case .invalidPeriod: return "报送期“\(s)”无效，应写成 YYYY-MM，如 2024-06"
        case .invalidDate: return "日期“\(s)”无效，应写成 YYYY-MM-DD，如 2024-06-28"
        case .pathMissing: return "“\(s)”不存在"
        case .noFiles: return "没有找到可接收的文件（\(detail ?? "")）"
        case .cannotWrite: return "无法写入“\(s)”" + (detail.map { "：\($0)" } ?? "")
        case .cannotCreateFolder: return "无法创建输出目录“\(s)”" + (detail.map { "：\($0)" } ?? "")
        case .outputFolderMissing: return "输出目录“\(s)”不存在"
        case .unknownFormat: return "不支持的输出格式“\(s)”\(detail.map { "（可用：\($0)）" } ?? "")"
        case .workspaceUnavailable: return "无法打开工作区“\(s)”" + (detail.map { "：\($0)" } ?? "")
        case .nothingOwed: return "报送期 \(s) 没有应报送的表单（日程见 taizhang forms）"
        case .noSummaryForm: return "表单集中没有整治工作总结"
        case .incompletePackage, .keyMismatch, .keyUnusable: return detail ?? s
        case .outputIsWorkspace:
            return "“\(s)”是工作区数据库（或它的日志文件），不能用作输出文件，否则报送记录会被覆盖；请换一个文件名"
        case .outputIsInput: return "“\(s)”是本命令要读取的文件，不能同时用作输出文件；请换一个文件名"
        case .workspaceMissing:
            return "工作区不存在：\(s)。请检查 --workspace 的路径；新工作区在第一次接收报送（taizhang ingest）时建立"
        case .workspaceDamaged:
            return "工作区“\(s)”已损坏\(detail ?? "")，为免损坏扩大，已停止写入。"
                + "请用备份恢复：taizhang workspace restore 备份文件 --workspace \(s)；"
                + "用 taizhang workspace check 查看详情"
        case .workspaceTooNew:
            return "工作区“\(s)”由更新版本的台账工具建立（\(detail ?? "")），本版本不能使用；请升级台账工具"
        case .workspaceOutdatedReadOnly:
            return "工作区“\(s)”由较早版本建立，需要升级后才能使用，但它是只读的；请在可写的位置运行一次 taizhang workspace check"
        case .notWorkspace: return "“\(s)”不是台账工作区（是别的数据库文件）"
        case .ingestInterrupted: return "接收中断：\(detail ?? "")"
        case .demoFolderInUse:
            return "目录“\(s)”不是空的，也不是演示程序建立的；为免覆盖其中的文件，演示未运行。请换一个目录，或加 --force"
        case .destinationExists: return "“\(s)”已存在；请换一个文件名，或先删除它"
        case .workspaceFolder: return "无法建立工作区所在的目录“\(s)”" + (detail.map { "：\($0)" } ?? "")
        case .unknownEncoding: return "不支持的编码“\(s)”" + (detail.map { "（\($0)）" } ?? "")
        case .nothingReceived: return detail ?? "没有\(s)已接收的报送"
        case .unitRefused: return "不能加入单位“\(s)”" + (detail.map { "：\($0)" } ?? "")
        case .passwordTooShort: return "密码至少要有 8 个字符"
        case .userExists: return "已有名为“\(s)”的用户"
        case .userNeedsUnit: return "单位用户须用 --unit 指定所属单位"
        case .userUnitNotAllowed: return "省级用户不属于某个单位，请去掉 --unit"
        case .userNameInvalid: return "用户名“\(s)”无效：须为 1 至 64 个字符，不含空格和控制字符"
        case .userUnknown: return "工作区中没有名为“\(s)”的用户（taizhang users list 列出全部用户）"
        case .notSignedIn: return "请先登录"
        case .signInFailed: return "用户名或密码不正确"
        case .forbidden: return "无权访问：\(detail ?? "这项内容不属于本单位")"
        case .notFound: return "找不到\(s.isEmpty ? "这个页面" : s)"
        case .tooLarge: return "上传的内容太大（上限 \(s)），请分批上传"
        case .csrfRefused: return "表单已失效，请刷新页面后重新提交"
        case .originRefused: return "请求来源不是本工作台，已拒绝"
        case .badRequest: return "请求有误：\(detail ?? s)"
        case .needsUsers:
            return "只能在本机地址上无账号运行；要在“\(s)”上提供服务，请先用 taizhang users add 建立账号"
        case .noAnnotation: return "第 \(s) 号报送没有可标注的检查结果（未能读取的文件没有退回修改工作簿）"
        }
    }

    public var description: String { message }
}

extension WorkflowError {
    /// The workflow's words for why the store would not open a workspace.
    init(_ error: WorkspaceError) {
        switch error.code {
        case .missing: self.init(.workspaceMissing, subject: error.path)
        case .damaged:
            self.init(.workspaceDamaged, subject: error.path,
                      detail: error.detail.isEmpty ? nil : "（检查发现：" + error.detail.prefix(3).joined(separator: "；") + "）")
        case .unknownVersion:
            self.init(.workspaceTooNew, subject: error.path, detail: "未知的升级步骤：" + error.detail.joined(separator: "、"))
        case .outdatedReadOnly: self.init(.workspaceOutdatedReadOnly, subject: error.path)
        case .notWorkspace: self.init(.notWorkspace, subject: error.path)
        }
    }
}
