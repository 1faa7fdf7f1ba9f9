import Foundation
import Testing
import TaizhangCore
import TaizhangForms
import TaizhangWorkflow

/// Every error a person can meet becomes one Chinese line naming the file, in one place.
@Suite struct UserMessageTests {
    static let hasLatin = try! NSRegularExpression(pattern: "[A-Za-z]{4,}")

    func english(_ text: String) -> Bool {
        // Paths and codes may hold Latin letters; the words of the message may not.
        let stripped = text.replacingOccurrences(of: #"“[^”]*”"#, with: "", options: .regularExpression)
            .replacingOccurrences(of: "SQLite", with: "")
        return UserMessageTests.hasLatin.firstMatch(in: stripped, range: NSRange(stripped.startIndex..., in: stripped)) != nil
    }

    /// A workspace whose folder cannot be made (a file stands where a folder should be): named, in Chinese.
    /// (A missing folder is made: ingest may create a workspace, and its folder.)
    @Test func aWorkspaceInAFolderThatCannotBeMadeIsNamedInChinese() throws {
        let workflow = try Workflow(formSet: try BuiltinForms.load())
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("taizhang-notdir-\(UUID().uuidString)")
        try Data("x".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let folder = file.path + "/省厅"
        do {
            _ = try workflow.openWorkspace(at: folder + "/ws.sqlite")
            Issue.record("opened a workspace below a file")
        } catch {
            let text = UserMessage.text(for: error)
            #expect(text.contains(folder), "\(text)")
            #expect(text.contains("无法"), "\(text)")
            #expect(!english(text), "\(text)")
        }
        // Read-only use of a workspace that is not there says so.
        #expect(throws: WorkflowError.self) { _ = try workflow.openWorkspace(at: "/没有这个目录/ws.sqlite", for: .read) }
    }

    @Test func foundationErrorsBecomeChineseNamingTheFile() {
        let full = NSError(domain: NSCocoaErrorDomain, code: CocoaError.fileWriteOutOfSpace.rawValue,
                           userInfo: [NSFilePathErrorKey: "/tmp/报告/汇总.xlsx"])
        let text = UserMessage.text(for: full)
        #expect(text.contains("磁盘已满") && text.contains("/tmp/报告/汇总.xlsx"), "\(text)")
        let denied = NSError(domain: NSPOSIXErrorDomain, code: Int(EACCES), userInfo: [NSFilePathErrorKey: "/root/x"])
        #expect(UserMessage.text(for: denied).contains("没有权限"))
        for error in [full, denied] { #expect(!english(UserMessage.text(for: error))) }
    }

    @Test func libraryErrorsKeepTheirCodesAndReadInChinese() throws {
        let set = try BuiltinForms.load()
        #expect(throws: WorkflowError(.unknownUnit, subject: "北京",
                                      detail: "可用：" + set.units.map(\.shortName).joined(separator: "、"))) {
            try set.resolveUnit("北京")
        }
        #expect(try set.resolveUnit("shenyang").id == "shenyang")
        #expect(try set.resolveUnit("沈阳").id == "shenyang")
        let unknown = WorkflowError(.unknownFormat, subject: "pdf", detail: "csv、json、xlsx、memo")
        #expect(UserMessage.text(for: unknown) == "不支持的输出格式“pdf”（可用：csv、json、xlsx、memo）")
        #expect(WorkflowError(.invalidPeriod, subject: "2024-13").message.contains("YYYY-MM"))
    }
}
