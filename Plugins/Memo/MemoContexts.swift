import Foundation
import TaizhangCore

/// Builds the data (``MemoContext``) the memo templates read, from ledger documents, findings and packages.
/// Numbers come from the data; the wording is the templates'.
///
/// Common keys: `recipient`, `issuer` (the campaign's issuer), `coordinator`, `campaign_title`,
/// `unit_name`, `unit_short`, `period_text` (`2024年6月`), and every header field of the document by its key
/// (integers as numbers, dates as `2024年6月20日`, units by name, 是/否). Multi-line text fields also give
/// `<key>_paragraphs`: a list of `{text}`, one per non-empty line (empty, and `无`, give an empty list).
public enum MemoContexts {
    /// A value as memo data.
    static func memoValue(_ value: Value, formSet: FormSet) -> MemoValue {
        switch value {
        case .integer(let n): return .number(n)
        case .decimal(let d): return .text(CellValue.format(d))
        case .date(let d): return .text(d.chinese)
        case .period(let p): return .text(p.chinese)
        case .unit(let id): return .text(formSet.unit(id: id)?.name ?? id)
        case .text, .choice, .fixedText, .yesNo: return .text(value.displayText)
        }
    }

    /// The paragraphs of a long answer: one per non-empty line; `无` (nothing to report) gives none.
    static func paragraphs(_ text: String) -> MemoValue {
        let lines = text.split { $0 == "\n" || $0 == "\r\n" || $0 == "\r" || $0 == "\u{2028}" || $0 == "\u{2029}" }
            .map { TextFolding.trimmed(String($0)) }.filter { !$0.isEmpty }
        if lines.count == 1, ["无", "无。", "暂无", "没有"].contains(lines[0]) { return .list([]) }
        return .list(lines.map { ["text": .text($0)] })
    }

    /// The campaign's keys.
    static func campaign(_ formSet: FormSet) -> MemoContext {
        ["issuer": .text(formSet.campaign.issuer), "coordinator": .text(formSet.campaign.coordinator),
         "campaign_title": .text(formSet.campaign.title), "recipient": .text(formSet.campaign.issuer)]
    }

    /// The unit of a document: its own, or the one its header names.
    static func unit(of doc: LedgerDocument) -> ReportingUnit? {
        if let unit = doc.unit { return unit }
        if case .unit(let id)? = doc.header["unit"] { return doc.formSet.unit(id: id) }
        return nil
    }

    /// The period of a document: its own, or the one its header names.
    static func period(of doc: LedgerDocument) -> YearMonth? {
        if let period = doc.period { return period }
        if case .period(let p)? = doc.header["period"] { return p }
        return nil
    }

    /// Keys for every header field of `doc`, plus unit, period and campaign keys.
    static func header(_ doc: LedgerDocument) throws -> MemoContext {
        var context = campaign(doc.formSet)
        for field in doc.form.header {
            if let value = doc.header[field.key] {
                context[field.key] = memoValue(value, formSet: doc.formSet)
                if field.multiline, case .text(let s) = value { context[field.key + "_paragraphs"] = paragraphs(s) }
            } else if field.type == .integer {
                context[field.key] = .number(0)  // counts left empty count as 0 (the forms say: write 0)
            } else if field.multiline {
                context[field.key + "_paragraphs"] = .list([])
            }
        }
        guard let unit = unit(of: doc) else { throw MemoError("数据中没有填报单位，无法生成公文") }
        guard let period = period(of: doc) else { throw MemoError("数据中没有报送月份，无法生成公文") }
        context["unit"] = .text(unit.name)
        context["unit_name"] = .text(unit.name)
        context["unit_short"] = .text(unit.shortName)
        context["period"] = .text(period.chinese)
        context["period_text"] = .text(period.chinese)
        return context
    }

    /// A unit's monthly progress report (工作进展情况报告), from its progress ledger: the header counts and
    /// narrative, and `items`: the work items with progress (rows whose 进展情况 is empty or `无` are left out),
    /// each `{item, progress, department}`.
    public static func progressReport(_ doc: LedgerDocument) throws -> MemoContext {
        var context = try header(doc)
        var items: [MemoContext] = []
        for record in doc.rows[doc.form.tables.first?.id ?? "main"] ?? [] {
            guard let progress = record["progress"].map({ TextFolding.trimmed($0.displayText) }),
                  !progress.isEmpty, !["无", "无。", "暂无"].contains(progress) else { continue }
            var item: MemoContext = ["progress": .text(sentence(progress))]
            item["item"] = .text(record["item"]?.displayText ?? "其他")
            item["department"] = .text(record["department"]?.displayText ?? "")
            items.append(item)
        }
        context["items"] = .list(items)
        return context
    }

