import Foundation
import TaizhangCore

/// Charts drawn as SVG on the server (no script, no external library): what people would rather look at
/// than read.
enum Chart {
    static let font = "font-family=\"Noto Sans CJK SC, Microsoft YaHei, sans-serif\""

    /// Horizontal bars, one per label, with the count at the end of each bar.
    static func bars(_ items: [(label: String, value: Int)], title: String, colour: String = "#1f4e8c",
                     width: Int = 460) -> String {
        let rowHeight = 24, labelWidth = 150, top = 6
        let height = top + max(1, items.count) * rowHeight + 6
        let maximum = max(1, items.map(\.value).max() ?? 1)
        let span = Double(width - labelWidth - 50)
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"\(esc(title))\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" \(font) font-size=\"12\">"
        if items.isEmpty {
            svg += "<text x=\"8\" y=\"20\" fill=\"#5f6b7a\">暂无数据</text>"
        }
        for (i, item) in items.enumerated() {
            let y = top + i * rowHeight
            let w = Int((Double(item.value) / Double(maximum) * span).rounded())
            let label = DisplayWidth.truncated(item.label, to: 22)
            svg += "<text x=\"\(labelWidth - 6)\" y=\"\(y + 16)\" text-anchor=\"end\" fill=\"#1f2933\">\(esc(label))</text>"
            svg += "<rect x=\"\(labelWidth)\" y=\"\(y + 4)\" width=\"\(max(w, item.value > 0 ? 2 : 0))\" height=\"16\" fill=\"\(colour)\" rx=\"2\"><title>\(esc(item.label))：\(item.value)</title></rect>"
            svg += "<text x=\"\(labelWidth + w + 6)\" y=\"\(y + 16)\" fill=\"#1f2933\">\(item.value)</text>"
        }
        return svg + "</svg>"
    }

    /// Stacked columns: one per period, one segment per standing, with a legend.
    static func stacked(_ columns: [(label: String, segments: [Int])], series: [(label: String, colour: String)],
                        title: String, width: Int = 460) -> String {
        let height = 230, left = 36, bottom = 40, top = 28
        let plotHeight = Double(height - bottom - top)
        let maximum = max(1, columns.map { $0.segments.reduce(0, +) }.max() ?? 1)
        let slot = columns.isEmpty ? 0 : (width - left - 10) / columns.count
        let barWidth = min(56, max(12, slot - 18))
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"\(esc(title))\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" \(font) font-size=\"12\">"
        // Legend.
        var x = left
        for s in series {
            svg += "<rect x=\"\(x)\" y=\"4\" width=\"12\" height=\"12\" fill=\"\(s.colour)\"/><text x=\"\(x + 16)\" y=\"15\">\(esc(s.label))</text>"
            x += 16 + DisplayWidth.columns(s.label) * 7 + 14
        }
        // Axis with a few ticks.
        let baseline = height - bottom
        svg += "<line x1=\"\(left)\" y1=\"\(baseline)\" x2=\"\(width - 4)\" y2=\"\(baseline)\" stroke=\"#9aa6b5\"/>"
        for tick in stride(from: 0, through: maximum, by: max(1, maximum / 4)) {
            let y = Double(baseline) - Double(tick) / Double(maximum) * plotHeight
            svg += "<text x=\"\(left - 4)\" y=\"\(Int(y) + 4)\" text-anchor=\"end\" fill=\"#5f6b7a\">\(tick)</text>"
            svg += "<line x1=\"\(left)\" y1=\"\(Int(y))\" x2=\"\(width - 4)\" y2=\"\(Int(y))\" stroke=\"#eef1f5\"/>"
        }
        for (i, column) in columns.enumerated() {
            let cx = left + i * slot + (slot - barWidth) / 2
            var y = Double(baseline)
            for (k, value) in column.segments.enumerated() where value > 0 {
                let h = Double(value) / Double(maximum) * plotHeight
                y -= h
                svg += "<rect x=\"\(cx)\" y=\"\(Int(y.rounded()))\" width=\"\(barWidth)\" height=\"\(max(1, Int(h.rounded())))\" fill=\"\(series[k].colour)\"><title>\(esc(column.label)) \(esc(series[k].label))：\(value)</title></rect>"
            }
            svg += "<text x=\"\(cx + barWidth / 2)\" y=\"\(baseline + 16)\" text-anchor=\"middle\">\(esc(column.label))</text>"
        }
        return svg + "</svg>"
    }
}
