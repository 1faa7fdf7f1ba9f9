import ArgumentParser
import Foundation
import TaizhangCore
import TaizhangWorkflow

/// `--unit U` or `--province`: who a package or a key belongs to.
struct SenderOptions: ParsableArguments {
    @Option(help: ArgumentHelp("单位（标识、全称或简称）", valueName: "UNIT")) var unit: String?
    @Flag(help: "省厅自己（而不是某个单位）") var province = false

    func validate() throws {
        if province == (unit != nil) { throw ValidationError("请指定 --unit 单位 或 --province（二者选一）") }
    }

    var sender: ParcelSender { unit.map(ParcelSender.unit) ?? .province }
}

/// `taizhang package`: builds a unit's (or the province's) signed submission package.
struct PackageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "package",
        abstract: "生成报送包（.zip）：本单位应报送的台账原件、CSV 副本、报送函和清单，附签名",
        discussion: """
            单位：taizhang package --unit 沈阳 --period 2024-06 -o 沈阳_2024-06.zip
            （用 taizhang keys new --unit 沈阳 在工作区旁 keys/ 生成的私钥签名；也可用 --key 指定）
            报送包中有 manifest.json（单位、报送期、本期第几份、各表版本、每个文件的大小和 SHA-256）和 manifest.sig（对清单的 Ed25519 签名）。
            同一单位同一报送期的报送包按份数先后排序：省厅不接收比已收到的更早的一份。内容和 --date 相同时生成的文件逐字节相同。
            应报送的台账不齐时拒绝生成并列出所缺，除非指定 --allow-incomplete。
            省厅：taizhang package --province --period 2024-06 -o 全省_2024-06.zip
            （全省汇总报表、进展情况报告和本期收到的各单位报送包）。
            """)

    @OptionGroup var formOptions: FormOptions
    @OptionGroup var workspaceOptions: WorkspaceOptions
    @OptionGroup var who: SenderOptions
    @Option(help: ArgumentHelp("报送期", valueName: "YYYY-MM")) var period: YearMonth
    @Option(name: .shortAndLong, help: ArgumentHelp("输出的报送包文件", valueName: "FILE.zip")) var output: String
    @Option(help: ArgumentHelp("签名私钥文件，默认为工作区旁 keys/ 中 taizhang keys new 生成的本单位私钥；都没有则不签名",
                               valueName: "FILE")) var key: String?
    @Option(help: ArgumentHelp("报送函的日期，默认为今天；省厅报送包为汇总的截至日期，默认为报送期的截止日", valueName: "YYYY-MM-DD"))
    var date: CivilDate?
    @Flag(name: .customLong("allow-incomplete"), help: "应报送的台账不齐时仍然生成（清单中注明所缺）") var allowIncomplete = false
    @Option(name: .customLong("letter-format"), help: ArgumentHelp("报送函（省厅报送包为进展情况报告）的格式：memo（文本）或 docx（Word 公文）", valueName: "FORMAT"))
    var letterFormat = "memo"

    func run() throws {
        let workflow = try formOptions.workflow(workspace: workspaceOptions.path)
        let key = self.key ?? workflow.defaultKey(for: who.sender, workspace: workspaceOptions.path)
        if let key, self.key == nil { printError("使用签名私钥 \(key)") }
        // The output checked before anything is opened for writing (a typo in -o must leave the workspace as it
        // was); the workspace is written (the package's number is kept there) but never created.
        try OutputGuard.check(output, inputs: [workspaceOptions.path] + (key.map { [$0] } ?? []))
        let manifest = try workflow.buildParcel(
            sender: who.sender, period: period, workspace: try workspaceOptions.open(with: workflow, for: .update),
            keyPath: key, date: date, allowIncomplete: allowIncomplete, letterFormat: letterFormat, output: output)
        say("已生成报送包 \(output)（\(manifest.unit.name)，\(period.chinese)，本期第 \(manifest.sequence ?? 1) 份，"
            + "\(manifest.files.count) 个文件）")
        for file in manifest.files { say("  \(file.name)  \(file.size) 字节") }
        if let missing = manifest.missing, !missing.isEmpty {
            if manifest.kind == .province {
                say("注意：尚未收到以下单位\(period.chinese)的报送包（已在清单中注明）："
                    + missing.map { workflow.formSet.unit(id: $0)?.shortName ?? $0 }.joined(separator: "、"))
            } else {
                say("注意：报送包不完整，缺少" + missing.map { "《\(workflow.formSet.form($0)?.title ?? $0)》" }.joined(separator: "、"))
            }
        }
        if key == nil { printError("taizhang：未指定 --key，报送包没有签名，省厅核验时将不予通过") }
    }
}

/// `taizhang verify FILE.zip`: checks a package and prints the verdict.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "核验报送包：完整、未被改动、确由所称单位签发",
        discussion: """
            例：taizhang verify 沈阳_2024-06.zip --keys 公钥
            逐项列出发现的问题。公钥目录默认为工作区文件所在目录下的 keys/（其中每个单位一个 <单位标识>.pub，省厅为 province.pub）。
            退出码：0 核验通过；1 有问题；2 文件无法读取。
            """)

    @OptionGroup var formOptions: FormOptions
    @OptionGroup var workspaceOptions: WorkspaceOptions
    @Argument(help: "报送包文件（.zip）") var file: String
    @Option(help: ArgumentHelp("公钥目录，默认为工作区旁的 keys/", valueName: "DIR")) var keys: String?
    @Flag(help: "以 JSON 输出核验结果") var json = false

    func run() throws {
        let verdict = try formOptions.workflow(workspace: workspaceOptions.path).verifyParcel(path: file, keys: keys, workspace: workspaceOptions.path)
        if json {
            try printJSON(ParcelVerdictJSON(verdict))
        } else {
            say(verdict.text)
        }
        if !verdict.isSound { throw ExitCode(1) }
    }
}

/// `taizhang keys new`: makes a signing key pair.
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "管理报送包的签名密钥", subcommands: [New.self])

    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "new",
            abstract: "为单位（或省厅）生成 Ed25519 密钥对：<单位标识>.key（私钥，仅本人可读）和 <单位标识>.pub（公钥，交省厅）",
            discussion: "例：taizhang keys new --unit 沈阳   （写入工作区旁的 keys/，taizhang package 会自动使用）")
        @OptionGroup var formOptions: FormOptions
        @OptionGroup var workspaceOptions: WorkspaceOptions
        @OptionGroup var who: SenderOptions
        @Option(name: .shortAndLong, help: ArgumentHelp("输出目录，默认为工作区旁的 keys/", valueName: "DIR")) var output: String?

        func run() throws {
            let made = try formOptions.workflow(workspace: workspaceOptions.path).newKeys(for: who.sender, directory: output, workspace: workspaceOptions.path)
            say("已生成\(made.name)的密钥：")
            say("  私钥 \(made.privateKey)（妥善保管，用于签署报送包）")
            say("  公钥 \(made.publicKey)（交省厅，放入其公钥目录）")
        }
    }
}
