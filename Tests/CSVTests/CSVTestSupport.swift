import Foundation
import TaizhangCore
import TaizhangForms

/// Builds test inputs: ledger documents from the built-in forms, and temporary files.
enum Fixture {
    static func formSet() throws -> FormSet { try BuiltinForms.load() }

    /// A rectification ledger of 沈阳 with rows that exercise quoting, injection and every value kind.
    static func rectification() throws -> LedgerDocument {
        let set = try formSet()
        let form = set.form("rectification")!
        let rows: [Record] = [
            Record(values: [
                "seq": .integer(1), "problem_id": .text("SY-001"),
                "description": .text("执法人员未出示证件，态度\"生硬\""),
                "measures": .text("开展培训，\n加强监督"),
                "responsible_unit": .text("执法监察处"), "responsible_person": .text("张三"),
                "deadline": .date(CivilDate(year: 2024, month: 6, day: 30)!),
                "status": .choice("已整改"), "done_date": .date(CivilDate(year: 2024, month: 6, day: 5)!),
                "accountability": .yesNo(true), "accountability_detail": .text("=HYPERLINK(\"http://x\")"),
                "exemption": .yesNo(false),
            ]),
            Record(values: [
                "seq": .integer(2), "problem_id": .text("SY-002"),
                "description": .text("+86 举报未反馈；-重复执法"),
                "measures": .text("@所有人 建立台账"),
                "deadline": .fixedText("长期坚持"), "status": .choice("正在整改"),
                "remarks": .text("\t缩进"),
            ]),
            Record(values: ["seq": .integer(-3), "problem_id": .text("SY-003"), "description": .text("\r回车开头")]),
        ]
        return LedgerDocument(form: form, formSet: set, unit: set.unit(id: "shenyang"),
                              period: YearMonth(year: 2024, month: 6), rows: ["main": rows])
    }

    /// The cells the rows above must read back as, column by column (1-based), as literals.
    static let expectedRectificationCells: [[Int: String]] = [
        [1: "1", 2: "SY-001", 3: "执法人员未出示证件，态度\"生硬\"", 4: "开展培训，\n加强监督", 5: "执法监察处",
         6: "张三", 7: "2024-06-30", 8: "已整改", 9: "2024-06-05", 11: "是", 12: "'=HYPERLINK(\"http://x\")",
         13: "否"],
        [1: "2", 2: "SY-002", 3: "'+86 举报未反馈；-重复执法", 4: "'@所有人 建立台账", 7: "长期坚持", 8: "正在整改",
         15: "'\t缩进"],
        [1: "-3", 2: "SY-003", 3: "'\r回车开头"],
    ]

    static let rectificationLabels = ["序号", "问题编号", "问题描述", "整改措施", "责任单位", "责任人", "整改时限", "整改状态",
                                      "完成时间", "整改成效", "是否追责问责", "追责问责情况", "是否容错免责", "容错免责情况", "备注"]

    /// A fresh temporary directory.
    static func directory(_ name: String = #function) throws -> URL {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("taizhang-csv-\(safe)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Writes `bytes` to a file named `name` in a fresh directory and returns its path.
    static func file(_ name: String, _ bytes: [UInt8], function: String = #function) throws -> String {
        let url = try directory(function).appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    static func file(_ name: String, _ text: String, function: String = #function) throws -> String {
        try file(name, Array(text.utf8), function: function)
    }
}

extension SheetSource {
    /// All rows of the first sheet.
    func allRows() throws -> [SourceRow] {
        var rows: [SourceRow] = []
        try readRows(sheet: 0) { rows.append($0); return true }
        return rows
    }
}

extension SourceRow {
    /// The row's texts by column.
    var texts: [Int: String] {
        var out: [Int: String] = [:]
        for cell in cells {
            if case .text(let s) = cell.value { out[cell.column] = s } else { out[cell.column] = "<\(cell.value)>" }
        }
        return out
    }
}
