import Foundation
import TaizhangCore

/// A value a memo template reads: text, a whole number, or a list of contexts (one per item of an `each`).
public enum MemoValue: Hashable, Sendable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
    case text(String)
    case number(Int)
    case list([[String: MemoValue]])

    public init(stringLiteral value: String) { self = .text(value) }
    public init(integerLiteral value: Int) { self = .number(value) }

    /// Whether an `if` on this value holds: non-empty text, a number other than 0, a non-empty list.
    public var isTrue: Bool {
        switch self {
        case .text(let s): return !s.isEmpty
        case .number(let n): return n != 0
        case .list(let items): return !items.isEmpty
        }
    }
}

/// The data a template is rendered with: key → value.
public typealias MemoContext = [String: MemoValue]

/// A template's mistake, or data it needs and did not get, in Chinese.
public struct MemoTemplateError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The template's file name (`progress-report.json`).
    public var template: String
    /// The JSON path (`body[3].then[0].paragraph`).
    public var path: String
    /// What is wrong.
    public var message: String

    public init(template: String, path: String, message: String) {
        self.template = template
        self.path = path
        self.message = message
    }

    public var description: String {
        path.isEmpty ? "公文模板 \(template) 有误：\(message)" : "公文模板 \(template) 的 \(path) 有误：\(message)"
    }
}

/// The wording of one kind of memo, kept as data in `forms/memos/<id>.json` beside the forms.
///
/// ## The template language
///
/// A template is a JSON object:
///
/// ```json
/// {
///   "id": "progress-report",
///   "name": "工作进展情况报告",
///   "title": "{unit_name}关于{period_text}……的报告",
///   "recipients": ["{recipient}"],
///   "body": [
///     {"paragraph": "……现将{period_text}工作进展情况报告如下："},
///     {"heading": 1, "text": "主要工作进展"},
///     {"if": "accountability_count", "then": [{"paragraph": "追责问责{accountability_count}人。"}],
///      "else": [{"paragraph": "未发生追责问责情况。"}]},
///     {"each": "items", "do": [{"heading": 3, "text": "{item}。", "run": "{progress}"}]}
///   ],
///   "attachments": [{"each": "files", "do": ["{name}"]}],
///   "signature": "{unit_name}",
///   "note": ["联系人：{filler}，联系电话：{phone}"],
///   "copiedTo": []
/// }
/// ```
///
/// - **Placeholders** `{key}` in any text are replaced by the context's value for `key` (text, or a number in
///   Arabic numerals). A key the context lacks, or a list put in a placeholder, is an error: a memo never goes
///   out with a hole. `{{` and `}}` write literal braces.
/// - **`if`**: `{"if": "key", "then": [...], "else": [...]}` keeps `then` when the value is present and true
///   (non-empty text, a number other than 0, a non-empty list), else `else` (optional). `"if": "!key"` negates.
/// - **`each`**: `{"each": "key", "do": [...]}` repeats `do` once per item of the list `key`; inside, the
///   item's keys are added to the context (shadowing outer ones), with `index` (1, 2, …) and `count`.
/// - Body blocks are `{"paragraph": "text"}` and `{"heading": 1…4, "text": "…", "run": "…"}` (numbered by the
///   renderer); lists of texts (`recipients`, `attachments`, `copiedTo`, `note`) hold strings, `if` and
///   `each` the same way. `note`'s texts are joined with `，`; an empty result means no 附注.
/// - A paragraph whose text comes out empty is dropped; a paragraph text with line breaks becomes several
///   paragraphs.
public struct MemoTemplate: Sendable {
    /// The template's id (its file name without `.json`).
    public var id: String
    /// A Chinese name for lists.
    public var name: String
    let file: String
    let title: String
    let recipients: [Node<String>]
    let body: [Node<BlockTemplate>]
    let attachments: [Node<String>]
    let signature: String
    let note: [Node<String>]
    let copiedTo: [Node<String>]
    /// 发文机关标志 (`{issuer}文件`), when the template asks for a 版头.
    let issuerMark: String?
    /// 印发机关 (`{issuer}办公室`), when the template asks for a 版记 with it; the 印发日期 is the document's date.
    let printer: String?

