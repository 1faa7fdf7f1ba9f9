import TaizhangCore
import TaizhangOOXML

/// Cell comments: the comments part (`xl/commentsN.xml`) and the VML drawing Excel needs to show them
/// (`xl/drawings/vmlDrawingN.vml`).
enum CommentsPart {
    static let author = "台账"

    /// Writes the comments part to `path` (a workbook with many marked cells has a large one: it is written to
    /// a file, not held).
    static func comments(_ items: [(row: Int, column: Int, text: String)], to path: String) throws(ExportError) {
        let w = try XMLWriter(path: path)
        w.start("comments")
        w.attribute("xmlns", "http://schemas.openxmlformats.org/spreadsheetml/2006/main")
        w.start("authors")
        w.element("author", author)
        w.end()
        w.start("commentList")
        for item in items {
            w.start("comment")
            w.attribute("ref", CellRange.reference(row: item.row, column: item.column))
            w.attribute("authorId", 0)
            w.start("text")
            w.start("r")
            w.start("rPr")
            w.start("sz"); w.attribute("val", 9); w.end()
            w.start("rFont"); w.attribute("val", "宋体"); w.end()
            w.start("charset"); w.attribute("val", 134); w.end()
            w.end()
            w.start("t")
            w.attribute("xml:space", "preserve")
            w.text(ExcelText.escape(item.text))
            w.end()
            w.end()
            w.end()
            w.end()
        }
        w.end()
        w.end()
        try w.finish()
    }

    /// Writes the VML drawing with one hidden note shape per comment to `path`. `drawingNumber` (1-based) keeps
    /// shape ids unique across sheets.
    static func vml(_ items: [(row: Int, column: Int, text: String)], drawingNumber: Int,
                    to path: String) throws(ExportError) {
        let w = try XMLWriter(path: path, declaration: false)
        w.start("xml")
        w.attribute("xmlns:v", "urn:schemas-microsoft-com:vml")
        w.attribute("xmlns:o", "urn:schemas-microsoft-com:office:office")
        w.attribute("xmlns:x", "urn:schemas-microsoft-com:office:excel")
        w.start("o:shapelayout"); w.attribute("v:ext", "edit")
        w.start("o:idmap"); w.attribute("v:ext", "edit"); w.attribute("data", drawingNumber); w.end()
        w.end()
        w.start("v:shapetype")
        w.attribute("id", "_x0000_t202")
        w.attribute("coordsize", "21600,21600")
        w.attribute("o:spt", "202")
        w.attribute("path", "m,l,21600r21600,l21600,xe")
        w.start("v:stroke"); w.attribute("joinstyle", "miter"); w.end()
        w.start("v:path"); w.attribute("gradientshapeok", "t"); w.attribute("o:connecttype", "rect"); w.end()
        w.end()
        for (i, item) in items.enumerated() {
            let row0 = item.row - 1
            let col0 = item.column - 1
            w.start("v:shape")
            w.attribute("id", "_x0000_s\(drawingNumber * 1024 + i + 1)")
            w.attribute("type", "#_x0000_t202")
            w.attribute("style", "position:absolute;margin-left:59.25pt;margin-top:1.5pt;width:144pt;height:79pt;z-index:\(i + 1);visibility:hidden")
            w.attribute("fillcolor", "#ffffe1")
            w.attribute("o:insetmode", "auto")
            w.start("v:fill"); w.attribute("color2", "#ffffe1"); w.end()
            w.start("v:shadow"); w.attribute("on", "t"); w.attribute("color", "black"); w.attribute("obscured", "t"); w.end()
            w.start("v:path"); w.attribute("o:connecttype", "none"); w.end()
            w.start("v:textbox"); w.attribute("style", "mso-direction-alt:auto")
            w.start("div"); w.attribute("style", "text-align:left"); w.endFull()
            w.end()
            w.start("x:ClientData"); w.attribute("ObjectType", "Note")
            w.start("x:MoveWithCells"); w.end()
            w.start("x:SizeWithCells"); w.end()
            w.element("x:Anchor", "\(col0 + 1), 15, \(max(row0 - 1, 0)), 10, \(col0 + 3), 15, \(row0 + 4), 4")
            w.element("x:AutoFill", "False")
            w.element("x:Row", String(row0))
            w.element("x:Column", String(col0))
            w.end()
            w.end()
        }
        w.end()
        try w.finish()
    }
}
