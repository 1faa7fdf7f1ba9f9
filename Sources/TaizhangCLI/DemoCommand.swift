import ArgumentParser
import Foundation
import TaizhangWorkflow

/// `taizhang demo [DIR]`: the whole loop on generated data, with no setup.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "演示完整流程：生成模板、模拟各单位报送（含逾期、错误、CSV 和自制表格）、接收、查看进展、生成汇总报告",
        discussion: """
            例：taizhang demo taizhang-demo
            所有文件写入 DIR（默认 taizhang-demo）；其中的工作区 taizhang.sqlite 每次重新生成。DIR 须是空目录或此前演示建立的目录。
            """)

    @OptionGroup var formOptions: FormOptions
    @Argument(help: "输出目录") var directory = "taizhang-demo"
    @Flag(help: "目录不是空的、也不是演示程序建立的时候，仍在其中运行（会替换其中的 1-模板、2-各单位报送、3-汇总报告 和 taizhang.sqlite）")
    var force = false

    func run() throws {
        try formOptions.workflow().runDemo(in: URL(fileURLWithPath: directory), force: force) { say($0) }
    }
}