    /// A piece of a template: a leaf, or an `if` or an `each` over more pieces.
    indirect enum Node<Leaf: Sendable>: Sendable {
        case leaf(Leaf, path: String)
        case when(key: String, negated: Bool, then: [Node<Leaf>], otherwise: [Node<Leaf>])
        case each(key: String, body: [Node<Leaf>], path: String)
    }

    /// A body block with placeholders.
    enum BlockTemplate: Sendable {
        case paragraph(String)
        case heading(level: Int, text: String, run: String?)
    }

    /// Reads a template from its JSON file.
    public init(file: FormFile) throws(MemoTemplateError) {
        let name = file.name.split(separator: "/").last.map(String.init) ?? file.name
        self.file = name
        let object: [String: Any]
        do {
            guard let o = try JSONSerialization.jsonObject(with: file.contents) as? [String: Any] else {
                throw MemoTemplateError(template: name, path: "", message: "应为 JSON 对象")
            }
            object = o
        } catch let e as MemoTemplateError {
            throw e
        } catch {
            throw MemoTemplateError(template: name, path: "", message: "不是有效的 JSON")
        }
        let parser = Parser(file: name)
        let known: Set<String> = ["id", "name", "title", "recipients", "body", "attachments", "signature", "note",
                                  "copiedTo", "issuerMark", "printer", "_comment"]
        try parser.rejectUnknown(object, known: known, path: "")
        self.id = try parser.string(object["id"], path: "id")
        guard id + ".json" == name else {
            throw MemoTemplateError(template: name, path: "id", message: "模板 id“\(id)”须与文件名一致（\(id).json）")
        }
        self.name = try parser.string(object["name"], path: "name")
        self.title = try parser.string(object["title"], path: "title")
        self.signature = try parser.string(object["signature"], path: "signature")
        self.recipients = try parser.texts(object["recipients"], path: "recipients")
        self.body = try parser.blocks(object["body"], path: "body")
        self.attachments = try parser.texts(object["attachments"], path: "attachments")
        self.note = try parser.texts(object["note"], path: "note")
        self.copiedTo = try parser.texts(object["copiedTo"], path: "copiedTo")
        self.issuerMark = try object["issuerMark"].map { value throws(MemoTemplateError) in
            try parser.string(value, path: "issuerMark")
        }
        self.printer = try object["printer"].map { value throws(MemoTemplateError) in try parser.string(value, path: "printer") }
    }

    /// Renders the template with `context` into a document dated `date`. The 发文机关标志 and the 印发机关 come
    /// from the template when it gives them (`issuerMark`, `printer`; printed on the document's date); 发文字号 and
    /// 签发人 are assigned by the office, not the template: set them on the result.
    public func render(_ context: MemoContext, date: CivilDate) throws(MemoTemplateError) -> OfficialDocument {
        let filler = Filler(file: file)
        let body = try filler.expand(self.body, context) { block, context, path throws(MemoTemplateError) in
            switch block {
            case .paragraph(let text):
                let filled = try filler.fill(text, context, path: path)
                return TextFolding.trimmed(filled).isEmpty ? nil : OfficialDocumentBlock.paragraph(filled)
            case .heading(let level, let text, let run):
                return .heading(level: level, text: try filler.fill(text, context, path: path),
                                run: try run.map { r throws(MemoTemplateError) in try filler.fill(r, context, path: path) })
            }
        }
        func texts(_ nodes: [Node<String>]) throws(MemoTemplateError) -> [String] {
            try filler.expand(nodes, context) { text, context, path throws(MemoTemplateError) in
                let filled = try filler.fill(text, context, path: path)
                return TextFolding.trimmed(filled).isEmpty ? nil : filled
            }
        }
        let note = try texts(self.note).joined(separator: "，")
        return OfficialDocument(
            title: try filler.fill(title, context, path: "title"),
            recipients: try texts(recipients),
            body: body,
            attachments: try texts(attachments),
            signature: try filler.fill(signature, context, path: "signature"),
            date: date,
            note: note.isEmpty ? nil : note,
            copiedTo: try texts(copiedTo),
            printer: try printer.map { p throws(MemoTemplateError) in try filler.fill(p, context, path: "printer") },
            printDate: printer == nil ? nil : date)
        .with(issuerMark: try issuerMark.map { m throws(MemoTemplateError) in try filler.fill(m, context, path: "issuerMark") })
    }

