import Testing
import TaizhangCore
import TaizhangMemo

@Suite struct MemoFormatTests {
    @Test func descriptorNamesTheFormat() {
        #expect(MemoFormat.descriptor.id == "memo")
        #expect(!MemoFormat.descriptor.fileExtensions.isEmpty)
    }
}
