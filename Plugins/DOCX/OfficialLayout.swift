import TaizhangCore

/// The measures of GB/T 9704-2012 a Word document is laid out with: A4, the margins, the 22 × 28 grid, the
/// official fonts and sizes. Lengths are in twips (1/20 pt) as WordprocessingML writes them.
///
/// The grid: 22 lines of exactly 28.95 pt (`w:docGrid w:type="lines"`, and every paragraph at that exact
/// line height, so no substituted font can change how many lines a page holds), and 28 characters a line:
/// a 3号 (16 pt) character is condensed by 0.25 pt (`w:spacing`), so 28 of them (441 pt) fit the 156 mm
/// (442.2 pt) between the margins in any CJK font, whose characters are all one em wide. (GB/T 9704 asks
/// for 28 × 16 pt = 448 pt in 442.2 pt; Word's character grid, `linesAndChars`, squeezes them by itself,
/// but LibreOffice 7.4 gives every character wider than a grid cell two cells — 14 characters a line — so
/// the condensing is written out instead.)
public struct OfficialLayout: Sendable, Hashable {
    /// Page width and height (A4).
    public var pageWidth = 11906, pageHeight = 16838
    /// Margins: top 37 mm, bottom 35 mm, left 28 mm, right 26 mm.
    public var top = 2098, bottom = 1984, left = 1587, right = 1474
    /// From the page's bottom edge to the bottom of the page number line (the number's dashes sit about
    /// 7 mm below the text area).
    public var footer = 1247
    /// Lines a page holds.
    public var linesPerPage = 22
    /// Characters a line holds.
    public var charactersPerLine = 28
    /// 3号: the body's size, in half-points (16 pt).
    public var bodySize = 32
    /// 2号: the title's size (22 pt).
    public var titleSize = 44
    /// 4号: page numbers and 版记 (14 pt).
    public var smallSize = 28
    /// How much each character is condensed, in twips (−0.25 pt).
    public var condensing = -5

    /// The fonts the document names: the official ones (not shipped with Debian: a reader substitutes).
    public var titleFont = "方正小标宋简体"
    public var bodyFont = "仿宋_GB2312"
    public var headingFont = "黑体"
    public var subheadingFont = "楷体_GB2312"
    public var pageNumberFont = "宋体"
    /// Digits and Latin letters (half-width).
    public var latinFont = "Times New Roman"
    /// The red of 发文机关标志 and its separator line.
    public var red = "FF0000"

    public init() {}

    /// The text area's width.
    public var textWidth: Int { pageWidth - left - right }
    /// The height of one grid line (28.95 pt): the text area's height over the lines a page holds, rounded
    /// down so that the last line fits.
    public var linePitch: Int { (pageHeight - top - bottom) / linesPerPage }
    /// One body character's advance (the grid's column): 16 pt less the condensing.
    public var character: Int { bodySize * 10 + condensing }
    /// One 4号 character's advance.
    public var smallCharacter: Int { smallSize * 10 + condensing }
    /// Characters of the title's size a line holds.
    public var titleCharacters: Int { textWidth / (titleSize * 10 + condensing) }
}