    /// Fills placeholders and expands `if` and `each`.
    struct Filler {
        let file: String

        func expand<Leaf, Out>(_ nodes: [Node<Leaf>], _ context: MemoContext,
                               _ leaf: (Leaf, MemoContext, String) throws(MemoTemplateError) -> Out?)
            throws(MemoTemplateError) -> [Out]
        {
            var out: [Out] = []
            for node in nodes {
                switch node {
                case .leaf(let value, let path):
                    if let result = try leaf(value, context, path) { out.append(result) }
                case .when(let key, let negated, let then, let otherwise):
                    let holds = (context[key]?.isTrue ?? false) != negated
                    out += try expand(holds ? then : otherwise, context, leaf)
                case .each(let key, let body, let path):
                    guard let value = context[key] else {
                        throw MemoTemplateError(template: file, path: path, message: "没有名为“\(key)”的数据列表")
                    }
                    guard case .list(let items) = value else {
                        throw MemoTemplateError(template: file, path: path, message: "“\(key)”不是列表，不能用于 each")
                    }
                    for (i, item) in items.enumerated() {
                        var inner = context
                        inner["index"] = .number(i + 1)
                        inner["count"] = .number(items.count)
                        inner.merge(item) { _, new in new }
                        out += try expand(body, inner, leaf)
                    }
                }
            }
            return out
        }

        /// `text` with its placeholders replaced.
        func fill(_ text: String, _ context: MemoContext, path: String) throws(MemoTemplateError) -> String {
            var out = ""
            var i = text.startIndex
            while i < text.endIndex {
                let c = text[i]
                let next = text.index(after: i)
                if c == "{" {
                    if next < text.endIndex && text[next] == "{" { out.append("{"); i = text.index(after: next); continue }
                    guard let close = text[next...].firstIndex(of: "}") else {
                        throw MemoTemplateError(template: file, path: path, message: "占位符缺少“}”：\(text)")
                    }
                    let key = String(text[next..<close])
                    switch context[key] {
                    case .text(let s): out += s
                    case .number(let n): out += String(n)
                    case .list:
                        throw MemoTemplateError(template: file, path: path, message: "占位符“{\(key)}”是列表，应当用 each")
                    case nil:
                        throw MemoTemplateError(template: file, path: path, message: "占位符“{\(key)}”没有对应的数据")
                    }
                    i = text.index(after: close)
                } else if c == "}" {
                    guard next < text.endIndex, text[next] == "}" else {
                        throw MemoTemplateError(template: file, path: path, message: "多余的“}”（写成“}}”表示字符 }）：\(text)")
                    }
                    out.append("}")
                    i = text.index(after: next)
                } else {
                    out.append(c)
                    i = next
                }
            }
            return out
        }
    }

    /// Reads the JSON of a template, with paths in its errors.
    struct Parser {
        let file: String

        func fail(_ path: String, _ message: String) -> MemoTemplateError {
            MemoTemplateError(template: file, path: path, message: message)
        }

        func rejectUnknown(_ object: [String: Any], known: Set<String>, path: String) throws(MemoTemplateError) {
            for key in object.keys.sorted() where !known.contains(key) {
                throw fail(path.isEmpty ? key : "\(path).\(key)", "未知的字段“\(key)”")
            }
        }

        func string(_ value: Any?, path: String) throws(MemoTemplateError) -> String {
            guard let value else { throw fail(path, "缺少必填字段") }
            guard let s = value as? String else { throw fail(path, "应为文本") }
            return s
        }

