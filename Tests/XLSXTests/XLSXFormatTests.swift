import Testing
import TaizhangCore
import TaizhangXLSX

@Suite struct XLSXFormatTests {
    @Test func descriptorNamesTheFormat() {
        #expect(XLSXFormat.descriptor.id == "xlsx")
        #expect(!XLSXFormat.descriptor.fileExtensions.isEmpty)
    }
}
