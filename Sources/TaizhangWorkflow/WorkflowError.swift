import Foundation

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
        }
    }

    public var description: String { message }
}
