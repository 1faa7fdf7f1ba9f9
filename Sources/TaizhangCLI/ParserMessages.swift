import Foundation
import TaizhangWorkflow

/// Argument-parser's messages in Chinese: the parser speaks English, a person reads Chinese.
enum ParserMessages {
    /// (English pattern, Chinese template): `$1`, `$2` are the pattern's groups.
    private static let patterns: [(String, String)] = [
        (#"^Error: The value '(.*)' is invalid for '.*<YYYY-MM>'.*$"#, "PERIOD:$1"),
        (#"^Error: The value '(.*)' is invalid for '.*<(YYYY-MM-DD|DATE)>'.*$"#, "DATE:$1"),
        (#"^Error: The value '(.*)' is invalid for '(.*)'.*$"#, "错误：“$2”的值“$1”无效"),
        (#"^Error: Missing expected argument '(.*)'$"#, "错误：缺少参数 $1"),
        (#"^Error: Missing value for '(.*)'$"#, "错误：选项 $1 缺少值"),
        (#"^Error: Unknown option '(.*)'$"#, "错误：没有选项 $1"),
        (#"^Error: Unexpected arguments? (.*)$"#, "错误：多余的参数 $1"),
        (#"^Error: (.*)$"#, "错误：$1"),
        (#"^Usage: (.*)$"#, "用法：$1"),
        (#"^Help: +(.*)$"#, "说明：$1"),
        (#"^ *See '(.*)' for more information\.$"#, "  详见 $1"),
    ]

    /// `message` with each line the parser writes in English put in Chinese (text of ours passes unchanged).
    static func chinese(_ message: String) -> String {
        message.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            let text = String(line)
            for (pattern, template) in patterns {
                guard let regex = try? NSRegularExpression(pattern: pattern),
                      let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) else { continue }
                var out = template
                for group in stride(from: match.numberOfRanges - 1, through: 1, by: -1) {
                    let value = Range(match.range(at: group), in: text).map { String(text[$0]) } ?? ""
                    out = out.replacingOccurrences(of: "$\(group)", with: value)
                }
                if out.hasPrefix("PERIOD:") { return "错误：" + WorkflowError(.invalidPeriod, subject: String(out.dropFirst(7))).message }
                if out.hasPrefix("DATE:") { return "错误：" + WorkflowError(.invalidDate, subject: String(out.dropFirst(5))).message }
                return out
            }
            return text
        }.joined(separator: "\n")
    }

    /// The parser's help screens with its English headings and built-in texts put in Chinese.
    static func help(_ text: String) -> String {
        var out = text
        for (english, chinese) in helpPhrases { out = out.replacingOccurrences(of: english, with: chinese) }
        if let regex = try? NSRegularExpression(pattern: #"\(default:\s*([^)]*)\)"#) {
            out = regex.stringByReplacingMatches(in: out, range: NSRange(out.startIndex..., in: out), withTemplate: "（默认：$1）")
        }
        return out
    }

    /// What the parser writes in its help screens, and its Chinese.
    static let helpPhrases: [(String, String)] = [
        ("OVERVIEW: ", "概述："),
        ("USAGE: ", "用法："),
        ("ARGUMENTS:", "参数："),
        ("OPTIONS:", "选项："),
        ("SUBCOMMANDS:", "子命令："),
        ("  See 'taizhang help <subcommand>' for detailed help.", "  各子命令的详细说明：taizhang help <子命令>"),
        ("Show the version.", "显示版本号"),
        ("Show help information.", "显示帮助信息"),
        ("(default)", "（默认）"),
    ]
}
