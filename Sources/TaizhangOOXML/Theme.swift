import TaizhangCore

/// The theme part (`xl/theme/theme1.xml`, `word/theme/theme1.xml`): the colours, fonts and formatting styles a
/// theme reference resolves to. Excel expects every workbook to have one, and Word every document (without it, it may offer to repair the
/// file). Taizhang's styles name their colours and fonts directly, so the theme is the smallest complete one:
/// the schema's required colour slots, 宋体/Calibri fonts, and three plain entries in each style list.
public enum ThemePart {
    static let drawingML = "http://schemas.openxmlformats.org/drawingml/2006/main"

    /// The twelve colour slots, in the schema's order.
    private static let colours: [(StaticString, String)] = [
        ("a:dk1", "000000"), ("a:lt1", "FFFFFF"), ("a:dk2", "44546A"), ("a:lt2", "E7E6E6"),
        ("a:accent1", "4472C4"), ("a:accent2", "ED7D31"), ("a:accent3", "A5A5A5"), ("a:accent4", "FFC000"),
        ("a:accent5", "5B9BD5"), ("a:accent6", "70AD47"), ("a:hlink", "0563C1"), ("a:folHlink", "954F72"),
    ]

    /// The part's XML.
    public static func write() throws(ExportError) -> [UInt8] {
        let w = try XMLWriter()
        w.start("a:theme")
        w.attribute("xmlns:a", drawingML)
        w.attribute("name", "Taizhang")
        w.start("a:themeElements")

        w.start("a:clrScheme")
        w.attribute("name", "Taizhang")
        for (slot, rgb) in colours {
            w.start(slot)
            w.start("a:srgbClr")
            w.attribute("val", rgb)
            w.end()
            w.end()
        }
        w.end()

        w.start("a:fontScheme")
        w.attribute("name", "Taizhang")
        for collection: StaticString in ["a:majorFont", "a:minorFont"] {
            w.start(collection)
            for (script, face): (StaticString, StaticString) in [("a:latin", "Calibri"), ("a:ea", "宋体"), ("a:cs", "")] {
                w.start(script)
                w.attribute("typeface", face)
                w.end()
            }
            w.end()
        }
        w.end()

        w.start("a:fmtScheme")
        w.attribute("name", "Taizhang")
        for list: StaticString in ["a:fillStyleLst", "a:lnStyleLst", "a:effectStyleLst", "a:bgFillStyleLst"] {
            w.start(list)
            for _ in 0..<3 {
                switch list.description {
                case "a:lnStyleLst":
                    w.start("a:ln")
                    w.attribute("w", 6350)
                    placeholderFill(w)
                    w.end()
                case "a:effectStyleLst":
                    w.start("a:effectStyle")
                    w.start("a:effectLst")
                    w.end()
                    w.end()
                default:
                    placeholderFill(w)
                }
            }
            w.end()
        }
        w.end()

        w.end()  // themeElements
        w.end()  // theme
        return try w.finish() ?? []
    }

    /// A solid fill of the placeholder colour (the colour of whatever uses the style).
    private static func placeholderFill(_ w: XMLWriter) {
        w.start("a:solidFill")
        w.start("a:schemeClr")
        w.attribute("val", "phClr")
        w.end()
        w.end()
    }
}
