import Foundation
import GRDB

/// Why the workspace could not be read or written, by SQLite's result code, in Chinese.
///
/// The store keeps SQLite's codes; this is the one place they become words, so that no English text from
/// SQLite reaches a person.
public enum StoreErrorText {
    /// The Chinese explanation of `error` when it is an SQLite error, naming the workspace at `path`.
    public static func describe(_ error: any Error, workspace path: String) -> String? {
        reason(error).map { "工作区“\(path)”：\($0)" }
    }

    /// What went wrong, when `error` is an SQLite error, without naming the workspace.
    public static func reason(_ error: any Error) -> String? {
        guard let error = error as? DatabaseError else { return nil }
        let primary = error.resultCode.primaryResultCode
        let what: String
        switch primary {
        case .SQLITE_BUSY, .SQLITE_LOCKED: what = "工作区正被另一个程序写入，请稍后再试"
        case .SQLITE_FULL: what = "磁盘已满，本次操作未保存，工作区中原有的数据完好；请腾出磁盘空间后重试"
        case .SQLITE_CANTOPEN: what = "无法打开工作区文件（目录不存在或没有权限）"
        case .SQLITE_READONLY: what = "工作区文件是只读的，不能写入"
        case .SQLITE_CORRUPT, .SQLITE_NOTADB: what = "工作区文件已损坏或不是台账工作区，请用备份恢复"
        case .SQLITE_IOERR: what = "读写工作区文件时出错（磁盘错误或空间不足），本次操作未保存"
        case .SQLITE_PERM, .SQLITE_AUTH: what = "没有访问工作区文件的权限"
        case .SQLITE_CONSTRAINT: what = "数据不符合工作区的约束，未保存"
        default: what = "工作区数据库出错（SQLite 错误 \(primary.rawValue)）"
        }
        return what
    }
}