        func array(_ value: Any?, path: String) throws(MemoTemplateError) -> [Any] {
            guard let value else { return [] }
            guard let a = value as? [Any] else { throw fail(path, "应为数组") }
            return a
        }

        /// A node list whose leaves `leaf` reads; `if` and `each` objects are recognised first.
        func nodes<Leaf>(_ value: Any?, path: String, leaf: (Any, String) throws(MemoTemplateError) -> Leaf)
            throws(MemoTemplateError) -> [Node<Leaf>]
        {
            var out: [Node<Leaf>] = []
            for (i, item) in try array(value, path: path).enumerated() {
                let p = "\(path)[\(i)]"
                if let object = item as? [String: Any], let key = object["if"] {
                    try rejectUnknown(object, known: ["if", "then", "else"], path: p)
                    guard var k = key as? String, !k.isEmpty else { throw fail("\(p).if", "应为数据名称") }
                    let negated = k.hasPrefix("!")
                    if negated { k.removeFirst() }
                    out.append(.when(key: k, negated: negated,
                                     then: try nodes(object["then"], path: "\(p).then", leaf: leaf),
                                     otherwise: try nodes(object["else"], path: "\(p).else", leaf: leaf)))
                } else if let object = item as? [String: Any], let key = object["each"] {
                    try rejectUnknown(object, known: ["each", "do"], path: p)
                    guard let k = key as? String, !k.isEmpty else { throw fail("\(p).each", "应为数据列表名称") }
                    out.append(.each(key: k, body: try nodes(object["do"], path: "\(p).do", leaf: leaf), path: p))
                } else {
                    out.append(.leaf(try leaf(item, p), path: p))
                }
            }
            return out
        }

        func texts(_ value: Any?, path: String) throws(MemoTemplateError) -> [Node<String>] {
            try nodes(value, path: path) { item, p throws(MemoTemplateError) in try string(item, path: p) }
        }

        func blocks(_ value: Any?, path: String) throws(MemoTemplateError) -> [Node<BlockTemplate>] {
            try nodes(value, path: path) { item, p throws(MemoTemplateError) in
                guard let object = item as? [String: Any] else { throw fail(p, "应为段落或标题对象") }
                if let text = object["paragraph"] {
                    try rejectUnknown(object, known: ["paragraph"], path: p)
                    return .paragraph(try string(text, path: "\(p).paragraph"))
                }
                if let level = object["heading"] {
                    try rejectUnknown(object, known: ["heading", "text", "run"], path: p)
                    guard let n = level as? Int, (1...4).contains(n) else { throw fail("\(p).heading", "标题层级应为 1 至 4") }
                    let run = try object["run"].map { r throws(MemoTemplateError) in try string(r, path: "\(p).run") }
                    return .heading(level: n, text: try string(object["text"], path: "\(p).text"), run: run)
                }
                throw fail(p, "应为 paragraph、heading、if 或 each")
            }
        }
    }
}

/// The memo templates by id.
public struct MemoTemplateSet: Sendable {
    /// The templates by id.
    public private(set) var templates: [String: MemoTemplate]

    /// Reads every template file (names may carry a folder, `memos/progress-report.json`).
    public init(files: [FormFile]) throws(MemoTemplateError) {
        var templates: [String: MemoTemplate] = [:]
        for file in files { let t = try MemoTemplate(file: file); templates[t.id] = t }
        self.templates = templates
    }

    /// The template with `id`, or an error naming it.
    public func template(_ id: String) throws(MemoTemplateError) -> MemoTemplate {
        guard let t = templates[id] else {
            throw MemoTemplateError(template: "\(id).json", path: "", message: "没有这个公文模板")
        }
        return t
    }
}

extension OfficialDocument {
    /// The document with its 发文机关标志 set.
    func with(issuerMark: String?) -> OfficialDocument {
        var document = self
        document.issuerMark = issuerMark
        return document
    }
}