    /// The integer header fields of the progress form (the six results, this month and cumulative, and the
    /// accountability and exemption counts).

    /// A unit's summary (整治工作总结) with the 追责问责 and 容错免责 专题说明: the header (long answers as
    /// `<key>_paragraphs`), `cases` (`{case_kind, case_title, case_summary, handling}`) and `models`
    /// (`{model_name, affiliation, deeds}`).
    public static func summaryReport(_ doc: LedgerDocument) throws -> MemoContext {
        var context = try header(doc)
        // Texts that run on after a heading or a label end with a full stop.
        let sentences: Set<String> = ["case_summary", "handling", "deeds"]
        func items(_ table: String, _ keys: [String]) -> MemoValue {
            .list((doc.rows[table] ?? []).map { record in
                var item: MemoContext = [:]
                for key in keys {
                    let text = record[key].map { TextFolding.trimmed($0.displayText) } ?? ""
                    item[key] = .text(sentences.contains(key) ? sentence(text) : text)
                }
                return item
            })
        }
        context["cases"] = items("cases", ["case_kind", "case_title", "case_summary", "handling"])
        context["models"] = items("models", ["model_name", "affiliation", "deeds"])
        return context
    }

    /// The return-for-correction notice (退回修改通知) of one file: `file_name`, `form_title`,
    /// `errors` and `warnings` (each `{where, message, more}`: the place as a clerk finds it, with `：`, or empty,
    /// the message ending with a full stop, and — on the last listed of a kind of problem, when more than `perCode`
    /// of that kind were found — how many more there are, else 0), `error_count` and `warning_count` (all of them),
    /// `deadline_text`
    /// (empty when no deadline), `contact` and `contact_phone` (empty when not given), `annotated_file` and
    /// `marked_cells`, and `sent_format` (`.xls`, `.ods`: the sent file's format when the annotated return, always
    /// .xlsx, is in another; else empty). Informational findings
    /// are left out.
    public static func correctionNotice(findings: [Finding], fileName: String, form: Form, unit: ReportingUnit,
                                        formSet: FormSet, deadline: CivilDate? = nil, contact: String? = nil,
                                        contactPhone: String? = nil, annotatedFile: String? = nil,
                                        markedCells: Int = 0, perCode: Int = ValidationReport.shownPerCode) -> MemoContext {
        var context = campaign(formSet)
        context["annotated_file"] = .text(annotatedFile ?? "")
        context["marked_cells"] = .number(markedCells)
        // The annotated return is always a workbook (.xlsx): a unit that sent .xls, .et or .ods is told so.
        let sentExtension = (fileName as NSString).pathExtension.lowercased()
        let annotatedExtension = ((annotatedFile ?? "") as NSString).pathExtension.lowercased()
        context["sent_format"] = .text(annotatedFile != nil && !sentExtension.isEmpty && sentExtension != annotatedExtension
                                       && sentExtension != "xlsm" ? "." + sentExtension : "")
        context["unit_name"] = .text(unit.name)
        context["unit_short"] = .text(unit.shortName)
        context["file_name"] = .text(fileName)
        context["form_title"] = .text(form.shortTitle)
        func item(_ f: Finding) -> MemoContext {
            let place = f.location.description
            return ["where": .text(place.isEmpty ? "" : place + "："), "message": .text(sentence(f.message)),
                    "code": .text(f.code.rawValue)]
        }
        // At most `perCode` of each code, the last of them carrying how many more (`more`, 0 for the others): a
        // file with the same mistake on 100,000 rows is a notice of its first cells, not of 100,000 headings.
        func items(_ severity: Severity) -> (items: [MemoContext], count: Int) {
            let all = findings.filter { $0.severity == severity }
            var collector = FindingCollector(perCode: perCode)
            collector.add(all)
            var items = collector.kept.map { finding -> MemoContext in
                var context = item(finding)
                context["more"] = .number(0)
                return context
            }
            for (code, more) in collector.omitted {
                guard let last = collector.kept.lastIndex(where: { $0.code.rawValue == code }) else { continue }
                items[last]["more"] = .number(more)
            }
            return (items, all.count)
        }
        let errors = items(.error), warnings = items(.warning)
        context["errors"] = .list(errors.items)
        context["warnings"] = .list(warnings.items)
        context["error_count"] = .number(errors.count)
        context["warning_count"] = .number(warnings.count)
        context["deadline_text"] = .text(deadline?.chinese ?? "")
        context["contact"] = .text(contact ?? "")
        context["contact_phone"] = .text(contactPhone ?? "")
        return context
    }

