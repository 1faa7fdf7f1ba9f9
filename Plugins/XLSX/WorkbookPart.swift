import TaizhangCore
import TaizhangOOXML

/// `xl/workbook.xml`: the sheets in tab order, their visibility, and the defined names
/// (including the print titles and auto-filter names Excel expects).
enum WorkbookPart {
    static func write(_ workbook: Workbook, sheetRelationships: [String]) throws(ExportError) -> [UInt8] {
        let w = try XMLWriter()
        w.start("workbook")
        w.attribute("xmlns", "http://schemas.openxmlformats.org/spreadsheetml/2006/main")
        w.attribute("xmlns:r", "http://schemas.openxmlformats.org/officeDocument/2006/relationships")
        w.start("workbookPr"); w.end()
        w.start("bookViews")
        w.start("workbookView")
        let active = workbook.sheets.firstIndex { !$0.isHidden } ?? 0
        if active != 0 {
            w.attribute("firstSheet", active)
            w.attribute("activeTab", active)
        }
        w.end()
        w.end()
        w.start("sheets")
        for (i, sheet) in workbook.sheets.enumerated() {
            w.start("sheet")
            w.attribute("name", sheet.name)
            w.attribute("sheetId", i + 1)
            if sheet.isHidden { w.attribute("state", "hidden") }
            w.attribute("r:id", sheetRelationships[i])
            w.end()
        }
        w.end()
        var names: [(name: String, formula: String, sheet: Int?, hidden: Bool)] = workbook.definedNames
        for sheet in workbook.sheets {
            let quoted = Workbook.quotedSheetName(sheet.name)
            if let filter = sheet.autoFilter {
                names.append(("_xlnm._FilterDatabase", quoted + "!" + filter.absolute, sheet.index, true))
            }
            if let rows = sheet.printSetup?.titleRows {
                names.append(("_xlnm.Print_Titles", "\(quoted)!$\(rows.lowerBound):$\(rows.upperBound)", sheet.index, false))
            }
        }
        if !names.isEmpty {
            w.start("definedNames")
            // Excel sorts defined names; keep a stable order (name, then sheet).
            for n in names.sorted(by: { ($0.name, $0.sheet ?? -1) < ($1.name, $1.sheet ?? -1) }) {
                w.start("definedName")
                w.attribute("name", n.name)
                if let sheet = n.sheet { w.attribute("localSheetId", sheet) }
                if n.hidden { w.attribute("hidden", 1) }
                w.text(n.formula)
                w.end()
            }
            w.end()
        }
        // Formulas are written without results (a carried-forward template shows 问题描述 by formula): computed on open.
        w.start("calcPr"); w.attribute("calcId", 191029); w.attribute("fullCalcOnLoad", 1); w.end()
        w.end()
        return try w.finish() ?? []
    }
}
