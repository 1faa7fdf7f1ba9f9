import Testing
import TaizhangCore
import TaizhangCSV

@Suite struct CSVFormatTests {
    @Test func descriptorNamesTheFormat() {
        #expect(CSVFormat.descriptor.id == "csv")
        #expect(!CSVFormat.descriptor.fileExtensions.isEmpty)
    }
}
