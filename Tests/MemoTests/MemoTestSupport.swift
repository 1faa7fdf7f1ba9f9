import Foundation
import Testing
import TaizhangCore
import TaizhangForms
import TaizhangMemo

/// Golden files: `Golden/<name>.txt` beside this file. A mismatch (or a missing file) fails the test and
/// writes what was rendered to `/tmp/taizhang-memo-actual/<name>.txt` for review.
enum Golden {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    static func check(_ text: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let url = folder.appendingPathComponent(name + ".txt")
        let expected = try? String(contentsOf: url, encoding: .utf8)
        if expected != text {
            let out = URL(fileURLWithPath: "/tmp/taizhang-memo-actual")
            try? FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
            try? text.write(to: out.appendingPathComponent(name + ".txt"), atomically: true, encoding: .utf8)
        }
        #expect(expected != nil, "golden file \(name).txt is missing", sourceLocation: sourceLocation)
        #expect(expected == text, "rendered \(name) differs from its golden file", sourceLocation: sourceLocation)
    }
}

/// Layout properties every rendered memo must have.
enum Layout {
    static let width = 56

    /// Checks: no line wider than 28 characters, none starting with closing punctuation or ending with
    /// opening punctuation, no trailing white space, no tab, no ASCII punctuation the memo should not have.
    static func check(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(text.hasSuffix("\n"), sourceLocation: sourceLocation)
        for (i, line) in lines(text).enumerated() {
            #expect(DisplayWidth.columns(line) <= width, "line \(i + 1) too wide: \(line)", sourceLocation: sourceLocation)
            if let first = line.first {
                #expect(!LineBreaker.noStart.contains(first), "line \(i + 1) starts with \(first)", sourceLocation: sourceLocation)
            }
            if let last = line.last {
                #expect(!LineBreaker.noEnd.contains(last), "line \(i + 1) ends with \(last)", sourceLocation: sourceLocation)
                #expect(last != " " && last != "\u{3000}", "line \(i + 1) has trailing space", sourceLocation: sourceLocation)
            }
            #expect(!line.contains("\t"), sourceLocation: sourceLocation)
        }
        #expect(!text.contains("印章") && !text.contains("（章）") && !text.contains("盖章"), sourceLocation: sourceLocation)
    }

    static func lines(_ text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }
}

/// Ledger documents built from the built-in forms.
enum MemoFixture {
    static func formSet() throws -> FormSet { try BuiltinForms.load() }
    static func memos() throws -> Memos { Memos(templates: try MemoTemplateSet(files: BuiltinForms.memoTemplates)) }

    static let june = YearMonth(year: 2024, month: 6)!

    /// A progress ledger of `unit` with the given counts (month, total pairs in form order) and 追责/容错 counts.
    static func progress(_ set: FormSet, unit id: String, counts: [(Int, Int)], accountability: Int, exemption: Int,
                         narrative: String? = nil, rows: [(String, String)] = []) -> LedgerDocument {
        let form = set.form("progress")!
        let unit = set.unit(id: id)!
        var header: [String: Value] = [
            "unit": .unit(id), "period": .period(june), "report_date": .date(CivilDate(year: 2024, month: 6, day: 21)!),
            "filler": .text("王丽"), "phone": .text("024-22345678"),
            "accountability_count": .integer(accountability), "exemption_count": .integer(exemption),
        ]
        let keys = ["resolved_problems", "closed_complaints", "corrected_errors", "published_cases", "improved_rules",
                    "promoted_models"]
        for (key, (month, total)) in zip(keys, counts) {
            header[key + "_month"] = .integer(month)
            header[key + "_total"] = .integer(total)
        }
        if let narrative { header["narrative"] = .text(narrative) }
        let records = rows.enumerated().map { i, row in
            Record(values: ["seq": .integer(i + 1), "item": .choice(row.0), "progress": .text(row.1)])
        }
        return LedgerDocument(form: form, formSet: set, unit: unit, period: june, header: header,
                              rows: ["main": records])
    }

    static func shenyangProgress(_ set: FormSet) -> LedgerDocument {
        progress(set, unit: "shenyang", counts: [(3, 12), (2, 5), (1, 4), (0, 1), (1, 2), (0, 1)],
                 accountability: 1, exemption: 0,
                 narrative: "6月，我局按照全省统一部署，持续推进专项整治，重点抓好问题整改和制度完善。\n下一步，将继续加大督导检查力度，确保9月底前完成全部整改任务。",
                 rows: [
                    ("动员部署", "6月3日召开全市工业和信息化系统专项整治推进会，部署下一阶段重点工作"),
                    ("征集线索", "无"),
                    ("自查自纠", "完成12家执法单位自查，梳理问题15个，已全部录入自查台账。"),
                    ("整改落实", "已整改问题12个，其余3个正在整改，均明确了整改时限和责任人。"),
                    ("健全制度", "修订《沈阳市工业和信息化行政处罚裁量权基准》（2024年版），进一步规范执法行为。"),
                 ])
    }
}
