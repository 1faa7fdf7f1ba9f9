import TaizhangCore
import TaizhangOOXML

/// `word/styles.xml`: the document defaults (3号 body font, the exact line pitch of the grid, condensed
/// characters, punctuation kept within the grid: `w:overflowPunct` off) and one paragraph style per element
/// of GB/T 9704 (names in Chinese, as a clerk sees them in Word's style list).
enum StylesPart {
    static func write(_ layout: OfficialLayout) throws(ExportError) -> [UInt8] {
        let w = try XMLWriter()
        w.start("w:styles")
        w.attribute("xmlns:w", "http://schemas.openxmlformats.org/wordprocessingml/2006/main")

        func runProperties(font: String, size: Int, color: String? = nil) {
            w.start("w:rPr")
            w.start("w:rFonts")
            w.attribute("w:ascii", layout.latinFont); w.attribute("w:eastAsia", font)
            w.attribute("w:hAnsi", layout.latinFont); w.attribute("w:cs", layout.latinFont)
            w.attribute("w:hint", "eastAsia")  // quotes and other shared characters full-width, in the Chinese font
            w.end()
            if let color { w.start("w:color"); w.attribute("w:val", color); w.end() }
            w.start("w:spacing"); w.attribute("w:val", layout.condensing); w.end()
            w.start("w:kern"); w.attribute("w:val", 0); w.end()
            w.start("w:sz"); w.attribute("w:val", size); w.end()
            w.start("w:szCs"); w.attribute("w:val", size); w.end()
            w.start("w:lang"); w.attribute("w:val", "en-US"); w.attribute("w:eastAsia", "zh-CN"); w.end()
            w.end()
        }
        func lineSpacing(_ line: Int) {
            w.start("w:spacing"); w.attribute("w:before", 0); w.attribute("w:after", 0)
            w.attribute("w:line", line); w.attribute("w:lineRule", "exact"); w.end()
        }

        w.start("w:docDefaults")
        w.start("w:rPrDefault"); runProperties(font: layout.bodyFont, size: layout.bodySize); w.end()
        w.start("w:pPrDefault")
        w.start("w:pPr")
        w.start("w:widowControl"); w.attribute("w:val", 0); w.end()
        w.start("w:overflowPunct"); w.attribute("w:val", 0); w.end()
        w.start("w:autoSpaceDE"); w.attribute("w:val", 0); w.end()
        w.start("w:autoSpaceDN"); w.attribute("w:val", 0); w.end()
        lineSpacing(layout.linePitch)
        w.start("w:jc"); w.attribute("w:val", "both"); w.end()
        w.end()
        w.end()
        w.end()

        func style(_ id: String, _ name: String, font: String? = nil, size: Int? = nil, color: String? = nil,
                   isDefault: Bool = false, outline: Int? = nil, paragraph: (() -> Void)? = nil) {
            w.start("w:style")
            w.attribute("w:type", "paragraph")
            if isDefault { w.attribute("w:default", "1") } else { w.attribute("w:customStyle", "1") }
            w.attribute("w:styleId", id)
            w.start("w:name"); w.attribute("w:val", name); w.end()
            if !isDefault { w.start("w:basedOn"); w.attribute("w:val", "Normal"); w.end() }
            w.start("w:qFormat"); w.end()
            w.start("w:pPr")
            // LibreOffice reads hanging punctuation from the style, not the document defaults.
            if isDefault { w.start("w:overflowPunct"); w.attribute("w:val", 0); w.end() }
            paragraph?()
            if let outline { w.start("w:outlineLvl"); w.attribute("w:val", outline); w.end() }
            w.end()
            runProperties(font: font ?? layout.bodyFont, size: size ?? layout.bodySize, color: color)
            w.end()
        }
        let indent: () -> Void = {
            w.start("w:ind"); w.attribute("w:firstLine", 2 * layout.character); w.end()
        }
        style("Normal", "Normal", isDefault: true)
        style("Plain", "公文空行")
        style("OfficialMark", "发文机关标志", font: layout.titleFont, size: 72, color: layout.red) {
            w.start("w:snapToGrid"); w.attribute("w:val", 0); w.end()
            lineSpacing(2 * layout.linePitch)
            w.start("w:jc"); w.attribute("w:val", "center"); w.end()
        }
        style("DocumentNumber", "发文字号")
        style("Rule", "版头分隔线") {
            // Not snapped to the grid (a rule would round its line up to two), and shorter by the rule's width.
            w.start("w:snapToGrid"); w.attribute("w:val", 0); w.end()
            lineSpacing(layout.linePitch - 40)
        }
        style("OfficialTitle", "公文标题", font: layout.titleFont, size: layout.titleSize, outline: 0) {
            w.start("w:snapToGrid"); w.attribute("w:val", 0); w.end()
            w.start("w:jc"); w.attribute("w:val", "center"); w.end()
        }
        style("Recipients", "主送机关")
        style("BodyText", "公文正文", paragraph: indent)
        style("Heading1", "一级标题", font: layout.headingFont, outline: 1, paragraph: indent)
        style("Heading2", "二级标题", font: layout.subheadingFont, outline: 2, paragraph: indent)
        style("Heading3", "三级标题", outline: 3, paragraph: indent)
        style("Signature", "署名和成文日期")
        style("Record", "版记", size: layout.smallSize) {
            // A little under the grid's pitch: the rules (paragraph borders) take the difference, so the 版记
            // still ends within the page's last grid line; not snapped to the grid, which would round a line and
            // its rules up to two grid lines.
            w.start("w:snapToGrid"); w.attribute("w:val", 0); w.end()
            lineSpacing(layout.linePitch - 120)
            w.start("w:jc"); w.attribute("w:val", "left"); w.end()
        }
        style("PageNumber", "页码", font: layout.pageNumberFont, size: layout.smallSize) {
            w.start("w:snapToGrid"); w.attribute("w:val", 0); w.end()
            w.start("w:spacing"); w.attribute("w:before", 0); w.attribute("w:after", 0)
            w.attribute("w:line", 240); w.attribute("w:lineRule", "auto"); w.end()
        }
        w.end()
        return try w.finish() ?? []
    }
}
