import Foundation
import TaizhangCore
import TaizhangWorkflow

/// The workbench's pages, rendered on the server from the use cases' typed results.
struct Pages {
    let workflow: Workflow
    let user: WebUser
    var layout: Layout { Layout(workflow: workflow, user: user) }
    var formSet: FormSet { workflow.formSet }

    // MARK: Words and colours of the board

    /// The short word of a standing on the board (按时/逾期/已退回/未报送/未到期).
    static func word(_ standing: CampaignStatus.SubmissionStanding) -> String {
        switch standing {
        case .onTime: return "按时"
        case .late: return "逾期"
        case .returned: return "已退回"
        case .missing: return "未报送"
        case .notDue: return "未到期"
        }
    }

    static let colours: [CampaignStatus.SubmissionStanding: String] = [
        .onTime: "#2e7d32", .late: "#e09a1a", .returned: "#c62828", .missing: "#8a94a3", .notDue: "#d5dbe3",
    ]

    static func legend() -> String {
        "<div class=\"legend\" aria-label=\"图例\"><strong>图例：</strong>" + CampaignStatus.SubmissionStanding.allCases.map {
            "<span><span class=\"key s-\($0.rawValue)\"></span>\(word($0))（\($0.label)）</span>"
        }.joined() + "</div>"
    }

    static func cell(_ o: CampaignStatus.ObligationStatus, link: String? = nil) -> String {
        var text = word(o.standing)
        var tip = "\(o.standing.label)，截止 \(o.due.chinese)"
        if let r = o.received {
            text += " \(r.month)月\(r.day)日"
            tip += "，\(r.chinese)收到"
        }
        if o.standing == .late || o.standing == .missing || o.standing == .returned, o.daysLate > 0 {
            text += o.standing == .late ? "（晚\(o.daysLate)天）" : "（\(o.daysLate)天）"
        }
        if o.versions > 1 { tip += "，更正 \(o.versions - 1) 次" }
        let inner = link.map { "<a href=\"\($0)\">\(esc(text))</a>" } ?? esc(text)
        return "<td class=\"s-\(o.standing.rawValue)\" title=\"\(esc(tip))\">\(inner)</td>"
    }

    static func stateBadge(_ state: StoredSubmissionState) -> String {
        "<span class=\"badge state-\(state.rawValue)\">\(esc(state.label))</span>"
    }

    func unitName(_ id: String?) -> String {
        guard let id else { return "—" }
        return formSet.unit(id: id)?.shortName ?? id
    }

    func formName(_ id: String?) -> String {
        guard let id else { return "—" }
        return formSet.form(id)?.shortTitle ?? id
    }

    // MARK: The board (province)

