import Foundation
import Testing
import TaizhangCore
@testable import TaizhangXLSX

/// The built-in templates, opened by the real programs units use (LibreOffice, Gnumeric) and checked
/// with openpyxl.
@Suite(.serialized) struct TemplateTests {
    static let cases: [(form: String, period: String)] = [
        ("self-check", "2024-06"), ("rectification", "2024-06"), ("progress", "2024-06"), ("summary", "2024-09"),
    ]

    /// Writes the four templates for 沈阳 and returns their paths.
    static func writeAll(in dir: String) throws -> [String: String] {
        var paths: [String: String] = [:]
        for c in cases {
            let path = "\(dir)/\(c.form).xlsx"
            try WriterSupport.export(try WriterSupport.template(c.form, period: c.period), to: path)
            paths[c.form] = path
        }
        return paths
    }

    @Test func openpyxlSeesTheTemplateStructure() throws {
        let dir = try WriterSupport.temporaryDirectory("openpyxl")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let paths = try TemplateTests.writeAll(in: dir)
        let script = #"""
import sys, json, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
out = {"sheets": [[ws.title, ws.sheet_state] for ws in wb.worksheets],
       "custom": {p.name: p.value for p in wb.custom_doc_props.props}}
ws = wb.worksheets[0]
out["title"] = ws["A1"].value
out["merged"] = [str(r) for r in ws.merged_cells.ranges]
out["freeze"] = ws.freeze_panes
out["print_titles"] = ws.print_title_rows
out["autofilter"] = ws.auto_filter.ref
out["landscape"] = ws.page_setup.orientation
out["paper"] = ws.page_setup.paperSize
out["fit_width"] = [ws.sheet_properties.pageSetUpPr.fitToPage if ws.sheet_properties.pageSetUpPr else None, ws.page_setup.fitToWidth, ws.page_setup.fitToHeight]
out["footer"] = ws.oddFooter.center.text
out["validations"] = [[dv.type, str(dv.sqref), dv.formula1, dv.prompt, dv.error] for dv in ws.data_validations.dataValidation]
rows = []
for row in ws.iter_rows(min_row=1, max_row=40, values_only=True):
    rows.append([("" if v is None else str(v)) for v in row])
out["rows"] = rows
opt = wb["选项"]
out["options"] = [[("" if v is None else str(v)) for v in r] for r in opt.iter_rows(values_only=True)]
out["instructions"] = [[("" if v is None else str(v)) for v in r] for r in wb["填表说明"].iter_rows(values_only=True)]
out["names"] = {n: dn.attr_text for n, dn in wb.defined_names.items()}
out["locked_A1"] = ws["A1"].protection.locked
out["comments"] = {c.coordinate: c.comment.text for row in ws.iter_rows(min_row=1, max_row=40) for c in row if c.comment}
out["unlocked_inputs"] = [c.coordinate for row in ws.iter_rows(min_row=1, max_row=40) for c in row if c.has_style and not c.protection.locked]
print(json.dumps(out, ensure_ascii=False))
"""#
        for c in TemplateTests.cases {
            let json = try WriterSupport.python(script, [paths[c.form]!])
            let info = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
            let set = try WriterSupport.formSet()
            let form = set.form(c.form)!
            let sheets = info["sheets"] as! [[String]]
            #expect(sheets.last == ["选项", "hidden"], "\(c.form)")
            #expect(sheets.contains(["填表说明", "visible"]))
            let custom = info["custom"] as! [String: String]
            #expect(custom["taizhang.form"] == c.form)
            #expect(custom["taizhang.form-version"] == form.version)
            #expect(custom["taizhang.unit"] == "shenyang")
            #expect(custom["taizhang.period"] == c.period)
            #expect(custom["taizhang.campaign"] == set.campaign.id)
            #expect(info["title"] as? String == "沈阳市工业和信息化局" + form.title)
            let rows = info["rows"] as! [[String]]
            let instructions = (info["instructions"] as! [[String]]).flatMap { $0 }.joined(separator: "\n")
            for line in form.instructions { #expect(instructions.contains(line), "填表说明 lacks \(line)") }
            for field in form.header + form.tables.flatMap(\.columns) {
                if let help = field.help { #expect(instructions.contains(help)) }
            }
            let validations = info["validations"] as! [[Any]]
            if form.layout == .sections {
                #expect(sheets.map { $0[0] }.prefix(3) == [form.shortTitle, "典型案例", "先进典型"])
                let labels = rows.map { $0.first ?? "" }
                for field in form.header { #expect(labels.contains((field.required ? "*" : "") + field.label)) }
                #expect(rows.contains { $0.count > 1 && $0[0] == "*填报单位" && $0[1] == "沈阳市工业和信息化局" })
                continue
            }
            let table = form.tables[0]
            #expect(sheets[0] == [table.title, "visible"])
            // The column header row: the first row holding every column label (with * for required ones).
            let expectedHeader = table.columns.map { ($0.required ? "*" : "") + $0.label }
            guard let headerIndex = rows.firstIndex(where: { Array($0.prefix(expectedHeader.count)) == expectedHeader }) else {
                Issue.record("\(c.form): no column header row in \(rows.prefix(12))")
                continue
            }
            let headerRow = headerIndex + 1
            #expect(info["freeze"] as? String == "A\(headerRow + 1)")
            #expect(info["print_titles"] as? String == "$\(headerRow):$\(headerRow)")
            #expect((info["autofilter"] as? String)?.hasPrefix("A\(headerRow):") == true)
            #expect(info["landscape"] as? String == form.orientation, "as the form's data says (the progress report: portrait)")
            #expect(info["paper"] as? Int == (c.form == "rectification" ? 8 : 9), "A3 for the wide 整改工作台账, A4 otherwise")
            #expect((info["fit_width"] as! [Any?]).compactMap { $0 as? Int } == [1, 1, 0] ||
                    (info["fit_width"] as! [Any?]).compactMap { $0 as? Bool } == [true])
            #expect(info["footer"] as? String == "第 &P 页 共 &N 页")
            #expect((info["merged"] as! [String]).contains { $0.hasPrefix("A1:") })
            #expect(info["locked_A1"] as? Bool == true)
            // Column help as comments on the column header row; input cells unlocked, labels locked.
            let comments = info["comments"] as! [String: String]
            for (i, field) in table.columns.enumerated() {
                #expect(comments["\(CellRange.columnName(i + 1))\(headerRow)"] == field.help)
            }
            let unlocked = Set(info["unlocked_inputs"] as! [String])
            #expect(unlocked.contains("B\(headerRow + 1)"))
            #expect(!unlocked.contains("B\(headerRow)") && !unlocked.contains("A2"))
            // The header block sits above the column header row: unit and period filled in.
            // (A long label is broken before its parenthesis: compared without the line break.)
            let block = rows[1..<headerIndex].flatMap { $0 }.map { $0.replacingOccurrences(of: "\n", with: "") }
            for field in form.header {
                #expect(block.contains((field.required ? "*" : "") + field.label), "\(c.form): header lacks \(field.label)")
            }
            #expect(block.contains("沈阳市工业和信息化局"))
            #expect(block.contains(c.period))
            // 序号 prefilled.
            #expect(rows[headerIndex + 1][0] == "1" && rows[headerIndex + 2][0] == "2")
            if let prefill = table.prefill, let column = table.columns.firstIndex(where: { $0.key == prefill.column }) {
                let items = set.list(prefill.list)!.items.map(\.value)
                #expect(rows[headerIndex + 1][column] == items[0])
                #expect(rows[headerIndex + items.count][column] == items.last!)
            }
            // A validation for every choice, yes/no, date and integer column (序号 aside).
            let options = info["options"] as! [[String]]
            for (i, field) in table.columns.enumerated() where !field.autoNumber {
                let column = CellRange.columnName(i + 1)
                let cell = "\(column)\(headerRow + 1)"
                let v = validations.first { ($0[1] as! String).hasPrefix(cell + ":") }
                switch field.type {
                case .choice:
                    #expect(v?[0] as? String == "list", "\(c.form).\(field.key)")
                    let formula = v?[2] as? String ?? ""
                    if let parentKey = field.dependsOn {
                        // A named range per parent value, found by INDIRECT (no OFFSET: issue 15).
                        #expect(formula.hasPrefix("INDIRECT(\"选项_"), "\(formula)")
                        #expect(!formula.contains("OFFSET"))
                        // MATCH looks up the parent column's cell in this row among the group heads.
                        let parentColumn = CellRange.columnName(table.columns.firstIndex { $0.key == parentKey }! + 1)
                        #expect(formula.contains("MATCH($\(parentColumn)\(headerRow + 1),"), "\(formula)")
                        // The heads range names exactly the options columns headed by the group parents, and
                        // each column lists the group's items then the common ones.
                        let list = set.list(field.list!)!
                        let heads = try #require(formula.firstMatch(of: /'选项'!\$([A-Z]+)\$1:\$([A-Z]+)\$1/))
                        let first = TemplateTests.columnIndex(String(heads.1))
                        let last = TemplateTests.columnIndex(String(heads.2))
                        #expect(Array(options[0][first...last]) == list.groups.map(\.parent))
                        for (k, group) in list.groups.enumerated() {
                            let values = options.dropFirst().map { $0[first + k] }.filter { !$0.isEmpty }
                            #expect(values == list.items(under: group.parent).map(\.value))
                        }
                        // Each numbered name covers exactly its group's items, in the order of the heads.
                        let names = info["names"] as! [String: String]
                        let prefix = try #require(formula.firstMatch(of: /INDIRECT\("([^"]+)"&/)).1
                        for (k, group) in list.groups.enumerated() {
                            let column = CellRange.columnName(first + k + 1)
                            let count = list.items(under: group.parent).count
                            #expect(names["\(prefix)\(k + 1)"] == "'选项'!$\(column)$2:$\(column)$\(count + 1)",
                                    "\(prefix)\(k + 1): \(names)")
                        }
                    } else {
                        // A range on the hidden sheet: its column is headed by the list's title and holds its values.
                        let range = try #require(formula.firstMatch(of: /^'选项'!\$([A-Z]+)\$2:\$[A-Z]+\$(\d+)$/), "\(formula)")
                        let column = TemplateTests.columnIndex(String(range.1))
                        let list = set.list(field.list!)!
                        #expect(options[0][column] == list.title)
                        #expect(options[1..<Int(range.2)!].map { $0[column] } == list.items.map(\.value))
                    }
                case .yesNo:
                    #expect(v?[0] as? String == "list")
                    #expect(v?[2] as? String == "\"是,否\"")
                case .date:
                    #expect(v?[0] as? String == (field.allowedTexts.isEmpty ? "date" : "custom"), "\(c.form).\(field.key)")
                    if let min = field.minDate, field.allowedTexts.isEmpty {
                        #expect(v?[2] as? String == String(ExcelDateSystem.system1900.serial(of: min)))
                    }
                    if !field.allowedTexts.isEmpty {
                        for text in field.allowedTexts { #expect((v?[2] as? String ?? "").contains("\"\(text)\"")) }
                    }
                case .integer:
                    #expect(v?[0] as? String == "whole")
                default:
                    break
                }
                if let help = field.help, let v { #expect(v[3] as? String == help) }
                if let v, field.type != .text { #expect((v[4] as? String ?? "").isEmpty == false) }
            }
        }
    }

    static func columnIndex(_ letters: String) -> Int {
        letters.unicodeScalars.reduce(0) { $0 * 26 + Int($1.value) - 64 } - 1
    }

    @Test func libreOfficeAndGnumericOpenEveryTemplate() throws {
        let soffice = "/usr/bin/soffice"
        let ssconvert = "/usr/bin/ssconvert"
        guard WriterSupport.isExecutable(soffice), WriterSupport.isExecutable(ssconvert) else {
            Issue.record("LibreOffice or Gnumeric is not installed")
            return
        }
        let dir = try WriterSupport.temporaryDirectory("office")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let paths = try TemplateTests.writeAll(in: dir)
        let set = try WriterSupport.formSet()
        let files = TemplateTests.cases.map { paths[$0.form]! }
        // One LibreOffice start for all four files, with a private profile.
        let outDir = dir + "/csv"
        let lo = try WriterSupport.run(soffice, [
            "-env:UserInstallation=file://\(dir)/lo-profile", "--headless", "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", outDir] + files, timeout: 180)
        #expect(lo.status == 0, "\(lo.err)")
        for c in TemplateTests.cases {
            let form = set.form(c.form)!
            let csv = try String(contentsOfFile: "\(outDir)/\(c.form).csv", encoding: .utf8)
            #expect(csv.contains("沈阳市工业和信息化局" + form.title), "LibreOffice: \(c.form) title")
            let labels = form.layout == .sections ? form.header.map(\.label) : form.tables[0].columns.map(\.label)
            for label in labels { #expect(csv.contains(label), "LibreOffice: \(c.form) lacks \(label)") }
            // Gnumeric.
            let target = "\(dir)/\(c.form)-gnumeric.csv"
            let g = try WriterSupport.run(ssconvert, [paths[c.form]!, target])
            #expect(g.status == 0, "ssconvert: \(g.err)")
            let gcsv = try String(contentsOfFile: target, encoding: .utf8)
            #expect(gcsv.contains("沈阳市工业和信息化局" + form.title), "Gnumeric: \(c.form) title")
            for label in labels { #expect(gcsv.contains(label), "Gnumeric: \(c.form) lacks \(label)") }
            #expect(!g.err.lowercased().contains("error"), "ssconvert: \(g.err)")
        }
    }

    @Test func dataRoundTripKeepsTypes() throws {
        let set = try WriterSupport.formSet()
        let form = set.form("rectification")!
        var records: [Record] = []
        for i in 1...30 {
            records.append(Record(values: [
                "seq": .integer(i),
                "problem_id": .text("SY-2024-\(i)"),
                "description": .text("执法人员未出示执法证件，第\(i)号问题；含“引号”与<尖括号>&符号"),
                "measures": .text("组织全员培训\n建立台账"),
                "responsible_unit": .text("沈阳市工业和信息化局政策法规处"),
                "responsible_person": .text("张三"),
                "deadline": i % 3 == 0 ? .fixedText("长期坚持") : .date(CivilDate(year: 2024, month: 9, day: i % 28 + 1)!),
                "status": .choice("已整改"),
                "done_date": .date(CivilDate(year: 2024, month: 6, day: i % 28 + 1)!),
                "accountability": .yesNo(i % 2 == 0),
                "exemption": .yesNo(false),
            ]))
        }
        let document = LedgerDocument(form: form, formSet: set, unit: set.unit(id: "shenyang"), period: YearMonth("2024-06"),
                                       header: ["report_date": .date(CivilDate(year: 2024, month: 6, day: 20)!),
                                                "filler": .text("李四")],
                                       rows: ["main": records], purpose: .data)
        let dir = try WriterSupport.temporaryDirectory("data")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/data.xlsx"
        try WriterSupport.export(document, to: path)
        let script = #"""
import sys, json, datetime, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb.worksheets[0]
out = []
for row in ws.iter_rows(values_only=True):
    out.append([[type(v).__name__, v.isoformat()[:10] if isinstance(v, datetime.datetime) else v] for v in row])
print(json.dumps(out, ensure_ascii=False, default=str))
"""#
        let json = try WriterSupport.python(script, [path])
        let rows = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [[[Any]]]
        let columns = form.tables[0].columns
        guard let headerIndex = rows.firstIndex(where: { ($0.first?[1] as? String) == "序号" }) else {
            Issue.record("no header row")
            return
        }
        // Header block: the report date is a real date.
        let block = rows[1..<headerIndex].flatMap { $0 }
        #expect(block.contains { ($0[0] as? String) == "datetime" && ($0[1] as? String) == "2024-06-20" })
        #expect(block.contains { ($0[1] as? String) == "李四" })
        for (i, record) in records.enumerated() {
            let row = rows[headerIndex + 1 + i]
            for (c, field) in columns.enumerated() {
                let cell = row[c]
                switch record[field.key] {
                case .date(let d)?:
                    #expect(cell[0] as? String == "datetime", "\(field.key)")
                    #expect(cell[1] as? String == d.iso)
                case .integer(let n)?:
                    #expect(cell[0] as? String == "int")
                    #expect(cell[1] as? Int == n)
                case let value?:
                    #expect(cell[0] as? String == "str", "\(field.key)")
                    #expect(cell[1] as? String == value.displayText)
                case nil:
                    #expect(cell[0] as? String == "NoneType", "\(field.key)")
                }
            }
        }
        #expect(rows.count == headerIndex + 1 + records.count)
    }

    @Test func summaryDataKeepsLongAnswersAndCounts() throws {
        let set = try WriterSupport.formSet()
        let form = set.form("summary")!
        let answer = "一、加强组织领导。\n二、开展自查自纠，共梳理问题 12 个。\n三、健全制度 3 项。"
        let document = LedgerDocument(
            form: form, formSet: set, unit: set.unit(id: "dalian"), period: YearMonth("2024-09"),
            header: ["work_overview": .text(answer), "resolved_problems_total": .integer(12),
                     "report_date": .date(CivilDate(year: 2024, month: 9, day: 18)!)],
            rows: ["cases": [Record(values: ["seq": .integer(1), "case_title": .text("某局违规收费案"), "published": .yesNo(true)])]],
            purpose: .data)
        let dir = try WriterSupport.temporaryDirectory("summary")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/summary.xlsx"
        try WriterSupport.export(document, to: path)
        let script = #"""
import sys, json, datetime, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb.worksheets[0]
out = {"main": {str(r[0].value): [type(r[1].value).__name__, str(r[1].value)[:10] if isinstance(r[1].value, datetime.datetime) else r[1].value,
                                  r[1].alignment.wrap_text, ws.row_dimensions[r[0].row].height] for r in ws.iter_rows(min_row=2)},
       "cases": [[c.value for c in r] for r in wb["典型案例"].iter_rows(min_row=1, max_row=3)]}
print(json.dumps(out, ensure_ascii=False))
"""#
        let info = try JSONSerialization.jsonObject(with: Data(try WriterSupport.python(script, [path]).utf8)) as! [String: Any]
        let main = info["main"] as! [String: [Any]]
        let overview = try #require(main["专项整治工作情况"], "data written out carries no required marks")
        #expect(overview[0] as? String == "str")
        #expect(overview[1] as? String == answer)
        #expect(overview[2] as? Bool == true)
        #expect((overview[3] as? Double ?? 0) >= 100)
        #expect(main["解决突出问题（累计，个）"]?[0] as? String == "int")
        #expect(main["解决突出问题（累计，个）"]?[1] as? Int == 12)
        #expect(main["填报日期"]?[0] as? String == "datetime")
        #expect(main["填报单位"]?[1] as? String == "大连市工业和信息化局")
        let cases = info["cases"] as! [[Any]]
        #expect(cases[0].first as? String == "大连市工业和信息化局" + form.title + "（典型案例）")
        let header = cases[1].compactMap { $0 as? String }
        #expect(header == form.table("cases")!.columns.map(\.label), "data written out carries no required marks")
        #expect(cases[2].contains { ($0 as? String) == "某局违规收费案" })
        #expect(cases[2].contains { ($0 as? String) == "是" })
    }

    @Test func narrowTablesStillShowEveryHeaderField() throws {
        let set = try WriterSupport.formSet()
        let header = [Field(key: "unit", label: "填报单位", type: .unit, required: true),
                      Field(key: "period", label: "报送期", type: .period),
                      Field(key: "filler", label: "填报人", type: .text),
                      Field(key: "count", label: "问题数", type: .integer, min: 0)]
        let columns = [Field(key: "seq", label: "序号", type: .integer, autoNumber: true),
                       Field(key: "name", label: "名称", type: .text, required: true),
                       Field(key: "done", label: "是否完成", type: .yesNo)]
        let form = Form(id: "narrow", version: "1", title: "窄表", shortTitle: "窄表", layout: .ledger, header: header,
                        tables: [FormTable(id: "main", title: "窄表", columns: columns, templateRows: 3)])
        let document = LedgerDocument(form: form, formSet: set, unit: set.unit(id: "shenyang"), period: YearMonth("2024-07"),
                                      purpose: .template)
        let dir = try WriterSupport.temporaryDirectory("narrow")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try WriterSupport.export(document, to: dir + "/narrow.xlsx")
        let json = try WriterSupport.python("""
            import sys, json, openpyxl
            ws = openpyxl.load_workbook(sys.argv[1]).worksheets[0]
            print(json.dumps([["" if v is None else str(v) for v in r] for r in ws.iter_rows(values_only=True)], ensure_ascii=False))
            """, [dir + "/narrow.xlsx"])
        let rows = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [[String]]
        let cells = rows.flatMap { $0 }
        for field in header { #expect(cells.contains((field.required ? "*" : "") + field.label), "\(field.label)") }
        #expect(cells.contains("沈阳市工业和信息化局") && cells.contains("2024-07"))
        let headerIndex = try #require(rows.firstIndex { $0.prefix(3) == ["序号", "*名称", "是否完成"] })
        #expect(rows.count == headerIndex + 1 + 3)
    }
}

/// The cascading 具体情形 dropdown's construct (issue 15): a named range per 问题类型, found with INDIRECT.
/// LibreOffice and Gnumeric evaluate the validation's own formula, for every 问题类型, to exactly that type's
/// items (a cell beside the ledger asks for the list's length and first and last item).
@Suite(.serialized) struct CascadeTests {
    @Test func theSpreadsheetProgramsEvaluateTheCascadeToEachTypesItems() throws {
        let dir = try WriterSupport.temporaryDirectory("cascade")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let set = try WriterSupport.formSet()
        let form = set.form("self-check")!
        let path = dir + "/self-check.xlsx"
        try WriterSupport.export(try WriterSupport.template("self-check"), to: path)
        let table = form.tables[0]
        let child = try #require(table.columns.first { $0.dependsOn != nil })
        let list = try #require(set.list(child.list!))
        // The validation formula of the first input row, with its parent cell pointed at a checking cell.
        let script = #"""
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb.worksheets[0]
column, parents = sys.argv[2], json.loads(sys.argv[3])
formula = next(dv.formula1 for dv in ws.data_validations.dataValidation if str(dv.sqref).startswith(column))
check = wb.create_sheet("检验", 0)
for i, parent in enumerate(parents, start=1):
    check.cell(i, 1, parent)
    own = formula.split("MATCH(")[0] + "MATCH($A%d," % i + formula.split("MATCH(")[1].split(",", 1)[1]
    check.cell(i, 2, "=ROWS(%s)" % own)
    check.cell(i, 3, "=INDEX(%s,1)" % own)
    check.cell(i, 4, "=INDEX(%s,ROWS(%s))" % (own, own))
wb.active = 0
for sheet in wb.worksheets: sheet.sheet_view.tabSelected = sheet is check
wb.save(sys.argv[4])
print(formula)
"""#
        let column = CellRange.columnName(table.columns.firstIndex { $0.key == child.key }! + 1)
        let parents = list.groups.map(\.parent)
        let checked = dir + "/checked.xlsx"
        let formula = try WriterSupport.python(script, [path, column, String(decoding: try JSONEncoder().encode(parents), as: UTF8.self), checked])
        #expect(formula.contains("INDIRECT(") && !formula.contains("OFFSET"), "\(formula)")
        func expectLists(_ csv: String, _ program: String) {
            let lines = csv.split(whereSeparator: \.isNewline).map(String.init)
            for (k, group) in list.groups.enumerated() {
                let items = list.items(under: group.parent).map(\.value)
                let line = k < lines.count ? lines[k] : ""
                #expect(line.contains(",\(items.count),"), "\(program): \(group.parent) → \(line)")
                #expect(line.contains(items.first!) && line.contains(items.last!), "\(program): \(group.parent) → \(line)")
            }
        }
        let lo = try WriterSupport.run("/usr/bin/soffice", [
            "-env:UserInstallation=file://\(dir)/lo-profile", "--headless", "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", dir + "/lo", checked], timeout: 180)
        #expect(lo.status == 0, "\(lo.err)")
        expectLists(try String(contentsOfFile: dir + "/lo/checked.csv", encoding: .utf8), "LibreOffice")
        let g = try WriterSupport.run("/usr/bin/ssconvert", ["--recalc", checked, dir + "/gnumeric.csv"])
        #expect(g.status == 0, "\(g.err)")
        expectLists(try String(contentsOfFile: dir + "/gnumeric.csv", encoding: .utf8), "Gnumeric")
    }
}