    /// The cover letter (报送函) of a submission package: `unit_name`, `period_text`, `files` (`{name}`: each
    /// file's name without its extension) and `file_count`, and `contact`, `contact_phone` (empty when not
    /// given).
    public static func coverLetter(unit: ReportingUnit, period: YearMonth, files: [String], formSet: FormSet,
                                   contact: String? = nil, contactPhone: String? = nil) -> MemoContext {
        var context = campaign(formSet)
        context["unit_name"] = .text(unit.name)
        context["unit_short"] = .text(unit.shortName)
        context["period_text"] = .text(period.chinese)
        context["period"] = .text(period.chinese)
        context["files"] = .list(files.map { ["name": .text(withoutExtension($0))] })
        context["file_count"] = .number(files.count)
        context["contact"] = .text(contact ?? "")
        context["contact_phone"] = .text(contactPhone ?? "")
        return context
    }

    /// `name` without a file extension of up to five ASCII letters or digits (`台账.xlsx` → `台账`).
    static func withoutExtension(_ name: String) -> String {
        let base = name.split(separator: "/").last.map(String.init) ?? name
        guard let dot = base.lastIndex(of: "."), dot != base.startIndex else { return base }
        let ext = base[base.index(after: dot)...]
        guard (1...5).contains(ext.count), ext.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
            return base
        }
        return String(base[..<dot])
    }

    /// `text` ending with a full stop (。) unless it already ends with closing punctuation of a sentence.
    static func sentence(_ text: String) -> String {
        let t = TextFolding.trimmed(text)
        guard let last = t.last else { return t }
        if "。！？；…".contains(last) { return t }
        if last == "." || last == "," || last == "，" || last == "、" || last == ";" { return String(t.dropLast()) + "。" }
        return t + "。"
    }
}

/// Renders the built-in kinds of memo from data with their templates.
public struct Memos: Sendable {
    /// The templates.
    public var templates: MemoTemplateSet

    public init(templates: MemoTemplateSet) {
        self.templates = templates
    }

    /// A unit's monthly progress report (template `progress-report`).
    public func progressReport(_ doc: LedgerDocument, date: CivilDate) throws -> OfficialDocument {
        try templates.template("progress-report").render(try MemoContexts.progressReport(doc), date: date)
    }

    /// A unit's summary with the 专题说明 (template `summary-report`).
    public func summaryReport(_ doc: LedgerDocument, date: CivilDate) throws -> OfficialDocument {
        try templates.template("summary-report").render(try MemoContexts.summaryReport(doc), date: date)
    }

    /// The return-for-correction notice (template `correction-notice`).
    public func correctionNotice(findings: [Finding], fileName: String, form: Form, unit: ReportingUnit,
                                 formSet: FormSet, date: CivilDate, deadline: CivilDate? = nil,
                                 contact: String? = nil, contactPhone: String? = nil, annotatedFile: String? = nil,
                                 markedCells: Int = 0) throws -> OfficialDocument {
        let context = MemoContexts.correctionNotice(findings: findings, fileName: fileName, form: form, unit: unit,
                                                    formSet: formSet, deadline: deadline, contact: contact,
                                                    contactPhone: contactPhone, annotatedFile: annotatedFile,
                                                    markedCells: markedCells)
        return try templates.template("correction-notice").render(context, date: date)
    }

    /// The cover letter of a submission package (template `package-cover-letter`).
    public func coverLetter(unit: ReportingUnit, period: YearMonth, files: [String], formSet: FormSet,
                            date: CivilDate, contact: String? = nil, contactPhone: String? = nil) throws -> OfficialDocument {
        let context = MemoContexts.coverLetter(unit: unit, period: period, files: files, formSet: formSet,
                                               contact: contact, contactPhone: contactPhone)
        return try templates.template("package-cover-letter").render(context, date: date)
    }
}
