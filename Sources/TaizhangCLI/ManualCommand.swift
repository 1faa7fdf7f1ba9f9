import ArgumentParser
import Foundation
import TaizhangWorkflow

/// `taizhang manual`: the manual page (man(7) macros, UTF-8), written from the same description of the commands
/// the argument parser gives its own plugin (`--experimental-dump-help`). The plugin's renderer
/// (`swift package generate-manual`) keeps only ASCII characters — every Chinese word of this command's help
/// would be lost — so the page is rendered here; its structure follows the plugin's.
struct ManualCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "manual",
        abstract: "输出 taizhang 的手册页（man 格式）",
        discussion: "例：taizhang manual > /usr/local/share/man/man1/taizhang.1 && man taizhang",
        shouldDisplay: false)

    func run() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe")
        process.arguments = ["--experimental-dump-help"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let info = try JSONDecoder().decode(ManualPage.Tool.self, from: data)
        print(ManualPage.render(info.command), terminator: "")
    }
}

/// Renders the argument parser's description of the commands as a manual page.
enum ManualPage {
    /// The parts of the parser's `--experimental-dump-help` output the page shows.
    struct Tool: Decodable { var command: Command }
    struct Command: Decodable {
        var commandName: String
        var abstract: String?
        var discussion: String?
        var shouldDisplay: Bool?
        var subcommands: [Command]?
        var arguments: [Argument]?
    }
    struct Argument: Decodable {
        struct Name: Decodable { var kind: String; var name: String }
        var kind: String
        var names: [Name]?
        var valueName: String?
        var abstract: String?
        var defaultValue: String?
        var isOptional: Bool?
        var shouldDisplay: Bool?
    }

    static func render(_ root: Command) -> String {
        var page = [#".\" -*- coding: UTF-8 -*-"#, #".\" Written by taizhang manual from the argument parser's description of the commands."#,
                    ".TH TAIZHANG 1 \"\" \"taizhang \(TaizhangVersion.current)\" \"台账\"",
                    // Chinese has no spaces to stretch: lines set ragged, words never hyphenated.
                    ".ad l", ".nh",
                    ".SH 名称", "taizhang \\- " + escape(root.abstract ?? ""),
                    ".SH 用法", ".B taizhang", ".I 子命令", "[选项]", ".SH 说明"]
        page += paragraph(root.discussion)
        page += options(root.arguments)
        page.append(".SH 子命令")
        for command in root.subcommands ?? [] { page += section(command, path: ["taizhang"]) }
        page += [".SH 参见", "taizhang help <子命令>；taizhang --generate-completion-script bash|zsh|fish"]
        return page.joined(separator: "\n") + "\n"
    }

    private static func section(_ command: Command, path: [String]) -> [String] {
        guard command.shouldDisplay ?? true else { return [] }
        let full = path + [command.commandName]
        var lines = [".SS \"\(full.joined(separator: " "))\""]
        if let abstract = command.abstract { lines += [escape(abstract)] }
        lines += paragraph(command.discussion)
        // --help and --version are the same everywhere: said once, under the root.
        lines += options(command.arguments?.filter { argument in
            !(argument.names ?? []).contains { $0.kind == "long" && ["help", "version"].contains($0.name) }
        })
        for sub in command.subcommands ?? [] { lines += section(sub, path: full) }
        return lines
    }

    private static func paragraph(_ text: String?) -> [String] {
        guard let text, !text.isEmpty else { return [] }
        // Kept line by line: the discussions hold examples.
        return [".PP", ".nf"] + text.split(separator: "\n", omittingEmptySubsequences: false).map { escape(String($0)) } + [".fi"]
    }

    private static func options(_ arguments: [Argument]?) -> [String] {
        var lines: [String] = []
        for argument in arguments ?? [] where argument.shouldDisplay ?? true {
            let names = (argument.names ?? []).map { ($0.kind == "short" ? "\\-" : "\\-\\-") + escape($0.name) }
            var head: String
            if argument.kind == "positional" {
                head = "\\fI" + escape(argument.valueName ?? "") + "\\fR"
            } else {
                head = "\\fB" + names.joined(separator: "\\fR, \\fB") + "\\fR"
                if argument.kind == "option", let value = argument.valueName { head += " \\fI<" + escape(value) + ">\\fR" }
            }
            var text = escape(ParserMessages.help(argument.abstract ?? ""))
            if let value = argument.defaultValue, !value.isEmpty { text += "（默认：\(escape(value))）" }
            lines += [".TP", head, text]
        }
        return lines
    }

    /// Text safe in roff: backslashes doubled as `\e`, a leading `.` or `'` guarded, hyphens as `\-`.
    static func escape(_ text: String) -> String {
        var out = text.replacingOccurrences(of: "\\", with: "\\e").replacingOccurrences(of: "-", with: "\\-")
        if out.hasPrefix(".") || out.hasPrefix("'") { out = "\\&" + out }
        return out
    }
}