    func board(_ status: CampaignStatus, asOf: CivilDate, lastReceipt: Bool = false, periods: [YearMonth]) -> String {
        let obligations = status.obligations
        // Columns: each period's forms, in the order of the form set.
        let shownPeriods = periods.filter { p in obligations.contains { $0.period == p } }
        var columns: [(YearMonth, Form)] = []
        for p in shownPeriods {
            for form in formSet.forms where obligations.contains(where: { $0.period == p && $0.form == form.id }) {
                columns.append((p, form))
            }
        }
        var index: [String: CampaignStatus.ObligationStatus] = [:]
        for o in obligations { index["\(o.unit)|\(o.form)|\(o.period.iso)"] = o }
        var counts: [CampaignStatus.SubmissionStanding: Int] = [:]
        for o in obligations { counts[o.standing, default: 0] += 1 }

        var html = "<h1>报送情况总览</h1>"
        html += "<p class=\"muted\">截至 \(asOf.chinese)" + (lastReceipt ? "（整治已结束，显示工作区最后一次收到报送之日的情况）" : "")
            + "，共 \(formSet.units.count) 个填报单位、\(shownPeriods.count) 个报送期。</p>"
        html += """
            <form class="inline" method="get" action="/"><label>截至日期<input type="date" name="as_of" value="\(asOf.iso)"></label>\
            <button type="submit">查看</button></form>
            """
        html += "<div class=\"tiles\">" + CampaignStatus.SubmissionStanding.allCases.map {
            "<div class=\"tile s-\($0.rawValue)\"><b>\(counts[$0] ?? 0)</b>\(Pages.word($0))</div>"
        }.joined() + "<div class=\"tile\"><b>\(status.overdue.count)</b>逾期未整改问题</div></div>"

        html += "<h2>各单位报送情况</h2>" + Pages.legend()
        html += "<div class=\"scroll\"><table class=\"grid\" id=\"board\"><thead><tr><th rowspan=\"2\">填报单位</th>"
        for p in shownPeriods {
            let n = columns.filter { $0.0 == p }.count
            html += "<th class=\"period\" colspan=\"\(n)\">\(p.chinese)</th>"
        }
        html += "</tr><tr>" + columns.map { "<th title=\"\(esc($0.1.title))\">\(esc($0.1.shortTitle))</th>" }.joined() + "</tr></thead><tbody>"
        for unit in formSet.units {
            html += "<tr><th><a href=\"/units/\(query(unit.id))\">\(esc(unit.shortName))</a></th>"
            for (p, form) in columns {
                if let o = index["\(unit.id)|\(form.id)|\(p.iso)"] {
                    html += Pages.cell(o, link: "/units/\(query(unit.id))?period=\(p.iso)")
                } else {
                    html += "<td class=\"muted\">—</td>"
                }
            }
            html += "</tr>"
        }
        html += "</tbody></table></div>"

        html += "<h2>逾期未整改问题（\(status.overdue.count) 个）</h2>"
        if status.overdue.isEmpty {
            html += "<p class=\"muted\">无</p>"
        } else {
            html += "<table class=\"list\" id=\"overdue\"><thead><tr><th>单位</th><th>问题编号</th><th>整改时限</th><th>逾期</th><th>整改状态</th><th>责任单位</th><th>问题描述</th></tr></thead><tbody>"
            for item in status.overdue {
                html += "<tr><td><a href=\"/units/\(query(item.unit))\">\(esc(unitName(item.unit)))</a></td><td>\(esc(item.problemID))</td><td>\(item.deadline.iso)</td>"
                    + "<td class=\"s-missing\">\(item.daysOverdue) 天</td><td>\(esc(item.status))</td><td>\(esc(item.responsible))</td><td>\(esc(item.description))</td></tr>"
            }
            html += "</tbody></table>"
        }

        html += "<h2>整治成果（各单位最近一期工作进展台账的累计数）</h2><div class=\"tiles\">"
        html += status.results.map { "<div class=\"tile\"><b>\($0.total)</b>\(esc($0.label))</div>" }.joined()
        html += "</div>"

        html += "<h2>统计图</h2><div class=\"charts\">"
        if let types = status.tallies.first(where: { $0.title.contains("问题类型") }) ?? status.tallies.first {
            html += "<figure class=\"card\"><figcaption>按\(esc(types.title))的问题数</figcaption>"
                + Chart.bars(types.counts.map { ($0.value, $0.count) }, title: "按\(types.title)的问题数", colour: "#a61b1b") + "</figure>"
        }
        let byUnit = formSet.units.map { ($0.shortName, status.problemsByUnit[$0.id] ?? 0) }
        html += "<figure class=\"card\"><figcaption>各单位自查发现的问题数</figcaption>"
            + Chart.bars(byUnit, title: "各单位自查发现的问题数") + "</figure>"
        let series = [CampaignStatus.SubmissionStanding.onTime, .late, .returned, .missing, .notDue]
        let monthly = shownPeriods.map { p in
            ("\(p.month)月", series.map { s in obligations.filter { $0.period == p && $0.standing == s }.count })
        }
        html += "<figure class=\"card\"><figcaption>每月报送进度（应报送的台账份数）</figcaption>"
            + Chart.stacked(monthly, series: series.map { (Pages.word($0), Pages.colours[$0]!) }, title: "每月报送进度") + "</figure>"
        for tally in status.tallies where !tally.title.contains("问题类型") {
            html += "<figure class=\"card\"><figcaption>按\(esc(tally.title))</figcaption>"
                + Chart.bars(tally.counts.map { ($0.value, $0.count) }, title: tally.title, colour: "#5b7fb0") + "</figure>"
        }
        html += "</div>"
        if !status.unreconciled.isEmpty {
            html += "<h2>数字与台账对不上的工作进展台账（\(status.unreconciled.count) 个单位）</h2><ul>"
            for report in status.unreconciled {
                html += "<li><strong>\(esc(report.unit.shortName))</strong>：" + report.findings.map { esc($0.message) }.joined(separator: "；") + "</li>"
            }
            html += "</ul>"
        }
        return layout.page(title: "报送总览", current: "board", html)
    }

