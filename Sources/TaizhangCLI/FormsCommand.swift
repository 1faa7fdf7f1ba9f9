import ArgumentParser
import Foundation
import TaizhangCore
import TaizhangWorkflow

/// `taizhang forms`: lists the forms; `taizhang forms show ID` prints one in full.
struct FormsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forms",
        abstract: "列出表单；forms show <表单> 显示字段、类型、选项和规则",
        subcommands: [List.self, Show.self],
        defaultSubcommand: List.self)

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "列出全部表单")
        @OptionGroup var formOptions: FormOptions
        @Flag(help: "以 JSON 输出") var json = false

        func run() throws {
            let set = try formOptions.workflow().formSet
            if json {
                try printJSON(set.forms.map { FormSummary(form: $0, campaign: set.campaign) })
                return
            }
            say(FormsText(set: set).list(), terminator: "")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "显示一张表单的全部字段与规则",
                                                        discussion: "例：taizhang forms show 整改工作台账")
        @OptionGroup var formOptions: FormOptions
        @Argument(help: "表单 id 或名称（如 rectification、整改工作台账）") var form: String
        @Flag(help: "以 JSON 输出表单定义") var json = false

        func run() throws {
            let set = try formOptions.workflow().formSet
            let form = try set.resolveForm(form)
            if json {
                try printJSON(form)
                return
            }
            say(FormsText(set: set).show(form), terminator: "")
        }
    }
}

struct FormSummary: Encodable {
    var id: String
    var version: String
    var title: String
    var shortTitle: String
    var deadlines: [Deadline]
    var unitKinds: [String]

    init(form: Form, campaign: Campaign) {
        id = form.id
        version = form.version
        title = form.title
        shortTitle = form.shortTitle
        let obligations = campaign.obligations.filter { $0.form == form.id }
        deadlines = obligations.flatMap(\.deadlines)
        unitKinds = Array(Set(obligations.flatMap(\.unitKinds))).sorted()
    }
}
