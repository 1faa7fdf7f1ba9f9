import ArgumentParser
import Foundation
import TaizhangCore
import TaizhangForms
import TaizhangMemo
import TaizhangStore

/// `taizhang report progress|summary`: the province's consolidated workbooks and memos.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "生成全省汇总报表和报告",
        subcommands: [Progress.self, Summary.self])

    struct Progress: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "progress", abstract: "每月工作进展：汇总工作簿（总览、各单位台账、逾期未整改问题）和全省进展情况报告")
        @OptionGroup var formOptions: FormOptions
        @OptionGroup var workspaceOptions: WorkspaceOptions
        @Option(help: ArgumentHelp("报送期（YYYY-MM）", valueName: "PERIOD")) var period: String
        @Option(name: .customLong("as-of"), help: ArgumentHelp("截至日期（YYYY-MM-DD），默认为报送期的截止日", valueName: "DATE"))
        var asOf: String?
        @Option(name: .shortAndLong, help: ArgumentHelp("输出目录", valueName: "DIR")) var output: String
        @Option(help: ArgumentHelp("输出格式，逗号分隔：xlsx、csv、json、memo", valueName: "FORMATS")) var to = "xlsx,memo"
        @Option(help: ArgumentHelp("报告的主送机关，可多次指定", valueName: "ORGAN")) var recipient: [String] = []

        func run() throws {
            let set = try formOptions.load()
            let workspace = try workspaceOptions.open()
            guard let month = YearMonth(period) else { throw CommandFailure("报送期“\(period)”无效，应写成 YYYY-MM") }
            let due = set.campaign.obligations.flatMap(\.deadlines).filter { $0.period == month }.map(\.due).max()
            let day = try asOf.map { text -> CivilDate in
                guard let d = CivilDate(iso: text) else { throw CommandFailure("日期“\(text)”无效") }
                return d
            } ?? due ?? month.day(28)
            let written = try ReportWriter(set: set, workspace: workspace, directory: output)
                .progress(period: month, asOf: day, formats: to.split(separator: ",").map(String.init), recipients: recipient)
            for path in written { print("已生成 \(path)") }
        }
    }

    struct Summary: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "summary", abstract: "整治工作总结：各单位总结汇总工作簿和各单位的总结文本")
        @OptionGroup var formOptions: FormOptions
        @OptionGroup var workspaceOptions: WorkspaceOptions
        @Option(name: .shortAndLong, help: ArgumentHelp("输出目录", valueName: "DIR")) var output: String
        @Option(help: ArgumentHelp("输出格式，逗号分隔：xlsx、csv、json、memo", valueName: "FORMATS")) var to = "xlsx,memo"

        func run() throws {
            let set = try formOptions.load()
            let workspace = try workspaceOptions.open()
            let written = try ReportWriter(set: set, workspace: workspace, directory: output)
                .summary(formats: to.split(separator: ",").map(String.init))
            for path in written { print("已生成 \(path)") }
        }
    }
}

/// Writes the consolidated reports in the chosen formats.
struct ReportWriter {
    let set: FormSet
    let workspace: Workspace
    let directory: String
    var registry = Registry.standard()

