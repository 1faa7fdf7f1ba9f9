import TaizhangCore
import TaizhangOOXML

/// The style sheet (`xl/styles.xml`): cell formats registered by the builder, split into the
/// number formats, fonts, fills and borders they use.
final class StylesPart {
    private(set) var formats: [CellFormat] = [.standard]
    private var indexByFormat: [CellFormat: Int] = [.standard: 0]

    /// The `cellXfs` index of `format`, registering it on first use.
    func index(of format: CellFormat) -> Int {
        if let index = indexByFormat[format] { return index }
        formats.append(format)
        indexByFormat[format] = formats.count - 1
        return formats.count - 1
    }

    private struct Font: Hashable { var name: String; var size: Double; var bold: Bool; var color: String? }

    /// Built-in number format ids for codes Excel knows without a `numFmt` record.
    private static let builtinNumberFormats: [String: Int] = ["0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4, "@": 49]

    func write() throws(ExportError) -> [UInt8] {
        var numberFormats: [String] = []
        var fonts: [Font] = []
        var fills: [String] = []
        var xfs: [(numFmt: Int, font: Int, fill: Int, border: Int, format: CellFormat)] = []
        for format in formats {
            var numFmt = 0
            if let code = format.numberFormat {
                if let builtin = StylesPart.builtinNumberFormats[code] {
                    numFmt = builtin
                } else if let i = numberFormats.firstIndex(of: code) {
                    numFmt = 164 + i
                } else {
                    numberFormats.append(code)
                    numFmt = 164 + numberFormats.count - 1
                }
            }
            let font = Font(name: format.fontName, size: format.fontSize, bold: format.bold, color: format.fontColor)
            let fontIndex = fonts.firstIndex(of: font) ?? { fonts.append(font); return fonts.count - 1 }()
            var fillIndex = 0
            if let fill = format.fill {
                // Fills 0 and 1 are the required none and gray125.
                fillIndex = 2 + (fills.firstIndex(of: fill) ?? { fills.append(fill); return fills.count - 1 }())
            }
            xfs.append((numFmt, fontIndex, fillIndex, format.border ? 1 : 0, format))
        }

        let w = try XMLWriter()
        w.start("styleSheet")
        w.attribute("xmlns", "http://schemas.openxmlformats.org/spreadsheetml/2006/main")
        if !numberFormats.isEmpty {
            w.start("numFmts")
            w.attribute("count", numberFormats.count)
            for (i, code) in numberFormats.enumerated() {
                w.start("numFmt")
                w.attribute("numFmtId", 164 + i)
                w.attribute("formatCode", code)
                w.end()
            }
            w.end()
        }
        w.start("fonts")
        w.attribute("count", fonts.count)
        for font in fonts {
            w.start("font")
            if font.bold { w.start("b"); w.end() }
            w.start("sz"); w.attribute("val", font.size); w.end()
            if let color = font.color {
                w.start("color"); w.attribute("rgb", "FF" + color); w.end()
            }
            w.start("name"); w.attribute("val", font.name); w.end()
            w.start("family"); w.attribute("val", 3); w.end()
            w.start("charset"); w.attribute("val", 134); w.end()  // GB2312
            w.end()
        }
        w.end()
        w.start("fills")
        w.attribute("count", 2 + fills.count)
        w.start("fill"); w.start("patternFill"); w.attribute("patternType", "none"); w.end(); w.end()
        w.start("fill"); w.start("patternFill"); w.attribute("patternType", "gray125"); w.end(); w.end()
        for fill in fills {
            w.start("fill")
            w.start("patternFill")
            w.attribute("patternType", "solid")
            w.start("fgColor"); w.attribute("rgb", "FF" + fill); w.end()
            w.start("bgColor"); w.attribute("indexed", 64); w.end()
            w.end()
            w.end()
        }
        w.end()
        w.start("borders")
        w.attribute("count", 2)
        w.start("border")
        for side: StaticString in ["left", "right", "top", "bottom", "diagonal"] { w.start(side); w.end() }
        w.end()
        w.start("border")
        for side: StaticString in ["left", "right", "top", "bottom"] {
            w.start(side)
            w.attribute("style", "thin")
            w.start("color"); w.attribute("auto", 1); w.end()
            w.end()
        }
        w.start("diagonal"); w.end()
        w.end()
        w.end()
        w.start("cellStyleXfs")
        w.attribute("count", 1)
        w.start("xf")
        w.attribute("numFmtId", 0); w.attribute("fontId", 0); w.attribute("fillId", 0); w.attribute("borderId", 0)
        w.end()
        w.end()
        w.start("cellXfs")
        w.attribute("count", xfs.count)
        for xf in xfs {
            let f = xf.format
            w.start("xf")
            w.attribute("numFmtId", xf.numFmt)
            w.attribute("fontId", xf.font)
            w.attribute("fillId", xf.fill)
            w.attribute("borderId", xf.border)
            w.attribute("xfId", 0)
            if xf.numFmt != 0 { w.attribute("applyNumberFormat", 1) }
            if xf.font != 0 { w.attribute("applyFont", 1) }
            if xf.fill != 0 { w.attribute("applyFill", 1) }
            if xf.border != 0 { w.attribute("applyBorder", 1) }
            let aligned = f.horizontal != .general || f.vertical != .bottom || f.wrap
            if aligned { w.attribute("applyAlignment", 1) }
            if !f.locked { w.attribute("applyProtection", 1) }
            if aligned {
                w.start("alignment")
                if f.horizontal != .general { w.attribute("horizontal", f.horizontal.rawValue) }
                if f.vertical != .bottom { w.attribute("vertical", f.vertical.rawValue) }
                if f.wrap { w.attribute("wrapText", 1) }
                w.end()
            }
            if !f.locked {
                w.start("protection"); w.attribute("locked", 0); w.end()
            }
            w.end()
        }
        w.end()
        w.start("cellStyles")
        w.attribute("count", 1)
        w.start("cellStyle"); w.attribute("name", "常规"); w.attribute("xfId", 0); w.attribute("builtinId", 0); w.end()
        w.end()
        w.start("dxfs"); w.attribute("count", 0); w.end()
        w.start("tableStyles")
        w.attribute("count", 0)
        w.attribute("defaultTableStyle", "TableStyleMedium2")
        w.attribute("defaultPivotStyle", "PivotStyleLight16")
        w.end()
        w.end()
        return try w.finish() ?? []
    }
}