    // MARK: A unit's page

    func unit(_ unit: ReportingUnit, status: CampaignStatus, submissions: [StoredSubmission], asOf: CivilDate,
              period: YearMonth?) -> String {
        let mine = status.obligations.filter { $0.unit == unit.id }
        let periods = Array(Set(mine.map(\.period))).sorted()
        let forms = formSet.forms.filter { f in mine.contains { $0.form == f.id } }
        var html = "<h1>\(esc(unit.name))</h1><p class=\"muted\">截至 \(asOf.chinese)</p>"
        html += "<h2>应报送的台账</h2>" + Pages.legend()
        html += "<table class=\"grid\" id=\"unit-board\"><thead><tr><th>报送期</th>" + forms.map { "<th>\(esc($0.shortTitle))</th>" }.joined() + "</tr></thead><tbody>"
        for p in periods {
            html += "<tr\(p == period ? " class=\"chosen\"" : "")><th>\(p.chinese)</th>"
            for form in forms {
                if let o = mine.first(where: { $0.period == p && $0.form == form.id }) {
                    html += Pages.cell(o)
                } else {
                    html += "<td class=\"muted\">—</td>"
                }
            }
            html += "</tr>"
        }
        html += "</tbody></table>"
        html += "<p class=\"downloads\">"
        for p in periods.suffix(2) {
            html += "<a href=\"/templates.zip?period=\(p.iso)&amp;unit=\(query(unit.id))\">下载\(p.chinese)填报模板（zip）</a>"
        }
        html += "</p>"
        html += "<h2>报送的文件（\(submissions.count) 个）</h2>" + submissionTable(submissions, showUnit: false)
        return layout.page(title: unit.shortName, current: user.isProvince ? "board" : "unit", html)
    }

    func submissionTable(_ submissions: [StoredSubmission], showUnit: Bool) -> String {
        if submissions.isEmpty { return "<p class=\"muted\">还没有报送的文件。</p>" }
        var html = "<table class=\"list\" id=\"submissions\"><thead><tr><th>编号</th><th>文件</th>"
            + (showUnit ? "<th>单位</th>" : "") + "<th>表单</th><th>报送期</th><th>收到时间</th><th>结论</th><th>错误</th><th>警告</th></tr></thead><tbody>"
        for s in submissions {
            html += "<tr><td>\(s.id)</td><td><a href=\"/submissions/\(s.id)\">\(esc(s.fileName))</a></td>"
                + (showUnit ? "<td>\(esc(unitName(s.unit)))</td>" : "")
                + "<td>\(esc(s.form.map { formName($0) } ?? "—"))</td><td>\(s.period?.chinese ?? "—")</td>"
                + "<td>\(esc(Pages.time(s.receivedAt)))</td><td>\(Pages.stateBadge(s.state))</td>"
                + "<td>\(s.errorCount)</td><td>\(s.warningCount)</td></tr>"
        }
        return html + "</tbody></table>"
    }

    /// `2024-06-20T12:00:00+08:00` → `2024-06-20 12:00`.
    static func time(_ iso: String) -> String {
        String(iso.prefix(16)).replacingOccurrences(of: "T", with: " ")
    }

    // MARK: A submission

    func submission(_ detail: SubmissionDetail) -> String {
        let s = detail.record
        var html = "<h1>第 \(s.id) 号报送：\(esc(s.fileName))</h1>"
        html += "<table class=\"list narrow\"><tbody>"
        html += "<tr><th>填报单位</th><td>" + (s.unit.map { "<a href=\"/units/\(query($0))\">\(esc(formSet.unit(id: $0)?.name ?? $0))</a>" } ?? "—") + "</td></tr>"
        html += "<tr><th>表单</th><td>\(esc(s.form.flatMap { formSet.form($0)?.title } ?? "—"))</td></tr>"
        html += "<tr><th>报送期</th><td>\(s.period?.chinese ?? "—")</td></tr>"
        html += "<tr><th>收到时间</th><td>\(esc(Pages.time(s.receivedAt)))</td></tr>"
        html += "<tr><th>结论</th><td>\(Pages.stateBadge(s.state))" + (s.supersedes.map { "（取代第 <a href=\"/submissions/\($0)\">\($0)</a> 号）" } ?? "") + "</td></tr>"
        html += "<tr><th>大小</th><td>\(s.size) 字节，SHA-256 <code class=\"small\">\(s.sha256.prefix(16))…</code></td></tr>"
        html += "</tbody></table>"
        html += "<h2>下载</h2><p class=\"downloads\"><a id=\"download-original\" href=\"/submissions/\(s.id)/original\">原文件</a>"
        if s.form != nil, detail.report != nil {
            html += "<a id=\"download-annotated\" href=\"/submissions/\(s.id)/annotated.xlsx\">标注问题的工作簿（退回修改）</a>"
            html += "<a id=\"download-notice\" href=\"/submissions/\(s.id)/notice.txt\">退回修改通知</a>"
        }
        html += "</p>"
        if let report = detail.report {
            html += findings(report)
        } else {
            html += "<h2>检查结果</h2><p class=\"muted\">这个文件未能作为台账读取（已拒收），或是报送包。</p>"
        }
        if !detail.history.isEmpty {
            html += "<h2>此前的结论</h2><ul>" + detail.history.map {
                "<li>\(esc($0.state.label))，\($0.errors) 个错误（\(esc(Pages.time($0.replacedAt))) 重新核对）</li>"
            }.joined() + "</ul>"
        }
        return layout.page(title: "第 \(s.id) 号报送", current: user.isProvince ? "board" : "unit", html)
    }

    /// The findings, cell by cell, grouped by sheet: at most 20 of each code, then how many more (a file with the
    /// same mistake on 100,000 rows is a page of its first cells, not of 100,000 lines).
    func findings(_ whole: ValidationReport) -> String {
        let report = whole.capped()
        let shown = report.findings.sorted { a, b in
            (a.location.sheet ?? "", a.location.row ?? 0, a.location.column ?? 0) < (b.location.sheet ?? "", b.location.row ?? 0, b.location.column ?? 0)
        }
        let rows = formSet.form(report.form).map { form in
            form.tables.map { "\($0.title) \(report.rowCounts[$0.id] ?? 0) 行" }.joined(separator: "，")
        } ?? ""
        var html = "<h2>检查结果</h2><p>\(esc(rows))。"
        let errors = report.errorCount, warnings = report.warningCount
        if errors == 0 && warnings == 0 {
            html += "<span class=\"ok\">检查通过，没有发现需要修改的问题。</span></p>"
        } else {
            html += "发现 <strong class=\"sev-error\">\(errors) 个错误</strong>、<strong class=\"sev-warning\">\(warnings) 个警告</strong>。"
                + (errors > 0 ? "需要修改后重新报送。" : "可以接收，建议按警告修改。") + "</p>"
        }
        guard !shown.isEmpty else { return html }
        html += "<table class=\"list findings\" id=\"findings\"><thead><tr><th>工作表</th><th>单元格</th><th>栏目</th><th>级别</th><th>问题</th></tr></thead><tbody>"
        for f in shown {
            let place = f.location.cellReference ?? f.location.row.map { "第 \($0) 行" } ?? "—"
            html += "<tr class=\"sev-row-\(f.severity.rawValue)\"><td>\(esc(f.location.sheet ?? "—"))</td><td><code>\(esc(place))</code></td>"
                + "<td>\(esc(f.location.columnLabel ?? ""))</td><td class=\"sev-\(f.severity.rawValue)\">\(f.severity.label)</td><td>\(esc(f.message))</td></tr>"
        }
        html += "</tbody></table>"
        let omitted = (report.omitted ?? [:]).sorted { $0.key < $1.key }
        guard !omitted.isEmpty else { return html }
        html += "<ul class=\"omitted\" id=\"omitted\">"
        for (code, count) in omitted {
            let first = report.findings.first { $0.code.rawValue == code }
            let like = [first?.location.columnLabel.map { "“\($0)”栏" }, first?.message].compactMap { $0 }.joined(separator: "：")
            html += "<li>……另有 \(count) 处同类问题" + (like.isEmpty ? "" : "（如 \(esc(like))）")
                + "未逐一列出。</li>"
        }
        return html + "</ul>"
    }

    // MARK: Upload and self-check

    func upload(limit: Int, results: String? = nil) -> String {
        let intro = user.isProvince
            ? "把各单位报送的台账文件（.xlsx、.xls、.et、.ods、.csv）或报送包（.zip）拖到下面，可一次拖入多个。每个文件都会检查后存入工作区：通过的“已接收”，有错误的“已退回”（可下载标注问题的工作簿和退回修改通知）。"
            : "把本单位填好的台账文件拖到下面，可一次拖入多个。只接收本单位的台账；有错误的会被退回，可下载标注问题的工作簿。"
        let html = """
            <h1>\(user.isProvince ? "接收报送" : "报送文件")</h1>
            <p>\(intro)</p>
            \(uploadForm(action: "/upload", limit: limit))
            <section id="results">\(results ?? "")</section>
            """
        return layout.page(title: user.isProvince ? "接收报送" : "报送文件", current: "upload", html)
    }

    func selfCheck(limit: Int, results: String? = nil) -> String {
        let html = """
            <h1>自检</h1>
            <p>报送前先自检：上传填好的台账，逐个单元格列出需要修改的地方。<strong>自检的文件不保存</strong>，也不算报送。</p>
            \(uploadForm(action: "/check", limit: limit))
            <section id="results">\(results ?? "")</section>
            """
        return layout.page(title: "自检", current: "check", html)
    }

    func uploadForm(action: String, limit: Int) -> String {
        """
        <form method="post" action="\(action)" enctype="multipart/form-data" data-upload class="card">
        <input type="hidden" name="csrf" value="\(esc(user.csrf))">
        <div class="drop"><p><strong>把文件拖到这里</strong>，或者</p>
        <label class="pick">选择文件……<input type="file" name="files" id="files" multiple accept=".xlsx,.xls,.et,.ods,.csv,.zip"></label>
        <p class="muted small">单次上传合计不超过 \(limit >> 20) MB</p>
        <noscript><button type="submit" class="primary">上传</button></noscript></div>
        <div class="progress" role="progressbar"><div></div></div>
        <p class="upload-status" aria-live="polite"></p>
        </form>
        """
    }

    /// The outcomes of an upload.
    func uploadResults(_ items: [UploadResult]) -> String {
        guard !items.isEmpty else { return "" }
        let accepted = items.filter { $0.outcome?.verdict.code == "accepted" }.count
        let returned = items.filter { $0.outcome?.verdict.code == "rejected" }.count
        var html = "<h2>本次上传（\(items.count) 个文件：已接收 \(accepted)，已退回 \(returned)）</h2>"
        html += "<table class=\"list\" id=\"upload-results\"><thead><tr><th>文件</th><th>结论</th><th>编号</th><th>说明</th></tr></thead><tbody>"
        for item in items {
            if let o = item.outcome {
                let word: String
                switch o.verdict.code {
                case "accepted": word = "<span class=\"badge state-accepted\">已接收</span>"
                case "rejected": word = "<span class=\"badge state-rejected\">已退回</span>"
                case "refused": word = "<span class=\"badge state-refused\">已拒收</span>"
                case "known": word = "<span class=\"badge\">已收到过</span>"
                default: word = "<span class=\"badge\">重新核对</span>"
                }
                let link = o.submission > 0 ? "<a href=\"/submissions/\(o.submission)\">第 \(o.submission) 号</a>" : "—"
                let more = o.firstFindings.isEmpty ? esc(o.line) : o.firstFindings.map(esc).joined(separator: "<br>")
                html += "<tr><td>\(esc(o.file))</td><td>\(word)</td><td>\(link)</td><td>\(more)</td></tr>"
            } else {
                html += "<tr><td>\(esc(item.file))</td><td><span class=\"badge state-refused\">未接收</span></td><td>—</td><td class=\"error\">\(esc(item.error?.message ?? ""))</td></tr>"
            }
        }
        return html + "</tbody></table>"
    }

    /// The results of a self-check: each file's findings, cell by cell.
    func checkResults(_ items: [UploadResult]) -> String {
        var html = ""
        for item in items {
            html += "<article class=\"card check-result\"><h3>\(esc(item.file))</h3>"
            if let report = item.report {
                html += "<p class=\"muted\">\(esc(formName(report.form)))，\(esc(unitName(report.unit)))，\(report.period?.chinese ?? "报送期未知")</p>"
                html += findings(report)
            } else {
                html += "<p class=\"error\">\(esc(item.error?.message ?? ""))</p>"
            }
            html += "</article>"
        }
        return html
    }

    // MARK: Templates and reports

    func templates(periods: [YearMonth], chosen: YearMonth?) -> String {
        let options = periods.map { "<option value=\"\($0.iso)\"\($0 == chosen ? " selected" : "")>\($0.chinese)</option>" }.joined()
        var units = "<option value=\"\">全部单位</option>" + formSet.units.map {
            "<option value=\"\(esc($0.id))\">\(esc($0.name))</option>"
        }.joined()
        if !user.isProvince, let mine = user.unit, let unit = formSet.unit(id: mine) {
            units = "<option value=\"\(esc(unit.id))\">\(esc(unit.name))</option>"
        }
        let html = """
            <h1>填报模板</h1>
            <p>下载某个报送期应填报的模板：每个单位每张表一个 .xlsx，打包为一个 zip。整改工作台账会带上本单位上一期已报送的内容，接着填写即可。</p>
            <form class="inline card" method="get" action="/templates.zip">
            <label>报送期<select name="period">\(options)</select></label>
            <label>单位<select name="unit">\(units)</select></label>
            <button type="submit" class="primary">下载模板（zip）</button>
            </form>
            """
        return layout.page(title: "填报模板", current: "templates", html)
    }

    func reports(periods: [YearMonth], chosen: YearMonth?) -> String {
        let options = periods.map { "<option value=\"\($0.iso)\"\($0 == chosen ? " selected" : "")>\($0.chinese)</option>" }.joined()
        let html = """
            <h1>汇总报告</h1>
            <h2>每月工作进展</h2>
            <p>全省工作进展汇总工作簿（总览、各单位台账、逾期未整改问题）和全省工作进展情况报告，按报送期截止日的情况生成。</p>
            <form class="inline card" method="get" action="/reports/progress">
            <label>报送期<select name="period">\(options)</select></label>
            <label>格式<select name="format"><option value="xlsx">汇总工作簿（.xlsx）</option><option value="memo">情况报告（.txt）</option></select></label>
            <button type="submit" class="primary">生成并下载</button>
            </form>
            <h2>整治工作总结</h2>
            <p>各单位整治工作总结的汇总工作簿。</p>
            <p class="downloads"><a href="/reports/summary?format=xlsx">生成并下载总结汇总（.xlsx）</a></p>
            """
        return layout.page(title: "汇总报告", current: "reports", html)
    }

    func error(_ message: String, status: Int) -> String {
        layout.page(title: "出错了", current: "", "<h1>出错了（\(status)）</h1><p class=\"error\">\(esc(message))</p><p><a href=\"/\">返回首页</a></p>")
    }
}

