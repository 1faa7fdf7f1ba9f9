import TaizhangCore
import TaizhangOOXML

/// `word/settings.xml`: different footers on odd and even pages (the page number at the outside edge),
/// CJK punctuation not compressed, and Word 2013+ layout.
enum SettingsPart {
    static func write() throws(ExportError) -> [UInt8] {
        let w = try XMLWriter()
        w.start("w:settings")
        w.attribute("xmlns:w", "http://schemas.openxmlformats.org/wordprocessingml/2006/main")
        w.start("w:defaultTabStop"); w.attribute("w:val", 420); w.end()
        w.start("w:evenAndOddHeaders"); w.end()
        w.start("w:characterSpacingControl"); w.attribute("w:val", "doNotCompress"); w.end()
        w.start("w:compat")
        w.start("w:compatSetting")
        w.attribute("w:name", "compatibilityMode")
        w.attribute("w:uri", "http://schemas.microsoft.com/office/word")
        w.attribute("w:val", "15")
        w.end()
        w.end()
        w.end()
        return try w.finish() ?? []
    }
}
