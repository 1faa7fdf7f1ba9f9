import ArgumentParser
import Foundation
import TaizhangCore
import TaizhangWorkflow

/// `taizhang ingest PATH…`: takes returned files into the workspace.
struct IngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "接收报送的文件（.xlsx、.xls、.et、.ods、.csv、报送包 .zip 或目录），检查后存入工作区；退回修改的工作簿一律为 .xlsx",
        discussion: """
            例：taizhang ingest 收件箱/ --workspace taizhang.sqlite --annotate 退回/
            每个文件都会原样保存：通过检查的标记为“已接收”，有错误的标记为“已退回”并保存检查结果，\
            无法读取的标记为“已拒收”。同一文件再次接收不会重复保存；同一单位同一报送期的更正版本会取代原版本（原版本保留）。
            几个人可以同时向同一工作区接收文件：后来的会等待先来的写完。先收到整改台账、后收到自查台账时，\
            整改台账会按新的自查台账重新核对，结论与到达顺序无关。
            退出码：0 全部接收（或此前已接收）；1 有文件被退回或拒收（包括再次报送的此类文件）；2 执行失败。
            """)

    @OptionGroup var formOptions: FormOptions
    @OptionGroup var workspaceOptions: WorkspaceOptions
    @Argument(help: "文件或目录") var paths: [String]
    @Option(help: ArgumentHelp("收到文件的日期（补录时使用），默认为现在", valueName: "YYYY-MM-DD"))
    var received: CivilDate?
    @Flag(help: "以 JSON 输出每个文件的结果") var json = false
    @Option(help: ArgumentHelp("为退回的文件在此目录生成标注问题的工作簿和退回修改通知", valueName: "DIR"))
    var annotate: String?
    @Option(name: .customLong("notice-format"), help: ArgumentHelp("退回修改通知的格式：memo（文本）或 docx（Word 公文）", valueName: "FORMAT"))
    var noticeFormat = "memo"
    @Option(help: ArgumentHelp("核验报送包用的各单位公钥目录，默认为工作区文件旁的 keys/", valueName: "DIR"))
    var keys: String?

    func run() throws {
        let workflow = try formOptions.workflow(workspace: workspaceOptions.path)
        let workspace = try workspaceOptions.open(with: workflow, for: .write)
        // Each file's line is printed as soon as it is recorded: if the run stops part-way, what is printed is in.
        let json = self.json
        let outcomes = try workflow.ingest(paths: paths, workspace: workspace,
                                           received: received.map(CampaignClock.noon(of:)), keys: keys,
                                           progress: ProgressBar(label: "读取").callback,
                                           recorded: json ? nil : { say($0.displayLine) })
        if let annotate {
            for outcome in outcomes where outcome.verdict == .returned {
                guard let path = outcome.source else { continue }
                let written = try workflow.returnForCorrection(path: path, submission: outcome.submission,
                                                               workspace: workspace, directory: annotate,
                                                               noticeFormat: noticeFormat)
                for file in written { printError("已生成 \(file)") }
            }
        }
        if json {
            try printJSON(outcomes)
        } else {
            say(outcomes.summaryLine)
        }
        if outcomes.contains(where: { $0.verdict.needsAction }) { throw ExitCode(1) }
    }
}