    func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }

    func progress(period: YearMonth, asOf: CivilDate, formats: [String], recipients: [String]) throws -> [String] {
        var written: [String] = []
        let document = try ConsolidatedReport.progress(workspace: workspace, formSet: set, period: period, asOf: asOf)
        written += try writeLedger(document, baseName: "\(period.iso)_全省工作进展汇总", formats: formats)
        if formats.contains("memo"), let form = set.form("progress") {
            let memo = try provinceMemo(form: form, period: period, recipients: recipients, date: asOf)
            let file = path("\(period.iso)_全省工作进展情况报告.txt")
            try AtomicFileSink.write(file) { try MemoExporter().export(memo, to: $0) }
            written.append(file)
        }
        return written
    }

    /// The province's progress memo: this month's reports, with the cumulative figures from each unit's latest
    /// report up to the period (as `status` counts them).
    func provinceMemo(form: Form, period: YearMonth, recipients: [String], date: CivilDate) throws -> OfficialDocument {
        let all = try workspace.currentDocuments(form: form, formSet: set)
        return try Memos(templates: MemoTemplateSet(files: BuiltinForms.memoTemplates)).provinceProgressReport(
            all.filter { $0.period == period }, formSet: set, period: period, recipients: recipients, date: date,
            cumulative: CampaignStatus.latestPerUnit(all, upTo: period))
    }

    /// `status --to FORMAT -o OUT`: the status as one file (a folder of files for csv).
    func status(period: YearMonth, asOf: CivilDate, format: String, output: String) throws -> [String] {
        let document = try ConsolidatedReport.progress(workspace: workspace, formSet: set, period: period, asOf: asOf)
        switch format {
        case "memo":
            guard let form = set.form("progress") else { return [] }
            let memo = try provinceMemo(form: form, period: period, recipients: [], date: asOf)
            try AtomicFileSink.write(output) { try MemoExporter().export(memo, to: $0) }
            return [output]
        case "csv":
            return try ReportWriter(set: set, workspace: workspace, directory: output)
                .writeLedger(document, baseName: "\(period.iso)_进展情况", formats: ["csv"])
        default:
            guard let exporter = registry.exporter(format) else {
                throw CommandFailure("不支持的输出格式“\(format)”（可用：\(registry.exporters.keys.sorted().joined(separator: "、"))、memo）")
            }
            try AtomicFileSink.write(output) { try exporter.export(document, to: $0) }
            return [output]
        }
    }

    func summary(formats: [String]) throws -> [String] {
        guard let form = set.form("summary") else { throw CommandFailure("表单集中没有整治工作总结") }
        let docs = try workspace.currentDocuments(form: form, formSet: set)
        var written: [String] = []
        // All units' summaries in one workbook: the form itself, with the unit as a column of every table.
        var tables: [FormTable] = []
        var rows: [String: [Record]] = [:]
        let unitField = Field(key: "report_unit", label: "填报单位", type: .unit, width: 24)
        let answers = form.header.filter { $0.type != .unit }
        tables.append(FormTable(id: "answers", title: "各单位总结", columns: [unitField] + answers, templateRows: 0))
        rows["answers"] = docs.map { doc in
            var values = doc.header
            values["report_unit"] = doc.unit.map { .unit($0.id) }
            values["unit"] = nil
            return Record(values: values)
        }
        for table in form.tables {
            tables.append(FormTable(id: table.id, title: table.title, columns: [unitField] + table.columns, templateRows: 0))
            rows[table.id] = docs.flatMap { doc in
                (doc.rows[table.id] ?? []).map { record in
                    var values = record.values
                    values["report_unit"] = doc.unit.map { .unit($0.id) }
                    return Record(values: values)
                }
            }
        }
        let consolidated = Form(id: "consolidated-summary", version: "1", title: "大力整治行政执法突出问题工作总结汇总表",
                                shortTitle: "工作总结汇总", layout: .ledger, header: [], tables: tables)
        written += try writeLedger(LedgerDocument(form: consolidated, formSet: set, rows: rows), baseName: "全省整治工作总结汇总",
                                   formats: formats)
        if formats.contains("memo") {
            let memos = Memos(templates: try MemoTemplateSet(files: BuiltinForms.memoTemplates))
            for doc in docs {
                guard let unit = doc.unit else { continue }
                let date = doc.header["report_date"]?.date ?? set.campaign.issued
                let memo = try memos.summaryReport(doc, date: date)
                let file = path("\(unit.name)_整治工作总结.txt")
                try AtomicFileSink.write(file) { try MemoExporter().export(memo, to: $0) }
                written.append(file)
            }
        }
        return written
    }

    func writeLedger(_ document: LedgerDocument, baseName: String, formats: [String]) throws -> [String] {
        var written: [String] = []
        for format in formats where format != "memo" {
            guard let exporter = registry.exporter(format) else {
                throw CommandFailure("不支持的输出格式“\(format)”（可用：\(registry.exporters.keys.sorted().joined(separator: "、"))、memo）")
            }
            if format == "csv" {
                // One CSV file per table.
                for table in document.form.tables {
                    let file = path("\(baseName)_\(table.title).csv")
                    try AtomicFileSink.write(file) { sink in
                        try TaizhangCSVBridge.export(document, table: table.id, to: sink)
                    }
                    written.append(file)
                }
                continue
            }
            let file = path("\(baseName).\(exporter.format.fileExtensions[0])")
            try AtomicFileSink.write(file) { try exporter.export(document, to: $0) }
            written.append(file)
        }
        return written
    }
}
