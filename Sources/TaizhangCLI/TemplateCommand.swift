import ArgumentParser
import Foundation
import TaizhangCore
import TaizhangXLSX

/// `taizhang template <表单> --unit <单位> --period <YYYY-MM> -o FILE.xlsx`: one template workbook.
struct TemplateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "template",
        abstract: "生成一个单位某一报送期的 Excel 填报模板")

    @OptionGroup var formOptions: FormOptions
    @Argument(help: "表单 id 或名称（如 rectification、整改工作台账）") var form: String
    @Option(help: "填报单位（全称、简称或代码，如 沈阳）") var unit: String
    @Option(help: ArgumentHelp("报送期", valueName: "YYYY-MM")) var period: String
    @Option(name: .shortAndLong, help: ArgumentHelp("输出文件", valueName: "FILE.xlsx")) var output: String

    func run() throws {
        let set = try formOptions.load()
        guard let form = set.resolveForm(self.form) else {
            throw CommandFailure("没有表单“\(self.form)”。可用：\(set.forms.map { "\($0.id)（\($0.shortTitle)）" }.joined(separator: "、"))")
        }
        guard let unit = set.unit(named: self.unit) else {
            throw CommandFailure("没有填报单位“\(self.unit)”。可用：\(set.units.map(\.shortName).joined(separator: "、"))")
        }
        let period = try TemplateCommand.parsePeriod(self.period)
        let document = LedgerDocument(form: form, formSet: set, unit: unit, period: period, purpose: .template)
        try TemplateCommand.write(document, to: output)
        print("已生成 \(output)")
    }

    static func parsePeriod(_ text: String) throws -> YearMonth {
        guard let period = YearMonth(text) else {
            throw CommandFailure("报送期“\(text)”格式不对，应为 YYYY-MM，如 2024-06")
        }
        return period
    }

    /// Exports `document` to `path` atomically: a temporary file in the same directory, then a rename.
    static func write(_ document: LedgerDocument, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CommandFailure("输出目录“\(directory)”不存在")
        }
        let temporary = directory + "/." + url.lastPathComponent + ".\(UUID().uuidString).tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: nil),
              let handle = FileHandle(forWritingAtPath: temporary) else {
            throw CommandFailure("无法写入“\(path)”：没有写权限或磁盘已满")
        }
        let sink = FileSink(handle: handle)
        do {
            try XLSXExporter().export(document, to: sink)
            try handle.synchronize()
            try handle.close()
            if rename(temporary, path) != 0 {
                throw CommandFailure("无法写入“\(path)”：\(String(cString: strerror(errno)))")
            }
        } catch {
            try? handle.close()
            try? FileManager.default.removeItem(atPath: temporary)
            if let failure = error as? ExportError { throw CommandFailure("无法生成“\(path)”：\(failure.message)") }
            throw error
        }
    }
}

/// `taizhang templates --period <YYYY-MM> -o DIR`: every template owed for a period, one file per unit and form.
struct TemplatesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "templates",
        abstract: "按报送日程为每个填报单位生成该报送期应报的全部 Excel 模板")

    @OptionGroup var formOptions: FormOptions
    @Option(help: ArgumentHelp("报送期", valueName: "YYYY-MM")) var period: String
    @Option(name: .shortAndLong, help: ArgumentHelp("输出目录（不存在时创建）", valueName: "DIR")) var output: String

    func run() throws {
        let set = try formOptions.load()
        let period = try TemplateCommand.parsePeriod(self.period)
        do {
            try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        } catch {
            throw CommandFailure("无法创建输出目录“\(output)”：\(error.localizedDescription)")
        }
        var count = 0
        for unit in set.units {
            for owed in set.campaign.owed(unitKind: unit.kind, period: period) {
                guard let form = set.form(owed.form) else { continue }
                let name = TemplatesCommand.fileName(period: period, unit: unit, form: form)
                let document = LedgerDocument(form: form, formSet: set, unit: unit, period: period, purpose: .template)
                try TemplateCommand.write(document, to: output + "/" + name)
                count += 1
            }
        }
        if count == 0 {
            throw CommandFailure("报送期 \(period.iso) 没有应报送的表单（日程见 taizhang forms）")
        }
        print("已在 \(output) 生成 \(count) 个模板")
    }

    /// `2024-06_沈阳市工业和信息化局_整改工作台账.xlsx`.
    static func fileName(period: YearMonth, unit: ReportingUnit, form: Form) -> String {
        let safe = { (s: String) in String(s.map { "/\\:*?\"<>|".contains($0) ? "_" : $0 }) }
        return "\(period.iso)_\(safe(unit.name))_\(safe(form.shortTitle)).xlsx"
    }
}

/// A sink writing to a file handle.
final class FileSink: ByteSink {
    let handle: FileHandle
    init(handle: FileHandle) { self.handle = handle }
    func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard !bytes.isEmpty else { return }
        try handle.write(contentsOf: Data(bytes))
    }
}
