import Testing
import TaizhangDOCX

@Suite struct TitleLinesTests {
    @Test func titlesSplitAtWordBoundaries() {
        let breaker = TitleLines(maxCharacters: 19)
        let lines = breaker.lines("关于2024年6月全省工业和信息化系统大力整治行政执法突出问题工作进展情况的报告")
        #expect(lines == ["关于2024年6月全省工业和信息化", "系统大力整治行政执法突出问题", "工作进展情况的报告"])
        let named = breaker.lines("沈阳市工业和信息化局关于2024年6月大力整治行政执法突出问题工作进展情况的报告",
                                  names: ["沈阳市工业和信息化局"])
        #expect(named.count == 3)
        #expect(named.allSatisfy { !$0.hasPrefix("的") })
        #expect(named.joined() == "沈阳市工业和信息化局关于2024年6月大力整治行政执法突出问题工作进展情况的报告")
        #expect(breaker.lines("关于退回沈阳市自查台账修改的通知") == ["关于退回沈阳市自查台账修改的通知"])
    }
}
