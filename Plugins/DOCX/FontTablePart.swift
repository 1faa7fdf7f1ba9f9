import TaizhangCore
import TaizhangOOXML

/// `word/fontTable.xml`: the official fonts the document names, described (character set GB2312, family,
/// pitch) so that a reader without them substitutes a Chinese font of the same kind.
enum FontTablePart {
    static func write(_ layout: OfficialLayout) throws(ExportError) -> [UInt8] {
        let w = try XMLWriter()
        w.start("w:fonts")
        w.attribute("xmlns:w", "http://schemas.openxmlformats.org/wordprocessingml/2006/main")
        // name, family (roman: with serifs, swiss: without, script: brush)
        let fonts: [(String, StaticString)] = [
            (layout.bodyFont, "roman"), (layout.titleFont, "roman"), (layout.headingFont, "swiss"),
            (layout.subheadingFont, "script"), (layout.pageNumberFont, "roman"),
        ]
        var seen: Set<String> = []
        for (name, family) in fonts where seen.insert(name).inserted {
            w.start("w:font")
            w.attribute("w:name", name)
            w.start("w:charset"); w.attribute("w:val", "86"); w.end()
            w.start("w:family"); w.attribute("w:val", family); w.end()
            w.start("w:pitch"); w.attribute("w:val", "fixed"); w.end()
            w.end()
        }
        w.start("w:font")
        w.attribute("w:name", layout.latinFont)
        w.start("w:charset"); w.attribute("w:val", "00"); w.end()
        w.start("w:family"); w.attribute("w:val", "roman"); w.end()
        w.start("w:pitch"); w.attribute("w:val", "variable"); w.end()
        w.end()
        w.end()
        return try w.finish() ?? []
    }
}
