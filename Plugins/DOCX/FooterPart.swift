import TaizhangCore
import TaizhangOOXML

/// The footers: the page number `— 1 —` in 4号宋体, one character in from the outside edge (right on odd
/// pages, left on even), and an empty footer for a page that carries no number (the 版记's own page).
enum FooterPart {
    enum Side { case odd, even, none }

    static func write(_ side: Side, layout: OfficialLayout) throws(ExportError) -> [UInt8] {
        let w = try XMLWriter()
        w.start("w:ftr")
        w.attribute("xmlns:w", "http://schemas.openxmlformats.org/wordprocessingml/2006/main")
        w.start("w:p")
        w.start("w:pPr")
        w.start("w:pStyle"); w.attribute("w:val", "PageNumber"); w.end()
        if side != .none {
            w.start("w:ind")
            w.attribute(side == .odd ? "w:right" : "w:left", layout.smallCharacter)
            w.end()
            w.start("w:jc"); w.attribute("w:val", side == .odd ? "right" : "left"); w.end()
        }
        w.end()
        if side != .none {
            func run(_ body: () -> Void) { w.start("w:r"); body(); w.end() }
            func text(_ value: String) {
                run { w.start("w:t"); w.attribute("xml:space", "preserve"); w.text(value); w.end() }
            }
            text("— ")
            run { w.start("w:fldChar"); w.attribute("w:fldCharType", "begin"); w.end() }
            run { w.start("w:instrText"); w.attribute("xml:space", "preserve"); w.text(" PAGE "); w.end() }
            run { w.start("w:fldChar"); w.attribute("w:fldCharType", "separate"); w.end() }
            text("1")
            run { w.start("w:fldChar"); w.attribute("w:fldCharType", "end"); w.end() }
            text(" —")
        }
        w.end()
        w.end()
        return try w.finish() ?? []
    }
}
