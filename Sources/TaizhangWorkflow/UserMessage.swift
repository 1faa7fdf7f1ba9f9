import Foundation
import TaizhangCore
import TaizhangParcel
import TaizhangStore

/// The one place where an error becomes the Chinese line a person reads.
///
/// Libraries throw errors with codes (``WorkflowError``, `ImportError`, `FormSetError`, `ExportError`,
/// `ParcelError`, SQLite's and Foundation's); every front end asks here for the words.
public enum UserMessage {
    /// The Chinese message for `error`; `workspace` names the workspace file for the store's errors.
    public static func text(for error: any Error, workspace: String? = nil) -> String {
        switch error {
        case let error as WorkflowError: return error.message
        case let error as ImportError: return error.description
        case let error as FormSetError: return error.description
        case let error as ExportError: return error.message
        case let error as ParcelError: return error.message
        case let error as WorkspaceError: return WorkflowError(error).message
        case let error as AccountError: return WorkflowError(.userExists, subject: error.name).message
        default: break
        }
        if let text = StoreErrorText.describe(error, workspace: workspace ?? "taizhang.sqlite") { return text }
        let ns = error as NSError
        let file = (ns.userInfo[NSFilePathErrorKey] as? String)
            ?? (ns.userInfo[NSURLErrorKey] as? URL)?.path
        let subject = file.map { "“\($0)”：" } ?? ""
        let named = file.map { "：\($0)" } ?? ""
        if ns.domain == NSCocoaErrorDomain {
            switch CocoaError.Code(rawValue: ns.code) {
            case .fileWriteOutOfSpace: return "无法写入\(subject)磁盘已满，请腾出空间后重试"
            case .fileWriteNoPermission, .fileReadNoPermission: return "没有权限访问\(subject)请检查文件权限"
            case .fileNoSuchFile, .fileReadNoSuchFile: return "文件不存在\(named)"
            case .fileWriteVolumeReadOnly: return "无法写入\(subject)磁盘是只读的"
            case .fileWriteFileExists: return "文件已存在\(named)"
            case .fileReadCorruptFile: return "文件已损坏\(named)"
            default:
                // The system's reason, when Foundation passes it on (a file where a folder should be …).
                if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
                    return posix(Int32(underlying.code), file: file)
                }
                return "文件操作失败\(file.map { "（\($0)）" } ?? "")（错误代码 \(ns.code)）"
            }
        }
        if ns.domain == NSPOSIXErrorDomain {
            return posix(Int32(ns.code), file: file)
        }
        return "操作失败（\(ns.domain) 错误 \(ns.code)）"
    }

    /// The Chinese explanation of a POSIX error number.
    public static func posix(_ number: Int32, file: String?) -> String {
        let subject = file.map { "“\($0)”：" } ?? ""
        switch number {
        case ENOSPC: return "无法写入\(subject)磁盘已满"
        case EACCES, EPERM: return "没有权限访问\(subject)请检查文件权限"
        case ENOENT: return "文件或目录不存在\(file.map { "：\($0)" } ?? "")"
        case EROFS: return "无法写入\(subject)磁盘是只读的"
        case EISDIR: return "\(subject)这是一个目录，不是文件"
        case ENOTDIR: return "\(subject)路径中有一段不是目录"
        default: return "文件操作失败\(file.map { "（\($0)）" } ?? "")（系统错误 \(number)）"
        }
    }
}
